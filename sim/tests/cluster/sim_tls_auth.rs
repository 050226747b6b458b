//! The simulator served like a production API server: HTTPS with a CA generated for the
//! run (`--tls`) and authentication (`--auth token|client-cert|exec`), checked with kube-rs
//! from the written kubeconfig and with real kubectl. Exec tokens are minted here as the
//! credential plugin mints them (`agentdeck_sim::credential`); the plugin itself, run by
//! kube-rs and kubectl, is the product's `agentdeck sim credential`
//! (`tests/commands/sim_cli.rs`).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::common::{find_tool, require_tool, start_sim};
use agentdeck_sim::{AuthMode, SimConfig, SimHandle};

struct Run {
    sim: SimHandle,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

async fn run(tls: bool, auth: AuthMode, ttl: Duration) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let sim = start_sim(SimConfig {
        tls,
        auth,
        token_ttl: ttl,
        kubeconfig_out: Some(kubeconfig.clone()),
        ..common::preload(1.0)
    })
    .await;
    Run {
        sim,
        kubeconfig,
        _dir: dir,
    }
}

/// kube-rs's config from the written kubeconfig (exactly as a user's client reads it).
async fn config(kubeconfig: &Path) -> kube::Config {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let kc = Kubeconfig::read_from(kubeconfig).unwrap();
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    cfg.default_retry = false;
    cfg
}

fn client(cfg: kube::Config) -> kube::Client {
    kube::Client::try_from(cfg).unwrap()
}

async fn list_pods(c: kube::Client) -> Result<Vec<Pod>, kube::Error> {
    let pods: Api<Pod> = Api::namespaced(c, "ai-agents");
    pods.list(&ListParams::default()).await.map(|l| l.items)
}

fn assert_unauthorized(r: Result<impl std::fmt::Debug, kube::Error>) {
    match r {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 401, "{s:?}");
            assert_eq!(s.reason, "Unauthorized", "{s:?}");
            assert_eq!(s.message, "Unauthorized", "{s:?}");
        }
        other => panic!("expected 401 Unauthorized, got {other:?}"),
    }
}

/// A config with no credentials at all (TLS trust kept).
fn anonymous(mut cfg: kube::Config) -> kube::Config {
    cfg.auth_info = Default::default();
    cfg
}

async fn get_text(c: &kube::Client, path: &str) -> Result<String, kube::Error> {
    let req = axum::http::Request::get(path).body(Vec::new()).unwrap();
    c.request_text(req).await
}

#[tokio::test]
async fn tls_and_a_static_token() {
    let r = run(true, AuthMode::Token, Duration::from_secs(3600)).await;
    assert!(r.sim.url().starts_with("https://127.0.0.1:"));
    let text = std::fs::read_to_string(&r.kubeconfig).unwrap();
    assert!(text.contains("certificate-authority-data"), "{text}");
    assert!(text.contains(r.sim.sim.authn.token()), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&r.kubeconfig)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the kubeconfig holds credentials: owner only"
        );
    }
    let cfg = config(&r.kubeconfig).await;
    assert!(!list_pods(client(cfg.clone())).await.unwrap().is_empty());

    // A wrong token, and no token: 401 as kube-apiserver answers.
    let mut wrong = cfg.clone();
    wrong.auth_info.token = Some("not-the-token".to_string().into());
    assert_unauthorized(list_pods(client(wrong)).await);
    let anon = client(anonymous(cfg.clone()));
    assert_unauthorized(list_pods(anon.clone()).await);
    assert_unauthorized(get_text(&anon, "/version").await);
    // Health checks and the /_sim control channel need no credentials (over TLS too).
    assert_eq!(get_text(&anon, "/readyz").await.unwrap(), "ok");
    assert!(
        get_text(&anon, "/_sim/state")
            .await
            .unwrap()
            .contains("resourceVersion")
    );
    r.sim.stop().await;
}

#[tokio::test]
async fn plain_http_stays_the_default_and_checks_nothing() {
    let r = run(false, AuthMode::None, Duration::from_secs(3600)).await;
    assert!(r.sim.url().starts_with("http://"));
    let cfg = config(&r.kubeconfig).await;
    assert!(!list_pods(client(cfg.clone())).await.unwrap().is_empty());
    let mut other = cfg;
    other.auth_info.token = Some("anything".to_string().into());
    assert!(list_pods(client(other)).await.is_ok());
    r.sim.stop().await;
}

#[tokio::test]
async fn client_certificates() {
    let r = run(true, AuthMode::ClientCert, Duration::from_secs(3600)).await;
    let text = std::fs::read_to_string(&r.kubeconfig).unwrap();
    assert!(text.contains("client-certificate-data") && text.contains("client-key-data"));
    let cfg = config(&r.kubeconfig).await;
    assert!(!list_pods(client(cfg.clone())).await.unwrap().is_empty());
    // Without the certificate (the TLS handshake still succeeds): 401.
    let anon = client(anonymous(cfg));
    assert_unauthorized(list_pods(anon.clone()).await);
    assert_eq!(get_text(&anon, "/healthz").await.unwrap(), "ok");
    r.sim.stop().await;
}

#[tokio::test]
async fn client_cert_auth_needs_tls() {
    let dir = tempfile::tempdir().unwrap();
    let err = agentdeck_sim::start(SimConfig {
        auth: AuthMode::ClientCert,
        kubeconfig_out: Some(dir.path().join("kc")),
        ..SimConfig::default()
    })
    .await
    .err()
    .expect("--auth client-cert without --tls is refused");
    assert!(err.to_string().contains("--tls"), "{err}");
}

/// The kubeconfig's exec plugin stanza, and a token minted as that plugin mints it from
/// its arguments (`sim credential --secret-file PATH --ttl Ns`): (token, the plugin's
/// command).
fn mint_as_the_plugin(kubeconfig: &Path) -> (String, String) {
    let kc = Kubeconfig::read_from(kubeconfig).unwrap();
    let exec = kc.auth_infos[0]
        .auth_info
        .as_ref()
        .unwrap()
        .exec
        .clone()
        .unwrap();
    assert_eq!(
        exec.api_version.as_deref(),
        Some("client.authentication.k8s.io/v1")
    );
    assert_eq!(
        exec.interactive_mode,
        Some(kube::config::ExecInteractiveMode::IfAvailable)
    );
    let args = exec.args.unwrap_or_default();
    assert_eq!(args[..2], ["sim", "credential"], "{args:?}");
    let flag = |name: &str| {
        let i = args.iter().position(|a| a == name).unwrap();
        args[i + 1].clone()
    };
    let secret = PathBuf::from(flag("--secret-file"));
    assert!(secret.is_file(), "{}", secret.display());
    let ttl: u64 = flag("--ttl").strip_suffix('s').unwrap().parse().unwrap();
    let (json, until) = agentdeck_sim::credential(&secret, Duration::from_secs(ttl)).unwrap();
    let cred: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(cred["kind"], "ExecCredential");
    assert_eq!(cred["apiVersion"], "client.authentication.k8s.io/v1");
    let exp = cred["status"]["expirationTimestamp"].as_str().unwrap();
    assert_eq!(exp, until);
    exp.parse::<jiff::Timestamp>().expect("RFC 3339 expiry");
    (
        cred["status"]["token"].as_str().unwrap().to_string(),
        exec.command.unwrap(),
    )
}

/// kube-rs's config from a kubeconfig whose user runs an exec plugin, with that user
/// removed (the server and its CA kept): no plugin runs.
async fn config_without_the_plugin(kubeconfig: &Path) -> kube::Config {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut kc = Kubeconfig::read_from(kubeconfig).unwrap();
    kc.auth_infos[0].auth_info = Some(Default::default());
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    cfg.default_retry = false;
    cfg
}

#[tokio::test]
async fn exec_plugin_tokens_expire_and_forged_ones_fail() {
    let plugin = PathBuf::from("/opt/sso/bin/credential-plugin");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let sim = start_sim(SimConfig {
        tls: true,
        auth: AuthMode::Exec,
        token_ttl: Duration::from_secs(3),
        kubeconfig_out: Some(kubeconfig.clone()),
        exec_command: Some(plugin.clone()),
        ..common::preload(1.0)
    })
    .await;
    let (token, command) = mint_as_the_plugin(&kubeconfig);
    assert_eq!(Path::new(&command), plugin);
    let cfg = config_without_the_plugin(&kubeconfig).await;
    // The plugin's token as a static token: works until it expires.
    let mut fixed = anonymous(cfg.clone());
    fixed.auth_info.token = Some(token.clone().into());
    let fixed = client(fixed);
    assert!(!list_pods(fixed.clone()).await.unwrap().is_empty());
    // No token: 401.
    assert_unauthorized(list_pods(client(anonymous(cfg.clone()))).await);

    tokio::time::sleep(Duration::from_millis(4200)).await;
    assert_unauthorized(list_pods(fixed).await);
    // A forged expiry does not pass either.
    let forged = token.replacen("simexec.", "simexec.9", 1);
    let mut f = anonymous(cfg.clone());
    f.auth_info.token = Some(forged.into());
    assert_unauthorized(list_pods(client(f)).await);
    // A fresh token (what a client gets by running the plugin again) works.
    let (fresh, _) = mint_as_the_plugin(&kubeconfig);
    let mut renewed = anonymous(cfg);
    renewed.auth_info.token = Some(fresh.into());
    assert!(!list_pods(client(renewed)).await.unwrap().is_empty());
    sim.stop().await;
}

/// Real kubectl (the dispatcher on PATH) against the sim, with a fresh HOME.
fn kubectl(kubeconfig: &Path, args: &[&str]) -> (bool, String, String) {
    let home = kubeconfig.parent().unwrap().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut c = Command::new(find_tool("kubectl").unwrap());
    let path = format!(
        "{}:/usr/lib/google-cloud-sdk/bin",
        std::env::var("PATH").unwrap_or_default()
    );
    c.args(args)
        .env("HOME", &home)
        .env("KUBECONFIG", kubeconfig)
        .env("PATH", path);
    common::run(c)
}

/// (With `--auth exec`, kubectl runs the product's plugin: `tests/commands/sim_cli.rs`.)
#[tokio::test]
async fn kubectl_with_tls_and_a_token_or_a_client_certificate() {
    if !require_tool("kubectl") {
        return;
    }
    for mode in [AuthMode::Token, AuthMode::ClientCert] {
        let r = run(true, mode, Duration::from_secs(3600)).await;
        let kc = r.kubeconfig.clone();
        let (ok, out, err) =
            tokio::task::spawn_blocking(move || kubectl(&kc, &["get", "pods", "-n", "ai-agents"]))
                .await
                .unwrap();
        assert!(ok, "kubectl with --auth {}: {err}", mode.name());
        assert!(out.contains("ai-agent-service-"), "{out}");
        if mode == AuthMode::Token {
            // A wrong token: kubectl reports it as kube-apiserver's 401.
            let text = std::fs::read_to_string(&r.kubeconfig).unwrap();
            let bad = r.kubeconfig.with_file_name("bad-kubeconfig");
            std::fs::write(&bad, text.replace(r.sim.sim.authn.token(), "wrong-token")).unwrap();
            let (ok, _, err) = tokio::task::spawn_blocking(move || kubectl(&bad, &["get", "pods"]))
                .await
                .unwrap();
            assert!(!ok);
            assert!(err.contains("Unauthorized"), "{err}");
        }
        r.sim.stop().await;
    }
}

#[tokio::test]
async fn metrics_listen_stays_plain_http_with_tls_and_auth() {
    let sim = start_sim(SimConfig {
        tls: true,
        auth: AuthMode::Token,
        metrics_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..common::preload(1.0)
    })
    .await;
    let base = format!("http://{}", sim.metrics_addr.unwrap());
    let body = tokio::task::spawn_blocking(move || common::http(&base, "GET", "/metrics", ""))
        .await
        .unwrap();
    assert!(body.contains("http_request_duration_seconds"), "{body}");
    sim.stop().await;
}
