//! The dashboard's alerts, refreshed in the background: the namespace shown (it follows
//! `:ns` and `:ctx`), its firing and pending alerts and the silences that bear on them, one
//! reading per refresh over a channel. A failure is a reading too (the panel says why).

use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{mpsc, watch};

use super::{Alert, AlertsClient, AlertsError, Silence};

/// The alerts and the silences that mute them or that agentdeck made.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub alerts: Vec<Alert>,
    pub silences: Vec<Silence>,
}

/// One refresh.
#[derive(Debug, Clone)]
pub struct AlertsReading {
    pub namespace: String,
    pub at: Timestamp,
    pub result: Result<Fetched, AlertsError>,
}

/// Read the alerts of `namespace` and the silences that bear on them.
pub async fn fetch(client: &AlertsClient, namespace: &str) -> Result<Fetched, AlertsError> {
    let alerts = client.alerts(namespace).await?;
    let silences = client
        .silences()
        .await?
        .into_iter()
        .filter(|s| s.state != "expired")
        .filter(|s| s.by_agentdeck() || alerts.iter().any(|a| a.silenced_by.contains(&s.id)))
        .collect();
    Ok(Fetched { alerts, silences })
}

/// Refresh every `every`, and at once when the namespace changes.
pub fn spawn(
    client: AlertsClient,
    every: Duration,
    mut namespace: watch::Receiver<String>,
) -> mpsc::Receiver<AlertsReading> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        loop {
            let ns = namespace.borrow_and_update().clone();
            let result = fetch(&client, &ns).await;
            if let Err(e) = &result {
                tracing::debug!(error = %e, "alerts not read");
            }
            let reading = AlertsReading {
                namespace: ns,
                at: Timestamp::now(),
                result,
            };
            if tx.send(reading).await.is_err() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = namespace.changed() => if changed.is_err() { return },
            }
        }
    });
    rx
}
