//! The address guard: link-local and cloud-metadata addresses are never
//! fetched; loopback and private ranges only with `--allow-private`. The
//! check runs on resolved addresses (the resolver below) and on addresses
//! written literally in URLs. Behind a proxy the proxy resolves names, so
//! only literal addresses are checked, and the proxy's own name is exempt.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Why an address may not be fetched, or `None` when it may.
pub(crate) fn refuse(ip: IpAddr, allow_private: bool) -> Option<&'static str> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_link_local() {
                Some("link-local or cloud-metadata address")
            } else if (v4.is_loopback() || v4.is_private() || v4.is_unspecified() || is_shared(v4))
                && !allow_private
            {
                Some("private or loopback address (use --allow-private)")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if first & 0xffc0 == 0xfe80 {
                Some("link-local address")
            } else if (v6.is_loopback() || v6.is_unspecified() || first & 0xfe00 == 0xfc00)
                && !allow_private
            {
                Some("private or loopback address (use --allow-private)")
            } else {
                None
            }
        }
    }
}

/// 100.64.0.0/10, carrier-grade NAT.
fn is_shared(v4: std::net::Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    a == 100 && (b & 0xc0) == 64
}

/// Refuse an address written literally in the URL (names are checked by
/// the resolver; behind a proxy, only literal addresses can be).
pub(crate) fn literal_refused(url: &url::Url, allow_private: bool) -> Option<String> {
    let ip = match url.host()? {
        url::Host::Ipv4(v4) => IpAddr::V4(v4),
        url::Host::Ipv6(v6) => IpAddr::V6(v6),
        url::Host::Domain(d)
            if d.eq_ignore_ascii_case("localhost")
                || d.to_ascii_lowercase().ends_with(".localhost") =>
        {
            IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
        }
        url::Host::Domain(_) => return None,
    };
    refuse(ip, allow_private).map(|r| format!("address guard: {ip} is a {r}"))
}

/// Why `url`'s host may not be reached, its name resolved here: refused
/// when any of its addresses is (a client that resolves the name again,
/// such as a browser, may take any of them), or when it has none.
pub(crate) async fn refused(url: &url::Url, allow_private: bool) -> Option<String> {
    if let Some(why) = literal_refused(url, allow_private) {
        return Some(why);
    }
    let host = url.host_str()?;
    if !matches!(url.host(), Some(url::Host::Domain(_))) {
        return None;
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let found = match tokio::net::lookup_host((host, port)).await {
        Ok(found) => found,
        Err(e) => return Some(format!("{host} does not resolve: {e}")),
    };
    for addr in found {
        if let Some(r) = refuse(addr.ip(), allow_private) {
            return Some(format!(
                "address guard: {host} resolves to {}, a {r}",
                addr.ip()
            ));
        }
    }
    None
}

/// A resolver that drops refused addresses and fails when none is left.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    /// Whether loopback and private addresses may be fetched.
    pub allow_private: bool,
    /// Host names exempt from the guard (configured proxies).
    pub exempt: Arc<Vec<String>>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if this.exempt.iter().any(|e| e.eq_ignore_ascii_case(&host)) {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let mut reason = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match refuse(a.ip(), this.allow_private) {
                    Some(r) => {
                        reason = Some((a.ip(), r));
                        false
                    }
                    None => true,
                })
                .collect();
            if allowed.is_empty() {
                let message = match reason {
                    Some((ip, r)) => format!("address guard: {host} resolves to {ip}, a {r}"),
                    None => format!("{host} has no address"),
                };
                return Err(message.into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Proxy host names from the standard environment variables.
pub(crate) fn proxy_hosts() -> Vec<String> {
    [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .filter_map(|v| std::env::var(v).ok())
    .filter_map(|p| url::Url::parse(&p).ok())
    .filter_map(|u| u.host_str().map(str::to_owned))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(refuse(ip("169.254.169.254"), true).is_some());
        assert!(refuse(ip("fe80::1"), true).is_some());
        assert!(refuse(ip("::ffff:169.254.1.1"), true).is_some());
        assert!(refuse(ip("127.0.0.1"), false).is_some());
        assert!(refuse(ip("127.0.0.1"), true).is_none());
        assert!(refuse(ip("10.1.2.3"), false).is_some());
        assert!(refuse(ip("192.168.1.1"), false).is_some());
        assert!(refuse(ip("fd00::1"), false).is_some());
        assert!(refuse(ip("::1"), false).is_some());
        assert!(refuse(ip("93.184.216.34"), false).is_none());
        assert!(refuse(ip("2606:2800::1"), false).is_none());
    }
}
