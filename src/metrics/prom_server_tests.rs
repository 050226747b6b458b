//! Tests of the Prometheus client against servers on loopback: a canned Prometheus API
//! (axum), a slow endpoint, a 401 without the bearer token (and a rotated token file),
//! extra headers, and queries that follow the namespace. TLS is in `prom_tls_tests.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::tests::{cfg, vector_body};
use super::*;

/// What the canned server saw and expects.
#[derive(Default)]
struct Canned {
    /// When set, requests without `Authorization: <this>` get 401.
    require_auth: Mutex<Option<String>>,
    seen_auth: Mutex<Vec<Option<String>>>,
    /// `X-Scope-OrgID` of every request.
    seen_org: Mutex<Vec<Option<String>>>,
    seen_queries: Mutex<Vec<String>>,
}

impl Canned {
    fn requiring(auth: &str) -> Arc<Canned> {
        Arc::new(Canned {
            require_auth: Mutex::new(Some(auth.into())),
            ..Canned::default()
        })
    }
}

async fn api(
    State(st): State<Arc<Canned>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    st.seen_auth.lock().unwrap().push(auth.clone());
    let org = headers.get("x-scope-orgid").and_then(|v| v.to_str().ok());
    st.seen_org.lock().unwrap().push(org.map(str::to_string));
    let query = q.get("query").cloned().unwrap_or_default();
    st.seen_queries.lock().unwrap().push(query);
    let want = st.require_auth.lock().unwrap().clone();
    if let Some(want) = want
        && auth.as_deref() != Some(want.as_str())
    {
        return (StatusCode::UNAUTHORIZED, "unauthorized").into_response();
    }
    let json = |s: &str| ([("content-type", "application/json")], s.to_string()).into_response();
    match q.get("query").map(String::as_str).unwrap_or("") {
        "tokens" => json(vector_body()),
        "rates" => json(
            r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"model":"gpt-4.1"},"value":[1,"12.5"]},
            {"metric":{"model":"deepseek-v3.2"},"value":[1,"NaN"]},
            {"metric":{"model":"claude-sonnet-4.5"},"value":[1,"3"]}]}}"#,
        ),
        "scalar(1)" => {
            json(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"#)
        }
        "empty" => json(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            json(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
        }
        "boom" => (StatusCode::INTERNAL_SERVER_ERROR, "").into_response(),
        // 50 MB of a valid-looking answer, its length announced.
        "huge" => json(&format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
            vec![r#"{"metric":{"model":"m"},"value":[1,"1"]}"#; 1_250_000].join(",")
        )),
        // The same, streamed without a length (chunked).
        "huge-chunked" => {
            let chunk = axum::body::Bytes::from(vec![b' '; 1 << 20]);
            let stream =
                futures::stream::iter((0..50).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
            axum::body::Body::from_stream(stream).into_response()
        }
        other => (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            serde_json::json!({
                "status": "error",
                "errorType": "bad_data",
                "error": format!("parse error in {other:?}"),
            })
            .to_string(),
        )
            .into_response(),
    }
}

fn scope(ns: &str) -> crate::metrics::Scope {
    crate::metrics::Scope {
        namespace: ns.into(),
        deployment: "ai-agent-service".into(),
        window: "1m".into(),
    }
}

async fn serve(state: Arc<Canned>) -> String {
    let app = axum::Router::new()
        .route("/api/v1/query", axum::routing::get(api))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn queries_a_canned_server() {
    let url = serve(Arc::new(Canned::default())).await;
    let c = PromClient::new(&format!("{url}/"), &cfg(5.0)).unwrap();
    assert_eq!(c.url(), url);
    let s = c.query("tokens").await.unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(c.query("scalar(1)").await.unwrap()[0].value, 1.0);
    assert!(c.query("empty").await.unwrap().is_empty());
    assert_eq!(
        c.query("boom").await,
        Err(QueryError::Http(500, String::new()))
    );
    let e = c.query("rate(x[5m]").await.unwrap_err();
    assert!(
        matches!(&e, QueryError::Prometheus { error_type, error } if error_type == "bad_data" && error.contains("rate(x[5m]")),
        "{e:?}"
    );

    let snap = crate::metrics::collect::refresh(
        &c,
        &crate::metrics::plan::example_with(crate::config::Queries {
            p50_seconds: Some("scalar(1)".into()),
            p95_seconds: Some("empty".into()),
            tokens_per_second: Some("rates".into()),
            request_rate: Some("boom".into()),
            unauthorized_ratio: Some("bad(".into()),
            ..crate::config::Queries::default()
        })
        .1,
        &scope("ai-agents"),
    )
    .await;
    assert!(snap.reachable);
    assert_eq!(snap.p50_ms, crate::metrics::Reading::Value(1000.0));
    assert_eq!(snap.p95_ms, crate::metrics::Reading::NoData);
    let rates = snap.tokens.value().unwrap();
    let models: Vec<&str> = rates.iter().map(|r| r.model.as_str()).collect();
    assert_eq!(models, vec!["claude-sonnet-4.5", "gpt-4.1"]);
    assert!(
        matches!(snap.request_rate, crate::metrics::Reading::Error(ref e) if e.contains("HTTP 500"))
    );
    assert!(
        matches!(snap.unauthorized_ratio, crate::metrics::Reading::Error(ref e) if e.contains("bad_data"))
    );
}

#[tokio::test]
async fn timeout_fires() {
    let url = serve(Arc::new(Canned::default())).await;
    let c = PromClient::new(&url, &cfg(0.3)).unwrap();
    let started = Instant::now();
    let e = c.query("slow").await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(&e, QueryError::Unreachable(m) if m.contains("timed out")),
        "{e:?}"
    );
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[tokio::test]
async fn unreachable_server() {
    // Bind then drop: a loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = PromClient::new(&format!("http://127.0.0.1:{port}"), &cfg(2.0)).unwrap();
    let e = c.query("up").await.unwrap_err();
    assert!(
        matches!(&e, QueryError::Unreachable(m) if m.contains(&format!("127.0.0.1:{port}"))),
        "{e:?}"
    );
    let snap = crate::metrics::collect::refresh(
        &c,
        &crate::metrics::plan::example_with(crate::config::Queries::default()).1,
        &scope("ai-agents"),
    )
    .await;
    assert!(!snap.reachable);
}

#[tokio::test]
async fn bearer_token_from_file_is_sent_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "  tok-S3CRET-42 \n").unwrap();
    let state = Canned::requiring("Bearer tok-S3CRET-42");
    let url = serve(state.clone()).await;

    // Without the token: 401, and the error says so.
    let anon = PromClient::new(&url, &cfg(5.0)).unwrap();
    assert_eq!(
        anon.query("tokens").await,
        Err(QueryError::Http(401, "unauthorized".into()))
    );

    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            bearer_token_file: Some(token_file),
            ..cfg(5.0)
        },
    )
    .unwrap();
    assert_eq!(c.query("tokens").await.unwrap().len(), 4);
    let seen = state.seen_auth.lock().unwrap().clone();
    assert_eq!(
        seen.last().unwrap().as_deref(),
        Some("Bearer tok-S3CRET-42")
    );

    let debug = format!("{c:?}");
    assert!(!debug.contains("S3CRET"), "{debug}");
    assert!(debug.contains("Bearer(***)"), "{debug}");
    let errors = [
        c.query("boom").await.unwrap_err().to_string(),
        c.query("bad(").await.unwrap_err().to_string(),
        PromClient::new(
            "http://127.0.0.1:1",
            &PrometheusConfig {
                bearer_token_file: Some(dir.path().join("token")),
                ..cfg(1.0)
            },
        )
        .unwrap()
        .query("up")
        .await
        .unwrap_err()
        .to_string(),
    ];
    for e in errors {
        assert!(!e.contains("S3CRET"), "{e}");
    }
}

#[tokio::test]
async fn run_sends_at_once_and_stops_when_receiver_dropped() {
    let url = serve(Arc::new(Canned::default())).await;
    let c = PromClient::new(&url, &cfg(5.0)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let queries = crate::config::Queries {
        p50_seconds: Some("scalar(1)".into()),
        ..crate::config::Queries::default()
    };
    let (_ns_tx, ns_rx) = tokio::sync::watch::channel("ai-agents".to_string());
    let task = tokio::spawn(crate::metrics::collect::run(
        c,
        crate::metrics::plan::example_with(queries).0,
        scope(""),
        Duration::from_secs(3600),
        None,
        ns_rx,
        tx,
    ));
    let first = tokio::time::timeout(Duration::from_secs(2), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.origin, crate::metrics::MetricsOrigin::Prometheus(url));
    assert_eq!(first.p50_ms, crate::metrics::Reading::Value(1000.0));
    drop(rx);
    // The loop is waiting for an hour-long tick: dropping the receiver ends it now.
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap()
        .unwrap();
}

/// A projected service-account token rotates: the file is rewritten and the server accepts
/// only the new token from then on. The next refresh sends the new one.
#[tokio::test]
async fn rotated_token_file_is_used_on_the_next_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "tok-OLD-1111\n").unwrap();
    let state = Canned::requiring("Bearer tok-OLD-1111");
    let url = serve(state.clone()).await;
    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            bearer_token_file: Some(token_file.clone()),
            ..cfg(5.0)
        },
    )
    .unwrap();
    let queries = crate::config::Queries {
        p50_seconds: Some("scalar(1)".into()),
        ..crate::config::Queries::default()
    };
    let ns = scope("ai-agents");
    let plan = crate::metrics::plan::example_with(queries).1;
    let refresh = || crate::metrics::collect::refresh(&c, &plan, &ns);
    assert_eq!(
        refresh().await.p50_ms,
        crate::metrics::Reading::Value(1000.0)
    );

    // The server moves on to the new token; the file is replaced like kubelet does it
    // (write elsewhere, rename over), then rewritten in place once more.
    *state.require_auth.lock().unwrap() = Some("Bearer tok-NEW-2222".into());
    let next = dir.path().join("token.new");
    std::fs::write(&next, "tok-NEW-2222\n").unwrap();
    std::fs::rename(&next, &token_file).unwrap();
    assert_eq!(
        refresh().await.p50_ms,
        crate::metrics::Reading::Value(1000.0)
    );
    assert_eq!(
        state.seen_auth.lock().unwrap().last().unwrap().as_deref(),
        Some("Bearer tok-NEW-2222")
    );

    *state.require_auth.lock().unwrap() = Some("Bearer tok-THIRD-3333".into());
    std::fs::write(&token_file, "tok-THIRD-3333\n").unwrap();
    assert_eq!(
        refresh().await.p50_ms,
        crate::metrics::Reading::Value(1000.0)
    );

    // Mid-rotation the file is briefly empty: the last token is kept, no error.
    std::fs::write(&token_file, "").unwrap();
    assert_eq!(
        refresh().await.p50_ms,
        crate::metrics::Reading::Value(1000.0)
    );
    assert!(!format!("{c:?}").contains("3333"));
}

#[tokio::test]
async fn configured_headers_are_sent_and_secret_ones_never_shown() {
    let state = Arc::new(Canned::default());
    let url = serve(state.clone()).await;
    let mut headers = crate::config::Headers::default();
    headers.0.insert("X-Scope-OrgID".into(), "team-a".into());
    headers.0.insert("X-Api-Key".into(), "k-S3CRET-77".into());
    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            headers,
            ..cfg(5.0)
        },
    )
    .unwrap();
    c.query("scalar(1)").await.unwrap();
    assert_eq!(
        state.seen_org.lock().unwrap().last().unwrap().as_deref(),
        Some("team-a")
    );
    let debug = format!("{c:?}");
    assert!(
        debug.contains("team-a") && !debug.contains("S3CRET"),
        "{debug}"
    );

    let mut bad = crate::config::Headers::default();
    bad.0.insert("X-Api-Key".into(), "k-S3CRET\n77".into());
    let e = PromClient::new(
        &url,
        &PrometheusConfig {
            headers: bad,
            ..cfg(5.0)
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("X-Api-Key") && !e.contains("S3CRET"), "{e}");
}

/// `:ns`: the feed's queries follow the namespace at once, not at the next tick.
#[tokio::test]
async fn run_follows_the_namespace() {
    let state = Arc::new(Canned::default());
    let url = serve(state.clone()).await;
    let c = PromClient::new(&url, &cfg(5.0)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let (ns_tx, ns_rx) = tokio::sync::watch::channel("ai-agents".to_string());
    tokio::spawn(crate::metrics::collect::run(
        c,
        crate::metrics::plan::example_with(crate::config::Queries::default()).0,
        scope(""),
        Duration::from_secs(3600),
        None,
        ns_rx,
        tx,
    ));
    let next = async |rx: &mut tokio::sync::mpsc::Receiver<_>| {
        tokio::time::timeout(Duration::from_secs(2), rx.recv())
            .await
            .expect("a snapshot within 2 s")
            .expect("feed running")
    };
    let _: crate::metrics::MetricsSnapshot = next(&mut rx).await;
    let seen = |ns: &str| {
        let want = format!("namespace=\"{ns}\"");
        let q = state.seen_queries.lock().unwrap();
        q.iter().filter(|q| q.contains(&want)).count()
    };
    // The detection query, then every quantity the example profile has a query for.
    let (_, plan) = crate::metrics::plan::example_with(crate::config::Queries::default());
    let n = 1 + plan
        .sources
        .iter()
        .filter(|(q, s)| !q.is_probe() && matches!(s, crate::metrics::plan::Source::Query { .. }))
        .count();
    assert_eq!((seen("ai-agents"), seen("team-b")), (n, 0));
    ns_tx.send_replace("team-b".into());
    let _ = next(&mut rx).await;
    assert_eq!((seen("ai-agents"), seen("team-b")), (n, n));
    assert!(
        state
            .seen_queries
            .lock()
            .unwrap()
            .iter()
            .all(|q| !q.contains('$'))
    );
}

/// A 50 MB answer (announced or streamed): refused past `max_answer_mib`, naming the limit
/// and the query, without reading the rest.
#[tokio::test]
async fn an_oversized_answer_is_refused_naming_the_limit() {
    let url = serve(Arc::new(Canned::default())).await;
    let c = PromClient::new(&url, &cfg(10.0)).unwrap();
    for q in ["huge", "huge-chunked"] {
        let e = c.query(q).await.unwrap_err().to_string();
        assert!(
            e.contains("over 2 MiB (prometheus.max_answer_mib)") && e.contains(q),
            "{q}: {e}"
        );
    }
}
