//! Authorization: `--deny "VERB RESOURCE"` rules and SelfSubjectAccessReview (JSON, and the
//! protobuf that kubectl 1.32+ sends).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::proto::{self, Wire, string};
use super::{Req, json_response};
use crate::Sim;
use crate::errors::{ApiError, ApiResult};

/// The user every request is made as (the sim's kubeconfig carries this token's user).
pub const USER: &str = "agentdeck-sim-admin";

fn field<'a>(fs: &[(u64, Wire<'a>)], n: u64) -> Option<&'a [u8]> {
    fs.iter().find_map(|(k, v)| match v {
        Wire::Bytes(b) if *k == n => Some(*b),
        _ => None,
    })
}

/// Decode a protobuf SelfSubjectAccessReview (in its `k8s\0` Unknown envelope) into the
/// JSON fields the review needs.
pub fn decode_ssar_protobuf(body: &[u8]) -> Option<Value> {
    let (_, _, raw) = proto::envelope(body)?;
    let ssar = proto::fields(raw)?;
    let spec = proto::fields(field(&ssar, 2)?)?;
    let mut out = json!({"spec": {}});
    if let Some(ra) = field(&spec, 1) {
        let ra = proto::fields(ra)?;
        out["spec"]["resourceAttributes"] = json!({
            "namespace": string(&ra, 1),
            "verb": string(&ra, 2),
            "group": string(&ra, 3),
            "version": string(&ra, 4),
            "resource": string(&ra, 5),
            "subresource": string(&ra, 6),
            "name": string(&ra, 7),
        });
    }
    if let Some(nra) = field(&spec, 2) {
        let nra = proto::fields(nra)?;
        out["spec"]["nonResourceAttributes"] =
            json!({"path": string(&nra, 1), "verb": string(&nra, 2)});
    }
    Some(out)
}

/// POST selfsubjectaccessreviews: answer allowed/denied from the deny rules.
pub fn review(sim: &Arc<Sim>, r: &Req) -> ApiResult<Response> {
    let body: Value = if r.content_type().contains("protobuf") {
        decode_ssar_protobuf(&r.body).ok_or_else(|| {
            ApiError::bad_request("could not decode protobuf SelfSubjectAccessReview")
        })?
    } else {
        serde_json::from_slice(&r.body)
            .map_err(|e| ApiError::bad_request(format!("invalid SelfSubjectAccessReview: {e}")))?
    };
    let spec = body.get("spec").cloned().unwrap_or(json!({}));
    let (allowed, reason) = match spec.get("resourceAttributes") {
        Some(ra) => {
            let s = |k: &str| ra.get(k).and_then(Value::as_str).unwrap_or("");
            let sub = Some(s("subresource")).filter(|x| !x.is_empty());
            match crate::authz::denied(&sim.deny, s("verb"), s("group"), s("resource"), sub) {
                Some(reason) => (false, reason),
                None => (true, String::new()),
            }
        }
        None => (true, String::new()),
    };
    let mut out = json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": spec,
        "status": {"allowed": allowed},
    });
    if !allowed {
        out["status"]["denied"] = json!(true);
        out["status"]["reason"] = json!(reason);
    }
    Ok(json_response(StatusCode::CREATED, &out))
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
