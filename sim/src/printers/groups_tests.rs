//! Cells of the printers in workloads.rs, storage.rs and network.rs,
//! each from a realistic object and from an object with its fields missing.
use super::tests::{cells, columns};
use super::*;
use serde_json::json;

fn now() -> Timestamp {
    "2024-05-01T12:00:00Z".parse().unwrap()
}

/// Metadata created five minutes before `now()`.
fn meta(name: &str) -> Value {
    json!({"name": name, "namespace": "shop", "creationTimestamp": "2024-05-01T11:55:00Z"})
}

/// The cells of `obj` as display strings (numbers and booleans as JSON prints them).
fn row(resource: &str, obj: Value) -> Vec<String> {
    let cells = cells(resource, &obj, now());
    assert_eq!(
        cells.len(),
        columns(resource).len(),
        "{resource}: one cell per column"
    );
    let text = |c: &Value| c.as_str().map_or_else(|| c.to_string(), str::to_string);
    cells.iter().map(text).collect()
}

fn header(resource: &str) -> String {
    let names: Vec<String> = columns(resource)
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_uppercase())
        .collect();
    names.join("|")
}

fn template(names_images: &[(&str, &str)]) -> Value {
    let cs: Vec<Value> = names_images
        .iter()
        .map(|(n, i)| json!({"name": n, "image": i}))
        .collect();
    json!({"metadata": {"labels": {"app": "x"}}, "spec": {"containers": cs}})
}

#[test]
fn table_daemonset_columns_and_cells() {
    assert_eq!(
        header("daemonsets.apps"),
        "NAME|DESIRED|CURRENT|READY|UP-TO-DATE|AVAILABLE|NODE SELECTOR|AGE|CONTAINERS|IMAGES|SELECTOR"
    );
    let mut tpl = template(&[("agent", "fluent-bit:3"), ("exporter", "node-exporter:1")]);
    tpl["spec"]["nodeSelector"] = json!({"kubernetes.io/os": "linux", "disk": "ssd"});
    let ds = json!({"metadata": meta("logs"),
        "spec": {"selector": {"matchLabels": {"app": "logs"}}, "template": tpl},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                   "updatedNumberScheduled": 3, "numberAvailable": 2}});
    assert_eq!(
        row("daemonsets", ds),
        [
            "logs",
            "3",
            "3",
            "2",
            "3",
            "2",
            "disk=ssd,kubernetes.io/os=linux",
            "5m",
            "agent,exporter",
            "fluent-bit:3,node-exporter:1",
            "app=logs"
        ]
    );
    let bare = row("daemonsets", json!({"metadata": {"name": "b"}}));
    assert_eq!(
        bare,
        [
            "b",
            "0",
            "0",
            "0",
            "0",
            "0",
            "<none>",
            "<unknown>",
            "",
            "",
            "<none>"
        ]
    );
}

#[test]
fn table_replicationcontroller_cells_use_a_label_map_selector() {
    assert_eq!(
        header("replicationcontrollers"),
        "NAME|DESIRED|CURRENT|READY|AGE|CONTAINERS|IMAGES|SELECTOR"
    );
    let rc = json!({"metadata": meta("legacy"),
        "spec": {"replicas": 2, "selector": {"app": "legacy", "tier": "web"}, "template": template(&[("c", "nginx")])},
        "status": {"replicas": 2, "readyReplicas": 1}});
    assert_eq!(
        row("replicationcontrollers", rc),
        [
            "legacy",
            "2",
            "2",
            "1",
            "5m",
            "c",
            "nginx",
            "app=legacy,tier=web"
        ]
    );
    let bare = row("replicationcontrollers", json!({"metadata": meta("x")}));
    assert_eq!(bare, ["x", "0", "0", "0", "5m", "", "", "<none>"]);
}

#[test]
fn table_cronjob_cells() {
    assert_eq!(
        header("cronjobs.batch"),
        "NAME|SCHEDULE|TIMEZONE|SUSPEND|ACTIVE|LAST SCHEDULE|AGE|CONTAINERS|IMAGES|SELECTOR"
    );
    let cj = json!({"metadata": meta("report"),
        "spec": {"schedule": "*/5 * * * *", "timeZone": "Europe/Paris", "suspend": false,
                 "jobTemplate": {"spec": {"template": template(&[("r", "busybox")])}}},
        "status": {"active": [{"name": "report-1"}], "lastScheduleTime": "2024-05-01T11:58:30Z"}});
    assert_eq!(
        row("cronjobs", cj),
        [
            "report",
            "*/5 * * * *",
            "Europe/Paris",
            "False",
            "1",
            "90s",
            "5m",
            "r",
            "busybox",
            "<none>"
        ]
    );
    let mut bare = json!({"metadata": meta("b"), "spec": {"schedule": "@daily", "suspend": true}});
    bare["spec"]["jobTemplate"] = json!({"spec": {"selector": {"matchLabels": {"job": "b"}}}});
    assert_eq!(
        row("cronjobs", bare),
        [
            "b", "@daily", "<none>", "True", "0", "<none>", "5m", "", "", "job=b"
        ]
    );
    let unset = row("cronjobs", json!({"metadata": meta("u")}));
    assert_eq!(unset[3], "<unset>");
}

#[test]
fn table_controllerrevision_names_its_controller() {
    assert_eq!(
        header("controllerrevisions"),
        "NAME|CONTROLLER|REVISION|AGE"
    );
    let mut m = meta("web-5d4f8");
    m["ownerReferences"] = json!([
        {"apiVersion": "v1", "kind": "Pod", "name": "other"},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true}]);
    let cr = json!({"metadata": m, "revision": 3, "data": {}});
    assert_eq!(
        row("controllerrevisions", cr),
        ["web-5d4f8", "statefulset.apps/web", "3", "5m"]
    );
    let mut core = meta("c");
    core["ownerReferences"] =
        json!([{"apiVersion": "v1", "kind": "Thing", "name": "t", "controller": true}]);
    let cells = row(
        "controllerrevisions",
        json!({"metadata": core, "revision": 1}),
    );
    assert_eq!(cells[1], "thing/t");
    let orphan = row("controllerrevisions", json!({"metadata": meta("o")}));
    assert_eq!(orphan, ["o", "<none>", "0", "5m"]);
}

#[test]
fn table_poddisruptionbudget_cells() {
    assert_eq!(
        header("poddisruptionbudgets.policy"),
        "NAME|MIN AVAILABLE|MAX UNAVAILABLE|ALLOWED DISRUPTIONS|AGE"
    );
    let pdb = json!({"metadata": meta("web"), "spec": {"minAvailable": 2},
        "status": {"disruptionsAllowed": 1}});
    assert_eq!(
        row("poddisruptionbudgets", pdb),
        ["web", "2", "N/A", "1", "5m"]
    );
    let pct = json!({"metadata": meta("db"), "spec": {"maxUnavailable": "25%"}});
    assert_eq!(
        row("poddisruptionbudgets", pct),
        ["db", "N/A", "25%", "0", "5m"]
    );
}

#[test]
fn table_persistentvolume_cells() {
    assert_eq!(
        header("persistentvolumes"),
        "NAME|CAPACITY|ACCESS MODES|RECLAIM POLICY|STATUS|CLAIM|STORAGECLASS|VOLUMEATTRIBUTESCLASS|REASON|AGE|VOLUMEMODE"
    );
    let pv = json!({"metadata": meta("pv-1"),
        "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "fast",
                 "claimRef": {"namespace": "shop", "name": "data"}, "volumeMode": "Filesystem"},
        "status": {"phase": "Bound"}});
    let want = [
        "pv-1",
        "10Gi",
        "RWO,RWX",
        "Retain",
        "Bound",
        "shop/data",
        "fast",
        "<unset>",
        "",
        "5m",
        "Filesystem",
    ];
    assert_eq!(row("persistentvolumes", pv), want);
    let mut gone = meta("pv-2");
    gone["deletionTimestamp"] = json!("2024-05-01T11:59:00Z");
    gone["annotations"] = json!({"volume.beta.kubernetes.io/storage-class": "old"});
    let bare = row(
        "persistentvolumes",
        json!({"metadata": gone, "status": {"phase": "Released"}}),
    );
    assert_eq!(
        bare,
        [
            "pv-2",
            "0",
            "",
            "",
            "Terminating",
            "",
            "old",
            "<unset>",
            "",
            "5m",
            "<unset>"
        ]
    );
}

#[test]
fn table_persistentvolumeclaim_cells_show_capacity_once_bound() {
    assert_eq!(
        header("persistentvolumeclaims"),
        "NAME|STATUS|VOLUME|CAPACITY|ACCESS MODES|STORAGECLASS|VOLUMEATTRIBUTESCLASS|AGE|VOLUMEMODE"
    );
    let spec = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
        "storageClassName": "standard", "volumeMode": "Filesystem"});
    let pending = json!({"metadata": meta("data"), "spec": spec, "status": {"phase": "Pending"}});
    assert_eq!(
        row("persistentvolumeclaims", pending),
        [
            "data",
            "Pending",
            "",
            "",
            "",
            "standard",
            "<unset>",
            "5m",
            "Filesystem"
        ]
    );
    let mut bound_spec = spec.clone();
    bound_spec["volumeName"] = json!("pvc-123");
    let bound = json!({"metadata": meta("data"), "spec": bound_spec, "status": {"phase": "Bound",
        "capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteOnce", "ReadWriteOncePod"]}});
    assert_eq!(
        row("persistentvolumeclaims", bound),
        [
            "data",
            "Bound",
            "pvc-123",
            "2Gi",
            "RWO,RWOP",
            "standard",
            "<unset>",
            "5m",
            "Filesystem"
        ]
    );
}

#[test]
fn table_storageclass_cells_mark_the_default() {
    assert_eq!(
        header("storageclasses.storage.k8s.io"),
        "NAME|PROVISIONER|RECLAIMPOLICY|VOLUMEBINDINGMODE|ALLOWVOLUMEEXPANSION|AGE"
    );
    let mut m = meta("standard");
    m["annotations"] = json!({"storageclass.kubernetes.io/is-default-class": "true"});
    let sc = json!({"metadata": m, "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true});
    assert_eq!(
        row("storageclasses", sc),
        [
            "standard (default)",
            "rancher.io/local-path",
            "Retain",
            "WaitForFirstConsumer",
            "true",
            "5m"
        ]
    );
    let bare = json!({"metadata": meta("slow"), "provisioner": "kubernetes.io/no-provisioner"});
    let cells = cells("storageclasses", &bare, now());
    assert_eq!(
        cells[4],
        json!(false),
        "ALLOWVOLUMEEXPANSION is a boolean cell"
    );
    assert_eq!(
        row("storageclasses", bare),
        [
            "slow",
            "kubernetes.io/no-provisioner",
            "Delete",
            "Immediate",
            "false",
            "5m"
        ]
    );
}

#[test]
fn table_resourcequota_splits_requests_and_limits() {
    assert_eq!(header("resourcequotas"), "NAME|REQUEST|LIMIT|AGE");
    let rq = json!({"metadata": meta("compute"), "spec": {"hard": {"pods": "10"}},
        "status": {"hard": {"pods": "10", "requests.cpu": "2", "limits.memory": "4Gi", "limits.cpu": "4"},
                   "used": {"pods": "3", "requests.cpu": "500m", "limits.cpu": "1"}}});
    assert_eq!(
        row("resourcequotas", rq),
        [
            "compute",
            "pods: 3/10, requests.cpu: 500m/2",
            "limits.cpu: 1/4, limits.memory: 0/4Gi",
            "5m"
        ]
    );
    let bare = row("resourcequotas", json!({"metadata": meta("q")}));
    assert_eq!(bare, ["q", "", "", "5m"]);
}

#[test]
fn table_ingress_and_ingressclass_cells() {
    assert_eq!(header("ingresses"), "NAME|CLASS|HOSTS|ADDRESS|PORTS|AGE");
    let rules = json!([{"host": "a.example.com"}, {}, {"host": "b.example.com"}, {"host": "c.example.com"}, {"host": "d.example.com"}]);
    let ing = json!({"metadata": meta("web"),
        "spec": {"ingressClassName": "nginx", "rules": rules, "tls": [{"hosts": ["a.example.com"]}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}, {"hostname": "lb.example.com"}, {"ip": "10.0.0.9"}]}}});
    assert_eq!(
        row("ingresses", ing),
        [
            "web",
            "nginx",
            "a.example.com,b.example.com,c.example.com + 2 more...",
            "10.0.0.9,lb.example.com",
            "80, 443",
            "5m"
        ]
    );
    let bare = row(
        "ingresses",
        json!({"metadata": meta("i"), "spec": {"rules": [{}]}}),
    );
    assert_eq!(bare, ["i", "<none>", "*", "", "80", "5m"]);
    assert_eq!(header("ingressclasses"), "NAME|CONTROLLER|PARAMETERS|AGE");
    let ic = json!({"metadata": meta("nginx"), "spec": {"controller": "k8s.io/ingress-nginx",
        "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}});
    assert_eq!(
        row("ingressclasses", ic),
        [
            "nginx",
            "k8s.io/ingress-nginx",
            "IngressParameters.k8s.example.com/external-lb",
            "5m"
        ]
    );
    let plain = row(
        "ingressclasses",
        json!({"metadata": meta("p"), "spec": {"controller": "c"}}),
    );
    assert_eq!(plain, ["p", "c", "<none>", "5m"]);
}

#[test]
fn table_endpoints_list_three_then_more() {
    assert_eq!(header("endpoints"), "NAME|ENDPOINTS|AGE");
    let ep = json!({"metadata": meta("web"), "subsets": [
        {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}, {"port": 443}]},
        {"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 8080}]}]});
    assert_eq!(
        row("endpoints", ep),
        [
            "web",
            "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...",
            "5m"
        ]
    );
    let v6 = json!({"metadata": meta("v6"), "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 53}]},
        {"addresses": [{"ip": "10.0.0.3"}]}]});
    assert_eq!(row("endpoints", v6), ["v6", "[fd00::1]:53,10.0.0.3", "5m"]);
    assert_eq!(
        row("endpoints", json!({"metadata": meta("e")})),
        ["e", "<none>", "5m"]
    );
    let empty = json!({"metadata": meta("n"), "subsets": [{"ports": [{"port": 80}]}]});
    assert_eq!(row("endpoints", empty), ["n", "", "5m"]);
}

#[test]
fn table_bindings_split_subjects() {
    for r in [
        "rolebindings",
        "clusterrolebindings.rbac.authorization.k8s.io",
    ] {
        assert_eq!(header(r), "NAME|ROLE|AGE|USERS|GROUPS|SERVICEACCOUNTS");
    }
    let rb = json!({"metadata": meta("read"),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "User", "name": "alice"}, {"kind": "Group", "name": "devs"},
                     {"kind": "ServiceAccount", "name": "ci", "namespace": "shop"},
                     {"kind": "User", "name": "bob"}, {"kind": "ServiceAccount", "name": "default", "namespace": "ops"}]});
    assert_eq!(
        row("rolebindings", rb),
        [
            "read",
            "ClusterRole/view",
            "5m",
            "alice, bob",
            "devs",
            "shop/ci, ops/default"
        ]
    );
    let bare = row("clusterrolebindings", json!({"metadata": meta("b")}));
    assert_eq!(bare, ["b", "/", "5m", "", "", ""]);
}

#[test]
fn table_apiservice_cells() {
    assert_eq!(header("apiservices"), "NAME|SERVICE|AVAILABLE|AGE");
    let local = json!({"metadata": meta("v1.apps"), "spec": {"group": "apps", "version": "v1"},
        "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local"}]}});
    assert_eq!(
        row("apiservices", local),
        ["v1.apps", "Local", "True", "5m"]
    );
    let down = json!({"metadata": meta("v1beta1.metrics.k8s.io"),
        "spec": {"service": {"namespace": "kube-system", "name": "metrics-server"}},
        "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints"}]}});
    assert_eq!(
        row("apiservices", down),
        [
            "v1beta1.metrics.k8s.io",
            "kube-system/metrics-server",
            "False (MissingEndpoints)",
            "5m"
        ]
    );
    assert_eq!(
        row("apiservices", json!({"metadata": meta("x")}))[2],
        "Unknown"
    );
}

#[test]
fn table_kinds_without_a_printer_keep_created_at() {
    for r in [
        "roles",
        "clusterroles",
        "limitranges",
        "customresourcedefinitions",
    ] {
        assert_eq!(header(r), "NAME|CREATED AT", "{r}");
    }
}
