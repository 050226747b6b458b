//! Staging an incident on and off: the object writes (as field manager [`MANAGER`], like
//! a person's edit) and the model flags.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::Incident;
use crate::agents::{self, DEPLOYMENT, NAMESPACE, SECRET, SECRET_KEY};
use crate::apply::{self, Writer};
use crate::kinds;
use crate::resources::keys;
use crate::{Sim, admission, meta};

/// The field manager of the staging writes.
pub const MANAGER: &str = "agentdeck-sim-incident";
/// The key `bad-key` writes: one the provider rejects (it says it is revoked).
pub const REVOKED_KEY: &str = "sk-holysheep-revoked-2f9c1e7a5b3d";
/// The valid key `bad-key` off writes back when there was none valid before.
pub const VALID_KEY: &str = "sk-holysheep-sim-4d8a0c6e2b9f7153";
/// The bundled provider URL, and the broken one of `crashloop`.
pub const BASE_URL: &str = "https://api.holysheep.ai/v1";
pub const BAD_BASE_URL: &str = "htps://api.holysheep.ai/v1";
pub const BASE_URL_ENV: &str = "HOLYSHEEP_BASE_URL";
/// The NetworkPolicies of `egress-blocked`.
pub const DENY_POLICY: &str = "default-deny-egress";
pub const ALLOW_POLICY: &str = "allow-holysheep-api";
/// The port `egress-blocked` edits the allow rule's 443 to.
pub const BROKEN_PORT: i64 = 8443;
/// The agent container's memory (request, limit): bundled, and what `pending` asks for.
pub const MEMORY: (&str, &str) = ("512Mi", "2Gi");
pub const PENDING_MEMORY: (&str, &str) = ("64Gi", "64Gi");

/// Switch incident `i` on or off: the flag, then its objects. On always (re)stages (a
/// second `on` after a fix breaks it again); off undoes the staging only when it was on.
/// Returns whether the flag changed; an error when an object write fails (e.g. the
/// bundled stack is not loaded).
pub fn stage(sim: &Sim, i: Incident, on: bool) -> Result<bool, String> {
    let now = sim.clock.now_str();
    if on && i == Incident::BadKey && !sim.incidents.is_on(i) {
        save_key(sim);
    }
    let changed = sim.incidents.set(i, on, &now);
    if on || changed {
        let r = match i {
            Incident::BadKey => set_key(sim, on),
            Incident::EgressBlocked => block_egress(sim, on),
            Incident::Crashloop => set_base_url(sim, if on { BAD_BASE_URL } else { BASE_URL }),
            Incident::Pending => set_memory(sim, if on { PENDING_MEMORY } else { MEMORY }),
            Incident::NoMetricsServer | Incident::Oom | Incident::SlowProvider => Ok(()),
        };
        if let Err(e) = r {
            if on && changed {
                sim.incidents.set(i, false, &now);
            }
            return Err(format!("cannot stage {i}: {e}"));
        }
    }
    tracing::info!(incident = %i, on, "incident staged");
    sim.store.changed.notify_waiters();
    Ok(changed)
}

/// Update an object in the store as [`MANAGER`] would with a PUT: managed fields tracked,
/// generation bumped when the spec changed. `f` says whether it changed anything.
fn edit(
    sim: &Sim,
    key: &str,
    name: &str,
    api_version: &str,
    f: impl FnOnce(&mut Value) -> bool,
) -> Result<Arc<Value>, String> {
    let now = sim.clock.now_str();
    sim.store
        .update_with(key, NAMESPACE, name, |o| {
            let old = o.clone();
            if !f(o) {
                return false;
            }
            if old.get("spec") != o.get("spec") {
                let g = meta::generation(&old) + 1;
                meta::metadata_mut(o).insert("generation".into(), json!(g));
            }
            let w = Writer {
                manager: MANAGER,
                subresource: "",
                api_version,
                time: &now,
            };
            apply::track_update(Some(&old), o, &w);
            true
        })
        .ok_or_else(|| format!("{key} {NAMESPACE}/{name} not found"))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Remember the current key when the provider would accept it (written back on off).
fn save_key(sim: &Sim) {
    let current = sim
        .store
        .get(keys::SECRETS, NAMESPACE, SECRET)
        .and_then(|s| {
            s.pointer(&format!("/data/{SECRET_KEY}"))
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    let valid = agents::secret_key_ok(sim);
    *sim.incidents.saved_key() = current.filter(|_| valid);
}

/// `bad-key`: the Secret holds a revoked key (created when missing); off: the key it held
/// before, or a valid one.
fn set_key(sim: &Sim, bad: bool) -> Result<(), String> {
    let value = if bad {
        b64(REVOKED_KEY)
    } else {
        sim.incidents
            .saved_key()
            .take()
            .unwrap_or_else(|| b64(VALID_KEY))
    };
    if sim.store.get(keys::SECRETS, NAMESPACE, SECRET).is_none() {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": SECRET, "namespace": NAMESPACE},
            "data": {SECRET_KEY: value},
        });
        return admission::create_internal(sim, secret, MANAGER).map(|_| ());
    }
    edit(sim, keys::SECRETS, SECRET, "v1", |s| {
        if s.pointer(&format!("/data/{SECRET_KEY}")) == Some(&json!(value)) {
            return false;
        }
        meta::obj_at(s, &["data"]).insert(SECRET_KEY.into(), json!(value));
        true
    })
    .map(|_| ())
}

/// `egress-blocked`: a default-deny egress policy for every pod of the namespace, and the
/// allow rule's TCP 443 moved to [`BROKEN_PORT`]; off: the deny policy deleted, 443 back.
fn block_egress(sim: &Sim, on: bool) -> Result<(), String> {
    let def = kinds::by_kind("networking.k8s.io/v1", "NetworkPolicy")
        .ok_or("NetworkPolicy is not served")?;
    let exists = sim.store.get(&def.key(), NAMESPACE, DENY_POLICY).is_some();
    if on && !exists {
        let deny = json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": DENY_POLICY, "namespace": NAMESPACE},
            "spec": {"podSelector": {}, "policyTypes": ["Egress"]},
        });
        admission::create_internal(sim, deny, MANAGER)?;
    }
    if !on && exists {
        sim.delete_object(def, NAMESPACE, DENY_POLICY, "Background", None);
    }
    if sim.store.get(&def.key(), NAMESPACE, ALLOW_POLICY).is_none() {
        return Ok(()); // Nothing to break (or repair): the deny policy alone blocks.
    }
    let (from, to) = if on {
        (443, BROKEN_PORT)
    } else {
        (BROKEN_PORT, 443)
    };
    edit(
        sim,
        &def.key(),
        ALLOW_POLICY,
        "networking.k8s.io/v1",
        |np| {
            let mut changed = false;
            let rules = np.pointer_mut("/spec/egress").and_then(Value::as_array_mut);
            for rule in rules.into_iter().flatten() {
                let ports = rule.get_mut("ports").and_then(Value::as_array_mut);
                for p in ports.into_iter().flatten() {
                    let tcp = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP") == "TCP";
                    if tcp && p.get("port").and_then(Value::as_i64) == Some(from) {
                        p["port"] = json!(to);
                        changed = true;
                    }
                }
            }
            changed
        },
    )
    .map(|_| ())
}

/// The agent Deployment's containers, to edit.
fn containers(d: &mut Value) -> impl Iterator<Item = &mut Value> {
    d.pointer_mut("/spec/template/spec/containers")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

/// `crashloop`: the containers' HOLYSHEEP_BASE_URL set to `url`.
fn set_base_url(sim: &Sim, url: &str) -> Result<(), String> {
    edit(sim, keys::DEPLOYMENTS, DEPLOYMENT, "apps/v1", |d| {
        let mut changed = false;
        for c in containers(d) {
            let env = c.get_mut("env").and_then(Value::as_array_mut);
            for e in env.into_iter().flatten() {
                if e["name"] == BASE_URL_ENV && e.get("value") != Some(&json!(url)) {
                    e["value"] = json!(url);
                    changed = true;
                }
            }
        }
        changed
    })
    .map(|_| ())
}

/// `pending`: the containers' memory request and limit.
fn set_memory(sim: &Sim, (request, limit): (&str, &str)) -> Result<(), String> {
    edit(sim, keys::DEPLOYMENTS, DEPLOYMENT, "apps/v1", |d| {
        let before = d.clone();
        for c in containers(d) {
            meta::obj_at(c, &["resources", "requests"]).insert("memory".into(), json!(request));
            meta::obj_at(c, &["resources", "limits"]).insert("memory".into(), json!(limit));
        }
        *d != before
    })
    .map(|_| ())
}
