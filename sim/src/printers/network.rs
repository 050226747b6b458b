//! The printers of network and access kinds: ingresses, ingress classes, endpoints and
//! role bindings (printIngress, printIngressClass, printEndpoints, printRoleBinding,
//! printClusterRoleBinding).

use jiff::Timestamp;
use serde_json::Value;

use super::*;

// Column descriptions: literal in printers.go, or the swagger docs of k8s.io/api v0.33.
const ING_CLASS_DESC: &str =
    "The name of the IngressClass resource that should be used for additional configuration";
const ING_HOSTS_DESC: &str =
    "Hosts that incoming requests are matched against before the ingress rule";
const ING_ADDRESS_DESC: &str = "Address is a list containing ingress points for the load-balancer";
const ING_PORTS_DESC: &str = "Ports of TLS configurations that open";
const IC_CONTROLLER_DESC: &str = "Controller that is responsible for handling this class";
const IC_PARAMETERS_DESC: &str = "A reference to a resource with additional parameters";
const EP_DESC: &str = "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.";
const RB_ROLE_DESC: &str = "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.";
const CRB_ROLE_DESC: &str = "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.";

/// At most this many hosts or endpoints are listed before "+ N more...".
const MAX_LISTED: usize = 3;

/// "a,b,c + N more..." when `total` items exceed the listed ones.
fn with_more(listed: &[String], total: usize) -> String {
    let joined = listed.join(",");
    if total > MAX_LISTED {
        format!("{joined} + {} more...", total - MAX_LISTED)
    } else {
        joined
    }
}

/// formatHosts: the first three non-empty hosts, `*` when there are none; once three are
/// listed, any further rule makes it "+ N more..." with N = rules - 3.
fn hosts(rules: &[Value]) -> String {
    let mut listed = Vec::new();
    let mut more = false;
    for r in rules {
        if listed.len() == MAX_LISTED {
            more = true;
            break;
        }
        match s(r, "host") {
            "" => {}
            h => listed.push(h.to_string()),
        }
    }
    match () {
        _ if more => format!(
            "{} + {} more...",
            listed.join(","),
            rules.len() - MAX_LISTED
        ),
        _ if listed.is_empty() => "*".into(),
        _ => listed.join(","),
    }
}

/// printIngress: CLASS, HOSTS, ADDRESS, PORTS, AGE.
pub(super) fn ingress_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let spec = g(obj, "spec");
    let class = g(spec, "ingressClassName").as_str().unwrap_or("<none>");
    let address = lb_ingress(g(obj, "status.loadBalancer.ingress")).join(",");
    let ports = if arr(spec, "tls").is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        name,
        class.into(),
        hosts(arr(spec, "rules")).into(),
        address.into(),
        ports.into(),
        age,
    ]
}

/// printIngressClass: CONTROLLER, PARAMETERS ("Kind[.apiGroup]/name" or `<none>`), AGE.
pub(super) fn ingressclass_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let spec = g(obj, "spec");
    let p = g(spec, "parameters");
    let parameters = match (p.is_object(), g(p, "apiGroup").as_str()) {
        (false, _) => "<none>".to_string(),
        (true, Some(group)) => format!("{}.{group}/{}", s(p, "kind"), s(p, "name")),
        (true, None) => format!("{}/{}", s(p, "kind"), s(p, "name")),
    };
    vec![name, s(spec, "controller").into(), parameters.into(), age]
}

/// net.JoinHostPort: IPv6 addresses are bracketed.
fn host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// formatEndpoints: up to three "ip:port" (or bare IPs for port-less subsets), then
/// "+ N more..."; `<none>` without subsets.
fn endpoints(subsets: &[Value]) -> String {
    if subsets.is_empty() {
        return "<none>".into();
    }
    let (mut listed, mut total) = (Vec::new(), 0);
    for ss in subsets {
        let ips: Vec<&str> = arr(ss, "addresses").iter().map(|a| s(a, "ip")).collect();
        let ports = arr(ss, "ports");
        if ports.is_empty() {
            total += ips.len();
            listed.extend(ips.iter().map(|ip| ip.to_string()));
        }
        for p in ports {
            total += ips.len();
            listed.extend(ips.iter().map(|ip| host_port(ip, n(p, "port"))));
        }
        listed.truncate(MAX_LISTED);
    }
    with_more(&listed, total)
}

/// printEndpoints: ENDPOINTS, AGE.
pub(super) fn endpoints_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    vec![name, endpoints(arr(obj, "subsets")).into(), age]
}

/// printRoleBinding / printClusterRoleBinding: ROLE ("Kind/name"), AGE, USERS, GROUPS,
/// SERVICEACCOUNTS ("namespace/name").
pub(super) fn binding_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let role = format!("{}/{}", s(obj, "roleRef.kind"), s(obj, "roleRef.name"));
    let (mut users, mut groups, mut sas) = (Vec::new(), Vec::new(), Vec::new());
    for subject in arr(obj, "subjects") {
        let name = s(subject, "name").to_string();
        match s(subject, "kind") {
            "ServiceAccount" => sas.push(format!("{}/{name}", s(subject, "namespace"))),
            "User" => users.push(name),
            "Group" => groups.push(name),
            _ => {}
        }
    }
    let [users, groups, sas] = [users, groups, sas].map(|l| Value::from(l.join(", ")));
    vec![name, role.into(), age, users, groups, sas]
}

/// kube-aggregator's APIService row: SERVICE ("namespace/name", or `Local`), AVAILABLE
/// (the Available condition's status, with its reason unless "True"; `Unknown` without it).
pub(super) fn apiservice_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let svc = g(obj, "spec.service");
    let service = match svc.is_object() {
        true => format!("{}/{}", s(svc, "namespace"), s(svc, "name")),
        false => "Local".into(),
    };
    let conds = arr(obj, "status.conditions");
    let available = match conds.iter().find(|c| s(c, "type") == "Available") {
        None => "Unknown".to_string(),
        Some(c) if s(c, "status") == "True" => "True".into(),
        Some(c) => format!("{} ({})", s(c, "status"), s(c, "reason")),
    };
    vec![name, service.into(), available.into(), age]
}

// ------------------------------------------------------------------------------ printers

/// printIngress.
#[rustfmt::skip]
pub const INGRESS: Printer = Printer::new(&[NAME, ("Class", S, 0, ING_CLASS_DESC), ("Hosts", S, 0, ING_HOSTS_DESC), ("Address", S, 0, ING_ADDRESS_DESC),
    ("Ports", S, 0, ING_PORTS_DESC), AGE],
    ingress_cells);

/// printIngressClass.
#[rustfmt::skip]
pub const INGRESS_CLASS: Printer = Printer::new(&[NAME, ("Controller", S, 0, IC_CONTROLLER_DESC), ("Parameters", S, 0, IC_PARAMETERS_DESC), AGE],
    ingressclass_cells);

/// printEndpoints.
#[rustfmt::skip]
pub const ENDPOINTS: Printer = Printer::new(&[NAME, ("Endpoints", S, 0, EP_DESC), AGE],
    endpoints_cells);

/// printRoleBinding.
#[rustfmt::skip]
pub const ROLE_BINDING: Printer = Printer::new(&[NAME, ("Role", S, 0, RB_ROLE_DESC), AGE, ("Users", S, 1, "Users in the roleBinding"),
    ("Groups", S, 1, "Groups in the roleBinding"), ("ServiceAccounts", S, 1, "ServiceAccounts in the roleBinding")],
    binding_cells);

/// printClusterRoleBinding.
#[rustfmt::skip]
pub const CLUSTER_ROLE_BINDING: Printer = Printer::new(&[NAME, ("Role", S, 0, CRB_ROLE_DESC), AGE, ("Users", S, 1, "Users in the clusterRoleBinding"),
    ("Groups", S, 1, "Groups in the clusterRoleBinding"), ("ServiceAccounts", S, 1, "ServiceAccounts in the clusterRoleBinding")],
    binding_cells);

/// kube-aggregator's APIService table, served by api/apiservices.rs.
#[rustfmt::skip]
pub const API_SERVICE: Printer = Printer::new(&[NAME, ("Service", S, 0, "The reference to the service that hosts this API endpoint."),
    ("Available", S, 0, "Whether this service is available."), AGE],
    apiservice_cells);
