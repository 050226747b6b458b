//! Why a Prometheus client could not be set up: worded for the user, never a secret.
//! Shared by the client (`prom`) and its credentials (`auth`).

/// Why a Prometheus client could not be set up, worded for the user (never a secret).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot read {what} file {}: {source}", path.display())]
    ReadFile {
        what: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The parser's words only: the URL itself may hold credentials.
    #[error("prometheus url: {0}")]
    Url(String),
    #[error("{0}")]
    Invalid(String),
    #[error("prometheus CA file {}: {source}", path.display())]
    Ca {
        path: std::path::PathBuf,
        #[source]
        source: reqwest::Error,
    },
    #[error("prometheus client: {0}")]
    Client(String),
}
