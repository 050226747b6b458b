//! The fleet's front ends: which contexts the dashboard's fleet view opens on, and
//! `agentdeck status --all-contexts | --contexts A,B [-o json|yaml]` — one row per context,
//! the exit code from the worst (0 healthy, 1 a problem, 2 a cluster that could not be read).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::cli_flags::Global;
use crate::config::Config;
use crate::dashboard::Start;
use crate::error::Error;
use crate::fleet::row::{Reach, Row};
use crate::fleet::{Selection, Setup, select, words};
use crate::output::Output;

/// The contexts chosen among the kubeconfig's, or a usage error naming the pattern.
pub fn contexts(g: &Global, wanted: &Selection) -> Result<Vec<String>, Error> {
    let known = crate::cluster::connect::contexts(&g.target());
    select::choose(&known, wanted).map_err(Error::Usage)
}

/// The dashboard's first screen: the fleet when `--all-contexts`/`--contexts` is given, or
/// `[fleet] contexts` is set and no `--context`.
pub fn start(cfg: &Config, g: &Global) -> Result<Start, Error> {
    let wanted = g.fleet.selection().or_else(|| {
        (g.kube.context.is_none() && !cfg.fleet.contexts.is_empty())
            .then(|| Selection::Some(cfg.fleet.contexts.clone()))
    });
    Ok(Start {
        fleet: wanted.map(|w| contexts(g, &w)).transpose()?,
        prometheus_url: g.prom.prometheus_url.clone(),
    })
}

/// Read every context once (each on its own, bounded in time): their rows, most severe
/// first.
pub async fn read(cfg: &Config, g: &Global, contexts: &[String]) -> Vec<Row> {
    let setup = Setup {
        target: crate::cluster::Target {
            context: None,
            no_terminal: true,
            ..g.target()
        },
        cfg: cfg.clone(),
        url_flag: g.prom.prometheus_url.clone(),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let fleet = crate::fleet::spawn(contexts, &setup, tx);
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    while rows.len() < contexts.len() {
        let Some(row) = rx.recv().await else { break };
        if row.reach != Reach::Connecting {
            rows.insert(row.context.clone(), row);
        }
    }
    drop(fleet);
    let mut rows: Vec<Row> = rows.into_values().collect();
    crate::fleet::sort(&mut rows);
    rows
}

/// `status --all-contexts`: (exit code) after printing.
pub async fn status(
    cfg: &Config,
    g: &Global,
    wanted: &Selection,
    output: Option<Output>,
) -> Result<u8, Error> {
    let contexts = contexts(g, wanted)?;
    let rows = read(cfg, g, &contexts).await;
    let now = jiff::Timestamp::now();
    let out = match output {
        Some(f @ (Output::Json | Output::Yaml)) => {
            crate::output::render(&report_json(&rows, now), f)
        }
        _ => crate::text::printable_lines(&report_text(&rows, now)),
    };
    print!("{out}");
    Ok(code(&rows))
}

/// 2 when a cluster could not be read, else 1 when one has a problem, else 0.
pub fn code(rows: &[Row]) -> u8 {
    rows.iter()
        .map(|r| match r.reach {
            Reach::Up if r.healthy() => 0,
            Reach::Up => 1,
            _ => 2,
        })
        .max()
        .unwrap_or(0)
}

fn row_json(r: &Row, now: jiff::Timestamp) -> Value {
    let error = match &r.reach {
        Reach::Down { why, .. } => Some(why.clone()),
        _ => None,
    };
    json!({
        "context": r.context,
        "namespace": r.namespace,
        "state": words::state(r),
        "reachable": r.reach == Reach::Up,
        "error": error,
        "ageSeconds": r.age(now),
        "ready": r.ready,
        "desired": r.desired,
        "workloads": r.workloads,
        "hpa": r.hpa.map(|h| json!({"current": h.current, "desired": h.desired, "max": h.max})),
        "p95Ms": r.metrics.p95_ms,
        "tokensPerMinute": r.metrics.tokens_per_min,
        "usdPerHour": r.metrics.usd_per_hour,
        "metricsNote": r.metrics.note,
        "problems": r.problems.iter().map(|p| json!({
            "id": p.id, "severity": p.severity, "title": p.title, "evidence": p.evidence,
        })).collect::<Vec<_>>(),
        "cannotTell": r.cannot_tell,
        "warningEvents": r.warnings,
        "alerts": r.alerts.map(|(firing, critical)| json!({"firing": firing, "critical": critical})),
        "healthy": r.healthy(),
    })
}

/// `{contexts: [...], total: {...}, healthy}`.
pub fn report_json(rows: &[Row], now: jiff::Timestamp) -> Value {
    let t = crate::fleet::totals(rows);
    json!({
        "contexts": rows.iter().map(|r| row_json(r, now)).collect::<Vec<_>>(),
        "total": {"usdPerHour": t.usd_per_hour, "tokensPerMinute": t.tokens_per_min, "withoutNumbers": t.missing},
        "healthy": code(rows) == 0,
    })
}

/// The table, then each row's problems and reasons, the total and the verdict.
pub fn report_text(rows: &[Row], now: jiff::Timestamp) -> String {
    let mut table = vec![words::HEADERS.map(String::from)];
    table.extend(rows.iter().map(|r| words::cells(r, now)));
    let mut s = crate::output::table(&table, 2);
    for r in rows {
        for p in &r.problems {
            s.push_str(&format!("{}: {}: {}\n", r.context, p.title, p.evidence));
        }
        if let Some(n) = &r.metrics.note {
            s.push_str(&format!("{}: {n}\n", r.context));
        }
    }
    s.push_str(&words::total(&crate::fleet::totals(rows), rows.len()));
    s.push('\n');
    let (down, sick) = (
        rows.iter().filter(|r| r.reach != Reach::Up).count(),
        rows.iter()
            .filter(|r| r.reach == Reach::Up && !r.healthy())
            .count(),
    );
    s.push_str(&match (down, sick) {
        (0, 0) => "status: healthy\n".to_string(),
        _ => format!(
            "status: UNHEALTHY ({sick} with problems, {down} unreachable, of {})\n",
            rows.len()
        ),
    });
    s
}
