//! Authentication as `--auth` asks: none (the kubeconfig's token is not checked), a static
//! bearer token per run, a client certificate signed by the run's CA, or short-lived tokens
//! from an exec credential plugin (`agentdeck sim credential`). Requests without valid
//! credentials get kube-apiserver's 401.
//!
//! Exec tokens check themselves without any network: `simexec.<expiry unix
//! seconds>.<hex HMAC-SHA256(run secret, expiry)>`, the run secret in a 0600 file beside the
//! kubeconfig, which the plugin reads.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, header};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// How clients must authenticate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthMode {
    /// Anything goes (the kubeconfig carries a token nobody checks).
    #[default]
    None,
    /// A random bearer token per run, in the kubeconfig.
    Token,
    /// A client certificate signed by the run's CA (needs TLS).
    ClientCert,
    /// Tokens from an exec credential plugin, valid for the token TTL.
    Exec,
}

impl AuthMode {
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::None => "none",
            AuthMode::Token => "token",
            AuthMode::ClientCert => "client-cert",
            AuthMode::Exec => "exec",
        }
    }
}

/// The run's credentials and how requests are checked.
pub struct Authn {
    pub mode: AuthMode,
    /// The static bearer token (`token` mode; also what the kubeconfig carries in `none`).
    token: String,
    /// The key exec tokens are signed with.
    secret: Vec<u8>,
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut b)
        .expect("the system's random source works");
    hex(&b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An exec token valid until `expiry` (unix seconds), signed with `secret`.
pub fn exec_token(secret: &[u8], expiry: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let tag = hmac::sign(&key, expiry.to_string().as_bytes());
    format!("simexec.{expiry}.{}", hex(tag.as_ref()))
}

/// Is `token` an exec token signed with `secret` and not expired at `now` (unix seconds)?
pub fn exec_token_valid(secret: &[u8], token: &str, now: u64) -> bool {
    let mut parts = token.splitn(3, '.');
    let (Some("simexec"), Some(exp), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(expiry) = exp.parse::<u64>() else {
        return false;
    };
    let Some(tag) = unhex(sig) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, exp.as_bytes(), &tag).is_ok() && expiry > now
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Authn {
    /// Fresh credentials for a run.
    pub fn new(mode: AuthMode) -> Self {
        let token = match mode {
            AuthMode::None => "agentdeck-sim-token".to_string(),
            _ => format!("agentdeck-sim-{}", random_hex(16)),
        };
        Authn {
            mode,
            token,
            secret: random_hex(32).into_bytes(),
        }
    }

    /// The static bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The exec plugin's signing secret (hex text, as in the secret file).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// Does a request with these headers, on a connection with (or without) a verified
    /// client certificate, authenticate?
    pub fn allows(&self, headers: &HeaderMap, client_cert: bool) -> bool {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match self.mode {
            AuthMode::None => true,
            AuthMode::Token => bearer == Some(self.token.as_str()),
            AuthMode::ClientCert => client_cert,
            AuthMode::Exec => bearer.is_some_and(|t| exec_token_valid(&self.secret, t, now_unix())),
        }
    }
}

/// Where the exec plugin's secret is kept: beside the kubeconfig.
pub fn secret_file_for(kubeconfig: &Path) -> PathBuf {
    let name = kubeconfig
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kubeconfig".into());
    kubeconfig.with_file_name(format!("{name}.sim-credential-secret"))
}

/// What `agentdeck sim credential` prints: an ExecCredential with a fresh token from the
/// secret in `secret_file`, valid for `ttl`; and its expiry (RFC 3339).
pub fn credential(secret_file: &Path, ttl: Duration) -> anyhow::Result<(String, String)> {
    let secret = std::fs::read_to_string(secret_file).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the credential secret {}: {e}",
            secret_file.display()
        )
    })?;
    let expiry = now_unix() + ttl.as_secs().max(1);
    let token = exec_token(secret.trim().as_bytes(), expiry);
    let at = jiff::Timestamp::from_second(expiry as i64)
        .map_err(|e| anyhow::anyhow!("expiry out of range: {e}"))?
        .to_string();
    let out = serde_json::json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": token, "expirationTimestamp": at},
    });
    Ok((out.to_string(), at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_tokens_check_signature_and_expiry() {
        let t = exec_token(b"s3cret", 1000);
        assert!(exec_token_valid(b"s3cret", &t, 999));
        assert!(!exec_token_valid(b"s3cret", &t, 1000));
        assert!(!exec_token_valid(b"other", &t, 999));
        let forged = t.replace("simexec.1000.", "simexec.9999.");
        assert!(!exec_token_valid(b"s3cret", &forged, 999));
        assert!(!exec_token_valid(b"s3cret", "simexec.x.y", 0));
        assert!(!exec_token_valid(b"s3cret", "agentdeck-sim-token", 0));
    }
}
