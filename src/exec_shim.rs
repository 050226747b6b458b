//! `agentdeck exec-plugin`: what the kube client runs in place of a kubeconfig's exec
//! credential plugin (see [`crate::cluster::connect`]). It runs the real plugin with a
//! timeout — an SSO login waiting for a browser must not hang `status` or blank the
//! dashboard — passes its ExecCredential through, and bounds what it says: a few lines of
//! its stderr, scrubbed of anything that looks like a token, never megabytes.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The largest ExecCredential passed through.
const STDOUT_LIMIT: usize = 1 << 20;
/// What is kept of the plugin's stderr: the first bytes, then a few lines of them.
const STDERR_KEPT: usize = 4096;
const STDERR_LINES: usize = 5;

/// Read all of `r`, keeping the first `keep` bytes; returns them and the total read.
fn bounded(mut r: impl Read, keep: usize) -> (Vec<u8>, usize) {
    let (mut kept, mut total, mut buf) = (Vec::new(), 0, [0u8; 8192]);
    while let Ok(n) = r.read(&mut buf) {
        if n == 0 {
            break;
        }
        total += n;
        let room = keep.saturating_sub(kept.len());
        kept.extend_from_slice(&buf[..n.min(room)]);
    }
    (kept, total)
}

/// The first lines of the plugin's stderr, printable and without tokens.
fn said(err: &[u8], total: usize) -> String {
    let text = String::from_utf8_lossy(err);
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(STDERR_LINES)
        .map(|l| crate::format::clip(&crate::text::scrub_tokens(&crate::text::printable(l)), 200))
        .collect();
    if total > err.len() || text.lines().count() > STDERR_LINES {
        lines.push(format!("(… {total} bytes in all, not shown)"));
    }
    lines.join("\n")
}

/// Run `command` (the plugin and its arguments) for at most `timeout`. Exit code: the
/// plugin's, 1 when it timed out or could not start.
pub(crate) fn run(timeout: Duration, command: &[String]) -> u8 {
    let Some((program, args)) = command.split_first() else {
        eprintln!("agentdeck exec-plugin: no plugin to run");
        return 1;
    };
    let name = crate::text::printable(program);
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("the credential plugin {name} could not start: {e}");
            return 1;
        }
    };
    let out = child
        .stdout
        .take()
        .map(|o| std::thread::spawn(move || bounded(o, STDOUT_LIMIT + 1)));
    let err = child
        .stderr
        .take()
        .map(|e| std::thread::spawn(move || bounded(e, STDERR_KEPT)));
    let status = wait(&mut child, timeout);
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        eprintln!(
            "the credential plugin {name} did not finish within {}s: it may be waiting for a login (a browser, a prompt); log in first (e.g. `kubectl get ns`), or raise exec_plugin_timeout_secs",
            timeout.as_secs()
        );
        return 1;
    };
    let (stdout, out_total) = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let (stderr, err_total) = err.and_then(|h| h.join().ok()).unwrap_or_default();
    if !status.success() {
        let code = status.code().unwrap_or(1).clamp(1, 255) as u8;
        eprintln!(
            "the credential plugin {name} failed ({status}):\n{}",
            said(&stderr, err_total)
        );
        return code;
    }
    if out_total > STDOUT_LIMIT {
        eprintln!(
            "the credential plugin {name} wrote {out_total} bytes: no ExecCredential is that large"
        );
        return 1;
    }
    let _ = std::io::stdout().write_all(&stdout);
    0
}

/// The plugin's exit status, or None when `timeout` passed first.
fn wait(child: &mut std::process::Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(s)) => return Some(s),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}
