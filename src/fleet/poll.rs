//! One task per cluster of the fleet: connect (a bounded number at once, so many exec
//! credential plugins do not all run together), look (light: see [`super::light`]) and
//! read its metrics every `[fleet] refresh_secs`, and send its row. A cluster that fails
//! says why on its own row and is tried again with a growing back-off; the others never
//! wait for it. Dropping the [`Fleet`] stops every task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use super::light;
use super::row::Row;
use super::source::Source;
use crate::cluster::{Connection, Target, connect};
use crate::config::Config;

/// How long one look at a cluster may take (its lists and its metrics).
pub const LOOK_TIMEOUT: Duration = Duration::from_secs(15);
/// The longest wait between two tries of a failing cluster.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What every cluster's task shares.
#[derive(Clone)]
pub struct Setup {
    /// The kubeconfig and `-n` of the command line (the context is each row's).
    pub target: Target,
    pub cfg: Config,
    /// `--prometheus-url`: the shared backend.
    pub url_flag: Option<String>,
}

impl Setup {
    /// The target of one context: no terminal for its exec credential plugin.
    pub fn target_of(&self, context: &str) -> Target {
        Target {
            context: Some(context.to_string()),
            no_terminal: true,
            ..self.target.clone()
        }
    }

    /// The namespace shown for `context` (`-n`, its kubeconfig's, the stack's).
    pub fn namespace_of(&self, context: &str) -> String {
        crate::cluster::connect::namespace_for(&self.target_of(context), &self.cfg.stack.namespace)
    }
}

/// The running tasks; dropping this stops them.
pub struct Fleet {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Watch every context; each row goes to `tx` whenever it is read (or fails).
pub fn spawn(contexts: &[String], setup: &Setup, tx: mpsc::Sender<Row>) -> Fleet {
    let permits = Arc::new(Semaphore::new(setup.cfg.fleet.max_connecting.max(1)));
    let tasks = contexts
        .iter()
        .map(|c| {
            let (c, s, p, tx) = (c.clone(), setup.clone(), permits.clone(), tx.clone());
            tokio::spawn(async move { watch_one(c, s, p, tx).await })
        })
        .collect();
    Fleet { tasks }
}

/// The wait after `failures` failures in a row (none: the refresh).
pub fn backoff(refresh: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.min(16));
    refresh.saturating_mul(factor).min(MAX_BACKOFF.max(refresh))
}

async fn watch_one(context: String, setup: Setup, permits: Arc<Semaphore>, tx: mpsc::Sender<Row>) {
    let mut row = Row::connecting(&context, &setup.namespace_of(&context));
    if tx.send(row.clone()).await.is_err() {
        return;
    }
    let refresh = Duration::from_secs_f64(setup.cfg.fleet.refresh_secs);
    let mut source = Source::for_context(&setup.cfg, setup.url_flag.as_deref(), &context);
    let mut conn: Option<Connection> = None;
    let mut failures = 0;
    loop {
        let looked = tokio::time::timeout(
            LOOK_TIMEOUT,
            look(&setup, &context, &mut conn, &permits, &mut source, &mut row),
        )
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "no answer within {} s (the API server or the network is not answering)",
                LOOK_TIMEOUT.as_secs()
            ))
        });
        let wait = match looked {
            Ok(()) => {
                failures = 0;
                refresh
            }
            Err(why) => {
                tracing::info!(%context, "fleet: {why}");
                conn = None;
                let wait = backoff(refresh, failures);
                failures += 1;
                row.failed(why, jiff::Timestamp::now() + wait);
                wait
            }
        };
        if tx.send(row.clone()).await.is_err() {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

/// Connect when not connected (holding a permit while the client is built and first
/// used: an exec plugin runs then), look at the cluster and read its metrics.
async fn look(
    setup: &Setup,
    context: &str,
    conn: &mut Option<Connection>,
    permits: &Semaphore,
    source: &mut Source,
    row: &mut Row,
) -> Result<(), String> {
    let cfg = &setup.cfg;
    let _permit = match conn {
        Some(_) => None,
        None => {
            let permit = permits.acquire().await.map_err(|e| e.to_string())?;
            let c = connect(&setup.target_of(context), &cfg.stack.namespace)
                .await
                .map_err(|e| crate::text::printable(&e.to_string()))?;
            *conn = Some(c);
            Some(permit)
        }
    };
    let Some(c) = conn.as_ref() else {
        return Err("not connected".into());
    };
    let (snap, (metrics, alerts)) = tokio::join!(light::look(c, &cfg.stack), async {
        let m = source.read(cfg, &c.namespace).await;
        (m, source.firing(&c.namespace).await)
    });
    let snap = snap.map_err(|e| crate::text::printable(&e.to_string()))?;
    let cost = metrics
        .as_ref()
        .and_then(|m| crate::metrics::of_snapshot(m, &cfg.models, cfg.cost.gpu_hour_price));
    let verdict = crate::status::verdict(&snap, metrics.as_ref(), cfg);
    row.read(
        jiff::Timestamp::now(),
        &snap,
        metrics.as_ref(),
        cost.as_ref(),
        &verdict,
        &cfg.stack.hpa,
    );
    row.alerts = alerts;
    if let Some(why) = &source.none {
        row.metrics.note = Some(why.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let r = Duration::from_secs(5);
        let waits: Vec<u64> = (0..6).map(|n| backoff(r, n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(backoff(Duration::from_secs(120), 3).as_secs(), 120);
    }
}
