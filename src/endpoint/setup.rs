//! Why a client of an HTTP API (Prometheus, Alertmanager) could not be set up: worded for
//! the user, naming the service, never a secret. Shared by the client ([`super::connect`])
//! and its credentials ([`super::auth`]).

/// Why a client could not be set up, worded for the user (never a secret).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot read {what} file {}: {source}", path.display())]
    ReadFile {
        what: String,
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The parser's words only: the URL itself may hold credentials.
    #[error("{service} url: {reason}")]
    Url {
        service: &'static str,
        reason: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("{service} CA file {}: {source}", path.display())]
    Ca {
        service: &'static str,
        path: std::path::PathBuf,
        #[source]
        source: reqwest::Error,
    },
    #[error("{service} client: {reason}")]
    Client {
        service: &'static str,
        reason: String,
    },
}
