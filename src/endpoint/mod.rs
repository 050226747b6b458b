//! The connection to an HTTP API agentdeck reads — Prometheus, Alertmanager — with the
//! same options for each: timeout, an extra CA, a client certificate (mTLS), a bearer token
//! file (re-read when it rotates) or the environment's token, basic auth, extra headers
//! (a tenant header, a gateway's). [`connect`] builds the reqwest client; errors name the
//! service and never hold a secret.

pub(crate) mod auth;
mod headers;
pub(crate) mod setup;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) use auth::{Auth, resolve_auth};
pub use headers::Headers;
pub use setup::SetupError;

/// One service's connection options, borrowed from its config section.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint<'a> {
    /// "prometheus" or "alertmanager": the config section, and the word in messages.
    pub service: &'static str,
    /// The environment variable holding a bearer token when no file is configured.
    pub token_env: &'static str,
    pub bearer_token_file: Option<&'a Path>,
    pub basic_auth_user: Option<&'a str>,
    pub basic_auth_password_file: Option<&'a Path>,
    pub ca_file: Option<&'a Path>,
    pub client_cert_file: Option<&'a Path>,
    pub client_key_file: Option<&'a Path>,
    pub headers: &'a Headers,
    pub timeout_secs: f64,
}

/// A client for one service at one base URL.
#[derive(Clone)]
pub(crate) struct Http {
    pub client: reqwest::Client,
    pub auth: Auth,
    /// The base URL, path without a trailing `/`.
    pub base: reqwest::Url,
    /// The base URL with any credentials masked, for screens and logs.
    pub display_url: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("url", &self.display_url)
            .field("timeout", &self.timeout)
            .field("auth", &self.auth)
            .finish()
    }
}

/// The URL with any user-info replaced, fit for screens and logs.
pub(crate) fn mask_url(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    if !u.username().is_empty() || u.password().is_some() {
        let _ = u.set_username("***");
        let _ = u.set_password(None);
    }
    u.as_str().trim_end_matches('/').to_string()
}

/// A client for the service at `url` (http or https) with the options of `e`.
pub(crate) fn connect(url: &str, e: &Endpoint) -> Result<Http, SetupError> {
    crate::tls::init();
    let service = e.service;
    let mut base = reqwest::Url::parse(url).map_err(|err| SetupError::Url {
        service,
        reason: err.to_string(),
    })?;
    if base.scheme() != "http" && base.scheme() != "https" {
        return Err(SetupError::Invalid(format!(
            "{service} url {}: must be http or https",
            mask_url(&base)
        )));
    }
    let path = base.path().trim_end_matches('/').to_string();
    base.set_path(if path.is_empty() { "/" } else { &path });
    if !(e.timeout_secs > 0.0 && e.timeout_secs.is_finite()) {
        return Err(SetupError::Invalid(format!(
            "{service} timeout {} s: must be > 0",
            e.timeout_secs
        )));
    }
    let timeout = Duration::from_secs_f64(e.timeout_secs);
    let auth = resolve_auth(e, std::env::var(e.token_env).ok())?;
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("agentdeck/", env!("CARGO_PKG_VERSION")))
        .default_headers(header_map(service, e.headers)?);
    if let Some(id) = identity(e)? {
        builder = builder.identity(id);
    }
    if let Some(ca) = e.ca_file {
        builder = builder.tls_certs_merge(ca_certs(service, ca)?);
    }
    let client = builder.build().map_err(|err| SetupError::Client {
        service,
        reason: error_chain(&err),
    })?;
    Ok(Http {
        client,
        auth,
        display_url: mask_url(&base),
        base,
        timeout,
    })
}

fn ca_certs(service: &'static str, ca: &Path) -> Result<Vec<reqwest::Certificate>, SetupError> {
    let pem = std::fs::read(ca).map_err(|source| SetupError::ReadFile {
        what: format!("{service} CA"),
        path: ca.to_path_buf(),
        source,
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|source| SetupError::Ca {
        service,
        path: ca.to_path_buf(),
        source,
    })?;
    if certs.is_empty() {
        return Err(SetupError::Invalid(format!(
            "{service} CA file {}: no PEM certificate",
            ca.display()
        )));
    }
    Ok(certs)
}

/// The configured extra headers; values of secret-looking names are marked sensitive (kept
/// out of reqwest's and hyper's debug output).
fn header_map(service: &str, headers: &Headers) -> Result<reqwest::header::HeaderMap, SetupError> {
    use reqwest::header::{HeaderName, HeaderValue};
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in &headers.0 {
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            SetupError::Invalid(format!("{service}.headers: {name:?} is not a header name"))
        })?;
        let mut v = HeaderValue::from_str(value).map_err(|_| {
            SetupError::Invalid(format!(
                "{service}.headers.{name}: not a valid header value"
            ))
        })?;
        v.set_sensitive(Headers::looks_secret(name));
        map.insert(n, v);
    }
    Ok(map)
}

/// The mTLS client identity from `client_cert_file` + `client_key_file` (PEM), if set.
fn identity(e: &Endpoint) -> Result<Option<reqwest::Identity>, SetupError> {
    let service = e.service;
    let (cert, key) = match (e.client_cert_file, e.client_key_file) {
        (None, None) => return Ok(None),
        (Some(c), Some(k)) => (c, k),
        _ => {
            return Err(SetupError::Invalid(format!(
                "{service}: client_cert_file and client_key_file go together (mTLS)"
            )));
        }
    };
    let read = |path: &Path, what: &str| {
        std::fs::read(path).map_err(|source| SetupError::ReadFile {
            what: format!("{service} {what}"),
            path: PathBuf::from(path),
            source,
        })
    };
    let mut pem = read(cert, "client certificate")?;
    pem.push(b'\n');
    pem.extend_from_slice(&read(key, "client key")?);
    // reqwest's words only ("private key or certificate not found"): never the key.
    reqwest::Identity::from_pem(&pem).map(Some).map_err(|err| {
        SetupError::Invalid(format!(
            "{service} client certificate {} / key {}: {}",
            cert.display(),
            key.display(),
            error_chain(&err)
        ))
    })
}

/// "a: b: c" from an error and its sources, without the request URL.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let full = err.to_string();
        // reqwest's Display appends " for url (...)": the URL is named by the caller.
        let s = full.split(" for url (").next().unwrap_or(&full).to_string();
        if !parts.iter().any(|p| p == &s) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}
