//! Authorization: the `--deny "VERB RESOURCE"` rules every request is checked against.

/// One deny rule: a verb (or "*") on a resource ("deployments", "deployments.apps",
/// "deployments/scale", or "*").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyRule {
    pub verb: String,
    pub resource: String,
}

impl DenyRule {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut it = s.split_whitespace();
        match (it.next(), it.next(), it.next()) {
            (Some(v), Some(r), None) => Ok(DenyRule {
                verb: v.to_lowercase(),
                resource: r.to_lowercase(),
            }),
            _ => Err(format!(
                "invalid --deny rule {s:?}: expected \"VERB RESOURCE\", e.g. \"patch deployments\""
            )),
        }
    }

    fn matches(&self, verb: &str, group: &str, resource: &str, sub: Option<&str>) -> bool {
        let verb_ok = self.verb == "*" || self.verb == verb;
        let (res_part, sub_part) = match self.resource.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (self.resource.as_str(), None),
        };
        let (rname, rgroup) = match res_part.split_once('.') {
            Some((r, g)) => (r, Some(g)),
            None => (res_part, None),
        };
        let res_ok = rname == "*" || rname == resource;
        let group_ok = rgroup.is_none_or(|g| g == group);
        let sub_ok = match sub_part {
            None => true,
            Some(s) => sub == Some(s),
        };
        verb_ok && res_ok && group_ok && sub_ok
    }
}

/// The reason a request for `verb` on `resource` (in `group`, subresource `sub`) is
/// denied, if a rule denies it.
pub fn denied(
    rules: &[DenyRule],
    verb: &str,
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<String> {
    rules
        .iter()
        .find(|r| r.matches(verb, group, resource, sub))
        .map(|r| {
            format!(
                "denied by the simulated cluster's rule \"{} {}\"",
                r.verb, r.resource
            )
        })
}

#[cfg(test)]
#[path = "authz_tests.rs"]
mod tests;
