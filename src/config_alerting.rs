//! The `[alertmanager]` section: its connection options are `[prometheus]`'s (the same
//! keys, the same meaning, one [`Endpoint`] each), plus the silence length offered.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, Headers};

/// Environment variable consulted for Alertmanager's bearer token when no file is named.
pub(crate) const ALERTMANAGER_TOKEN_ENV: &str = "AGENTDECK_ALERTMANAGER_TOKEN";
/// Environment variable consulted for Prometheus' bearer token when no file is named.
pub(crate) const PROMETHEUS_TOKEN_ENV: &str = "AGENTDECK_PROMETHEUS_TOKEN";

/// Where firing alerts and silences are read and written: Alertmanager's API v2. Unset:
/// alerts are read from Prometheus' own `/api/v1/alerts` (no silences there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// Base URL, e.g. http://alertmanager.monitoring:9093 (`--alertmanager-url` wins).
    pub url: Option<String>,
    /// File holding a bearer token (never the token itself in this file).
    pub bearer_token_file: Option<PathBuf>,
    pub basic_auth_user: Option<String>,
    /// File holding the basic-auth password.
    pub basic_auth_password_file: Option<PathBuf>,
    /// PEM file of a CA to trust for https.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate for mTLS (with `client_key_file`).
    pub client_cert_file: Option<PathBuf>,
    /// PEM private key of `client_cert_file`.
    pub client_key_file: Option<PathBuf>,
    /// Extra request headers (a gateway's, a tenant's).
    pub headers: Headers,
    /// HTTP timeout of each request, seconds.
    pub timeout_secs: f64,
    /// The silence length offered by the silence dialog and `agentdeck silence`.
    pub silence_for: String,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            url: None,
            bearer_token_file: None,
            basic_auth_user: None,
            basic_auth_password_file: None,
            ca_file: None,
            client_cert_file: None,
            client_key_file: None,
            headers: Headers::default(),
            timeout_secs: 5.0,
            silence_for: "2h".into(),
        }
    }
}

impl AlertmanagerConfig {
    pub fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            service: "alertmanager",
            token_env: ALERTMANAGER_TOKEN_ENV,
            bearer_token_file: self.bearer_token_file.as_deref(),
            basic_auth_user: self.basic_auth_user.as_deref(),
            basic_auth_password_file: self.basic_auth_password_file.as_deref(),
            ca_file: self.ca_file.as_deref(),
            client_cert_file: self.client_cert_file.as_deref(),
            client_key_file: self.client_key_file.as_deref(),
            headers: &self.headers,
            timeout_secs: self.timeout_secs,
        }
    }
}
