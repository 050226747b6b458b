//! The log view in a real terminal: a workload's pods → a pod's details → `l` → lines that keep coming
//! while following → `/` search (the match count in the title) → `Esc` back to the
//! dashboard; and after an OOM kill, `p` shows the previous container's last lines.

use crate::common::{SimProcess, http, require_tool};

/// The number before " lines" in the log view's title.
fn line_count(screen: &str) -> Option<u64> {
    let title = screen
        .lines()
        .find(|l| l.starts_with("┌") && l.contains(" lines"))?;
    let before = title.split(" lines").next()?;
    before.rsplit(' ').next()?.parse().ok()
}

/// The match count in the title ("/requests 3/12 matches" or "/requests 12 matches").
fn match_count(screen: &str, query: &str) -> Option<u64> {
    let title = screen
        .lines()
        .find(|l| l.starts_with("┌") && l.contains(" lines"))?;
    let rest = title.split(&format!("/{query} ")).nth(1)?;
    let n = rest.split(" matches").next()?;
    n.rsplit('/').next()?.parse().ok()
}

#[test]
fn a_pods_logs_follow_search_and_esc_back() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.dashboard("logs");
    t.wait_for(30, "the workloads", |s| s.contains("ai-agent-service"));
    t.send(&["Enter"]);
    t.wait_for(30, "the pods", |s| {
        s.contains("pods of deployment ai-agent-service") && s.contains("Running")
    });
    // Into the pod's details, then its logs from there.
    t.send(&["Enter"]);
    t.wait_for(30, "the pod's details", |s| {
        s.contains("CONDITIONS") && s.contains("CONTAINERS")
    });
    t.send(&["l"]);
    let first = t.wait_for(30, "the log view following", |s| {
        s.contains("┌ logs ai-agent-service-")
            && s.contains("following")
            && s.contains("INFO ai-agent starting")
            && line_count(s).is_some_and(|n| n > 3)
    });
    let n0 = line_count(&first).unwrap();
    // The sim writes a line every 10 simulated seconds (1 s here): they arrive while
    // following, at the bottom.
    let later = t.wait_for(30, "new lines while following", |s| {
        line_count(s).is_some_and(|n| n >= n0 + 2) && s.contains("following")
    });
    // Without a key Secret the agents log the provider's 401s: long lines, cut until
    // `w` wraps them.
    assert!(later.contains("WARN POST"), "{later}");
    t.send(&["w"]);
    t.wait_for(10, "wrapped lines", |s| {
        s.contains("· wrap") && s.contains("requests in the last 10s")
    });
    t.send(&["/"]);
    t.send(&["-l", "requests"]);
    t.send(&["Enter"]);
    let found = t.wait_for(10, "the matches counted in the title", |s| {
        match_count(s, "requests").is_some_and(|n| n >= 1) && !s.contains("Enter keep")
    });
    assert!(
        !found.contains("Enter keep"),
        "the search input closed: {found}"
    );
    // n jumps to a match and pauses following.
    t.send(&["N"]);
    t.wait_for(10, "paused on a match", |s| s.contains("paused"));
    t.send(&["G"]);
    t.wait_for(10, "following again", |s| s.contains("· following"));
    t.send(&["Escape"]);
    t.wait_for(10, "the pod's details again", |s| {
        s.contains("CONDITIONS") && !s.contains("┌ logs ")
    });
    t.send(&["Escape"]);
    t.wait_for(10, "the pods again", |s| {
        s.contains("pods of deployment") && !s.contains("CONDITIONS")
    });
    t.send(&["Escape"]);
    t.wait_for(10, "the dashboard", |s| {
        s.contains("workloads 2") && !s.contains("pods of deployment")
    });
    t.send(&["q"]);
}

#[test]
fn p_shows_the_previous_containers_last_lines_after_an_oom_kill() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.pods_after_an_oom_kill("logs-oom");
    t.send(&["l"]);
    t.wait_for(30, "the log view", |s| {
        s.contains("┌ logs ai-agent-service-")
    });
    // The first pod may not have been killed yet: ask again until it has.
    let mut screen = String::new();
    for _ in 0..20 {
        t.send(&["p"]);
        screen = t.wait_for(20, "the previous container's log or why not", |s| {
            s.contains("previous container")
                && ((s.contains("exceeds the container's limit")
                    && s.contains("end of the previous container's log"))
                    || s.contains("not found"))
        });
        if screen.contains("exceeds the container's limit") {
            break;
        }
        t.send(&["p"]);
        t.wait_for(10, "the current log", |s| !s.contains("previous container"));
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    assert!(
        screen.contains("exceeds the container's limit"),
        "the last words before the kill: {screen}"
    );
    assert!(
        screen.contains("end of the previous container's log"),
        "{screen}"
    );
    assert!(screen.contains("WARN memory working set"), "{screen}");
    // p again: the current container, following.
    t.send(&["p"]);
    t.wait_for(20, "the current container again", |s| {
        !s.contains("previous container") && s.contains("INFO ai-agent starting")
    });
    t.send(&["q"]);
}

/// The pod named in the log view's title ("logs POD/CONTAINER …").
fn pod_in_title(screen: &str) -> Option<String> {
    let title = screen.lines().find(|l| l.contains("┌ logs "))?;
    let rest = title.split("┌ logs ").nth(1)?;
    Some(rest.split('/').next()?.to_string())
}

#[test]
fn refusals_and_a_gone_pod_are_said_in_words() {
    if !require_tool("tmux") {
        return;
    }
    // RBAC refuses pods/log: said on the last row, not retried.
    let sim = SimProcess::start(&["--preload", "--time-scale", "10", "--deny", "get pods/log"]);
    let t = sim.dashboard("logs-denied");
    t.wait_for(30, "the workloads", |s| s.contains("ai-agent-service"));
    t.send(&["l"]);
    let s = t.wait_for(30, "the refusal", |s| {
        s.contains("✖") && s.contains("stopped")
    });
    assert!(s.contains("forbidden"), "{s}");
    t.send(&["q"]);
    drop(t);
    drop(sim);

    // The pod followed is deleted: the view says it is gone.
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.dashboard("logs-gone");
    t.wait_for(30, "the workloads", |s| s.contains("ai-agent-service"));
    t.send(&["Enter"]);
    t.wait_for(30, "the pods", |s| s.contains("Running"));
    t.send(&["l"]);
    let s = t.wait_for(30, "the log view", |s| {
        s.contains("following") && s.contains("INFO ai-agent starting")
    });
    let pod = pod_in_title(&s).expect("the pod in the title");
    http(
        &sim.url,
        "DELETE",
        &format!("/api/v1/namespaces/ai-agents/pods/{pod}"),
        r#"{"gracePeriodSeconds": 0}"#,
    );
    let s = t.wait_for(60, "the pod gone", |s| s.contains("is gone"));
    assert!(s.contains(&format!("pod {pod} is gone")), "{s}");
    t.send(&["q"]);
}
