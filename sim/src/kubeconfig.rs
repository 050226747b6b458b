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
