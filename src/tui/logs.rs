//! The dashboard's log stream task: STUB — being written (issue 11).

use tokio::sync::mpsc;

use crate::app::Msg;
use crate::cluster::Connection;
use crate::cluster::logs::{LogEvent, LogRequest};

/// Stream `req`'s lines as `Msg::Logs(id, …)` until the task is aborted.
pub fn start(
    _conn: Connection,
    id: u64,
    _req: LogRequest,
    tx: mpsc::Sender<Msg>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = tx
            .send(Msg::Logs(
                id,
                LogEvent::Ended(Some("not written yet".into())),
            ))
            .await;
    })
}
