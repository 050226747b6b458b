//! Tests of the Prometheus client against servers on loopback: a canned Prometheus API
//! (axum), a slow endpoint, a 401 without the bearer token, and https with a CA file.

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
    require_auth: Option<String>,
    seen_auth: Mutex<Vec<Option<String>>>,
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
    if let Some(want) = &st.require_auth
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
        &crate::config::Queries {
            p50_seconds: "scalar(1)".into(),
            p95_seconds: "empty".into(),
            tokens_per_second: "rates".into(),
            request_rate: "boom".into(),
            unauthorized_ratio: "bad(".into(),
        },
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
    let snap = crate::metrics::collect::refresh(&c, &crate::config::Queries::default()).await;
    assert!(!snap.reachable);
}

#[tokio::test]
async fn bearer_token_from_file_is_sent_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "  tok-S3CRET-42 \n").unwrap();
    let state = Arc::new(Canned {
        require_auth: Some("Bearer tok-S3CRET-42".into()),
        ..Canned::default()
    });
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
        p50_seconds: "scalar(1)".into(),
        ..crate::config::Queries::default()
    };
    let task = tokio::spawn(crate::metrics::collect::run(
        c,
        queries,
        Duration::from_secs(3600),
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

/// https with a CA from `ca_file`: proves the ring provider is installed and the CA is used.
#[tokio::test]
async fn https_with_ca_file() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::io::{Read, Write};

    let dir = tempfile::tempdir().unwrap();
    let d = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let ext = d("ext.cnf");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &d("ca.key"),
            "-out",
            &d("ca.pem"),
            "-days",
            "1",
            "-subj",
            "/CN=agentdeck test CA",
        ],
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &d("leaf.key"),
            "-out",
            &d("leaf.csr"),
            "-subj",
            "/CN=127.0.0.1",
        ],
        &[
            "x509",
            "-req",
            "-in",
            &d("leaf.csr"),
            "-CA",
            &d("ca.pem"),
            "-CAkey",
            &d("ca.key"),
            "-CAcreateserial",
            "-out",
            &d("leaf.pem"),
            "-days",
            "1",
            "-extfile",
            &ext,
        ],
    ];
    for args in steps {
        let out = std::process::Command::new("openssl").args(args).output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!("openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
            Err(e) => {
                eprintln!("skipping: no openssl ({e})");
                return;
            }
        }
    }
    crate::tls::init();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(d("leaf.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(d("leaf.key")).unwrap();
    let server = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(2) {
            let Ok(tcp) = stream else { continue };
            let conn = rustls::ServerConnection::new(server.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let body = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"7"]}}"#;
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    let url = format!("https://127.0.0.1:{port}");

    // Without the CA the server is not trusted.
    let untrusted = PromClient::new(&url, &cfg(5.0)).unwrap();
    assert!(matches!(
        untrusted.query("x").await,
        Err(QueryError::Unreachable(_))
    ));

    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            ca_file: Some(dir.path().join("ca.pem")),
            ..cfg(5.0)
        },
    )
    .unwrap();
    assert_eq!(c.query("x").await.unwrap()[0].value, 7.0);
}
