//! Range queries (`/api/v1/query_range`): parsing a matrix, and the parameters the client
//! sends (start, end, step) to a canned server on loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::tests::cfg;
use super::*;

const MATRIX: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{"model":"gpt-4.1"},"values":[[1700000000,"1.5"],[1700000060.5,"NaN"]]},
    {"metric":{},"values":[[1700000000,"+Inf"]]}]}}"#;

#[test]
fn parses_a_matrix() {
    let s = parse_range_response(200, MATRIX.as_bytes()).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].labels["model"], "gpt-4.1");
    assert_eq!(s[0].points.len(), 2);
    assert_eq!(s[0].points[0].0.as_second(), 1_700_000_000);
    assert_eq!(s[0].points[0].1, 1.5);
    assert_eq!(s[0].points[1].0.as_millisecond(), 1_700_000_060_500);
    assert!(s[0].points[1].1.is_nan());
    assert!(s[1].labels.is_empty());
    assert_eq!(s[1].points[0].1, f64::INFINITY);
}

#[test]
fn range_errors_stay_apart() {
    let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
    assert_eq!(parse_range_response(200, empty.as_bytes()), Ok(vec![]));
    let vector = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    assert!(matches!(
        parse_range_response(200, vector.as_bytes()),
        Err(QueryError::Decode(e)) if e.contains("matrix")
    ));
    let err = r#"{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution"}"#;
    assert!(matches!(
        parse_range_response(400, err.as_bytes()),
        Err(QueryError::Prometheus { error_type, .. }) if error_type == "bad_data"
    ));
    assert!(matches!(
        parse_range_response(502, b"<html>"),
        Err(QueryError::Http(502, _))
    ));
    let bad = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{},"values":[[1,"abc"]]}]}}"#;
    assert!(matches!(
        parse_range_response(200, bad.as_bytes()),
        Err(QueryError::Decode(e)) if e.contains("abc")
    ));
}

type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

async fn range(State(seen): State<Seen>, Query(q): Query<HashMap<String, String>>) -> Response {
    seen.lock().unwrap().push(q.clone());
    let json = |s: &str| ([("content-type", "application/json")], s.to_string()).into_response();
    match q.get("query").map(String::as_str) {
        Some("tokens") => json(MATRIX),
        Some("slow") => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            json(MATRIX)
        }
        _ => (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
        )
            .into_response(),
    }
}

async fn serve(seen: Seen) -> String {
    let app = axum::Router::new()
        .route("/api/v1/query_range", axum::routing::get(range))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn range_query_sends_start_end_step() {
    let seen: Seen = Arc::default();
    let url = serve(seen.clone()).await;
    let c = PromClient::new(&url, &cfg(0.5)).unwrap();
    let end = jiff::Timestamp::from_second(1_700_001_800).unwrap();
    let start = end - jiff::SignedDuration::from_secs(1800);
    let s = c
        .query_range("tokens", start, end, Duration::from_secs(15))
        .await
        .unwrap();
    assert_eq!(s.len(), 2);
    {
        let q = &seen.lock().unwrap()[0];
        assert_eq!(q["start"].parse::<f64>().unwrap(), 1_700_000_000.0);
        assert_eq!(q["end"].parse::<f64>().unwrap(), 1_700_001_800.0);
        assert_eq!(q["step"].parse::<f64>().unwrap(), 15.0);
    }
    let e = c
        .query_range("bad(", start, end, Duration::from_secs(15))
        .await
        .unwrap_err();
    assert!(matches!(e, QueryError::Prometheus { .. }), "{e:?}");
    let e = c
        .query_range("slow", start, end, Duration::from_secs(15))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, QueryError::Unreachable(m) if m.contains("timed out")),
        "{e:?}"
    );
}

/// The feed reads the window back with its first answered refresh: while Prometheus is
/// unreachable the snapshots carry none, and the first one after it comes up does; the
/// next ones again carry none.
#[tokio::test]
async fn the_feed_backfills_once_prometheus_answers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = PromClient::new(&format!("http://{addr}"), &cfg(1.0)).unwrap();
    let queries = crate::config::Queries {
        p50_seconds: Some("tokens".into()),
        p95_seconds: Some("tokens".into()),
        tokens_per_second: Some("tokens".into()),
        ..crate::config::Queries::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let (_ns_tx, ns_rx) = tokio::sync::watch::channel("ai-agents".to_string());
    tokio::spawn(crate::metrics::collect::run(
        c,
        crate::metrics::plan::example_with(queries).0,
        crate::metrics::Scope {
            namespace: String::new(),
            deployment: "ai-agent-service".into(),
            window: "1m".into(),
        },
        Duration::from_millis(200),
        Some(jiff::SignedDuration::from_mins(30)),
        ns_rx,
        tx,
    ));
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap()
    };
    let down = next().await;
    assert!(!down.reachable && down.backfill.is_none());

    let seen: Seen = Arc::default();
    let empty = || async {
        (
            [("content-type", "application/json")],
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
        )
    };
    let app = axum::Router::new()
        .route("/api/v1/query_range", axum::routing::get(range))
        .route("/api/v1/query", axum::routing::get(empty))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let up = loop {
        let s = next().await;
        if s.reachable {
            break s;
        }
    };
    let b = up
        .backfill
        .expect("the first answered refresh carries the window");
    assert_eq!(b.namespace, "ai-agents");
    assert!(b.errors.is_empty(), "{:?}", b.errors);
    assert_eq!(b.points.len(), 1, "NaN points dropped");
    assert!(next().await.backfill.is_none(), "once per namespace");
}
