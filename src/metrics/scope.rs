//! What the panel queries are about: template variables in the configured PromQL,
//! substituted at query time, so one Prometheus shared by many teams answers for the
//! namespace the dashboard shows (`:ns` changes it) and not a blend of everyone's series.
//!
//! Variables (Grafana's spelling): `$namespace` / `${namespace}` and `$deployment` /
//! `${deployment}`, and `$window` (the problems' short window, not escaped: a duration). Values are escaped for a PromQL string literal. A `$` followed by
//! anything else is left alone (a regex anchor like `"…-web$"` keeps working); `${other}`
//! is a config error ([`unknown_variables`]).

/// The names of the variables, as written after `$`.
pub const VARIABLES: [&str; 3] = ["namespace", "deployment", "window"];

/// The values of the template variables for one refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The namespace the dashboard shows (`$namespace`).
    pub namespace: String,
    /// The stack's Deployment (`$deployment`), e.g. for `job="$deployment"`.
    pub deployment: String,
    /// The problems' short window (`$window`), a PromQL duration like `1m`.
    pub window: String,
}

/// `label="value"`: which cluster's series a shared backend answers with (a
/// [`PromClient`](super::PromClient) scoped to a cluster puts it in every query it sends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterMatcher {
    pub label: String,
    pub value: String,
}

impl Scope {
    /// The queries' variables for `namespace`: the config's Deployment and problems window.
    pub fn of(cfg: &crate::config::Config, namespace: &str) -> Scope {
        Scope {
            namespace: namespace.to_string(),
            deployment: cfg.stack.deployment.clone(),
            window: cfg.problems.window.clone(),
        }
    }

    fn value(&self, name: &str) -> Option<&str> {
        match name {
            "namespace" => Some(&self.namespace),
            "deployment" => Some(&self.deployment),
            "window" => Some(&self.window),
            _ => None,
        }
    }
}

/// Escape a value for a PromQL double- or single-quoted string.
pub fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\'' => s.push_str("\\'"),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A variable reference at the start of `rest` (which follows a `$`): its name and length
/// after the `$`, braces included.
fn reference(rest: &str) -> Option<(&str, usize)> {
    if let Some(inner) = rest.strip_prefix('{') {
        let end = inner.find('}')?;
        return Some((&inner[..end], end + 2));
    }
    let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
    (end > 0).then(|| (&rest[..end], end))
}

/// `query` with every known variable replaced by its (escaped) value.
pub fn render(query: &str, scope: &Scope) -> String {
    substitute(query, scope)
}

/// `query` with `label="value"` first in every `{…}` selector (braces inside string
/// literals are not selectors). A selector written without braces (`up`) gains nothing:
/// custom queries for a shared backend write `up{}`.
pub fn with_matcher(query: &str, c: &ClusterMatcher) -> String {
    let matcher = format!("{}=\"{}\"", c.label, escape(&c.value));
    let mut out = String::with_capacity(query.len() + 32);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut chars = query.chars().peekable();
    while let Some(ch) = chars.next() {
        out.push(ch);
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' && q != '`' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None if matches!(ch, '"' | '\'' | '`') => quote = Some(ch),
            None if ch == '{' => {
                out.push_str(&matcher);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() != Some(&'}') {
                    out.push(',');
                }
            }
            None => {}
        }
    }
    out
}

fn substitute(query: &str, scope: &Scope) -> String {
    let mut out = String::with_capacity(query.len() + 16);
    let mut rest = query;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match reference(after).and_then(|(name, len)| Some((scope.value(name)?, len))) {
            Some((value, len)) => {
                out.push_str(&escape(value));
                rest = &after[len..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Braced references to variables that do not exist (`${team}`): a config error, since
/// Prometheus would answer with a parse error about a `$` the user did not mean.
pub fn unknown_variables(query: &str) -> Vec<String> {
    query
        .match_indices("${")
        .filter_map(|(i, _)| reference(&query[i + 1..]))
        .map(|(name, _)| name)
        .filter(|name| !VARIABLES.contains(name))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
#[path = "scope_tests.rs"]
mod tests;
