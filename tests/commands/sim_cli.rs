//! `agentdeck sim`, the simulator's front end in the product: its flags (refusals name the
//! flag; `--incident`, `--metrics-listen` and the banner), SIGTERM saving `--state-file`,
//! and `agentdeck sim credential`, the exec credential plugin its kubeconfig names with
//! `--auth exec` (run by kube-rs and by kubectl). What the simulator does behind them is
//! tested in its own crate (`sim/tests/cluster`).

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use agentdeck_sim::{AuthMode, SimConfig, SimHandle};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::{Value, json};

use crate::common::{SimProcess, find_tool, http, require_tool, start_sim};

#[test]
fn cli_prints_the_metrics_address_after_the_banner() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--metrics-listen", "127.0.0.1:0", "--steady-load"])
        .env("AGENTDECK_LOG_FILE", dir.path().join("sim.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.starts_with("agentdeck sim: serving the Kubernetes API at http://"),
        "{first}"
    );
    let url = second.strip_prefix("metrics: http://").expect(&second);
    assert!(
        url.starts_with("127.0.0.1:") && url.ends_with("/metrics"),
        "{second}"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--metrics-listen", "0.0.0.0:9100"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("loopback"));
}

#[test]
fn the_incident_flag_rejects_unknown_names_and_stages_known_ones() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--incident", "meteor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("meteor") && err.contains("egress-blocked") && err.contains("slow-provider"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["demo", "--incident", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let sim = common::SimProcess::start(&[
        "--preload",
        "--incident",
        "egress-blocked",
        "--incident",
        "bad-key",
    ]);
    let list: Value =
        serde_json::from_str(&common::http(&sim.url, "GET", "/_sim/incident", "")).unwrap();
    let names: Vec<&str> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["bad-key", "egress-blocked"], "{list}");
    let np: Value = serde_json::from_str(&common::http(
        &sim.url,
        "GET",
        "/apis/networking.k8s.io/v1/namespaces/ai-agents/networkpolicies/default-deny-egress",
        "",
    ))
    .unwrap();
    assert_eq!(np["spec"]["policyTypes"], json!(["Egress"]), "{np}");
}

/// SIGTERM the sim process and wait for it to exit cleanly.
fn terminate(p: &mut common::SimProcess) {
    let pid = p.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(st) = p.child.try_wait().unwrap() {
            assert!(st.success(), "sim exited with {st}");
            return;
        }
        assert!(Instant::now() < deadline, "the sim did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const DEPLOYMENT: &str = "/apis/apps/v1/namespaces/ai-agents/deployments/ai-agent-service";

fn configmap(name: &str) -> String {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": "ai-agents"}, "data": {"k": "v"}})
    .to_string()
}

/// `--state-file`: SIGTERM stops the sim cleanly and saves the cluster; started again with
/// the flag, it loads it — the same objects, resourceVersions going on. (What the state
/// keeps, and watches across a restart: `sim/tests/cluster/sim_faults.rs`.)
#[test]
fn sigterm_saves_the_state_file_and_a_restart_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap().to_string();
    let args = ["--preload", "--state-file", &state_arg];
    let get = |sim: &SimProcess, path: &str| -> Value {
        serde_json::from_str(&http(&sim.url, "GET", path, "")).unwrap()
    };
    let create = |sim: &SimProcess, name: &str| -> u64 {
        let path = "/api/v1/namespaces/ai-agents/configmaps";
        let created: Value =
            serde_json::from_str(&http(&sim.url, "POST", path, &configmap(name))).unwrap();
        let rv = created["metadata"]["resourceVersion"].as_str();
        rv.unwrap_or_else(|| panic!("{created}")).parse().unwrap()
    };

    let mut first = SimProcess::start(&args);
    let uid = get(&first, DEPLOYMENT)["metadata"]["uid"].clone();
    assert!(uid.is_string(), "{uid}");
    let rv = create(&first, "survivor");
    terminate(&mut first);
    assert!(state.is_file(), "the state is saved on SIGTERM");

    let second = SimProcess::start(&args);
    let after = get(&second, DEPLOYMENT);
    assert_eq!(after["metadata"]["uid"], uid, "the same object came back");
    let survivor = get(&second, "/api/v1/namespaces/ai-agents/configmaps/survivor");
    assert_eq!(survivor["data"]["k"], "v", "{survivor}");
    let new_rv = create(&second, "fresh");
    assert!(new_rv > rv, "{new_rv} > {rv}");
}

#[test]
fn a_state_file_that_does_not_parse_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("broken-state.json");
    std::fs::write(&state, "{ not json").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentdeck"))
        .args(["sim", "--state-file", state.to_str().unwrap()])
        .env("AGENTDECK_LOG_FILE", dir.path().join("log"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken-state.json"), "{err}");
    assert!(err.contains("state file"), "{err}");
}

#[test]
fn the_cli_refuses_what_cannot_work_and_hides_the_plugin() {
    let bin = env!("CARGO_BIN_EXE_agentdeck");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args(["sim", "--auth", "client-cert"])
        .env("AGENTDECK_LOG_FILE", dir.path().join("log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--auth client-cert needs --tls"), "{err}");

    let out = Command::new(bin)
        .args(["sim", "--auth", "exec"])
        .env("AGENTDECK_LOG_FILE", dir.path().join("log"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--kubeconfig-out"), "{err}");

    let help = Command::new(bin).args(["sim", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--auth") && help.contains("--tls") && help.contains("--state-file"));
    assert!(!help.contains("credential <"), "{help}");
    assert!(!help.contains("Commands:"), "{help}");

    let missing = Command::new(bin)
        .args(["sim", "credential", "--secret-file"])
        .arg(dir.path().join("nope"))
        .env("AGENTDECK_LOG_FILE", dir.path().join("log"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(missing.stdout.is_empty());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
}

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
        exec_command: Some(PathBuf::from(env!("CARGO_BIN_EXE_agentdeck"))),
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
    agentdeck::tls::init();
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

/// Run the kubeconfig's exec plugin as a client would: (token, stderr).
fn run_plugin(kubeconfig: &Path) -> (String, String) {
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
    let out = Command::new(exec.command.unwrap())
        .args(exec.args.unwrap_or_default())
        .output()
        .unwrap();
    assert!(out.status.success());
    let cred: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cred["kind"], "ExecCredential");
    assert_eq!(cred["apiVersion"], "client.authentication.k8s.io/v1");
    let exp = cred["status"]["expirationTimestamp"].as_str().unwrap();
    exp.parse::<jiff::Timestamp>().expect("RFC 3339 expiry");
    (
        cred["status"]["token"].as_str().unwrap().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn exec_plugin_tokens_expire_and_kube_rs_refreshes_them() {
    let r = run(true, AuthMode::Exec, Duration::from_secs(3)).await;
    let (token, stderr) = run_plugin(&r.kubeconfig);
    assert!(
        stderr.starts_with("agentdeck sim credential: issued a token valid until"),
        "{stderr:?}"
    );
    let cfg = config(&r.kubeconfig).await;
    // The plugin's token as a static token: works until it expires.
    let mut fixed = anonymous(cfg.clone());
    fixed.auth_info.token = Some(token.clone().into());
    let fixed = client(fixed);
    assert!(!list_pods(fixed.clone()).await.unwrap().is_empty());
    // kube-rs runs the plugin itself.
    let refreshing = client(cfg.clone());
    assert!(!list_pods(refreshing.clone()).await.unwrap().is_empty());

    tokio::time::sleep(Duration::from_millis(4200)).await;
    assert_unauthorized(list_pods(fixed).await);
    // A forged expiry does not pass either.
    let forged = token.replacen("simexec.", "simexec.9", 1);
    let mut f = anonymous(cfg.clone());
    f.auth_info.token = Some(forged.into());
    assert_unauthorized(list_pods(client(f)).await);
    assert!(!list_pods(refreshing).await.unwrap().is_empty());
    r.sim.stop().await;
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

/// kubectl runs `agentdeck sim credential` for its token (kubectl with the sim's other
/// modes: `sim/tests/cluster/sim_tls_auth.rs`).
#[tokio::test]
async fn kubectl_with_the_exec_plugin() {
    if !require_tool("kubectl") {
        return;
    }
    let r = run(true, AuthMode::Exec, Duration::from_secs(3600)).await;
    let kc = r.kubeconfig.clone();
    let (ok, out, err) =
        tokio::task::spawn_blocking(move || kubectl(&kc, &["get", "pods", "-n", "ai-agents"]))
            .await
            .unwrap();
    assert!(ok, "kubectl with --auth exec: {err}");
    assert!(out.contains("ai-agent-service-"), "{out}");
    r.sim.stop().await;
}
