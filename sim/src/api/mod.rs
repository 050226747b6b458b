//! The HTTP front: routes Kubernetes API paths to discovery, OpenAPI, object handlers,
//! watches, access reviews and the `/_sim` admin endpoints.

pub mod admin;
pub mod apiservices;
pub mod auth;
pub mod conn;
pub mod delete;
pub mod discovery;
pub mod errors;
pub mod logs;
pub mod metrics;
pub mod metrics_server;
pub mod objects;
pub mod openapi;
pub mod pb_wire;
pub mod proto;
pub mod reviews;
pub mod select;
pub mod server;
pub mod table;
pub mod watch;
pub mod writes;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Sim;
use super::resources::ResourceDef;
use crate::errors::{ApiError, ApiResult};
use crate::kinds;

/// Request body size limit (kube-apiserver allows 3 MiB objects).
const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn router(sim: Arc<Sim>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(sim)
}

/// The query string as a map (last value wins).
pub type Query = HashMap<String, String>;

/// What a resource path names.
#[derive(Debug, Clone)]
pub struct Target {
    pub def: &'static ResourceDef,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
}

impl Target {
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }
}

/// Everything a handler needs from the request.
pub struct Req {
    pub method: Method,
    pub query: Query,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    /// The connection the request came on.
    pub conn: conn::ConnInfo,
}

impl Req {
    pub fn q(&self, k: &str) -> Option<&str> {
        self.query.get(k).map(String::as_str)
    }

    pub fn flag(&self, k: &str) -> bool {
        matches!(self.q(k), Some("true") | Some("1"))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn accept(&self) -> &str {
        self.headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Does the client prefer the server-side Table format?
    pub fn wants_table(&self) -> bool {
        let a = self.accept();
        a.split(',')
            .next()
            .is_some_and(|first| first.contains("as=Table"))
    }

    pub fn dry_run(&self) -> bool {
        self.q("dryRun") == Some("All")
    }

    /// The field manager: the parameter, or the client's name from its User-Agent.
    pub fn manager(&self) -> String {
        if let Some(m) = self.q("fieldManager").filter(|m| !m.is_empty()) {
            return m.to_string();
        }
        let ua = self
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unknown");
        ua.split('/').next().unwrap_or("unknown").to_string()
    }

    pub fn user(&self) -> &'static str {
        auth::USER
    }
}

pub fn json_response(code: StatusCode, v: &Value) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

/// JSON already serialized.
pub fn json_bytes_response(code: StatusCode, body: Vec<u8>) -> Response {
    (code, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub fn ok(v: &Value) -> Response {
    json_response(StatusCode::OK, v)
}

/// Parse `/api/v1/...` or `/apis/G/V/...` into a target. Ok(None) for discovery paths.
fn parse_target(path: &str) -> ApiResult<Option<Target>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Ok(None),
    };
    if rest.is_empty() {
        return Ok(None);
    }
    let lookup = |r: &str| kinds::find(group, version, r).ok_or_else(ApiError::path_not_found);
    let t = match rest {
        ["namespaces", ns, res, tail @ ..] if kinds::find(group, version, res).is_some() => {
            let def = lookup(res)?;
            if !def.namespaced {
                return Err(ApiError::path_not_found());
            }
            let (name, sub) = match tail {
                [] => (None, None),
                [n] => (Some(n.to_string()), None),
                [n, s] => (Some(n.to_string()), Some(s.to_string())),
                _ => return Err(ApiError::path_not_found()),
            };
            Target {
                def,
                namespace: Some(ns.to_string()),
                name,
                sub,
            }
        }
        [res, tail @ ..] => {
            let def = lookup(res)?;
            let (name, sub) = match tail {
                [] => (None, None),
                [n] if !def.namespaced => (Some(n.to_string()), None),
                [n, s] if !def.namespaced => (Some(n.to_string()), Some(s.to_string())),
                _ => return Err(ApiError::path_not_found()),
            };
            Target {
                def,
                namespace: None,
                name,
                sub,
            }
        }
        [] => return Ok(None),
    };
    if let Some(s) = &t.sub
        && !t.def.has_subresource(s)
    {
        return Err(ApiError::path_not_found());
    }
    Ok(Some(t))
}

async fn handle(State(sim): State<Arc<Sim>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query: Query = req
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .map(|v| v.into_iter().collect())
        .unwrap_or_default();
    let method = req.method().clone();
    let headers = req.headers().clone();
    let conn = req
        .extensions()
        .get::<conn::ConnInfo>()
        .cloned()
        .unwrap_or_default();
    tracing::debug!(%method, %path, ?query, "request");
    if let Some(rest) = path.strip_prefix("/_sim/provider/") {
        return admin::provider(&method, rest, &headers);
    }
    if let Some(rest) = path.strip_prefix("/_sim/") {
        let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .unwrap_or_default();
        return admin::handle(&sim, &conn, &method, rest, &body);
    }
    if sim.faults.blackhole() {
        // A dead VPN or NAT: the request went in, nothing ever comes back.
        conn.mark_stalled();
        std::future::pending::<()>().await;
    }
    if !matches!(path.as_str(), "/healthz" | "/readyz" | "/livez")
        && !sim.authn.allows(&headers, conn.client_cert)
    {
        return ApiError::new(401, "Unauthorized", "Unauthorized").into_response();
    }
    if let Some(d) = sim.faults.latency() {
        tokio::time::sleep(d).await;
    }
    if sim.faults.unavailable() {
        return ApiError::unavailable().into_response();
    }
    let body = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(413, "RequestEntityTooLarge", "request body too large")
                .into_response();
        }
    };
    let r = Req {
        method,
        query,
        headers,
        body,
        conn,
    };
    match route(&sim, &path, r).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::debug!(code = e.code, reason = e.reason, msg = %e.message, "error");
            e.into_response()
        }
    }
}

/// The OpenAPI documents, built once (~0.2 s) off the runtime's thread.
async fn openapi_route(path: &str, r: &Req) -> ApiResult<Response> {
    let _ = tokio::task::spawn_blocking(|| {
        openapi::docs();
    })
    .await;
    openapi::handle(path, r)
}

/// A create-only review resource: POST only.
fn review(sim: &Arc<Sim>, target: &Target, r: &Req) -> ApiResult<Response> {
    if r.method != Method::POST {
        return Err(ApiError::method_not_supported(
            target.def,
            verb_of(r, target),
        ));
    }
    match target.def.kind {
        "SelfSubjectAccessReview" => auth::review(sim, r),
        _ => reviews::create(sim, target, r),
    }
}

async fn route(sim: &Arc<Sim>, path: &str, r: Req) -> ApiResult<Response> {
    match path {
        "/version" | "/version/" => return Ok(ok(&discovery::version())),
        "/healthz" | "/readyz" | "/livez" => return Ok("ok".into_response()),
        "/api" | "/api/" => return Ok(discovery::api_versions(&r)),
        "/apis" | "/apis/" => return Ok(discovery::api_groups(&r, &sim.broken_groups)),
        _ => {}
    }
    if let Some(resp) = discovery::broken(path, &sim.broken_group_versions()) {
        return Ok(resp);
    }
    if path.starts_with("/openapi/") || path.starts_with("/swagger") {
        return openapi_route(path, &r).await;
    }
    if let Some(resp) = metrics_server::handle(sim, path, &r) {
        return resp;
    }
    if let Some(resp) = apiservices::handle(sim, path, &r) {
        return resp;
    }
    let target = match parse_target(path)? {
        Some(t) => t,
        None => {
            return discovery::group_or_resources(path, &sim.broken_groups)
                .ok_or_else(ApiError::path_not_found);
        }
    };
    if target.def.create_only {
        return review(sim, &target, &r);
    }
    let verb = verb_of(&r, &target);
    if let Some(reason) = crate::authz::denied(
        &sim.deny,
        verb,
        target.def.group,
        target.def.resource,
        target.sub.as_deref(),
    ) {
        return Err(ApiError::forbidden(
            r.user(),
            verb,
            target.def,
            target.sub.as_deref(),
            target.name.as_deref().unwrap_or(""),
            target.ns(),
            &reason,
        ));
    }
    if matches!(verb, "watch" | "list")
        && let Some(e) = wait_for_resource_version(sim, &r).await?
    {
        return Ok(match verb {
            "watch" => watch::error_stream(&e),
            _ => e.into_response(),
        });
    }
    match (verb, target.name.is_some()) {
        ("watch", _) => watch::handle(sim, &target, &r),
        ("get", true) if target.def.kind == "Pod" && target.sub.as_deref() == Some("log") => {
            logs::get(sim, &target, &r)
        }
        ("get", true) => objects::get(sim, &target, &r),
        // A big list (10,000 pods, as a Table) is CPU work: off the runtime's threads, so
        // it never holds up the small requests (/version, a watch, another client's page)
        // the way one busy worker would — kube-apiserver serves readers concurrently too.
        ("list", false) => {
            let sim = sim.clone();
            tokio::task::spawn_blocking(move || objects::list(&sim, &target, &r))
                .await
                .unwrap_or_else(|_| Err(ApiError::new(500, "InternalError", "the list failed")))
        }
        ("create", false) => writes::create(sim, &target, &r),
        ("create", true) if target.sub.as_deref() == Some("token") => {
            reviews::token(sim, &target, &r)
        }
        ("update", true) => writes::update(sim, &target, &r),
        ("patch", true) => writes::patch(sim, &target, &r),
        ("delete", true) => delete::delete(sim, &target, &r),
        ("deletecollection", false) => delete::delete_collection(sim, &target, &r),
        (v, _) => Err(ApiError::method_not_supported(target.def, v)),
    }
}

/// How long a list or watch waits for a resourceVersion the server has not reached yet
/// (kube-apiserver's watch cache waits 3 s).
const FRESHNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A list or watch from a resourceVersion ahead of the server's: wait a moment for the
/// store to get there; the "Too large resource version" error when it does not.
async fn wait_for_resource_version(sim: &Sim, r: &Req) -> ApiResult<Option<ApiError>> {
    let wanted = match r.q("resourceVersion") {
        None | Some("") | Some("0") => return Ok(None),
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| ApiError::bad_request(format!("invalid resource version: {s}")))?,
    };
    let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
    loop {
        let changed = sim.store.changed.notified();
        let current = sim.store.current_rv();
        if current >= wanted {
            return Ok(None);
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            let current = sim.store.current_rv();
            return Ok(
                (current < wanted).then(|| ApiError::too_large_resource_version(wanted, current))
            );
        }
    }
}

/// The Kubernetes verb of a request.
pub fn verb_of(r: &Req, t: &Target) -> &'static str {
    match r.method {
        Method::GET if r.flag("watch") => "watch",
        Method::GET if t.name.is_some() => "get",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if t.name.is_some() => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

/// A streaming JSON response (watch).
pub fn stream_response(body: Body) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
