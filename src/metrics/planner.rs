//! Keeps the plan of one feed current: detects the stacks on the first refresh, when the
//! namespace changes (`:ns`, `:ctx`), and again while nothing was found, detection failed
//! or the headline quantities stay empty — at most once per [`REDETECT_EVERY`].

use std::time::{Duration, Instant};

use crate::config::PrometheusConfig;

use super::detect;
use super::plan::{Choice, Plan};
use super::prom::PromClient;
use super::scope::Scope;
use super::snapshot::{MetricsSnapshot, Reading};

/// How often detection is retried while it has found nothing usable.
pub const REDETECT_EVERY: Duration = Duration::from_secs(30);

/// The current plan and when it was made.
pub struct Planner {
    cfg: PrometheusConfig,
    plan: Option<Plan>,
    detected_at: Option<Instant>,
    /// Detect again at the next refresh (the headline numbers stayed empty).
    stale: bool,
}

/// Did this snapshot show the headline numbers (latency or tokens)?
fn has_numbers(s: &MetricsSnapshot) -> bool {
    matches!(s.p95_ms, Reading::Value(_)) || matches!(s.tokens, Reading::Value(_))
}

impl Planner {
    pub fn new(cfg: PrometheusConfig) -> Planner {
        Planner {
            cfg,
            plan: None,
            detected_at: None,
            stale: false,
        }
    }

    /// The plan for `scope`'s namespace, detecting first when due.
    pub async fn plan(&mut self, client: &PromClient, scope: &Scope) -> &Plan {
        let stale = self.stale
            || match &self.plan {
                None => true,
                Some(p) if p.namespace != scope.namespace => true,
                Some(p) => {
                    let unsure = match &p.choice {
                        Choice::Detected(ps) => ps.is_empty(),
                        Choice::Undetected(_) => true,
                        Choice::Configured(_) => false,
                    };
                    unsure
                        && self
                            .detected_at
                            .is_none_or(|t| t.elapsed() >= REDETECT_EVERY)
                }
            };
        if stale {
            self.detect(client, scope).await;
        }
        self.plan
            .get_or_insert_with(|| Plan::build(&self.cfg, &scope.namespace, None, None))
    }

    async fn detect(&mut self, client: &PromClient, scope: &Scope) {
        let started = Instant::now();
        let plan = match detect::detect(client, scope).await {
            Ok(found) => {
                tracing::info!(
                    namespace = %scope.namespace,
                    rows = found.rows,
                    ms = started.elapsed().as_millis() as u64,
                    "metrics: detected {:?}",
                    found.profiles().iter().map(|p| p.id).collect::<Vec<_>>()
                );
                Plan::build(&self.cfg, &scope.namespace, Some(&found), None)
            }
            Err(e) => {
                tracing::warn!(namespace = %scope.namespace, "metrics: detection failed: {e}");
                Plan::build(&self.cfg, &scope.namespace, None, Some(e.to_string()))
            }
        };
        self.plan = Some(plan);
        self.detected_at = Some(Instant::now());
        self.stale = false;
    }

    /// After a refresh: when a detected plan's headline numbers stay empty, detect again
    /// once it is due (the stack may have started exporting since).
    pub fn after(&mut self, snap: &MetricsSnapshot) {
        let detected = matches!(
            self.plan.as_ref().map(|p| &p.choice),
            Some(Choice::Detected(_))
        );
        if detected
            && snap.reachable
            && !has_numbers(snap)
            && self
                .detected_at
                .is_some_and(|t| t.elapsed() >= REDETECT_EVERY)
        {
            // The next refresh detects again.
            self.stale = true;
        }
    }
}
