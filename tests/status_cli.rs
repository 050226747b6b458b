//! `agentdeck status` (the real binary) against the sim: whatever the cluster says is
//! printed without escape sequences or control characters, so an event message cannot clear
//! the operator's screen, retitle the terminal or fake agentdeck's own "healthy" line.

mod common;

use common::SimProcess;

#[test]
fn hostile_event_text_never_reaches_the_terminal() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let message = "boom\u{1b}[2J\u{1b}[H\u{1b}]0;owned\u{7}\u{1b}]8;;http://evil\u{1b}\\click\u{1b}]8;;\u{1b}\\\nstatus: healthy";
    let event = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "hostile.1", "namespace": "ai-agents"},
        "involvedObject": {"kind": "Pod", "name": "ai-agent-service-x\u{1b}[31m", "namespace": "ai-agents"},
        "reason": "Evil\u{9b}2J",
        "message": message,
        "type": "Warning",
        "count": 1,
    });
    let created = common::http(
        &sim.url,
        "POST",
        "/api/v1/namespaces/ai-agents/events",
        &event.to_string(),
    );
    assert!(created.contains("hostile.1"), "{created}");

    let (_, text, err) = sim.agentdeck(&["status"], "");
    assert!(text.contains("boomclick"), "the words stay: {text}\n{err}");
    let (_, json, _) = sim.agentdeck(&["status", "--json"], "");
    for (what, out) in [("text", &text), ("json", &json)] {
        assert!(
            !out.contains('\u{1b}'),
            "{what} output holds an ESC byte: {out:?}"
        );
        assert!(
            !out.chars().any(|c| c.is_control() && c != '\n'),
            "{what} output holds a control character: {out:?}"
        );
        assert!(!out.contains("\\u001b"), "{what}: an escaped ESC: {out}");
    }
    // The message's own "status: healthy" stays inside its warning line: the only line
    // that starts with "status:" is agentdeck's verdict.
    let verdicts = text.lines().filter(|l| l.starts_with("status:")).count();
    assert_eq!(verdicts, 1, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("warning Evil") && l.ends_with("status: healthy")),
        "{text}"
    );
}

/// What the dashboard refuses, `status` refuses too, naming the config file; a config line
/// with escape bytes is quoted without them; a config that is no file is refused at once.
#[test]
fn config_errors_name_the_file_and_print_no_control_bytes() {
    let sim = SimProcess::start(&["--preload"]);
    let dir = tempfile::tempdir().unwrap();
    let run = |text: &str| {
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        sim.agentdeck(&["--config", path.to_str().unwrap(), "status"], "")
    };
    let path = dir.path().join("config.toml").display().to_string();
    let (code, _, err) = run("[keys]\nscale = \"r\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&path) && err.contains("both bound"), "{err}");
    let (code, _, err) = run("[ui]\ntheme = \"nope\"\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&path) && err.contains("no such theme"),
        "{err}"
    );
    let (code, _, err) = run("[ui]\ntheme = \"x\u{1b}[2J\u{1b}]0;owned\u{7}\"\n");
    assert_ne!(code, 0, "{err}");
    assert!(err.contains(&path), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    let (code, _, err) = sim.agentdeck(&["--config", "/dev/zero", "status"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("/dev/zero") && err.contains("not a regular file"),
        "{err}"
    );
}
