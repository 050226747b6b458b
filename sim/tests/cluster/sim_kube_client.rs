//! agentdeck's kube client (kube-rs) against the simulated API server over HTTP: list,
//! watch, patch (merge, strategic, JSON, apply), errors, selectors, paging, dry run.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod, Secret};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::json;

use crate::common::{client, eventually, preload, start_sim};

fn ready_replicas(d: &Deployment) -> i32 {
    d.status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0)
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn lists_the_preloaded_stack_and_nodes() {
    let sim = start_sim(preload(4.0)).await;
    let c = client(&sim);
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    let list = deploys.list(&ListParams::default()).await.unwrap();
    let names: Vec<String> = list
        .items
        .iter()
        .map(|d| d.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, vec!["ai-agent-service", "redis"]);
    let rv: u64 = list.metadata.resource_version.unwrap().parse().unwrap();
    assert!(rv > 1);

    let nodes: Api<Node> = Api::all(c.clone());
    let nodes = nodes.list(&ListParams::default()).await.unwrap();
    assert!(nodes.items.len() >= 3);
    let cap = nodes.items[0]
        .status
        .as_ref()
        .unwrap()
        .capacity
        .as_ref()
        .unwrap();
    assert!(cap.contains_key("cpu") && cap.contains_key("memory"));

    // Pods become Running and Ready on a node, with IPs.
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    let lp = ListParams::default().labels("app=ai-agent-service");
    let ready = eventually(30, "3 ready agent pods", || {
        let pods = pods.clone();
        let lp = lp.clone();
        async move {
            let l = pods.list(&lp).await.ok()?;
            let ready: Vec<Pod> = l
                .items
                .into_iter()
                .filter(|p| {
                    p.status
                        .as_ref()
                        .and_then(|s| s.conditions.as_ref())
                        .is_some_and(|cs| {
                            cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")
                        })
                })
                .collect();
            (ready.len() == 3).then_some(ready)
        }
    })
    .await;
    for p in &ready {
        let st = p.status.as_ref().unwrap();
        assert!(
            p.spec
                .as_ref()
                .unwrap()
                .node_name
                .as_deref()
                .unwrap()
                .starts_with("sim-node-")
        );
        assert!(st.pod_ip.as_deref().unwrap().starts_with("10.244."));
        assert!(st.host_ip.is_some());
        assert_eq!(st.phase.as_deref(), Some("Running"));
    }
    // Field selectors and all-namespace lists.
    let all: Api<Pod> = Api::all(c.clone());
    let running = all
        .list(&ListParams::default().fields("status.phase=Running"))
        .await
        .unwrap();
    assert!(running.items.len() >= 4);
    let bad = all
        .list(&ListParams::default().fields("spec.foo=1"))
        .await
        .unwrap_err();
    assert!(
        matches!(bad, kube::Error::Api(ref s) if s.code == 400),
        "{bad:?}"
    );
    // Events tell what happened.
    let events: Api<Event> = Api::default_namespaced(c.clone());
    let evs = events.list(&ListParams::default()).await.unwrap();
    let reasons: Vec<&str> = evs
        .items
        .iter()
        .filter_map(|e| e.reason.as_deref())
        .collect();
    for r in [
        "ScalingReplicaSet",
        "SuccessfulCreate",
        "Scheduled",
        "Started",
    ] {
        assert!(reasons.contains(&r), "no {r} event in {reasons:?}");
    }
    sim.stop().await;
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn watches_and_patches() {
    let sim = start_sim(preload(4.0)).await;
    let c = client(&sim);
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    let hpas: Api<HorizontalPodAutoscaler> = Api::default_namespaced(c.clone());
    hpas.delete("ai-agent-hpa", &DeleteParams::default())
        .await
        .unwrap();

    // A reflector-style watcher sees pods appear after a scale patch.
    let pods: Api<Pod> = Api::default_namespaced(c.clone());
    let cfg = watcher::Config::default().labels("app=ai-agent-service");
    let mut stream = watcher(pods.clone(), cfg).applied_objects().boxed();
    let scale = json!({"spec": {"replicas": 5}});
    deploys
        .patch_scale(
            "ai-agent-service",
            &PatchParams::default(),
            &Patch::Merge(&scale),
        )
        .await
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen.len() < 5 {
        let next = tokio::time::timeout_at(deadline, stream.try_next()).await;
        let pod = next
            .expect("watch timed out")
            .unwrap()
            .expect("stream ended");
        seen.insert(pod.metadata.name.unwrap());
    }
    let d = eventually(30, "5 ready replicas", || {
        let deploys = deploys.clone();
        async move {
            let d = deploys.get("ai-agent-service").await.ok()?;
            (ready_replicas(&d) == 5).then_some(d)
        }
    })
    .await;
    assert_eq!(
        d.status.as_ref().unwrap().observed_generation,
        d.metadata.generation
    );

    // Strategic merge patch: kubectl's rollout restart; a new ReplicaSet takes over.
    let restart = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-26T15:00:00Z"}}}}});
    let gen_before = d.metadata.generation.unwrap();
    let d2 = deploys
        .patch(
            "ai-agent-service",
            &PatchParams::default(),
            &Patch::Strategic(&restart),
        )
        .await
        .unwrap();
    assert_eq!(d2.metadata.generation.unwrap(), gen_before + 1);
    let rss: Api<ReplicaSet> = Api::default_namespaced(c.clone());
    eventually(
        60,
        "rollout complete: one RS with 5, the old with 0",
        || {
            let rss = rss.clone();
            let deploys = deploys.clone();
            async move {
                let l = rss
                    .list(&ListParams::default().labels("app=ai-agent-service"))
                    .await
                    .ok()?;
                let mut counts: Vec<i32> = l
                    .items
                    .iter()
                    .map(|r| r.spec.as_ref().unwrap().replicas.unwrap())
                    .collect();
                counts.sort();
                let d = deploys.get("ai-agent-service").await.ok()?;
                let st = d.status?;
                let done = counts == vec![0, 5]
                    && st.updated_replicas == Some(5)
                    && st.available_replicas == Some(5)
                    && st.replicas == Some(5);
                let progressing = st
                    .conditions?
                    .into_iter()
                    .find(|c| c.type_ == "Progressing")?;
                (done && progressing.reason.as_deref() == Some("NewReplicaSetAvailable"))
                    .then_some(())
            }
        },
    )
    .await;

    // JSON patch with a failing test op changes nothing.
    let jp: json_patch::Patch = serde_json::from_value(json!([
        {"op": "test", "path": "/spec/replicas", "value": 99},
        {"op": "replace", "path": "/spec/replicas", "value": 1}
    ]))
    .unwrap();
    let e = deploys
        .patch(
            "ai-agent-service",
            &PatchParams::default(),
            &Patch::<()>::Json(jp),
        )
        .await
        .unwrap_err();
    assert!(
        // kube-apiserver: a patch that does not apply is 422 Invalid (400 is for a body
        // that is no JSON patch at all).
        matches!(e, kube::Error::Api(ref s) if s.code == 422 && s.reason == "Invalid"),
        "{e:?}"
    );
    assert_eq!(
        deploys
            .get("ai-agent-service")
            .await
            .unwrap()
            .spec
            .unwrap()
            .replicas,
        Some(5)
    );

    // A raw watch from a resourceVersion sees MODIFIED events.
    let rv = deploys
        .get("redis")
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut w = deploys
        .watch(
            &WatchParams::default()
                .fields("metadata.name=redis")
                .timeout(20),
            &rv,
        )
        .await
        .unwrap()
        .boxed();
    deploys
        .patch(
            "redis",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"tier": "cache"}}})),
        )
        .await
        .unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(10), w.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match ev {
        WatchEvent::Modified(d) => assert_eq!(d.metadata.labels.unwrap()["tier"], "cache"),
        other => panic!("expected MODIFIED, got {other:?}"),
    }
    sim.stop().await;
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
async fn server_side_apply_conflicts_and_errors() {
    let sim = start_sim(preload(1.0)).await;
    let c = client(&sim);
    let cms: Api<ConfigMap> = Api::default_namespaced(c.clone());
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tuning"}, "data": {"a": "1", "b": "2"}});
    let created = cms
        .patch(
            "tuning",
            &PatchParams::apply("agentdeck"),
            &Patch::Apply(&cm),
        )
        .await
        .unwrap();
    let mf = created.metadata.managed_fields.unwrap();
    assert_eq!(mf[0].manager.as_deref(), Some("agentdeck"));
    assert_eq!(mf[0].operation.as_deref(), Some("Apply"));

    // Another manager applies a different value: 409 naming the owner; force takes it.
    let other = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tuning"}, "data": {"a": "9"}});
    let e = cms
        .patch(
            "tuning",
            &PatchParams::apply("ops-bot"),
            &Patch::Apply(&other),
        )
        .await
        .unwrap_err();
    match e {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 409);
            assert!(
                s.message.contains(r#"conflict with "agentdeck""#) && s.message.contains(".data.a"),
                "{}",
                s.message
            );
        }
        other => panic!("{other:?}"),
    }
    let forced = cms
        .patch(
            "tuning",
            &PatchParams::apply("ops-bot").force(),
            &Patch::Apply(&other),
        )
        .await
        .unwrap();
    assert_eq!(forced.data.as_ref().unwrap()["a"], "9");
    // The first manager drops "b" from its config: the field goes away.
    let fewer = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tuning"}, "data": {}});
    let after = cms
        .patch(
            "tuning",
            &PatchParams::apply("agentdeck"),
            &Patch::Apply(&fewer),
        )
        .await
        .unwrap();
    let data = after.data.unwrap();
    assert!(!data.contains_key("b") && data["a"] == "9", "{data:?}");

    // Update with a stale resourceVersion: 409 Conflict.
    let mut stale = cms.get("tuning").await.unwrap();
    cms.patch(
        "tuning",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"c": "3"}})),
    )
    .await
    .unwrap();
    stale.data.as_mut().unwrap().insert("d".into(), "4".into());
    let e = cms
        .replace("tuning", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 409 && s.reason == "Conflict"),
        "{e:?}"
    );

    // Create twice: AlreadyExists. Missing: NotFound.
    let e = cms
        .create(
            &PostParams::default(),
            &serde_json::from_value(cm.clone()).unwrap(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{e:?}"
    );
    let e = cms.get("nope").await.unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 404 && s.reason == "NotFound"),
        "{e:?}"
    );

    // fieldValidation=Strict rejects an unknown field (400, as kube-apiserver does).
    let bad = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "dataa": {"x": "1"}});
    let mut pp = PatchParams::apply("agentdeck");
    pp.field_validation = Some(kube::api::ValidationDirective::Strict);
    let e = cms
        .patch("bad", &pp, &Patch::Apply(&bad))
        .await
        .unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 400 && s.message.contains("unknown field \"dataa\"")),
        "{e:?}"
    );

    // 422 Invalid: a negative replica count.
    let deploys: Api<Deployment> = Api::default_namespaced(c.clone());
    let e = deploys
        .patch(
            "redis",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": -1}})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 422 && s.reason == "Invalid"),
        "{e:?}"
    );

    // dryRun=All persists nothing.
    let secrets: Api<Secret> = Api::default_namespaced(c.clone());
    let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "dry"}, "stringData": {"k": "v"}});
    let out = secrets
        .patch(
            "dry",
            &PatchParams::apply("agentdeck").dry_run(),
            &Patch::Apply(&s),
        )
        .await
        .unwrap();
    assert_eq!(out.data.unwrap()["k"].0, b"v");
    assert!(secrets.get_opt("dry").await.unwrap().is_none());

    // A namespace that does not exist.
    let ghost: Api<ConfigMap> = Api::namespaced(c.clone(), "ghost");
    let e = ghost
        .create(&PostParams::default(), &serde_json::from_value(cm).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(e, kube::Error::Api(ref s) if s.code == 404 && s.message.contains("namespaces \"ghost\" not found")),
        "{e:?}"
    );
    sim.stop().await;
}

#[tokio::test]
async fn paging_and_expired_watches() {
    let mut cfg = preload(1.0);
    cfg.event_log = 200;
    let sim = start_sim(cfg).await;
    let c = client(&sim);
    let cms: Api<ConfigMap> = Api::default_namespaced(c.clone());
    let first_rv = cms
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    for i in 0..250 {
        let cm: ConfigMap = serde_json::from_value(
            json!({"metadata": {"name": format!("cm-{i:03}")}, "data": {"i": i.to_string()}}),
        )
        .unwrap();
        cms.create(&PostParams::default(), &cm).await.unwrap();
    }
    // limit + continue pages through everything once.
    let mut names = Vec::new();
    let mut lp = ListParams::default().limit(100);
    loop {
        let page = cms.list(&lp).await.unwrap();
        names.extend(page.items.into_iter().map(|c| c.metadata.name.unwrap()));
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => lp = lp.continue_token(&t),
            _ => break,
        }
    }
    assert_eq!(names.len(), 251, "250 + redis-config");
    let mut sorted = names.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len());

    // A watch from a resourceVersion the server no longer keeps: 410 Expired.
    let mut w = cms
        .watch(&WatchParams::default(), &first_rv)
        .await
        .unwrap()
        .boxed();
    let ev = tokio::time::timeout(Duration::from_secs(5), w.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match ev {
        WatchEvent::Error(e) => assert_eq!(e.code, 410),
        other => panic!("expected 410, got {other:?}"),
    }
    sim.stop().await;
}
