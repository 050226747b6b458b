//! A kube client error in words a user can act on: what the API server said, or why it
//! could not be reached (the innermost cause: refused, timed out, TLS, proxy), never a
//! `Debug` dump and never a URL's user and password.

use crate::text::{printable, redact_urls};

/// One line for `e`.
pub fn explain(e: &kube::Error) -> String {
    let line = match e {
        kube::Error::Api(s) if s.code == 401 => format!(
            "the API server rejects the credentials ({} {}): log in again, or check the kubeconfig's user (token, certificate, exec plugin)",
            s.code, s.message
        ),
        kube::Error::Api(s) => format!("{} ({} {})", s.message, s.code, s.reason),
        kube::Error::Auth(a) => auth(a),
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_) => {
            let cause = innermost(e);
            let lower = cause.to_lowercase();
            if lower.contains("timed out")
                || lower.contains("deadline")
                || lower.contains("elapsed")
            {
                format!(
                    "the API server did not answer in time ({cause}); check the network, VPN or proxy"
                )
            } else {
                format!("cannot reach the API server: {cause}; check the network, VPN or proxy")
            }
        }
        other => innermost(other),
    };
    printable(&redact_urls(&line))
}

/// An authentication failure: for an exec credential plugin, what it said on stderr
/// (already bounded and scrubbed by `agentdeck exec-plugin`), never the command line, its
/// environment or a byte dump.
fn auth(a: &kube::client::AuthError) -> String {
    match a {
        kube::client::AuthError::AuthExecRun { out, .. } => {
            let raw = String::from_utf8_lossy(&out.stderr);
            // `agentdeck exec-plugin` (which runs every plugin) already names it and how it
            // ended on its first line, its own words; what follows is the plugin's.
            if let Some(ours) = raw.trim_start().strip_prefix("the credential plugin ") {
                let (first, theirs) = ours.split_once('\n').unwrap_or((ours, ""));
                let theirs = crate::text::scrub_tokens(&printable(theirs));
                let line = format!(
                    "the credential plugin {} {}",
                    printable(first),
                    theirs.trim()
                );
                return crate::format::clip(line.trim(), 600);
            }
            let said = crate::text::scrub_tokens(&printable(&raw));
            let said = said.trim();
            format!(
                "the exec credential plugin failed ({}): {}",
                out.status,
                crate::format::clip(said, 600)
            )
        }
        other => format!(
            "authentication failed: {}",
            crate::format::clip(&crate::text::scrub_tokens(&innermost(other)), 600)
        ),
    }
}

/// Is `e` a failure to reach the server (as opposed to an answer from it)?
pub fn unreachable(e: &kube::Error) -> bool {
    matches!(
        e,
        kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::ReadEvents(_)
    )
}

/// The deepest message of the source chain, which names the real cause.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !text.is_empty() {
            last = text;
        }
        src = s.source();
    }
    last
}

/// One line for a watcher's error.
pub fn explain_watch(e: &kube::runtime::watcher::Error) -> String {
    use kube::runtime::watcher::Error as W;
    match e {
        W::InitialListFailed(k) | W::WatchStartFailed(k) | W::WatchFailed(k) => explain(k),
        W::WatchError(s) => printable(&format!("{} ({} {})", s.message, s.code, s.reason)),
        W::NoResourceVersion => e.to_string(),
    }
}
