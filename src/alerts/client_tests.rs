//! The client against a local server speaking Alertmanager's API v2 behind a gateway path:
//! the credentials and headers of `[alertmanager]` are sent, the namespace filter is
//! Alertmanager's matcher syntax, answers decode into alerts and silences, and a gateway's
//! error page is an HTTP error with its words — never a credential.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;

use super::*;
use crate::config::{AlertmanagerConfig, Config, Headers};

#[derive(Default)]
struct Seen {
    auth: Mutex<Vec<String>>,
    tenant: Mutex<Vec<String>>,
    filter: Mutex<Vec<String>>,
}

const ALERTS: &str = r#"[{"labels":{"alertname":"AgentProviderUnauthorized","namespace":"ai-agents","severity":"critical"},
  "annotations":{"summary":"Provider rejects the API key"},"startsAt":"2026-11-26T11:52:00Z",
  "endsAt":"2026-11-26T12:10:00Z","updatedAt":"2026-11-26T11:59:00Z","fingerprint":"a1","receivers":[{"name":"x"}],
  "status":{"state":"suppressed","silencedBy":["5f0c"],"inhibitedBy":[]}}]"#;
const SILENCES: &str = r#"[{"id":"5f0c","status":{"state":"active"},"updatedAt":"2026-11-26T11:55:00Z",
  "matchers":[{"name":"alertname","value":"AgentProviderUnauthorized","isRegex":false,"isEqual":true}],
  "startsAt":"2026-11-26T11:55:00Z","endsAt":"2026-11-26T13:55:00Z","createdBy":"alice","comment":"via agentdeck by alice: rotating"}]"#;

fn record(seen: &Seen, h: &HeaderMap) {
    let get = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    seen.auth.lock().unwrap().push(get("authorization"));
    seen.tenant.lock().unwrap().push(get("x-scope-orgid"));
}

async fn serve(seen: Arc<Seen>) -> String {
    let app = axum::Router::new()
        .route(
            "/am/api/v2/alerts",
            get(
                |State(s): State<Arc<Seen>>,
                 h: HeaderMap,
                 Query(q): Query<Vec<(String, String)>>| async move {
                    record(&s, &h);
                    s.filter
                        .lock()
                        .unwrap()
                        .extend(q.into_iter().map(|(_, v)| v));
                    ALERTS
                },
            ),
        )
        .route(
            "/am/api/v2/silences",
            get(|State(s): State<Arc<Seen>>, h: HeaderMap| async move {
                record(&s, &h);
                SILENCES
            }),
        )
        .route(
            "/broken/api/v2/alerts",
            get(|| async {
                (
                    StatusCode::BAD_GATEWAY,
                    "<html><h1>502 Bad Gateway</h1></html>",
                )
            }),
        )
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn cfg(url: &str, token_file: &std::path::Path) -> Config {
    let mut headers = Headers::default();
    headers.0.insert("X-Scope-OrgID".into(), "team-a".into());
    Config {
        alertmanager: AlertmanagerConfig {
            url: Some(url.into()),
            bearer_token_file: Some(token_file.into()),
            headers,
            ..AlertmanagerConfig::default()
        },
        ..Config::default()
    }
}

#[tokio::test]
async fn a_gateways_alertmanager_gets_the_credentials_and_the_namespace_filter() {
    crate::tls::init();
    let seen = Arc::new(Seen::default());
    let base = serve(seen.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "am-T0KEN-42\n").unwrap();
    let c = AlertsClient::from_config(&cfg(&format!("{base}/am/"), &token), None)
        .unwrap()
        .unwrap();
    assert_eq!(c.backend(), Backend::Alertmanager);
    let alerts = c.alerts("ai-agents").await.unwrap();
    let [a] = alerts.as_slice() else {
        panic!("{alerts:?}")
    };
    assert_eq!(a.state, AlertState::Silenced);
    assert_eq!(a.silenced_by, ["5f0c"]);
    assert_eq!(
        a.since.map(|t| t.to_string()).as_deref(),
        Some("2026-11-26T11:52:00Z")
    );
    let silences = c.silences().await.unwrap();
    assert_eq!(silences[0].who_until(), "alice until 13:55 UTC");
    assert!(silences[0].by_agentdeck());
    assert_eq!(
        seen.filter.lock().unwrap().as_slice(),
        ["namespace=\"ai-agents\""]
    );
    assert!(
        seen.auth
            .lock()
            .unwrap()
            .iter()
            .all(|a| a == "Bearer am-T0KEN-42")
    );
    assert!(seen.tenant.lock().unwrap().iter().all(|t| t == "team-a"));
    assert!(!format!("{c:?}").contains("T0KEN"), "{c:?}");

    let broken = AlertsClient::from_config(&cfg(&format!("{base}/broken"), &token), None)
        .unwrap()
        .unwrap();
    let e = broken.alerts("ai-agents").await.unwrap_err().to_string();
    assert!(
        e.starts_with("alertmanager answered HTTP 502: ") && e.contains("502 Bad Gateway"),
        "{e}"
    );
    assert!(!e.contains("T0KEN"), "{e}");

    // A missing token file is a setup error naming the service, not Prometheus.
    let e = AlertsClient::from_config(&cfg(&base, &dir.path().join("nope")), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot read alertmanager bearer token file"),
        "{e}"
    );
}
