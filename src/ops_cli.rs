//! `agentdeck scale` and `agentdeck restart`: the CLI face of `cluster::ops`. Confirmation
//! comes from `--yes`, or a y/N question on a terminal; without either, nothing is done.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use crate::cluster::Target;
use crate::cluster::ops::{self, OpError, Ops, restart, scale};
use crate::config::Config;

/// Parse "90", "90s", "5m", "1h".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('s') => (&s[..s.len() - 1], 1.0),
        Some('m') => (&s[..s.len() - 1], 60.0),
        Some('h') => (&s[..s.len() - 1], 3600.0),
        _ => (s, 1.0),
    };
    match num.parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(Duration::from_secs_f64(n * mult)),
        _ => Err(format!(
            "--timeout {s:?}: give a duration like 90s, 5m or 1h"
        )),
    }
}

/// Ask on the terminal; refuse without one.
fn confirm(question: &str, yes: bool) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "not confirmed: {question}. Pass --yes to confirm (stdin is not a terminal)"
        ));
    }
    eprint!("{question}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the answer: {e}"))?;
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err("not confirmed; nothing was changed".into())
    }
}

async fn ops_for(cfg: &Config, target: &Target) -> Result<Ops, String> {
    let conn = crate::cluster::connect(target, &cfg.stack.namespace).await?;
    Ok(Ops {
        conn,
        read_only: cfg.read_only,
        audit: ops::Audit::new(cfg.audit_log.clone()),
    })
}

/// Checks before confirming: read-only, then RBAC. A refusal is audited.
async fn precheck(o: &Ops, op: &str, target: &str, accesses: &[ops::Access]) -> Result<(), String> {
    let r = match o.refuse_if_read_only() {
        Ok(()) => o.check_access(accesses).await,
        Err(e) => Err(e),
    };
    r.map_err(|e: OpError| {
        o.record(op, target, &Err(e.clone()));
        e.to_string()
    })
}

pub async fn scale_cmd(
    cfg: &Config,
    target: &Target,
    deployment: &str,
    replicas: &str,
    yes: bool,
    timeout: &str,
) -> Result<u8, String> {
    let timeout = parse_duration(timeout)?;
    let o = ops_for(cfg, target).await?;
    let tgt = format!("deployment/{deployment}");
    let plan = match scale::plan(&o, deployment, replicas).await {
        Ok(p) => p,
        Err(e) => {
            o.record("scale", &tgt, &Err(e.clone()));
            return Err(e.to_string());
        }
    };
    precheck(&o, "scale", &tgt, &plan.accesses()).await?;
    confirm(&plan.describe(), yes)?;
    let done = scale::apply(&o, &plan).await.map_err(|e| e.to_string())?;
    println!("scaled: {deployment} {done}");
    let r = scale::wait_ready(&o, deployment, plan.replicas, timeout, |ready, desired| {
        println!("  {ready}/{desired} ready");
    })
    .await;
    match r {
        Ok(()) => {
            println!("{deployment}: {} ready", plan.replicas);
            Ok(0)
        }
        Err(e) => {
            eprintln!("agentdeck: {e}");
            Ok(1)
        }
    }
}

pub async fn restart_cmd(
    cfg: &Config,
    target: &Target,
    deployment: &str,
    wait: bool,
    yes: bool,
    timeout: &str,
) -> Result<u8, String> {
    let timeout = parse_duration(timeout)?;
    let o = ops_for(cfg, target).await?;
    let tgt = format!("deployment/{deployment}");
    precheck(&o, "restart", &tgt, &restart::accesses(deployment)).await?;
    confirm(
        &format!(
            "rollout restart deployment {deployment} in namespace {}",
            o.conn.namespace
        ),
        yes,
    )?;
    let at = restart::restart(&o, deployment)
        .await
        .map_err(|e| e.to_string())?;
    println!("deployment.apps/{deployment} restarted ({at})");
    if !wait {
        return Ok(0);
    }
    let r = restart::wait(&o, deployment, timeout, |s, d| {
        let st = d.status.clone().unwrap_or_default();
        let msg = match s {
            restart::Rollout::Waiting(m)
            | restart::Rollout::Done(m)
            | restart::Rollout::Failed(m) => m,
        };
        println!(
            "{msg}  [updated {} ready {} available {} of {}]",
            st.updated_replicas.unwrap_or(0),
            st.ready_replicas.unwrap_or(0),
            st.available_replicas.unwrap_or(0),
            d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
        );
    })
    .await;
    match r {
        Ok(restart::Rollout::Done(_)) => Ok(0),
        Ok(restart::Rollout::Failed(m)) => {
            eprintln!("agentdeck: {m}");
            Ok(1)
        }
        Ok(restart::Rollout::Waiting(_)) => Ok(1),
        Err(e) => {
            eprintln!("agentdeck: {e}");
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }
}
