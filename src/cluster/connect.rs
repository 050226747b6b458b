//! Connecting like kubectl: --kubeconfig / KUBECONFIG / ~/.kube/config, --context,
//! -n/--namespace, or in-cluster service-account credentials.

use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

/// Why connecting failed, worded for the user (the source chain goes to the log).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot read kubeconfig {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: KubeconfigError,
    },
    #[error("none of the files in KUBECONFIG exist: {0}")]
    NoFileInList(String),
    #[error("the kubeconfig has no current-context: pass --context NAME")]
    NoContext,
    #[error("context {context:?} is not in the kubeconfig (known: {known})")]
    UnknownContext { context: String, known: String },
    #[error("kubeconfig context {context:?}: {source}")]
    Context {
        context: String,
        #[source]
        source: KubeconfigError,
    },
    #[error(
        "no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config) and not running in a cluster: pass --kubeconfig, or try `agentdeck demo`"
    )]
    Nowhere,
    #[error("kube client: {0}")]
    Client(#[source] kube::Error),
}

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
}

/// A client for one context and namespace.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    pub context: String,
    pub namespace: String,
    pub server: String,
    /// The kubeconfig user of the context (for the audit log).
    pub user: String,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("context", &self.context)
            .field("namespace", &self.namespace)
            .field("server", &self.server)
            .finish()
    }
}

/// The kubeconfig as kubectl finds it: `--kubeconfig FILE`, else every file of the
/// `KUBECONFIG` list merged (the first file that sets a value wins; missing files are
/// skipped, as kubectl does), else `~/.kube/config`. None: there is none (in-cluster next).
/// A file that exists but does not parse is an error, never "no kubeconfig".
fn read_kubeconfig(t: &Target) -> Result<Option<Kubeconfig>, ConnectError> {
    let read = |p: &Path| {
        Kubeconfig::read_from(p).map_err(|source| ConnectError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    if let Some(p) = &t.kubeconfig {
        return read(p).map(Some);
    }
    if let Some(list) = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        let files: Vec<PathBuf> = std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty() && p.exists())
            .collect();
        if files.is_empty() {
            return Err(ConnectError::NoFileInList(
                list.to_string_lossy().into_owned(),
            ));
        }
        let mut merged = Kubeconfig::default();
        for f in &files {
            merged = merged
                .merge(read(f)?)
                .map_err(|source| ConnectError::Read {
                    path: f.clone(),
                    source,
                })?;
        }
        return Ok(Some(merged));
    }
    match home_kubeconfig().filter(|p| p.exists()) {
        Some(p) => read(&p).map(Some),
        None => Ok(None),
    }
}

fn home_kubeconfig() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".kube").join("config"))
}

/// The context names of the kubeconfig (for `:ctx`).
pub fn contexts(t: &Target) -> Vec<String> {
    read_kubeconfig(t)
        .ok()
        .flatten()
        .map(|k| k.contexts.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

/// Connect. The namespace is `-n`, else the context's, else `default_ns` (the stack's).
pub async fn connect(t: &Target, default_ns: &str) -> Result<Connection, ConnectError> {
    crate::tls::init();
    let (mut config, context, ctx_ns, user) = match read_kubeconfig(t)? {
        Some(kc) => {
            let context = t
                .context
                .clone()
                .or_else(|| kc.current_context.clone())
                .ok_or(ConnectError::NoContext)?;
            if !kc.contexts.iter().any(|c| c.name == context) {
                let known: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
                return Err(ConnectError::UnknownContext {
                    context,
                    known: known.join(", "),
                });
            }
            let ctx = kc
                .contexts
                .iter()
                .find(|c| c.name == context)
                .and_then(|c| c.context.as_ref());
            let ns = ctx.and_then(|c| c.namespace.clone());
            let user = ctx.and_then(|c| c.user.clone()).unwrap_or_default();
            let opts = KubeConfigOptions {
                context: Some(context.clone()),
                ..Default::default()
            };
            let cfg = kube::Config::from_custom_kubeconfig(kc, &opts)
                .await
                .map_err(|source| ConnectError::Context {
                    context: context.clone(),
                    source,
                })?;
            (cfg, context, ns, user)
        }
        None => {
            let cfg = kube::Config::incluster().map_err(|_| ConnectError::Nowhere)?;
            let ns = Some(cfg.default_namespace.clone());
            (
                cfg,
                "in-cluster".to_string(),
                ns,
                "service-account".to_string(),
            )
        }
    };
    // Outages must show at once, not hide behind minutes of client retries; the
    // watchers back off and retry on their own.
    config.default_retry = false;
    let namespace = t
        .namespace
        .clone()
        .or(ctx_ns)
        .unwrap_or_else(|| default_ns.to_string());
    config.default_namespace = namespace.clone();
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(ConnectError::Client)?;
    Ok(Connection {
        client,
        context,
        namespace,
        server,
        user,
    })
}
