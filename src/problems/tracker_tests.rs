use jiff::Timestamp;

use super::*;
use crate::problems::{Problem, Severity};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// "redis not ready", its pods not ready since `since`.
fn not_ready(since: Option<&str>) -> Problem {
    let mut p = Problem::new("not-ready/redis", Severity::Warning, "redis not ready");
    p.since = since.map(ts);
    p.grace_secs = 60;
    p
}

#[test]
fn the_grace_counts_from_when_the_pods_became_not_ready() {
    let mut t = Tracker::default();
    // Pods not ready for 20 s: within the grace, however long the dashboard has watched.
    let seen = t.observe(
        ts("2026-11-30T14:00:20Z"),
        vec![not_ready(Some("2026-11-30T14:00:00Z"))],
        &[],
    );
    assert!(seen.is_empty(), "{seen:?}");
    // A minute after they became not ready (not after the dashboard first saw it): shown,
    // since the real start.
    let seen = t.observe(
        ts("2026-11-30T14:01:00Z"),
        vec![not_ready(Some("2026-11-30T14:00:00Z"))],
        &[],
    );
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].since, Some(ts("2026-11-30T14:00:00Z")));
}

#[test]
fn a_dashboard_opened_on_old_trouble_shows_it_at_once() {
    let mut t = Tracker::default();
    let seen = t.observe(
        ts("2026-11-30T14:10:00Z"),
        vec![not_ready(Some("2026-11-30T14:00:00Z"))],
        &[],
    );
    assert_eq!(seen.len(), 1, "not ready for ten minutes is a problem now");
}

#[test]
fn a_second_scale_within_minutes_is_not_backdated_to_the_first() {
    let mut t = Tracker::default();
    // A scale at 14:00: its pod starts, ready 10 s later — never a problem.
    assert!(
        t.observe(
            ts("2026-11-30T14:00:05Z"),
            vec![not_ready(Some("2026-11-30T14:00:00Z"))],
            &[]
        )
        .is_empty()
    );
    assert!(
        t.observe(ts("2026-11-30T14:00:10Z"), vec![], &[])
            .is_empty()
    );
    // Another scale at 14:01:30: a new pod, not ready for 2 s. Not "since 14:00", not shown.
    let seen = t.observe(
        ts("2026-11-30T14:01:32Z"),
        vec![not_ready(Some("2026-11-30T14:01:30Z"))],
        &[],
    );
    assert!(seen.is_empty(), "{seen:?}");
    // The same without a time in the evidence (pods not created yet): counted from now.
    let mut t = Tracker::default();
    assert!(
        t.observe(ts("2026-11-30T14:00:05Z"), vec![not_ready(None)], &[])
            .is_empty()
    );
    assert!(
        t.observe(ts("2026-11-30T14:00:10Z"), vec![], &[])
            .is_empty()
    );
    let seen = t.observe(ts("2026-11-30T14:01:32Z"), vec![not_ready(None)], &[]);
    assert!(seen.is_empty(), "{seen:?}");
    let seen = t.observe(ts("2026-11-30T14:02:32Z"), vec![not_ready(None)], &[]);
    assert_eq!(seen[0].since, Some(ts("2026-11-30T14:01:32Z")));
}
