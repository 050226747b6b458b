//! `agentdeck status [-o json|yaml|wide]`: the dashboard's data once, for scripts and chat-ops.
//! Exit 0 healthy, 1 whenever a problem is present (the dashboard's problems strip: see
//! [`crate::problems`]) or a critical alert fires unsilenced ([`crate::status_alerts`]), 2
//! when it could not ask at all.

use serde_json::{Value, json};

use crate::cluster::{ClusterSnapshot, Connection};
use crate::config::Config;
use crate::error::Error;
use crate::format;
use crate::metrics::{Cost, Feed, MetricsSnapshot, Reading};
use crate::output::Output;
use crate::problems::{BlindSpot, Inputs, Problem};

/// What `status` says: the problems due (the dashboard's strip), those still within their
/// grace (pods starting after a scale), and the checks that cannot be made.
pub struct Verdict {
    pub problems: Vec<Problem>,
    pub settling: Vec<Problem>,
    pub blind: Vec<BlindSpot>,
}

impl Verdict {
    /// The exit code: 1 when a problem is due.
    pub fn code(&self) -> u8 {
        u8::from(!self.problems.is_empty())
    }
}

/// The dashboard's problems strip, detected once: the same detection, the same grace
/// (counted from when each signal started).
pub(crate) fn verdict(c: &ClusterSnapshot, m: Option<&MetricsSnapshot>, cfg: &Config) -> Verdict {
    let now = jiff::Timestamp::now();
    let bundled = crate::problems::bundled_containers(&cfg.stack);
    let all = crate::problems::detect(&Inputs {
        now,
        cluster: Some(c),
        metrics: m,
        stack: &cfg.stack,
        cfg: &cfg.problems,
        p95_threshold_ms: cfg.status.p95_threshold_ms,
        bundled: &bundled,
        cleared: &[],
    });
    let (problems, settling) = all
        .into_iter()
        .partition(|p| crate::problems::due(p, now, now));
    Verdict {
        problems,
        settling,
        blind: crate::problems::blind_spots(m, &cfg.problems.window, cfg.status.p95_threshold_ms),
    }
}

/// One problem as `status --json` lists it.
pub(crate) fn problem_json(p: &Problem, namespace: &str) -> Value {
    json!({
        "id": p.id,
        "severity": p.severity,
        "title": p.title,
        "since": p.since.map(|t| t.to_string()),
        "evidence": p.evidence,
        "fix": p.fix.as_ref().map(|f| json!({"key": f.key().to_string(), "action": f.label(), "command": f.command(namespace)})),
        "advice": p.advice,
    })
}

/// One problem as the text report lists it.
pub(crate) fn problem_line(p: &Problem, namespace: &str) -> String {
    let mut s = format!("{}: {}", p.title, p.evidence);
    if let Some(f) = &p.fix {
        s.push_str(&format!(" → fix: {}", f.command(namespace)));
    } else if let Some(a) = &p.advice {
        s.push_str(&format!(" → {a}"));
    }
    s
}

fn reading_json<T: serde::Serialize>(r: &Reading<T>) -> Value {
    match r {
        Reading::Value(v) => json!(v),
        Reading::NoData => json!(null),
        Reading::Error(e) => json!({"error": e}),
        Reading::Cannot(why) => json!({"cannotTell": why}),
    }
}

/// Tokens (or spend) by model as `{model: value}`, or the reading's null/error/reason.
fn by_model<T>(r: &Reading<Vec<T>>, f: impl Fn(&T) -> (String, f64)) -> Value {
    match r {
        Reading::Value(v) => json!(
            v.iter()
                .map(f)
                .collect::<std::collections::BTreeMap<_, _>>()
        ),
        Reading::NoData => json!(null),
        Reading::Error(e) => json!({"error": e}),
        Reading::Cannot(why) => json!({"cannotTell": why}),
    }
}

/// The metrics part of the JSON report: every reading, the stacks they come from and the
/// source of each quantity.
fn metrics_json(m: &MetricsSnapshot) -> Value {
    json!({
        "source": m.origin.label(),
        "stack": m.stack,
        "reachable": m.reachable,
        "p50Ms": reading_json(&m.p50_ms),
        "p95Ms": reading_json(&m.p95_ms),
        "latencyCapMs": m.latency_cap_ms,
        "tokensPerSecond": by_model(&m.tokens, |r| (r.model.clone(), r.tokens_per_sec)),
        "requestRate": reading_json(&m.request_rate),
        "unauthorizedRatio": reading_json(&m.unauthorized_ratio),
        "spendUsdPerHour": by_model(&m.spend, |s| (s.model.clone(), s.usd_per_hour)),
        "servingPods": reading_json(&m.servers),
        "recent": {
            "requestRate": reading_json(&m.recent.request_rate),
            "unauthorizedRatio": reading_json(&m.recent.unauthorized_ratio),
            "timeoutRatio": reading_json(&m.recent.timeout_ratio),
            "rateLimitedRatio": reading_json(&m.recent.rate_limited_ratio),
            "clientErrorRatio": reading_json(&m.recent.client_error_ratio),
            "serverErrorRatio": reading_json(&m.recent.server_error_ratio),
            "p95Ms": reading_json(&m.recent.p95_ms),
            "providerUpRatio": reading_json(&m.recent.provider_up_ratio),
            "providerProbeMs": reading_json(&m.recent.provider_probe_ms),
        },
        "sources": m.sources.iter().map(|(q, from)| (q.key().to_string(), from.clone())).collect::<std::collections::BTreeMap<_, _>>(),
        "agents": agents_json(&m.agents),
    })
}

/// The per-agent table: `{label, rows: [{agent, requestsPerSecond, p95Ms, errorRatio}],
/// others, notes}`, or the reading's null/error/reason.
fn agents_json(r: &Reading<crate::metrics::Agents>) -> Value {
    let Reading::Value(a) = r else {
        return reading_json(&r.as_ref().map_value(|_| ()));
    };
    json!({
        "label": a.label,
        "rows": a.rows.iter().map(|r| json!({
            "agent": r.agent, "requestsPerSecond": r.requests_per_sec, "p95Ms": r.p95_ms, "errorRatio": r.error_ratio,
        })).collect::<Vec<_>>(),
        "others": a.others,
        "notes": a.notes,
    })
}

/// "provider probe: up (100 % of probes), 180 ms", when the provider is probed.
fn probe_line(m: &MetricsSnapshot) -> Option<String> {
    let up = *m.recent.provider_up_ratio.value()?;
    let state = if up < crate::problems::PROBE_UP_RATIO {
        "DOWN"
    } else {
        "up"
    };
    let ms = m
        .recent
        .provider_probe_ms
        .value()
        .map(|v| format!(", {}", format::ms(*v)))
        .unwrap_or_default();
    Some(format!(
        "provider probe: {state} ({:.0} % of probes answered){ms}",
        up * 100.0
    ))
}

/// The per-agent line of the text report: "coder 1.2/s p95 1.40 s · …", or why not.
fn agents_line(r: &Reading<crate::metrics::Agents>) -> String {
    let Reading::Value(a) = r else {
        return format!("per agent: {}", r.text(|_| String::new()));
    };
    let rows: Vec<String> = a
        .rows
        .iter()
        .map(|r| {
            let mut s = format!("{} {:.2}/s", r.agent, r.requests_per_sec);
            if let Some(p) = r.p95_ms {
                s.push_str(&format!(" p95 {}", format::ms(p)));
            }
            if let Some(e) = r.error_ratio {
                s.push_str(&format!(" errors {:.1}%", e * 100.0));
            }
            s
        })
        .collect();
    let mut s = format!("per {}: {}", a.label, rows.join(" · "));
    if a.others > 0 {
        s.push_str(&format!(" · {} others", a.others));
    }
    for n in &a.notes {
        s.push_str(&format!(" ({n})"));
    }
    s
}

/// The JSON report.
pub(crate) fn report_json(
    c: &ClusterSnapshot,
    m: Option<&MetricsSnapshot>,
    cost: Option<&Cost>,
    v: &Verdict,
) -> Value {
    let workloads: Vec<Value> = c
        .workloads
        .iter()
        .map(|w| json!({
            "name": w.name, "desired": w.desired, "ready": w.ready, "updated": w.updated, "available": w.available,
            "pods": {"pending": w.pods.pending, "running": w.pods.running, "terminating": w.pods.terminating, "failed": w.pods.failed},
            "restarts": w.restarts, "oomKilled": w.oom_killed, "crashLooping": w.crash_looping, "hpa": w.hpa,
        }))
        .collect();
    let hpas: Vec<Value> = c
        .hpas
        .iter()
        .map(|h| json!({
            "name": h.name, "target": h.target, "min": h.min, "max": h.max, "current": h.current, "desired": h.desired,
            "metrics": h.metrics.iter().map(|x| json!({"name": x.name, "type": format!("{:?}", x.source), "current": x.current, "target": x.target, "average": x.average})).collect::<Vec<_>>(),
            "diagnosis": h.diagnosis,
        }))
        .collect();
    let warnings: Vec<Value> = c
        .events
        .iter()
        .filter(|e| e.warning)
        .take(20)
        .map(|e| json!({"reason": e.reason, "object": e.object, "message": e.message, "count": e.count, "hint": e.hint, "resolved": e.resolved}))
        .collect();
    let metrics = m.map(metrics_json);
    let cost = cost.map(|c| {
        json!({
            "usdPerHour": c.usd_per_hour, "usdPerMonth": c.usd_per_month, "listUsdPerMonth": c.list_usd_per_month,
            "savingsRatio": c.savings_ratio,
            "perModel": c.per_model.iter().map(|x| {
                let priced = !c.is_unpriced(&x.model) && !c.self_hosted;
                json!({"model": x.model, "tokensPerMinute": x.tokens_per_min, "usdPerHour": priced.then_some(x.usd_per_hour), "priced": priced})
            }).collect::<Vec<_>>(),
            "unpriced": c.unpriced,
            "reportedUsdPerHour": c.reported_usd_per_hour,
            "gpu": c.gpu.as_ref().map(|g| json!({"pods": g.pods, "usdPerPodHour": g.usd_per_pod_hour, "usdPerHour": g.usd_per_hour})),
            "note": c.note,
            "selfHosted": c.self_hosted,
        })
    });
    json!({
        "context": c.context, "namespace": c.namespace,
        "healthy": v.problems.is_empty(),
        "cannotTell": v.blind,
        "problems": v.problems.iter().map(|p| problem_json(p, &c.namespace)).collect::<Vec<_>>(),
        "settling": v.settling.iter().map(|p| problem_json(p, &c.namespace)).collect::<Vec<_>>(),
        "workloads": workloads, "hpas": hpas, "metrics": metrics, "cost": cost, "warnings": warnings,
        "unreadable": c.degraded().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
    })
}

/// The human-readable report.
pub(crate) fn report_text(
    c: &ClusterSnapshot,
    m: Option<&MetricsSnapshot>,
    cost: Option<&Cost>,
    v: &Verdict,
) -> String {
    let mut s = String::new();
    text_workloads(&mut s, c);
    text_metrics(&mut s, m, cost);
    text_verdict(&mut s, c, v);
    s
}

/// `-o wide`: the workloads as a table with every count (kind, pods by phase, OOM kills,
/// crash loops, HPA), then the report's HPA lines, metrics and verdict.
pub(crate) fn report_wide(
    c: &ClusterSnapshot,
    m: Option<&MetricsSnapshot>,
    cost: Option<&Cost>,
    v: &Verdict,
) -> String {
    let mut s = format!(
        "context {}  namespace {}\n",
        crate::text::printable(&c.context),
        crate::text::printable(&c.namespace)
    );
    let head = [
        "KIND",
        "NAME",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "PENDING",
        "RUNNING",
        "TERMINATING",
        "FAILED",
        "RESTARTS",
        "OOMKILLED",
        "CRASHLOOP",
        "HPA",
    ];
    let mut rows = vec![head.map(str::to_string).to_vec()];
    for w in &c.workloads {
        rows.push(vec![
            w.kind.to_string(),
            w.name.clone(),
            format!("{}/{}", w.ready, w.desired),
            w.updated.to_string(),
            w.available.to_string(),
            w.pods.pending.to_string(),
            w.pods.running.to_string(),
            w.pods.terminating.to_string(),
            w.pods.failed.to_string(),
            w.restarts.to_string(),
            w.oom_killed.to_string(),
            w.crash_looping.to_string(),
            w.hpa.clone().unwrap_or_else(|| "<none>".into()),
        ]);
    }
    s.push_str(&crate::output::table(&rows, 3));
    text_hpas(&mut s, c);
    text_metrics(&mut s, m, cost);
    text_verdict(&mut s, c, v);
    s
}

fn text_workloads(s: &mut String, c: &ClusterSnapshot) {
    *s = format!(
        "context {}  namespace {}\n",
        crate::text::printable(&c.context),
        crate::text::printable(&c.namespace)
    );
    for w in &c.workloads {
        s.push_str(&format!(
            "  {:<24} {}/{} ready  {} updated  {} available  restarts {}{}\n",
            w.name,
            w.ready,
            w.desired,
            w.updated,
            w.available,
            w.restarts,
            if w.oom_killed > 0 {
                format!("  OOMKilled×{}", w.oom_killed)
            } else {
                String::new()
            }
        ));
    }
    text_hpas(s, c);
}

fn text_hpas(s: &mut String, c: &ClusterSnapshot) {
    for h in &c.hpas {
        let ms: Vec<String> = h.metrics.iter().map(|x| x.display()).collect();
        s.push_str(&format!(
            "hpa {}: {} → {} (min {}, max {}) {} — {}\n",
            h.name,
            h.current,
            h.desired,
            h.min,
            h.max,
            ms.join(", "),
            h.diagnosis
        ));
    }
}

fn text_metrics(s: &mut String, m: Option<&MetricsSnapshot>, cost: Option<&Cost>) {
    let Some(m) = m else {
        s.push_str("metrics: no source (set --prometheus-url or prometheus.url in the config)\n");
        return;
    };
    let from = if m.stack.is_empty() {
        m.origin.label()
    } else {
        format!("{} · {}", m.origin.label(), m.stack)
    };
    s.push_str(&format!(
        "latency p50 {}  p95 {}   (metrics: {from})\n",
        m.p50_ms.text(|v| format::latency(*v, m.at_cap(*v))),
        m.p95_ms.text(|v| format::latency(*v, m.at_cap(*v))),
    ));
    s.push_str(&agents_line(&m.agents));
    s.push('\n');
    if let Some(p) = probe_line(m) {
        s.push_str(&p);
        s.push('\n');
    }
    let Some(c) = cost else {
        s.push_str(&format!("tokens {}\n", m.tokens.text(|_| String::new())));
        return;
    };
    let total: f64 = c.per_model.iter().map(|x| x.tokens_per_min).sum();
    let tokens = match &m.tokens {
        Reading::Value(_) => format!("{total:.0}/min"),
        other => other.text(|_| String::new()),
    };
    s.push_str(&format!(
        "tokens {tokens}  cost {}/h  {}/month{}\n",
        format::usd(c.usd_per_hour),
        format::usd(c.usd_per_month),
        c.savings_ratio
            .map(|r| format!("  (saves {:.1}% vs list)", r * 100.0))
            .unwrap_or_default()
    ));
    if let Some(r) = c.reported_usd_per_hour {
        s.push_str(&format!(
            "spend {}/h as the stack counts it ({})\n",
            format::usd(r),
            m.stack
        ));
    }
    if let Some(g) = &c.gpu {
        s.push_str(&format!(
            "gpu {:.0} serving pods × {}/h = {}/h (included above)\n",
            g.pods,
            format::usd(g.usd_per_pod_hour),
            format::usd(g.usd_per_hour)
        ));
    }
    if !c.unpriced.is_empty() {
        s.push_str(&format!(
            "no price for: {} (counted as nothing: the cost is a lower bound; add them or aliases under [[models]])\n",
            c.unpriced.join(", ")
        ));
    }
    if let Some(n) = &c.note {
        s.push_str(&format!("cost: {n}\n"));
    }
}

/// The warnings, then healthy or what is wrong.
fn text_verdict(s: &mut String, c: &ClusterSnapshot, v: &Verdict) {
    let (problems, settling, blind) = (&v.problems, &v.settling, &v.blind);
    for e in c.events.iter().filter(|e| e.warning && !e.resolved).take(5) {
        s.push_str(&format!(
            "warning {} {}: {}{}\n",
            e.reason,
            e.object,
            e.message,
            e.hint
                .as_ref()
                .map(|h| format!(" → {h}"))
                .unwrap_or_default()
        ));
    }
    if !blind.is_empty() {
        s.push_str(&format!(
            "cannot tell: {}\n",
            crate::problems::blind_summary(blind)
        ));
    }
    for p in settling {
        s.push_str(&format!("settling: {}\n", settling_line(p)));
    }
    if problems.is_empty() && blind.is_empty() {
        s.push_str("status: healthy\n");
    } else if problems.is_empty() {
        // The dashboard's strip says the same: no claim on what could not be checked.
        s.push_str(&format!(
            "status: no problems: {} look right; cannot tell the rest (above)\n",
            crate::problems::looks_right(blind)
        ));
    } else {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| problem_line(p, &c.namespace))
            .collect();
        s.push_str(&format!(
            "status: UNHEALTHY\n  - {}\n",
            lines.join("\n  - ")
        ));
    }
}

/// "redis not ready: 1/2 pods ready … (a problem after 60 s)": within its grace.
fn settling_line(p: &Problem) -> String {
    format!(
        "{}: {} (a problem after {} s)",
        p.title, p.evidence, p.grace_secs
    )
}

/// The whole command: returns (output, exit code).
pub(crate) async fn run(
    cfg: &Config,
    conn: &Connection,
    feed: &Feed,
    output: Option<Output>,
) -> Result<(String, u8), Error> {
    let (cluster, metrics, alerts) = tokio::join!(
        crate::cluster::list::once(conn, &cfg.stack),
        feed.snapshot_in(cfg, &conn.namespace),
        crate::status_alerts::read(cfg, feed, &conn.namespace),
    );
    let cluster = cluster?;
    let cost = metrics
        .as_ref()
        .and_then(|m| crate::metrics::of_snapshot(m, &cfg.models, cfg.cost.gpu_hour_price));
    let mut v = verdict(&cluster, metrics.as_ref(), cfg);
    // A metric problem's "since" is when its signal started, from Prometheus' history — as
    // the dashboard's strip says it.
    // Too new for its history (a point or two), it is "since now", as the strip says of
    // what it has just seen.
    let now = jiff::Timestamp::now();
    for p in v.problems.iter_mut().filter(|p| p.since.is_none()) {
        let onset = crate::metrics::onset::of(feed, cfg, &conn.namespace, &p.id).await;
        p.since = onset.or(crate::problems::check_of(&p.id).map(|_| now));
    }
    let (m, k) = (metrics.as_ref(), cost.as_ref());
    let paged = alerts.firing_critical() > 0;
    let out = match output {
        Some(f @ (Output::Json | Output::Yaml)) => {
            let mut j = report_json(&cluster, m, k, &v);
            j["alerts"] = alerts.json();
            j["healthy"] = json!(v.problems.is_empty() && !paged);
            crate::output::render(&j, f)
        }
        // Everything from the cluster and Prometheus is cleaned where it is read; this
        // last pass makes sure no escape sequence reaches the operator's terminal.
        Some(Output::Wide) => crate::text::printable_lines(&format!(
            "{}{}",
            report_wide(&cluster, m, k, &v),
            alerts.text()
        )),
        None => crate::text::printable_lines(&format!(
            "{}{}",
            report_text(&cluster, m, k, &v),
            alerts.text()
        )),
    };
    // A critical alert firing unheard is as unhealthy as a problem agentdeck sees.
    Ok((out, v.code().max(u8::from(paged))))
}
