use super::*;
use crate::alerts::AlertState;

#[test]
fn lengths_are_checked_before_anything_is_sent() {
    assert_eq!(parse_length("2h").unwrap(), Duration::from_secs(7200));
    assert_eq!(parse_length(" 30m ").unwrap(), Duration::from_secs(1800));
    assert_eq!(parse_length("1.5d").unwrap(), Duration::from_secs(129_600));
    for bad in ["", "0", "0h", "-1h", "forever", "31d", "2w"] {
        let e = parse_length(bad).unwrap_err().to_string();
        assert!(
            e.contains("like 30m, 2h or 1d") && e.contains("nothing was sent"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn a_comment_holding_a_key_is_refused_and_words_are_not() {
    assert!(looks_like_a_credential(
        "rotating, old key was sk-proj-abc123def"
    ));
    assert!(looks_like_a_credential(
        "token=ghp_16C7e42F292c6912E7710c838347Ae178B4a"
    ));
    assert!(looks_like_a_credential("key 'AKIAIOSFODNN7EXAMPLE1234567'"));
    assert!(!looks_like_a_credential(
        "rotating the key, see INC-20261207 in the channel"
    ));
    assert!(!looks_like_a_credential(
        "provider outage: https://status.example.com"
    ));
    assert!(!looks_like_a_credential(""));
}

fn alert(labels: &[(&str, &str)]) -> Alert {
    Alert {
        name: "AgentContainerOOMKilled".into(),
        state: AlertState::Firing,
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        annotations: Default::default(),
        since: None,
        silenced_by: Vec::new(),
        fingerprint: None,
    }
}

#[test]
fn one_silence_covers_every_firing_instance_and_nothing_else() {
    let a = alert(&[
        ("alertname", "AgentContainerOOMKilled"),
        ("namespace", "ai-agents"),
        ("pod", "agents-1"),
        ("token", "x"),
    ]);
    let b = alert(&[
        ("alertname", "AgentContainerOOMKilled"),
        ("namespace", "ai-agents"),
        ("pod", "agents-2"),
    ]);
    let m: Vec<String> = common_matchers(&[&a, &b])
        .iter()
        .map(Matcher::text)
        .collect();
    assert_eq!(
        m,
        [
            "alertname=\"AgentContainerOOMKilled\"",
            "namespace=\"ai-agents\""
        ]
    );
    let one: Vec<String> = common_matchers(&[&a]).iter().map(Matcher::text).collect();
    assert_eq!(
        one,
        [
            "alertname=\"AgentContainerOOMKilled\"",
            "namespace=\"ai-agents\"",
            "pod=\"agents-1\""
        ],
        "a secret-looking label is never a matcher"
    );
}
