use super::*;

fn sample(labels: &[(&str, &str)], value: f64) -> Sample {
    Sample {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        value,
    }
}

fn ok(label: &str, rows: &[(&str, f64)]) -> Labelled {
    (
        Answer::Samples(Ok(rows
            .iter()
            .map(|(a, v)| sample(&[(label, a)], *v))
            .collect())),
        vec![label.to_string()],
    )
}

fn cannot(why: &str) -> Labelled {
    (Answer::Cannot(why.into()), vec![])
}

#[test]
fn rows_join_the_three_answers_busiest_first() {
    let r = assemble(
        ok("agent", &[("coder", 1.5), ("writer", 4.0)]),
        ok(
            "agent",
            &[("coder", 2.0), ("writer", 1.0), ("analyst", 0.5)],
        ),
        ok("agent", &[("writer", 0.25)]),
    );
    let Reading::Value(a) = r else {
        panic!("{r:?}")
    };
    assert_eq!(a.label, "agent");
    let names: Vec<&str> = a.rows.iter().map(|r| r.agent.as_str()).collect();
    assert_eq!(names, ["coder", "writer", "analyst"]);
    assert_eq!(a.rows[0].p95_ms, Some(1500.0));
    assert_eq!(a.rows[1].p95_ms, Some(4000.0));
    assert_eq!(a.rows[2].p95_ms, None, "no latency series: not 0");
    assert_eq!(a.rows[1].error_ratio, Some(0.25));
    assert_eq!(a.rows[0].error_ratio, None);
    assert!(a.notes.is_empty(), "{:?}", a.notes);
}

/// The example stack: latency and rate per agent, errors only per pod — said, not zero.
#[test]
fn a_column_the_stack_cannot_give_is_a_note() {
    let r = assemble(
        ok("agent", &[("coder", 1.0)]),
        ok("agent", &[("coder", 2.0)]),
        cannot("http_requests_total has no agent label"),
    );
    let Reading::Value(a) = r else {
        panic!("{r:?}")
    };
    assert_eq!(a.rows[0].error_ratio, None);
    assert_eq!(
        a.notes,
        ["errors: cannot tell: http_requests_total has no agent label"]
    );
}

#[test]
fn no_agent_label_on_any_series_cannot_tell() {
    let r = assemble(
        ok("x", &[]),
        (
            Answer::Samples(Ok(vec![sample(&[], 3.0)])),
            vec!["gen_ai_agent_name".into()],
        ),
        ok("x", &[]),
    );
    assert!(
        matches!(&r, Reading::Cannot(w) if w.contains("gen_ai_agent_name")),
        "{r:?}"
    );
}

#[test]
fn rate_decides_cannot_error_and_no_data() {
    assert_eq!(
        assemble(
            cannot("a"),
            cannot("a model server does not know"),
            cannot("a")
        ),
        Reading::Cannot("a model server does not know".into())
    );
    assert_eq!(
        assemble(ok("agent", &[]), ok("agent", &[]), ok("agent", &[])),
        Reading::NoData
    );
    let e = (
        Answer::Samples(Err(QueryError::Http(502, "Bad Gateway".into()))),
        vec!["agent".to_string()],
    );
    assert!(matches!(
        assemble(ok("agent", &[]), e, ok("agent", &[])),
        Reading::Error(t) if t.contains("502")
    ));
}

/// FastAPI's handler is the route template: one row for every agent, and the note says so.
#[test]
fn a_templated_route_is_named_as_one_row_for_all() {
    let r = assemble(
        ok("handler", &[("/agent/{agent_type}", 0.4)]),
        ok("handler", &[("/agent/{agent_type}", 3.0), ("/", 0.1)]),
        ok("handler", &[("/agent/{agent_type}", 0.1), ("/", 0.0)]),
    );
    let Reading::Value(a) = r else {
        panic!("{r:?}")
    };
    assert_eq!(a.rows[0].agent, "/agent/{agent_type}");
    assert_eq!(a.rows[1].error_ratio, Some(0.0));
    assert!(
        a.notes[0].contains("/agent/{agent_type} is a route template"),
        "{:?}",
        a.notes
    );
}

#[test]
fn many_rows_are_capped_and_counted_invalid_values_dropped() {
    let names: Vec<String> = (0..40).map(|i| format!("route-{i:02}")).collect();
    let rows: Vec<(&str, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as f64))
        .collect();
    let mut rate = ok("handler", &rows);
    if let Answer::Samples(Ok(s)) = &mut rate.0 {
        s.push(sample(&[("handler", "nan")], f64::NAN));
        s.push(sample(&[("handler", "inf")], f64::INFINITY));
    }
    let r = assemble(ok("handler", &[]), rate, ok("handler", &[]));
    let Reading::Value(a) = r else {
        panic!("{r:?}")
    };
    assert_eq!(a.rows.len(), MAX_ROWS);
    assert_eq!(a.others, 40 - MAX_ROWS);
    assert_eq!(a.rows[0].agent, "route-39");
    assert!(a.rows.iter().all(|r| r.agent != "nan" && r.agent != "inf"));
}

#[test]
fn agent_names_are_made_printable() {
    let r = assemble(
        ok("agent", &[]),
        ok("agent", &[("evil\u{1b}[2Jname", 1.0)]),
        ok("agent", &[]),
    );
    let Reading::Value(a) = r else {
        panic!("{r:?}")
    };
    assert!(!a.rows[0].agent.contains('\u{1b}'), "{:?}", a.rows[0].agent);
}
