//! Fast-forward: what the agent model reads over the simulated time *before* the sim
//! started, so a dashboard can open with its history window full.
//!
//! The model is a function of (seed, simulated second, ready pods, provider), and its
//! formulas are defined for negative seconds too (the daily curve, the hourly bursts and
//! the per-second jitter of [`Model::rate`]): the history is the same model over
//! `t ∈ [−span, 0]`, as if the sim had run before its start with the Deployment's
//! replicas ready and a valid key at a normal provider (the staged incidents happen at
//! the start). Each point is what [`super::Agents::truth`] would have said at `t`: the
//! counters' increments over the [`WINDOW_SECS`] before `t`, integrated the same way
//! ([`AgentState`]), so the history joins the live readings without a step. The live
//! counters, `/metrics` and `/truth` are not touched: this reads a throwaway state.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{self, MODELS, Model, Provider};
use super::state::{AgentState, Observation, WINDOW_SECS};
use super::{DEPLOYMENT, NAMESPACE, World};
use crate::resources::keys;

/// The model's readings at one simulated second before the start.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    /// Simulated seconds since the start (≤ 0).
    pub t: f64,
    /// Latency quantiles of the window's requests that reached a pod (0 when none did).
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// Tokens per simulated second by model (every model present).
    pub tokens_per_sec: BTreeMap<String, f64>,
    /// Requests per simulated second, every code.
    pub request_rate: f64,
    /// 401s / all requests.
    pub unauthorized_ratio: f64,
    /// 504s / all requests.
    pub timeout_ratio: f64,
}

/// The readings at `t = −k·step` for `k = ⌊span/step⌋ … 0`, oldest first, with `ready`
/// pods serving and the provider as `provider`. Deterministic for the model's seed.
pub fn before_start(
    model: &Model,
    span: f64,
    step: f64,
    ready: usize,
    provider: Provider,
) -> Vec<HistoryPoint> {
    let step = step.max(1.0);
    let n = (span.max(0.0) / step).floor() as i64;
    let obs = Observation {
        ready: (0..ready).map(|i| format!("history-{i}")).collect(),
        existing: (0..ready).map(|i| format!("history-{i}")).collect(),
        provider,
    };
    let mut st = AgentState::default();
    let mut out = Vec::with_capacity(n as usize + 1);
    for k in (0..=n).rev() {
        let t = -(k as f64) * step;
        // Integrate only the window before each point: a step longer than the window
        // starts afresh (nothing before it is read).
        if out.is_empty() || st.last < t - WINDOW_SECS {
            st = AgentState {
                last: t - WINDOW_SECS,
                ..AgentState::default()
            };
        }
        st.advance(model, t, &obs);
        out.push(reading(&st, t));
    }
    out
}

/// What [`super::Agents::truth`] computes, at `t` of this state.
fn reading(st: &AgentState, t: f64) -> HistoryPoint {
    let w = st.window(t);
    let q = |x| model::mixture_quantile(&w.comps, x).map_or(0.0, |s| s * 1000.0);
    let share = |code: usize| {
        if w.requests > 0.0 {
            w.codes[code] / w.requests
        } else {
            0.0
        }
    };
    HistoryPoint {
        t,
        p50_ms: q(0.5),
        p95_ms: q(0.95),
        tokens_per_sec: MODELS
            .iter()
            .zip(w.tokens)
            .map(|((m, _, _), tok)| (m.to_string(), tok / WINDOW_SECS))
            .collect(),
        request_rate: w.requests / WINDOW_SECS,
        unauthorized_ratio: share(model::C401),
        timeout_ratio: share(model::C504),
    }
}

/// The agent Deployment's desired replicas (1 when unset, as Kubernetes defaults it; 0
/// without the Deployment): the pods taken as ready before the start.
pub fn replicas(sim: &impl World) -> usize {
    let Some(d) = sim.store().get(keys::DEPLOYMENTS, NAMESPACE, DEPLOYMENT) else {
        return 0;
    };
    d.get("spec")
        .and_then(|s| s.get("replicas"))
        .and_then(Value::as_u64)
        .map_or(1, |r| r as usize)
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
