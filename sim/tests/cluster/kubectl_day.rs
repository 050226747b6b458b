//! An on-call engineer's kubectl day against the sim (the bundled stack), with kubectl 1.33
//! (the PATH dispatcher picks it from the sim's version) and kubectl 1.27: every row is a
//! command a user types, in order, with what a real 1.33 cluster answers — or how a real
//! cluster without that feature fails. The test prints the table (command × version →
//! works / fails like a real cluster) and fails listing every row that differed.

#[path = "kubectl_day/rows.rs"]
mod rows;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{SimThread, preload, require_tool};
use rows::{Expect, Row};

/// One row's outcome: exit status, stdout, stderr.
struct Outcome {
    success: bool,
    out: String,
    err: String,
}

fn run_row(sim: &SimThread, bin: &str, row: &Row) -> Outcome {
    let mut c = sim.kubectl(bin);
    c.args(row.args);
    if let Some((k, v)) = row.env {
        c.env(k, v);
    }
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn kubectl");
    let input = row.stdin.unwrap_or("");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("kubectl output");
    Outcome {
        success: out.status.success(),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Whether `o` is what the row expects; Err says what differed.
fn check(expect: &Expect, o: &Outcome) -> Result<String, String> {
    let first_line = |s: &str| s.lines().next().unwrap_or("").trim().to_string();
    match expect {
        Expect::Out(want) => {
            if !o.success {
                return Err(format!("failed: {}", first_line(&o.err)));
            }
            match want.iter().find(|w| !o.out.contains(*w)) {
                Some(w) => Err(format!("{w:?} not in the output:\n{}", o.out)),
                None => Ok("works".into()),
            }
        }
        Expect::Fails(want) => {
            if o.success {
                return Err(format!("succeeded, expected the failure {want:?}"));
            }
            if !o.err.contains(want) {
                return Err(format!("failed with {:?}, expected {want:?}", o.err.trim()));
            }
            let line = o.err.lines().find(|l| l.contains(want)).unwrap_or(want);
            Ok(format!("fails like a real 1.33 cluster: `{}`", line.trim()))
        }
        Expect::Differs(want) => {
            if o.success || o.out.is_empty() {
                return Err(format!(
                    "expected exit 1 with a diff, got success={} stderr={}",
                    o.success,
                    first_line(&o.err)
                ));
            }
            match o.out.contains(want) {
                true => Ok("works (exit 1, diff shown)".into()),
                false => Err(format!("{want:?} not in the diff:\n{}", o.out)),
            }
        }
    }
}

/// What a row's stdin manifest is, for the table: " < ConfigMap settings (mode: busy)".
fn manifest_label(m: &str) -> String {
    let field = |k: &str| {
        m.lines().find_map(|l| l.trim().strip_prefix(k)).map(|v| {
            v.trim()
                .trim_matches(|c| c == '{' || c == '}')
                .trim()
                .to_string()
        })
    };
    let kind = field("kind:").unwrap_or_default();
    let name = field("name:").unwrap_or_default();
    let detail = field("replicas:")
        .map(|r| format!("replicas: {r}"))
        .or_else(|| field("data:"))
        .or_else(|| field("dataa:").map(|d| format!("dataa: {d}")))
        .unwrap_or_default();
    format!(" < {kind} {name} ({detail})")
}

fn day(bin: &str, v127: bool) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(4.0));
    let mut table = Vec::new();
    let mut failures = Vec::new();
    for row in rows::ROWS {
        let expect = match (&row.v127, v127) {
            (Some(e), true) => e,
            _ => &row.expect,
        };
        let o = run_row(&sim, bin, row);
        let input = row.stdin.map(manifest_label);
        let cmd = format!(
            "kubectl {}{}",
            row.args.join(" "),
            input.unwrap_or_default()
        );
        match check(expect, &o) {
            Ok(what) => table.push(format!("| `{cmd}` | {bin} | {what} |")),
            Err(why) => {
                table.push(format!(
                    "| `{cmd}` | {bin} | **differs**: {} |",
                    why.lines().next().unwrap_or("")
                ));
                failures.push(format!("{cmd}\n  {why}\n  stderr: {}", o.err.trim()));
            }
        }
    }
    println!("{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{bin}: {} of {} rows differ from a real cluster:\n{}",
        failures.len(),
        rows::ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn kubectl_1_33_day() {
    day("kubectl", false);
}

#[test]
fn kubectl_1_27_day() {
    day("kubectl.1.27", true);
}
