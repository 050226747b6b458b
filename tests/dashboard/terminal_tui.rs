//! The real binary in the terminals it meets: a mouse click selects a workload and the
//! wheel scrolls (tmux writes the terminal's SGR mouse reports into the pane), the mouse
//! is released on quit and stays off with `[ui] mouse = false`, NO_COLOR draws no colour,
//! remapped keys work and show, and TERM=dumb or a bad `[keys]` is refused before the
//! terminal is touched.

use crate::common::{SimProcess, require_tool, tmux::Tmux};

/// Write the terminal's SGR report of `button` at 0-based (`x`, `y`) into the pane, as a
/// terminal with the mouse captured would (press; and release for a click).
fn mouse(t: &Tmux, button: u8, x: usize, y: usize, release: bool) {
    let mut seq = format!("\x1b[<{button};{};{}M", x + 1, y + 1);
    if release {
        seq.push_str(&format!("\x1b[<{button};{};{}m", x + 1, y + 1));
    }
    let hex: Vec<String> = seq.bytes().map(|b| format!("{b:02x}")).collect();
    let mut args = vec!["send-keys", "-t", &t.session, "-H"];
    args.extend(hex.iter().map(String::as_str));
    t.cmd(&args);
}

/// (line of the workloads' header, column of its NAME) on `screen`.
fn workloads_header(screen: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("READY") && l.contains("RESTARTS"))
        .find_map(|(y, l)| l.find("NAME").map(|x| (y, l[..x].chars().count())))
        .unwrap_or_else(|| panic!("no workloads table:\n{screen}"))
}

fn selected_line(screen: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains('▶'))
}

#[test]
fn a_click_selects_a_workload_and_the_wheel_scrolls() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.dashboard("mouse");
    let screen = t.wait_for(30, "two workloads", |s| {
        s.contains("workloads 2") && s.contains('▶')
    });
    assert_eq!(t.display("#{mouse_any_flag}"), "1", "the mouse is captured");
    let (header, x) = workloads_header(&screen);
    assert_eq!(selected_line(&screen), Some(header + 1), "{screen}");
    // A left click on the second row selects it.
    mouse(&t, 0, x + 2, header + 2, true);
    let screen = t.wait_for(10, "the second row selected", |s| {
        selected_line(s) == Some(header + 2)
    });
    let name = screen.lines().nth(header + 2).unwrap().to_string();
    // The wheel up moves the selection back to the first row.
    mouse(&t, 64, x + 2, header + 2, false);
    t.wait_for(10, "the first row selected", |s| {
        selected_line(s) == Some(header + 1)
    });
    // Wheel down: the second again.
    mouse(&t, 65, x + 2, header + 2, false);
    t.wait_for(10, "the second row again", |s| {
        s.lines().nth(header + 2) == Some(name.as_str())
    });
    // Colours are drawn here (what the NO_COLOR test checks the absence of).
    let styled = t.cmd(&["capture-pane", "-e", "-p", "-t", &t.session]);
    assert!(!colour_codes(&styled).is_empty(), "{styled}");
    t.send(&["q"]);
    t.wait_for(10, "the shell", |s| s.contains("ready$"));
    assert_eq!(
        t.display("#{mouse_any_flag}"),
        "0",
        "the mouse is released on quit"
    );
}

/// The SGR colour parameters (30–49 but 39/49, 90–107) in `styled`, with their sequences.
fn colour_codes(styled: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in styled.split("\x1b[").skip(1) {
        let Some(end) = part.find('m') else { continue };
        let params = &part[..end];
        if !params.chars().all(|c| c.is_ascii_digit() || c == ';') {
            continue;
        }
        let colour = params
            .split(';')
            .filter_map(|p| p.parse::<u32>().ok())
            .any(|p| (30..=48).contains(&p) && p != 39 || (90..=107).contains(&p));
        if colour {
            found.push(params.to_string());
        }
    }
    found
}

#[test]
fn no_color_draws_no_colour_in_a_real_terminal() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.dashboard_with("nocolor", "NO_COLOR=1 ", &[]);
    t.wait_for(30, "the workloads", |s| {
        s.contains("workloads 2") && s.contains('▶')
    });
    let styled = t.cmd(&["capture-pane", "-e", "-p", "-t", &t.session]);
    assert_eq!(colour_codes(&styled), Vec::<String>::new(), "{styled}");
    // The selection is in reverse video.
    assert!(
        styled.contains("\x1b[7m") || styled.contains(";7m"),
        "{styled}"
    );
    t.send(&["q"]);
    // --no-color does the same.
    let t2 = sim.dashboard_with("nocolorflag", "", &["--no-color"]);
    t2.wait_for(30, "the workloads", |s| s.contains("workloads 2"));
    let styled = t2.cmd(&["capture-pane", "-e", "-p", "-t", &t2.session]);
    assert_eq!(colour_codes(&styled), Vec::<String>::new(), "{styled}");
    t2.send(&["q"]);
}

#[test]
fn config_turns_the_mouse_off_and_remaps_keys() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let cfg = sim.dir.path().join("keys.toml");
    std::fs::write(&cfg, "[ui]\nmouse = false\n\n[keys]\nscale = \"X\"\n").unwrap();
    let t = sim.dashboard_with("keys", "", &["--config", cfg.to_str().unwrap()]);
    let screen = t.wait_for(30, "the workloads", |s| s.contains("workloads 2"));
    assert!(screen.contains("<X> scale"), "{screen}");
    assert_eq!(
        t.display("#{mouse_any_flag}"),
        "0",
        "the mouse is left alone"
    );
    t.send(&["s"]);
    t.send(&["X"]);
    t.wait_for(10, "the replicas asked for", |s| s.contains("replicas:"));
    t.send(&["Escape"]);
    t.send(&["q"]);
}

fn agentdeck(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    // The demo makes its own cluster (it takes no --kubeconfig).
    let kubeconfig: &[&str] = if args.first() == Some(&"demo") {
        &[]
    } else {
        &["--kubeconfig", "/nonexistent/kubeconfig"]
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(kubeconfig)
        .args(args)
        .env("HOME", dir.path())
        .env("AGENTDECK_LOG_FILE", dir.path().join("agentdeck.log"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_dumb_terminal_is_refused_with_a_pointer_to_status() {
    for args in [&[][..], &["demo"][..]] {
        let (code, out, err) = agentdeck(args, &[("TERM", "dumb")]);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "nothing drawn: {args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("TERM=dumb") && err.contains("agentdeck status"),
            "{err}"
        );
        assert!(!err.contains('\x1b'), "{err:?}");
    }
}

#[test]
fn a_bad_keys_table_is_refused_naming_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    for (keys, says) in [
        (
            "scale = \"r\"",
            &["keys.scale", "keys.restart", "\"r\""][..],
        ),
        (
            "scale = \"shift-s\"",
            &["keys.scale", "\"shift-s\" is not a key"][..],
        ),
        ("sclae = \"S\"", &["keys.sclae", "no action"][..]),
    ] {
        std::fs::write(&cfg, format!("[keys]\n{keys}\n")).unwrap();
        let (code, _, err) = agentdeck(&["--config", cfg.to_str().unwrap()], &[("TERM", "xterm")]);
        assert_eq!(code, 2, "{keys}: {err}");
        for s in says {
            assert!(err.contains(s), "{keys}: {err}");
        }
    }
}

#[test]
fn sixteen_colours_on_a_plain_xterm() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let t = sim.dashboard_with("ansi16", "TERM=xterm COLORTERM= ", &[]);
    t.wait_for(30, "the workloads", |s| {
        s.contains("workloads 2") && s.contains('▶')
    });
    let styled = t.cmd(&["capture-pane", "-e", "-p", "-t", &t.session]);
    let codes = colour_codes(&styled);
    assert!(!codes.is_empty(), "{styled}");
    // Only the 16 named colours (crossterm writes them as indexes 0–15): no index above
    // 15, no RGB.
    let beyond: Vec<&String> = codes.iter().filter(|c| !within_16(c)).collect();
    assert!(beyond.is_empty(), "{beyond:?}\n{styled}");
    t.send(&["q"]);
}

/// Whether the colours of one SGR parameter list are among the 16: 30–37, 90–97 (and
/// backgrounds), or an extended colour `38;5;N` / `48;5;N` with N below 16.
fn within_16(params: &str) -> bool {
    let p: Vec<u32> = params.split(';').filter_map(|p| p.parse().ok()).collect();
    let mut i = 0;
    while i < p.len() {
        if p[i] == 38 || p[i] == 48 {
            match (p.get(i + 1), p.get(i + 2)) {
                (Some(5), Some(n)) if *n < 16 => i += 3,
                _ => return false,
            }
        } else {
            i += 1;
        }
    }
    true
}

/// The pane's tty flags `isig`, `icanon`, `echo` as `stty -a` shows them now ("-echo":
/// off), typed into the shell and read back from the screen.
fn tty_flags(t: &Tmux, marker: &str) -> String {
    t.send(&[
        &format!(
            "echo {marker}=$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(isig|icanon|echo)' | paste -sd,)"
        ),
        "Enter",
    ]);
    let screen = t.wait_for(10, marker, |s| {
        s.lines().any(|l| l.starts_with(&format!("{marker}=")))
    });
    let line = screen
        .lines()
        .find(|l| l.starts_with(&format!("{marker}=")))
        .unwrap();
    line[marker.len() + 1..].trim().to_string()
}

/// Wait until tmux reports `fmt` as `want` (a pane flag that the program sets or clears).
fn wait_flag(t: &Tmux, fmt: &str, want: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while t.display(fmt) != want {
        assert!(
            std::time::Instant::now() < deadline,
            "{fmt} stays {} (want {want}); screen:\n{}",
            t.display(fmt),
            t.capture()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// SIGTERM, SIGINT and SIGHUP to the dashboard (`kill`, a closed SSH session) leave the
/// terminal as it was: the normal screen, the tty in cooked mode with echo, the cursor
/// shown, the mouse released.
#[test]
fn signals_leave_the_terminal_as_they_found_it() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    for sig in ["TERM", "INT", "HUP"] {
        let name = format!("sig{}", sig.to_lowercase());
        let home = sim.dir.path().join(format!("{name}-home"));
        std::fs::create_dir_all(&home).unwrap();
        let t = Tmux::start(&name, 140, 40, &[("HOME", home.to_str().unwrap())]);
        t.wait_for(10, "the shell", |s| s.contains("ready$"));
        let before = tty_flags(&t, "BEFORE");
        assert_eq!(before, "isig,icanon,echo");
        t.send(&[
            &format!(
                "clear; AGENTDECK_LOG_FILE={}/log {} --kubeconfig {}",
                home.display(),
                env!("CARGO_BIN_EXE_agentdeck"),
                sim.kubeconfig.display()
            ),
            "Enter",
        ]);
        t.wait_for(30, "the dashboard", |s| s.contains("workloads 2"));
        wait_flag(&t, "#{mouse_any_flag}", "1");
        let shell = t.display("#{pane_pid}");
        let out = std::process::Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep");
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "the dashboard's pid under {shell}");
        let killed = std::process::Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        wait_flag(&t, "#{alternate_on}", "0");
        t.wait_for(10, "the shell's prompt", |s| s.contains("ready$"));
        assert_eq!(
            t.display("#{mouse_any_flag}"),
            "0",
            "SIG{sig}: mouse released"
        );
        assert_eq!(t.display("#{cursor_flag}"), "1", "SIG{sig}: cursor shown");
        assert_eq!(tty_flags(&t, "AFTER"), before, "SIG{sig}: tty mode");
    }
}

/// Ctrl-C at `rotate-key`'s masked prompt, under a parent shell that carries on (a script
/// with a trap): the echo is back when agentdeck has gone.
#[test]
fn ctrl_c_at_the_masked_prompt_gives_the_echo_back() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let home = sim.dir.path().join("prompt-home");
    std::fs::create_dir_all(&home).unwrap();
    let t = Tmux::start("prompt", 140, 40, &[("HOME", home.to_str().unwrap())]);
    t.wait_for(10, "the shell", |s| s.contains("ready$"));
    t.send(&[
        &format!(
            "sh -c 'trap : INT; AGENTDECK_LOG_FILE={}/log {} --kubeconfig {} rotate-key; echo ECHO=$(stty -a | tr \" ;\" \"\\n\\n\" | grep -xE -- \"-?echo\")'",
            home.display(),
            env!("CARGO_BIN_EXE_agentdeck"),
            sim.kubeconfig.display()
        ),
        "Enter",
    ]);
    t.wait_for(20, "the masked prompt", |s| {
        s.contains("new API key (input hidden)")
    });
    t.send(&["C-c"]);
    let screen = t.wait_for(10, "the parent's stty", |s| {
        s.lines().any(|l| l.starts_with("ECHO="))
    });
    let line = screen.lines().find(|l| l.starts_with("ECHO=")).unwrap();
    assert_eq!(line.trim(), "ECHO=echo", "{screen}");
}

/// 100 KB pasted into the filter (tmux pastes with bracketed paste, as terminals do when
/// asked): one event, capped, the Esc inside it is no key (no restart question), and the
/// next Esc is not swallowed.
#[test]
fn a_100kb_paste_is_one_capped_event() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let t = sim.dashboard("paste");
    t.wait_for(30, "the dashboard", |s| s.contains("workloads 2"));
    t.send(&["/"]);
    t.wait_for(10, "the filter line", |s| {
        s.lines().last().is_some_and(|l| l.starts_with('/'))
    });
    let file = sim.dir.path().join("paste.txt");
    std::fs::write(&file, format!("abc\u{1b}\u{1b}r{}", "y".repeat(100_000))).unwrap();
    t.cmd(&["load-buffer", "-b", "big", file.to_str().unwrap()]);
    let started = std::time::Instant::now();
    t.cmd(&["paste-buffer", "-p", "-b", "big", "-t", &t.session]);
    let screen = t.wait_for(20, "the paste in the filter", |s| {
        s.lines().last().is_some_and(|l| l.starts_with("/abcryyyy"))
    });
    eprintln!("a 100 KB paste on screen after {:?}", started.elapsed());
    assert!(
        !screen.contains("rollout restart"),
        "a pasted r is no key: {screen}"
    );
    let shown = screen.lines().last().unwrap().matches('y').count();
    assert!(shown < 256, "capped: {shown} shown");
    t.send(&["Escape"]);
    t.wait_for(10, "the filter cleared by one Esc", |s| {
        s.lines().last().is_some_and(|l| l.contains("<?>"))
    });
}

/// A write refused in read-only mode in the dashboard is audited as the CLI's refusal is:
/// one line, result `refused-read-only`, and nothing sent.
#[test]
fn the_dashboards_refusals_are_audited() {
    if !require_tool("tmux") {
        return;
    }
    let sim = SimProcess::start(&["--preload"]);
    let t = sim.dashboard_with("readonly", "", &["--read-only"]);
    t.wait_for(30, "the dashboard", |s| s.contains("workloads 2"));
    t.send(&["r"]);
    t.wait_for(10, "the refusal", |s| {
        s.contains("refused, agentdeck is read-only")
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let line = loop {
        let audit = sim.dashboard_audit("readonly");
        if let Some(l) = audit.lines().find(|l| l.contains("\"restart\"")) {
            break l.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no audit line: {audit:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let e: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(e["result"], "refused-read-only", "{e}");
    assert_eq!(e["target"], "deployment/ai-agent-service", "{e}");
    t.send(&["q"]);
}
