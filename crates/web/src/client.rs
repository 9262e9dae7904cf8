//! The address a request comes from, for limits per address.
//!
//! `X-Forwarded-For` is written by whoever sends the request, so it is read
//! only when the connection itself comes from a proxy the configuration
//! trusts (`trusted_proxies`, loopback by default): then the address is the
//! last one in the header that is not itself a trusted proxy, the one the
//! nearest trusted proxy saw. Otherwise the address is the connection's.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::AppState;

/// The client's address, as [`client_addr`] finds it; `None` when the
/// server was not told the connection's (as in tests that call the router
/// directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// What limits per address count: the address, or for IPv6 its /64
    /// (one household or one server gets a whole /64 to choose from).
    pub fn bucket(&self) -> String {
        match self.0 {
            None => "unknown".into(),
            Some(IpAddr::V4(a)) => a.to_string(),
            Some(IpAddr::V6(a)) => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

/// One `X-Forwarded-For` entry as an address: `1.2.3.4`, `1.2.3.4:5678`,
/// `2001:db8::1` or `[2001:db8::1]:5678`.
fn entry(e: &str) -> Option<IpAddr> {
    let e = e.trim();
    e.parse::<IpAddr>()
        .ok()
        .or_else(|| e.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|a| a.to_canonical())
}

/// The client's address from the connection's peer and the forwarded-for
/// chain, trusting the chain only behind `trusted` proxies: from the right,
/// the first entry that is not a trusted proxy. An entry that cannot be read
/// ends the walk at the peer, so that nothing the client wrote further left
/// is ever taken.
pub fn client_addr(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let chain: Vec<&str> = forwarded_for
        .unwrap_or_default()
        .split(',')
        .filter(|e| !e.trim().is_empty())
        .collect();
    let mut found = peer;
    for e in chain.iter().rev() {
        match entry(e) {
            Some(a) if trusted.contains(&a) => found = a,
            Some(a) => return Some(a),
            None => return Some(peer),
        }
    }
    Some(found)
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(ClientAddr(client_addr(
            peer,
            Some(forwarded.as_str()),
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_behind_a_trusted_proxy() {
        let trusted = [ip("127.0.0.1"), ip("::1"), ip("10.0.0.2")];
        let addr = |peer: Option<&str>, header: Option<&str>| {
            client_addr(peer.map(ip), header, &trusted).map(|a| a.to_string())
        };
        // Straight from the internet: whatever the header says, the peer.
        assert_eq!(
            addr(Some("203.0.113.9"), Some("198.51.100.1")).as_deref(),
            Some("203.0.113.9")
        );
        // Behind the local proxy: the address it saw, not what the client
        // put before it in the header.
        assert_eq!(
            addr(Some("127.0.0.1"), Some("1.2.3.4, 198.51.100.1")).as_deref(),
            Some("198.51.100.1")
        );
        // Two trusted proxies in a row are skipped; ports are read.
        assert_eq!(
            addr(Some("127.0.0.1"), Some("198.51.100.1:4711, 10.0.0.2")).as_deref(),
            Some("198.51.100.1")
        );
        assert_eq!(
            addr(Some("127.0.0.1"), Some("[2001:db8::7]:4711")).as_deref(),
            Some("2001:db8::7")
        );
        // An entry that cannot be read stops the walk: the client's own
        // entries further left are never taken.
        assert_eq!(
            addr(Some("127.0.0.1"), Some("1.2.3.4, garbage")).as_deref(),
            Some("127.0.0.1")
        );
        // A trusted proxy that sent no header is the client itself.
        assert_eq!(addr(Some("::1"), None).as_deref(), Some("::1"));
        assert_eq!(
            addr(Some("::ffff:127.0.0.1"), Some("")).as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(addr(None, Some("198.51.100.1")), None);
    }

    #[test]
    fn ipv6_counts_by_its_slash_64() {
        let a = ClientAddr(Some(ip("2001:db8:1:2:aaaa::1")));
        let b = ClientAddr(Some(ip("2001:db8:1:2:bbbb::9")));
        assert_eq!(a.bucket(), b.bucket());
        assert_eq!(a.bucket(), "2001:db8:1:2::/64");
        assert_ne!(a.bucket(), ClientAddr(Some(ip("2001:db8:1:3::1"))).bucket());
        assert_eq!(ClientAddr(Some(ip("192.0.2.1"))).bucket(), "192.0.2.1");
        assert_eq!(ClientAddr(None).bucket(), "unknown");
    }
}
