//! Connecting like kubectl: --kubeconfig / KUBECONFIG / ~/.kube/config, --context,
//! -n/--namespace, or in-cluster service-account credentials.

use std::path::{Path, PathBuf};

use kube::config::{ExecInteractiveMode, KubeConfigOptions, Kubeconfig, KubeconfigError};

use super::proxy;

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
    #[error("context {context:?} is not in the kubeconfig ({known})")]
    UnknownContext { context: String, known: String },
    #[error("cannot read kubeconfig {path}: {why}")]
    Unreadable { path: PathBuf, why: String },
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
    #[error("{}", super::explain::explain(.0))]
    Client(#[source] kube::Error),
    /// The value is not repeated: it may hold a user and password.
    #[error("the proxy URL in HTTPS_PROXY / HTTP_PROXY is not a valid URL")]
    ProxyUrl,
    #[error("connecting: {0}")]
    Internal(String),
    #[error(
        "the exec credential plugin of user {0:?} needs a terminal (interactiveMode: Always), which the dashboard owns: log in first (e.g. `kubectl get ns`, or `agentdeck status`), then start the dashboard"
    )]
    NeedsTerminal(String),
}

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    /// The terminal belongs to the dashboard: an exec credential plugin gets no terminal
    /// (interactiveMode IfAvailable runs non-interactive, Always is refused with advice).
    pub no_terminal: bool,
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
    /// The cluster's identity beside its server URL: the uid of its `kube-system`
    /// namespace, read once when first asked (None: not readable, e.g. RBAC).
    pub uid: ClusterUid,
}

/// The `kube-system` namespace's uid, read at most once per connection.
#[derive(Clone, Default)]
pub struct ClusterUid(std::sync::Arc<tokio::sync::OnceCell<Option<String>>>);

impl ClusterUid {
    /// Read it (once; at most 3 s) and return it.
    pub async fn get(&self, client: &kube::Client) -> Option<String> {
        self.0
            .get_or_init(|| async {
                let api: kube::Api<k8s_openapi::api::core::v1::Namespace> =
                    kube::Api::all(client.clone());
                let got = tokio::time::timeout(
                    std::time::Duration::from_secs(3),
                    api.get_metadata("kube-system"),
                )
                .await;
                match got {
                    Ok(Ok(ns)) => ns.metadata.uid,
                    other => {
                        tracing::info!(?other, "cluster identity: kube-system not readable");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// What was read so far (None: not read, or not readable).
    pub fn known(&self) -> Option<String> {
        self.0.get().cloned().flatten()
    }
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
        readable(p)?;
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

/// Kubeconfigs larger than this are refused (real ones are kilobytes; `/dev/zero` is not).
pub const KUBECONFIG_LIMIT: u64 = 16 << 20;

/// A regular file of a sane size: a FIFO would block, a device never end.
fn readable(p: &Path) -> Result<(), ConnectError> {
    let why = |why: String| ConnectError::Unreadable {
        path: p.to_path_buf(),
        why,
    };
    let meta = std::fs::metadata(p).map_err(|e| why(e.to_string()))?;
    if !meta.is_file() {
        return Err(why(
            "not a regular file (a kubeconfig is a YAML file)".into()
        ));
    }
    if meta.len() > KUBECONFIG_LIMIT {
        return Err(why(format!(
            "{} MiB, over the {} MiB a kubeconfig may have",
            meta.len() >> 20,
            KUBECONFIG_LIMIT >> 20
        )));
    }
    Ok(())
}

/// At most a handful of the known context names, the closest to `asked` first (shared
/// prefix, then edit distance), made printable: "known: a, b, c and 498 more".
pub fn close_matches(asked: &str, known: &[&str]) -> String {
    const SHOWN: usize = 5;
    if known.is_empty() {
        return "it has no contexts".into();
    }
    let mut ranked: Vec<&str> = known.to_vec();
    ranked.sort_by_key(|k| {
        let prefix = k
            .chars()
            .zip(asked.chars())
            .take_while(|(a, b)| a == b)
            .count();
        (usize::MAX - prefix, distance(asked, k))
    });
    let shown: Vec<String> = ranked
        .iter()
        .take(SHOWN)
        .map(|k| format!("{:?}", crate::text::printable(k)))
        .collect();
    let more = known.len().saturating_sub(SHOWN);
    let head = if more > 0 { "closest" } else { "known" };
    let mut s = format!("{head}: {}", shown.join(", "));
    if more > 0 {
        s.push_str(&format!(" and {more} more: kubectl config get-contexts"));
    }
    s
}

/// Levenshtein distance over chars (names are short; bounded to 64 chars each).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
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

/// How long connecting to the API server may take.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long the API server may stay silent while agentdeck waits for an answer.
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The kube config of the chosen context, with what the audit log and the proxy choice need.
struct Chosen {
    config: kube::Config,
    context: String,
    namespace: Option<String>,
    user: String,
    /// The kubeconfig's cluster names its own proxy-url (the environment's is not used).
    own_proxy: bool,
}

async fn choose(t: &Target) -> Result<Chosen, ConnectError> {
    let Some(kc) = read_kubeconfig(t)? else {
        let config = kube::Config::incluster().map_err(|_| ConnectError::Nowhere)?;
        return Ok(Chosen {
            namespace: Some(config.default_namespace.clone()),
            config,
            context: "in-cluster".into(),
            user: "service-account".into(),
            own_proxy: false,
        });
    };
    let context = t
        .context
        .clone()
        .or_else(|| kc.current_context.clone())
        .ok_or(ConnectError::NoContext)?;
    let Some(ctx) = kc.contexts.iter().find(|c| c.name == context) else {
        let known: Vec<&str> = kc.contexts.iter().map(|c| c.name.as_str()).collect();
        return Err(ConnectError::UnknownContext {
            known: close_matches(&context, &known),
            context: crate::text::printable(&context),
        });
    };
    let ctx = ctx.context.clone().unwrap_or_default();
    let mut kc = kc;
    if t.no_terminal {
        no_terminal_for_plugins(&mut kc, ctx.user.as_deref().unwrap_or_default())?;
    }
    bound_plugin(&mut kc, ctx.user.as_deref().unwrap_or_default());
    let own_proxy = kc
        .clusters
        .iter()
        .find(|c| c.name == ctx.cluster)
        .and_then(|c| c.cluster.as_ref()?.proxy_url.as_ref())
        .is_some_and(|p| !p.is_empty());
    let opts = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kc, &opts)
        .await
        .map_err(|source| ConnectError::Context {
            context: context.clone(),
            source,
        })?;
    Ok(Chosen {
        config,
        context,
        namespace: ctx.namespace,
        user: ctx.user.unwrap_or_default(),
        own_proxy,
    })
}

/// How long an exec credential plugin may run (the config's `exec_plugin_timeout_secs`).
static EXEC_TIMEOUT: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();

/// Set once from the config, before connecting.
pub fn set_exec_timeout(d: std::time::Duration) {
    let _ = EXEC_TIMEOUT.set(d);
}

/// The exec credential plugin of `user`, if any: its command (for "waiting for …").
pub fn exec_plugin(t: &Target) -> Option<String> {
    let kc = read_kubeconfig(t).ok()??;
    let context = t.context.clone().or(kc.current_context.clone())?;
    let user = kc
        .contexts
        .iter()
        .find(|c| c.name == context)?
        .context
        .as_ref()?
        .user
        .clone()?;
    let exec = kc
        .auth_infos
        .iter()
        .find(|a| a.name == user)?
        .auth_info
        .as_ref()?
        .exec
        .as_ref()?;
    exec.command.as_deref().map(crate::text::printable)
}

/// Run `user`'s exec credential plugin through `agentdeck exec-plugin`: the kube client
/// would wait for it forever and keep all it writes; the shim stops it after the timeout
/// and keeps a few scrubbed lines.
fn bound_plugin(kc: &mut Kubeconfig, user: &str) {
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    let exec = kc
        .auth_infos
        .iter_mut()
        .find(|a| a.name == user)
        .and_then(|a| a.auth_info.as_mut()?.exec.as_mut());
    let Some(exec) = exec else { return };
    let Some(command) = exec.command.take() else {
        return;
    };
    let timeout = EXEC_TIMEOUT
        .get()
        .copied()
        .unwrap_or(std::time::Duration::from_secs(30));
    let mut args = vec![
        "exec-plugin".to_string(),
        "--timeout-secs".into(),
        timeout.as_secs().max(1).to_string(),
        "--".into(),
        command,
    ];
    args.extend(exec.args.take().unwrap_or_default());
    exec.command = Some(me.to_string_lossy().into_owned());
    exec.args = Some(args);
}

/// While the dashboard owns the terminal an exec plugin cannot use it: `IfAvailable` (and
/// unset) become `Never` — stdin is not the plugin's and its stderr is captured, never
/// painted over the screen — and a plugin that must have one (`Always`) is refused.
fn no_terminal_for_plugins(kc: &mut Kubeconfig, user: &str) -> Result<(), ConnectError> {
    let exec = kc
        .auth_infos
        .iter_mut()
        .find(|a| a.name == user)
        .and_then(|a| a.auth_info.as_mut()?.exec.as_mut());
    if let Some(exec) = exec {
        if exec.interactive_mode == Some(ExecInteractiveMode::Always) {
            return Err(ConnectError::NeedsTerminal(user.to_string()));
        }
        exec.interactive_mode = Some(ExecInteractiveMode::Never);
    }
    Ok(())
}

/// The namespace every face uses, without connecting: `-n`, else the kubeconfig context's,
/// else `default_ns` (the config's `stack.namespace`).
pub fn namespace_for(t: &Target, default_ns: &str) -> String {
    if let Some(n) = &t.namespace {
        return n.clone();
    }
    let from_context = || {
        let kc = read_kubeconfig(t).ok()??;
        let context = t.context.clone().or(kc.current_context.clone())?;
        kc.contexts
            .into_iter()
            .find(|c| c.name == context)?
            .context?
            .namespace
    };
    from_context().unwrap_or_else(|| default_ns.to_string())
}

/// Connect. The namespace is `-n`, else the context's, else `default_ns` (the stack's): see
/// [`namespace_for`].
pub async fn connect(t: &Target, default_ns: &str) -> Result<Connection, ConnectError> {
    crate::tls::init();
    let Chosen {
        mut config,
        context,
        namespace,
        user,
        own_proxy,
    } = choose(t).await?;
    // Outages must show at once, not hide behind minutes of client retries; the
    // watchers back off and retry on their own.
    config.default_retry = false;
    // A network that stalls without closing must fail a request, not hang it: no answer
    // byte for this long is an error (watches end sooner: the server closes them, see
    // watch.rs).
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.write_timeout = Some(READ_TIMEOUT);
    config.reset_reader_on_write = true;
    if !own_proxy {
        config.proxy_url = match proxy::from_env(&config.cluster_url) {
            Some(p) => Some(p.parse().map_err(|_| ConnectError::ProxyUrl)?),
            None => None,
        };
    }
    let namespace = t
        .namespace
        .clone()
        .or(namespace)
        .unwrap_or_else(|| default_ns.to_string());
    config.default_namespace = namespace.clone();
    let server = config.cluster_url.to_string();
    // An exec credential plugin runs while the client is built: not on a runtime worker.
    let client = tokio::task::spawn_blocking(move || kube::Client::try_from(config))
        .await
        .map_err(|e| ConnectError::Internal(e.to_string()))?
        .map_err(ConnectError::Client)?;
    Ok(Connection {
        client,
        context,
        namespace,
        server,
        user,
        uid: ClusterUid::default(),
    })
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
