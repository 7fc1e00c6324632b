//! Rate limit for public POST routes: one token bucket per client address, kept in memory.
//!
//! The client is the TCP peer (`ConnectInfo<SocketAddr>`). IPv6 clients are keyed by their /64 network, because
//! one host usually owns a whole /64 and could otherwise rotate addresses to escape the limit. When the peer is
//! unknown (router tests without a socket) all such requests share one bucket. `X-Forwarded-For` is believed only
//! from a configured trusted proxy (`WebConfig::trusted_proxies`): then the client is the rightmost address in the
//! header that is not itself a trusted proxy, the one the nearest proxy saw. From any other peer the header is
//! ignored, since a client can write anything into it.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::Method;

use crate::config::RateLimitConfig;

/// Who a bucket belongs to. Never logged or exported: addresses are personal data.
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

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets for all clients. The clock comes in as a parameter so the arithmetic is tested without sleeping.
#[derive(Debug)]
pub struct RateLimiter {
    config: RateLimitConfig,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        Self { config, buckets: Mutex::new(HashMap::new()) }
    }

    fn per_second(&self) -> f64 {
        f64::from(self.config.per_minute) / 60.0
    }

    /// Takes one token for `key` at `now`; `Err` carries how long until a token is available.
    pub fn take(&self, key: ClientKey, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.config.burst);
        let rate = self.per_second();
        // A poisoned lock only means another request panicked mid-update; the map is still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= self.config.max_clients && !buckets.contains_key(&key) {
            self.forget_idle(&mut buckets, now);
        }
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: burst, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else if rate > 0.0 {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        } else {
            Err(Duration::from_secs(60))
        }
    }

    /// Drops buckets that have refilled completely (their clients are idle). If every bucket is busy the map is
    /// cleared: memory stays bounded, at the price of briefly forgiving the busiest clients.
    fn forget_idle(&self, buckets: &mut HashMap<ClientKey, Bucket>, now: Instant) {
        let burst = f64::from(self.config.burst);
        let rate = self.per_second();
        buckets.retain(|_, b| b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * rate < burst);
        if buckets.len() >= self.config.max_clients {
            buckets.clear();
        }
    }

    /// Number of clients remembered, for tests of the memory bound.
    pub fn tracked_clients(&self) -> usize {
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

/// The client key of a request: its peer address when it came over a socket, or, when that peer is one of
/// `trusted_proxies`, the client address the proxies reported in `X-Forwarded-For`.
pub fn client_key(request: &Request, trusted_proxies: &[IpAddr]) -> ClientKey {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let forwarded = peer
        .filter(|p| trusted_proxies.contains(&p.ip()))
        .and_then(|_| forwarded_client(request, trusted_proxies))
        .map(|ip| SocketAddr::from((ip, 0)));
    ClientKey::from_peer(forwarded.or(peer))
}

/// The rightmost `X-Forwarded-For` address that is not a trusted proxy (every header line, in order). A value
/// that does not parse ends the walk with nothing, so a garbled header falls back to the proxy's own bucket.
fn forwarded_client(request: &Request, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let mut hops: Vec<&str> = Vec::new();
    for value in request.headers().get_all("x-forwarded-for") {
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

/// True for requests that take a token: every POST (all of them are public today); reading is never limited.
pub fn is_limited(method: &Method) -> bool {
    method == Method::POST
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    fn limiter(burst: u32, per_minute: u32, max_clients: usize) -> RateLimiter {
        RateLimiter::new(RateLimitConfig { burst, per_minute, max_clients })
    }

    #[test]
    fn burst_then_refill() {
        let l = limiter(2, 60, 10);
        let t0 = Instant::now();
        let key = ClientKey::V4([10, 0, 0, 1]);
        assert!(l.take(key, t0).is_ok());
        assert!(l.take(key, t0).is_ok());
        let wait = l.take(key, t0).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(l.take(key, t0 + Duration::from_millis(500)).is_err());
        assert!(l.take(key, t0 + Duration::from_millis(1600)).is_ok());
    }

    #[test]
    fn clients_have_separate_buckets() {
        let l = limiter(1, 1, 10);
        let t0 = Instant::now();
        assert!(l.take(ClientKey::V4([10, 0, 0, 1]), t0).is_ok());
        assert!(l.take(ClientKey::V4([10, 0, 0, 1]), t0).is_err());
        assert!(l.take(ClientKey::V4([10, 0, 0, 2]), t0).is_ok());
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
    fn memory_stays_bounded() {
        let l = limiter(1, 60, 100);
        let t0 = Instant::now();
        for i in 0..1000u32 {
            let _ = l.take(ClientKey::V4(i.to_be_bytes()), t0);
            assert!(l.tracked_clients() <= 100);
        }
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
        assert_eq!(client_key(&via_proxy, &trusted), ClientKey::V4([192, 0, 2, 9]));
        let two_lines = request([10, 0, 0, 5], &["6.6.6.6", "192.0.2.9, 10.0.0.5"]);
        assert_eq!(client_key(&two_lines, &trusted), ClientKey::V4([192, 0, 2, 9]));
        // From anyone else, or with no trusted proxy configured, the header is ignored.
        let spoofed = request([192, 0, 2, 1], &["6.6.6.6"]);
        assert_eq!(client_key(&spoofed, &trusted), ClientKey::V4([192, 0, 2, 1]));
        assert_eq!(client_key(&via_proxy, &[]), ClientKey::V4([10, 0, 0, 5]));
        // A garbled or missing header keys on the proxy itself.
        assert_eq!(client_key(&request([10, 0, 0, 5], &["not-an-ip"]), &trusted), ClientKey::V4([10, 0, 0, 5]));
        assert_eq!(client_key(&request([10, 0, 0, 5], &[]), &trusted), ClientKey::V4([10, 0, 0, 5]));
    }

    #[test]
    fn zero_refill_still_answers_a_retry_time() {
        let l = limiter(1, 0, 10);
        let t0 = Instant::now();
        assert!(l.take(ClientKey::Unknown, t0).is_ok());
        assert_eq!(l.take(ClientKey::Unknown, t0 + Duration::from_secs(3600)), Err(Duration::from_secs(60)));
    }
}
