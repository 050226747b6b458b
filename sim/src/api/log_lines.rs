//! The lines an agent container writes, generated on demand from simulated time (nothing
//! is stored): start-up lines at the container's start, then one line per
//! [`TICK_SECS`] simulated seconds saying what the container did in them — requests
//! served and the model mix, the provider's 401 and its error body while the key is
//! rejected, connect timeouts while egress is blocked, and the working set while the
//! memory leak (`oom`) grows it, up to the last line before an OOM kill. Deterministic for
//! a seed: a tick's jitter and counts come from the seed, the pod's name and the tick.
//!
//! The provider's state (key, egress) is the one observed now: the sim keeps no history
//! of it, so a tick written before a change reads as the state at the time of the read.

use jiff::{SignedDuration, Timestamp};

use crate::agents::model::{self, MODELS, Provider};

/// Simulated seconds between two periodic lines.
pub const TICK_SECS: i64 = 10;
/// At most this many periodic lines per read without `tailLines` (the kubelet rotates
/// its logs too).
const MAX_TICKS: i64 = 5_000;
/// At most this many request lines of a chatty pod per read without `tailLines`.
const MAX_CHATTY: i64 = 20_000;

/// What an agent container's lines are written from.
pub struct AgentCtx {
    pub seed: u64,
    pub pod: String,
    pub image: String,
    pub url: String,
    /// Why the container exits at start (a bad HOLYSHEEP_BASE_URL), if it does.
    pub bad_config: Option<String>,
    pub provider: Provider,
    /// Ready agent pods sharing the load (at least 1 for the arithmetic).
    pub ready: usize,
    /// Whether this pod is one of them (no traffic otherwise).
    pub is_ready: bool,
    pub model: model::Model,
    /// Whether the memory leak applies to this instance.
    pub leak: bool,
    /// Memory request and limit in bytes (0 when unset).
    pub mem_request: f64,
    pub mem_limit: f64,
    /// Simulated seconds since the sim started, now, and the wall time now.
    pub sim_now: f64,
    pub now: Timestamp,
    /// Request lines per simulated second besides the periodic ones (staging: the
    /// `agentdeck.sim/log-rate` annotation); 0: none.
    pub chatty: u32,
}

/// One container instance: its start, its end (None while running) and why it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub started: Timestamp,
    pub finished: Option<Timestamp>,
    pub reason: Option<String>,
}

fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

fn millis(ms: i64) -> SignedDuration {
    SignedDuration::from_millis(ms)
}

fn mib(b: f64) -> i64 {
    (b / (1024.0 * 1024.0)).round() as i64
}

impl AgentCtx {
    fn h(&self, k: u64) -> u64 {
        model::mix(
            self.seed ^ u64::from(crate::meta::fnv32a(self.pod.as_bytes())),
            k,
        )
    }

    /// Simulated seconds since the sim started at wall time `t`.
    fn sim_secs(&self, t: Timestamp) -> f64 {
        self.sim_now - self.now.duration_since(t).as_secs_f64()
    }

    /// The lines of `inst` with a time in `[from, to]`; with `tail`, only (at least) the
    /// last `tail` of them are generated.
    pub fn lines(
        &self,
        inst: &Instance,
        from: Timestamp,
        to: Timestamp,
        tail: Option<usize>,
    ) -> Vec<(Timestamp, String)> {
        let end = inst.finished.unwrap_or(self.now).min(to);
        let mut out = Vec::new();
        let s = inst.started;
        let mut start = vec![
            (
                s,
                format!(
                    "INFO ai-agent starting ({}; agents: coder, writer, analyst)",
                    self.image
                ),
            ),
            (s + millis(12), format!("INFO provider {}", self.url)),
        ];
        if let Some(why) = &self.bad_config {
            let e = inst.finished.unwrap_or(s + millis(40));
            start.push((e, format!("ERROR {why}")));
            start.push((
                e,
                "ERROR configuration invalid, exiting with status 1".into(),
            ));
            out.extend(start.into_iter().filter(|(t, _)| *t >= from && *t <= end));
            return out;
        }
        start.push((s + millis(31), "INFO listening on :8000".into()));
        out.extend(start.into_iter().filter(|(t, _)| *t >= from && *t <= end));

        // Periodic ticks k ≥ 1 at started + k·TICK + jitter, within [from, end].
        let tick_at = |k: i64| s + secs(k * TICK_SECS) + millis((self.h(k as u64) % 900) as i64);
        let span = |a: Timestamp| a.duration_since(s).as_secs_f64() / TICK_SECS as f64;
        // An OOM-killed instance's last line is its memory just before the kill.
        let last_words = match (inst.reason.as_deref(), inst.finished) {
            (Some("OOMKilled"), Some(f)) => Some(f - millis(250)),
            _ => None,
        };
        let tick_end = last_words.map_or(end, |w| end.min(w - millis(1)));
        let k_hi = span(tick_end).floor() as i64;
        let mut k_lo = (span(from).floor() as i64).max(1);
        let k_lo_cap = match tail {
            Some(n) => k_hi - n as i64,
            None => k_hi - MAX_TICKS,
        };
        k_lo = k_lo.max(k_lo_cap);
        for k in k_lo..=k_hi {
            let t = tick_at(k);
            if t < from || t > tick_end {
                continue;
            }
            for line in self.tick(k, t) {
                out.push((t, line));
            }
        }
        self.chatty_lines(s, from, tick_end, tail, &mut out);
        // The last words of an OOM-killed instance, just before the kill.
        if let Some(t) = last_words
            && t >= from
            && t <= end
            && t > s
        {
            let up = t.duration_since(s).as_secs_f64();
            let ws = model::leaked_bytes(self.base_mem(), up);
            out.push((
                t,
                format!(
                    "WARN memory working set {}Mi exceeds the container's limit of {}Mi; session cache still growing",
                    mib(ws),
                    mib(self.mem_limit)
                ),
            ));
        }
        out.sort_by_key(|(t, _)| *t);
        out
    }

    /// A chatty pod's request lines in `[from, to]`: line j at `started + j/rate`.
    fn chatty_lines(
        &self,
        s: Timestamp,
        from: Timestamp,
        to: Timestamp,
        tail: Option<usize>,
        out: &mut Vec<(Timestamp, String)>,
    ) {
        if self.chatty == 0 || to < s {
            return;
        }
        let step = 1_000_000_000 / i64::from(self.chatty);
        let ns = |t: Timestamp| t.duration_since(s).as_nanos() as i64;
        let hi = ns(to) / step;
        let lo = if from > s {
            (ns(from) + step - 1) / step
        } else {
            1
        };
        let cap = tail.map_or(MAX_CHATTY, |n| n as i64);
        for j in lo.max(1).max(hi - cap + 1)..=hi {
            let t = s + SignedDuration::from_nanos(j * step);
            let h = self.h(j as u64 ^ 0xc4a7_7e11);
            let (m, _, _) = MODELS[(h % MODELS.len() as u64) as usize];
            let agent = ["coder", "writer", "analyst"][((h >> 8) % 3) as usize];
            out.push((
                t,
                format!(
                    "DEBUG request {:012x} agent={agent} model={m} tokens={} latency={}ms status=200",
                    (h >> 16) & 0xffff_ffff_ffff,
                    200 + (h >> 20) % 1800,
                    300 + (h >> 40) % 2500
                ),
            ));
        }
    }

    fn base_mem(&self) -> f64 {
        model::pod_usage(0.0).1 * self.mem_request
    }

    /// The lines of tick `k` (at `t`).
    fn tick(&self, k: i64, t: Timestamp) -> Vec<String> {
        let mut out = Vec::new();
        if self.leak {
            let up = (k * TICK_SECS) as f64;
            let ws = model::leaked_bytes(self.base_mem(), up);
            let limit = if self.mem_limit > 0.0 {
                format!(" (limit {}Mi)", mib(self.mem_limit))
            } else {
                String::new()
            };
            out.push(format!(
                "WARN memory working set {}Mi{limit}: session cache not evicted",
                mib(ws)
            ));
        }
        let n = if self.is_ready {
            let rate = self.model.rate(self.sim_secs(t)) / self.ready.max(1) as f64;
            let jitter = 0.9 + (self.h(k as u64 ^ 0xabcd) % 2000) as f64 / 10_000.0;
            (rate * TICK_SECS as f64 * jitter).round() as u64
        } else {
            0
        };
        let p = self.provider;
        let line = if !p.egress_ok {
            format!(
                "WARN POST {}/chat/completions failed: connect to api.holysheep.ai:443 (203.0.113.7) timed out after 30s; answered 504 to {n} requests in the last {TICK_SECS}s",
                self.url
            )
        } else if !p.key_ok {
            format!(
                "WARN POST {}/chat/completions: 401 Unauthorized {{\"error\":{{\"message\":\"Invalid API key provided\",\"type\":\"authentication_error\",\"code\":\"invalid_api_key\"}}}}; answered 401 to {n} requests in the last {TICK_SECS}s",
                self.url
            )
        } else {
            let shares = model::request_shares();
            let mut left = n;
            let mut parts = Vec::new();
            for (i, (m, _, _)) in MODELS.iter().enumerate() {
                let c = if i + 1 == MODELS.len() {
                    left
                } else {
                    ((n as f64 * shares[i]).round() as u64).min(left)
                };
                left -= c;
                parts.push(format!("{m} {c}"));
            }
            let e429 = (n as f64 * model::RATE_LIMITED
                + (self.h(k as u64 ^ 0x429) % 1000) as f64 / 1000.0) as u64;
            let e500 = (n as f64 * model::SERVER_ERROR
                + (self.h(k as u64 ^ 0x500) % 1000) as f64 / 1000.0) as u64;
            format!(
                "INFO served {n} requests in the last {TICK_SECS}s (model mix: {}; 429: {e429}, 500: {e500})",
                parts.join(", ")
            )
        };
        out.push(line);
        out
    }
}

/// The kubelet's timestamp prefix: RFC 3339 with nanoseconds, trailing zeros trimmed
/// (Go's RFC3339Nano).
pub fn rfc3339_nano(t: Timestamp) -> String {
    let base = t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let ns = t.subsec_nanosecond();
    if ns == 0 {
        return format!("{base}Z");
    }
    let frac = format!("{ns:09}");
    format!("{base}.{}Z", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(provider: Provider, leak: bool) -> AgentCtx {
        let now: Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
        AgentCtx {
            seed: 7,
            pod: "ai-agent-service-abc".into(),
            image: "agent:1".into(),
            url: "https://api.holysheep.ai/v1".into(),
            bad_config: None,
            provider,
            ready: 3,
            is_ready: true,
            model: model::Model {
                seed: 7,
                steady: true,
            },
            leak,
            mem_request: 512.0 * 1024.0 * 1024.0,
            mem_limit: 1024.0 * 1024.0 * 1024.0,
            sim_now: 600.0,
            now,
            chatty: 0,
        }
    }

    fn inst() -> Instance {
        Instance {
            started: "2026-01-01T00:00:00Z".parse().unwrap(),
            finished: None,
            reason: None,
        }
    }

    #[test]
    fn lines_tell_the_provider_state() {
        let c = ctx(Provider::with_key(true), false);
        let i = inst();
        let l = c.lines(&i, i.started, c.now, None);
        assert!(l[0].1.contains("starting"));
        assert_eq!(l.len(), 3 + 59, "{l:?}");
        assert!(l[5].1.contains("served") && l[5].1.contains("gpt-4.1"));
        // Deterministic.
        assert_eq!(l, c.lines(&i, i.started, c.now, None));
        let bad = ctx(Provider::with_key(false), false);
        let l = bad.lines(&i, i.started, c.now, Some(2));
        assert!(l.last().unwrap().1.contains("401 Unauthorized {\"error\""));
        assert!(l.len() <= 5);
        let mut blocked = Provider::with_key(true);
        blocked.egress_ok = false;
        let l = ctx(blocked, false).lines(&i, i.started, c.now, Some(1));
        assert!(l.last().unwrap().1.contains("timed out after 30s"));
    }

    #[test]
    fn oom_killed_instance_ends_with_memory() {
        let c = ctx(Provider::with_key(true), true);
        let mut i = inst();
        i.finished = Some(i.started + secs(25));
        i.reason = Some("OOMKilled".into());
        let l = c.lines(&i, i.started, c.now, None);
        assert!(
            l.last()
                .unwrap()
                .1
                .contains("exceeds the container's limit"),
            "{l:?}"
        );
        assert!(l.iter().all(|(t, _)| *t <= i.finished.unwrap()));
    }

    #[test]
    fn a_chatty_pod_writes_its_rate() {
        let mut c = ctx(Provider::with_key(true), false);
        c.chatty = 1000;
        let i = inst();
        let from = c.now - secs(2);
        let l = c.lines(&i, from, c.now, None);
        let debug = l
            .iter()
            .filter(|(_, l)| l.starts_with("DEBUG request"))
            .count();
        assert!((1999..=2001).contains(&debug), "{debug}");
        let l = c.lines(&i, i.started, c.now, Some(300));
        let debug = l
            .iter()
            .filter(|(_, l)| l.starts_with("DEBUG request"))
            .count();
        assert_eq!(debug, 300);
        assert!(l.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn nano_timestamps() {
        let t: Timestamp = "2026-01-01T00:00:00.120Z".parse().unwrap();
        assert_eq!(rfc3339_nano(t), "2026-01-01T00:00:00.12Z");
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(rfc3339_nano(t), "2026-01-01T00:00:00Z");
    }
}
