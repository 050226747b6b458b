//! HTTP endpoints of the agent model: `GET /metrics` (Prometheus text) and `GET /truth`
//! (JSON of [`crate::agents::Truth`]), on the `--metrics-listen` server and under `/_sim/`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Sim;
use crate::agents::CONTENT_TYPE;

/// `/metrics` as a response.
pub fn metrics_response(sim: &Sim) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        sim.agents.render_metrics(sim),
    )
        .into_response()
}

/// `/truth` as a response.
pub fn truth_response(sim: &Sim) -> Response {
    let body = serde_json::to_string(&sim.agents.truth(sim)).unwrap_or_else(|_| "{}".into());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// The router of the metrics server.
pub fn router(sim: Arc<Sim>) -> axum::Router {
    axum::Router::new()
        .route(
            "/metrics",
            get(|State(sim): State<Arc<Sim>>| async move { metrics_response(&sim) }),
        )
        .route(
            "/truth",
            get(|State(sim): State<Arc<Sim>>| async move { truth_response(&sim) }),
        )
        .with_state(sim)
}

/// Serve the router on `listener` until `stop` resolves.
pub async fn run(
    listener: tokio::net::TcpListener,
    sim: Arc<Sim>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    if let Err(e) = axum::serve(listener, router(sim))
        .with_graceful_shutdown(stop)
        .await
    {
        tracing::error!("sim metrics server stopped: {e}");
    }
}
