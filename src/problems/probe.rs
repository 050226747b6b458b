//! The provider's own probe (a blackbox exporter in the monitoring namespace probing its
//! `/v1/models`): it tells "the provider is down or slow" from "our agents are slow" and
//! "our egress is blocked" — the agents' NetworkPolicies do not apply to it.

use super::{Inputs, Problem, Severity, percent};
use crate::format;
use crate::metrics::MetricsSnapshot;

/// Below this share of successful probes in the window, the provider is unreachable.
pub const UP_RATIO: f64 = 0.5;

/// A probe this much faster than the p95 threshold means the provider answers briskly.
const BRISK: f64 = 0.25;

fn up(m: &MetricsSnapshot) -> Option<f64> {
    m.recent
        .provider_up_ratio
        .value()
        .copied()
        .filter(|v| v.is_finite())
}

fn probe_ms(m: &MetricsSnapshot) -> Option<f64> {
    m.recent
        .provider_probe_ms
        .value()
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// The provider fails its probes: down, or the way to it from the cluster is.
pub(super) fn unreachable(i: &Inputs, m: &MetricsSnapshot) -> Option<Problem> {
    let ok = up(m).filter(|u| *u < UP_RATIO)?;
    let mut p = Problem::new(
        "provider-unreachable",
        Severity::Critical,
        "Provider unreachable",
    );
    p.evidence = format!(
        "its probe failed {} of the time over the last {} (probe_success)",
        percent(1.0 - ok),
        i.cfg.window
    );
    p.advice = Some(
        "the provider, or the way to it, is down: check its status page, DNS and the proxy; restarting or scaling the agents will not help, nor will a new key".into(),
    );
    Some(p)
}

/// What the probe says beside a problem of the agents' calls: "the provider answers its
/// probe in 180 ms" (so the provider is up), or nothing when there is no probe.
pub(super) fn note(m: &MetricsSnapshot) -> Option<String> {
    match (up(m), probe_ms(m)) {
        (Some(u), _) if u < UP_RATIO => Some("the provider fails its probe too".into()),
        (Some(_), Some(ms)) => Some(format!(
            "the provider answers its probe in {}",
            format::ms(ms)
        )),
        _ => None,
    }
}

/// For a slow p95: is the provider brisk on its probe (so the time is likely spent on our
/// side, or in generation), slow too, or unknown (`None`)?
pub(super) fn brisk(m: &MetricsSnapshot, p95_threshold_ms: f64) -> Option<bool> {
    let ms = probe_ms(m).filter(|_| up(m).is_some_and(|u| u >= UP_RATIO))?;
    Some(ms < BRISK * p95_threshold_ms)
}
