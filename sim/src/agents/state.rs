//! What accumulates: per-pod counters and histogram buckets, and per-second totals of the
//! last five simulated minutes (the ground truth's window).

use std::collections::{BTreeMap, VecDeque};

use super::fine::{self, Fine};
use super::model::{self, AGENTS, BUCKETS, MODELS, Model, POD_CODES, Point, Provider};

/// Ground-truth window (simulated seconds), as `rate(...[5m])`.
pub const WINDOW_SECS: f64 = 300.0;
/// At most this many integration steps per read; longer gaps use longer steps.
const MAX_STEPS: f64 = 86_400.0;

/// One pod's series. Every value only grows.
#[derive(Debug, Clone, Default)]
pub struct PodSeries {
    /// Cumulative bucket counts per agent (finite bounds; +Inf is `count`).
    pub buckets: [[f64; BUCKETS.len()]; AGENTS.len()],
    pub count: [f64; AGENTS.len()],
    pub sum: [f64; AGENTS.len()],
    /// Requests per code 200, 401, 429, 500, 504 ([`POD_CODES`]; 503 never reaches a
    /// pod).
    pub codes: [f64; 5],
    pub tokens: [f64; MODELS.len()],
    /// Timed-out requests not yet in the histogram: they enter it in whole units, so
    /// once timeouts stop no bucket is left holding a fraction of one — whose flooring
    /// would wobble and show 30 s latencies in a short window long after.
    pub timeouts_due: [f64; AGENTS.len()],
    /// The same requests split by answered code, on every metrics profile's buckets.
    pub fine: Fine,
}

impl PodSeries {
    /// Timed-out requests of agent `a` join the histogram (the buckets `inside`, and the
    /// count) only as whole requests; the fraction waits for the next ones.
    fn add_timeouts(&mut self, a: usize, timeouts: f64, inside: &[bool]) {
        self.timeouts_due[a] += timeouts;
        let whole = self.timeouts_due[a].floor();
        if whole < 1.0 {
            return;
        }
        self.timeouts_due[a] -= whole;
        self.count[a] += whole;
        for (cum, _) in self.buckets[a].iter_mut().zip(inside).filter(|(_, i)| **i) {
            *cum += whole;
        }
    }
}

/// Totals of one simulated second (or the part of it integrated so far).
#[derive(Debug, Clone, Default)]
pub struct Slot {
    pub sec: i64,
    /// Integrated simulated seconds in this slot (≤ 1).
    pub len: f64,
    pub requests: f64,
    pub codes: [f64; 6],
    pub tokens: [f64; MODELS.len()],
    /// Latency components (weight, median, sigma) of the requests that reached a pod.
    pub comps: Vec<(f64, f64, f64)>,
    /// The same, per agent (in the order of [`AGENTS`]): what its histogram counts.
    pub agents: [Vec<(f64, f64, f64)>; AGENTS.len()],
}

/// What one read observes in the store: ready pods (by name) and what the provider calls
/// meet (the key's validity, egress, the provider's speed).
#[derive(Debug, Clone)]
pub struct Observation {
    pub ready: Vec<String>,
    /// Every existing pod of the Deployment (series of vanished pods are dropped).
    pub existing: Vec<String>,
    pub provider: Provider,
}

#[derive(Debug, Default)]
pub struct AgentState {
    /// Simulated second integrated up to.
    pub last: f64,
    pub pods: BTreeMap<String, PodSeries>,
    /// Requests answered 503 while no pod was ready (no pod label).
    pub unavailable: f64,
    pub slots: VecDeque<Slot>,
}

impl AgentState {
    /// Integrate from the last update to `now` with what `obs` saw, in steps of at most
    /// one simulated second aligned to whole seconds.
    pub fn advance(&mut self, m: &Model, now: f64, obs: &Observation) {
        self.pods
            .retain(|name, _| obs.existing.iter().any(|p| p == name));
        for p in &obs.ready {
            self.pods.entry(p.clone()).or_default();
        }
        let step = ((now - self.last) / MAX_STEPS).max(1.0);
        let mut t = self.last;
        while t < now {
            let next = if step > 1.0 {
                t + step
            } else {
                t.floor() + 1.0
            }
            .min(now);
            let p = m.point_with((t + next) / 2.0, obs.ready.len(), obs.provider);
            self.apply(&p, t, next - t, &obs.ready);
            t = next;
        }
        self.last = self.last.max(now);
        let oldest = (now - WINDOW_SECS).floor() as i64 - 1;
        while self.slots.front().is_some_and(|s| s.sec < oldest) {
            self.slots.pop_front();
        }
    }

    fn apply(&mut self, p: &Point, t: f64, dt: f64, ready: &[String]) {
        let n = p.rate * dt;
        let sec = t.floor() as i64;
        if self.slots.back().is_none_or(|s| s.sec != sec) {
            self.slots.push_back(Slot {
                sec,
                ..Slot::default()
            });
        }
        let slot = self.slots.back_mut().expect("slot");
        slot.len += dt;
        slot.requests += n;
        for (c, f) in slot.codes.iter_mut().zip(p.codes) {
            *c += n * f;
        }
        if ready.is_empty() {
            self.unavailable += n;
            return;
        }
        let comps = p.components();
        for &(w, med, s) in &comps {
            merge(&mut slot.comps, (w * n, med, s));
        }
        let ok = n * p.codes[model::C200];
        for (i, q) in model::request_shares().iter().enumerate() {
            slot.tokens[i] += ok * q * MODELS[i].2;
        }
        // Per pod, per agent: the same increments for every ready pod.
        let share = n / ready.len() as f64;
        let fast = &comps[AGENTS.len()];
        let timeout = &comps[AGENTS.len() + 1];
        let mut bucket_inc = [[0.0; BUCKETS.len()]; AGENTS.len()];
        let mut sum_inc = [0.0; AGENTS.len()];
        // Which buckets a timed-out request lands in (its spread is narrow: all or none).
        let fine_inc = fine::increments(p, share, &comps);
        let timeout_in: Vec<bool> = BUCKETS
            .iter()
            .map(|le| model::lognormal_cdf(*le, timeout.1, timeout.2) > 0.5)
            .collect();
        for (a, &(w, med, s)) in comps.iter().take(AGENTS.len()).enumerate() {
            // w = agent share × slow fraction; the fast part is agent share × fast.0.
            let fast_w = AGENTS[a].1 * fast.0;
            let timeout_w = AGENTS[a].1 * timeout.0;
            for c in [
                (w, med, s),
                (fast_w, fast.1, fast.2),
                (timeout_w, timeout.1, timeout.2),
            ] {
                merge(&mut slot.agents[a], (c.0 * n, c.1, c.2));
            }
            for (b, le) in BUCKETS.iter().enumerate() {
                bucket_inc[a][b] = share
                    * (w * model::lognormal_cdf(*le, med, s)
                        + fast_w * model::lognormal_cdf(*le, fast.1, fast.2));
            }
            sum_inc[a] = share
                * (w * model::lognormal_mean(med, s)
                    + fast_w * model::lognormal_mean(fast.1, fast.2)
                    + timeout_w * model::lognormal_mean(timeout.1, timeout.2));
        }
        for name in ready {
            let ps = self.pods.entry(name.clone()).or_default();
            for a in 0..AGENTS.len() {
                for (cum, inc) in ps.buckets[a].iter_mut().zip(bucket_inc[a]) {
                    *cum += inc;
                }
                let timeouts = share * AGENTS[a].1 * timeout.0;
                ps.count[a] += share * AGENTS[a].1 - timeouts;
                ps.add_timeouts(a, timeouts, &timeout_in);
                ps.sum[a] += sum_inc[a];
            }
            for (i, c) in POD_CODES.iter().enumerate() {
                ps.codes[i] += share * p.codes[*c];
            }
            let ok = share * p.codes[model::C200];
            for (i, q) in model::request_shares().iter().enumerate() {
                ps.tokens[i] += ok * q * MODELS[i].2;
            }
            ps.fine.add(&fine_inc, dt);
        }
    }

    /// Sum of the slots over the window ending at `now`, each weighted by its overlap.
    pub fn window(&self, now: f64) -> Slot {
        self.window_over(now, WINDOW_SECS)
    }

    /// Sum of the slots over the last `secs` (at most [`WINDOW_SECS`]) before `now`.
    pub fn window_over(&self, now: f64, secs: f64) -> Slot {
        let from = now - secs.min(WINDOW_SECS);
        let mut out = Slot::default();
        for s in &self.slots {
            let start = s.sec as f64;
            let overlap = ((start + s.len).min(now) - start.max(from)).max(0.0);
            if overlap <= 0.0 || s.len <= 0.0 {
                continue;
            }
            let w = overlap / s.len;
            out.len += overlap;
            out.requests += w * s.requests;
            for i in 0..out.codes.len() {
                out.codes[i] += w * s.codes[i];
            }
            for i in 0..MODELS.len() {
                out.tokens[i] += w * s.tokens[i];
            }
            for &(cw, m, sg) in &s.comps {
                merge(&mut out.comps, (w * cw, m, sg));
            }
            for (o, a) in out.agents.iter_mut().zip(&s.agents) {
                for &(cw, m, sg) in a {
                    merge(o, (w * cw, m, sg));
                }
            }
        }
        out
    }
}

/// Add a latency component, folding it into one within 0.5 % of its median (keeps the
/// quantile computation cheap when many reads split the same second).
fn merge(comps: &mut Vec<(f64, f64, f64)>, c: (f64, f64, f64)) {
    if c.0 <= 0.0 {
        return;
    }
    match comps
        .iter_mut()
        .find(|x| x.2 == c.2 && (x.1 - c.1).abs() <= 0.005 * c.1)
    {
        Some(x) => {
            let w = x.0 + c.0;
            x.1 = (x.1 * x.0 + c.1 * c.0) / w;
            x.0 = w;
        }
        None => comps.push(c),
    }
}
