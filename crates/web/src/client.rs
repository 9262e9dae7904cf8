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

/// The client's address, or `unknown` when the server was not told the
/// connection's (as in tests that call the router directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// The client's address from the connection's peer and the forwarded-for
/// chain, trusting the chain only behind `trusted` proxies.
pub fn client_addr(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let chain: Vec<IpAddr> = forwarded_for
        .unwrap_or_default()
        .split(',')
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .map(|a| a.to_canonical())
        .collect();
    chain
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .or(chain.first())
        .unwrap_or(&peer)
        .to_string()
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
        // Straight from the internet: whatever the header says, the peer.
        assert_eq!(
            client_addr(Some(ip("203.0.113.9")), Some("198.51.100.1"), &trusted),
            "203.0.113.9"
        );
        // Behind the local proxy: the address it saw, not what the client
        // put before it in the header.
        assert_eq!(
            client_addr(
                Some(ip("127.0.0.1")),
                Some("1.2.3.4, 198.51.100.1"),
                &trusted
            ),
            "198.51.100.1"
        );
        // Two trusted proxies in a row are skipped.
        assert_eq!(
            client_addr(
                Some(ip("127.0.0.1")),
                Some("198.51.100.1, 10.0.0.2"),
                &trusted
            ),
            "198.51.100.1"
        );
        // A trusted proxy that sent no header is the client itself.
        assert_eq!(client_addr(Some(ip("::1")), None, &trusted), "::1");
        assert_eq!(
            client_addr(Some(ip("::ffff:127.0.0.1")), Some("garbage"), &trusted),
            "127.0.0.1"
        );
        assert_eq!(client_addr(None, Some("198.51.100.1"), &trusted), "unknown");
    }
}
