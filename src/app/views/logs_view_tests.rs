use super::*;

fn app() -> App {
    crate::app::testing::app()
}

fn keys(a: &mut App, s: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in s.chars() {
        let k = crate::app::testing::key_of(c);
        // The view's own keys (as `update` hands them on in normal mode).
        key(a, k, &mut fx);
    }
    fx
}

fn lines(from: usize, n: usize) -> Vec<LogLine> {
    (from..from + n)
        .map(|i| LogLine {
            ts: None,
            text: if i % 10 == 0 {
                format!("ERROR line {i}")
            } else {
                format!("INFO line {i}")
            },
        })
        .collect()
}

fn view(a: &App) -> &LogView {
    match a.view() {
        Some(View::Logs(v)) => v,
        _ => panic!("no log view"),
    }
}

/// A log view of deploy/x, started on pod p-1 with containers `cs`, buffer `buffer`.
fn opened(cs: &[&str], buffer: usize) -> App {
    let mut a = app();
    let mut fx = Vec::new();
    let target = LogTarget::Workload(crate::cluster::workload::WorkloadRef::deployment("x"));
    open(&mut a, target.clone(), &mut fx);
    assert!(
        matches!(&fx[..], [Effect::Logs { id: 1, req }] if req.follow && req.tail == Some(TAIL) && req.target == target)
    );
    let started = LogEvent::Started {
        pod: "p-1".into(),
        of: 3,
        containers: cs.iter().map(|c| c.to_string()).collect(),
        container: cs[0].into(),
        buffer,
    };
    assert!(on_event(&mut a, 1, started));
    a
}

#[test]
fn the_buffer_keeps_the_newest_lines_and_counts_the_dropped() {
    let mut a = opened(&["agent"], 100);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 250)));
    let v = view(&a);
    assert_eq!(v.lines.len(), 100);
    assert_eq!(v.dropped(), 150);
    assert_eq!(v.lines[0].text, "ERROR line 150");
    assert_eq!(v.line(249).unwrap().text, "INFO line 249");
    assert!(v.line(10).is_none());
    // Another stream's lines are dropped.
    assert!(!on_event(&mut a, 7, LogEvent::Lines(lines(0, 5))));
    assert_eq!(view(&a).end(), 250);
}

#[test]
fn scrolling_up_pauses_and_g_follows_again() {
    let mut a = opened(&["agent"], 1000);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 100)));
    assert!(view(&a).following());
    keys(&mut a, "k");
    assert_eq!(view(&a).anchor, Anchor::Bottom(98));
    on_event(&mut a, 1, LogEvent::Lines(lines(100, 30)));
    let v = view(&a);
    assert_eq!(v.anchor, Anchor::Bottom(98), "the view stays where it was");
    assert_eq!(v.unseen, 30);
    keys(&mut a, "g");
    assert_eq!(view(&a).anchor, Anchor::Top(0));
    keys(&mut a, "G");
    assert!(view(&a).following());
    assert_eq!(view(&a).unseen, 0);
    // f pauses and resumes.
    keys(&mut a, "f");
    assert_eq!(view(&a).anchor, Anchor::Bottom(129));
    keys(&mut a, " ");
    assert!(view(&a).following());
}

#[test]
fn a_paused_position_moves_with_the_drops() {
    let mut a = opened(&["agent"], 50);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 50)));
    keys(&mut a, "g");
    on_event(&mut a, 1, LogEvent::Lines(lines(50, 20)));
    assert_eq!(view(&a).anchor, Anchor::Top(20));
}

#[test]
fn search_counts_matches_and_n_jumps_between_them() {
    let mut a = opened(&["agent"], 1000);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 100)));
    keys(&mut a, "/erro");
    let s = view(&a).search.clone().unwrap();
    assert!(s.typing);
    assert_eq!(s.matches.len(), 10);
    // While typing, keys are text: `q` does not quit, `n` does not jump.
    let fx = keys(&mut a, "r\n");
    assert!(fx.is_empty());
    let s = view(&a).search.clone().unwrap();
    assert_eq!((s.query.as_str(), s.typing), ("error", false));
    assert_eq!(s.current, Some(90));
    assert!(view(&a).following(), "Enter alone keeps following");
    keys(&mut a, "N");
    assert_eq!(view(&a).search.as_ref().unwrap().current, Some(80));
    assert_eq!(view(&a).anchor, Anchor::Top(78));
    keys(&mut a, "nn");
    assert_eq!(
        view(&a).search.as_ref().unwrap().current,
        Some(0),
        "wraps around"
    );
    // New lines are searched as they come; dropped ones leave the count.
    on_event(&mut a, 1, LogEvent::Lines(lines(100, 11)));
    assert_eq!(view(&a).search.as_ref().unwrap().matches.len(), 12);
    // Smart case: a capital makes it case-sensitive.
    assert!(hits("error", "ERROR x") && !hits("Error", "ERROR x"));
    // Esc while typing drops the search.
    keys(&mut a, "/x\x1b");
    assert!(view(&a).search.is_none());
}

#[test]
fn previous_reads_the_terminated_container_and_back() {
    let mut a = opened(&["agent"], 1000);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 10)));
    let fx = keys(&mut a, "p");
    let [Effect::Logs { id, req }] = &fx[..] else {
        panic!("{fx:?}");
    };
    assert_eq!(*id, 2);
    assert!(req.previous && !req.follow);
    assert_eq!(req.target, LogTarget::Pod("p-1".into()));
    assert!(view(&a).lines.is_empty());
    // The old stream's lines no longer count.
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 10)));
    assert!(view(&a).lines.is_empty());
    let refused = LogEvent::Ended {
        why: Some("previous terminated container \"agent\" in pod \"p-1\" not found".into()),
        retry: None,
    };
    on_event(&mut a, 2, refused);
    assert!(matches!(&view(&a).status, Status::Failed(w) if w.contains("not found")));
    let fx = keys(&mut a, "p");
    assert!(matches!(&fx[..], [Effect::Logs { id: 3, req }] if req.follow && !req.previous));
}

#[test]
fn the_container_picker_only_for_several() {
    let mut a = opened(&["agent"], 1000);
    assert!(keys(&mut a, "c").is_empty());
    assert!(view(&a).picker.is_none());
    assert!(a.toast.as_ref().unwrap().text.contains("one container"));
    let mut a = opened(&["agent", "sidecar"], 1000);
    keys(&mut a, "c");
    assert_eq!(view(&a).picker, Some(0));
    let fx = keys(&mut a, "j\n");
    assert!(
        matches!(&fx[..], [Effect::Logs { req, .. }] if req.container.as_deref() == Some("sidecar"))
    );
    assert!(view(&a).picker.is_none());
}

#[test]
fn reconnecting_and_esc_stops_the_stream() {
    let mut a = opened(&["agent"], 1000);
    let ended = LogEvent::Ended {
        why: Some("the log stream ended".into()),
        retry: Some(2),
    };
    on_event(&mut a, 1, ended);
    assert!(matches!(
        view(&a).status,
        Status::Reconnecting { secs: 2, .. }
    ));
    keys(&mut a, "wt");
    assert!(view(&a).wrap && view(&a).timestamps);
    // The dashboard's writes do not apply here; Esc pops the view and stops the stream.
    assert!(keys(&mut a, "s").is_empty());
    let fx = keys(&mut a, "\x1b");
    assert!(matches!(&fx[..], [Effect::StopLogs]));
    assert!(a.view().is_none());
}

#[test]
fn the_wheel_scrolls_the_log_view_three_lines_a_notch() {
    use crate::app::mouse::wheel;
    let mut a = opened(&["agent"], 1000);
    on_event(&mut a, 1, LogEvent::Lines(lines(0, 100)));
    assert!(wheel(&mut a, false));
    assert_eq!(
        view(&a).anchor,
        Anchor::Bottom(96),
        "up pauses, 3 lines back"
    );
    assert!(wheel(&mut a, true));
    assert_eq!(view(&a).anchor, Anchor::Bottom(99));
    // Not while a dialog is open.
    a.mode = crate::app::Mode::Help;
    assert!(!wheel(&mut a, false));
    assert_eq!(view(&a).anchor, Anchor::Bottom(99));
}
