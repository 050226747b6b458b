//! A real terminal for the real binary: a tmux session running bash, typed into with
//! send-keys and read with capture-pane.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub session: String,
}

/// The suite's own tmux server (`tmux -L`): never the developer's, whose environment
/// (`XDG_STATE_HOME`, `HOME`) a session would inherit.
pub const SOCKET: &str = "agentdeck-tests";

/// `tmux -L SOCKET …`.
fn tmux() -> Command {
    let mut c = Command::new("tmux");
    c.args(["-L", SOCKET]);
    c
}

impl Tmux {
    /// A detached session `width`×`height` running a plain bash with prompt `ready$ ` and
    /// these variables (given with -e: a tmux server already running would not pass on the
    /// test's own environment).
    pub fn start(name: &str, width: u16, height: u16, env: &[(&str, &str)]) -> Tmux {
        let session = format!("agentdeck-{name}-{}", std::process::id());
        let (w, h) = (width.to_string(), height.to_string());
        let mut args = vec!["new-session", "-d", "-s", &session, "-x", &w, "-y", &h];
        let vars: Vec<String> = env
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(["PS1=ready$ ".to_string()])
            .collect();
        for v in &vars {
            args.extend(["-e", v.as_str()]);
        }
        args.extend(["bash", "--norc", "--noprofile"]);
        // A server whose last session was just killed exits; a new session racing it
        // fails with "server exited unexpectedly": the next try starts a new server.
        let mut tries = 0;
        loop {
            let out = tmux().args(&args).output().unwrap();
            if out.status.success() {
                break;
            }
            tries += 1;
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                tries < 5 && err.contains("server exited unexpectedly"),
                "tmux new-session failed: {err}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Tmux { session }
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let out = tmux().args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Type `keys` (tmux key names or text) into the session.
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    pub fn capture(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", &self.session])
    }

    pub fn display(&self, fmt: &str) -> String {
        self.cmd(&["display-message", "-p", "-t", &self.session, fmt])
            .trim()
            .to_string()
    }

    /// The screen once `f` holds for it; fails the test after `secs`.
    pub fn wait_for(&self, secs: u64, what: &str, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let screen = self.capture();
            if f(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux().args(["kill-session", "-t", &self.session]).output();
    }
}
