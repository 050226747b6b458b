//! Per-code, per-agent latency histograms on the union of every metrics profile's bucket
//! bounds ([`super::buckets`]): the same requests as the `example` histogram
//! ([`super::state::PodSeries::buckets`]), split by the status code the agent answered, so
//! a profile can export only the requests its stack observes (only successes, or failures
//! with their own label) with its own buckets. Every value only grows.

use std::sync::OnceLock;

use super::model::{self, AGENTS, C200, C401, C429, C500, POD_CODES, Point};

/// Every bound any profile's latency histogram uses, ascending, without duplicates.
pub fn bounds() -> &'static [f64] {
    static B: OnceLock<Vec<f64>> = OnceLock::new();
    B.get_or_init(|| {
        let mut v: Vec<f64> = super::buckets::latency_bounds()
            .into_iter()
            .filter(|b| b.is_finite())
            .collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    })
}

/// One histogram's accumulated (fractional) expected counts.
#[derive(Debug, Clone, Default)]
pub struct Hist {
    /// Cumulative counts at [`bounds`] (+Inf is `count`).
    pub buckets: Vec<f64>,
    pub count: f64,
    pub sum: f64,
}

impl Hist {
    fn add(&mut self, inc: &Hist) {
        if self.buckets.len() != inc.buckets.len() {
            self.buckets.resize(inc.buckets.len(), 0.0);
        }
        for (c, i) in self.buckets.iter_mut().zip(&inc.buckets) {
            *c += i;
        }
        self.count += inc.count;
        self.sum += inc.sum;
    }
}

/// A pod's per-code histograms and how long it has been ready.
#[derive(Debug, Clone, Default)]
pub struct Fine {
    /// Indexed by [`idx`] (pod code × agent); empty until the pod first serves.
    pub hists: Vec<Hist>,
    /// Simulated seconds the pod was ready (its probes and scrapes).
    pub ready_secs: f64,
}

/// The index of (position in [`POD_CODES`], agent) in [`Fine::hists`].
pub fn idx(code_pos: usize, agent: usize) -> usize {
    code_pos * AGENTS.len() + agent
}

impl Fine {
    /// Add one step's increments (from [`increments`]) and `dt` ready seconds.
    pub fn add(&mut self, incs: &[Hist], dt: f64) {
        if self.hists.len() != incs.len() {
            self.hists.resize(incs.len(), Hist::default());
        }
        for (h, i) in self.hists.iter_mut().zip(incs) {
            h.add(i);
        }
        self.ready_secs += dt;
    }

    /// The histogram of code position `code_pos` and agent `a` (empty if none yet).
    pub fn get(&self, code_pos: usize, a: usize) -> Option<&Hist> {
        self.hists.get(idx(code_pos, a))
    }
}

/// One pod's increments for a step in which it received `share` requests of point `p`,
/// whose latency components are `comps` ([`Point::components`]).
pub fn increments(p: &Point, share: f64, comps: &[(f64, f64, f64)]) -> Vec<Hist> {
    let b = bounds();
    let cdf = |(_, med, sigma): (f64, f64, f64)| -> Vec<f64> {
        b.iter()
            .map(|le| model::lognormal_cdf(*le, med, sigma))
            .collect()
    };
    let slow: Vec<Vec<f64>> = (0..AGENTS.len()).map(|a| cdf(comps[a])).collect();
    let fast = comps[AGENTS.len()];
    let timeout = comps[AGENTS.len() + 1];
    let fast_cdf = cdf(fast);
    // Timed-out requests sit in a narrow band: all in a bucket or none, so no bucket is
    // left holding a fraction of one.
    let timeout_cdf: Vec<f64> = cdf(timeout)
        .into_iter()
        .map(|f| if f > 0.5 { 1.0 } else { 0.0 })
        .collect();
    let mut out = vec![Hist::default(); POD_CODES.len() * AGENTS.len()];
    for (ci, &code) in POD_CODES.iter().enumerate() {
        for (a, (_, agent_share, _)) in AGENTS.iter().enumerate() {
            let w = share * agent_share * p.codes[code];
            let (c, f) = match code {
                C200 | C500 => (comps[a], &slow[a]),
                C401 | C429 => (fast, &fast_cdf),
                _ => (timeout, &timeout_cdf),
            };
            let h = &mut out[idx(ci, a)];
            h.count = w;
            h.sum = w * model::lognormal_mean(c.1, c.2);
            h.buckets = f.iter().map(|x| w * x).collect();
        }
    }
    out
}
