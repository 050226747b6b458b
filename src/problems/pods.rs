//! The cluster's side of the runbook: OOM kills, crash loops, pods nobody can schedule,
//! stuck rollouts, an HPA that cannot read its metrics.

use super::{Fix, Inputs, Problem, Severity};
use crate::cluster::ClusterSnapshot;
use crate::cluster::model::{ContainerView, HpaView, MetricsApi, Workload};
use crate::cluster::workload::WorkloadKind;
use crate::ops::propose_memory_limit;

/// An OOM kill older than this is history, not a live problem.
const OOM_FRESH_SECS: i64 = 15 * 60;
/// A failed exit this recent (the back-off grows to 5 minutes) still means crash-looping.
const CRASH_FRESH_SECS: i64 = 6 * 60;
const GI: f64 = 1024.0 * 1024.0 * 1024.0;
const MI: f64 = 1024.0 * 1024.0;

pub(super) fn detect(i: &Inputs, c: &ClusterSnapshot) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut troubled = Vec::new();
    for w in &c.workloads {
        let before = out.len();
        out.extend(oom(i, c, w));
        if out.len() == before {
            out.extend(crashloop(i, w));
        }
        out.extend(pending(i, w));
        if out.len() == before {
            out.extend(not_ready(i, w));
        }
        if out.len() > before {
            troubled.push((w.kind.name(), w.name.as_str()));
        }
    }
    // An HPA without metrics for pods that are failing anyway (the metrics API served) is
    // their problem's consequence, not one of its own.
    let served = c.resource_metrics.api == MetricsApi::Served;
    out.extend(
        c.hpas
            .iter()
            .filter(|h| {
                !(served && troubled.contains(&(h.target_kind.as_str(), h.target_name.as_str())))
            })
            .filter_map(|h| hpa(c, h)),
    );
    out
}

/// "2Gi", "2.1Gi", "512Mi".
pub fn bytes(b: f64) -> String {
    if b >= GI {
        let g = b / GI;
        if (g - g.round()).abs() < 0.05 {
            format!("{:.0}Gi", g.round())
        } else {
            format!("{g:.1}Gi")
        }
    } else {
        format!("{:.0}Mi", b / MI)
    }
}

fn quantity(q: Option<&String>) -> Option<f64> {
    crate::quantity::value(q?)
}

fn oom(i: &Inputs, c: &ClusterSnapshot, w: &Workload) -> Option<Problem> {
    let last = w.last_oom?;
    if w.oom_killed == 0 || i.now.as_second() - last.as_second() > OOM_FRESH_SECS {
        return None;
    }
    let container = w.containers.first()?;
    let limit = quantity(container.limits.get("memory"));
    if let (Some(now), Some(killed)) = (limit, w.oom_limit.map(|b| b as f64))
        && now > killed
    {
        let mut p = Problem::new(
            format!("oom/{}", w.name),
            Severity::Warning,
            format!("{} OOMKilled {}×", w.name, w.oom_restarts),
        );
        p.evidence = format!(
            "killed at {}; the limit is {} now, rolling out",
            bytes(killed),
            bytes(now)
        );
        p.since = w.failing_since;
        return Some(p);
    }
    let working_set = w
        .pod_names
        .iter()
        .filter_map(|p| {
            c.resource_metrics
                .peak
                .get(&(p.clone(), container.name.clone()))
        })
        .copied()
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let mut p = Problem::new(
        format!("oom/{}", w.name),
        Severity::Critical,
        format!("{} OOMKilled {}×", w.name, w.oom_restarts),
    );
    let mut ev = vec![match limit {
        Some(l) => format!("memory limit {}", bytes(l)),
        None => "no memory limit".to_string(),
    }];
    if let Some(ws) = working_set {
        ev.push(format!("working set up to {}", bytes(ws)));
    }
    ev.push(match w.oom_killed {
        1 => "1 container killed".to_string(),
        n => format!("{n} containers killed"),
    });
    p.evidence = ev.join(", ");
    p.since = w.failing_since;
    p.fix = propose_memory_limit(limit, working_set).map(|limit| Fix::MemoryLimit {
        workload: w.name.clone(),
        container: container.name.clone(),
        limit,
    });
    Some(p)
}

/// What the live template changed against the bundled one ("env HOLYSHEEP_BASE_URL is
/// "htps://…" (bundled "https://…")"), for the agent Deployment only.
fn drift(i: &Inputs, w: &Workload, what: Drift) -> Option<String> {
    if w.kind != WorkloadKind::Deployment || w.name != i.stack.deployment {
        return None;
    }
    let live = w.containers.first()?;
    let shipped: &ContainerView = i.bundled.iter().find(|c| c.name == live.name)?;
    match what {
        Drift::Config => {
            if live.image != shipped.image {
                return Some(format!("image {} (bundled {})", live.image, shipped.image));
            }
            shipped.env.iter().find_map(|(k, v)| {
                let now = live
                    .env
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.as_str());
                (now != Some(v.as_str()))
                    .then(|| format!("env {k} is {:?} (bundled {v:?})", now.unwrap_or("unset")))
            })
        }
        Drift::Requests => ["memory", "cpu"].iter().find_map(|r| {
            let now = live.requests.get(*r)?;
            let was = shipped.requests.get(*r)?;
            (now != was).then(|| format!("{r} request {now} (bundled {was})"))
        }),
    }
}

#[derive(Clone, Copy)]
enum Drift {
    Config,
    Requests,
}

fn restore(i: &Inputs) -> Fix {
    Fix::Restore {
        kind: "deployment".into(),
        name: i.stack.deployment.clone(),
    }
}

fn crashloop(i: &Inputs, w: &Workload) -> Option<Problem> {
    let fresh = w
        .last_crash
        .is_some_and(|t| i.now.as_second() - t.as_second() <= CRASH_FRESH_SECS);
    if w.crash_looping == 0 && !fresh {
        return None;
    }
    let mut p = Problem::new(
        format!("crashloop/{}", w.name),
        Severity::Critical,
        format!("{} crash-looping", w.name),
    );
    let mut ev = vec![match w.crash_looping {
        0 => "restarting after failed exits".to_string(),
        1 => "1 container in CrashLoopBackOff".to_string(),
        n => format!("{n} containers in CrashLoopBackOff"),
    }];
    if let Some(c) = &w.crash {
        ev.push(format!("last exit: {c}"));
    }
    match drift(i, w, Drift::Config) {
        Some(d) => {
            ev.push(d);
            p.fix = Some(restore(i));
        }
        None => {
            p.advice = Some(format!(
                "read its logs: l (p: the previous container's), or kubectl logs deploy/{} --previous",
                w.name
            ));
        }
    }
    p.evidence = ev.join("; ");
    p.since = w.failing_since;
    Some(p)
}

fn pending(i: &Inputs, w: &Workload) -> Option<Problem> {
    if w.unschedulable == 0 {
        return None;
    }
    let mut p = Problem::new(
        format!("unschedulable/{}", w.name),
        Severity::Critical,
        format!("{} pods cannot be scheduled", w.name),
    );
    let mut ev = vec![format!(
        "{} Pending: {}",
        w.unschedulable,
        w.unschedulable_why.as_deref().unwrap_or("no node fits")
    )];
    match drift(i, w, Drift::Requests) {
        Some(d) => {
            ev.push(d);
            p.fix = Some(restore(i));
        }
        None => p.advice = Some("add nodes, or lower the pods' requests".into()),
    }
    p.evidence = ev.join("; ");
    p.since = w.failing_since;
    Some(p)
}

fn not_ready(i: &Inputs, w: &Workload) -> Option<Problem> {
    if w.stalled {
        let mut p = Problem::new(
            format!("stalled/{}", w.name),
            Severity::Warning,
            format!("{} rollout stuck", w.name),
        );
        p.evidence = format!(
            "progress deadline exceeded; {}/{} ready",
            w.ready, w.desired
        );
        p.advice = Some("check the new pods, or roll back".into());
        return Some(p);
    }
    // A rollout making progress is the controller's to judge: its progress deadline
    // (above) says when it is stuck.
    if w.ready >= w.desired || w.rolling_out {
        return None;
    }
    let mut p = Problem::new(
        format!("not-ready/{}", w.name),
        Severity::Warning,
        format!("{} not ready", w.name),
    );
    p.evidence = format!("{}/{} pods ready", w.ready, w.desired);
    if let Some(t) = w.not_ready_since {
        p.evidence
            .push_str(&format!(", not ready since {}", t.strftime("%H:%M:%S UTC")));
    }
    // Pods starting, replaced or added by a scale: only a while on is it a problem, counted
    // from when the oldest pod became not ready.
    p.since = w.not_ready_since;
    p.grace_secs = i64::from(i.cfg.not_ready_grace_secs);
    Some(p)
}

/// The HPA cannot read its metrics; the resource metrics API tells why.
fn hpa(c: &ClusterSnapshot, h: &HpaView) -> Option<Problem> {
    let inactive = h
        .conditions
        .iter()
        .find(|c| c.type_ == "ScalingActive" && c.status == "False")?;
    let mut p = Problem::new(
        format!("hpa/{}", h.name),
        Severity::Warning,
        format!("HPA {} frozen at {}", h.name, h.current),
    );
    let api = match &c.resource_metrics.api {
        MetricsApi::Unavailable(why) => {
            format!("metrics.k8s.io unavailable ({why}) — is metrics-server running?")
        }
        MetricsApi::NotInstalled => {
            "metrics.k8s.io not served — is metrics-server installed?".into()
        }
        MetricsApi::Served | MetricsApi::Unknown => format!("{}: {}", inactive.reason, h.diagnosis),
    };
    p.evidence = api;
    p.since = inactive.since;
    p.advice = Some("kubectl get apiservice v1beta1.metrics.k8s.io; kubectl -n kube-system get deploy metrics-server".into());
    Some(p)
}
