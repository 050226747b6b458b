//! `kubectl get <kind> -A` (and `-o wide`) against the sim shows the columns of
//! kube-apiserver's printers (pkg/printers/internalversion/printers.go) for every kind the
//! sim serves, with kubectl 1.33 (the PATH dispatcher) and kubectl.1.27. The objects come
//! from sim/tests/fixtures/every-kind.yaml.

use crate::common::{SimThread, ok, preload, repo_path, require_tool};

/// (resource, namespaced, columns, extra columns of `-o wide`), columns joined by "|".
#[rustfmt::skip]
const KINDS: &[(&str, bool, &str, &str)] = &[
    ("pods", true, "NAME|READY|STATUS|RESTARTS|AGE", "IP|NODE|NOMINATED NODE|READINESS GATES"),
    ("deployments", true, "NAME|READY|UP-TO-DATE|AVAILABLE|AGE", "CONTAINERS|IMAGES|SELECTOR"),
    ("replicasets", true, "NAME|DESIRED|CURRENT|READY|AGE", "CONTAINERS|IMAGES|SELECTOR"),
    ("statefulsets", true, "NAME|READY|AGE", "CONTAINERS|IMAGES"),
    (
        "daemonsets",
        true,
        "NAME|DESIRED|CURRENT|READY|UP-TO-DATE|AVAILABLE|NODE SELECTOR|AGE",
        "CONTAINERS|IMAGES|SELECTOR",
    ),
    ("replicationcontrollers", true, "NAME|DESIRED|CURRENT|READY|AGE", "CONTAINERS|IMAGES|SELECTOR"),
    ("controllerrevisions", true, "NAME|CONTROLLER|REVISION|AGE", ""),
    (
        "cronjobs",
        true,
        "NAME|SCHEDULE|TIMEZONE|SUSPEND|ACTIVE|LAST SCHEDULE|AGE",
        "CONTAINERS|IMAGES|SELECTOR",
    ),
    ("jobs", true, "NAME|STATUS|COMPLETIONS|DURATION|AGE", "CONTAINERS|IMAGES|SELECTOR"),
    ("horizontalpodautoscalers", true, "NAME|REFERENCE|TARGETS|MINPODS|MAXPODS|REPLICAS|AGE", ""),
    ("services", true, "NAME|TYPE|CLUSTER-IP|EXTERNAL-IP|PORT(S)|AGE", "SELECTOR"),
    ("endpoints", true, "NAME|ENDPOINTS|AGE", ""),
    ("configmaps", true, "NAME|DATA|AGE", ""),
    ("secrets", true, "NAME|TYPE|DATA|AGE", ""),
    ("serviceaccounts", true, "NAME|SECRETS|AGE", ""),
    ("networkpolicies", true, "NAME|POD-SELECTOR|AGE", ""),
    ("ingresses", true, "NAME|CLASS|HOSTS|ADDRESS|PORTS|AGE", ""),
    ("ingressclasses", false, "NAME|CONTROLLER|PARAMETERS|AGE", ""),
    (
        "storageclasses",
        false,
        "NAME|PROVISIONER|RECLAIMPOLICY|VOLUMEBINDINGMODE|ALLOWVOLUMEEXPANSION|AGE",
        "",
    ),
    (
        "persistentvolumes",
        false,
        "NAME|CAPACITY|ACCESS MODES|RECLAIM POLICY|STATUS|CLAIM|STORAGECLASS|VOLUMEATTRIBUTESCLASS|REASON|AGE",
        "VOLUMEMODE",
    ),
    (
        "persistentvolumeclaims",
        true,
        "NAME|STATUS|VOLUME|CAPACITY|ACCESS MODES|STORAGECLASS|VOLUMEATTRIBUTESCLASS|AGE",
        "VOLUMEMODE",
    ),
    ("resourcequotas", true, "NAME|REQUEST|LIMIT|AGE", ""),
    ("limitranges", true, "NAME|CREATED AT", ""),
    ("roles", true, "NAME|CREATED AT", ""),
    ("clusterroles", false, "NAME|CREATED AT", ""),
    ("rolebindings", true, "NAME|ROLE|AGE", "USERS|GROUPS|SERVICEACCOUNTS"),
    ("clusterrolebindings", false, "NAME|ROLE|AGE", "USERS|GROUPS|SERVICEACCOUNTS"),
    (
        "poddisruptionbudgets",
        true,
        "NAME|MIN AVAILABLE|MAX UNAVAILABLE|ALLOWED DISRUPTIONS|AGE",
        "",
    ),
    ("customresourcedefinitions", false, "NAME|CREATED AT", ""),
    ("apiservices", false, "NAME|SERVICE|AVAILABLE|AGE", ""),
    ("namespaces", false, "NAME|STATUS|AGE", ""),
    (
        "nodes",
        false,
        "NAME|STATUS|ROLES|AGE|VERSION",
        "INTERNAL-IP|EXTERNAL-IP|OS-IMAGE|KERNEL-VERSION|CONTAINER-RUNTIME",
    ),
];

/// The columns of a kubectl table line: cells are separated by at least three spaces.
fn cells(line: &str) -> String {
    let parts: Vec<&str> = line
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    parts.join("|")
}

/// `kubectl get <resource> -A [-o wide]`: the header and the row whose NAME is `name`
/// (the first row when `name` is empty).
fn get(sim: &SimThread, bin: &str, resource: &str, wide: bool, name: &str) -> (String, String) {
    let mut c = sim.kubectl(bin);
    c.args(["get", resource, "-A"]);
    if wide {
        c.args(["-o", "wide"]);
    }
    let out = ok(c);
    let mut lines = out.lines();
    let header = cells(lines.next().unwrap_or(""));
    let row = lines
        .map(cells)
        .find(|r| name.is_empty() || r.split('|').any(|c| c == name));
    (
        header,
        row.unwrap_or_else(|| panic!("{bin}: no row {name:?} in:\n{out}")),
    )
}

fn tables(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(1.0));
    let fixture = repo_path("sim/tests/fixtures/every-kind.yaml");
    let mut apply = sim.kubectl(bin);
    apply.args(["apply", "-f", fixture.to_str().unwrap()]);
    ok(apply);
    for &(resource, namespaced, columns, wide) in KINDS {
        let want = match namespaced {
            true => format!("NAMESPACE|{columns}"),
            false => columns.to_string(),
        };
        let (header, _) = get(&sim, bin, resource, false, "");
        assert_eq!(header, want, "{bin} get {resource} -A");
        let want_wide = match wide {
            "" => want,
            w => format!("{want}|{w}"),
        };
        let (header, _) = get(&sim, bin, resource, true, "");
        assert_eq!(header, want_wide, "{bin} get {resource} -A -o wide");
    }
    events(&sim, bin);
    rows(&sim, bin);
}

/// Events: `-o wide` adds columns between the others.
fn events(sim: &SimThread, bin: &str) {
    let (header, _) = get(sim, bin, "events", false, "");
    assert_eq!(
        header, "NAMESPACE|LAST SEEN|TYPE|REASON|OBJECT|MESSAGE",
        "{bin}"
    );
    let (header, _) = get(sim, bin, "events", true, "");
    let wide =
        "NAMESPACE|LAST SEEN|TYPE|REASON|OBJECT|SUBOBJECT|SOURCE|MESSAGE|FIRST SEEN|COUNT|NAME";
    assert_eq!(header, wide, "{bin}");
}

/// A few rows of the fixture's objects, as the real printers render them.
fn rows(sim: &SimThread, bin: &str) {
    let row = |resource, wide, name| get(sim, bin, resource, wide, name).1;
    let sc = row("storageclasses", false, "standard (default)");
    assert!(
        sc.starts_with(
            "standard (default)|kubernetes.io/no-provisioner|Delete|WaitForFirstConsumer|false|"
        ),
        "{bin}: {sc}"
    );
    let cj = row("cronjobs", true, "cj1");
    assert!(
        cj.starts_with("printers|cj1|30 3 * * *|Etc/UTC|False|"),
        "{bin}: {cj}"
    );
    assert!(cj.ends_with("|c|busybox|<none>"), "{bin}: {cj}");
    let ep = row("endpoints", false, "ep1");
    assert!(
        ep.contains("|10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...|"),
        "{bin}: {ep}"
    );
    let ing = row("ingresses", false, "ing1");
    assert!(
        ing.starts_with("printers|ing1|nginx|foo.com|"),
        "{bin}: {ing}"
    );
    assert!(ing.contains("|80, 443|"), "{bin}: {ing}");
    let rb = row("rolebindings", true, "rb1");
    assert!(rb.starts_with("printers|rb1|Role/r1|"), "{bin}: {rb}");
    assert!(rb.ends_with("|alice|printers/default"), "{bin}: {rb}");
    let ds = row("daemonsets", true, "ds1");
    assert!(ds.contains("|kubernetes.io/os=linux|"), "{bin}: {ds}");
    assert!(ds.ends_with("|c|nginx|app=ds1"), "{bin}: {ds}");
    let pdb = row("poddisruptionbudgets", false, "pdb1");
    assert!(pdb.starts_with("printers|pdb1|1|N/A|"), "{bin}: {pdb}");
    let pv = row("persistentvolumes", false, "pv1");
    assert!(pv.starts_with("pv1|1Gi|RWO|"), "{bin}: {pv}");
}

#[test]
fn kubectl_133_shows_the_printer_columns_of_every_kind() {
    tables("kubectl");
}

#[test]
fn kubectl_127_shows_the_printer_columns_of_every_kind() {
    tables("kubectl.1.27");
}
