//! TLS set-up: one rustls crypto provider (ring) for the whole process, chosen explicitly
//! so rustls never has to guess between providers at run time.

use std::sync::Once;

static INIT: Once = Once::new();

/// Install the process-wide rustls provider (idempotent). Call before building a client.
pub fn init() {
    INIT.call_once(|| {
        // An error means another provider was installed first; that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
