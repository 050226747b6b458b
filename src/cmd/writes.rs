//! The write subcommands — `scale`, `restart`, `rotate-key`, `deploy`, `set-resources` — as a face of
//! `cluster::ops`: build the request, print the plan, confirm (`--yes`, or a y/N question
//! on a terminal; without either nothing is done), print each progress event, map the
//! outcome to an exit code. No operation logic lives here.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use crate::cluster::Target;
use crate::config::Config;
use crate::error::Error;
use crate::ops::deploy::Change;
use crate::ops::{self, OpError, Ops, Outcome, Plan, PlanKind, Request, WorkloadRef};
use crate::output;
use crate::output::Output;
use crate::secret::Secret;

/// Parse the value of `flag`: "90", "90s", "5m", "1.5h" — more than 0, at most a week.
pub fn parse_duration(flag: &str, s: &str) -> Result<Duration, Error> {
    crate::quantity::duration(s)
        .filter(|d| !d.is_zero() && d.as_secs_f64() <= 7.0 * 86400.0)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{flag} {:?}: give a duration like 90s, 5m, 1h or 7d (at most a week)",
                s.trim()
            ))
        })
}

/// Ask on the terminal; refuse without one.
fn confirm(question: &str, yes: bool) -> Result<(), Error> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::NotConfirmed(format!(
            "{question}. Pass --yes to confirm (stdin is not a terminal)"
        )));
    }
    eprint!("{question}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("reading the answer", e))?;
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::NotConfirmed("nothing was changed".into()))
    }
}

/// What every write subcommand takes besides its own arguments.
pub struct Common<'a> {
    pub cfg: &'a Config,
    pub target: &'a Target,
    pub yes: bool,
    /// `--timeout`, else the config's `operations.timeout_secs`.
    pub timeout: Option<String>,
    /// `-o json|yaml`: the result as one object on stdout, everything else on stderr.
    pub output: Option<Output>,
}

async fn connect_ops(c: &Common<'_>) -> Result<Ops, Error> {
    let timeout = op_timeout(c)?;
    let conn = crate::cluster::connect(c.target, &c.cfg.stack.namespace).await?;
    Ok(Ops::new(conn, c.cfg, timeout))
}

fn op_timeout(c: &Common<'_>) -> Result<std::time::Duration, Error> {
    Ok(match c.timeout.as_deref() {
        Some(t) => parse_duration("--timeout", t)?,
        None => c.cfg.operations.timeout(),
    })
}

/// `f` within the operation's deadline; past it, a timeout naming `what` and the limit.
async fn within<T>(
    deadline: tokio::time::Instant,
    limit: std::time::Duration,
    what: &str,
    f: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout_at(deadline, f)
        .await
        .unwrap_or_else(|_| {
            Err(OpError::Timeout(format!(
                "{what}: the operation did not finish within --timeout {}s",
                limit.as_secs()
            ))
            .into())
        })
}

/// Plan, show, confirm, execute, print: the one flow of every write subcommand. A
/// concurrent change (409 on the key's Secret) is read again and asked about again. With
/// `-o`, stdout gets only the result object (or a dry run's objects).
async fn run(c: &Common<'_>, req: Request) -> Result<u8, Error> {
    // `--timeout` bounds the whole operation (a question answered at the terminal aside).
    let limit = op_timeout(c)?;
    let mut deadline = tokio::time::Instant::now() + limit;
    let ops = within(deadline, limit, "connecting", connect_ops(c)).await?;
    let preview = matches!(&req, Request::Deploy(a) if a.dry_run);
    let report = Report {
        operation: req.operation().name(),
        object: req.target(&ops),
        ops: &ops,
        output: c.output,
    };
    let mut plan = within(deadline, limit, "reading the cluster", async {
        Ok(ops::plan(&ops, req).await?)
    })
    .await?;
    print_plan(&plan, c.output.is_some());
    if preview {
        if let Some(f) = c.output {
            print!("{}", output::render_objects(&planned_objects(&plan), f));
        }
        return Ok(u8::from(plan.has_errors()));
    }
    if let Some(why) = plan.nothing_to_do() {
        return Ok(report.finish("unchanged", &why));
    }
    let quiet = c.output.is_some();
    for _ in 0..4 {
        if c.yes {
            say(quiet, &plan.question());
        }
        let asked = tokio::time::Instant::now();
        confirm(&plan.question(), c.yes)?;
        deadline += asked.elapsed();
        let mut show = |p: ops::Progress| say(quiet, &p.to_string());
        let question = plan.question();
        let outcome = tokio::time::timeout_at(deadline, ops::execute(plan, &mut show)).await;
        let Ok(outcome) = outcome else {
            // Cut off mid-write: its audit line says so; what the cluster did is unknown.
            let e = OpError::Timeout(format!(
                "{question}: not finished within --timeout {}s; what was written may have taken effect (look with kubectl)",
                limit.as_secs()
            ));
            ops.record(report.operation, &report.object, &Err(e.clone()));
            return Err(e.into());
        };
        match outcome? {
            Outcome::Done(summary) => return Ok(report.finish("done", &summary)),
            Outcome::Incomplete(why) => return Ok(report.finish("incomplete", &why)),
            Outcome::AskAgain {
                reason,
                plan: again,
            } => {
                eprintln!("{reason}; read it again:");
                plan = *again;
            }
        }
    }
    Err(OpError::Conflict("it kept changing while agentdeck wrote it".into()).into())
}

/// A line of the plan or progress: stdout, or stderr when stdout is for `-o`.
fn say(quiet: bool, line: &str) {
    if quiet {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// How an operation ended, printed as text or as the `-o` object.
struct Report<'a> {
    operation: &'static str,
    object: String,
    ops: &'a Ops,
    output: Option<Output>,
}

impl Report<'_> {
    /// Print the outcome ("done", "unchanged", "incomplete"); the exit code (1: incomplete).
    fn finish(&self, outcome: &str, message: &str) -> u8 {
        let code = u8::from(outcome == "incomplete");
        match self.output {
            None if code == 0 => println!("{message}"),
            None => eprintln!("agentdeck: {message}"),
            Some(f) => {
                let v = serde_json::json!({
                    "operation": self.operation,
                    "object": self.object,
                    "namespace": self.ops.conn.namespace,
                    "context": self.ops.conn.context,
                    "outcome": outcome,
                    "message": message,
                });
                print!("{}", output::render(&v, f));
            }
        }
        code
    }
}

/// The objects a deploy plan would apply (not those skipped or refused by the dry run).
fn planned_objects(plan: &Plan) -> Vec<serde_json::Value> {
    match plan.kind() {
        PlanKind::Deploy { items, .. } => items
            .iter()
            .filter(|i| {
                !matches!(
                    i.change,
                    Change::Skipped(_) | Change::Error(_) | Change::Conflict(_)
                )
            })
            .map(|i| i.doc.object.clone())
            .collect(),
        _ => Vec::new(),
    }
}

fn print_plan(plan: &Plan, quiet: bool) {
    let details = plan.details();
    if !details.is_empty() {
        say(quiet, "plan (server-side dry run):");
        for l in details {
            say(quiet, &l);
        }
    }
    if plan.has_conflicts() {
        say(
            quiet,
            "another field manager owns the conflicting fields: rerun with --force-conflicts to take them over",
        );
    }
}

pub async fn scale(c: &Common<'_>, deployment: &str, replicas: &str) -> Result<u8, Error> {
    let req = Request::Scale {
        workload: WorkloadRef::parse(deployment)?,
        replicas: replicas.into(),
    };
    run(c, req).await
}

pub async fn restart(c: &Common<'_>, deployment: &str, wait: bool) -> Result<u8, Error> {
    let req = Request::Restart {
        workload: WorkloadRef::parse(deployment)?,
        wait,
    };
    run(c, req).await
}

/// `delete pod NAME` / `delete pod/NAME`: only pods are deleted here.
pub async fn delete(c: &Common<'_>, what: &str, name: Option<&str>) -> Result<u8, Error> {
    let (kind, pod) = match (what.split_once('/'), name) {
        (Some((k, n)), None) => (k, n),
        (None, Some(n)) => (what, n),
        (Some(_), Some(_)) => {
            return Err(Error::Usage(format!(
                "give the pod once: `delete {what}` or `delete pod NAME`, not both"
            )));
        }
        (None, None) => {
            return Err(Error::Usage(format!(
                "which {what}? give its name: agentdeck delete pod NAME"
            )));
        }
    };
    if !matches!(kind, "pod" | "pods" | "po") {
        return Err(Error::Usage(format!(
            "agentdeck deletes pods only (`delete pod NAME`), not {kind:?}; for other objects use kubectl"
        )));
    }
    run(
        c,
        Request::DeletePod {
            pod: pod.to_string(),
        },
    )
    .await
}

/// `silence ALERTNAME` or `silence --expire ID`.
pub async fn silence(
    c: &Common<'_>,
    alertname: Option<String>,
    length: String,
    comment: String,
    expire: Option<String>,
) -> Result<u8, Error> {
    let req = match (expire, alertname) {
        (Some(id), _) => Request::ExpireSilence { id },
        (None, Some(alertname)) => Request::SilenceAlert {
            alertname,
            length,
            comment,
        },
        (None, None) => {
            return Err(Error::Usage(
                "silence: give the alert's name, or --expire ID".into(),
            ));
        }
    };
    run(c, req).await
}

/// Where the new key comes from: a file, stdin, or a masked prompt — never argv.
fn read_key(from_file: Option<&std::path::Path>, from_stdin: bool) -> Result<Secret, Error> {
    if let Some(p) = from_file {
        let text = std::fs::read_to_string(p)
            .map_err(|e| Error::io(&format!("cannot read the key file {}", p.display()), e))?;
        return Ok(Secret::new(text.trim()));
    }
    if from_stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Error::io("reading the key from stdin", e))?;
        return Ok(Secret::new(text.trim()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage("no key given: use --from-stdin or --from-file FILE, or run on a terminal for a masked prompt (a key is never taken from the command line)".into()));
    }
    let k = crate::prompt::masked("new API key (input hidden): ")
        .map_err(|e| Error::io("reading the key", e))?;
    Ok(Secret::new(k.trim()))
}

pub async fn rotate_key(
    c: &Common<'_>,
    from_file: Option<&std::path::Path>,
    from_stdin: bool,
    verify: bool,
) -> Result<u8, Error> {
    if from_stdin && !c.yes {
        return Err(Error::Usage(
            "with --from-stdin the key uses up stdin, so confirm with --yes".into(),
        ));
    }
    let key = read_key(from_file, from_stdin)?;
    run(c, Request::RotateKey { key, verify }).await
}

pub async fn deploy(c: &Common<'_>, args: ops::DeployArgs) -> Result<u8, Error> {
    run(c, Request::Deploy(args)).await
}

pub async fn set_resources(
    c: &Common<'_>,
    workload: &str,
    resources: ops::ResourcesArgs,
) -> Result<u8, Error> {
    let workload = WorkloadRef::parse(workload)?;
    run(
        c,
        Request::SetResources {
            workload,
            resources,
        },
    )
    .await
}

#[cfg(test)]
#[path = "writes_tests.rs"]
mod tests;
