//! Where a dashboard or `status` run gets its metrics: a Prometheus, a function that reads
//! them straight from somewhere (the demo's simulated agents), or nothing.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::prom::SetupError;
use super::simulated::{self, SimHistory};
use super::{MetricsOrigin, MetricsSnapshot, PromClient, Scope, collect, scope};
use crate::config::Config;

pub use super::simulated::ReadNow;

/// The metrics feed.
#[derive(Clone)]
pub enum Feed {
    Prometheus(Box<PromClient>, String),
    /// Straight from the embedded simulated cluster ("metrics: simulated"), with what it
    /// read so far and before the start (the back-fill and the timeline's history).
    Simulated(ReadNow, Option<Arc<SimHistory>>),
    None,
}

impl Feed {
    pub fn origin(&self) -> MetricsOrigin {
        match self {
            Feed::Prometheus(_, url) => MetricsOrigin::Prometheus(url.clone()),
            Feed::Simulated(..) => MetricsOrigin::Simulated,
            Feed::None => MetricsOrigin::None,
        }
    }

    /// Prometheus when a URL is given (flag, then config), else none. The queries'
    /// variables are checked here: `${other}` is an error naming the query.
    pub fn from_config(cfg: &Config, url_flag: Option<&str>) -> Result<Feed, SetupError> {
        for (key, q) in cfg.prometheus.queries.all() {
            let Some(q) = q else { continue };
            let unknown = scope::unknown_variables(q);
            if !unknown.is_empty() {
                return Err(SetupError::Invalid(format!(
                    "prometheus.queries.{key}: unknown variable ${{{}}} (known: $namespace, $deployment, $window)",
                    unknown.join("}, ${")
                )));
            }
        }
        match url_flag
            .map(str::to_string)
            .or_else(|| cfg.prometheus.url.clone())
        {
            Some(url) => Ok(Feed::Prometheus(
                Box::new(PromClient::new(&url, &cfg.prometheus)?),
                url,
            )),
            None => Ok(Feed::None),
        }
    }

    /// One snapshot now, for the config's namespace (`stack.namespace`).
    pub async fn snapshot(&self, cfg: &Config) -> Option<MetricsSnapshot> {
        self.snapshot_in(cfg, &cfg.stack.namespace).await
    }

    /// One snapshot now, for `namespace`.
    pub async fn snapshot_in(&self, cfg: &Config, namespace: &str) -> Option<MetricsSnapshot> {
        match self {
            Feed::Prometheus(c, _) => {
                let scope = Scope::of(cfg, namespace);
                let mut planner = super::planner::Planner::new(cfg.prometheus.clone());
                let plan = planner.plan(c, &scope).await.clone();
                Some(collect::refresh(c, &plan, &scope).await)
            }
            Feed::Simulated(read, _) => Some(read()),
            Feed::None => None,
        }
    }

    /// Start refreshing in the background; snapshots arrive on the receiver. `namespace`
    /// is the namespace shown: the queries follow it (`$namespace`).
    pub fn spawn(
        self,
        cfg: &Config,
        namespace: watch::Receiver<String>,
    ) -> Option<mpsc::Receiver<MetricsSnapshot>> {
        let every = Duration::from_secs_f64(cfg.prometheus.refresh_secs);
        let (tx, rx) = mpsc::channel(8);
        match self {
            Feed::Prometheus(c, _) => {
                tokio::spawn(collect::run(
                    *c,
                    cfg.prometheus.clone(),
                    Scope {
                        namespace: String::new(),
                        deployment: cfg.stack.deployment.clone(),
                        window: cfg.problems.window.clone(),
                    },
                    every,
                    Some(jiff::SignedDuration::from_mins(i64::from(
                        cfg.prometheus.history_minutes,
                    ))),
                    namespace,
                    tx,
                ));
            }
            Feed::Simulated(read, past) => {
                tokio::spawn(simulated::run(
                    read,
                    past,
                    every,
                    jiff::SignedDuration::from_mins(i64::from(cfg.prometheus.history_minutes)),
                    namespace,
                    tx,
                ));
            }
            Feed::None => return None,
        }
        Some(rx)
    }
}
