//! The fleet's side of the event loop: its tasks (one per cluster, their rows forwarded as
//! messages), the metrics feed of the cluster dived into (each cluster has its own source),
//! and dropping that cluster's watchers when its dashboard has lingered long enough.

use tokio::sync::mpsc;

use super::Tasks;
use crate::app::Msg;
use crate::app::msg::FleetMsg;
use crate::fleet::{Selection, Setup, select, source::Source};

impl Tasks {
    fn setup(&self) -> Setup {
        Setup {
            target: Target {
                context: None,
                ..self.target.clone()
            },
            cfg: self.cfg.clone(),
            url_flag: self.prometheus_url.clone(),
        }
    }

    /// The demo's simulated metrics are one cluster's: it has no fleet.
    pub(super) fn can_start_fleet(&self) -> bool {
        self.fleet.is_none() && !matches!(self.feed, crate::metrics::Feed::Simulated(..))
    }

    /// `:fleet`: `[fleet] contexts`, else every context of the kubeconfig.
    pub(super) fn start_fleet(&mut self) {
        let tx = self.tx.clone();
        let refuse = |why: String| {
            let _ = tx.try_send(Msg::Fleet(FleetMsg::Unavailable(why)));
        };
        if self.fleet.is_some() {
            return;
        }
        if !self.can_start_fleet() {
            return refuse(
                "the demo is one simulated cluster: run `agentdeck --all-contexts` with your kubeconfig".into(),
            );
        }
        let wanted = match &self.cfg.fleet.contexts {
            c if c.is_empty() => Selection::All,
            c => Selection::Some(c.clone()),
        };
        let known = crate::cluster::connect::contexts(&self.target);
        match select::choose(&known, &wanted) {
            Ok(contexts) => {
                self.start_fleet_on(contexts);
                self.follow_cluster_metrics();
            }
            Err(why) => refuse(why),
        }
    }

    /// Watch `contexts`; their rows reach the App as `Msg::Fleet`.
    pub(super) fn start_fleet_on(&mut self, contexts: Vec<String>) {
        let setup = self.setup();
        let named = contexts
            .iter()
            .map(|c| (c.clone(), setup.namespace_of(c)))
            .collect();
        let _ = self.tx.try_send(Msg::Fleet(FleetMsg::Started {
            contexts: named,
            linger_secs: self.cfg.fleet.linger_secs,
        }));
        let (rtx, mut rrx) = mpsc::channel(64);
        self.fleet = Some(crate::fleet::spawn(&contexts, &setup, rtx));
        let tx = self.tx.clone();
        tokio::spawn(async move {
            while let Some(row) = rrx.recv().await {
                if tx
                    .send(Msg::Fleet(FleetMsg::Row(Box::new(row))))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }

    /// In the fleet, the dashboard's metrics are the attached cluster's own.
    pub(super) fn follow_cluster_metrics(&mut self) {
        if self.fleet.is_none() {
            return;
        }
        self.stop_cluster_metrics();
        let Some(conn) = &self.conn else { return };
        let source = Source::for_context(&self.cfg, self.prometheus_url.as_deref(), &conn.context);
        self.feed = source.feed();
        let (_keep, ns) = tokio::sync::watch::channel(conn.namespace.clone());
        let Some(mut rx) = self.feed.clone().spawn(&self.cfg, ns) else {
            return;
        };
        let tx = self.tx.clone();
        self.cluster_metrics = Some(tokio::spawn(async move {
            while let Some(m) = rx.recv().await {
                if tx.send(Msg::Metrics(Box::new(m))).await.is_err() {
                    return;
                }
            }
        }));
    }

    pub(super) fn stop_cluster_metrics(&mut self) {
        if let Some(h) = self.cluster_metrics.take() {
            h.abort();
        }
    }

    /// The dashboard left in the fleet has lingered long enough: drop its watchers and
    /// its metrics feed (memory returns to the fleet's own).
    pub(super) fn detach(&mut self) {
        self.stop_logs();
        self.stop_cluster_metrics();
        self._watch = None;
        self.conn = None;
        self.feed = crate::metrics::Feed::None;
        crate::heap::trim();
    }
}

use crate::cluster::Target;
