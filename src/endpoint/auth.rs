//! Credentials of an HTTP API (Prometheus, Alertmanager): a bearer token from a file (re-read when the file changes, since
//! projected service-account tokens rotate hourly), from the environment, or basic auth.
//! Values live in [`Secret`] and never print.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use reqwest::header::HeaderValue;

use crate::secret::Secret;

use super::Endpoint;
use super::setup::SetupError;

/// What identifies one version of a file: replaced (new inode, as kubelet's atomic writer
/// does), rewritten (mtime) or resized.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Stamp> {
        let m = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(Stamp {
            modified: m.modified().ok(),
            len: m.len(),
            inode,
        })
    }
}

struct Cached {
    token: Secret,
    stamp: Option<Stamp>,
}

/// A bearer token file, read at start and again whenever it changes.
#[derive(Clone)]
pub(crate) struct TokenFile {
    /// "prometheus" or "alertmanager", for the messages.
    service: &'static str,
    path: PathBuf,
    cached: Arc<Mutex<Cached>>,
}

impl TokenFile {
    /// Read the file now: a missing or empty file is a setup error.
    pub(crate) fn open(service: &'static str, path: &Path) -> Result<TokenFile, SetupError> {
        let stamp = Stamp::of(path).ok();
        let token = read_secret(path, &format!("{service} bearer token"))?;
        Ok(TokenFile {
            service,
            path: path.to_path_buf(),
            cached: Arc::new(Mutex::new(Cached { token, stamp })),
        })
    }

    /// The current token: the file is read again when it changed since the last read. If
    /// the new content cannot be read (or is empty, mid-rotation), the last token is kept
    /// and the reason logged (never the token).
    pub(crate) fn current(&self) -> Secret {
        let mut c = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let stamp = Stamp::of(&self.path).ok();
        if stamp.is_some() && stamp != c.stamp {
            match read_secret(&self.path, &format!("{} bearer token", self.service)) {
                Ok(token) => {
                    if token != c.token {
                        tracing::info!(file = %self.path.display(), service = self.service, "bearer token file changed; using the new token");
                    }
                    c.token = token;
                    c.stamp = stamp;
                }
                Err(e) => tracing::warn!("{e}; keeping the previous token"),
            }
        }
        c.token.clone()
    }
}

/// How requests authenticate.
#[derive(Clone)]
pub(crate) enum Auth {
    None,
    /// `bearer_token_file`, re-read when it changes.
    BearerFile(TokenFile),
    /// The environment's token (fixed for the process).
    Bearer(Secret),
    Basic {
        user: String,
        password: Secret,
    },
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::BearerFile(t) => write!(f, "Bearer(***) from {}", t.path.display()),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::Basic { user, .. } => write!(f, "Basic({user}:***)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value, marked sensitive (hidden from reqwest's and
    /// hyper's debug output); `Err` names the credential that is not a valid header value
    /// (never its value).
    pub(crate) fn header(&self) -> Result<Option<HeaderValue>, &'static str> {
        let (value, what) = match self {
            Auth::None => return Ok(None),
            Auth::BearerFile(t) => (
                format!("Bearer {}", t.current().expose()),
                "the bearer token",
            ),
            Auth::Bearer(t) => (format!("Bearer {}", t.expose()), "the bearer token"),
            Auth::Basic { user, password } => {
                use base64::Engine as _;
                let raw = format!("{user}:{}", password.expose());
                let enc = base64::engine::general_purpose::STANDARD.encode(raw);
                (format!("Basic {enc}"), "the basic-auth user")
            }
        };
        let mut h = HeaderValue::from_str(&value).map_err(|_| what)?;
        h.set_sensitive(true);
        Ok(Some(h))
    }
}

pub(super) fn read_secret(path: &Path, what: &str) -> Result<Secret, SetupError> {
    let text = std::fs::read_to_string(path).map_err(|source| SetupError::ReadFile {
        what: what.to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    let value = text.trim();
    if value.is_empty() {
        return Err(SetupError::Invalid(format!(
            "{what} file {} is empty",
            path.display()
        )));
    }
    Ok(Secret::new(value))
}

/// Credentials from the config: a token file, basic auth, else the environment's token.
pub(crate) fn resolve_auth(e: &Endpoint, env_token: Option<String>) -> Result<Auth, SetupError> {
    let service = e.service;
    let auth = match (e.bearer_token_file, e.basic_auth_user) {
        (Some(_), Some(_)) => {
            return Err(SetupError::Invalid(format!(
                "{service}: set either bearer_token_file or basic_auth_user, not both"
            )));
        }
        (Some(path), None) => Auth::BearerFile(TokenFile::open(service, path)?),
        (None, Some(user)) => {
            let password = match e.basic_auth_password_file {
                Some(path) => read_secret(path, &format!("{service} basic-auth password"))?,
                None => Secret::new(""),
            };
            Auth::Basic {
                user: user.to_string(),
                password,
            }
        }
        (None, None) => {
            if e.basic_auth_password_file.is_some() {
                return Err(SetupError::Invalid(format!(
                    "{service}: basic_auth_password_file needs basic_auth_user"
                )));
            }
            match env_token {
                Some(t) if !t.trim().is_empty() => Auth::Bearer(Secret::new(t.trim())),
                _ => Auth::None,
            }
        }
    };
    Ok(auth)
}
