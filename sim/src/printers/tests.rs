use super::*;
use serde_json::json;

/// The printer the registry has for a resource plural or store key ("deployments.apps"),
/// in any version serving it; APIService's is served by api/apiservices.rs.
pub(super) fn printer(resource: &str) -> Option<&'static Printer> {
    let plural = resource.split('.').next().unwrap_or(resource);
    if plural == "apiservices" {
        return Some(&API_SERVICE);
    }
    let spec = crate::kinds::KINDS
        .iter()
        .find(|k| k.def.resource == plural);
    spec.and_then(|k| k.printer)
}

pub(super) fn columns(resource: &str) -> Vec<Value> {
    super::columns(printer(resource))
}

pub(super) fn cells(resource: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    super::cells(printer(resource), obj, now)
}

fn now() -> Timestamp {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

fn names(resource: &str) -> Vec<String> {
    columns(resource)
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

fn running_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-7d9c5b8f6-abcde", "namespace": "default", "uid": "u1",
                     "resourceVersion": "123", "creationTimestamp": "2024-05-01T11:55:00Z",
                     "labels": {"app": "web"}},
        "spec": {"nodeName": "node-1", "containers": [{"name": "nginx", "image": "nginx:1.25"}]},
        "status": {
            "phase": "Running", "podIP": "10.244.0.5", "podIPs": [{"ip": "10.244.0.5"}],
            "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                           {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 0, "started": true,
                "image": "nginx:1.25", "imageID": "", "state": {"running": {"startedAt": "2024-05-01T11:55:03Z"}}}]
        }
    })
}

fn crashloop_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "worker-0", "namespace": "default", "creationTimestamp": "2024-05-01T10:00:00Z"},
        "spec": {"nodeName": "node-2", "containers": [{"name": "app", "image": "busybox"}, {"name": "sidecar", "image": "envoy"}]},
        "status": {
            "phase": "Running", "podIPs": [{"ip": "10.244.1.7"}],
            "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 5,
                 "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
                 "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                     "startedAt": "2024-05-01T11:57:50Z", "finishedAt": "2024-05-01T11:58:00Z"}}},
                {"name": "sidecar", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2024-05-01T10:00:05Z"}}}
            ]
        }
    })
}

#[test]
fn human_age_matches_kubernetes() {
    let cases = [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (5, "5s"),
        (119, "119s"),
        (120, "2m"),
        (123, "2m3s"),
        (599, "9m59s"),
        (600, "10m"),
        (10799, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 4 * 60, "3h4m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (5 * 86400 + 3 * 3600, "5d3h"),
        (5 * 86400, "5d"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (2 * 365 * 86400 + 10 * 86400, "2y10d"),
        (3 * 365 * 86400, "3y"),
        (9 * 365 * 86400, "9y"),
    ];
    for (secs, want) in cases {
        assert_eq!(human_age(secs), want, "{secs}s");
    }
}

#[test]
fn pod_columns_and_running_pod() {
    assert_eq!(
        names("pods"),
        [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates"
        ]
    );
    let cols = columns("pods");
    assert_eq!(cols[0]["format"], "name");
    assert_eq!(cols[3]["type"], "string");
    assert_eq!(cols[4]["priority"], 0);
    assert_eq!(cols[5]["priority"], 1);
    assert!(
        cols.iter()
            .all(|c| c.get("description").is_some() && c.get("format").is_some())
    );
    let c = cells("pods", &running_pod(), now());
    assert_eq!(
        c,
        vec![
            json!("web-7d9c5b8f6-abcde"),
            json!("1/1"),
            json!("Running"),
            json!("0"),
            json!("5m"),
            json!("10.244.0.5"),
            json!("node-1"),
            json!("<none>"),
            json!("<none>")
        ]
    );
}

#[test]
fn crashloop_pod_status_and_restarts() {
    let c = cells("pods", &crashloop_pod(), now());
    assert_eq!(c[1], "1/2");
    assert_eq!(c[2], "CrashLoopBackOff");
    assert_eq!(c[3], "5 (2m ago)");
    assert_eq!(c[4], "120m"); // < 3h prints minutes, like kubectl
}

#[test]
fn pod_status_variants() {
    // Pending, container creating.
    let mut p = running_pod();
    p["status"]["phase"] = json!("Pending");
    p["status"]["containerStatuses"][0]["ready"] = json!(false);
    p["status"]["containerStatuses"][0]["state"] =
        json!({"waiting": {"reason": "ContainerCreating"}});
    assert_eq!(
        cells("pods", &p, now())[1..3],
        [json!("0/1"), json!("ContainerCreating")]
    );
    // OOMKilled.
    p["status"]["containerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}});
    assert_eq!(cells("pods", &p, now())[2], "OOMKilled");
    // Exit code without reason.
    p["status"]["containerStatuses"][0]["state"] = json!({"terminated": {"exitCode": 3}});
    assert_eq!(cells("pods", &p, now())[2], "ExitCode:3");
    // Completed job pod.
    p["status"]["phase"] = json!("Succeeded");
    p["status"]["containerStatuses"][0]["state"] =
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}});
    assert_eq!(cells("pods", &p, now())[2], "Completed");
    let conditions = row_conditions(printer("pods"), &p).unwrap();
    assert_eq!(conditions[0]["reason"], "Succeeded");
    // Terminating.
    let mut p = running_pod();
    p["metadata"]["deletionTimestamp"] = json!("2024-05-01T11:59:00Z");
    assert_eq!(cells("pods", &p, now())[2], "Terminating");
    // No status at all (just created).
    let bare = json!({"metadata": {"name": "x", "creationTimestamp": "2024-05-01T11:59:58Z"},
                      "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Pending"}});
    assert_eq!(
        cells("pods", &bare, now())[..5],
        [
            json!("x"),
            json!("0/1"),
            json!("Pending"),
            json!("0"),
            json!("2s")
        ]
    );
}

#[test]
fn pod_init_containers() {
    let mut p = running_pod();
    p["spec"]["initContainers"] =
        json!([{"name": "init-db", "image": "busybox"}, {"name": "init-2", "image": "busybox"}]);
    p["status"]["phase"] = json!("Pending");
    p["status"]["conditions"] = json!([{"type": "Initialized", "status": "False"}]);
    p["status"]["initContainerStatuses"] = json!([
        {"name": "init-db", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "init-2", "ready": false, "restartCount": 0, "state": {"running": {"startedAt": "2024-05-01T11:59:00Z"}}}
    ]);
    p["status"]["containerStatuses"] = json!([{"name": "nginx", "ready": false, "restartCount": 0,
        "state": {"waiting": {"reason": "PodInitializing"}}}]);
    assert_eq!(
        cells("pods", &p, now())[1..3],
        [json!("0/1"), json!("Init:1/2")]
    );
    p["status"]["initContainerStatuses"][1]["state"] =
        json!({"waiting": {"reason": "CrashLoopBackOff"}});
    assert_eq!(cells("pods", &p, now())[2], "Init:CrashLoopBackOff");
    // Native sidecar counts toward totals.
    let mut p = running_pod();
    p["spec"]["initContainers"] = json!([{"name": "proxy", "restartPolicy": "Always"}]);
    p["status"]["initContainerStatuses"] = json!([{"name": "proxy", "ready": true, "started": true, "restartCount": 1,
        "state": {"running": {}}}]);
    let c = cells("pods", &p, now());
    assert_eq!(c[1..4], [json!("2/2"), json!("Running"), json!("1")]);
}

#[test]
fn deployment_two_of_three() {
    let d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2024-04-30T12:00:00Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "tier": "fe"}},
                 "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "log", "image": "fluentbit"}]}}},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    });
    assert_eq!(
        names("deployments"),
        [
            "Name",
            "Ready",
            "Up-to-date",
            "Available",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    assert_eq!(
        cells("deployments", &d, now()),
        vec![
            json!("web"),
            json!("2/3"),
            json!(3),
            json!(2),
            json!("24h"),
            json!("nginx,log"),
            json!("nginx:1.25,fluentbit"),
            json!("app=web,tier=fe")
        ]
    );
    // Fresh deployment: no status yet.
    let fresh = json!({"metadata": {"name": "x", "creationTimestamp": "2024-05-01T12:00:00Z"}, "spec": {"replicas": 1}});
    assert_eq!(
        cells("deployments", &fresh, now())[1..4],
        [json!("0/1"), json!(0), json!(0)]
    );
}

#[test]
fn replicaset_and_selectors() {
    let rs = json!({"metadata": {"name": "web-abc", "creationTimestamp": "2024-05-01T11:00:00Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}, {"key": "canary", "operator": "DoesNotExist"}]},
            "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}},
        "status": {"replicas": 3, "readyReplicas": 1}});
    let c = cells("replicasets", &rs, now());
    assert_eq!(c[1..5], [json!(3), json!(3), json!(1), json!("60m")]);
    assert_eq!(c[7], "app=web,!canary,env in (dev,prod)");
    assert_eq!(columns("replicasets")[1]["type"], "integer");
    let np = json!({"metadata": {"name": "deny-all"}, "spec": {"podSelector": {}}});
    assert_eq!(cells("networkpolicies", &np, now())[1], "<none>");
}

#[test]
fn hpa_with_current_metrics() {
    let h = json!({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "creationTimestamp": "2024-05-01T09:00:00Z"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": 2, "maxReplicas": 10,
                 "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
                    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 80}}}]},
        "status": {"currentReplicas": 3, "desiredReplicas": 3,
                   "currentMetrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "45m"}}},
                    {"type": "Resource", "resource": {"name": "memory", "current": {"averageUtilization": 30, "averageValue": "100Mi"}}}]}
    });
    assert_eq!(
        names("horizontalpodautoscalers"),
        [
            "Name",
            "Reference",
            "Targets",
            "MinPods",
            "MaxPods",
            "Replicas",
            "Age"
        ]
    );
    assert_eq!(
        cells("horizontalpodautoscalers", &h, now()),
        vec![
            json!("web"),
            json!("Deployment/web"),
            json!("cpu: 45%/70%, memory: 30%/80%"),
            json!("2"),
            json!(10),
            json!(3),
            json!("3h")
        ]
    );
    let mut no_cur = h.clone();
    no_cur["status"] = json!({"currentReplicas": 0});
    no_cur["spec"]["metrics"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    no_cur["spec"]
        .as_object_mut()
        .unwrap()
        .remove("minReplicas");
    let c = cells("horizontalpodautoscalers", &no_cur, now());
    assert_eq!(c[2..4], [json!("cpu: <unknown>/70%"), json!("<unset>")]);
    let mut three = h.clone();
    three["spec"]["metrics"].as_array_mut().unwrap().push(json!({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}}));
    assert_eq!(
        cells("horizontalpodautoscalers", &three, now())[2],
        "cpu: 45%/70%, memory: 30%/80% + 1 more..."
    );
}

#[test]
fn services() {
    let svc = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "creationTimestamp": "2024-05-01T11:00:00Z"},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"],
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
                 "selector": {"app": "web"}}
    });
    assert_eq!(
        names("services"),
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age",
            "Selector"
        ]
    );
    assert_eq!(
        cells("services", &svc, now()),
        vec![
            json!("web"),
            json!("ClusterIP"),
            json!("10.96.12.34"),
            json!("<none>"),
            json!("80/TCP"),
            json!("60m"),
            json!("app=web")
        ]
    );
    let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.0.9"],
        "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}, "status": {}});
    let c = cells("services", &lb, now());
    assert_eq!(c[3..5], [json!("<pending>"), json!("443:31443/TCP,53/UDP")]);
    assert_eq!(c[5], "<unknown>");
    assert_eq!(c[6], "<none>");
}

#[test]
fn misc_resources() {
    let sec = json!({"metadata": {"name": "s", "creationTimestamp": "2024-05-01T11:59:00Z"}, "type": "Opaque", "data": {"a": "eA==", "b": "eQ=="}});
    assert_eq!(
        cells("secrets", &sec, now()),
        vec![json!("s"), json!("Opaque"), json!(2), json!("60s")]
    );
    let cm = json!({"metadata": {"name": "kube-root-ca.crt"}, "data": {"ca.crt": "x"}});
    assert_eq!(cells("configmaps", &cm, now())[1], 1);
    let ns = json!({"metadata": {"name": "default", "creationTimestamp": "2024-04-01T12:00:00Z"}, "status": {"phase": "Active"}});
    assert_eq!(
        cells("namespaces", &ns, now()),
        vec![json!("default"), json!("Active"), json!("30d")]
    );
    let sa = json!({"metadata": {"name": "default"}});
    assert_eq!(cells("serviceaccounts", &sa, now())[1], 0);
    let node = json!({"metadata": {"name": "cp", "creationTimestamp": "2024-04-28T12:00:00Z",
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "cp"}},
        "status": {"conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": "cp"}],
            "nodeInfo": {"kubeletVersion": "v1.33.1", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "kernelVersion": "6.8.0", "containerRuntimeVersion": "containerd://2.1.1"}}});
    assert_eq!(
        names("nodes")[..5],
        ["Name", "Status", "Roles", "Age", "Version"]
    );
    assert_eq!(
        cells("nodes", &node, now()),
        vec![
            json!("cp"),
            json!("Ready"),
            json!("control-plane"),
            json!("3d"),
            json!("v1.33.1"),
            json!("172.18.0.2"),
            json!("<none>"),
            json!("Debian GNU/Linux 12 (bookworm)"),
            json!("6.8.0"),
            json!("containerd://2.1.1")
        ]
    );
    let worker = json!({"metadata": {"name": "w"}, "spec": {"unschedulable": true}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}});
    assert_eq!(
        cells("nodes", &worker, now())[1..3],
        [json!("NotReady,SchedulingDisabled"), json!("<none>")]
    );
}

#[test]
fn events() {
    assert_eq!(
        names("events"),
        [
            "Last Seen",
            "Type",
            "Reason",
            "Object",
            "Subobject",
            "Source",
            "Message",
            "First Seen",
            "Count",
            "Name"
        ]
    );
    let e = json!({"metadata": {"name": "web-abc.17c", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web-abc", "fieldPath": "spec.containers{nginx}"},
        "reason": "BackOff", "message": "Back-off restarting failed container\n", "type": "Warning",
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": "2024-05-01T11:00:00Z", "lastTimestamp": "2024-05-01T11:58:00Z", "count": 12});
    assert_eq!(
        cells("events", &e, now()),
        vec![
            json!("2m"),
            json!("Warning"),
            json!("BackOff"),
            json!("pod/web-abc"),
            json!("spec.containers{nginx}"),
            json!("kubelet, node-1"),
            json!("Back-off restarting failed container"),
            json!("60m"),
            json!(12),
            json!("web-abc.17c")
        ]
    );
    let new_style = json!({"metadata": {"name": "x"}, "involvedObject": {"kind": "Deployment", "name": "web"},
        "eventTime": "2024-05-01T11:59:30.123456Z", "reportingController": "deployment-controller", "type": "Normal"});
    let c = cells("events", &new_style, now());
    assert_eq!(c[0], "29s");
    assert_eq!(c[5], "deployment-controller");
    assert_eq!(c[8], 1);
}

#[test]
fn default_convertor() {
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "reader", "namespace": "default", "creationTimestamp": "2024-05-01T11:00:00Z", "uid": "r1"}});
    let cols = columns("roles");
    assert_eq!(
        cols,
        vec![
            json!({"name": "Name", "type": "string", "format": "name", "description": NAME_DESC, "priority": 0}),
            json!({"name": "Created At", "type": "date", "format": "", "description": AGE_DESC, "priority": 0}),
        ]
    );
    assert_eq!(
        cells("roles", &role, now()),
        vec![json!("reader"), json!("2024-05-01T11:00:00Z")]
    );
}

#[test]
fn workloads_extra() {
    let job = json!({"metadata": {"name": "pi", "creationTimestamp": "2024-05-01T11:50:00Z"},
        "spec": {"completions": 1, "parallelism": 1, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}},
                 "template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}},
        "status": {"succeeded": 1, "startTime": "2024-05-01T11:50:00Z", "completionTime": "2024-05-01T11:50:40Z",
                   "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}});
    assert_eq!(
        cells("jobs", &job, now())[..5],
        [
            json!("pi"),
            json!("Complete"),
            json!("1/1"),
            json!("40s"),
            json!("10m")
        ]
    );
    let sts = json!({"metadata": {"name": "db"}, "spec": {"replicas": 3}, "status": {"readyReplicas": 3}});
    assert_eq!(cells("statefulsets", &sts, now())[1], "3/3");
}

#[test]
fn every_printer_has_a_cell_per_column() {
    let obj = json!({"metadata": {"name": "x"}});
    let served = crate::kinds::KINDS
        .iter()
        .map(|k| (k.def.resource, k.printer));
    let others = [("apiservices", Some(&API_SERVICE)), ("(default)", None)];
    for (r, p) in served.chain(others) {
        assert_eq!(columns_of(p).len(), cells_of(p, &obj).len(), "{r}");
    }
}

fn columns_of(p: Option<&Printer>) -> Vec<Value> {
    super::columns(p)
}

fn cells_of(p: Option<&Printer>, obj: &Value) -> Vec<Value> {
    super::cells(p, obj, now())
}
