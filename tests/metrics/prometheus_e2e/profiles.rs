//! `agentdeck sim --metrics-profile P` for every stack's names, each scraped by a real
//! Prometheus of its own: agentdeck (no query configured) detects the stack, shows what it
//! can and says what it cannot, and the staged incidents are detected from that profile's
//! signals — or reported honestly as not detectable from it.

use serde_json::Value;

use crate::common::prom::{Job, Prometheus};
use crate::common::{SimProcess, eventually, free_port, http, problem_ids};

/// One profile under test: the stack name agentdeck shows, and what a bad key looks like.
struct Case {
    profile: &'static str,
    stack: &'static str,
    /// The problem id a bad key raises, or None: the stack cannot see it (then the key is
    /// a blind spot).
    bad_key: Option<&'static str>,
}

const CASES: [Case; 5] = [
    Case {
        profile: "otel-genai",
        stack: "OTel GenAI",
        bad_key: Some("provider-unauthorized"),
    },
    Case {
        profile: "litellm",
        stack: "LiteLLM",
        bad_key: None,
    },
    Case {
        profile: "vllm",
        stack: "vLLM",
        bad_key: Some("agents-4xx"),
    },
    Case {
        profile: "fastapi",
        stack: "FastAPI instrumentator",
        bad_key: Some("agents-4xx"),
    },
    Case {
        profile: "tgi",
        stack: "TGI",
        bad_key: None,
    },
];

/// A sim exposing one profile, and a Prometheus scraping its agents every second.
struct Rig {
    sim: SimProcess,
    prometheus: Prometheus,
}

fn rig(profile: &str) -> Rig {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let sim = SimProcess::start(&[
        "--preload",
        "--steady-load",
        "--metrics-profile",
        profile,
        "--metrics-listen",
        &listen,
    ]);
    // The agents' provider key (none is bundled): without it every call is a 401.
    let secret = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"ai-api-keys","namespace":"ai-agents"},"stringData":{"HOLYSHEEP_API_KEY":"sk-e2e-0123456789abcdef"}}"#;
    let created = http(
        &sim.url,
        "POST",
        "/api/v1/namespaces/ai-agents/secrets",
        secret,
    );
    assert!(created.contains("ai-api-keys"), "{created}");
    let prometheus = Prometheus::with_jobs(&[Job {
        name: "ai-agent-service",
        targets: std::slice::from_ref(&listen),
        labels: &[],
    }]);
    Rig { sim, prometheus }
}

fn status(r: &Rig) -> Value {
    r.sim.status_json(Some(&r.prometheus.url), "ai-agents")
}

/// Detected, with numbers where the stack has them and words where it has none.
async fn detected(c: &Case, r: &Rig) -> Value {
    let what = format!("{}: the stack detected with its numbers", c.profile);
    let s = eventually(90, &what, || async {
        let s = status(r);
        let m = &s["metrics"];
        let numbers = m["p95Ms"].is_f64() && m["requestRate"].as_f64().is_some_and(|v| v > 0.0);
        (m["stack"].as_str().is_some_and(|x| x.contains(c.stack)) && numbers).then_some(s)
    })
    .await;
    let m = &s["metrics"];
    match c.profile {
        "fastapi" => assert!(m["tokensPerSecond"]["cannotTell"].is_string(), "{m}"),
        _ => assert!(m["tokensPerSecond"].is_object(), "{}: {m}", c.profile),
    }
    match c.profile {
        // LiteLLM counts its spend: shown beside the price-table estimate.
        "litellm" => {
            let spend = s["cost"]["reportedUsdPerHour"].as_f64();
            assert!(spend.is_some_and(|v| v > 0.0), "{s}");
        }
        // Self-hosted: no spend, and the setting that would price it.
        "vllm" | "tgi" => {
            let note = s["cost"]["note"].as_str().unwrap_or("");
            assert!(note.contains("gpu_hour_price"), "{}: {s}", c.profile);
        }
        _ => {}
    }
    // Per agent: FastAPI's route template is one row, said so; the others cannot tell.
    let agents = &m["agents"];
    match c.profile {
        "fastapi" => {
            assert_eq!(
                agents["rows"][0]["agent"], "/agent/{agent_type}",
                "{agents}"
            );
            let notes = agents["notes"].to_string();
            assert!(notes.contains("route template"), "{agents}");
        }
        // vLLM's HTTP layer is the instrumentator too: its routes are what it can tell.
        "vllm" => assert_eq!(
            agents["rows"][0]["agent"], "/v1/chat/completions",
            "{agents}"
        ),
        "otel-genai" => {
            let why = agents["cannotTell"].as_str().unwrap_or("");
            assert!(why.contains("gen_ai_agent_name"), "{agents}");
        }
        _ => assert!(agents["cannotTell"].is_string(), "{}: {agents}", c.profile),
    }
    s
}

/// A bad key: the profile's own signal raises its problem, or the key is a blind spot.
async fn bad_key(c: &Case, r: &Rig) {
    stage(r, "bad-key", true);
    let what = format!("{}: the bad key seen or said unseeable", c.profile);
    let s = eventually(90, &what, || async {
        let s = status(r);
        let ok = match c.bad_key {
            Some(id) => problem_ids(&s).contains(&id.to_string()),
            None => s["cannotTell"].to_string().contains("provider key"),
        };
        ok.then_some(s)
    })
    .await;
    let ids = problem_ids(&s);
    if c.bad_key != Some("provider-unauthorized") {
        // Never "rotate the key" on a signal that does not mean it.
        assert!(
            !ids.contains(&"provider-unauthorized".to_string()),
            "{}: {ids:?}",
            c.profile
        );
    }
}

fn stage(r: &Rig, incident: &str, on: bool) {
    let body = format!(r#"{{"name": "{incident}", "on": {on}}}"#);
    let answer = http(&r.sim.url, "POST", "/_sim/incident", &body);
    assert!(answer.contains(incident), "{answer}");
}

async fn wait_for_problem(c: &Case, r: &Rig, id: &str) -> Value {
    let what = format!("{}: problem {id}", c.profile);
    eventually(90, &what, || async {
        let s = status(r);
        problem_ids(&s).contains(&id.to_string()).then_some(s)
    })
    .await
}

/// A slow provider: told by stacks that time the provider's calls (the OTel client, the
/// LiteLLM gateway); a model server's own latency is not a provider's.
async fn slow_provider(c: &Case, r: &Rig) {
    if !["otel-genai", "litellm"].contains(&c.profile) {
        return;
    }
    stage(r, "slow-provider", true);
    let s = wait_for_problem(c, r, "provider-slow").await;
    assert!(!problem_ids(&s).contains(&"provider-unauthorized".to_string()));
    stage(r, "slow-provider", false);
}

/// Egress blocked: read from the NetworkPolicies, whatever the stack's names.
async fn egress(c: &Case, r: &Rig) {
    stage(r, "egress-blocked", true);
    let s = wait_for_problem(c, r, "egress-blocked").await;
    let p = s["problems"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == "egress-blocked"))
        .expect("the problem");
    assert_eq!(p["fix"]["key"], "N", "{p}");
}

/// Every profile at once (each its own sim and Prometheus).
pub async fn every_profile() {
    let rigs: Vec<(Case, Rig)> = CASES
        .into_iter()
        .map(|c| {
            let r = rig(c.profile);
            (c, r)
        })
        .collect();
    let checks = rigs.iter().map(|(c, r)| async move {
        detected(c, r).await;
        slow_provider(c, r).await;
        bad_key(c, r).await;
        egress(c, r).await;
    });
    futures::future::join_all(checks).await;
}
