//! The incident timeline: STUB — being written (issue 11).

/// What to gather.
#[derive(Debug, Clone, Default)]
pub struct Request {}

/// The gathered timeline.
#[derive(Debug, Clone, Default)]
pub struct Timeline {}

/// Gather the timeline for the dashboard (`T`).
pub async fn gather_for_tui(
    _conn: &crate::cluster::Connection,
    _cfg: &crate::config::Config,
    _feed: &crate::metrics::Feed,
    _req: Request,
) -> Result<Timeline, String> {
    Err("the timeline is not written yet".into())
}
