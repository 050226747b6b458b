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

/// Where the new key comes from: a file, stdin, or a masked prompt — never argv.
fn read_key(
    from_file: Option<&std::path::Path>,
    from_stdin: bool,
) -> Result<crate::secret::Secret, String> {
    use crate::secret::Secret;
    if let Some(p) = from_file {
        let text = std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read the key file {}: {e}", p.display()))?;
        return Ok(Secret::new(text.trim()));
    }
    if from_stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("reading the key from stdin: {e}"))?;
        return Ok(Secret::new(text.trim()));
    }
    if !std::io::stdin().is_terminal() {
        return Err("no key given: use --from-stdin or --from-file FILE, or run on a terminal for a masked prompt (a key is never taken from the command line)".into());
    }
    let k = rpassword::prompt_password("new API key (input hidden): ")
        .map_err(|e| format!("reading the key: {e}"))?;
    Ok(Secret::new(k.trim()))
}

pub struct RotateArgs<'a> {
    pub from_file: Option<&'a std::path::Path>,
    pub from_stdin: bool,
    pub verify: bool,
    pub yes: bool,
    pub timeout: &'a str,
}

pub async fn rotate_cmd(cfg: &Config, target: &Target, a: RotateArgs<'_>) -> Result<u8, String> {
    use crate::cluster::ops::rotate;
    let timeout = parse_duration(a.timeout)?;
    if a.from_stdin && !a.yes {
        return Err("with --from-stdin the key uses up stdin, so confirm with --yes".into());
    }
    let key = read_key(a.from_file, a.from_stdin)?;
    let o = ops_for(cfg, target).await?;
    let (secret, data_key) = (cfg.stack.secret.as_str(), cfg.stack.secret_key.as_str());
    let tgt = format!("secret/{secret}");
    if let Err(e) = rotate::check_key(&key) {
        o.record("rotate-key", &tgt, &Err(e.clone()));
        return Err(e.to_string());
    }
    let mut plan = rotate::plan(&o, secret, data_key)
        .await
        .map_err(|e| e.to_string())?;
    precheck(&o, "rotate-key", &tgt, &plan.accesses()).await?;
    if a.verify {
        if let Err(e) = rotate::verify(&cfg.stack.provider_base_url, &key).await {
            o.record("rotate-key", &tgt, &Err(e.clone()));
            return Err(e.to_string());
        }
        println!("the provider accepts the new key");
    }
    let mut attempts = 0;
    let done = loop {
        confirm(&plan.describe(), a.yes)?;
        match rotate::write_key(&o, &plan, &key).await {
            Ok(d) => break d,
            Err(OpError::Conflict(m)) if attempts < 3 => {
                attempts += 1;
                eprintln!("{m}; read it again:");
                plan = rotate::plan(&o, secret, data_key)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    println!("{done}");
    let mut code = 0;
    for d in &plan.readers {
        restart::restart(&o, d).await.map_err(|e| e.to_string())?;
        println!("deployment.apps/{d} restarted");
    }
    for d in &plan.readers {
        match restart::wait(&o, d, timeout, |_, _| {}).await {
            Ok(restart::Rollout::Done(m)) => println!("{m}"),
            Ok(restart::Rollout::Failed(m) | restart::Rollout::Waiting(m)) => {
                eprintln!("agentdeck: {m}");
                code = 1;
            }
            Err(e) => {
                eprintln!("agentdeck: {e}");
                code = 1;
            }
        }
    }
    Ok(code)
}

pub struct DeployArgs<'a> {
    pub manifests: Option<&'a std::path::Path>,
    pub dry_run: bool,
    pub force_conflicts: bool,
    pub yes: bool,
}

/// `agentdeck deploy`: plan (server-side dry run), confirm, apply, per-object results.
pub async fn deploy_cmd(cfg: &Config, target: &Target, a: DeployArgs<'_>) -> Result<u8, String> {
    use crate::cluster::ops::deploy::{self, Change};
    let mut docs = deploy::load(a.manifests)?;
    if a.manifests.is_none() {
        deploy::substitute(&mut docs, &cfg.stack, "ai-agents");
    }
    let o = ops_for(cfg, target).await?;
    if !a.dry_run
        && let Err(e) = o.refuse_if_read_only()
    {
        o.record("deploy", "stack", &Err(e.clone()));
        return Err(e.to_string());
    }
    let items = deploy::plan(&o, docs, a.force_conflicts)
        .await
        .map_err(|e| e.to_string())?;
    println!("plan (server-side dry run):");
    for it in &items {
        let line = match &it.change {
            Change::Create => format!("  create     {}", it.display),
            Change::Update(f) => format!("  update     {} ({})", it.display, f.join(", ")),
            Change::Unchanged => format!("  unchanged  {}", it.display),
            Change::Skipped(why) => format!("  skip       {}: {why}", it.display),
            Change::Error(e) => format!("  error      {}: {e}", it.display),
        };
        println!("{line}");
    }
    let errors = items
        .iter()
        .filter(|i| matches!(i.change, Change::Error(_)))
        .count();
    if a.dry_run {
        return Ok(u8::from(errors > 0));
    }
    let sendable = items
        .iter()
        .filter(|i| {
            matches!(
                i.change,
                Change::Create | Change::Update(_) | Change::Unchanged
            )
        })
        .count();
    confirm(
        &format!(
            "apply {sendable} objects with field manager agentdeck{}",
            if a.force_conflicts {
                ", forcing conflicts"
            } else {
                ""
            }
        ),
        a.yes,
    )?;
    let results = deploy::apply(&o, &items, a.force_conflicts).await;
    println!("result:");
    let mut failed = 0;
    for (it, r) in items.iter().zip(&results) {
        match r {
            Ok(m) => println!("  {:<10} {}", m.split(' ').next().unwrap_or(m), it.display),
            Err(e) if matches!(it.change, Change::Skipped(_)) => println!(
                "  skipped    {} — {}",
                it.display,
                e.to_string().trim_start_matches("failed: skipped: ")
            ),
            Err(e) => {
                failed += 1;
                println!("  FAILED     {} — {e}", it.display);
            }
        }
    }
    // No key is ever bundled: say so when the Secret is missing.
    let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(o.conn.client.clone(), &cfg.stack.namespace);
    if let Ok(None) = secrets.get_opt(&cfg.stack.secret).await {
        println!(
            "note: Secret {} does not exist in {}: the agents answer 401 until it does. Create it with: agentdeck rotate-key",
            cfg.stack.secret, cfg.stack.namespace
        );
    }
    Ok(u8::from(failed > 0))
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
