//! The agent load model: what the `ai-agent-service` pods of the bundled stack would be
//! doing if real traffic hit them, evaluated in simulated time and exported as Prometheus
//! metrics (`/metrics`, `/_sim/metrics`) and as ground truth (`/truth`, `/_sim/truth`).
//!
//! ## The model (deterministic for a seed; see [`model`])
//! - **Load**: `BASE_RPS × (1 + 0.6·sin(2π·t/86400 + φ))` req/s, φ from the seed, times a
//!   burst factor (about a third of the simulated hours carry a 4–12 minute burst at
//!   1.8–3.2×, ramped over a minute) and ±8 % jitter per simulated second. `t` is simulated
//!   seconds since the sim started. `--steady-load` (`SimConfig::steady_load`) makes it a
//!   constant `BASE_RPS` (tests against a real Prometheus).
//! - **Pods**: the load is shared by the *ready* pods of Deployment `ai-agent-service` in
//!   `ai-agents` (label `app=ai-agent-service`, condition Ready=True, not terminating). With
//!   no ready pod every request is a 503 (series without a `pod` label).
//! - **Utilisation** ρ = load per ready pod × work / `POD_CAPACITY_RPS` (a request the
//!   provider rejects is 0.15 of the work, a timed-out one 0.05: it mostly waits).
//!   CPU = 0.10 + ρ and memory = 0.40 + 0.2·ρ, as
//!   fractions of the pod's requests: this is what the simulated HPA sees
//!   ([`crate::usage::usage_fraction`]; an admin pin still wins). At the
//!   curve's middle three pods sit at ρ ≈ 0.33 (CPU ≈ 43 % vs the 70 % target); the daily
//!   peak stays under the target, bursts push the HPA up.
//! - **Memory leak** (incident `oom`, [`Flags::memory_leak`]): an agent container's
//!   working set climbs linearly from its start to [`model::LEAK_PEAK_BYTES`] (2.1Gi) over
//!   [`model::LEAK_CLIMB_SECS`] (30 s) and stays there; the kubelet OOM-kills it 8 s after
//!   it passed the container's memory limit (so metrics-server shows the peak meanwhile).
//!   A limit above 2.1Gi ends the kills.
//! - **Latency**: successful requests are log-normal, median 0.35 s × agent factor
//!   (coder 1.15, writer 1.0, analyst 0.8) × `1/(1−ρ)` (capped at 8×) × the provider's
//!   latency factor (1, or 6 under `slow-provider`), σ = 0.7: at normal load p50 ≈ 0.5 s,
//!   p95 ≈ 1.7 s (≈ 10 s with a slow provider). Rejected requests (401, 429) take ~60 ms.
//!   Timed-out requests (504) end just under the 30 s request deadline: log-normal,
//!   median 29.8 s, σ = 0.001 (all in the histogram's (25, 30] bucket, so
//!   `histogram_quantile` puts them near 30 s). Buckets: 0.05 … 10, 15, 20, 25, 30, +Inf.
//! - **Egress**: at each evaluation the NetworkPolicies in `ai-agents` are evaluated for
//!   an agent pod's labels against the provider's address [`crate::netpol::PROVIDER_IP`]
//!   (203.0.113.7) on TCP 443 ([`crate::netpol`]). When they block it, every request that
//!   reaches a pod times out: 504.
//! - **Codes**: 504 for every request while egress to the provider is blocked; else 401
//!   for every request while the provider key is invalid; else 0.7 % 429, 0.3 % 500 and
//!   the rest 200. The pods export `http_requests_total{namespace,pod,code}` (200, 401,
//!   429, 500, 504; 503 without a pod label when no pod is ready) and
//!   `ai_provider_errors_total{namespace,pod,reason}` (unauthorized = 401, rate_limited =
//!   429, server_error = 500, timeout = 504).
//! - **Provider key rule**: the Secret `ai-api-keys` in `ai-agents` must exist and its
//!   `data.HOLYSHEEP_API_KEY` must base64-decode to a value that starts with `sk-`, is at
//!   least 20 characters long and contains neither `invalid` nor `revoked` (any case).
//!   The Secret is read at every evaluation, so a rotation takes effect on the next read.
//! - **Tokens** (200s only): per model the mean tokens per request are gpt-4.1 1400,
//!   claude-sonnet-4.5 1800, gemini-2.5-flash 900, deepseek-v3.2 1100, and requests are
//!   routed so that *tokens* split 30/20/30/20.
//!
//! ## Time
//! Counters and buckets advance in **simulated** time, lazily: every read integrates from
//! the previous read to now in steps of at most one simulated second, with the pods and
//! key it observes at that read (so a change is seen from the read that notices it).
//! All rates are per simulated second. With `--time-scale 1` (the default) that is per real
//! second, and a Prometheus scraping `/metrics` sees exactly the truth; with `--time-scale
//! K` a Prometheus sees K × the rates (K simulated seconds of traffic per real second), so
//! a dashboard against a time-scaled sim should divide by `timeScale` from `/_sim/state`
//! or read `/truth`. The rest of the sim (pod ages, HPA windows) is simulated time too.
//!
//! ## Ground truth ([`Truth`])
//! Rates are the exact increments of the counters over the last 300 simulated seconds,
//! divided by 300 (time before the sim started counts as zero traffic — what `rate(x[5m])`
//! shows for a fresh target). The latency quantiles are those of the mixture the
//! histogram sampled from over the same window (weighted by requests), so they match
//! `histogram_quantile(q, sum by (le) (rate(..._bucket[5m])))` up to bucket interpolation;
//! 0 when no request reached a pod in the window.
//! Exported values are the floors of the accumulated expected counts: integers that never
//! decrease, with cumulative buckets. `timeout_ratio` is the 504 share over the same
//! window; the `recent_*` values (request rate, 401 and 504 shares, p95) are over the last
//! [`RECENT_SECS`] (60) simulated seconds only, and `egress_allowed` is the NetworkPolicy
//! verdict right now.

pub mod buckets;
mod expo;
mod fine;
pub mod history;
pub mod model;
pub mod profile;
mod state;

use std::collections::BTreeMap;
use std::sync::Mutex;

use base64::Engine;
use serde_json::Value;

pub use self::expo::CONTENT_TYPE;
use self::model::{AGENTS, MODELS, Model, Provider};
pub use self::profile::MetricsProfile;
use self::state::{AgentState, Observation, WINDOW_SECS};
use crate::meta::{self, Clock};
use crate::resources::keys;
use crate::store::Store;

/// What the staged incidents change in the model itself (the rest of them are real
/// objects; see [`crate::incidents`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flags {
    /// The provider answers [`model::SLOW_PROVIDER_FACTOR`] × slower (`slow-provider`).
    pub slow_provider: bool,
    /// The agent containers leak memory up to [`model::LEAK_PEAK_BYTES`] (`oom`).
    pub memory_leak: bool,
}

/// What the model reads of the cluster: its objects, simulated time and the model flags
/// of the staged incidents (the [`crate::Sim`]).
pub trait World {
    fn store(&self) -> &Store;
    fn clock(&self) -> &Clock;
    fn flags(&self) -> Flags {
        Flags::default()
    }
}

impl<W: World + ?Sized> World for std::sync::Arc<W> {
    fn store(&self) -> &Store {
        (**self).store()
    }
    fn clock(&self) -> &Clock {
        (**self).clock()
    }
    fn flags(&self) -> Flags {
        (**self).flags()
    }
}

/// Namespace of the agent Deployment.
pub const NAMESPACE: &str = "ai-agents";
/// The agent Deployment (and its `app` label).
pub const DEPLOYMENT: &str = "ai-agent-service";
/// The Secret holding the provider key, and its data key.
pub const SECRET: &str = "ai-api-keys";
pub const SECRET_KEY: &str = "HOLYSHEEP_API_KEY";

/// The model's true current values (see the module doc for the window).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Truth {
    /// Simulated time of the evaluation, RFC 3339.
    pub at: String,
    /// Tokens per simulated second by model (every model present).
    pub tokens_per_sec: BTreeMap<String, f64>,
    pub p50_ms: f64,
    pub p95_ms: f64,
    /// Requests per simulated second, every code.
    pub request_rate: f64,
    /// 401s / all requests.
    pub unauthorized_ratio: f64,
    pub ready_pods: usize,
    /// 504s (provider timeouts) / all requests.
    #[serde(default)]
    pub timeout_ratio: f64,
    /// Requests per simulated second over the last [`RECENT_SECS`] only.
    #[serde(default)]
    pub recent_request_rate: f64,
    /// 401s / all requests over the last [`RECENT_SECS`].
    #[serde(default)]
    pub recent_unauthorized_ratio: f64,
    /// 504s / all requests over the last [`RECENT_SECS`].
    #[serde(default)]
    pub recent_timeout_ratio: f64,
    /// Share answered 429 (rate limited) of the last [`RECENT_SECS`].
    #[serde(default)]
    pub recent_rate_limited_ratio: f64,
    /// p95 latency (ms) of the last [`RECENT_SECS`].
    #[serde(default)]
    pub recent_p95_ms: f64,
    /// Whether the NetworkPolicies let the agent pods reach the provider on TCP 443.
    #[serde(default = "yes")]
    pub egress_allowed: bool,
    /// Per agent, what its latency histogram (the example stack's `agent` label) counts.
    #[serde(default)]
    pub agents: BTreeMap<String, AgentTruth>,
    /// How long the provider takes to answer a probe from the monitoring namespace (ms):
    /// the agents' NetworkPolicies do not apply to it.
    #[serde(default)]
    pub provider_probe_ms: f64,
}

/// One agent's requests that reached a pod, over the window.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AgentTruth {
    /// Requests per simulated second.
    pub request_rate: f64,
    /// p95 latency (ms); 0 without requests.
    pub p95_ms: f64,
}

fn yes() -> bool {
    true
}

/// The short window of [`Truth`]'s `recent_*` values (simulated seconds).
pub const RECENT_SECS: f64 = 60.0;

/// The agent model of one sim; owned by [`Sim`], advanced on each read.
pub struct Agents {
    model: Model,
    state: Mutex<AgentState>,
    /// Whose metric names `/metrics` uses ([`profile`]).
    profile: MetricsProfile,
}

/// Is this key accepted by the (simulated) provider? See the module doc.
pub fn key_is_valid(decoded: &str) -> bool {
    let lower = decoded.to_ascii_lowercase();
    decoded.starts_with("sk-")
        && decoded.chars().count() >= 20
        && !lower.contains("invalid")
        && !lower.contains("revoked")
}

/// Does the Secret in the store hold a valid provider key?
pub fn secret_key_ok(sim: &impl World) -> bool {
    let Some(secret) = sim.store().get(keys::SECRETS, NAMESPACE, SECRET) else {
        return false;
    };
    let Some(b64) = secret
        .get("data")
        .and_then(|d| d.get(SECRET_KEY))
        .and_then(Value::as_str)
    else {
        return false;
    };
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .is_some_and(|k| key_is_valid(&k))
}

/// Is this a pod of the agent Deployment?
pub fn is_agent_pod(ns: &str, deploy: &str) -> bool {
    ns == NAMESPACE && deploy == DEPLOYMENT
}

/// Whether the NetworkPolicies in the agents' namespace let the agent pods reach the
/// provider ([`crate::netpol::PROVIDER`]), judged with the labels of an agent pod (a ready
/// one first; the Deployment's `app` label when there is none).
pub fn provider_egress(sim: &impl World) -> crate::netpol::Verdict {
    let (pods, _) = sim.store().list(keys::PODS, Some(NAMESPACE));
    let agent = pods
        .iter()
        .filter(|p| meta::label(p, "app") == Some(DEPLOYMENT) && !meta::is_deleting(p))
        .max_by_key(|p| meta::pod_ready(p));
    let fallback = serde_json::json!({"app": DEPLOYMENT});
    let labels = agent.and_then(|p| meta::labels(p)).or(fallback.as_object());
    let (policies, _) = sim.store().list(keys::NETWORKPOLICIES, Some(NAMESPACE));
    crate::netpol::egress(&policies, NAMESPACE, labels, &crate::netpol::PROVIDER)
}

/// What the agents' provider calls meet right now.
pub fn provider(sim: &impl World) -> Provider {
    Provider {
        key_ok: secret_key_ok(sim),
        egress_ok: provider_egress(sim).allowed,
        latency: if sim.flags().slow_provider {
            model::SLOW_PROVIDER_FACTOR
        } else {
            1.0
        },
    }
}

/// The agent pods in the store: (ready names, all names).
fn agent_pods(sim: &impl World) -> (Vec<String>, Vec<String>) {
    let (pods, _) = sim.store().list(keys::PODS, Some(NAMESPACE));
    let mut ready = Vec::new();
    let mut all = Vec::new();
    for p in pods
        .iter()
        .filter(|p| meta::label(p, "app") == Some(DEPLOYMENT))
    {
        all.push(meta::name(p).to_string());
        if meta::pod_ready(p) && !meta::is_deleting(p) {
            ready.push(meta::name(p).to_string());
        }
    }
    (ready, all)
}

impl Agents {
    pub fn new(seed: u64, steady: bool) -> Self {
        Agents {
            model: Model { seed, steady },
            state: Mutex::new(AgentState::default()),
            profile: MetricsProfile::Example,
        }
    }

    /// Export the metrics under `profile`'s names.
    pub fn with_profile(mut self, profile: MetricsProfile) -> Self {
        self.profile = profile;
        self
    }

    pub fn profile(&self) -> MetricsProfile {
        self.profile
    }

    pub fn model(&self) -> Model {
        self.model
    }

    fn observe(sim: &impl World) -> Observation {
        let (ready, existing) = agent_pods(sim);
        Observation {
            ready,
            existing,
            provider: provider(sim),
        }
    }

    /// Integrate up to now and run `f` on the state.
    fn with_state<T>(
        &self,
        sim: &impl World,
        f: impl FnOnce(&AgentState, &Observation, f64) -> T,
    ) -> T {
        let obs = Self::observe(sim);
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = sim.clock().secs();
        st.advance(&self.model, now, &obs);
        f(&st, &obs, now)
    }

    /// CPU and memory use of agent pod `pod` as fractions of its requests, right now.
    pub fn usage(&self, sim: &impl World, pod: &str) -> (f64, f64) {
        let (cpu, mem) = self.load_usage(sim, pod);
        if !sim.flags().memory_leak {
            return (cpu, mem);
        }
        match leak_fraction(sim, pod, mem) {
            Some(leaked) => (cpu, leaked),
            None => (cpu, mem),
        }
    }

    /// The use from the load alone (no leak).
    fn load_usage(&self, sim: &impl World, pod: &str) -> (f64, f64) {
        let (ready, _) = agent_pods(sim);
        if !ready.iter().any(|p| p == pod) {
            return model::pod_usage(0.0);
        }
        let p = self
            .model
            .point_with(sim.clock().secs(), ready.len(), provider(sim));
        let (cpu, mem) = model::pod_usage(p.rho);
        // A little per-pod wobble, so the pods do not look cloned.
        let phase = (meta::fnv32a(pod.as_bytes()) % 628) as f64 / 100.0;
        let w = (sim.clock().secs() / 90.0 + phase).sin();
        (cpu + 0.02 * w, mem + 0.01 * w)
    }

    /// The metrics in Prometheus text format 0.0.4, under the chosen profile's names.
    pub fn render_metrics(&self, sim: &impl World) -> String {
        self.with_state(sim, |st, obs, _| self.profile.render(st, &obs.ready))
    }

    /// The model's true current values.
    pub fn truth(&self, sim: &impl World) -> Truth {
        self.truth_over(sim, false)
    }

    /// Like [`Agents::truth`], but in the first five simulated minutes the rates are over
    /// the time since the start, not padded with zero traffic: what the agents are doing
    /// now. The demo's "metrics: simulated" source reads this.
    pub fn live(&self, sim: &impl World) -> Truth {
        self.truth_over(sim, true)
    }

    /// The model's readings over the `span` simulated seconds before the start, one every
    /// `step`, oldest first: the Deployment's replicas ready, a valid key, a normal
    /// provider ([`history`]). Pure: the live counters are not touched.
    pub fn before_start(
        &self,
        sim: &impl World,
        span: f64,
        step: f64,
    ) -> Vec<history::HistoryPoint> {
        let ready = history::replicas(sim);
        history::before_start(&self.model, span, step, ready, Provider::with_key(true))
    }

    fn truth_over(&self, sim: &impl World, since_start: bool) -> Truth {
        self.with_state(sim, |st, obs, now| {
            let w = st.window(now);
            let span = if since_start {
                WINDOW_SECS.min(now.max(1.0))
            } else {
                WINDOW_SECS
            };
            let per_sec = |x: f64| x / span;
            let q = |x| model::mixture_quantile(&w.comps, x).map_or(0.0, |s| s * 1000.0);
            let recent = st.window_over(now, RECENT_SECS);
            let share = |w: &state::Slot, code: usize| {
                if w.requests > 0.0 {
                    w.codes[code] / w.requests
                } else {
                    0.0
                }
            };
            Truth {
                at: sim.clock().now().to_string(),
                timeout_ratio: share(&w, model::C504),
                recent_request_rate: recent.requests / RECENT_SECS.min(now.max(1.0)),
                recent_unauthorized_ratio: share(&recent, model::C401),
                recent_timeout_ratio: share(&recent, model::C504),
                recent_rate_limited_ratio: share(&recent, model::C429),
                recent_p95_ms: model::mixture_quantile(&recent.comps, 0.95)
                    .map_or(0.0, |s| s * 1000.0),
                egress_allowed: obs.provider.egress_ok,
                provider_probe_ms: model::PROBE_MS * obs.provider.latency,
                tokens_per_sec: MODELS
                    .iter()
                    .zip(w.tokens)
                    .map(|((m, _, _), t)| (m.to_string(), per_sec(t)))
                    .collect(),
                p50_ms: q(0.5),
                p95_ms: q(0.95),
                request_rate: per_sec(w.requests),
                unauthorized_ratio: share(&w, model::C401),
                ready_pods: obs.ready.len(),
                agents: AGENTS
                    .iter()
                    .zip(&w.agents)
                    .map(|((name, _, _), comps)| {
                        let truth = AgentTruth {
                            request_rate: per_sec(comps.iter().map(|c| c.0).sum()),
                            p95_ms: model::mixture_quantile(comps, 0.95)
                                .map_or(0.0, |s| s * 1000.0),
                        };
                        (name.to_string(), truth)
                    })
                    .collect(),
            }
        })
    }
}

/// A leaking agent container's working set as a fraction of its memory request: the
/// leak's curve from the container's start ([`model::leaked_bytes`]); None when the pod or
/// its running container is not found.
fn leak_fraction(sim: &impl World, pod: &str, base: f64) -> Option<f64> {
    let p = sim.store().get(keys::PODS, NAMESPACE, pod)?;
    let started = meta::ptr(&p, "/status/containerStatuses/0/state/running/startedAt")
        .and_then(Value::as_str)?;
    let up = meta::age_secs(sim.clock(), Some(started))?;
    let request = meta::pod_resource_sum(&p, "requests", "memory");
    if request <= 0.0 {
        return None;
    }
    Some(model::leaked_bytes(base * request, up) / request)
}

/// How long the container of agent pod `pod` has been over `limit` bytes because of the
/// leak (0 when it is not, or there is no leak).
pub fn leak_over_limit_secs(sim: &impl World, pod: &str, limit: f64) -> f64 {
    if !sim.flags().memory_leak || limit <= 0.0 {
        return 0.0;
    }
    let Some(p) = sim.store().get(keys::PODS, NAMESPACE, pod) else {
        return 0.0;
    };
    let Some(up) = meta::ptr(&p, "/status/containerStatuses/0/state/running/startedAt")
        .and_then(Value::as_str)
        .and_then(|s| meta::age_secs(sim.clock(), Some(s)))
    else {
        return 0.0;
    };
    let base = model::pod_usage(0.0).1 * meta::pod_resource_sum(&p, "requests", "memory");
    if model::LEAK_PEAK_BYTES <= limit || base >= limit {
        return if base >= limit { up } else { 0.0 };
    }
    // The leak crosses the limit at this uptime.
    let cross = model::LEAK_CLIMB_SECS * (limit - base) / (model::LEAK_PEAK_BYTES - base);
    (up - cross).max(0.0)
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
