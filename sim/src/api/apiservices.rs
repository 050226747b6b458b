//! `apiregistration.k8s.io/v1` APIServices, read-only (get, list), computed rather than
//! stored: one `Local` APIService per built-in group version (Available=True, reason
//! Local), and `v1beta1.metrics.k8s.io` for metrics-server (service
//! kube-system/metrics-server), Available=True while the metrics API is served and
//! Available=False reason MissingEndpoints (kube-aggregator's message) under
//! `no-metrics-server` or `--broken-group metrics.k8s.io/v1beta1`.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Req, json_response, metrics_server};
use crate::errors::{ApiError, ApiResult};
use crate::incidents::Incident;
use crate::kinds;
use crate::resources::ResourceDef;
use crate::{Sim, meta};

pub const GROUP: &str = "apiregistration.k8s.io";
pub const VERSION: &str = "v1";
pub const GROUP_VERSION: &str = "apiregistration.k8s.io/v1";
/// The metrics-server APIService.
pub const METRICS: &str = "v1beta1.metrics.k8s.io";

static DEF: ResourceDef = ResourceDef {
    group: GROUP,
    version: VERSION,
    resource: "apiservices",
    kind: "APIService",
    singular: "apiservice",
    namespaced: false,
    short_names: &[],
    subresources: &[],
    create_only: false,
    categories: &["api-extensions"],
};

/// The APIResourceList of /apis/apiregistration.k8s.io/v1.
pub fn resource_list() -> Value {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": GROUP_VERSION,
        "resources": [
            {"name": "apiservices", "singularName": "apiservice", "namespaced": false, "kind": "APIService", "verbs": ["get", "list"], "categories": ["api-extensions"]},
        ],
    })
}

/// The simulated time the sim started (the APIServices' creation time).
fn started(sim: &Sim) -> String {
    let secs = sim.clock.secs();
    let start = sim
        .clock
        .now()
        .checked_sub(jiff::SignedDuration::from_secs_f64(secs.max(0.0)))
        .unwrap_or_else(|_| sim.clock.now());
    meta::fmt_time(start)
}

fn object(name: &str, spec: Value, available: Value, created: &str) -> Value {
    json!({
        "kind": "APIService",
        "apiVersion": GROUP_VERSION,
        "metadata": {
            "name": name,
            "uid": format!("{:08x}-0000-4000-8000-{:012x}", meta::fnv32a(name.as_bytes()), meta::fnv32a(name.as_bytes())),
            "resourceVersion": "1",
            "creationTimestamp": created,
            "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"},
        },
        "spec": spec,
        "status": {"conditions": [available]},
    })
}

/// The metrics-server APIService as it stands now.
fn metrics_service(sim: &Sim, created: &str) -> Value {
    let since = sim
        .incidents
        .changed_at(Incident::NoMetricsServer)
        .unwrap_or_else(|| created.to_string());
    let available = if sim.metrics_api_served() {
        json!({"type": "Available", "status": "True", "lastTransitionTime": since, "reason": "Passed", "message": "all checks passed"})
    } else {
        json!({"type": "Available", "status": "False", "lastTransitionTime": since, "reason": "MissingEndpoints",
            "message": "endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\""})
    };
    let mut o = object(
        METRICS,
        json!({
            "service": {"namespace": "kube-system", "name": "metrics-server", "port": 443},
            "group": metrics_server::GROUP,
            "version": metrics_server::VERSION,
            "insecureSkipTLSVerify": true,
            "groupPriorityMinimum": 100,
            "versionPriority": 100,
        }),
        available,
        created,
    );
    o["metadata"]["labels"] = json!({"k8s-app": "metrics-server"});
    o
}

/// Every APIService: the Local ones (core v1 and each built-in group version), then
/// metrics-server's, sorted by name as the API lists them.
pub fn all(sim: &Sim) -> Vec<Value> {
    let created = started(sim);
    let local = |name: String, group: &str, version: &str| {
        object(
            &name,
            json!({"group": group, "version": version, "groupPriorityMinimum": 18000, "versionPriority": 15}),
            json!({"type": "Available", "status": "True", "lastTransitionTime": created, "reason": "Local", "message": "Local APIServices are always available"}),
            &created,
        )
    };
    let mut out = vec![local("v1.".into(), "", "v1")];
    out.push(local(format!("{VERSION}.{GROUP}"), GROUP, VERSION));
    for (g, vs) in kinds::groups() {
        for v in vs {
            out.push(local(format!("{v}.{g}"), g, v));
        }
    }
    out.push(metrics_service(sim, &created));
    out.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
    out.dedup_by(|a, b| meta::name(a) == meta::name(b));
    out
}

/// A request under /apis/apiregistration.k8s.io/v1/…; None when the path names no
/// resource (the discovery document).
pub fn handle(sim: &Sim, path: &str, r: &Req) -> Option<ApiResult<Response>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let name = match segs.as_slice() {
        ["apis", GROUP, VERSION, "apiservices"] => None,
        ["apis", GROUP, VERSION, "apiservices", n] => Some(*n),
        ["apis", GROUP, VERSION, _, ..] => return Some(Err(ApiError::path_not_found())),
        _ => return None,
    };
    Some(serve(sim, r, name))
}

fn serve(sim: &Sim, r: &Req, name: Option<&str>) -> ApiResult<Response> {
    let verb = match (&r.method, name) {
        (&Method::GET, _) if r.flag("watch") => "watch",
        (&Method::GET, Some(_)) => "get",
        (&Method::GET, None) => "list",
        _ => "write",
    };
    if let Some(reason) = crate::authz::denied(&sim.deny, verb, GROUP, DEF.resource, None) {
        return Err(ApiError::forbidden(
            r.user(),
            verb,
            &DEF,
            None,
            name.unwrap_or(""),
            "",
            &reason,
        ));
    }
    if !matches!(verb, "get" | "list") {
        return Err(ApiError::new(
            405,
            "MethodNotAllowed",
            format!("{verb} is not supported on resources of kind \"apiservices.{GROUP}\" by this simulated cluster"),
        )
        .details_for("apiservices", GROUP, ""));
    }
    let items = all(sim);
    let items: Vec<Value> = match name {
        Some(n) => {
            let Some(o) = items.into_iter().find(|o| meta::name(o) == n) else {
                return Err(ApiError::new(
                    404,
                    "NotFound",
                    format!("apiservices.{GROUP} \"{n}\" not found"),
                )
                .details_for("apiservices", GROUP, n));
            };
            if !r.wants_table() {
                return Ok(json_response(StatusCode::OK, &o));
            }
            vec![o]
        }
        None => items,
    };
    if r.wants_table() {
        return Ok(json_response(StatusCode::OK, &table(sim, r, &items)));
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({"kind": "APIServiceList", "apiVersion": GROUP_VERSION, "metadata": {"resourceVersion": "1"}, "items": items}),
    ))
}

/// kube-aggregator's Table (NAME, SERVICE, AVAILABLE, AGE), rendered by the table module.
fn table(sim: &Sim, r: &Req, items: &[Value]) -> Value {
    let refs: Vec<&Value> = items.iter().collect();
    let include = r.q("includeObject").unwrap_or("Metadata");
    let printer = Some(&crate::printers::API_SERVICE);
    super::table::table(printer, &refs, "1", None, sim.clock.now(), include)
}
