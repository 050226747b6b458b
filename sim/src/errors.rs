//! metav1.Status errors with the codes and reasons kube-apiserver uses (the HTTP layer
//! turns them into responses).

use serde_json::{Value, json};

use crate::resources::ResourceDef;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    fn qualified(def: &ResourceDef) -> String {
        if def.group.is_empty() {
            def.resource.to_string()
        } else {
            format!("{}.{}", def.resource, def.group)
        }
    }

    fn with_details(mut self, def: &ResourceDef, name: &str) -> Self {
        let mut d = json!({"kind": def.resource});
        if !name.is_empty() {
            d["name"] = json!(name);
        }
        if !def.group.is_empty() {
            d["group"] = json!(def.group);
        }
        self.details = Some(d);
        self
    }

    /// Details naming a group/resource that is no [`ResourceDef`] (an aggregated API's
    /// resource, e.g. metrics-server's "podmetrics").
    pub fn details_for(mut self, resource: &str, group: &str, name: &str) -> Self {
        let mut d = json!({"kind": resource});
        if !name.is_empty() {
            d["name"] = json!(name);
        }
        if !group.is_empty() {
            d["group"] = json!(group);
        }
        self.details = Some(d);
        self
    }

    pub fn not_found(def: &ResourceDef, name: &str) -> Self {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{}\" not found", Self::qualified(def), name),
        )
        .with_details(def, name)
    }

    pub fn namespace_not_found(ns: &str) -> Self {
        ApiError {
            code: 404,
            reason: "NotFound",
            message: format!("namespaces \"{ns}\" not found"),
            details: Some(json!({"name": ns, "kind": "namespaces"})),
        }
    }

    pub fn already_exists(def: &ResourceDef, name: &str) -> Self {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{}\" already exists", Self::qualified(def), name),
        )
        .with_details(def, name)
    }

    pub fn conflict(def: &ResourceDef, name: &str) -> Self {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
                Self::qualified(def),
                name
            ),
        )
        .with_details(def, name)
    }

    /// A server-side apply conflict: `fields` are (manager, field path) pairs.
    pub fn apply_conflict(def: &ResourceDef, name: &str, fields: &[(String, String)]) -> Self {
        let mut msg = if fields.len() == 1 {
            "Apply failed with 1 conflict: ".to_string()
        } else {
            format!("Apply failed with {} conflicts: ", fields.len())
        };
        let parts: Vec<String> = fields
            .iter()
            .map(|(m, f)| format!("conflict with \"{m}\": {f}"))
            .collect();
        msg.push_str(&parts.join("\n"));
        let causes: Vec<Value> = fields
            .iter()
            .map(|(m, f)| {
                json!({"reason": "FieldManagerConflict", "message": format!("conflict with \"{m}\""), "field": f})
            })
            .collect();
        let mut e = ApiError::new(409, "Conflict", msg).with_details(def, name);
        if let Some(d) = e.details.as_mut() {
            d["causes"] = Value::Array(causes);
        }
        e
    }

    /// 422 with field causes.
    pub fn invalid(kind: &str, group: &str, name: &str, causes: &[(String, String)]) -> Self {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let text: Vec<String> = causes.iter().map(|(f, m)| format!("{f}: {m}")).collect();
        let message = if text.len() == 1 {
            format!("{qualified} \"{name}\" is invalid: {}", text[0])
        } else {
            format!("{qualified} \"{name}\" is invalid: [{}]", text.join(", "))
        };
        ApiError {
            code: 422,
            reason: "Invalid",
            message,
            details: Some(json!({
                "name": name,
                "group": group,
                "kind": kind,
                "causes": causes.iter().map(|(f, m)| json!({"reason": "FieldValueInvalid", "message": m, "field": f})).collect::<Vec<_>>(),
            })),
        }
    }

    /// 422 as kube-apiserver answers a JSON patch that does not apply (a failed `test`, a
    /// missing path, an unknown op): its `NewGenericServerResponse(422, ...)`, whose message
    /// is fixed and whose details are empty; the patch library's own error is not in it.
    pub fn json_patch_not_applied() -> Self {
        ApiError {
            code: 422,
            reason: "Invalid",
            message: "the server rejected our request due to an error in our request".into(),
            details: Some(json!({})),
        }
    }

    pub fn bad_request(msg: impl Into<String>) -> Self {
        ApiError::new(400, "BadRequest", msg)
    }

    pub fn forbidden(
        user: &str,
        verb: &str,
        def: &ResourceDef,
        sub: Option<&str>,
        name: &str,
        ns: &str,
        reason: &str,
    ) -> Self {
        let resource = match sub {
            Some(s) => format!("{}/{s}", def.resource),
            None => def.resource.to_string(),
        };
        let subject = if name.is_empty() {
            Self::qualified(def)
        } else {
            format!("{} \"{}\"", Self::qualified(def), name)
        };
        let scope = if ns.is_empty() {
            "at the cluster scope".to_string()
        } else {
            format!("in the namespace \"{ns}\"")
        };
        let msg = format!(
            "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{}\" {scope}{}",
            def.group,
            if reason.is_empty() {
                String::new()
            } else {
                format!(": {reason}")
            }
        );
        ApiError::new(403, "Forbidden", msg).with_details(def, name)
    }

    pub fn method_not_supported(def: &ResourceDef, verb: &str) -> Self {
        ApiError::new(
            405,
            "MethodNotAllowed",
            format!(
                "{verb} is not supported on resources of kind \"{}\"",
                def.resource
            ),
        )
        .with_details(def, "")
    }

    /// A list or watch from a resourceVersion the server has not reached (after waiting
    /// for it), as kube-apiserver's watch cache answers.
    pub fn too_large_resource_version(rv: u64, current: u64) -> Self {
        ApiError {
            code: 504,
            reason: "Timeout",
            message: format!("Too large resource version: {rv}, current: {current}"),
            details: Some(json!({
                "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                "retryAfterSeconds": 1,
            })),
        }
    }

    pub fn gone(msg: impl Into<String>) -> Self {
        ApiError::new(410, "Expired", msg)
    }

    pub fn unsupported_media(ct: &str) -> Self {
        ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {ct:?})"
            ),
        )
    }

    pub fn path_not_found() -> Self {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    pub fn unavailable() -> Self {
        ApiError::new(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request (simulated outage)",
        )
    }

    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        if self.reason == "NotFound" && self.details.is_none() {
            s["details"] = json!({});
        }
        s
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON syntax error worded as Go's encoding/json words it (what kube-apiserver answers
/// for a patch that is not JSON), e.g. `invalid character 'n' looking for beginning of
/// object key string`.
pub fn go_json_error(e: &serde_json::Error, body: &[u8]) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".into();
    }
    let text = String::from_utf8_lossy(body);
    let at = text
        .lines()
        .nth(e.line().saturating_sub(1))
        .and_then(|l| l.chars().nth(e.column().saturating_sub(1)));
    let what = e.to_string();
    let context = if what.starts_with("key must be a string") {
        "looking for beginning of object key string"
    } else if what.starts_with("expected `:`") {
        "after object key"
    } else if what.starts_with("expected `,` or `}`") {
        "after object key:value pair"
    } else if what.starts_with("expected `,` or `]`") {
        "after array element"
    } else {
        "looking for beginning of value"
    };
    match at {
        Some(c) => format!("invalid character '{c}' {context}"),
        None => what,
    }
}

#[cfg(test)]
mod go_json_tests {
    use super::go_json_error;

    fn msg(body: &str) -> String {
        let e = serde_json::from_str::<serde_json::Value>(body).unwrap_err();
        go_json_error(&e, body.as_bytes())
    }

    #[test]
    fn syntax_errors_read_like_go() {
        assert_eq!(
            msg("{not json"),
            "invalid character 'n' looking for beginning of object key string"
        );
        assert_eq!(msg("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(
            msg("{\"a\": 1 2}"),
            "invalid character '2' after object key:value pair"
        );
        assert_eq!(
            msg("{\"a\": }"),
            "invalid character '}' looking for beginning of value"
        );
        assert_eq!(msg("{\"a\": "), "unexpected end of JSON input");
    }
}
