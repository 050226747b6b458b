use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::timeline::{Entry, Kind, Part};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn oom(at: &str, pod: &str) -> Entry {
    let mut e = Entry::new(
        t(at),
        Kind::Oom,
        "pods",
        &format!("pod/{pod}"),
        format!("OOMKilled pod/{pod}"),
    );
    e.group = Some("OOMKilled".into());
    e
}

#[test]
fn sorts_filters_and_keeps_notes() {
    let a = Entry::new(
        t("2026-11-30T14:05:00Z"),
        Kind::Audit,
        "audit",
        "",
        "b".into(),
    );
    let m = Entry::new(
        t("2026-11-30T14:02:00Z"),
        Kind::Metric,
        "prometheus",
        "",
        "a".into(),
    );
    let old = Entry::new(
        t("2026-11-30T12:00:00Z"),
        Kind::Event,
        "events",
        "",
        "old".into(),
    );
    let parts = vec![
        Part {
            entries: vec![a, old],
            notes: vec!["events: forbidden (x)".into()],
        },
        Part {
            entries: vec![m],
            notes: vec![],
        },
    ];
    let tl = build(parts, t("2026-11-30T14:00:00Z"), t("2026-11-30T14:15:00Z"));
    let texts: Vec<&str> = tl.entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["a", "b"]);
    assert_eq!(tl.notes, ["events: forbidden (x)"]);
}

#[test]
fn groups_repeated_oom_kills_of_many_pods() {
    let mut es: Vec<Entry> = (0..6)
        .map(|i| oom(&format!("2026-11-30T14:0{i}:00Z"), &format!("agent-{i}")))
        .collect();
    es.push(Entry::new(
        t("2026-11-30T14:03:30Z"),
        Kind::Audit,
        "audit",
        "",
        "scale".into(),
    ));
    es.sort_by_key(|e| e.at);
    let out = group(es);
    assert_eq!(out.len(), 2, "{out:#?}");
    assert_eq!(
        out[0].text,
        "OOMKilled × 6 pods: agent-0, agent-1, agent-2 +3 more"
    );
    assert_eq!(out[0].at, t("2026-11-30T14:00:00Z"));
    assert_eq!(out[0].count, 6);
    assert_eq!(out[1].text, "scale");
}

#[test]
fn a_gap_starts_a_new_group_and_one_object_counts_repeats() {
    let a = oom("2026-11-30T14:00:00Z", "a");
    let b = oom("2026-11-30T14:01:00Z", "a");
    let c = oom(
        &(t("2026-11-30T14:01:00Z") + GROUP_GAP + SignedDuration::from_secs(1)).to_string(),
        "b",
    );
    let out = group(vec![a, b, c]);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].text, "OOMKilled pod/a (+1 more)");
    assert_eq!(out[1].text, "OOMKilled pod/b");
}
