//! The simulated controllers, observed through the API: HPA scaling and its conditions,
//! OOM kills and CrashLoopBackOff, missing Secrets, namespace deletion, fault injection.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Namespace, Pod, Secret};
use kube::api::{Api, DeleteParams, ListParams, PostParams, WatchParams};
use serde_json::json;

use crate::common::{client, client_with, eventually, preload, start_sim};

async fn admin(url: &str, path: &str, body: serde_json::Value) {
    let resp = http_post(&format!("{url}/_sim/{path}"), &body.to_string()).await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
}

/// A tiny HTTP/1.1 POST over a TcpStream (the admin endpoint is plain loopback HTTP).
async fn http_post(url: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

fn condition<'a>(
    h: &'a HorizontalPodAutoscaler,
    t: &str,
) -> Option<&'a k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerCondition> {
    h.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == t)
}

#[tokio::test]
async fn hpa_scales_up_to_max_then_stabilizes_scale_down() {
    let sim = start_sim(preload(30.0)).await;
    let c = client(&sim);
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    // Idle: the HPA reads metrics and stays at minReplicas.
    let h = eventually(30, "HPA with current metrics", || {
        let hpas = hpas.clone();
        async move {
            let h = hpas.get("ai-agent-hpa").await.ok()?;
            let m = h.status.as_ref()?.current_metrics.clone()?;
            (m.len() == 2).then_some(h)
        }
    })
    .await;
    assert_eq!(h.status.as_ref().unwrap().desired_replicas, 3);
    assert_eq!(
        condition(&h, "ScalingActive").unwrap().reason.as_deref(),
        Some("ValidMetricFound")
    );

    // 140 % CPU per pod against a 70 % target: doubling, rate-limited, until maxReplicas.
    admin(
        &sim.url(),
        "usage",
        json!({"namespace": "ai-agents", "deployment": "ai-agent-service", "cpu": 1.4}),
    )
    .await;
    let h = eventually(60, "HPA at max replicas", || {
        let hpas = hpas.clone();
        async move {
            let h = hpas.get("ai-agent-hpa").await.ok()?;
            let limited = condition(&h, "ScalingLimited")?;
            (h.status.as_ref()?.desired_replicas == 20
                && limited.reason.as_deref() == Some("TooManyReplicas"))
            .then_some(h)
        }
    })
    .await;
    assert_eq!(condition(&h, "ScalingLimited").unwrap().status, "True");
    let cpu = h
        .status
        .as_ref()
        .unwrap()
        .current_metrics
        .as_ref()
        .unwrap()
        .iter()
        .find(|m| m.resource.as_ref().unwrap().name == "cpu")
        .unwrap()
        .clone();
    assert!(cpu.resource.unwrap().current.average_utilization.unwrap() >= 130);
    let d = deploys.get("ai-agent-service").await.unwrap();
    assert_eq!(d.spec.unwrap().replicas, Some(20));
    let events: Api<Event> = Api::default_namespaced(c.clone());
    let evs = events
        .list(&ListParams::default().fields("involvedObject.name=ai-agent-hpa"))
        .await
        .unwrap();
    let rescales: Vec<String> = evs
        .items
        .iter()
        .filter(|e| e.reason.as_deref() == Some("SuccessfulRescale"))
        .filter_map(|e| e.message.clone())
        .collect();
    assert!(rescales.iter().any(|m| m == "New size: 6; reason: cpu resource utilization (percentage of request) above target"), "{rescales:?}");

    // Load drops: the 300 s scale-down stabilization window holds the replicas.
    admin(
        &sim.url(),
        "usage",
        json!({"namespace": "ai-agents", "deployment": "ai-agent-service", "cpu": 0.1}),
    )
    .await;
    let h = eventually(30, "scale-down stabilized", || {
        let hpas = hpas.clone();
        async move {
            let h = hpas.get("ai-agent-hpa").await.ok()?;
            (condition(&h, "AbleToScale")?.reason.as_deref() == Some("ScaleDownStabilized"))
                .then_some(h)
        }
    })
    .await;
    assert_eq!(h.status.unwrap().desired_replicas, 20);
    sim.stop().await;
}

#[tokio::test]
async fn memory_over_the_limit_is_oom_killed_into_crashloop() {
    let sim = start_sim(preload(10.0)).await;
    let c = client(&sim);
    admin(
        &sim.url(),
        "usage",
        json!({"namespace": "ai-agents", "deployment": "redis", "memory": 5.0}),
    )
    .await;
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    let p = eventually(30, "redis pod OOMKilled and in CrashLoopBackOff", || {
        let pods = pods.clone();
        async move {
            let l = pods
                .list(&ListParams::default().labels("app=redis"))
                .await
                .ok()?;
            l.items.into_iter().find(|p| {
                let cs = &p
                    .status
                    .as_ref()
                    .unwrap()
                    .container_statuses
                    .as_ref()
                    .and_then(|c| c.first().cloned());
                cs.as_ref().is_some_and(|c| {
                    c.last_state
                        .as_ref()
                        .and_then(|s| s.terminated.as_ref())
                        .and_then(|t| t.reason.as_deref())
                        == Some("OOMKilled")
                        && c.state
                            .as_ref()
                            .and_then(|s| s.waiting.as_ref())
                            .and_then(|w| w.reason.as_deref())
                            == Some("CrashLoopBackOff")
                })
            })
        }
    })
    .await;
    let cs = &p.status.unwrap().container_statuses.unwrap()[0];
    assert!(cs.restart_count >= 1);
    assert!(!cs.ready);
    let events: Api<Event> = Api::default_namespaced(c.clone());
    let evs = events
        .list(
            &ListParams::default()
                .fields(&format!("involvedObject.name={}", p.metadata.name.unwrap())),
        )
        .await
        .unwrap();
    let warnings: Vec<&str> = evs
        .items
        .iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .filter_map(|e| e.reason.as_deref())
        .collect();
    assert!(
        warnings.contains(&"OOMKilled") && warnings.contains(&"BackOff"),
        "{warnings:?}"
    );
    sim.stop().await;
}

#[tokio::test]
async fn missing_secret_blocks_containers_until_created() {
    let sim = start_sim(preload(10.0)).await;
    let c = client(&sim);
    let deploys: Api<Deployment> = Api::namespaced(c.clone(), "default");
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "needs-key"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "needs-key"}},
          "template": {"metadata": {"labels": {"app": "needs-key"}},
            "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
              "env": [{"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "the-key", "key": "k"}}}]}]}}}
    }))
    .unwrap();
    deploys.create(&PostParams::default(), &d).await.unwrap();
    let pods: Api<Pod> = Api::namespaced(c.clone(), "default");
    let waiting = |reason: &'static str| {
        let pods = pods.clone();
        move || {
            let pods = pods.clone();
            async move {
                let l = pods
                    .list(&ListParams::default().labels("app=needs-key"))
                    .await
                    .ok()?;
                let p = l.items.into_iter().next()?;
                let cs = p.status?.container_statuses?.into_iter().next()?;
                let r = cs
                    .state?
                    .waiting
                    .and_then(|w| w.reason)
                    .unwrap_or_else(|| "running".into());
                (r == reason).then_some(())
            }
        }
    };
    eventually(
        20,
        "CreateContainerConfigError",
        waiting("CreateContainerConfigError"),
    )
    .await;
    let secrets: Api<Secret> = Api::namespaced(c.clone(), "default");
    let s: Secret =
        serde_json::from_value(json!({"metadata": {"name": "the-key"}, "stringData": {"k": "v"}}))
            .unwrap();
    secrets.create(&PostParams::default(), &s).await.unwrap();
    eventually(
        20,
        "container running once the Secret exists",
        waiting("running"),
    )
    .await;
    sim.stop().await;
}

#[tokio::test]
async fn namespace_deletion_removes_its_contents() {
    let sim = start_sim(preload(10.0)).await;
    let c = client(&sim);
    let nss: Api<Namespace> = Api::all(c.clone());
    nss.delete("ai-agents", &DeleteParams::default())
        .await
        .unwrap();
    let ns = nss.get("ai-agents").await.unwrap();
    assert_eq!(ns.status.unwrap().phase.as_deref(), Some("Terminating"));
    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "ai-agents");
    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "late"}})).unwrap();
    let e = cms.create(&PostParams::default(), &cm).await.unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 403 && s.message.contains("being terminated")),
        "{e:?}"
    );
    eventually(30, "namespace gone", || {
        let nss = nss.clone();
        async move { nss.get_opt("ai-agents").await.ok()?.is_none().then_some(()) }
    })
    .await;
    let pods: Api<Pod> = Api::all(c.clone());
    let left = pods
        .list(&ListParams::default().fields("metadata.namespace=ai-agents"))
        .await
        .unwrap();
    assert!(left.items.is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn faults_outage_latency_and_cut_watches() {
    let sim = start_sim(preload(1.0)).await;
    let c = client_with(&sim, false);
    let cms: Api<ConfigMap> = Api::default_namespaced(c.clone());
    admin(&sim.url(), "faults", json!({"unavailable": true})).await;
    let e = cms.get("redis-config").await.unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 503),
        "{e:?}"
    );
    admin(
        &sim.url(),
        "faults",
        json!({"unavailable": false, "latency_ms": 300}),
    )
    .await;
    let t = std::time::Instant::now();
    cms.get("redis-config").await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "injected latency applies"
    );
    admin(&sim.url(), "faults", json!({"latency_ms": 0})).await;

    let mut w = cms
        .watch(&WatchParams::default().timeout(60), "0")
        .await
        .unwrap()
        .boxed();
    // Initial ADDED for the existing ConfigMap, then the cut ends the stream.
    let first = tokio::time::timeout(Duration::from_secs(5), w.try_next())
        .await
        .unwrap()
        .unwrap();
    assert!(first.is_some());
    admin(&sim.url(), "cut-watches", json!({})).await;
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = w.try_next().await {}
    })
    .await;
    assert!(end.is_ok(), "the watch ended after the cut");
    sim.stop().await;
}
