//! The rows of the kubectl day, in the order they run (later rows use what earlier ones
//! made). Namespace `day` is the engineer's; `ai-agents` is the preloaded stack.

/// What a real kube-apiserver 1.33 answers.
pub enum Expect {
    /// Exit 0 with all of these in stdout.
    Out(&'static [&'static str]),
    /// Non-zero exit with this in stderr.
    Fails(&'static str),
    /// `kubectl diff`: exit 1 with this in the diff.
    Differs(&'static str),
}

pub struct Row {
    pub args: &'static [&'static str],
    pub stdin: Option<&'static str>,
    pub env: Option<(&'static str, &'static str)>,
    pub expect: Expect,
    /// What kubectl 1.27 gets instead, where it differs.
    pub v127: Option<Expect>,
}

const fn ok(args: &'static [&'static str], out: &'static [&'static str]) -> Row {
    Row {
        args,
        stdin: None,
        env: None,
        expect: Expect::Out(out),
        v127: None,
    }
}

const fn fails(args: &'static [&'static str], err: &'static str) -> Row {
    Row {
        args,
        stdin: None,
        env: None,
        expect: Expect::Fails(err),
        v127: None,
    }
}

const fn stdin(args: &'static [&'static str], input: &'static str, expect: Expect) -> Row {
    Row {
        args,
        stdin: Some(input),
        env: None,
        expect,
        v127: None,
    }
}

/// The `api` Deployment the declarative rows apply and diff, with `$replicas`.
macro_rules! api_manifest {
    ($replicas:literal) => {
        concat!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: day
  labels: {app: api}
spec:
  replicas: ",
            $replicas,
            "
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx:1.27
        ports: [{containerPort: 80}]
"
        )
    };
}

const MANIFEST: &str = api_manifest!("2");
const MANIFEST_3: &str = api_manifest!("3");

const SETTINGS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: day
data: {mode: calm}
";

const SETTINGS_2: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: day
data: {mode: busy}
";

const UNKNOWN_FIELD: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: strict
  namespace: day
dataa: {a: b}
";

#[rustfmt::skip]
pub static ROWS: &[Row] = &[
    // Where am I?
    Row {
        v127: Some(Expect::Out(&["GitVersion:\"v1.33.1-agentdeck-sim\""])),
        ..ok(&["version"], &["Server Version: v1.33.1-agentdeck-sim"])
    },
    ok(&["cluster-info"], &["is running at"]),
    ok(&["api-resources"], &["deployments", "events.k8s.io/v1", "selfsubjectreviews", "selfsubjectrulesreviews"]),
    ok(&["api-versions"], &["apps/v1", "events.k8s.io/v1", "authentication.k8s.io/v1"]),
    Row {
        v127: Some(Expect::Fails("the selfsubjectreviews API is not enabled in the cluster")),
        ..ok(&["auth", "whoami"], &["agentdeck-sim-admin", "system:masters"])
    },
    ok(&["auth", "can-i", "create", "deployments", "-n", "ai-agents"], &["yes"]),
    ok(&["auth", "can-i", "--list", "-n", "ai-agents"], &["*.*", "[*]"]),
    // Looking around.
    ok(&["get", "ns"], &["kube-system", "ai-agents", "Active"]),
    ok(&["get", "nodes", "-o", "wide"], &["INTERNAL-IP", "Ready"]),
    ok(&["get", "pods", "-n", "ai-agents", "-o", "wide"], &["NODE", "ai-agent-service-"]),
    ok(&["get", "deploy", "redis", "-n", "ai-agents", "-o", "yaml"], &["kind: Deployment", "deployment.kubernetes.io/revision: \"1\""]),
    ok(&["get", "deploy", "redis", "-n", "ai-agents", "-o", "json"], &["\"kind\": \"Deployment\""]),
    ok(&["get", "deploy", "-n", "ai-agents", "-o", "name"], &["deployment.apps/redis"]),
    ok(&["get", "deploy", "-n", "ai-agents", "-o", "jsonpath={.items[*].metadata.name}"], &["ai-agent-service redis"]),
    ok(&["get", "pods", "-n", "ai-agents", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image"], &["NAME", "IMAGE", "redis:7-alpine"]),
    ok(&["get", "pods", "-A", "--sort-by=.metadata.name"], &["ai-agent-service-"]),
    ok(&["get", "pods", "-A", "-l", "app=redis"], &["redis-"]),
    ok(&["get", "pods", "-A", "--field-selector=status.phase=Running"], &["Running"]),
    ok(&["get", "deploy", "-n", "ai-agents", "--show-labels"], &["LABELS", "app=redis"]),
    ok(&["get", "deploy", "-n", "ai-agents", "-w", "--request-timeout=2s"], &["READY", "redis"]),
    ok(&["get", "deploy", "-n", "ai-agents", "-w", "--output-watch-events", "-o", "json", "--request-timeout=2s"], &["\"type\":\"ADDED\"", "\"name\":\"redis\""]),
    ok(&["get", "ev", "-A", "--sort-by=.lastTimestamp"], &["Scheduled"]),
    ok(&["get", "events.events.k8s.io", "-n", "ai-agents"], &["Scheduled"]),
    ok(&["get", "events.v1.events.k8s.io", "-n", "ai-agents", "--field-selector=regarding.kind=Deployment", "-o", "yaml"], &["apiVersion: events.k8s.io/v1", "regarding:", "note: Scaled up replica set"]),
    ok(&["events", "-n", "ai-agents"], &["Scheduled", "Deployment/redis"]),
    ok(&["get", "all", "-n", "ai-agents"], &["deployment.apps/redis", "service/redis"]),
    ok(&["get", "sa", "-n", "ai-agents"], &["default"]),
    ok(&["get", "svc", "-n", "default"], &["kubernetes", "10.96.0.1"]),
    fails(&["get", "lease", "-A"], "the server doesn't have a resource type \"lease\""),
    ok(&["describe", "deploy", "redis", "-n", "ai-agents"], &["RollingUpdateStrategy", "NewReplicaSet"]),
    ok(&["describe", "pods", "-n", "ai-agents", "-l", "app=redis"], &["Containers:", "Events:"]),
    ok(&["describe", "svc", "redis", "-n", "ai-agents"], &["ClusterIP"]),
    ok(&["describe", "hpa", "-n", "ai-agents"], &["Min replicas"]),
    ok(&["describe", "nodes"], &["Allocatable", "Non-terminated Pods"]),
    ok(&["describe", "ns", "ai-agents"], &["Active"]),
    ok(&["describe", "netpol", "-n", "ai-agents"], &["PodSelector"]),
    ok(&["describe", "rs", "-n", "ai-agents", "-l", "app=redis"], &["Controlled By"]),
    ok(&["explain", "deployment.spec.replicas"], &["replicas", "integer"]),
    ok(&["explain", "svc.spec.ports", "--recursive"], &["targetPort"]),
    // Making things.
    ok(&["create", "ns", "day"], &["namespace/day created"]),
    ok(&["create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80", "-n", "day"], &["deployment.apps/web created"]),
    ok(&["create", "service", "clusterip", "web", "--tcp=80:80", "-n", "day"], &["service/web created"]),
    ok(&["create", "service", "nodeport", "webnp", "--tcp=80:80", "-n", "day"], &["service/webnp created"]),
    ok(&["create", "service", "loadbalancer", "weblb", "--tcp=80:80", "-n", "day"], &["service/weblb created"]),
    ok(&["create", "service", "externalname", "webext", "--external-name=example.com", "-n", "day"], &["service/webext created"]),
    ok(&["create", "configmap", "cfg", "--from-literal=a=b", "-n", "day"], &["configmap/cfg created"]),
    ok(&["create", "secret", "generic", "sec", "--from-literal=k=v", "-n", "day"], &["secret/sec created"]),
    ok(&["create", "secret", "docker-registry", "reg", "--docker-server=r.io", "--docker-username=u", "--docker-password=p", "-n", "day"], &["secret/reg created"]),
    ok(&["create", "serviceaccount", "bot", "-n", "day"], &["serviceaccount/bot created"]),
    ok(&["create", "token", "bot", "-n", "day"], &["eyJ"]),
    fails(&["create", "token", "nobody", "-n", "day"], "serviceaccounts \"nobody\" not found"),
    ok(&["create", "job", "j1", "--image=busybox", "-n", "day", "--", "echo", "hi"], &["job.batch/j1 created"]),
    ok(&["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *", "-n", "day"], &["cronjob.batch/cj1 created"]),
    ok(&["create", "role", "r1", "--verb=get", "--resource=pods", "-n", "day"], &["role.rbac.authorization.k8s.io/r1 created"]),
    ok(&["create", "rolebinding", "rb1", "--role=r1", "--serviceaccount=day:bot", "-n", "day"], &["rolebinding.rbac.authorization.k8s.io/rb1 created"]),
    ok(&["create", "clusterrole", "cr-day", "--verb=get", "--resource=pods"], &["clusterrole.rbac.authorization.k8s.io/cr-day created"]),
    ok(&["create", "clusterrolebinding", "crb-day", "--clusterrole=cr-day", "--serviceaccount=day:bot"], &["clusterrolebinding.rbac.authorization.k8s.io/crb-day created"]),
    ok(&["create", "quota", "q1", "--hard=pods=50", "-n", "day"], &["resourcequota/q1 created"]),
    ok(&["create", "pdb", "pdb1", "--selector=app=web", "--min-available=1", "-n", "day"], &["poddisruptionbudget.policy/pdb1 created"]),
    ok(&["create", "ingress", "ing1", "--rule=foo.com/bar=web:80", "-n", "day"], &["ingress.networking.k8s.io/ing1 created"]),
    fails(&["create", "priorityclass", "pc1", "--value=100"], "the server could not find the requested resource"),
    ok(&["expose", "deployment", "web", "--name=web2", "--port=8080", "--target-port=80", "-n", "day"], &["service/web2 exposed"]),
    ok(&["run", "pod1", "--image=nginx", "-n", "day"], &["pod/pod1 created"]),
    // Changing things.
    ok(&["label", "deploy", "web", "tier=frontend", "-n", "day"], &["deployment.apps/web labeled"]),
    ok(&["label", "deploy", "web", "tier=backend", "--overwrite", "-n", "day"], &["deployment.apps/web labeled"]),
    ok(&["label", "deploy", "web", "tier-", "-n", "day"], &["deployment.apps/web unlabeled"]),
    ok(&["annotate", "deploy", "web", "note=hello", "-n", "day"], &["deployment.apps/web annotate"]),
    ok(&["scale", "deploy", "web", "--replicas=3", "-n", "day"], &["deployment.apps/web scaled"]),
    ok(&["rollout", "status", "deploy/web", "-n", "day", "--timeout=60s"], &["successfully rolled out"]),
    ok(&["set", "image", "deploy/web", "nginx=nginx:1.28", "-n", "day"], &["deployment.apps/web image updated"]),
    ok(&["annotate", "deploy", "web", "kubernetes.io/change-cause=nginx 1.28", "-n", "day"], &["deployment.apps/web annotate"]),
    ok(&["rollout", "status", "deploy/web", "-n", "day", "--timeout=60s"], &["successfully rolled out"]),
    ok(&["rollout", "history", "deploy/web", "-n", "day"], &["REVISION", "nginx 1.28"]),
    ok(&["rollout", "history", "deploy/web", "--revision=1", "-n", "day"], &["nginx:1.27"]),
    ok(&["rollout", "undo", "deploy/web", "-n", "day"], &["deployment.apps/web rolled back"]),
    ok(&["get", "deploy", "web", "-n", "day", "-o", "jsonpath={.spec.template.spec.containers[0].image}"], &["nginx:1.27"]),
    ok(&["rollout", "undo", "deploy/web", "--to-revision=2", "-n", "day"], &["deployment.apps/web rolled back"]),
    ok(&["rollout", "status", "deploy/web", "-n", "day", "--timeout=60s"], &["successfully rolled out"]),
    fails(&["rollout", "undo", "deploy/web", "--to-revision=99", "-n", "day"], "unable to find specified revision 99"),
    ok(&["rollout", "pause", "deploy/web", "-n", "day"], &["deployment.apps/web paused"]),
    ok(&["set", "env", "deploy/web", "FOO=bar", "-n", "day"], &["deployment.apps/web env updated"]),
    ok(&["set", "resources", "deploy/web", "--limits=cpu=200m,memory=256Mi", "-n", "day"], &["deployment.apps/web resource requirements updated"]),
    ok(&["rollout", "resume", "deploy/web", "-n", "day"], &["deployment.apps/web resumed"]),
    ok(&["rollout", "restart", "deploy/web", "-n", "day"], &["deployment.apps/web restarted"]),
    ok(&["rollout", "status", "deploy/web", "-n", "day", "--timeout=90s"], &["successfully rolled out"]),
    ok(&["patch", "deploy", "web", "-n", "day", "-p", r#"{"spec":{"replicas":2}}"#], &["deployment.apps/web patched"]),
    ok(&["patch", "deploy", "web", "-n", "day", "--type=merge", "-p", r#"{"metadata":{"labels":{"m":"1"}}}"#], &["deployment.apps/web patched"]),
    ok(&["patch", "deploy", "web", "-n", "day", "--type=json", "-p", r#"[{"op":"replace","path":"/spec/replicas","value":3}]"#], &["deployment.apps/web patched"]),
    // Settled first: a status write between kubectl's read and its patch would be a change.
    ok(&["rollout", "status", "deploy/web", "-n", "day", "--timeout=60s"], &["successfully rolled out"]),
    ok(&["patch", "deploy", "web", "-n", "day", "-p", r#"{"spec":{"replicas":3}}"#], &["deployment.apps/web patched (no change)"]),
    fails(&["patch", "deploy", "web", "-n", "day", "-p", "{not json"], "Error from server (BadRequest): invalid character 'n' looking for beginning of object key string"),
    ok(&["wait", "--for=condition=Available", "deploy/web", "-n", "day", "--timeout=60s"], &["condition met"]),
    ok(&["wait", "--for=jsonpath={.status.readyReplicas}=3", "deploy/web", "-n", "day", "--timeout=60s"], &["condition met"]),
    ok(&["wait", "--for=condition=Ready", "pod", "-l", "app=web", "-n", "day", "--timeout=60s"], &["condition met"]),
    ok(&["wait", "--for=condition=complete", "job/j1", "-n", "day", "--timeout=60s"], &["condition met"]),
    ok(&["logs", "job/j1", "-n", "day"], &["j1"]),
    ok(&["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80", "-n", "day"], &["autoscaled"]),
    ok(&["get", "hpa", "web", "-n", "day"], &["cpu:", "/80%"]),
    // Declarative.
    stdin(&["apply", "-f", "-"], MANIFEST, Expect::Out(&["deployment.apps/api created"])),
    stdin(&["apply", "-f", "-"], MANIFEST, Expect::Out(&["deployment.apps/api unchanged"])),
    stdin(&["diff", "-f", "-"], MANIFEST, Expect::Out(&[])),
    stdin(&["diff", "-f", "-"], MANIFEST_3, Expect::Differs("+  replicas: 3")),
    stdin(&["apply", "--server-side", "-f", "-"], MANIFEST, Expect::Out(&["deployment.apps/api serverside-applied"])),
    stdin(&["diff", "--server-side", "-f", "-"], MANIFEST, Expect::Out(&[])),
    // The client-side apply above co-owns spec.replicas: without --force-conflicts the
    // server-side diff conflicts, as on a real cluster.
    stdin(&["diff", "--server-side", "-f", "-"], MANIFEST_3, Expect::Fails("conflict with \"kubectl-client-side-apply\": .spec.replicas")),
    stdin(&["diff", "--server-side", "--force-conflicts", "-f", "-"], MANIFEST_3, Expect::Differs("+  replicas: 3")),
    stdin(&["apply", "--validate=strict", "-f", "-"], UNKNOWN_FIELD, Expect::Fails("unknown field \"dataa\"")),
    stdin(&["create", "-f", "-"], SETTINGS, Expect::Out(&["configmap/settings created"])),
    stdin(&["create", "-f", "-"], SETTINGS, Expect::Fails("configmaps \"settings\" already exists")),
    stdin(&["replace", "-f", "-"], SETTINGS_2, Expect::Out(&["configmap/settings replaced"])),
    ok(&["get", "cm", "settings", "-n", "day", "-o", "jsonpath={.data.mode}"], &["busy"]),
    stdin(&["replace", "--force", "-f", "-"], SETTINGS, Expect::Out(&["configmap \"settings\" deleted", "configmap/settings replaced"])),
    Row {
        env: Some(("KUBE_EDITOR", "sed -i s/8080/8081/")),
        ..ok(&["edit", "svc", "web2", "-n", "day"], &["service/web2 edited"])
    },
    ok(&["get", "svc", "web2", "-n", "day", "-o", "jsonpath={.spec.ports[0].port}"], &["8081"]),
    // Cleaning up.
    ok(&["delete", "pod", "pod1", "-n", "day", "--grace-period=0", "--force"], &["pod \"pod1\" force deleted"]),
    ok(&["delete", "pod", "-l", "app=web", "-n", "day", "--grace-period=5", "--timeout=60s"], &["deleted"]),
    ok(&["delete", "cm", "--all", "-n", "day"], &["configmap \"cfg\" deleted"]),
    ok(&["delete", "svc", "web", "-n", "day", "--dry-run=server"], &["service \"web\" deleted (server dry run)"]),
    ok(&["get", "svc", "web", "-n", "day", "-o", "name"], &["service/web"]),
    ok(&["delete", "deploy", "api", "-n", "day", "--cascade=orphan"], &["deployment.apps \"api\" deleted"]),
    ok(&["get", "rs", "-l", "app=api", "-n", "day", "-o", "name"], &["replicaset.apps/api-"]),
    ok(&["delete", "rs", "-l", "app=api", "-n", "day", "--cascade=foreground"], &["deleted"]),
    ok(&["delete", "deploy", "web", "-n", "day", "--cascade=background"], &["deployment.apps \"web\" deleted"]),
    fails(&["get", "deploy", "web", "-n", "day"], "deployments.apps \"web\" not found"),
    ok(&["delete", "ns", "day", "--timeout=60s"], &["namespace \"day\" deleted"]),
    ok(&["wait", "--for=delete", "ns/day", "--timeout=60s"], &[]),
    fails(&["get", "ns", "day"], "namespaces \"day\" not found"),
];
