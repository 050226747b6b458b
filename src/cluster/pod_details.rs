//! One pod's details, read for the details view: STUB — being written (issue 11).

use super::Connection;

/// What the details view shows of a pod.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodDetails {
    pub name: String,
}

/// Read `pod` and its events.
pub async fn fetch(_conn: &Connection, pod: &str) -> Result<PodDetails, String> {
    Ok(PodDetails { name: pod.into() })
}
