//! The provider's side of the runbook: the key it rejects (401s), calls that time out
//! (504s) and the NetworkPolicies that explain them, a provider that is slow, and a
//! metrics source that cannot be read.

use std::net::Ipv4Addr;

use super::{Fix, Inputs, Problem, Severity, percent};
use crate::cluster::model::Readable;
use crate::cluster::netpol::{self, Verdict};
use crate::format;
use crate::metrics::{MetricsSnapshot, Reading};

/// Stands for "the provider" when no address is configured: any public address is
/// allowed or blocked alike by policies written against the public internet.
pub(super) const PUBLIC_STANDIN: Ipv4Addr = Ipv4Addr::new(104, 18, 20, 50);

fn value(r: &Reading<f64>) -> Option<f64> {
    r.value().copied().filter(|v| v.is_finite())
}

pub(super) fn detect(i: &Inputs) -> Vec<Problem> {
    let mut out = Vec::new();
    let egress = egress(i);
    let Some(m) = i.metrics else {
        out.extend(egress);
        return out;
    };
    if !m.reachable {
        let mut p = Problem::new(
            "metrics-unreachable",
            Severity::Warning,
            "Metrics source unreachable",
        );
        p.evidence = match &m.p95_ms {
            Reading::Error(e) => format!("{}: {e}", m.origin.label()),
            _ => m.origin.label(),
        };
        out.push(p);
        out.extend(egress);
        return out;
    }
    out.extend(unreadable(m));
    let flowing = value(&m.recent.request_rate).is_some_and(|r| r > 0.0);
    let share_401 = value(&m.recent.unauthorized_ratio).filter(|_| flowing);
    let share_504 = value(&m.recent.timeout_ratio).filter(|_| flowing);
    out.extend(super::probe::unreachable(i, m));
    out.extend(grouped(i, m, flowing));
    out.extend(throttled(i, m, flowing));
    if let Some(s) = share_401.filter(|s| *s >= i.cfg.unauthorized_ratio) {
        let mut p = Problem::new(
            "provider-unauthorized",
            Severity::Critical,
            "Provider rejects the API key",
        );
        p.evidence = format!(
            "401 on {} of requests over the last {}",
            percent(s),
            i.cfg.window
        );
        p.fix = Some(Fix::RotateKey);
        out.push(p);
    }
    let timeouts = share_504.filter(|s| *s >= i.cfg.timeout_ratio);
    let restored = egress_restored(i);
    if let (None, None, Some(at)) = (&egress, timeouts, restored) {
        // Below the threshold but not gone yet, or slow calls still in the window.
        if share_504.unwrap_or(0.0) > 0.0 || slow(i, m, 0.0).is_some() {
            out.push(recovering(i, share_504.unwrap_or(0.0), at));
        }
        return out;
    }
    // The probe runs from the monitoring namespace: a provider that answers it while the
    // agents' calls time out puts the fault on our way out.
    let egress = egress.map(|mut p| {
        if let Some(n) = super::probe::note(m) {
            p.evidence = format!("{}; {n}", p.evidence);
        }
        p
    });
    match (egress, timeouts) {
        (Some(mut p), Some(s)) => {
            p.evidence = format!("504 on {} of requests; {}", percent(s), p.evidence);
            out.push(p);
        }
        (Some(p), None) => out.push(p),
        (None, Some(s)) => out.push(match restored {
            Some(at) => recovering(i, s, at),
            None => timeouts_without_policy(i, s),
        }),
        (None, None) => {}
    }
    // Slow, not timing out: a few timeouts mean the path is the problem, not the provider.
    if share_504.unwrap_or(0.0) == 0.0 {
        out.extend(slow(i, m, share_401.unwrap_or(0.0)));
    }
    out
}

/// Prometheus reached, but what the problems decide on cannot be read (a proxy's HTML
/// page, bad JSON, a 5xx, an invalid value): never "no problem".
fn unreadable(m: &MetricsSnapshot) -> Option<Problem> {
    let r = &m.recent;
    let e = [
        &r.request_rate,
        &r.unauthorized_ratio,
        &r.timeout_ratio,
        &r.p95_ms,
    ]
    .into_iter()
    .find_map(|x| match x {
        Reading::Error(e) => Some(e),
        _ => None,
    })?;
    let mut p = Problem::new(
        "metrics-unreadable",
        Severity::Warning,
        "Metrics answers unreadable",
    );
    p.evidence = format!("{}: {e}", m.origin.label());
    p.advice = Some(
        "the provider and latency checks cannot be made: check prometheus.url (a proxy's page?) with `agentdeck metrics`".into(),
    );
    Some(p)
}

/// Stacks that group status codes (`status="4xx"`): a 401 cannot be told from a 404, so
/// the problem is the 4xx (or 5xx) share, said in those words, with no key to press.
fn grouped(i: &Inputs, m: &MetricsSnapshot, flowing: bool) -> Vec<Problem> {
    let mut out = Vec::new();
    let cases = [
        (
            &m.recent.unauthorized_ratio,
            &m.recent.client_error_ratio,
            i.cfg.unauthorized_ratio,
            "agents-4xx",
            "Agents answer 4xx",
            "4xx",
            "a rejected provider key is one cause among wrong URLs and bad requests: read the agents' logs (l) before rotating the key",
        ),
        (
            &m.recent.timeout_ratio,
            &m.recent.server_error_ratio,
            i.cfg.timeout_ratio,
            "agents-5xx",
            "Agents answer 5xx",
            "5xx",
            "timeouts to the provider are one cause among crashes and bugs: read the agents' logs (l) and the provider's status page",
        ),
    ];
    for (exact, share, threshold, id, title, class, advice) in cases {
        let Reading::Cannot(why) = exact else {
            continue;
        };
        let Some(s) = value(share).filter(|s| flowing && *s >= threshold) else {
            continue;
        };
        let mut p = Problem::new(id, Severity::Warning, title);
        p.evidence = format!(
            "{class} on {} of requests over the last {} ({why})",
            percent(s),
            i.cfg.window
        );
        p.advice = Some(advice.into());
        out.push(p);
    }
    out
}

/// The provider answers 429: it throttles us. More replicas make it worse; the key is fine.
fn throttled(i: &Inputs, m: &MetricsSnapshot, flowing: bool) -> Option<Problem> {
    let s = value(&m.recent.rate_limited_ratio)
        .filter(|s| flowing && *s >= i.cfg.rate_limited_ratio)?;
    let mut p = Problem::new(
        "provider-rate-limited",
        Severity::Warning,
        "Provider rate-limits us",
    );
    p.evidence = format!(
        "429 on {} of requests over the last {}",
        percent(s),
        i.cfg.window
    );
    p.advice = Some(
        "the provider throttles us: more replicas make it worse; spread load across models or keys, check the quota".into(),
    );
    Some(p)
}

/// When the egress problem cleared, if it did lately (two windows and a minute).
fn egress_restored(i: &Inputs) -> Option<jiff::Timestamp> {
    let window = i.cfg.window_secs();
    i.cleared
        .iter()
        .find(|c| c.problem.id == "egress-blocked")
        .map(|c| c.at)
        // Calls made before the fix may take the client's timeout (30 s is common) to end.
        .filter(|at| i.now.as_second() - at.as_second() <= 2 * window + 60)
}

/// Timeouts left in the window after the egress policy was restored: they fall away.
fn recovering(i: &Inputs, share: f64, at: jiff::Timestamp) -> Problem {
    let mut p = Problem::new(
        "provider-timeouts",
        Severity::Warning,
        "Provider calls recovering",
    );
    p.evidence = format!(
        "egress restored at {}; 504 on {} of requests over the last {}, calls made before it still timing out",
        at.strftime("%H:%M:%S UTC"),
        percent(share),
        i.cfg.window
    );
    p
}

/// Provider calls time out, but the policies allow them (or cannot be read).
fn timeouts_without_policy(i: &Inputs, share: f64) -> Problem {
    let mut p = Problem::new(
        "provider-timeouts",
        Severity::Critical,
        "Provider calls time out",
    );
    let policies = i.cluster.map(|c| c.readable("networkpolicies"));
    let why = match policies {
        Some(Readable::No(r) | Readable::Stale(r)) => format!("NetworkPolicies unreadable ({r})"),
        _ => format!("the NetworkPolicies allow TCP {}", i.cfg.provider_port),
    };
    p.evidence = format!(
        "504 on {} of requests over the last {}; {why}",
        percent(share),
        i.cfg.window
    );
    p.advice =
        Some("check the egress path: proxy, DNS, firewall, the provider's status page".into());
    p
}

/// The NetworkPolicies that select the agents block the provider.
fn egress(i: &Inputs) -> Option<Problem> {
    let c = i.cluster?;
    if c.readable("networkpolicies") != Readable::Yes {
        return None;
    }
    let agents = c.workloads.iter().find(|w| {
        w.kind == crate::cluster::workload::WorkloadKind::Deployment && w.name == i.stack.deployment
    })?;
    let addr = i.cfg.provider_address.parse().unwrap_or(PUBLIC_STANDIN);
    let port = i.cfg.provider_port;
    let Verdict::Blocked { isolating } =
        netpol::egress(&c.network_policies, &agents.pod_labels, addr, port)
    else {
        return None;
    };
    let allow = &i.stack.network_policy;
    let mut p = Problem::new(
        "egress-blocked",
        Severity::Critical,
        "Egress to the provider blocked",
    );
    let to = if i.cfg.provider_address.is_empty() {
        "a public address".to_string()
    } else {
        addr.to_string()
    };
    let (named, verb) = if isolating.len() == 1 {
        ("NetworkPolicy", "selects")
    } else {
        ("NetworkPolicies", "select")
    };
    let state = if isolating.contains(allow) {
        format!("{allow} does not")
    } else {
        format!("{allow} is missing")
    };
    p.evidence = format!(
        "{named} {} {verb} the agents, none allows TCP {port} to {to} ({state})",
        isolating.join(", ")
    );
    p.fix = Some(Fix::Restore {
        kind: "networkpolicy".into(),
        name: allow.clone(),
    });
    Some(p)
}

/// p95 over the threshold with few errors: the provider is slow.
/// A short window holds few requests, so its p95 wobbles by a histogram bucket: just over
/// the threshold it counts only when the 5-minute p95 agrees; clearly over (this factor),
/// at once. Clearing follows the short window alone.
const CLEARLY_OVER: f64 = 1.25;
/// A quantile read from a histogram whose bucket bound is the threshold lands on the bound
/// (give or take floating-point noise) whenever the rank falls at the top of that bucket:
/// the histogram cannot say "over" there, so within this relative margin it is not.
const AT_THE_BOUND: f64 = 1e-3;

fn over_threshold(v: f64, t: f64) -> bool {
    v > t * (1.0 + AT_THE_BOUND)
}

fn slow(i: &Inputs, m: &MetricsSnapshot, share_401: f64) -> Option<Problem> {
    // A model server's own end-to-end latency grows with the length of what it
    // generates: there is no provider behind it to call slow.
    if m.latency_layer == Some(crate::metrics::profiles::Layer::Server) {
        return None;
    }
    let (recent, long) = (value(&m.recent.p95_ms), value(&m.p95_ms));
    let t = i.p95_threshold_ms;
    let over = match (recent, long) {
        (Some(r), Some(l)) => {
            over_threshold(r, t) && (over_threshold(l, t) || r > CLEARLY_OVER * t)
        }
        (Some(r), None) => over_threshold(r, t),
        (None, Some(l)) => over_threshold(l, t),
        (None, None) => false,
    };
    let p95 = recent.or(long)?;
    if !over || share_401 >= i.cfg.unauthorized_ratio {
        return None;
    }
    let brisk = super::probe::brisk(m, i.p95_threshold_ms);
    let title = match brisk {
        Some(true) => "Slow answers, provider probe brisk",
        _ => "Provider slow",
    };
    let mut p = Problem::new("provider-slow", Severity::Warning, title);
    p.evidence = format!(
        "p95 {} over the last {} (threshold {}), no timeouts",
        format::ms(p95),
        i.cfg.window,
        format::ms(i.p95_threshold_ms)
    );
    if let Some(n) = super::probe::note(m) {
        p.evidence = format!("{}; {n}", p.evidence);
    }
    p.advice = Some(match brisk {
        Some(true) => "the provider answers its probe quickly: the time goes into generation (long answers, a slower model) or our side (CPU, queueing — see the pods and the HPA)".into(),
        _ => "the provider's latency, not ours: check its status page; scaling will not help".into(),
    });
    Some(p)
}
