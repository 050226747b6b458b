#[test]
fn provider_is_installed() {
    super::init();
    super::init();
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}
