//! Where one cluster's metrics come from in the fleet: its own Prometheus, the shared
//! backend scoped by the cluster label, or nowhere (and why).

use crate::alerts::{Alert, AlertState, AlertsClient};
use crate::config::Config;
use crate::config_fleet::MetricsPlace;
use crate::metrics::planner::Planner;
use crate::metrics::scope::ClusterMatcher;
use crate::metrics::{MetricsSnapshot, PromClient, Scope};

/// One cluster's metrics: a client and the matcher its queries gain, or why none.
pub struct Source {
    client: Option<PromClient>,
    url: Option<String>,
    pub cluster: Option<ClusterMatcher>,
    /// Why there are no metrics ("no metrics source", "one Prometheus for every context…").
    pub none: Option<String>,
    planner: Option<Planner>,
    /// Where its alerts are read: `[alertmanager]` when set, else its Prometheus.
    alerts: Option<AlertsClient>,
}

/// What is said when one Prometheus serves every context and no label tells them apart.
pub const BLENDED: &str = "one Prometheus for every context and no [fleet] cluster_label to tell them apart: set it, or [fleet.prometheus] CONTEXT = URL";

impl Source {
    /// `context`'s source; `url_flag` is `--prometheus-url` (the shared backend).
    pub fn for_context(cfg: &Config, url_flag: Option<&str>, context: &str) -> Source {
        let mut base = cfg.prometheus.clone();
        if let Some(u) = url_flag {
            base.url = Some(u.to_string());
        }
        let none = |why: String| Source {
            client: None,
            url: None,
            cluster: None,
            none: Some(why),
            planner: None,
            alerts: None,
        };
        let (pcfg, cluster) = match cfg.fleet.metrics_for(&base, context) {
            Err(e) => return none(e),
            Ok(MetricsPlace::None) => return none(
                "no metrics source (set --prometheus-url, [prometheus] url or [fleet.prometheus])"
                    .into(),
            ),
            Ok(MetricsPlace::Blended) => return none(BLENDED.into()),
            Ok(MetricsPlace::Own(c)) => (*c, None),
            Ok(MetricsPlace::Shared { cfg, label, value }) => {
                (*cfg, Some(ClusterMatcher { label, value }))
            }
        };
        let url = pcfg.url.clone().unwrap_or_default();
        let alerts = match AlertsClient::alertmanager(cfg) {
            Ok(Some(am)) => Some(am),
            _ => AlertsClient::prometheus(&url, &pcfg).ok(),
        };
        match PromClient::new(&url, &pcfg) {
            Ok(client) => Source {
                client: Some(match &cluster {
                    Some(c) => client.scoped(c.clone()),
                    None => client,
                }),
                url: Some(url),
                cluster,
                none: None,
                planner: Some(Planner::new(pcfg)),
                alerts,
            },
            Err(e) => none(e.to_string()),
        }
    }

    /// The dashboard's feed for this cluster (`Enter` on its row).
    pub fn feed(&self) -> crate::metrics::Feed {
        match (&self.client, &self.url) {
            (Some(c), Some(u)) => crate::metrics::Feed::Prometheus(Box::new(c.clone()), u.clone()),
            _ => crate::metrics::Feed::None,
        }
    }

    /// The alerts firing unheard in `namespace` (of this cluster, on a shared backend):
    /// (all, critical); None when there is no source or it cannot be read.
    pub async fn firing(&self, namespace: &str) -> Option<(usize, usize)> {
        let alerts = self.alerts.as_ref()?.alerts(namespace).await;
        let alerts = match alerts {
            Ok(a) => a,
            Err(e) => {
                tracing::info!("fleet: alerts: {e}");
                return None;
            }
        };
        let ours: Vec<Alert> = alerts
            .into_iter()
            .filter(|a| {
                self.cluster
                    .as_ref()
                    .is_none_or(|c| a.labels.get(&c.label) == Some(&c.value))
            })
            .collect();
        let firing = ours
            .iter()
            .filter(|a| a.state == AlertState::Firing)
            .count();
        Some((firing, crate::alerts::model::firing_critical(&ours)))
    }

    /// One reading for `namespace` (None: no source).
    pub async fn read(&mut self, cfg: &Config, namespace: &str) -> Option<MetricsSnapshot> {
        let (client, planner) = (self.client.as_ref()?, self.planner.as_mut()?);
        let scope = Scope::of(cfg, namespace);
        let plan = planner.plan(client, &scope).await.clone();
        let snap = crate::metrics::collect::refresh(client, &plan, &scope).await;
        planner.after(&snap);
        Some(snap)
    }
}
