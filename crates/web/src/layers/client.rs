//! Who a request comes from, for rate limits and sign-in failure counts: the client's address, or its IPv6 /64.
//!
//! The client is the TCP peer (`ConnectInfo<SocketAddr>`). IPv6 clients are keyed by their /64 network, because
//! one host usually owns a whole /64 and could otherwise rotate addresses to escape a limit. When the peer is
//! unknown (router tests without a socket) all such requests share one key. `X-Forwarded-For` is believed only
//! from a configured trusted proxy (`WebConfig::trusted_proxies`, `--trusted-proxy`): then the client is the
//! rightmost address in the header that is not itself a trusted proxy, the one the nearest proxy saw. From any
//! other peer the header is ignored, since a client can write anything into it.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

/// Who a request comes from. Never logged or exported: addresses are personal data (the store keeps only a
/// hash of its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    V4([u8; 4]),
    /// The first 64 bits of an IPv6 address.
    V6Network(u64),
    Unknown,
}

impl ClientKey {
    pub fn from_peer(peer: Option<SocketAddr>) -> Self {
        match peer.map(|p| p.ip()) {
            None => ClientKey::Unknown,
            Some(IpAddr::V4(v4)) => ClientKey::V4(v4.octets()),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4.octets()),
                None => ClientKey::V6Network((v6.to_bits() >> 64) as u64),
            },
        }
    }
}

/// The key as text: `192.0.2.9`, `2001:db8:1:2::/64`, or `unknown`.
impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::V4(octets) => write!(f, "{}", IpAddr::from(*octets)),
            ClientKey::V6Network(network) => write!(f, "{}/64", Ipv6Addr::from_bits(u128::from(*network) << 64)),
            ClientKey::Unknown => f.write_str("unknown"),
        }
    }
}

/// The client key of a request: its peer address when it came over a socket, or, when that peer is one of
/// `trusted_proxies`, the client address the proxies reported in `X-Forwarded-For`.
pub fn client_key(headers: &HeaderMap, extensions: &Extensions, trusted_proxies: &[IpAddr]) -> ClientKey {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let forwarded = peer
        .filter(|p| trusted_proxies.contains(&p.ip()))
        .and_then(|_| forwarded_client(headers, trusted_proxies))
        .map(|ip| SocketAddr::from((ip, 0)));
    ClientKey::from_peer(forwarded.or(peer))
}

/// The rightmost `X-Forwarded-For` address that is not a trusted proxy (every header line, in order). A value
/// that does not parse ends the walk with nothing, so a garbled header falls back to the proxy's own bucket.
fn forwarded_client(headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let mut hops: Vec<&str> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        hops.extend(value.to_str().ok()?.split(',').map(str::trim));
    }
    for hop in hops.iter().rev() {
        let ip: IpAddr = hop.parse().ok()?;
        if !trusted_proxies.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_key_of(request: &axum::http::Request<axum::body::Body>, trusted: &[IpAddr]) -> ClientKey {
        client_key(request.headers(), request.extensions(), trusted)
    }

    #[test]
    fn ipv6_hosts_in_one_network_share_a_bucket_and_mapped_v4_is_v4() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        let key = |ip: Ipv6Addr| ClientKey::from_peer(Some(SocketAddr::from((ip, 1))));
        assert_eq!(key(a), key(b));
        assert_ne!(key(a), key(c));
        let mapped: Ipv6Addr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(key(mapped), ClientKey::V4([192, 0, 2, 7]));
        assert_eq!(ClientKey::from_peer(None), ClientKey::Unknown);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let request = |peer: [u8; 4], forwarded: &[&str]| {
            let mut builder = axum::http::Request::builder();
            for value in forwarded {
                builder = builder.header("x-forwarded-for", *value);
            }
            let mut request = builder.body(axum::body::Body::empty()).unwrap();
            request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 1))));
            request
        };
        let trusted = [proxy];
        // From the proxy: the client the proxy saw, the rightmost untrusted hop (earlier hops are client-written).
        let via_proxy = request([10, 0, 0, 5], &["6.6.6.6, 192.0.2.9"]);
        assert_eq!(client_key_of(&via_proxy, &trusted), ClientKey::V4([192, 0, 2, 9]));
        let two_lines = request([10, 0, 0, 5], &["6.6.6.6", "192.0.2.9, 10.0.0.5"]);
        assert_eq!(client_key_of(&two_lines, &trusted), ClientKey::V4([192, 0, 2, 9]));
        // From anyone else, or with no trusted proxy configured, the header is ignored.
        let spoofed = request([192, 0, 2, 1], &["6.6.6.6"]);
        assert_eq!(client_key_of(&spoofed, &trusted), ClientKey::V4([192, 0, 2, 1]));
        assert_eq!(client_key_of(&via_proxy, &[]), ClientKey::V4([10, 0, 0, 5]));
        // A garbled or missing header keys on the proxy itself.
        assert_eq!(client_key_of(&request([10, 0, 0, 5], &["not-an-ip"]), &trusted), ClientKey::V4([10, 0, 0, 5]));
        assert_eq!(client_key_of(&request([10, 0, 0, 5], &[]), &trusted), ClientKey::V4([10, 0, 0, 5]));
    }

    #[test]
    fn keys_print_as_an_address_or_network() {
        assert_eq!(ClientKey::V4([192, 0, 2, 9]).to_string(), "192.0.2.9");
        let v6: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        assert_eq!(ClientKey::from_peer(Some(SocketAddr::from((v6, 1)))).to_string(), "2001:db8:1:2::/64");
        assert_eq!(ClientKey::Unknown.to_string(), "unknown");
    }
}
