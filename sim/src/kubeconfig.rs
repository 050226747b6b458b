//! The kubeconfig that points clients at the sim.

/// A kubeconfig for the sim: cluster, user and context `agentdeck-sim`, namespace ai-agents.
pub fn kubeconfig_yaml(server: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: agentdeck-sim
  cluster:
    server: {server}
users:
- name: agentdeck-sim
  user:
    token: agentdeck-sim-token
contexts:
- name: agentdeck-sim
  context:
    cluster: agentdeck-sim
    user: agentdeck-sim
    namespace: ai-agents
current-context: agentdeck-sim
preferences: {{}}
"
    )
}

pub fn write_kubeconfig(path: &std::path::Path, server: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, kubeconfig_yaml(server))
        .map_err(|e| anyhow::anyhow!("cannot write kubeconfig {}: {e}", path.display()))
}

/// Write a file only its owner can read (0600 on unix).
pub fn write_private(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(data)
}

/// The kubeconfig user's credentials.
pub enum User<'a> {
    Token(&'a str),
    ClientCert { cert_pem: &'a str, key_pem: &'a str },
    Exec { command: &'a str, args: Vec<String> },
}

/// A kubeconfig for the sim at `server`, trusting `ca_pem` (TLS), with `user`'s
/// credentials: cluster, user and context `agentdeck-sim`, namespace ai-agents.
pub fn kubeconfig_yaml_with(server: &str, ca_pem: Option<&str>, user: &User) -> String {
    use base64::Engine;
    use serde_json::json;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let mut cluster = json!({"server": server});
    if let Some(ca) = ca_pem {
        cluster["certificate-authority-data"] = json!(b64(ca));
    }
    let user = match user {
        User::Token(t) => json!({"token": t}),
        User::ClientCert { cert_pem, key_pem } => json!({
            "client-certificate-data": b64(cert_pem),
            "client-key-data": b64(key_pem),
        }),
        User::Exec { command, args } => json!({"exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": command,
            "args": args,
            "interactiveMode": "IfAvailable",
            "provideClusterInfo": false,
        }}),
    };
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "agentdeck-sim", "cluster": cluster}],
        "users": [{"name": "agentdeck-sim", "user": user}],
        "contexts": [{"name": "agentdeck-sim", "context": {
            "cluster": "agentdeck-sim", "user": "agentdeck-sim", "namespace": "ai-agents"}}],
        "current-context": "agentdeck-sim",
        "preferences": {},
    });
    serde_yaml_ng::to_string(&doc).unwrap_or_default()
}

/// Write a kubeconfig (only its owner can read it: it may hold a key or a token).
pub fn write_kubeconfig_with(
    path: &std::path::Path,
    server: &str,
    ca_pem: Option<&str>,
    user: &User,
) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    write_private(path, kubeconfig_yaml_with(server, ca_pem, user).as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write kubeconfig {}: {e}", path.display()))
}
