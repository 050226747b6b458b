//! `deploy --only KIND/NAME`: the documents of the stack a restore is about, named the way
//! kubectl takes them — the kind lower-case, plural or short (`networkpolicy`,
//! `networkpolicies`, `netpol`), optionally with its group (`deployment.apps`).

use crate::manifests::Document;

use super::OpError;

/// kubectl's short names of the kinds a stack commonly holds.
const SHORT_NAMES: &[(&str, &[&str])] = &[
    ("Namespace", &["ns"]),
    ("Deployment", &["deploy"]),
    ("StatefulSet", &["sts"]),
    ("DaemonSet", &["ds"]),
    ("ReplicaSet", &["rs"]),
    ("Service", &["svc"]),
    ("ServiceAccount", &["sa"]),
    ("ConfigMap", &["cm"]),
    ("HorizontalPodAutoscaler", &["hpa"]),
    ("NetworkPolicy", &["netpol"]),
    ("PersistentVolumeClaim", &["pvc"]),
    ("PodDisruptionBudget", &["pdb"]),
    ("Ingress", &["ing"]),
    ("Pod", &["po"]),
    ("CronJob", &["cj"]),
    ("VirtualService", &["vs"]),
];

/// The names kubectl accepts for `kind`: lower-case, plural, short ones.
pub fn kind_names(kind: &str) -> Vec<String> {
    let lower = kind.to_lowercase();
    let plural = if lower.ends_with('s') || lower.ends_with('x') || lower.ends_with("ch") {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    };
    let mut out = vec![lower, plural];
    if let Some((_, short)) = SHORT_NAMES.iter().find(|(k, _)| *k == kind) {
        out.extend(short.iter().map(|s| s.to_string()));
    }
    out
}

/// "networkpolicy/allow-holysheep-api": how a document is named in lists and messages.
pub fn slash_name(d: &Document) -> String {
    format!(
        "{}/{}",
        d.object["kind"].as_str().unwrap_or("").to_lowercase(),
        d.object["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Does `spec` ("netpol/x", "deployment.apps/x") name document `d`?
fn matches(spec_kind: &str, spec_name: &str, d: &Document) -> bool {
    let kind = d.object["kind"].as_str().unwrap_or("");
    let name = d.object["metadata"]["name"].as_str().unwrap_or("");
    let api_version = d.object["apiVersion"].as_str().unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let spec_kind = spec_kind.to_lowercase();
    let (k, g) = match spec_kind.split_once('.') {
        Some((k, g)) => (k, Some(g)),
        None => (spec_kind.as_str(), None),
    };
    name == spec_name && kind_names(kind).iter().any(|n| n == k) && g.is_none_or(|g| g == group)
}

/// The documents `only` names, in their order; every entry must name at least one. An
/// empty `only` keeps them all.
pub fn select(docs: Vec<Document>, only: &[String]) -> Result<Vec<Document>, OpError> {
    if only.is_empty() {
        return Ok(docs);
    }
    let mut specs = Vec::new();
    for s in only {
        match s.trim().split_once('/') {
            Some((k, n)) if !k.is_empty() && !n.is_empty() && !n.contains('/') => {
                specs.push((s.as_str(), k, n))
            }
            _ => {
                return Err(OpError::Invalid(format!(
                    "--only {s:?}: give KIND/NAME, e.g. networkpolicy/allow-holysheep-api"
                )));
            }
        }
    }
    let unmatched: Vec<&str> = specs
        .iter()
        .filter(|(_, k, n)| !docs.iter().any(|d| matches(k, n, d)))
        .map(|(s, _, _)| *s)
        .collect();
    if !unmatched.is_empty() {
        let all: Vec<String> = docs.iter().map(slash_name).collect();
        return Err(OpError::Invalid(format!(
            "--only {} matches no object of the stack; its objects are: {}",
            unmatched.join(", "),
            all.join(", ")
        )));
    }
    Ok(docs
        .into_iter()
        .filter(|d| specs.iter().any(|(_, k, n)| matches(k, n, d)))
        .collect())
}

#[cfg(test)]
#[path = "deploy_only_tests.rs"]
mod tests;
