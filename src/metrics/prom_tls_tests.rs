//! The Prometheus client over https: a CA from `ca_file` (proves the ring provider is
//! installed and the CA used) and a client certificate for mTLS, against a rustls server on
//! loopback with certificates made by openssl for the run.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::tests::cfg;
use super::*;

/// Run openssl; false (after saying so) when it is not installed.
fn openssl(args: &[&str]) -> bool {
    match std::process::Command::new("openssl").args(args).output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!("openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            eprintln!("skipping: no openssl ({e})");
            false
        }
    }
}

/// A CA (ca.pem), a server certificate for 127.0.0.1 (server.pem/.key) and a client
/// certificate (client.pem/.key), all signed by the CA. False when openssl is missing.
fn make_pki(dir: &Path) -> bool {
    let d = |f: &str| dir.join(f).to_str().unwrap().to_string();
    std::fs::write(
        d("server.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    std::fs::write(
        d("client.cnf"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca: Vec<&str> = vec!["req", "-x509"];
    ca.extend(ec);
    let (ca_key, ca_pem) = (d("ca.key"), d("ca.pem"));
    ca.extend(["-keyout", &ca_key, "-out", &ca_pem, "-days", "1"]);
    ca.extend(["-subj", "/CN=agentdeck test CA"]);
    if !openssl(&ca) {
        return false;
    }
    for (leaf, cn) in [("server", "/CN=127.0.0.1"), ("client", "/CN=agentdeck")] {
        let (key, csr, pem, ext) = (
            d(&format!("{leaf}.key")),
            d(&format!("{leaf}.csr")),
            d(&format!("{leaf}.pem")),
            d(&format!("{leaf}.cnf")),
        );
        let mut req: Vec<&str> = vec!["req"];
        req.extend(ec);
        req.extend(["-keyout", &key, "-out", &csr, "-subj", cn]);
        assert!(openssl(&req));
        assert!(openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            "1",
            "-extfile",
            &ext,
        ]));
    }
    true
}

/// A loopback https server answering every request with the scalar 7; with `client_ca`,
/// only clients with a certificate signed by it get past the handshake.
fn serve_tls(dir: &Path, client_ca: bool) -> String {
    crate::tls::init();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let builder = rustls::ServerConfig::builder();
    let builder = if client_ca {
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(dir.join("ca.pem")).unwrap() {
            roots.add(c.unwrap()).unwrap();
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
            .build()
            .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let server = Arc::new(builder.with_single_cert(certs, key).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { continue };
            let conn = rustls::ServerConnection::new(server.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            if buf.is_empty() {
                continue; // the handshake failed
            }
            let body = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"7"]}}"#;
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    format!("https://127.0.0.1:{port}")
}

#[tokio::test]
async fn https_with_ca_file() {
    let dir = tempfile::tempdir().unwrap();
    if !make_pki(dir.path()) {
        return;
    }
    let url = serve_tls(dir.path(), false);

    // Without the CA the server is not trusted.
    let untrusted = PromClient::new(&url, &cfg(5.0)).unwrap();
    assert!(matches!(
        untrusted.query("x").await,
        Err(QueryError::Unreachable(_))
    ));

    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            ca_file: Some(dir.path().join("ca.pem")),
            ..cfg(5.0)
        },
    )
    .unwrap();
    assert_eq!(c.query("x").await.unwrap()[0].value, 7.0);
}

#[tokio::test]
async fn mtls_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    if !make_pki(dir.path()) {
        return;
    }
    let url = serve_tls(dir.path(), true);
    let with_ca = PrometheusConfig {
        ca_file: Some(dir.path().join("ca.pem")),
        ..cfg(5.0)
    };

    // Trusted server, but no client certificate: the handshake is refused.
    let anon = PromClient::new(&url, &with_ca).unwrap();
    assert!(matches!(
        anon.query("x").await,
        Err(QueryError::Unreachable(_))
    ));

    let c = PromClient::new(
        &url,
        &PrometheusConfig {
            client_cert_file: Some(dir.path().join("client.pem")),
            client_key_file: Some(dir.path().join("client.key")),
            ..with_ca.clone()
        },
    )
    .unwrap();
    assert_eq!(c.query("x").await.unwrap()[0].value, 7.0);

    // A key file that is not a key: a setup error naming the files, never their content.
    std::fs::write(dir.path().join("bad.key"), "not-a-key-S3CRET").unwrap();
    let e = PromClient::new(
        &url,
        &PrometheusConfig {
            client_cert_file: Some(dir.path().join("client.pem")),
            client_key_file: Some(dir.path().join("bad.key")),
            ..with_ca.clone()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("bad.key") && !e.contains("S3CRET"), "{e}");
    let e = PromClient::new(
        &url,
        &PrometheusConfig {
            client_cert_file: Some(dir.path().join("client.pem")),
            ..with_ca
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("go together"), "{e}");
}
