//! Rotating the provider key against the sim: a rejected key is refused (nothing written),
//! a good one replaces only its data key, the readers restart, the agents' 401s stop; a
//! concurrent change is a conflict, never overwritten; the key shows up nowhere.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::{SimProcess, ok, preload, require_tool, run, start_sim};
use agentdeck::config::Config;
use agentdeck::ops::{self, Ops, Outcome, Progress, Request};
use agentdeck::secret::Secret;
use k8s_openapi::api::core::v1::Secret as KubeSecret;
use kube::api::{Api, Patch, PatchParams, PostParams};

fn agentdeck(
    sim: &SimProcess,
    cfg: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    let mut all = vec!["--config", cfg.to_str().unwrap()];
    all.extend_from_slice(args);
    sim.agentdeck(&all, stdin)
}

/// The agents' 401 ratio, from the sim's ground truth.
fn unauthorized_ratio(sim: &SimProcess) -> f64 {
    let body = common::http(&sim.url, "GET", "/_sim/truth", "");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    v["unauthorized_ratio"].as_f64().unwrap_or(-1.0)
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn rotate_key_end_to_end() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "30"]);
    let cfg = sim.dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[stack]\nprovider_base_url = \"{}/_sim/provider/v1\"\n",
            sim.url
        ),
    )
    .unwrap();
    let k = |args: &[&str]| {
        let mut c = sim.kubectl("kubectl");
        c.args(args).args(["-n", "ai-agents"]);
        c
    };
    // Without the Secret every agent request is a 401.
    let deadline = Instant::now() + Duration::from_secs(30);
    while unauthorized_ratio(&sim) < 0.99 {
        assert!(Instant::now() < deadline, "agents never answered 401");
        std::thread::sleep(Duration::from_millis(300));
    }

    // A key the provider rejects: refused, nothing written.
    let bad = "sk-revoked-0000000000000000";
    let (code, out, err) = agentdeck(
        &sim,
        &cfg,
        &["rotate-key", "--from-stdin", "--verify", "--yes"],
        bad,
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("rejects the new key") && err.contains("nothing was changed"),
        "{err}"
    );
    let (exists, _, _) = run(k(&["get", "secret", "ai-api-keys"]));
    assert!(!exists, "no Secret was created");

    // Another key already in the Secret must survive the rotation.
    ok(k(&[
        "create",
        "secret",
        "generic",
        "ai-api-keys",
        "--from-literal=OTHER_KEY=keep-me",
    ]));
    let good = format!("sk-live-{:032x}", std::process::id() as u128 * 7919);
    let key_file = sim.dir.path().join("key.txt");
    std::fs::write(&key_file, format!("{good}\n")).unwrap();
    let (code, out, err) = agentdeck(
        &sim,
        &cfg,
        &[
            "rotate-key",
            "--from-file",
            key_file.to_str().unwrap(),
            "--verify",
            "--yes",
            "--timeout",
            "90s",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("the provider accepts the key"), "{out}");
    assert!(
        out.contains("HOLYSHEEP_API_KEY updated in secret ai-api-keys"),
        "{out}"
    );
    assert!(
        out.contains("deployment.apps/ai-agent-service restarted")
            && out.contains("successfully rolled out"),
        "{out}"
    );
    assert!(
        !out.contains("redis restarted"),
        "redis does not read the Secret"
    );

    use base64::Engine;
    let b64 = |path: &str| {
        let mut c = k(&["get", "secret", "ai-api-keys"]);
        c.args(["-o", &format!("jsonpath={path}")]);
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(ok(c).trim())
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(b64("{.data.HOLYSHEEP_API_KEY}"), good);
    assert_eq!(b64("{.data.OTHER_KEY}"), "keep-me");

    // The agents stop answering 401.
    let deadline = Instant::now() + Duration::from_secs(60);
    while unauthorized_ratio(&sim) > 0.01 {
        assert!(
            Instant::now() < deadline,
            "401s did not stop: ratio {}",
            unauthorized_ratio(&sim)
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // The key is nowhere but the Secret: not in output, logs or the audit log.
    let audit = sim.audit();
    let log = std::fs::read_to_string(sim.dir.path().join("agentdeck.log")).unwrap_or_default();
    for (name, text) in [
        ("stdout", &out),
        ("stderr", &err),
        ("audit", &audit),
        ("log", &log),
        ("sim log", &sim.log()),
    ] {
        assert!(
            !text.contains(&good) && !text.contains(bad),
            "the key leaked into {name}"
        );
    }
    assert!(
        audit.contains(r#""operation":"rotate-key""#) && audit.contains(r#""result":"ok""#),
        "{audit}"
    );
    assert!(
        audit.contains(r#""result":"invalid""#),
        "the refused key is audited too: {audit}"
    );

    // No key source: refused, with the reason.
    let (code, _, err) = agentdeck(&sim, &cfg, &["rotate-key", "--yes"], "");
    assert_eq!(code, 2);
    assert!(err.contains("never taken from the command line"), "{err}");
}

#[tokio::test]
async fn a_concurrent_change_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut cfg = preload(1.0);
    cfg.kubeconfig_out = Some(kc.clone());
    let h = start_sim(cfg).await;
    let conn = agentdeck::cluster::connect(
        &agentdeck::cluster::Target {
            kubeconfig: Some(kc),
            ..Default::default()
        },
        "ai-agents",
    )
    .await
    .unwrap();
    let cfg = Config {
        audit_log: Some(dir.path().join("audit.log")),
        ..Config::default()
    };
    let ops = Ops::new(conn.clone(), &cfg, Duration::from_secs(120));
    let secrets: Api<KubeSecret> = Api::namespaced(conn.client.clone(), "ai-agents");
    let s: KubeSecret = serde_json::from_value(serde_json::json!({"metadata": {"name": "ai-api-keys"}, "stringData": {"HOLYSHEEP_API_KEY": "sk-old-000000000000000000"}})).unwrap();
    secrets.create(&PostParams::default(), &s).await.unwrap();
    let key = Secret::new("sk-mine-00000000000000000000");
    let req = Request::RotateKey { key, verify: false };
    let plan = ops::plan(&ops, req).await.unwrap();
    assert_eq!(
        plan.question(),
        "replace HOLYSHEEP_API_KEY in Secret ai-api-keys, then restart ai-agent-service in namespace ai-agents (context agentdeck-sim)"
    );
    // Someone else changes the Secret after we read it.
    secrets
        .patch("ai-api-keys", &PatchParams::default(), &Patch::Merge(serde_json::json!({"stringData": {"HOLYSHEEP_API_KEY": "sk-theirs-0000000000000000"}})))
        .await
        .unwrap();
    let mut events = Vec::new();
    let out = ops::execute(plan, &mut |p| events.push(p)).await.unwrap();
    let Outcome::AskAgain { reason, plan } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("changed since it was read"), "{reason}");
    assert!(events.is_empty(), "nothing was written: {events:?}");
    let now = secrets.get("ai-api-keys").await.unwrap();
    assert_eq!(
        now.data.unwrap()["HOLYSHEEP_API_KEY"].0,
        b"sk-theirs-0000000000000000",
        "theirs not overwritten"
    );
    // Asked again (the plan read it anew), the write goes through and the reader restarts.
    let out = ops::execute(*plan, &mut |p| events.push(p)).await.unwrap();
    let Outcome::Done(summary) = out else {
        panic!("{out:?}")
    };
    assert!(summary.ends_with("restarted ai-agent-service"), "{summary}");
    assert!(
        events.iter().any(|p| matches!(p, Progress::Rollout { .. })),
        "{events:?}"
    );
    let audit = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
    assert!(
        audit.contains(r#""result":"conflict""#) && !audit.contains("sk-mine"),
        "{audit}"
    );
    h.stop().await;
}

/// Two scales of redis planned from the same state (`scale redis 3` and `scale redis 5`
/// started together): the first writes; the second finds redis changed since it read it —
/// a conflict, not an overwrite — says who scaled it to what, and asks again from there.
/// The first's wait stops when the count it waits for is replaced.
#[tokio::test]
async fn two_scales_at_once_know_they_raced() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    let mut cfg = preload(1.0);
    cfg.kubeconfig_out = Some(kc.clone());
    let _h = start_sim(cfg).await;
    let conn = agentdeck::cluster::connect(
        &agentdeck::cluster::Target {
            kubeconfig: Some(kc),
            ..Default::default()
        },
        "ai-agents",
    )
    .await
    .unwrap();
    let cfg = Config {
        audit_log: Some(dir.path().join("audit.log")),
        ..Config::default()
    };
    let ops = Ops::new(conn.clone(), &cfg, Duration::from_secs(60));
    let req = |n: &str| Request::Scale {
        workload: ops::WorkloadRef::deployment("redis"),
        replicas: n.into(),
    };
    let three = ops::plan(&ops, req("3")).await.unwrap();
    let five = ops::plan(&ops, req("5")).await.unwrap();
    assert!(
        three.question().contains("from 1 to 3"),
        "{}",
        three.question()
    );
    assert!(
        five.question().contains("from 1 to 5"),
        "{}",
        five.question()
    );
    let first = tokio::spawn(async move {
        let mut seen = Vec::new();
        ops::execute(three, &mut |p| seen.push(p)).await
    });
    // The first has written (its wait is on its way): now the second.
    let deploys: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(conn.client.clone(), "ai-agents");
    common::eventually(30, "redis scaled to 3 by the first", || {
        let d = deploys.clone();
        async move {
            let s = d.get("redis").await.ok()?.spec?.replicas?;
            (s == 3).then_some(())
        }
    })
    .await;
    let out = ops::execute(five, &mut |_| {}).await.unwrap();
    let Outcome::AskAgain { reason, plan } = out else {
        panic!("{out:?}")
    };
    assert!(
        reason.contains("redis was scaled to 3 meanwhile"),
        "{reason}"
    );
    assert!(reason.contains("last written by"), "{reason}");
    assert!(
        plan.question().contains("from 3 to 5"),
        "{}",
        plan.question()
    );
    // Asked again, it goes through; the first stops waiting for a 3 nobody wants now.
    let out = ops::execute(*plan, &mut |_| {}).await.unwrap();
    assert!(matches!(out, Outcome::Done(_)), "{out:?}");
    let first = first.await.unwrap().unwrap();
    let Outcome::Incomplete(why) = &first else {
        panic!("{first:?}")
    };
    assert!(
        why.contains("set to 5 meanwhile: not waiting for 3"),
        "{why}"
    );
    let audit = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
    assert!(
        audit.contains("meanwhile"),
        "the conflict is audited: {audit}"
    );
}
