//! The simulated HPA controller with Pods, Object and External metrics: values fed through
//! `/_sim/hpa-metrics` scale the target to the count the real controller computes; a metric
//! with no value fails as on a cluster without a metrics adapter.

use crate::common;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::{
    HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition,
};
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ListParams, PostParams};
use serde_json::{Value, json};

use crate::common::{client, eventually, preload, start_sim};

async fn feed(url: &str, body: Value) -> Value {
    let base = url.to_string();
    let out = tokio::task::spawn_blocking(move || {
        common::http(&base, "POST", "/_sim/hpa-metrics", &body.to_string())
    })
    .await
    .unwrap();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

async fn list_fed(url: &str) -> Value {
    let base = url.to_string();
    let out =
        tokio::task::spawn_blocking(move || common::http(&base, "GET", "/_sim/hpa-metrics", ""))
            .await
            .unwrap();
    serde_json::from_str(&out).unwrap()
}

fn condition(h: &HorizontalPodAutoscaler, t: &str) -> Option<HorizontalPodAutoscalerCondition> {
    h.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == t)
        .cloned()
}

/// A Deployment `name` with `replicas` pods and an HPA on it with `metric`.
async fn workload(c: &kube::Client, name: &str, replicas: i32, max: i32, min: i32, metric: Value) {
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}
            }
        }
    }))
    .unwrap();
    deploys.create(&PostParams::default(), &d).await.unwrap();
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    let h: HorizontalPodAutoscaler = serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [metric],
            "behavior": {"scaleDown": {"stabilizationWindowSeconds": 0}}
        }
    }))
    .unwrap();
    hpas.create(&PostParams::default(), &h).await.unwrap();
}

/// Wait until the HPA's ScalingActive condition has `reason`.
async fn active_reason(c: &kube::Client, name: &str, reason: &str) -> HorizontalPodAutoscaler {
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    eventually(60, &format!("{name}: ScalingActive {reason}"), || {
        let hpas = hpas.clone();
        async move {
            let h = hpas.get(name).await.ok()?;
            (condition(&h, "ScalingActive")?.reason.as_deref() == Some(reason)).then_some(h)
        }
    })
    .await
}

/// Wait until the HPA wants `desired` and the Deployment has that many replicas.
async fn scaled_to(c: &kube::Client, name: &str, desired: i32) -> HorizontalPodAutoscaler {
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    eventually(90, &format!("{name} scaled to {desired}"), || {
        let (hpas, deploys) = (hpas.clone(), deploys.clone());
        async move {
            let h = hpas.get(name).await.ok()?;
            let d = deploys.get(name).await.ok()?;
            (h.status.as_ref()?.desired_replicas == desired && d.spec?.replicas == Some(desired))
                .then_some(h)
        }
    })
    .await
}

async fn warning_reasons(c: &kube::Client, name: &str) -> Vec<(String, String)> {
    let events: Api<Event> = Api::default_namespaced(c.clone());
    let evs = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={name}")))
        .await
        .unwrap();
    evs.items
        .into_iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .map(|e| (e.reason.unwrap_or_default(), e.message.unwrap_or_default()))
        .collect()
}

fn current_metric(h: &HorizontalPodAutoscaler) -> Value {
    serde_json::to_value(&h.status.as_ref().unwrap().current_metrics.as_ref().unwrap()[0]).unwrap()
}

#[tokio::test]
async fn external_metric_scales_when_fed_and_fails_like_the_real_controller_when_not() {
    let sim = start_sim(preload(30.0)).await;
    let c = client(&sim);
    let metric = json!({"type": "External", "external": {
        "metric": {"name": "queue_depth"},
        "target": {"type": "AverageValue", "averageValue": "20"}}});
    workload(&c, "queue-worker", 2, 10, 1, metric).await;

    let h = active_reason(&c, "queue-worker", "FailedGetExternalMetric").await;
    let cond = condition(&h, "ScalingActive").unwrap();
    assert_eq!(cond.status, "False");
    assert_eq!(
        cond.message.as_deref(),
        Some(
            "the HPA was unable to compute the replica count: unable to get external metric ai-agents/queue_depth/nil: unable to fetch metrics from external metrics API: the server could not find the requested resource (get queue_depth.external.metrics.k8s.io)"
        )
    );
    let listed = h.status.as_ref().unwrap().current_metrics.clone();
    assert!(listed.unwrap_or_default().is_empty());
    let warnings = warning_reasons(&c, "queue-worker").await;
    assert!(
        warnings.iter().any(|(r, m)| r == "FailedGetExternalMetric"
            && m.starts_with("unable to get external metric ai-agents/queue_depth/nil")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|(r, m)| r == "FailedComputeMetricsReplicas"
            && m.starts_with("invalid metrics (1 invalid out of 1), first error is: failed to get queue_depth external metric value: ")),
        "{warnings:?}"
    );

    // 140 queued against 20 per pod: ceil(140 / 20) = 7 replicas.
    let fed = feed(
        &sim.url(),
        json!({"namespace": "ai-agents", "kind": "External", "name": "queue_depth", "value": 140}),
    )
    .await;
    assert_eq!(fed["value"], 140.0);
    assert_eq!(
        list_fed(&sim.url()).await["metrics"][0]["name"],
        "queue_depth"
    );
    let h = scaled_to(&c, "queue-worker", 7).await;
    let cond = condition(&h, "ScalingActive").unwrap();
    assert_eq!(cond.reason.as_deref(), Some("ValidMetricFound"));
    assert_eq!(
        cond.message.as_deref(),
        Some(
            "the HPA was able to successfully calculate a replica count from external metric queue_depth(nil)"
        )
    );
    let m = current_metric(&h);
    assert_eq!(m["type"], "External");
    assert_eq!(m["external"]["metric"]["name"], "queue_depth");
    assert!(m["external"]["current"]["averageValue"].is_string(), "{m}");

    // The value removed: the metric fails again, the replicas stay.
    let gone = feed(
        &sim.url(),
        json!({"namespace": "ai-agents", "kind": "External", "name": "queue_depth", "value": null}),
    )
    .await;
    assert_eq!(gone["removed"], true);
    let h = active_reason(&c, "queue-worker", "FailedGetExternalMetric").await;
    assert_eq!(h.status.unwrap().desired_replicas, 7);
    sim.stop().await;
}

#[tokio::test]
async fn pods_metric_average_value() {
    let sim = start_sim(preload(30.0)).await;
    let c = client(&sim);
    let metric = json!({"type": "Pods", "pods": {
        "metric": {"name": "requests_per_second"},
        "target": {"type": "AverageValue", "averageValue": "100"}}});
    workload(&c, "api", 2, 5, 1, metric).await;
    let h = active_reason(&c, "api", "FailedGetPodsMetric").await;
    assert_eq!(
        condition(&h, "ScalingActive").unwrap().message.as_deref(),
        Some(
            "the HPA was unable to compute the replica count: unable to get metric requests_per_second: unable to fetch metrics from custom metrics API: the server could not find the requested resource (get pods.custom.metrics.k8s.io *)"
        )
    );
    let warnings = warning_reasons(&c, "api").await;
    assert!(
        warnings.iter().any(|(r, _)| r == "FailedGetPodsMetric"),
        "{warnings:?}"
    );

    // 250 per pod against 100: ceil(2.5 × 2 ready pods) = 5, the maximum.
    feed(&sim.url(), json!({"namespace": "ai-agents", "kind": "Pods", "name": "requests_per_second", "value": "250"})).await;
    let h = scaled_to(&c, "api", 5).await;
    let m = current_metric(&h);
    assert_eq!(m["pods"]["current"]["averageValue"], "250", "{m}");
    assert_eq!(
        condition(&h, "ScalingActive").unwrap().message.as_deref(),
        Some(
            "the HPA was able to successfully calculate a replica count from pods metric requests_per_second"
        )
    );
    sim.stop().await;
}

#[tokio::test]
async fn object_metric_value() {
    let sim = start_sim(preload(30.0)).await;
    let c = client(&sim);
    let metric = json!({"type": "Object", "object": {
        "metric": {"name": "requests"},
        "describedObject": {"apiVersion": "v1", "kind": "Service", "name": "ai-agent-service"},
        "target": {"type": "Value", "value": "10"}}});
    workload(&c, "frontend", 4, 8, 2, metric).await;
    let h = active_reason(&c, "frontend", "FailedGetObjectMetric").await;
    let msg = condition(&h, "ScalingActive").unwrap().message.unwrap();
    assert!(
        msg.starts_with("the HPA was unable to compute the replica count: unable to get metric requests: Service on ai-agents ai-agent-service/unable to fetch metrics from custom metrics API"),
        "{msg}"
    );

    // 5 against a target of 10: half the pods, again and again, down to minReplicas.
    feed(
        &sim.url(),
        json!({"namespace": "ai-agents", "kind": "Object", "name": "requests",
        "object": {"kind": "Service", "name": "ai-agent-service"}, "value": 5}),
    )
    .await;
    scaled_to(&c, "frontend", 2).await;
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    let h = eventually(30, "TooFewReplicas", || {
        let hpas = hpas.clone();
        async move {
            let h = hpas.get("frontend").await.ok()?;
            (condition(&h, "ScalingLimited")?.reason.as_deref() == Some("TooFewReplicas"))
                .then_some(h)
        }
    })
    .await;
    let m = current_metric(&h);
    assert_eq!(m["object"]["current"]["value"], "5", "{m}");
    assert_eq!(m["object"]["describedObject"]["name"], "ai-agent-service");
    sim.stop().await;
}
