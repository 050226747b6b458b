//! Which proxy the API connection uses, the way kubectl (client-go) decides: the cluster's
//! `proxy-url` in the kubeconfig if it has one; else `HTTPS_PROXY` for an https server and
//! `HTTP_PROXY` for an http one (upper or lower case), unless `NO_PROXY` names the server —
//! a host, a domain and its subdomains (`example.com`, `.example.com`, `*.example.com`), an
//! IP, a CIDR, optionally with a port, or `*`.

use std::net::IpAddr;

use ipnet::IpNet;

fn env(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
}

/// The proxy from the environment for `server`, None when there is none or NO_PROXY
/// covers the server.
pub fn from_env(server: &http::Uri) -> Option<String> {
    let proxy = match server.scheme_str() {
        Some("http") => env(&["HTTP_PROXY", "http_proxy"]),
        _ => env(&["HTTPS_PROXY", "https_proxy"]),
    }?;
    let no_proxy = env(&["NO_PROXY", "no_proxy"]).unwrap_or_default();
    (!bypassed(&no_proxy, server)).then_some(proxy)
}

/// Does the NO_PROXY list `list` cover `server`?
pub fn bypassed(list: &str, server: &http::Uri) -> bool {
    let Some(host) = server.host() else {
        return false;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_lowercase();
    let port = server
        .port_u16()
        .unwrap_or(if server.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    let ip: Option<IpAddr> = host.parse().ok();
    list.split(',')
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .any(|entry| matches(&entry, &host, port, ip))
}

fn matches(entry: &str, host: &str, port: u16, ip: Option<IpAddr>) -> bool {
    if entry == "*" {
        return true;
    }
    if let Ok(net) = entry.parse::<IpNet>() {
        return ip.is_some_and(|ip| net.contains(&ip));
    }
    if let Ok(e) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
        return ip == Some(e);
    }
    // host[:port] or [ipv6]:port
    let (name, want_port) = match entry.rsplit_once(':') {
        Some((n, p)) if p.parse::<u16>().is_ok() && !n.ends_with(':') => (n, p.parse::<u16>().ok()),
        _ => (entry, None),
    };
    if want_port.is_some_and(|p| p != port) {
        return false;
    }
    let name = name.trim_matches(['[', ']']);
    if let Ok(e) = name.parse::<IpAddr>() {
        return ip == Some(e);
    }
    let domain = name.trim_start_matches("*.").trim_start_matches('.');
    host == domain || host.ends_with(&format!(".{domain}"))
}

#[cfg(test)]
#[path = "proxy_tests.rs"]
mod tests;
