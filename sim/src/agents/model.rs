//! The pure part of the agent load model: request rate over simulated time, the latency
//! distribution, the status-code and model mix. Everything here is a function of
//! (seed, simulated second, ready pods, key validity): no state, no store.

use std::f64::consts::PI;

/// Offered request rate (req/s) at the middle of the daily curve.
pub const BASE_RPS: f64 = 3.0;
/// Relative amplitude of the daily curve.
pub const DAILY_AMPLITUDE: f64 = 0.6;
/// Requests per second one ready pod serves at 100 % utilisation.
pub const POD_CAPACITY_RPS: f64 = 3.0;
/// Latency stops growing at this slowdown (timeouts and queue limits take over).
pub const MAX_SLOWDOWN: f64 = 8.0;
/// Median latency of a successful request on an idle pod, before the agent's factor.
pub const BASE_MEDIAN_S: f64 = 0.35;
/// Log-space spread of successful requests (p95 ≈ 3.2 × p50).
pub const SIGMA: f64 = 0.7;
/// Requests the provider rejects (401, 429) come back fast.
pub const FAST_MEDIAN_S: f64 = 0.06;
pub const FAST_SIGMA: f64 = 0.35;
/// Work of a rejected request relative to a served one (CPU and queueing).
pub const FAST_WORK: f64 = 0.15;
/// Fractions of authorized requests that fail anyway.
pub const RATE_LIMITED: f64 = 0.007;
pub const SERVER_ERROR: f64 = 0.003;
/// Every agent request has a 30 s deadline; a provider call that cannot connect (egress
/// blocked) uses it all and the agent answers 504 just before it runs out.
pub const DEADLINE_S: f64 = 30.0;
/// Latency of a timed-out request: a narrow log-normal just under the deadline.
pub const TIMEOUT_MEDIAN_S: f64 = 29.8;
pub const TIMEOUT_SIGMA: f64 = 0.001;
/// CPU work of a timed-out request relative to a served one (it mostly waits).
pub const TIMEOUT_WORK: f64 = 0.05;
/// How long the provider takes to answer its probe (`GET /v1/models`, a light request)
/// at normal speed, ms; a slow provider is as much slower there.
pub const PROBE_MS: f64 = 180.0;
/// Provider latency multiplier while the provider is slow (`slow-provider`).
pub const SLOW_PROVIDER_FACTOR: f64 = 6.0;

/// Histogram bucket upper bounds (seconds), +Inf implied. The buckets above 10 s let
/// `histogram_quantile` place 30 s timeouts near 30 s rather than at a bucket edge.
pub const BUCKETS: [f64; 15] = [
    0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0,
];

/// (model, share of tokens, mean tokens per request).
pub const MODELS: [(&str, f64, f64); 4] = [
    ("gpt-4.1", 0.30, 1400.0),
    ("claude-sonnet-4.5", 0.20, 1800.0),
    ("gemini-2.5-flash", 0.30, 900.0),
    ("deepseek-v3.2", 0.20, 1100.0),
];

/// (agent, share of requests, latency factor).
pub const AGENTS: [(&str, f64, f64); 3] = [
    ("coder", 0.40, 1.15),
    ("writer", 0.35, 1.0),
    ("analyst", 0.25, 0.8),
];

/// Status codes in the order of [`Point::codes`].
pub const CODES: [&str; 6] = ["200", "401", "429", "500", "503", "504"];
pub const C200: usize = 0;
pub const C401: usize = 1;
pub const C429: usize = 2;
pub const C500: usize = 3;
pub const C503: usize = 4;
pub const C504: usize = 5;
/// The codes a pod answers (503 is answered by nobody: no ready pod), in the order of a
/// pod's series.
pub const POD_CODES: [usize; 5] = [C200, C401, C429, C500, C504];
/// The provider-error reasons of `ai_provider_errors_total`, by code.
pub const PROVIDER_ERRORS: [(usize, &str); 4] = [
    (C401, "unauthorized"),
    (C429, "rate_limited"),
    (C500, "server_error"),
    (C504, "timeout"),
];

/// What the agents' provider calls meet: a valid key, egress allowed by the
/// NetworkPolicies, and how slow the provider answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Provider {
    pub key_ok: bool,
    pub egress_ok: bool,
    /// Provider latency multiplier (1: normal).
    pub latency: f64,
}

impl Provider {
    /// A reachable provider at normal speed, with the key valid or not.
    pub fn with_key(key_ok: bool) -> Self {
        Provider {
            key_ok,
            egress_ok: true,
            latency: 1.0,
        }
    }
}

/// splitmix64: a well-mixed hash of a seed and a counter.
pub fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Fraction of requests that go to each model, so that tokens follow the shares.
pub fn request_shares() -> [f64; 4] {
    let w = MODELS.map(|(_, s, mean)| s / mean);
    let total: f64 = w.iter().sum();
    w.map(|x| x / total)
}

/// Mean tokens of a successful request, over the model mix.
pub fn mean_tokens_per_request() -> f64 {
    let q = request_shares();
    MODELS.iter().zip(q).map(|((_, _, m), q)| m * q).sum()
}

/// The model at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Offered requests per second (all codes).
    pub rate: f64,
    /// Utilisation of each ready pod (work / capacity); may exceed 1 when overloaded.
    pub rho: f64,
    /// Latency multiplier from queueing: 1 / (1 − ρ), capped at [`MAX_SLOWDOWN`].
    pub slowdown: f64,
    /// Fraction of requests per code, in the order of [`CODES`].
    pub codes: [f64; 6],
    /// Provider latency multiplier of served requests.
    pub latency: f64,
}

impl Point {
    /// Fraction of requests that reach a pod and are served slowly (200, 500).
    pub fn slow(&self) -> f64 {
        self.codes[C200] + self.codes[C500]
    }

    /// Fraction rejected fast by the provider (401, 429).
    pub fn fast(&self) -> f64 {
        self.codes[C401] + self.codes[C429]
    }

    /// Latency components (weight, median s, sigma) of this point's requests.
    pub fn components(&self) -> Vec<(f64, f64, f64)> {
        let mut c: Vec<(f64, f64, f64)> = AGENTS
            .iter()
            .map(|(_, share, f)| {
                (
                    share * self.slow(),
                    BASE_MEDIAN_S * f * self.slowdown * self.latency,
                    SIGMA,
                )
            })
            .collect();
        c.push((self.fast(), FAST_MEDIAN_S, FAST_SIGMA));
        c.push((self.codes[C504], TIMEOUT_MEDIAN_S, TIMEOUT_SIGMA));
        c
    }
}

/// The deterministic load model of one sim.
#[derive(Debug, Clone, Copy)]
pub struct Model {
    pub seed: u64,
    /// Constant rate: no daily curve, bursts or jitter.
    pub steady: bool,
}

impl Model {
    /// Offered load at simulated second `t`: daily curve × burst × per-second jitter.
    pub fn rate(&self, t: f64) -> f64 {
        if self.steady {
            return BASE_RPS;
        }
        let phase = unit(mix(self.seed, u64::MAX)) * 2.0 * PI;
        let daily = 1.0 + DAILY_AMPLITUDE * (2.0 * PI * t / 86_400.0 + phase).sin();
        // Keyed by the whole second; a second before the start (the fast-forwarded
        // history, [`super::history`]) by its two's complement.
        let sec = t.floor() as i64 as u64;
        let jitter = 1.0 + 0.08 * (2.0 * unit(mix(self.seed ^ 0x5eed, sec)) - 1.0);
        BASE_RPS * daily * self.burst(t) * jitter
    }

    /// Burst factor at `t`: in about a third of the simulated hours, a burst of 4–12
    /// minutes at 1.8–3.2 × the load, ramping in and out over a minute. Defined for
    /// negative `t` too (the hours before the start, [`super::history`]).
    pub fn burst(&self, t: f64) -> f64 {
        if self.steady {
            return 1.0;
        }
        let slot = (t / 3600.0).floor();
        let h = mix(self.seed, slot as i64 as u64);
        if h % 1000 >= 350 {
            return 1.0;
        }
        let start = slot * 3600.0 + ((h >> 10) % 2400) as f64;
        let dur = 240.0 + ((h >> 22) % 480) as f64;
        let mag = 1.8 + ((h >> 32) % 141) as f64 / 100.0;
        let into = t - start;
        if into < 0.0 || into > dur {
            return 1.0;
        }
        let env = (into / 60.0).min((dur - into) / 60.0).min(1.0);
        1.0 + (mag - 1.0) * env
    }

    /// The model at `t` with `ready` pods serving and the provider key valid or not.
    pub fn point(&self, t: f64, ready: usize, key_ok: bool) -> Point {
        self.point_with(t, ready, Provider::with_key(key_ok))
    }

    /// The model at `t` with `ready` pods serving and the provider as `prov` finds it:
    /// egress blocked → every request times out (504); else an invalid key → 401; else
    /// the normal mix.
    pub fn point_with(&self, t: f64, ready: usize, prov: Provider) -> Point {
        let rate = self.rate(t);
        let mut codes = [0.0; 6];
        if ready == 0 {
            codes[C503] = 1.0;
            return Point {
                rate,
                rho: 0.0,
                slowdown: 1.0,
                codes,
                latency: 1.0,
            };
        }
        if !prov.egress_ok {
            codes[C504] = 1.0;
        } else if prov.key_ok {
            codes[C429] = RATE_LIMITED;
            codes[C500] = SERVER_ERROR;
            codes[C200] = 1.0 - RATE_LIMITED - SERVER_ERROR;
        } else {
            codes[C401] = 1.0;
        }
        let work = codes[C200]
            + codes[C500]
            + FAST_WORK * (codes[C401] + codes[C429])
            + TIMEOUT_WORK * codes[C504];
        let rho = rate / ready as f64 * work / POD_CAPACITY_RPS;
        Point {
            rate,
            rho,
            slowdown: slowdown(rho),
            codes,
            latency: prov.latency,
        }
    }
}

/// 1 / (1 − ρ), capped.
pub fn slowdown(rho: f64) -> f64 {
    if rho >= 1.0 - 1.0 / MAX_SLOWDOWN {
        MAX_SLOWDOWN
    } else {
        1.0 / (1.0 - rho.max(0.0))
    }
}

/// CPU and memory use of a ready agent pod as fractions of its requests (250m / 512Mi).
pub fn pod_usage(rho: f64) -> (f64, f64) {
    (0.10 + rho.clamp(0.0, 3.8), 0.40 + 0.2 * rho.clamp(0.0, 2.0))
}

/// The working set (bytes) an agent container climbs to while it leaks memory (`oom`):
/// about 2.1Gi, over the bundled 2Gi limit.
pub const LEAK_PEAK_BYTES: f64 = 2.1 * 1024.0 * 1024.0 * 1024.0;
/// Simulated seconds from container start to the leak's peak.
pub const LEAK_CLIMB_SECS: f64 = 30.0;

/// A leaking container's working set `up` seconds after it started, from `base` bytes.
pub fn leaked_bytes(base: f64, up: f64) -> f64 {
    base + (LEAK_PEAK_BYTES - base).max(0.0) * (up.max(0.0) / LEAK_CLIMB_SECS).min(1.0)
}

/// erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let s = x.signum();
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    s * y
}

/// P(X ≤ x) for a log-normal with this median and log-space sigma.
pub fn lognormal_cdf(x: f64, median: f64, sigma: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    0.5 * (1.0 + erf((x / median).ln() / (sigma * std::f64::consts::SQRT_2)))
}

/// Mean of that log-normal.
pub fn lognormal_mean(median: f64, sigma: f64) -> f64 {
    median * (sigma * sigma / 2.0).exp()
}

/// The CDF of a mixture of log-normals (weight, median, sigma).
pub fn mixture_cdf(comps: &[(f64, f64, f64)], x: f64) -> f64 {
    let total: f64 = comps.iter().map(|c| c.0).sum();
    if total <= 0.0 {
        return 0.0;
    }
    comps
        .iter()
        .filter(|c| c.0 > 0.0)
        .map(|&(w, m, s)| w * lognormal_cdf(x, m, s))
        .sum::<f64>()
        / total
}

/// The `q` quantile (seconds) of a mixture, by bisection in log space; None when empty.
pub fn mixture_quantile(comps: &[(f64, f64, f64)], q: f64) -> Option<f64> {
    if comps.iter().map(|c| c.0).sum::<f64>() <= 0.0 {
        return None;
    }
    let (mut lo, mut hi) = (1e-5f64.ln(), 1e4f64.ln());
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if mixture_cdf(comps, mid.exp()) < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(((lo + hi) / 2.0).exp())
}
