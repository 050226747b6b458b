//! The incidents of the agents' pods: OOM kills, a crash loop from a bad base URL, pods
//! Pending for lack of memory — each seen in pod statuses, events and logs, and ended by
//! the real fix (a patch raising the limit, the bundled Deployment applied again).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::{Value, json};

use super::{apply_params, bundled, get_json, incident, request, warnings};
use crate::common::{client, eventually, preload, start_sim};

/// The agent pods' container statuses (first container) and memory limits.
async fn agent_pods(pods: &Api<Pod>) -> Vec<Pod> {
    pods.list(&ListParams::default().labels("app=ai-agent-service"))
        .await
        .unwrap()
        .items
}

fn status0(p: &Pod) -> Value {
    serde_json::to_value(p).unwrap()["status"]["containerStatuses"][0].clone()
}

fn memory_limit(p: &Pod) -> String {
    serde_json::to_value(p).unwrap()["spec"]["containers"][0]["resources"]["limits"]["memory"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn oom_kills_the_agents_until_the_memory_limit_is_raised() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    incident(&base, "oom", true).await;
    // The working set climbs past the 2Gi limit (metrics-server shows it)…
    eventually(40, "a working set over 2Gi in PodMetrics", || async {
        let list = get_json(
            &base,
            "/apis/metrics.k8s.io/v1beta1/namespaces/ai-agents/pods",
        )
        .await;
        let over = list["items"].as_array()?.iter().any(|m| {
            let mem = m["containers"][0]["usage"]["memory"]
                .as_str()
                .unwrap_or("0");
            mem.strip_suffix("Ki")
                .and_then(|k| k.parse::<f64>().ok())
                .is_some_and(|k| k * 1024.0 > 2.0 * 1024.0 * 1024.0 * 1024.0)
        });
        over.then_some(())
    })
    .await;
    // …and the kernel kills them: OOMKilled, exit 137, CrashLoopBackOff.
    let p = eventually(40, "an OOMKilled agent in CrashLoopBackOff", || async {
        agent_pods(&pods).await.into_iter().find(|p| {
            let s = status0(p);
            s["lastState"]["terminated"]["reason"] == "OOMKilled"
                && s["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        })
    })
    .await;
    let s = status0(&p);
    assert_eq!(s["lastState"]["terminated"]["exitCode"], 137);
    assert!(s["restartCount"].as_i64().unwrap() >= 1);
    assert!(!warnings(&c, "BackOff").await.is_empty());
    // The fix: a memory limit above the working set, through the Deployment (new pods).
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    let patch = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "ai-agent", "resources": {"limits": {"memory": "3Gi"}}}
    ]}}}});
    deploys
        .patch(
            "ai-agent-service",
            &PatchParams::default(),
            &Patch::Strategic(&patch),
        )
        .await
        .unwrap();
    let t0 = eventually(40, "three ready agents with the 3Gi limit", || async {
        let ready = agent_pods(&pods)
            .await
            .into_iter()
            .filter(|p| memory_limit(p) == "3Gi" && status0(p)["ready"] == true)
            .count();
        (ready >= 3).then(std::time::Instant::now)
    })
    .await;
    // Well past the leak's peak (>60 simulated seconds): no kill of a 3Gi pod.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let now = agent_pods(&pods).await;
    let fixed: Vec<&Pod> = now.iter().filter(|p| memory_limit(p) == "3Gi").collect();
    assert!(
        fixed.len() >= 3,
        "{} pods at 3Gi after {:?}",
        fixed.len(),
        t0.elapsed()
    );
    for p in fixed {
        assert_eq!(status0(p)["restartCount"], 0, "{}", status0(p));
    }
}

#[tokio::test]
async fn crashloop_from_a_bad_base_url_until_the_bundled_deployment_is_reapplied() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    incident(&base, "crashloop", true).await;
    let d = serde_json::to_value(deploys.get("ai-agent-service").await.unwrap()).unwrap();
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["env"][1]["value"],
        "htps://api.holysheep.ai/v1"
    );
    let p = eventually(30, "an agent exiting 1 into CrashLoopBackOff", || async {
        agent_pods(&pods).await.into_iter().find(|p| {
            let s = status0(p);
            s["lastState"]["terminated"]["reason"] == "Error"
                && s["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        })
    })
    .await;
    assert_eq!(status0(&p)["lastState"]["terminated"]["exitCode"], 1);
    // The container's log says why (kubectl logs shows the last run of a crashing one).
    let name = p.metadata.name.clone().unwrap();
    let path = format!("/api/v1/namespaces/ai-agents/pods/{name}/log");
    let (code, log) = request(&base, "GET", &path, "").await;
    assert_eq!(code, 200, "{log}");
    assert!(
        log.contains("invalid HOLYSHEEP_BASE_URL \"htps://api.holysheep.ai/v1\""),
        "{log}"
    );
    let (_, prev) = request(
        &base,
        "GET",
        &format!("{path}?previous=true&tailLines=1"),
        "",
    )
    .await;
    assert_eq!(prev, "ERROR configuration invalid, exiting with status 1\n");
    eventually(30, "restarts and BackOff events", || async {
        let restarted = agent_pods(&pods)
            .await
            .iter()
            .any(|p| status0(p)["restartCount"].as_i64() >= Some(2));
        (restarted && !warnings(&c, "BackOff").await.is_empty()).then_some(())
    })
    .await;
    // The fix: the bundled Deployment, applied as agentdeck applies it.
    let bundled = bundled("Deployment", "ai-agent-service");
    deploys
        .patch("ai-agent-service", &apply_params(), &Patch::Apply(&bundled))
        .await
        .unwrap();
    eventually(40, "three ready agents, none crashing", || async {
        let all = agent_pods(&pods).await;
        let ready = all.iter().filter(|p| status0(p)["ready"] == true).count();
        let bad = all.iter().any(|p| {
            serde_json::to_value(p).unwrap()["spec"]["containers"][0]["env"][1]["value"]
                != "https://api.holysheep.ai/v1"
        });
        (ready >= 3 && !bad).then_some(())
    })
    .await;
}

#[tokio::test]
async fn pending_for_lack_of_memory_until_the_bundled_deployment_is_reapplied() {
    let sim = start_sim(preload(10.0)).await;
    let base = sim.url();
    let c = client(&sim);
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    incident(&base, "pending", true).await;
    let p = eventually(30, "a Pending agent that fits no node", || async {
        agent_pods(&pods).await.into_iter().find(|p| {
            let v = serde_json::to_value(p).unwrap();
            v["status"]["phase"] == "Pending"
                && v["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "PodScheduled" && c["status"] == "False")
                })
        })
    })
    .await;
    let v = serde_json::to_value(&p).unwrap();
    let cond = v["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "PodScheduled")
        .unwrap()
        .clone();
    assert_eq!(cond["reason"], "Unschedulable");
    assert!(
        cond["message"]
            .as_str()
            .unwrap()
            .starts_with("0/3 nodes are available: 3 Insufficient memory."),
        "{cond}"
    );
    let failed = warnings(&c, "FailedScheduling").await;
    assert!(
        failed.iter().any(|e| e
            .message
            .as_deref()
            .unwrap_or("")
            .contains("Insufficient memory")),
        "{failed:?}"
    );
    let bundled = bundled("Deployment", "ai-agent-service");
    deploys
        .patch("ai-agent-service", &apply_params(), &Patch::Apply(&bundled))
        .await
        .unwrap();
    eventually(30, "no Pending agent and three ready", || async {
        let all = agent_pods(&pods).await;
        let pending = all
            .iter()
            .any(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending"));
        let ready = all.iter().filter(|p| status0(p)["ready"] == true).count();
        (!pending && ready >= 3).then_some(())
    })
    .await;
}
