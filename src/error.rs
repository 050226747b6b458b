//! The errors a user sees from the command line, typed; `report` writes the whole source
//! chain to the log file while the terminal gets the one-line message.

use crate::cluster::ConnectError;
use crate::cluster::list::ListError;
use crate::config::ConfigError;
use crate::ops::OpError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or input: what was wrong and what to do.
    #[error("{0}")]
    Usage(String),
    #[error("not confirmed: {0}")]
    NotConfirmed(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Connect(Box<ConnectError>),
    #[error(transparent)]
    Op(#[from] OpError),
    #[error(transparent)]
    List(Box<ListError>),
    #[error(transparent)]
    Metrics(#[from] crate::metrics::prom::SetupError),
    #[error("simulated cluster: {0:#}")]
    Sim(anyhow::Error),
    #[error(transparent)]
    Alerts(#[from] crate::alerts::AlertsError),
    #[error("logs: {0}")]
    Logs(#[from] crate::cluster::logs::LogError),
}

impl From<ConnectError> for Error {
    fn from(e: ConnectError) -> Error {
        Error::Connect(Box::new(e))
    }
}

impl From<ListError> for Error {
    fn from(e: ListError) -> Error {
        Error::List(Box::new(e))
    }
}

impl Error {
    pub fn io(what: &str, source: std::io::Error) -> Error {
        Error::Io {
            what: what.to_string(),
            source,
        }
    }

    /// Log the error with its source chain (the log file, never the terminal).
    pub fn report(&self) {
        tracing::error!(error = %self, chain = ?crate::logging::chain(self), "agentdeck failed");
    }
}
