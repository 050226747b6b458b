use super::*;

fn alert(labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> Alert {
    let map = |kv: &[(&str, &str)]| {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Alert {
        name: "X".into(),
        state: AlertState::Firing,
        labels: map(labels),
        annotations: map(annotations),
        since: None,
        silenced_by: Vec::new(),
        fingerprint: None,
    }
}

#[test]
fn summary_falls_back_to_description_then_name_and_blank_annotations_are_none() {
    let a = alert(&[], &[("summary", "  "), ("description", "disk full")]);
    assert_eq!(a.summary(), "disk full");
    assert_eq!(alert(&[], &[]).summary(), "X");
    assert_eq!(a.runbook_url(), None);
    assert_eq!(alert(&[], &[]).severity(), "none");
}

#[test]
fn identity_leaves_out_labels_that_look_secret() {
    let a = alert(
        &[
            ("alertname", "X"),
            ("namespace", "ns"),
            ("api_key", "sk-123"),
        ],
        &[],
    );
    let names: Vec<String> = a.identity().into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["alertname", "namespace"]);
}

#[test]
fn matchers_print_as_alertmanager_does() {
    assert_eq!(Matcher::equal("a", "b\"c").text(), "a=\"b\\\"c\"");
    let re = Matcher {
        is_regex: true,
        is_equal: false,
        ..Matcher::equal("pod", "web-.*")
    };
    assert_eq!(re.text(), "pod!~\"web-.*\"");
}
