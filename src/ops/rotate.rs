//! Rotate the provider API key: one update of the one data key of the Secret, with a
//! resourceVersion precondition (a concurrent change is a Conflict to re-read and ask about
//! again, never overwritten blindly), every other key kept, a missing Secret created; then a
//! restart of every Deployment that reads the Secret. The key lives in `Secret` (never
//! printed) and reaches nothing but the API request and the provider check.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Secret as KubeSecret;
use kube::api::{Api, ListParams, PostParams};

use super::{Access, FIELD_MANAGER, OpError, Ops};
use crate::secret::Secret;

/// The plan shown for confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct RotatePlan {
    pub secret: String,
    pub data_key: String,
    /// The Secret as read (None: it will be created). Its resourceVersion is the precondition.
    pub current: Option<KubeSecret>,
    /// Deployments that read the Secret, to restart afterwards.
    pub readers: Vec<String>,
}

impl RotatePlan {
    pub fn describe(&self) -> String {
        let what = match &self.current {
            Some(_) => format!("replace {} in Secret {}", self.data_key, self.secret),
            None => format!("create Secret {} with {}", self.secret, self.data_key),
        };
        if self.readers.is_empty() {
            format!("{what} (no Deployment reads it)")
        } else {
            format!("{what}, then restart {}", self.readers.join(", "))
        }
    }

    pub fn accesses(&self) -> Vec<Access> {
        accesses(&self.secret, self.current.is_some(), &self.readers)
    }
}

/// Does this Deployment read the Secret (env valueFrom, envFrom, volumes)?
pub fn reads_secret(d: &Deployment, secret: &str) -> bool {
    let Some(spec) = d.spec.as_ref().and_then(|s| s.template.spec.as_ref()) else {
        return false;
    };
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    for c in containers {
        let env = c
            .env
            .iter()
            .flatten()
            .filter_map(|e| e.value_from.as_ref()?.secret_key_ref.as_ref());
        if env.into_iter().any(|r| r.name == secret) {
            return true;
        }
        if c.env_from
            .iter()
            .flatten()
            .any(|e| e.secret_ref.as_ref().is_some_and(|r| r.name == secret))
        {
            return true;
        }
    }
    spec.volumes
        .iter()
        .flatten()
        .any(|v| v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) == Some(secret))
}

/// Refuse an empty or malformed key before anything is sent.
pub fn check_key(key: &Secret) -> Result<(), OpError> {
    let k = key.expose();
    if k.is_empty() {
        return Err(OpError::Invalid("the new key is empty".into()));
    }
    if k.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(OpError::Invalid(
            "the new key contains spaces or control characters; paste it alone".into(),
        ));
    }
    Ok(())
}

/// Ask the provider whether it accepts the key: `GET {base_url}/models` with it.
pub async fn verify(base_url: &str, key: &Secret) -> Result<(), OpError> {
    crate::tls::init();
    let url = format!("{}/models", base_url.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| OpError::Failed(format!("HTTP client: {e}")))?;
    let resp = client
        .get(&url)
        .bearer_auth(key.expose())
        .send()
        .await
        .map_err(|e| {
            OpError::Failed(format!(
                "cannot reach the provider at {url}: {}",
                e.without_url()
            ))
        })?;
    match resp.status().as_u16() {
        200..=299 => Ok(()),
        401 | 403 => Err(OpError::Invalid(format!(
            "the provider at {url} rejects the new key ({}); nothing was changed",
            resp.status()
        ))),
        s => Err(OpError::Failed(format!(
            "the provider at {url} answered {s}; nothing was changed"
        ))),
    }
}

/// Read the stack's Secret and find its readers.
pub async fn plan(ops: &Ops) -> Result<RotatePlan, OpError> {
    let (secret, data_key) = (ops.stack.secret.as_str(), ops.stack.secret_key.as_str());
    let ns = &ops.conn.namespace;
    let secrets: Api<KubeSecret> = Api::namespaced(ops.conn.client.clone(), ns);
    let current = secrets
        .get_opt(secret)
        .await
        .map_err(|e| OpError::from_kube(&format!("secret {secret}"), e))?;
    let deploys: Api<Deployment> = Api::namespaced(ops.conn.client.clone(), ns);
    let list = deploys
        .list(&ListParams::default())
        .await
        .map_err(|e| OpError::from_kube("listing deployments", e))?;
    let readers = list
        .items
        .iter()
        .filter(|d| reads_secret(d, secret))
        .filter_map(|d| d.metadata.name.clone())
        .collect();
    Ok(RotatePlan {
        secret: secret.into(),
        data_key: data_key.into(),
        current,
        readers,
    })
}

/// The one write: update (with the plan's resourceVersion) or create. A concurrent change
/// is `OpError::Conflict`: plan again and ask again.
pub async fn write_key(ops: &Ops, plan: &RotatePlan, key: &Secret) -> Result<String, OpError> {
    let result = write_inner(ops, plan, key).await;
    ops.record("rotate-key", &format!("secret/{}", plan.secret), &result);
    result
}

async fn write_inner(ops: &Ops, plan: &RotatePlan, key: &Secret) -> Result<String, OpError> {
    let secrets: Api<KubeSecret> = Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let pp = PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    let value = ByteString(key.expose().as_bytes().to_vec());
    let what = format!("secret {}", plan.secret);
    match &plan.current {
        Some(cur) => {
            let mut s = cur.clone();
            s.data
                .get_or_insert_with(BTreeMap::new)
                .insert(plan.data_key.clone(), value);
            if let Some(sd) = s.string_data.as_mut() {
                sd.remove(&plan.data_key);
            }
            secrets.replace(&plan.secret, &pp, &s).await.map_err(|e| {
                match OpError::from_kube(&what, e) {
                    OpError::Conflict(_) => OpError::Conflict(format!(
                        "secret {} changed since it was read",
                        plan.secret
                    )),
                    other => other,
                }
            })?;
            Ok(format!(
                "{} updated in secret {} (other keys kept)",
                plan.data_key, plan.secret
            ))
        }
        None => {
            let s = KubeSecret {
                metadata: kube::api::ObjectMeta {
                    name: Some(plan.secret.clone()),
                    ..Default::default()
                },
                type_: Some("Opaque".into()),
                data: Some(BTreeMap::from([(plan.data_key.clone(), value)])),
                ..Default::default()
            };
            secrets
                .create(&pp, &s)
                .await
                .map_err(|e| OpError::from_kube(&what, e))?;
            Ok(format!(
                "secret {} created with {}",
                plan.secret, plan.data_key
            ))
        }
    }
}

#[cfg(test)]
#[path = "rotate_tests.rs"]
mod tests;

/// What a rotation needs: to update the Secret (create it when it does not `exist`), and to
/// restart the Deployments that read it.
pub fn accesses(secret: &str, exists: bool, readers: &[String]) -> Vec<Access> {
    let mut v = vec![Access {
        verb: if exists { "update" } else { "create" },
        group: "",
        resource: "secrets",
        subresource: "",
        name: secret.to_string(),
    }];
    v.extend(readers.iter().map(|d| Access {
        verb: "patch",
        group: "apps",
        resource: "deployments",
        subresource: "",
        name: d.clone(),
    }));
    v
}
