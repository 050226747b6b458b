//! `agentdeck demo` (the embedded simulated cluster with the dashboard on it) and
//! `agentdeck sim` (the simulated cluster alone, for kubectl and scripts).

use std::sync::Arc;

use agentdeck_sim::{self as sim, HistoryPoint, SimAgents, SimConfig, SimHandle, Truth};

use crate::error::Error;
use crate::metrics::profiles::{Profile, Signal};
use crate::metrics::simulated::{Sample, SimHistory};
use crate::metrics::{Feed, MetricsOrigin, MetricsSnapshot, ModelRate, Reading};

/// The embedded sim, preloaded, with the dashboard on it; metrics straight from the sim's
/// agent model unless a Prometheus URL is given.
/// The dashboard's own flags that the demo passes on.
pub struct DashboardFlags {
    pub prometheus_url: Option<String>,
    pub namespace: Option<String>,
    pub theme: Option<String>,
    pub no_color: bool,
}

/// The embedded sim (`sc`, preloaded by the caller), with the dashboard on it.
pub async fn run_demo(
    mut sc: SimConfig,
    cfg: crate::config::Config,
    g: DashboardFlags,
) -> Result<(), Error> {
    crate::dashboard::check_terminal()?;
    let dir = std::env::temp_dir().join(format!("agentdeck-demo-{}", std::process::id()));
    let kubeconfig = sc
        .kubeconfig_out
        .clone()
        .unwrap_or_else(|| dir.join("kubeconfig"));
    sc.kubeconfig_out = Some(kubeconfig.clone());
    // The demo's agents talk to the sim's simulated provider (so rotate-key can verify
    // keys): the preloaded Deployment and the config say the same URL, so `:deploy` on a
    // fresh demo changes nothing. Its address is chosen before the sim starts.
    if sc.listen.port() == 0 {
        let free = std::net::TcpListener::bind(sc.listen)
            .and_then(|l| l.local_addr())
            .map_err(|e| Error::Sim(anyhow::anyhow!("demo: no free port: {e}")))?;
        sc.listen = free;
    }
    let scheme = if sc.tls { "https" } else { "http" };
    let mut cfg = cfg;
    cfg.stack.provider_base_url = format!("{scheme}://{}/_sim/provider/v1", sc.listen);
    let bundled = crate::config::StackConfig::default().provider_base_url;
    for d in &mut sc.preload {
        replace_string(&mut d.object, &bundled, &cfg.stack.provider_base_url);
    }
    // Incidents are staged after the demo's key is seeded (bad-key must win over it).
    let incidents = std::mem::take(&mut sc.incidents);
    let handle = sim::start(sc).await.map_err(Error::Sim)?;
    tracing::info!(url = %handle.url(), kubeconfig = %kubeconfig.display(), "demo: simulated cluster started");
    seed_demo_key(&handle, &cfg)?;
    for i in incidents {
        handle
            .stage(i, true)
            .map_err(|e| Error::Sim(anyhow::anyhow!("demo: {e}")))?;
    }
    let feed = match g
        .prometheus_url
        .as_deref()
        .or(cfg.prometheus.url.as_deref())
    {
        Some(_) => Feed::from_config(&cfg, g.prometheus_url.as_deref())?,
        None => simulated_feed(handle.agents(), &cfg),
    };
    let t = crate::cluster::Target {
        kubeconfig: Some(kubeconfig),
        context: None,
        namespace: g.namespace.clone(),
        no_terminal: true,
    };
    let look = crate::dashboard::Look {
        theme: g.theme.clone(),
        no_color: g.no_color,
    };
    let result = crate::dashboard::run(cfg, t, feed, look).await;
    handle.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Every string value `from` in `v` becomes `to`.
fn replace_string(v: &mut serde_json::Value, from: &str, to: &str) {
    match v {
        serde_json::Value::String(s) if s == from => *s = to.to_string(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| replace_string(x, from, to)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| replace_string(x, from, to)),
        _ => {}
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called (not when the future
/// is first polled), so a signal that comes right after the banner is not fatal.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt());
    let term = signal(SignalKind::terminate());
    async move {
        match (int, term) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// The demo's agents get a simulated provider key (generated per run, valid only inside
/// the sim), so the demo starts healthy; no key value is bundled anywhere.
fn seed_demo_key(sim: &SimHandle, cfg: &crate::config::Config) -> Result<(), Error> {
    use base64::Engine;
    let key = format!(
        "sk-sim-demo-{:016x}{:016x}",
        sim.random_u64(),
        sim.random_u64()
    );
    let secret = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": cfg.stack.secret, "namespace": cfg.stack.namespace},
        "type": "Opaque",
        "data": {cfg.stack.secret_key.clone(): base64::engine::general_purpose::STANDARD.encode(key)},
    });
    sim.create(secret, "agentdeck-demo").map_err(|e| {
        Error::Sim(anyhow::anyhow!(
            "demo: cannot create the simulated key Secret: {e}"
        ))
    })
}

pub async fn run_sim(cfg: SimConfig) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let stop = shutdown_signal();
    let handle = sim::start(cfg.clone()).await.map_err(Error::Sim)?;
    println!(
        "agentdeck sim: serving the Kubernetes API at {} (started in {} ms)",
        handle.url(),
        started.elapsed().as_millis()
    );
    if let Some(m) = handle.metrics_addr {
        println!("metrics: http://{m}/metrics");
    }
    if let Some(p) = &cfg.kubeconfig_out {
        println!("kubeconfig: {}", p.display());
        println!(
            "try: KUBECONFIG={} kubectl get deploy,po,hpa -n ai-agents",
            p.display()
        );
    }
    println!("Ctrl-C to stop.");
    stop.await;
    handle.stop().await;
    println!("agentdeck sim: stopped");
    Ok(())
}
/// Metrics straight from the sim's agent model, remembering its history: the
/// `history_minutes` before the start fast-forwarded, so the first snapshot back-fills
/// the charts, and every reading after it, for the timeline.
pub fn simulated_feed(sim: SimAgents, cfg: &crate::config::Config) -> Feed {
    let past = Arc::new(history_before_start(&sim, cfg));
    // `--metrics-profile P`: the readings as that stack could give them (what it cannot
    // tell is said, not shown).
    let profile =
        crate::metrics::profiles::by_id(&sim.profile().to_string()).filter(|p| p.id != "example");
    Feed::Simulated(
        Arc::new(move || {
            let t = sim.truth();
            let mut m = from_truth(&t);
            if let Some(p) = profile {
                restrict(p, &mut m);
                // A self-hosted model's cost is its serving pods' GPU time.
                if matches!(p.servers, crate::metrics::profiles::Signal::Query(_)) {
                    m.servers = Reading::Value(t.ready_pods as f64);
                    m.sources = vec![(crate::metrics::plan::Quantity::Servers, p.name.into())];
                }
            }
            m
        }),
        Some(past),
    )
}

/// A snapshot with exact readings (the simulated agents' truth) as this stack could
/// give them: what it cannot tell becomes its sentence, exact 401/429/504 shares become
/// the grouped 4xx/5xx shares where it groups codes. Names the stack.
pub fn restrict(p: &Profile, m: &mut MetricsSnapshot) {
    fn cannot<T>(s: &Signal, r: &mut Reading<T>) {
        if let Signal::Cannot(why) = s {
            *r = Reading::Cannot(why.to_string());
        }
    }
    let share = |r: &Reading<f64>| r.value().copied().unwrap_or(0.0);
    if let Signal::Query(_) = p.client_errors {
        let s = share(&m.recent.unauthorized_ratio) + share(&m.recent.rate_limited_ratio);
        m.recent.client_error_ratio = Reading::Value(s);
    }
    if let Signal::Query(_) = p.server_errors {
        m.recent.server_error_ratio = Reading::Value(share(&m.recent.timeout_ratio));
    }
    cannot(&p.latency, &mut m.p50_ms);
    cannot(&p.latency, &mut m.p95_ms);
    cannot(&p.latency, &mut m.recent.p95_ms);
    cannot(&p.tokens, &mut m.tokens);
    cannot(&p.unauthorized, &mut m.unauthorized_ratio);
    cannot(&p.unauthorized, &mut m.recent.unauthorized_ratio);
    cannot(&p.rate_limited, &mut m.recent.rate_limited_ratio);
    cannot(&p.timeouts, &mut m.recent.timeout_ratio);
    cannot(&p.client_errors, &mut m.recent.client_error_ratio);
    cannot(&p.server_errors, &mut m.recent.server_error_ratio);
    cannot(&p.spend, &mut m.spend);
    m.agents = agents_as(p, std::mem::replace(&mut m.agents, Reading::NoData), m);
    m.latency_layer = Some(p.layer);
    m.latency_cap_ms = p.latency_cap_ms.map(f64::from);
    if let Some(cap) = m.latency_cap_ms {
        // histogram_quantile over buckets that stop at the cap reads the cap.
        for r in [&mut m.p50_ms, &mut m.p95_ms, &mut m.recent.p95_ms] {
            if let Reading::Value(v) = r {
                *v = v.min(cap);
            }
        }
    }
    m.stack = p.name.to_string();
}

/// The per-agent table as the sim's exposition under `p` tells it: the example's `agent`
/// label; FastAPI's one route template for every agent; no agent label elsewhere.
fn agents_as(
    p: &Profile,
    agents: Reading<crate::metrics::Agents>,
    m: &MetricsSnapshot,
) -> Reading<crate::metrics::Agents> {
    if let Signal::Cannot(why) = p.agent_requests {
        return Reading::Cannot(why.to_string());
    }
    let Reading::Value(a) = agents else {
        return agents;
    };
    match p.id {
        "example" => Reading::Value(a),
        "fastapi" => {
            let share = |r: &Reading<f64>| r.value().copied().unwrap_or(0.0);
            let route = "/agent/{agent_type}";
            Reading::Value(crate::metrics::Agents {
                label: "handler".into(),
                rows: vec![crate::metrics::AgentRow {
                    agent: route.into(),
                    requests_per_sec: a.rows.iter().map(|r| r.requests_per_sec).sum(),
                    p95_ms: m.p95_ms.value().copied(),
                    error_ratio: Some(
                        share(&m.recent.client_error_ratio) + share(&m.recent.server_error_ratio),
                    ),
                }],
                others: 0,
                notes: vec![format!(
                    "{route} is a route template: the agents behind it are counted as one"
                )],
            })
        }
        _ => Reading::Cannot(format!(
            "no series carries {}: the instrumentation does not tell agents apart",
            p.agent_labels.join(" or ")
        )),
    }
}

/// The model's readings over `prometheus.history_minutes` before the sim started, one per
/// back-fill step ([`crate::metrics::backfill::step_for`], as from a Prometheus), at the
/// wall-clock times they map to: simulated seconds are divided by the time scale, so the
/// window is full whatever the scale.
pub fn history_before_start(sim: &SimAgents, cfg: &crate::config::Config) -> SimHistory {
    let elapsed = sim.elapsed_secs() / sim.time_scale();
    let start = jiff::Timestamp::now() - jiff::SignedDuration::from_secs_f64(elapsed);
    history_from_start(sim, cfg, start)
}

/// [`history_before_start`] for a sim that started at wall-clock time `start`.
pub fn history_from_start(
    sim: &SimAgents,
    cfg: &crate::config::Config,
    start: jiff::Timestamp,
) -> SimHistory {
    let window = jiff::SignedDuration::from_mins(i64::from(cfg.prometheus.history_minutes));
    let refresh = std::time::Duration::from_secs_f64(cfg.prometheus.refresh_secs);
    let step = crate::metrics::backfill::step_for(window, refresh);
    let scale = sim.time_scale();
    let points = sim.before_start(window.as_secs_f64() * scale, step.as_secs_f64() * scale);
    // What the stack of `--metrics-profile` cannot give has no history either.
    let profile = crate::metrics::profiles::by_id(&sim.profile().to_string());
    let samples = points
        .iter()
        .map(|p| {
            let mut s = past_sample(p, start + jiff::SignedDuration::from_secs_f64(p.t / scale));
            if let Some(pr) = profile {
                if matches!(pr.tokens, Signal::Cannot(_)) {
                    s.tokens = None;
                }
                if matches!(pr.latency, Signal::Cannot(_)) {
                    (s.p50_ms, s.p95_ms) = (None, None);
                }
                if matches!(pr.unauthorized, Signal::Cannot(_)) {
                    s.unauthorized_ratio = None;
                }
            }
            s
        })
        .collect();
    SimHistory::new(&cfg.stack.namespace, step, samples)
}

/// A fast-forwarded reading as the feed's sample (no latency: no request reached a pod).
fn past_sample(p: &HistoryPoint, at: jiff::Timestamp) -> Sample {
    let latency = |v: f64| (v > 0.0).then_some(v);
    Sample {
        at,
        p50_ms: latency(p.p50_ms),
        p95_ms: latency(p.p95_ms),
        tokens: Some(
            p.tokens_per_sec
                .iter()
                .map(|(m, r)| ModelRate {
                    model: m.clone(),
                    tokens_per_sec: *r,
                })
                .collect(),
        ),
        unauthorized_ratio: Some(p.unauthorized_ratio),
    }
}

/// The agents as the example stack's `agent` label tells them apart (its status codes
/// are per pod: no error share per agent).
fn agents_of(t: &Truth) -> Reading<crate::metrics::Agents> {
    let mut rows: Vec<crate::metrics::AgentRow> = t
        .agents
        .iter()
        .filter(|(_, a)| a.request_rate > 0.0)
        .map(|(name, a)| crate::metrics::AgentRow {
            agent: name.clone(),
            requests_per_sec: a.request_rate,
            p95_ms: (a.p95_ms > 0.0).then_some(a.p95_ms),
            error_ratio: None,
        })
        .collect();
    if rows.is_empty() {
        return Reading::NoData;
    }
    rows.sort_by(|a, b| b.requests_per_sec.total_cmp(&a.requests_per_sec));
    Reading::Value(crate::metrics::Agents {
        label: "agent".into(),
        rows,
        others: 0,
        notes: vec![
            "errors: cannot tell: the example stack counts status codes per pod, not per agent (http_requests_total has no agent label)".into(),
        ],
    })
}

/// The sim's ground truth as a metrics snapshot ("metrics: simulated").
pub fn from_truth(t: &Truth) -> MetricsSnapshot {
    let tokens = t
        .tokens_per_sec
        .iter()
        .map(|(m, r)| ModelRate {
            model: m.clone(),
            tokens_per_sec: *r,
        })
        .collect();
    MetricsSnapshot {
        origin: MetricsOrigin::Simulated,
        at: jiff::Timestamp::now(),
        reachable: true,
        stack: String::new(),
        sources: Vec::new(),
        latency_layer: None,
        latency_cap_ms: None,
        spend: Reading::Cannot(
            "the example stack counts tokens, not spend: priced from [[models]]".into(),
        ),
        servers: Reading::Cannot("billed per token".into()),
        // No request reached a pod in the window: there is no latency to show.
        p50_ms: if t.request_rate > 0.0 && t.ready_pods > 0 {
            Reading::Value(t.p50_ms)
        } else {
            Reading::NoData
        },
        p95_ms: if t.request_rate > 0.0 && t.ready_pods > 0 {
            Reading::Value(t.p95_ms)
        } else {
            Reading::NoData
        },
        tokens: Reading::Value(tokens),
        request_rate: Reading::Value(t.request_rate),
        unauthorized_ratio: Reading::Value(t.unauthorized_ratio),
        recent: crate::metrics::Recent {
            request_rate: Reading::Value(t.recent_request_rate),
            unauthorized_ratio: Reading::Value(t.recent_unauthorized_ratio),
            timeout_ratio: Reading::Value(t.recent_timeout_ratio),
            p95_ms: if t.recent_request_rate > 0.0 && t.ready_pods > 0 {
                Reading::Value(t.recent_p95_ms)
            } else {
                Reading::NoData
            },
            rate_limited_ratio: Reading::Value(t.recent_rate_limited_ratio),
            client_error_ratio: Reading::Cannot("not needed: status codes are exact".into()),
            server_error_ratio: Reading::Cannot("not needed: status codes are exact".into()),
            // Probed from the monitoring namespace: up even when the agents' egress is not.
            provider_up_ratio: Reading::Value(1.0),
            provider_probe_ms: Reading::Value(t.provider_probe_ms),
        },
        agents: agents_of(t),
        backfill: None,
    }
}

#[cfg(test)]
#[path = "demo_tests.rs"]
mod tests;
