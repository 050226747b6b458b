//! The store keeps objects as JSON bytes: what GET, LIST and watch hand out is byte for
//! byte what the write stored.

use serde_json::json;

use super::{EventType, Store, StoreError, decode, encode};

fn pod(name: &str, app: &str) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "ns", "labels": {"app": app}},
        "spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}})
}

#[test]
fn reads_and_events_carry_the_bytes_the_write_stored() {
    let s = Store::new(100);
    let (_, mut rx, _) = s.watch_now("pods", None);
    let created = s.create("pods", pod("a", "x")).unwrap();
    let raw = s.get_raw("pods", "ns", "a").unwrap();
    assert_eq!(raw, encode(&created));
    assert_eq!(decode(&raw), *created);
    assert_eq!(*s.get("pods", "ns", "a").unwrap(), *created);
    let (list, _) = s.list_raw("pods", Some("ns"));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].0, ("ns".to_string(), "a".to_string()));
    assert_eq!(list[0].1, raw);
    let ev = rx.try_recv().unwrap();
    assert_eq!((ev.kind, ev.raw.clone()), (EventType::Added, raw));
    let updated = s
        .update_with("pods", "ns", "a", |p| {
            p["status"]["phase"] = json!("Failed");
            true
        })
        .unwrap();
    let ev = rx.try_recv().unwrap();
    assert_eq!(ev.raw, s.get_raw("pods", "ns", "a").unwrap());
    assert_eq!(ev.object(), *updated);
    let deleted = s.delete("pods", "ns", "a").unwrap();
    let ev = rx.try_recv().unwrap();
    assert_eq!(
        (ev.kind, ev.object()),
        (EventType::Deleted, (*deleted).clone())
    );
    assert!(s.get_raw("pods", "ns", "a").is_none());
}

#[test]
fn an_unchanged_update_writes_nothing_and_returns_the_stored_object() {
    let s = Store::new(100);
    let created = s.create("pods", pod("a", "x")).unwrap();
    let rv = s.current_rv();
    let same = s
        .update_with("pods", "ns", "a", |p| {
            p["status"]["phase"] = json!("scribbled");
            false
        })
        .unwrap();
    assert_eq!((*same).clone(), (*created).clone());
    assert_eq!(s.current_rv(), rv);
}

#[test]
fn resource_versions_increase_and_conflicts_are_detected() {
    let s = Store::new(100);
    let a = s.create("pods", pod("a", "x")).unwrap();
    let rv_a: u64 = crate::meta::resource_version(&a).parse().unwrap();
    let b = s
        .replace("pods", pod("a", "y"), Some(&rv_a.to_string()))
        .unwrap();
    let rv_b: u64 = crate::meta::resource_version(&b).parse().unwrap();
    assert!(rv_b > rv_a);
    let stale = s.replace("pods", pod("a", "z"), Some(&rv_a.to_string()));
    assert_eq!(stale.unwrap_err(), StoreError::Conflict);
    assert_eq!(
        s.create("pods", pod("a", "x")).unwrap_err(),
        StoreError::AlreadyExists
    );
}

#[test]
fn a_watch_from_before_the_log_is_gone_and_one_within_it_replays() {
    let s = Store::new(3);
    let first = s.current_rv();
    for i in 0..5 {
        s.create("pods", pod(&format!("p{i}"), "x")).unwrap();
    }
    assert!(s.watch_from("pods", first).is_none(), "410 Gone");
    let oldest = s.oldest_rv();
    let ws = s.watch_from("pods", oldest).unwrap();
    assert_eq!(ws.replay.len(), 3);
    let rvs: Vec<u64> = ws.replay.iter().map(|e| e.rv).collect();
    assert!(rvs.windows(2).all(|w| w[0] < w[1]));
    for e in &ws.replay {
        let name = crate::meta::name(&e.object()).to_string();
        assert_eq!(e.raw, s.get_raw("pods", "ns", &name).unwrap());
    }
}
