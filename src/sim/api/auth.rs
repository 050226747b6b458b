//! Authorization: `--deny "VERB RESOURCE"` rules and SelfSubjectAccessReview (JSON, and the
//! protobuf that kubectl 1.32+ sends).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::errors::{ApiError, ApiResult};
use super::proto::{self, Wire, string};
use super::{Req, json_response};
use crate::sim::Sim;
use crate::sim::resources::ResourceDef;

/// The user every request is made as (the sim's kubeconfig carries this token's user).
pub const USER: &str = "agentdeck-sim-admin";

/// One deny rule: a verb (or "*") on a resource ("deployments", "deployments.apps",
/// "deployments/scale", or "*").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyRule {
    pub verb: String,
    pub resource: String,
}

impl DenyRule {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut it = s.split_whitespace();
        match (it.next(), it.next(), it.next()) {
            (Some(v), Some(r), None) => Ok(DenyRule {
                verb: v.to_lowercase(),
                resource: r.to_lowercase(),
            }),
            _ => Err(format!(
                "invalid --deny rule {s:?}: expected \"VERB RESOURCE\", e.g. \"patch deployments\""
            )),
        }
    }

    fn matches(&self, verb: &str, group: &str, resource: &str, sub: Option<&str>) -> bool {
        let verb_ok = self.verb == "*" || self.verb == verb;
        let (res_part, sub_part) = match self.resource.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (self.resource.as_str(), None),
        };
        let (rname, rgroup) = match res_part.split_once('.') {
            Some((r, g)) => (r, Some(g)),
            None => (res_part, None),
        };
        let res_ok = rname == "*" || rname == resource;
        let group_ok = rgroup.is_none_or(|g| g == group);
        let sub_ok = match sub_part {
            None => true,
            Some(s) => sub == Some(s),
        };
        verb_ok && res_ok && group_ok && sub_ok
    }
}

/// The reason a request is denied, if a rule denies it.
pub fn denied(sim: &Sim, verb: &str, def: &ResourceDef, sub: Option<&str>) -> Option<String> {
    check(&sim.deny, verb, def.group, def.resource, sub)
}

fn check(
    rules: &[DenyRule],
    verb: &str,
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<String> {
    rules
        .iter()
        .find(|r| r.matches(verb, group, resource, sub))
        .map(|r| {
            format!(
                "denied by the simulated cluster's rule \"{} {}\"",
                r.verb, r.resource
            )
        })
}

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
            match check(&sim.deny, s("verb"), s("group"), s("resource"), sub) {
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
mod tests {
    use super::*;

    fn ld(tag: u64, bytes: &[u8]) -> Vec<u8> {
        let mut v = vec![((tag << 3) | 2) as u8, bytes.len() as u8];
        v.extend_from_slice(bytes);
        v
    }

    #[test]
    fn decodes_protobuf_review() {
        let ra = [
            ld(1, b"ai-agents"),
            ld(2, b"patch"),
            ld(3, b"apps"),
            ld(5, b"deployments"),
        ]
        .concat();
        let spec = ld(1, &ra);
        let ssar = [ld(1, b""), ld(2, &spec)].concat();
        let unknown = [
            ld(
                1,
                &[
                    ld(1, b"authorization.k8s.io/v1"),
                    ld(2, b"SelfSubjectAccessReview"),
                ]
                .concat(),
            ),
            ld(2, &ssar),
        ]
        .concat();
        let body = [b"k8s\0".as_slice(), &unknown].concat();
        let v = decode_ssar_protobuf(&body).unwrap();
        assert_eq!(v["spec"]["resourceAttributes"]["verb"], "patch");
        assert_eq!(v["spec"]["resourceAttributes"]["resource"], "deployments");
        assert_eq!(v["spec"]["resourceAttributes"]["namespace"], "ai-agents");
        assert!(decode_ssar_protobuf(b"k8s\0\x12\xff").is_none());
    }

    #[test]
    fn rules_match() {
        let r = DenyRule::parse("patch deployments").unwrap();
        assert!(r.matches("patch", "apps", "deployments", None));
        assert!(r.matches("patch", "apps", "deployments", Some("scale")));
        assert!(!r.matches("get", "apps", "deployments", None));
        let s = DenyRule::parse("* deployments.apps/scale").unwrap();
        assert!(s.matches("update", "apps", "deployments", Some("scale")));
        assert!(!s.matches("update", "apps", "deployments", None));
        assert!(DenyRule::parse("patch").is_err());
    }
}
