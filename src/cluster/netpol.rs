//! NetworkPolicy egress, evaluated by agentdeck itself from the policies the cluster
//! serves: may pods with these labels open a TCP connection to this address and port?
//! The rules are Kubernetes' own: a pod is isolated for egress once any policy that selects
//! it has `Egress` in its policyTypes; it may then reach a destination that at least one
//! egress rule of such a policy allows (ports and peers both match; an empty list matches
//! everything). Namespace and pod selectors never match an address outside the cluster.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// A label selector, plain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    /// (key, operator, values)
    pub expressions: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(k, op, vals)| {
                let v = labels.get(k);
                match op.as_str() {
                    "In" => v.is_some_and(|v| vals.contains(v)),
                    "NotIn" => v.is_none_or(|v| !vals.contains(v)),
                    "Exists" => v.is_some(),
                    "DoesNotExist" => v.is_none(),
                    _ => false,
                }
            })
    }

    fn from_k8s(s: &LabelSelector) -> Selector {
        Selector {
            match_labels: s.match_labels.clone().unwrap_or_default(),
            expressions: s
                .match_expressions
                .iter()
                .flatten()
                .map(|e| {
                    (
                        e.key.clone(),
                        e.operator.clone(),
                        e.values.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }
}

/// One port entry of a rule: protocol, and a numeric port (with an optional end) or a
/// named one (which never matches an address outside the cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRule {
    pub protocol: String,
    /// None: every port of the protocol.
    pub port: Option<PortSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    Range(u16, u16),
    Named(String),
}

/// One destination of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    IpBlock {
        cidr: String,
        except: Vec<String>,
    },
    /// A namespace and/or pod selector: in-cluster peers only.
    InCluster,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EgressRule {
    /// Empty: every port.
    pub ports: Vec<PortRule>,
    /// Empty: every destination.
    pub to: Vec<Peer>,
}

/// A NetworkPolicy as far as egress goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub pod_selector: Selector,
    /// Has Egress in its policyTypes (or, with none given, has egress rules).
    pub egress: bool,
    pub rules: Vec<EgressRule>,
}

fn port_rule(p: &k8s_openapi::api::networking::v1::NetworkPolicyPort) -> PortRule {
    let port = p.port.as_ref().map(|port| match port {
        IntOrString::Int(n) => {
            let from = u16::try_from(*n).unwrap_or(0);
            let to = p
                .end_port
                .and_then(|e| u16::try_from(e).ok())
                .unwrap_or(from);
            PortSpec::Range(from, to)
        }
        IntOrString::String(s) => PortSpec::Named(s.clone()),
    });
    PortRule {
        protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
        port,
    }
}

fn egress_rule(r: &NetworkPolicyEgressRule) -> EgressRule {
    EgressRule {
        ports: r.ports.iter().flatten().map(port_rule).collect(),
        to: r
            .to
            .iter()
            .flatten()
            .map(|peer| match &peer.ip_block {
                Some(b) => Peer::IpBlock {
                    cidr: b.cidr.clone(),
                    except: b.except.clone().unwrap_or_default(),
                },
                None => Peer::InCluster,
            })
            .collect(),
    }
}

impl Policy {
    pub fn from_k8s(np: &NetworkPolicy) -> Policy {
        let spec = np.spec.as_ref();
        let rules: Vec<EgressRule> = spec
            .and_then(|s| s.egress.as_ref())
            .into_iter()
            .flatten()
            .map(egress_rule)
            .collect();
        let egress = match spec.and_then(|s| s.policy_types.as_ref()) {
            Some(types) => types.iter().any(|t| t == "Egress"),
            None => spec.is_some_and(|s| s.egress.is_some()),
        };
        Policy {
            name: np.metadata.name.clone().unwrap_or_default(),
            pod_selector: spec
                .and_then(|s| s.pod_selector.as_ref())
                .map(Selector::from_k8s)
                .unwrap_or_default(),
            egress,
            rules,
        }
    }
}

/// Parse "a.b.c.d/n" (a bare address is /32).
fn parse_cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, bits) = s.split_once('/').unwrap_or((s, "32"));
    let ip: Ipv4Addr = ip.trim().parse().ok()?;
    let bits: u32 = bits.trim().parse().ok().filter(|b| *b <= 32)?;
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    Some((u32::from(ip) & mask, mask))
}

fn in_cidr(addr: Ipv4Addr, cidr: &str) -> bool {
    parse_cidr(cidr).is_some_and(|(net, mask)| u32::from(addr) & mask == net)
}

fn peer_allows(peer: &Peer, addr: Ipv4Addr) -> bool {
    match peer {
        Peer::IpBlock { cidr, except } => {
            in_cidr(addr, cidr) && !except.iter().any(|e| in_cidr(addr, e))
        }
        Peer::InCluster => false,
    }
}

fn port_allows(p: &PortRule, protocol: &str, port: u16) -> bool {
    p.protocol.eq_ignore_ascii_case(protocol)
        && match &p.port {
            None => true,
            Some(PortSpec::Range(a, b)) => (*a..=*b).contains(&port),
            Some(PortSpec::Named(_)) => false,
        }
}

impl EgressRule {
    pub fn allows(&self, addr: Ipv4Addr, port: u16) -> bool {
        (self.ports.is_empty() || self.ports.iter().any(|p| port_allows(p, "TCP", port)))
            && (self.to.is_empty() || self.to.iter().any(|p| peer_allows(p, addr)))
    }
}

/// What the policies say about one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No policy isolates the pods for egress.
    Open,
    /// Isolated, and this policy allows it.
    AllowedBy(String),
    /// Isolated by these policies, and none allows it.
    Blocked { isolating: Vec<String> },
}

/// May pods with `labels` open TCP to `addr:port` under `policies`?
pub fn egress(
    policies: &[Policy],
    labels: &BTreeMap<String, String>,
    addr: Ipv4Addr,
    port: u16,
) -> Verdict {
    let selecting: Vec<&Policy> = policies
        .iter()
        .filter(|p| p.egress && p.pod_selector.matches(labels))
        .collect();
    if selecting.is_empty() {
        return Verdict::Open;
    }
    match selecting
        .iter()
        .find(|p| p.rules.iter().any(|r| r.allows(addr, port)))
    {
        Some(p) => Verdict::AllowedBy(p.name.clone()),
        None => Verdict::Blocked {
            isolating: selecting.iter().map(|p| p.name.clone()).collect(),
        },
    }
}

#[cfg(test)]
#[path = "netpol_tests.rs"]
mod tests;
