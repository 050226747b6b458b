use serde_json::json;

use super::*;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn event(warning: bool, reason: &str, object: &str, message: &str, at: &str) -> EventItem {
    EventItem {
        warning,
        reason: reason.into(),
        message: message.into(),
        object: object.into(),
        count: 1,
        first: Some(t(at)),
        last: Some(t(at)),
    }
}

#[test]
fn warnings_are_grouped_by_reason_rescales_keep_theirs_normal_events_are_left_out() {
    let since = t("2026-11-30T14:00:00Z");
    let w = event(
        true,
        "FailedScheduling",
        "pod/a",
        "0/3 nodes are available",
        "2026-11-30T14:01:00Z",
    );
    let e = w.entry(since).unwrap();
    assert_eq!(e.text, "FailedScheduling pod/a: 0/3 nodes are available");
    assert_eq!(e.group.as_deref(), Some("FailedScheduling"));
    assert!(e.warning);
    let r = event(
        false,
        "SuccessfulRescale",
        "horizontalpodautoscaler/ai-agent-hpa",
        "New size: 4; reason: cpu resource utilization (percentage of request) above target",
        "2026-11-30T14:02:00Z",
    );
    let e = r.entry(since).unwrap();
    assert_eq!(e.kind, Kind::Rescale);
    assert_eq!(
        e.text,
        "horizontalpodautoscaler/ai-agent-hpa rescaled to 4: cpu resource utilization (percentage of request) above target"
    );
    let n = event(false, "Pulled", "pod/a", "pulled", "2026-11-30T14:02:00Z");
    assert!(n.entry(since).is_none());
    let old = event(true, "BackOff", "pod/a", "x", "2026-11-30T13:00:00Z");
    assert!(old.entry(since).is_none());
    // Still repeating in the window: shown when last seen.
    let mut ongoing = event(true, "BackOff", "pod/a", "x", "2026-11-30T13:00:00Z");
    ongoing.last = Some(t("2026-11-30T14:03:00Z"));
    ongoing.count = 9;
    let e = ongoing.entry(since).unwrap();
    assert_eq!(e.at, t("2026-11-30T14:03:00Z"));
    assert_eq!(e.text, "BackOff pod/a ×9: x");
}

#[test]
fn oom_kills_and_restarts_from_the_last_termination() {
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "agent-1"},
        "status": {"containerStatuses": [
            {"name": "agent", "image": "i", "imageID": "", "ready": true, "restartCount": 3,
             "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "finishedAt": "2026-11-30T14:01:00Z"}}},
            {"name": "side", "image": "i", "imageID": "", "ready": true, "restartCount": 1,
             "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "finishedAt": "2026-11-30T14:02:00Z"}}},
        ]},
    }))
    .unwrap();
    let es = terminations(&pod);
    assert_eq!(es.len(), 2);
    assert_eq!(es[0].kind, Kind::Oom);
    assert_eq!(
        es[0].text,
        "OOMKilled pod/agent-1 (container agent, OOMKilled, exit 137, restarts 3)"
    );
    assert_eq!(es[0].group.as_deref(), Some("OOMKilled"));
    assert_eq!(es[1].kind, Kind::Restart);
    assert_eq!(es[1].group.as_deref(), Some("Restarted (Error)"));
}

fn rs(name: &str, rev: &str, created: &str) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {
            "name": name, "creationTimestamp": created,
            "annotations": {"deployment.kubernetes.io/revision": rev},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "agents", "uid": "u"}],
        },
        "spec": {"selector": {}, "template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": rev}}}},
    }))
    .unwrap()
}

#[test]
fn rollouts_start_with_their_change_and_complete_by_condition_or_scale_down() {
    let revs = revisions::revisions(&[
        rs("agents-1", "1", "2026-11-30T14:00:00Z"),
        rs("agents-2", "2", "2026-11-30T14:05:00Z"),
        rs("agents-3", "3", "2026-11-30T14:10:00Z"),
    ]);
    let v = &revs["agents"];
    let started: Vec<String> = rollouts(v).into_iter().map(|e| e.text).collect();
    assert_eq!(
        started,
        [
            "rollout agents rev 1 started: first revision",
            "rollout agents rev 2 started: restart",
            "rollout agents rev 3 started: restart",
        ]
    );
    let down = [
        ("agents-1".to_string(), t("2026-11-30T14:06:00Z")),
        ("agents-2".to_string(), t("2026-11-30T14:11:00Z")),
    ];
    let done = completions(v, &down);
    assert_eq!(done.len(), 2, "{done:#?}");
    assert_eq!(done[0].text, "rollout agents rev 2 complete");
    assert_eq!(done[0].at, t("2026-11-30T14:06:00Z"));
    assert_eq!(done[1].text, "rollout agents rev 3 complete");
    assert_eq!(done[1].at, t("2026-11-30T14:11:00Z"));
    let scaled = event(
        false,
        "ScalingReplicaSet",
        "deployment/agents",
        "Scaled down replica set agents-1 from 1 to 0",
        "2026-11-30T14:06:00Z",
    );
    assert_eq!(scaled.scaled_to_zero(), Some(down[0].clone()));
    let partly = event(
        false,
        "ScalingReplicaSet",
        "deployment/agents",
        "Scaled down replica set agents-1 from 3 to 2",
        "2026-11-30T14:06:00Z",
    );
    assert_eq!(partly.scaled_to_zero(), None);

    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "agents"},
        "status": {"conditions": [{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
            "message": "ReplicaSet \"agents-3\" has successfully progressed.", "lastUpdateTime": "2026-11-30T14:11:30Z"}]},
    }))
    .unwrap();
    let c = completion(&d, &revs).unwrap();
    assert_eq!(
        (c.text.as_str(), c.at),
        ("rollout agents rev 3 complete", t("2026-11-30T14:11:30Z"))
    );
}

#[test]
fn an_oom_kill_an_event_tells_is_not_said_twice() {
    let since = t("2026-11-30T14:00:00Z");
    let ev = event(true, "OOMKilled", "pod/a", "killed", "2026-11-30T14:01:00Z")
        .entry(since)
        .unwrap();
    let mut kill = Entry::new(
        t("2026-11-30T14:05:00Z"),
        Kind::Oom,
        "pods",
        "pod/a",
        "x".into(),
    );
    kill.group = Some("OOMKilled".into());
    assert!(told_by_events(&kill, std::slice::from_ref(&ev)));
    kill.object = "pod/b".into();
    assert!(!told_by_events(&kill, &[ev]));
}
