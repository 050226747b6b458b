//! The create-only review kinds besides SelfSubjectAccessReview: SelfSubjectReview
//! (`kubectl auth whoami`), SelfSubjectRulesReview (`kubectl auth can-i --list`), and the
//! TokenRequest of `serviceaccounts/token` (`kubectl create token`). Like kube-apiserver
//! 1.33, SelfSubjectReview is served as authentication.k8s.io/v1 only (v1beta1 was
//! removed in 1.33, so kubectl 1.27's `whoami` fails here as on a real 1.33 cluster).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::{Req, Target, json_response};
use crate::errors::{ApiError, ApiResult};
use crate::kinds;
use crate::resources::keys;
use crate::{Sim, meta};

/// The groups the sim's user belongs to (its kubeconfig is a cluster admin's).
const GROUPS: [&str; 2] = ["system:masters", "system:authenticated"];

/// The request body as JSON, whichever encoding the client sent.
fn body_json(r: &Req, kind: &str) -> ApiResult<Value> {
    if r.body.is_empty() {
        return Ok(json!({}));
    }
    if r.content_type().contains("protobuf") {
        return super::proto::decode_object(&r.body).map_err(ApiError::bad_request);
    }
    serde_json::from_slice(&r.body)
        .map_err(|e| ApiError::bad_request(format!("invalid {kind}: {e}")))
}

/// POST to a create-only review resource other than selfsubjectaccessreviews.
pub fn create(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let body = body_json(r, t.def.kind)?;
    let out = match t.def.kind {
        "SelfSubjectReview" => json!({
            "kind": "SelfSubjectReview",
            "apiVersion": t.def.api_version(),
            "metadata": {"creationTimestamp": sim.clock.now_str()},
            "status": {"userInfo": {"username": r.user(), "groups": GROUPS}},
        }),
        "SelfSubjectRulesReview" => {
            let ns = body
                .pointer("/spec/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            json!({
                "kind": "SelfSubjectRulesReview",
                "apiVersion": t.def.api_version(),
                "metadata": {"creationTimestamp": null},
                "spec": {"namespace": ns},
                "status": {
                    "resourceRules": resource_rules(sim),
                    "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                    "incomplete": false,
                },
            })
        }
        other => return Err(ApiError::method_not_supported(t.def, other)),
    };
    Ok(json_response(StatusCode::CREATED, &out))
}

/// What the user may do: everything when nothing is denied; otherwise, per served
/// resource (and subresource), the verbs the deny rules leave.
fn resource_rules(sim: &Sim) -> Vec<Value> {
    if sim.deny.is_empty() {
        return vec![json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})];
    }
    let mut out = Vec::new();
    for def in kinds::resources() {
        let subs = std::iter::once(None).chain(def.subresources.iter().map(|s| Some(*s)));
        for sub in subs {
            let verbs: Vec<&str> = def
                .verbs()
                .into_iter()
                .filter(|v| {
                    crate::authz::denied(&sim.deny, v, def.group, def.resource, sub).is_none()
                })
                .collect();
            if verbs.is_empty() {
                continue;
            }
            let resource = match sub {
                Some(s) => format!("{}/{s}", def.resource),
                None => def.resource.to_string(),
            };
            out.push(json!({"verbs": verbs, "apiGroups": [def.group], "resources": [resource]}));
        }
    }
    out
}

fn b64url(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// POST serviceaccounts/NAME/token: a TokenRequest answered with a signed-looking JWT for
/// the ServiceAccount (the sim does not check it: any token is accepted in its default
/// auth mode).
pub fn token(sim: &Arc<Sim>, t: &Target, r: &Req) -> ApiResult<Response> {
    let name = t.name.as_deref().unwrap_or("");
    let sa = sim
        .store
        .get(keys::SERVICEACCOUNTS, t.ns(), name)
        .ok_or_else(|| ApiError::not_found(t.def, name))?;
    let body = body_json(r, "TokenRequest")?;
    let secs = body
        .pointer("/spec/expirationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(3600);
    if secs < 600 {
        return Err(ApiError::invalid(
            "TokenRequest",
            "authentication.k8s.io",
            name,
            &[(
                "spec.expirationSeconds".to_string(),
                format!("Invalid value: {secs}: may not specify a duration less than 10 minutes"),
            )],
        ));
    }
    let audiences = body
        .pointer("/spec/audiences")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .cloned()
        .unwrap_or_else(|| vec![json!("https://kubernetes.default.svc.cluster.local")]);
    let now = jiff::Timestamp::now();
    let exp = now + jiff::SignedDuration::from_secs(secs);
    let claims = json!({
        "aud": audiences,
        "exp": exp.as_second(),
        "iat": now.as_second(),
        "iss": "https://kubernetes.default.svc.cluster.local",
        "jti": sim.rng.uuid(),
        "kubernetes.io": {
            "namespace": t.ns(),
            "serviceaccount": {"name": name, "uid": meta::uid(&sa)},
        },
        "nbf": now.as_second(),
        "sub": format!("system:serviceaccount:{}:{name}", t.ns()),
    });
    let jwt = format!(
        "{}.{}.{}",
        b64url(br#"{"alg":"RS256","kid":"agentdeck-sim"}"#),
        b64url(claims.to_string().as_bytes()),
        b64url(sim.rng.uuid().as_bytes())
    );
    let out = json!({
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": name, "namespace": t.ns(), "creationTimestamp": sim.clock.now_str()},
        "spec": {"audiences": audiences, "expirationSeconds": secs, "boundObjectRef": null},
        "status": {"token": jwt, "expirationTimestamp": meta::fmt_time(exp)},
    });
    Ok(json_response(StatusCode::CREATED, &out))
}
