use super::*;
use crate::timeline::{Kind, Timeline};

fn tl() -> Timeline {
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let mut m = Entry::new(
        t("2026-11-30T14:02:03Z"),
        Kind::Metric,
        "prometheus",
        "",
        "401 share 0 % → 100 % (over 5 %)".into(),
    );
    m.warning = true;
    let a = Entry::new(
        t("2026-11-30T14:05:10Z"),
        Kind::Audit,
        "audit",
        "secret/k",
        "key | rotated".into(),
    );
    let d = Entry::new(
        t("2026-12-01T00:00:01Z"),
        Kind::Rollout,
        "deployments",
        "deployment/x",
        "rollout x rev 7 complete".into(),
    );
    Timeline {
        namespace: "ai-agents".into(),
        context: "prod".into(),
        since: t("2026-11-30T14:00:00Z"),
        until: t("2026-12-01T00:10:00Z"),
        zone: Zone::Utc,
        entries: vec![m, a, d],
        notes: vec!["events: forbidden (x)".into()],
    }
}

#[test]
fn text_has_the_window_one_line_per_entry_days_and_notes() {
    assert_eq!(
        text(&tl()),
        "timeline of ai-agents (context prod), 2026-11-30 14:00:00 → 2026-12-01 00:10:00 (UTC)\n\
         14:02:03  metric   401 share 0 % → 100 % (over 5 %)\n\
         14:05:10  audit    key | rotated\n\
         -- 2026-12-01 --\n\
         00:00:01  rollout  rollout x rev 7 complete\n\
         note: events: forbidden (x)\n"
    );
}

#[test]
fn markdown_is_a_table_with_escaped_cells() {
    let md = markdown(&tl());
    assert!(
        md.starts_with("## Timeline: ai-agents (context prod)\n"),
        "{md}"
    );
    assert!(
        md.contains("| time | kind | what |\n|---|---|---|\n"),
        "{md}"
    );
    assert!(
        md.contains("| 14:05:10 | audit | key \\| rotated |\n"),
        "{md}"
    );
    assert!(md.contains("| 2026-12-01 00:00:01 | rollout |"), "{md}");
    assert!(md.ends_with("Notes:\n\n- events: forbidden (x)\n"), "{md}");
}

#[test]
fn json_in_utc_with_every_field() {
    let j = json(&tl());
    assert_eq!(j["since"], "2026-11-30T14:00:00Z");
    assert_eq!(j["entries"][0]["at"], "2026-11-30T14:02:03Z");
    assert_eq!(j["entries"][0]["kind"], "metric");
    assert_eq!(j["entries"][0]["source"], "prometheus");
    assert_eq!(j["entries"][0]["warning"], true);
    assert_eq!(j["entries"][1]["object"], "secret/k");
    assert_eq!(j["notes"][0], "events: forbidden (x)");
    assert_eq!(j["timeZone"], "UTC");
}

#[test]
fn local_time_keeps_the_instant() {
    let t: Timestamp = "2026-11-30T14:02:03Z".parse().unwrap();
    let l = in_zone(t, Zone::Local);
    assert_eq!(l.timestamp(), t.as_second());
    assert!(
        rfc3339(t, Zone::Local).starts_with("2026-11-30T")
            || rfc3339(t, Zone::Local).starts_with("2026-12-01T")
    );
}
