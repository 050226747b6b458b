//! `--state-file`: the whole store (objects, the resourceVersion counter, the simulated
//! clock and the name generator) saved on exit and loaded at start, so a restarted sim goes
//! on where it stopped — resourceVersions keep growing, watches resume or get 410.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Sim;

/// The state file's contents.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// Format marker: `agentdeck-sim/v1`.
    pub format: String,
    pub resource_version: u64,
    /// The simulated time when it was saved.
    pub clock: jiff::Timestamp,
    pub rng_state: u64,
    pub next_ip: u32,
    pub objects: Vec<SavedObject>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SavedObject {
    /// The store's resource key, e.g. `deployments.apps`.
    pub resource: String,
    pub object: Value,
}

const FORMAT: &str = "agentdeck-sim/v1";

/// Read a state file: None when there is none yet; an error naming the file when it
/// cannot be read or does not parse.
pub fn load(path: &Path) -> anyhow::Result<Option<Saved>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => anyhow::bail!("cannot read the state file {}: {e}", path.display()),
    };
    let saved: Saved = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "the state file {} is not a saved simulated cluster: {e}",
            path.display()
        )
    })?;
    if saved.format != FORMAT {
        anyhow::bail!(
            "the state file {} has format {:?}, expected {FORMAT:?}",
            path.display(),
            saved.format
        );
    }
    Ok(Some(saved))
}

/// Put saved state into a fresh sim.
pub fn restore(sim: &Sim, saved: Saved) {
    sim.rng.set_state(saved.rng_state);
    sim.set_ip_counter(saved.next_ip);
    let objects = saved
        .objects
        .into_iter()
        .map(|o| (o.resource, o.object))
        .collect();
    sim.store.restore(saved.resource_version, objects);
}

/// Write the sim's state to `path` (a temporary file renamed over it, mode 0600: Secrets
/// are in there).
pub fn save(sim: &Sim, path: &Path) -> anyhow::Result<()> {
    let (rv, objects) = sim.store.snapshot();
    let saved = Saved {
        format: FORMAT.to_string(),
        resource_version: rv,
        clock: sim.clock.now(),
        rng_state: sim.rng.state(),
        next_ip: sim.ip_counter(),
        objects: objects
            .into_iter()
            .map(|(resource, o)| SavedObject {
                resource,
                object: (*o).clone(),
            })
            .collect(),
    };
    let text = serde_json::to_string(&saved)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    crate::kubeconfig::write_private(&tmp, text.as_bytes())
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| anyhow::anyhow!("cannot write the state file {}: {e}", path.display()))
}
