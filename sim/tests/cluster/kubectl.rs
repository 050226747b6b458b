//! Real kubectl (the PATH dispatcher, which picks 1.33 from the sim's /version, and
//! kubectl.1.27) against the sim.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use agentdeck_sim::{DenyRule, SimConfig};

use crate::common::{SimThread, ok, preload, repo_path, require_tool, run};

fn wait_for(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out after {secs}s: {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn jsonpath(sim: &SimThread, bin: &str, args: &[&str], path: &str) -> String {
    let mut c = sim.kubectl(bin);
    c.args(args).arg("-o").arg(format!("jsonpath={path}"));
    run(c).1
}

#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn full_workflow(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(SimConfig {
        time_scale: 4.0,
        ..SimConfig::default()
    });
    let k = |args: &[&str]| {
        let mut c = sim.kubectl(bin);
        c.args(args);
        c
    };

    // apply --server-side: every object but the VirtualService, which fails like an unknown kind.
    let (success, out, err) = run(k(&[
        "apply",
        "--server-side",
        "-f",
        repo_path("manifests").to_str().unwrap(),
    ]));
    assert!(!success, "apply must fail on the VirtualService");
    for obj in [
        "namespace/ai-agents serverside-applied",
        "namespace/monitoring serverside-applied",
        "deployment.apps/ai-agent-service serverside-applied",
        "service/ai-agent-service serverside-applied",
        "horizontalpodautoscaler.autoscaling/ai-agent-hpa serverside-applied",
        "configmap/redis-config serverside-applied",
        "deployment.apps/redis serverside-applied",
        "service/redis serverside-applied",
        "networkpolicy.networking.k8s.io/allow-holysheep-api serverside-applied",
        "configmap/prometheus-config serverside-applied",
    ] {
        assert!(
            out.contains(obj),
            "{bin}: missing {obj:?} in:\n{out}\n{err}"
        );
    }
    assert!(
        err.contains(
            r#"no matches for kind "VirtualService" in version "networking.istio.io/v1beta1""#
        ) && err.contains("ensure CRDs are installed first"),
        "{bin}: {err}"
    );

    // get of every kind, with the server-side table columns.
    let out = ok(k(&[
        "get",
        "deploy,po,hpa,svc,secret,cm,netpol",
        "-n",
        "ai-agents",
    ]));
    for s in [
        "deployment.apps/ai-agent-service",
        "deployment.apps/redis",
        "horizontalpodautoscaler.autoscaling/ai-agent-hpa",
        "service/ai-agent-service",
        "configmap/redis-config",
        "networkpolicy.networking.k8s.io/allow-holysheep-api",
        "UP-TO-DATE",
        "MINPODS",
        "CLUSTER-IP",
    ] {
        assert!(out.contains(s), "{bin}: {s:?} not in:\n{out}");
    }
    wait_for(30, "3 agent pods ready", || {
        jsonpath(
            &sim,
            bin,
            &["get", "deploy", "ai-agent-service", "-n", "ai-agents"],
            "{.status.readyReplicas}",
        ) == "3"
    });

    // get -w sees the pods that scaling creates.
    let mut watch = k(&["get", "pods", "-n", "ai-agents", "-w"]);
    let watch_out = sim.dir.path().join(format!("watch-{bin}.txt"));
    watch
        .stdout(std::fs::File::create(&watch_out).unwrap())
        .stderr(Stdio::null());
    let mut watcher = watch.spawn().unwrap();
    wait_for(10, "watch printed the initial pods", || {
        std::fs::read_to_string(&watch_out)
            .unwrap_or_default()
            .lines()
            .count()
            >= 5
    });
    let initial = std::fs::read_to_string(&watch_out).unwrap();

    // The HPA would undo a manual scale within one sync (as on a real cluster), so it goes first.
    ok(k(&["delete", "hpa", "ai-agent-hpa", "-n", "ai-agents"]));
    let out = ok(k(&[
        "scale",
        "deploy/ai-agent-service",
        "--replicas=5",
        "-n",
        "ai-agents",
    ]));
    assert!(out.contains("scaled"), "{out}");
    wait_for(30, "5 ready agent pods", || {
        jsonpath(
            &sim,
            bin,
            &["get", "deploy", "ai-agent-service", "-n", "ai-agents"],
            "{.status.readyReplicas}",
        ) == "5"
    });
    let running = jsonpath(
        &sim,
        bin,
        &[
            "get",
            "pods",
            "-n",
            "ai-agents",
            "-l",
            "app=ai-agent-service",
            "--field-selector=status.phase=Running",
        ],
        "{.items[*].metadata.name}",
    );
    assert_eq!(running.split_whitespace().count(), 5, "{running}");
    wait_for(10, "watch saw the new pods", || {
        let now = std::fs::read_to_string(&watch_out).unwrap_or_default();
        running.split_whitespace().all(|p| now.contains(p)) && now.len() > initial.len()
    });
    let _ = watcher.kill();
    let _ = watcher.wait();

    // rollout restart, then rollout status completes.
    let out = ok(k(&[
        "rollout",
        "restart",
        "deploy/ai-agent-service",
        "-n",
        "ai-agents",
    ]));
    assert!(out.contains("restarted"), "{out}");
    let restarted = jsonpath(
        &sim,
        bin,
        &["get", "deploy", "ai-agent-service", "-n", "ai-agents"],
        r#"{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}"#,
    );
    assert!(
        restarted.ends_with('Z') && restarted.len() == 20,
        "restartedAt = {restarted:?}"
    );
    let out = ok(k(&[
        "rollout",
        "status",
        "deploy/ai-agent-service",
        "-n",
        "ai-agents",
        "--timeout=90s",
    ]));
    assert!(out.contains("successfully rolled out"), "{out}");
    let rs = jsonpath(
        &sim,
        bin,
        &["get", "rs", "-n", "ai-agents", "-l", "app=ai-agent-service"],
        "{.items[*].spec.replicas}",
    );
    let mut counts: Vec<&str> = rs.split_whitespace().collect();
    counts.sort();
    assert_eq!(counts, vec!["0", "5"], "old RS scaled to 0, new to 5");

    // A Secret made client-side and applied server-side reads back.
    let manifest = ok(k(&[
        "create",
        "secret",
        "generic",
        "ai-api-keys",
        "-n",
        "ai-agents",
        "--from-literal=HOLYSHEEP_API_KEY=sk-sim-test-value",
        "--dry-run=client",
        "-o",
        "yaml",
    ]));
    let mut apply = k(&["apply", "--server-side", "-f", "-"]);
    apply
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = apply.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b64 = jsonpath(
        &sim,
        bin,
        &["get", "secret", "ai-api-keys", "-n", "ai-agents"],
        "{.data.HOLYSHEEP_API_KEY}",
    );
    use base64::Engine;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    assert_eq!(decoded, b"sk-sim-test-value");

    // auth can-i
    assert_eq!(
        ok(k(&[
            "auth",
            "can-i",
            "patch",
            "deployments",
            "-n",
            "ai-agents"
        ]))
        .trim(),
        "yes"
    );

    // Deleting the Deployment removes its ReplicaSets and Pods.
    ok(k(&[
        "delete",
        "deploy",
        "ai-agent-service",
        "-n",
        "ai-agents",
    ]));
    wait_for(
        30,
        "ReplicaSets and Pods of the deleted Deployment gone",
        || {
            let rs = jsonpath(
                &sim,
                bin,
                &["get", "rs", "-n", "ai-agents", "-l", "app=ai-agent-service"],
                "{.items[*].metadata.name}",
            );
            let po = jsonpath(
                &sim,
                bin,
                &[
                    "get",
                    "pods",
                    "-n",
                    "ai-agents",
                    "-l",
                    "app=ai-agent-service",
                ],
                "{.items[*].metadata.name}",
            );
            rs.trim().is_empty() && po.trim().is_empty()
        },
    );
    // redis is untouched.
    assert_eq!(
        jsonpath(
            &sim,
            bin,
            &["get", "deploy", "redis", "-n", "ai-agents"],
            "{.spec.replicas}"
        ),
        "1"
    );
}

fn denied(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(SimConfig {
        deny: vec![DenyRule::parse("patch deployments").unwrap()],
        ..preload(1.0)
    });
    let mut c = sim.kubectl(bin);
    c.args(["auth", "can-i", "patch", "deployments", "-n", "ai-agents"]);
    let (success, out, _) = run(c);
    assert!(!success);
    assert!(out.starts_with("no"), "{out}");
    let mut c = sim.kubectl(bin);
    c.args(["auth", "can-i", "get", "deployments", "-n", "ai-agents"]);
    assert_eq!(ok(c).trim(), "yes");
    let mut c = sim.kubectl(bin);
    c.args([
        "scale",
        "deploy/ai-agent-service",
        "--replicas=4",
        "-n",
        "ai-agents",
    ]);
    let (success, _, err) = run(c);
    assert!(!success);
    assert!(
        err.contains("Forbidden") || err.contains("forbidden"),
        "{err}"
    );
    assert!(
        err.contains(r#"cannot patch resource "deployments/scale" in API group "apps""#),
        "{err}"
    );
}

#[test]
fn kubectl_default_version_full_workflow() {
    full_workflow("kubectl");
}

#[test]
fn kubectl_1_27_full_workflow() {
    full_workflow("kubectl.1.27");
}

#[test]
fn kubectl_default_version_denied() {
    denied("kubectl");
}

#[test]
fn kubectl_1_27_denied() {
    denied("kubectl.1.27");
}

/// Every `kubectl create` generator of kubectl 1.33 for the kinds the sim serves, with what
/// must read back: (arguments, split at spaces; object; jsonpath; expected). All but `expose` and `run`
/// post protobuf bodies.
const CREATES: &[(&str, &str, &str, &str)] = &[
    (
        "create deployment pb-deploy --image=nginx:1.27 --replicas=2 --port=80",
        "deploy/pb-deploy",
        "{.spec.replicas} {.spec.template.spec.containers[0].ports[0].containerPort}",
        "2 80",
    ),
    (
        "create service clusterip pb-cip --tcp=80:8080",
        "svc/pb-cip",
        "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}",
        "ClusterIP 80 8080 pb-cip",
    ),
    (
        "create service nodeport pb-np --tcp=80:8080 --node-port=30123",
        "svc/pb-np",
        "{.spec.type} {.spec.ports[0].nodePort}",
        "NodePort 30123",
    ),
    (
        "create service loadbalancer pb-lb --tcp=443:https",
        "svc/pb-lb",
        "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}",
        "LoadBalancer 443 https",
    ),
    (
        "create service externalname pb-en --external-name=db.example.com",
        "svc/pb-en",
        "{.spec.type} {.spec.externalName}",
        "ExternalName db.example.com",
    ),
    (
        "create configmap pb-cm --from-literal=a=b",
        "cm/pb-cm",
        "{.data.a}",
        "b",
    ),
    (
        "create secret generic pb-secret --from-literal=k=v",
        "secret/pb-secret",
        "{.type} {.data.k}",
        "Opaque dg==",
    ),
    (
        "create secret docker-registry pb-reg --docker-server=r.example.com --docker-username=u --docker-password=p",
        "secret/pb-reg",
        "{.type}",
        "kubernetes.io/dockerconfigjson",
    ),
    (
        "create serviceaccount pb-sa",
        "sa/pb-sa",
        "{.metadata.name}",
        "pb-sa",
    ),
    (
        "create namespace pb-ns",
        "ns/pb-ns",
        "{.metadata.name}",
        "pb-ns",
    ),
    (
        "create job pb-job --image=busybox -- echo hi",
        "job/pb-job",
        "{.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].command[1]}",
        "Never hi",
    ),
    (
        "create cronjob pb-cron --image=busybox --schedule=@hourly -- date",
        "cronjob/pb-cron",
        "{.spec.schedule} {.spec.jobTemplate.spec.template.spec.containers[0].image}",
        "@hourly busybox",
    ),
    (
        "create job pb-job2 --from=cronjob/pb-cron",
        "job/pb-job2",
        "{.metadata.ownerReferences[0].kind} {.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}",
        "CronJob manual",
    ),
    (
        "create role pb-role --verb=get,list --resource=pods,deployments.apps",
        "role/pb-role",
        "{.rules[*].apiGroups} {.rules[1].resources} {.rules[1].verbs}",
        r#"[""] ["apps"] ["deployments"] ["get","list"]"#,
    ),
    (
        "create rolebinding pb-rb --role=pb-role --user=jane --serviceaccount=ai-agents:pb-sa",
        "rolebinding/pb-rb",
        "{.roleRef.kind}/{.roleRef.name} {.subjects[*].name}",
        "Role/pb-role jane pb-sa",
    ),
    (
        "create clusterrole pb-cr --verb=get --non-resource-url=/healthz",
        "clusterrole/pb-cr",
        "{.rules[0].nonResourceURLs}",
        r#"["/healthz"]"#,
    ),
    (
        "create clusterrolebinding pb-crb --clusterrole=pb-cr --group=devs",
        "clusterrolebinding/pb-crb",
        "{.subjects[0].kind}/{.subjects[0].name}",
        "Group/devs",
    ),
    (
        "create quota pb-quota --hard=pods=10,requests.cpu=2 --scopes=NotBestEffort",
        "quota/pb-quota",
        "{.spec.hard.pods} {.spec.hard.requests\\.cpu} {.spec.scopes}",
        r#"10 2 ["NotBestEffort"]"#,
    ),
    (
        "create pdb pb-pdb --selector=app=web --min-available=50%",
        "pdb/pb-pdb",
        "{.spec.minAvailable} {.spec.selector.matchLabels.app}",
        "50% web",
    ),
    (
        "create ingress pb-ing --class=nginx --rule=web.example.com/=pb-cip:http,tls=pb-tls --default-backend=pb-cip:80",
        "ingress/pb-ing",
        "{.spec.ingressClassName} {.spec.rules[0].http.paths[0].backend.service.port.name} {.spec.defaultBackend.service.port.number} {.spec.tls[0].secretName}",
        "nginx http 80 pb-tls",
    ),
    (
        "autoscale deployment pb-deploy --min=2 --max=5 --cpu-percent=80",
        "horizontalpodautoscalers.v2.autoscaling/pb-deploy",
        "{.spec.minReplicas} {.spec.maxReplicas} {.spec.metrics[0].resource.target.averageUtilization}",
        "2 5 80",
    ),
    (
        "expose deployment pb-deploy --name=pb-exposed --port=8080 --target-port=80",
        "svc/pb-exposed",
        "{.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}",
        "8080 80 pb-deploy",
    ),
    (
        "run pb-run --image=nginx --labels=tier=web --env=A=1 --port=80",
        "pod/pb-run",
        "{.metadata.labels.tier} {.spec.containers[0].env[0].value} {.spec.containers[0].ports[0].containerPort}",
        "web 1 80",
    ),
];

/// A self-signed certificate and its key, for `create secret tls`.
fn tls_pair(cert: &std::path::Path, key: &std::path::Path) {
    let mut c = std::process::Command::new("openssl");
    c.args("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2".split(' '))
        .args(["-subj", "/CN=web.example.com", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert);
    ok(c);
}

/// kubectl 1.33 `create` (every generator), `autoscale`, `auth reconcile` (a PUT), `debug
/// --copy-to` and `auth can-i` post protobuf bodies; the sim reads them all.
#[test]
fn kubectl_create_protobuf_bodies() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(preload(4.0));
    let k = |args: &[&str]| {
        let mut c = sim.kubectl("kubectl");
        c.args(args).args(["-n", "ai-agents"]);
        c
    };
    let get =
        |obj: &str, path: &str| jsonpath(&sim, "kubectl", &["get", obj, "-n", "ai-agents"], path);
    for (args, obj, path, want) in CREATES {
        let args: Vec<&str> = args.split(' ').collect();
        ok(k(&args));
        assert_eq!(&get(obj, path), want, "kubectl {args:?} → {obj} {path}");
    }
    if require_tool("openssl") {
        let dir = sim.kubeconfig.parent().unwrap();
        let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
        tls_pair(&cert, &key);
        let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
        ok(k(&[
            "create", "secret", "tls", "pb-tls", "--cert", cert, "--key", key,
        ]));
        assert_eq!(get("secret/pb-tls", "{.type}"), "kubernetes.io/tls");
    }
    // auth reconcile: a POST, then a PUT, both protobuf.
    let role = sim.kubeconfig.parent().unwrap().join("role.yaml");
    for verbs in ["[get]", "[get, watch]"] {
        std::fs::write(
            &role,
            format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: pb-rec, namespace: ai-agents}}\nrules: [{{apiGroups: [\"\"], resources: [pods], verbs: {verbs}}}]\n"),
        )
        .unwrap();
        ok(k(&["auth", "reconcile", "-f", role.to_str().unwrap()]));
    }
    assert_eq!(
        get("role/pb-rec", "{.rules[*].verbs}"),
        r#"["get"] ["watch"]"#
    );
    let debug = "debug pb-run --copy-to=pb-run-dbg --image=busybox --container=dbg -- sleep 1";
    ok(k(&debug.split(' ').collect::<Vec<_>>()));
    assert_eq!(
        get("pod/pb-run-dbg", "{.spec.containers[*].name}"),
        "pb-run dbg"
    );
    assert_eq!(
        ok(k(&["auth", "can-i", "create", "deployments"])).trim(),
        "yes"
    );
    wait_for(30, "pb-deploy 2/2 ready", || {
        get("deploy/pb-deploy", "{.status.readyReplicas}") == "2"
    });
    // A generator for an API the sim does not serve fails as on a cluster without it.
    let (success, _, err) = run(k(&["create", "priorityclass", "pb-pc", "--value=10"]));
    assert!(
        !success && err.contains("the server could not find the requested resource"),
        "{err}"
    );
    assert!(!err.contains("protobuf"), "{err}");
}
