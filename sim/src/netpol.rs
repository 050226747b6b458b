//! NetworkPolicy egress evaluation, as a CNI that enforces `networking.k8s.io/v1` policies
//! would decide one connection from a pod to an address outside the cluster.
//!
//! - A policy *selects* a pod when it is in the pod's namespace and its `podSelector`
//!   (matchLabels, matchExpressions In/NotIn/Exists/DoesNotExist; `{}` selects every pod)
//!   matches the pod's labels.
//! - It applies to egress when its `policyTypes` include `Egress`; without `policyTypes`,
//!   when it has `egress` rules (the API server's defaulting, also in [`crate::defaults`]).
//! - A pod no egress policy selects is not isolated: everything is allowed. Otherwise a
//!   connection is allowed iff some egress rule of some selecting policy allows it (rules
//!   are additive; a policy with no rules allows nothing).
//! - A rule allows the connection when one of its `ports` matches (empty or absent: all
//!   ports; an entry matches by protocol, default TCP, and numeric port, up to `endPort`;
//!   a named port never matches an address outside the cluster) and one of its `to` peers
//!   matches (empty or absent: every destination; an `ipBlock` matches when the address is
//!   in `cidr` and in none of `except`; `namespaceSelector` and `podSelector` peers select
//!   pods, never an external address).
//!
//! The simulated LLM provider lives at [`PROVIDER_IP`]:[`PROVIDER_PORT`] over TCP.

use std::net::Ipv4Addr;

use serde_json::{Map, Value};

use crate::meta;

/// The simulated provider's address (api.holysheep.ai): an address of TEST-NET-3 (RFC
/// 5737), outside every private range, so it stands for "somewhere on the internet".
pub const PROVIDER_IP: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 7);
/// The provider's port (HTTPS).
pub const PROVIDER_PORT: u16 = 443;

/// One connection to decide.
#[derive(Debug, Clone, Copy)]
pub struct Dest {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// "TCP", "UDP" or "SCTP".
    pub protocol: &'static str,
}

/// The provider over HTTPS.
pub const PROVIDER: Dest = Dest {
    ip: PROVIDER_IP,
    port: PROVIDER_PORT,
    protocol: "TCP",
};

/// The decision and the policies behind it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub allowed: bool,
    /// Policies that select the pod for egress (empty: not isolated).
    pub isolating: Vec<String>,
    /// Those of them with a rule that allows the connection.
    pub allowing: Vec<String>,
}

/// Does this policy apply to egress? (policyTypes, or the presence of egress rules.)
pub fn is_egress(policy: &Value) -> bool {
    match meta::ptr(policy, "/spec/policyTypes").and_then(Value::as_array) {
        Some(types) => types.iter().any(|t| t.as_str() == Some("Egress")),
        None => meta::ptr(policy, "/spec/egress").is_some_and(|e| !e.is_null()),
    }
}

/// Does the policy's podSelector select a pod with these labels? (A missing selector is
/// `{}`, every pod; a malformed one selects nothing.)
pub fn selects(policy: &Value, labels: Option<&Map<String, Value>>) -> bool {
    match meta::ptr(policy, "/spec/podSelector") {
        None | Some(Value::Null) => true,
        Some(s @ Value::Object(_)) => meta::selector_matches(s, labels),
        Some(_) => false,
    }
}

/// Parse "a.b.c.d/n" into (network, prefix length).
fn parse_cidr(cidr: &str) -> Option<(u32, u32)> {
    let (addr, len) = cidr.trim().split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    (len <= 32).then_some((u32::from(addr), len))
}

/// Is `ip` inside `cidr`? (An IPv6 or malformed CIDR contains no IPv4 address.)
pub fn cidr_contains(cidr: &str, ip: Ipv4Addr) -> bool {
    let Some((net, len)) = parse_cidr(cidr) else {
        return false;
    };
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (u32::from(ip) & mask) == (net & mask)
}

/// Does one `to` peer match an external address?
fn peer_matches(peer: &Value, ip: Ipv4Addr) -> bool {
    let Some(block) = peer.get("ipBlock").filter(|b| b.is_object()) else {
        // namespaceSelector / podSelector peers select pods, not external addresses.
        return false;
    };
    let Some(cidr) = block.get("cidr").and_then(Value::as_str) else {
        return false;
    };
    let excepted = block
        .get("except")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|e| cidr_contains(e, ip));
    cidr_contains(cidr, ip) && !excepted
}

/// Does one `ports` entry match the destination?
fn port_matches(entry: &Value, d: &Dest) -> bool {
    let protocol = entry
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("TCP");
    if protocol != d.protocol {
        return false;
    }
    let port = match entry.get("port") {
        None | Some(Value::Null) => return true, // every port of that protocol
        Some(Value::Number(n)) => n.as_i64(),
        // A named port names a port of a pod: an external address has none.
        Some(Value::String(s)) => s.parse::<i64>().ok(),
        Some(_) => None,
    };
    let Some(port) = port else {
        return false;
    };
    let end = entry.get("endPort").and_then(Value::as_i64).unwrap_or(port);
    (port..=end.max(port)).contains(&i64::from(d.port))
}

/// A list field of a rule: None when absent or empty (the rule then does not restrict).
fn non_empty<'a>(rule: &'a Value, field: &str) -> Option<&'a Vec<Value>> {
    rule.get(field)
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
}

/// Does one egress rule allow the connection?
pub fn rule_allows(rule: &Value, d: &Dest) -> bool {
    let ports_ok = non_empty(rule, "ports").is_none_or(|ps| ps.iter().any(|p| port_matches(p, d)));
    let to_ok = non_empty(rule, "to").is_none_or(|ps| ps.iter().any(|p| peer_matches(p, d.ip)));
    ports_ok && to_ok
}

/// Decide a connection from a pod with `labels` in `namespace` to `d`, under `policies`
/// (every NetworkPolicy; those of other namespaces are ignored).
pub fn egress(
    policies: &[std::sync::Arc<Value>],
    namespace: &str,
    labels: Option<&Map<String, Value>>,
    d: &Dest,
) -> Verdict {
    let mut v = Verdict::default();
    for p in policies.iter().filter(|p| {
        meta::namespace(p) == namespace
            && !meta::is_deleting(p)
            && is_egress(p)
            && selects(p, labels)
    }) {
        let name = meta::name(p).to_string();
        let allows = meta::ptr(p, "/spec/egress")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|r| rule_allows(r, d));
        if allows {
            v.allowing.push(name.clone());
        }
        v.isolating.push(name);
    }
    v.allowed = v.isolating.is_empty() || !v.allowing.is_empty();
    v
}

#[cfg(test)]
#[path = "netpol_tests.rs"]
mod tests;
