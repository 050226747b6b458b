use super::*;

fn uri(s: &str) -> http::Uri {
    s.parse().unwrap()
}

#[test]
fn no_proxy_covers_hosts_domains_ips_cidrs_and_ports() {
    let cases = [
        ("127.0.0.1", "http://127.0.0.1:6443", true),
        ("127.0.0.1", "https://127.0.0.2:6443", false),
        ("127.0.0.0/8", "https://127.9.9.9", true),
        ("10.0.0.0/8,localhost", "https://localhost:6443", true),
        ("example.com", "https://api.example.com", true),
        ("example.com", "https://example.com", true),
        (".example.com", "https://api.example.com", true),
        ("*.example.com", "https://api.example.com", true),
        ("example.com", "https://notexample.com", false),
        ("api.example.com:6443", "https://api.example.com:6443", true),
        ("api.example.com:6443", "https://api.example.com:443", false),
        ("api.example.com:443", "https://api.example.com", true),
        ("::1", "https://[::1]:6443", true),
        ("[::1]:6443", "https://[::1]:6443", true),
        ("fd00::/8", "https://[fd00::1]", true),
        ("*", "https://anything", true),
        ("", "https://anything", false),
        (" , other.org ", "https://anything", false),
    ];
    for (list, server, want) in cases {
        assert_eq!(bypassed(list, &uri(server)), want, "{list:?} vs {server}");
    }
}
