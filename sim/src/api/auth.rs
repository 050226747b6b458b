//! Authorization: `--deny "VERB RESOURCE"` rules and SelfSubjectAccessReview (JSON, and the
//! protobuf that kubectl 1.32+ sends).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Req, json_response};
use crate::Sim;
use crate::errors::{ApiError, ApiResult};

/// The user every request is made as (the sim's kubeconfig carries this token's user).
pub const USER: &str = "agentdeck-sim-admin";

/// Decode a protobuf SelfSubjectAccessReview (in its `k8s\0` Unknown envelope) through the
/// generated schema table ([`super::proto`]).
pub fn decode_ssar_protobuf(body: &[u8]) -> Result<Value, String> {
    let v = super::proto::decode_object(body)?;
    match v["kind"].as_str() {
        Some("SelfSubjectAccessReview") => Ok(v),
        other => Err(format!(
            "expected a SelfSubjectAccessReview, got {}",
            other.unwrap_or("nothing")
        )),
    }
}

/// POST selfsubjectaccessreviews: answer allowed/denied from the deny rules.
pub fn review(sim: &Arc<Sim>, r: &Req) -> ApiResult<Response> {
    let body: Value = if r.content_type().contains("protobuf") {
        decode_ssar_protobuf(&r.body).map_err(|e| {
            ApiError::bad_request(format!(
                "could not decode protobuf SelfSubjectAccessReview: {e}"
            ))
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
