//! Extra request headers of an HTTP API (`[prometheus.headers]`, `[alertmanager.headers]`):
//! a tenant's, a gateway's. Values of names that look secret never print.

use serde::{Deserialize, Serialize};

/// Extra HTTP headers sent with every request to Prometheus or Alertmanager. Debug shows the values only for
/// names that do not look secret (see [`Headers::looks_secret`]).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Headers(pub std::collections::BTreeMap<String, String>);

impl Headers {
    /// A header whose value should never be shown or logged (tokens, keys, cookies).
    pub fn looks_secret(name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        [
            "auth",
            "token",
            "key",
            "secret",
            "pass",
            "cookie",
            "session",
            "credential",
        ]
        .iter()
        .any(|w| n.contains(w))
    }
}

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let shown = if Headers::looks_secret(k) { "***" } else { v };
                (k, shown)
            }))
            .finish()
    }
}
