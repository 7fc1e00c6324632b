//! Settings of the HTTP surface that the binary chooses: limits, timeouts, rate limits, TLS and demo mode.
//!
//! The defaults are safe for a public deployment behind nothing; the CLI overrides what its flags say.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ketapath_care::accounts::TotpKeyRing;
use secrecy::SecretString;

/// How the router behaves. It lives inside [`crate::AppState`] because `app(state)` is the only input of the router.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Send `Strict-Transport-Security`. Only true when clients reach KetaPath over TLS (a TLS-terminating
    /// proxy in front of it); HSTS over plain HTTP would be ignored by browsers and misleads operators.
    pub hsts: bool,
    /// Show the "demo data" banner on every page (`ketapath serve --demo`).
    pub demo: bool,
    /// Longest time one request may take, body reading included, before it is answered with 408.
    pub request_timeout: Duration,
    /// Largest request body accepted, in bytes. Larger bodies are answered with 413.
    pub body_limit_bytes: usize,
    /// Token bucket for every public POST route, per client address.
    pub rate_limit: RateLimitConfig,
    /// Longest time a client may take to send a request's headers (also bounds idle keep-alive connections) before
    /// the connection is closed; guards against clients that open connections and trickle bytes.
    pub header_read_timeout: Duration,
    /// Staff sign-in on the portal: cookies, session limits, lock-out.
    pub auth: AuthConfig,
    /// Addresses of reverse proxies whose `X-Forwarded-For` header is believed. Only when the TCP peer is one of
    /// them does the rate limiter key on the client address the proxy reports; from anyone else the header is
    /// ignored, because any client can send it.
    pub trusted_proxies: Vec<IpAddr>,
    /// The server's secret keys (`KETAPATH_SECRET_KEY`, and `KETAPATH_OLD_SECRET_KEY` during a rotation), which
    /// seal the TOTP keys enrolled here and open the stored ones. Empty, keys are stored as base32 text. Its
    /// `Debug` shows key ids only.
    pub totp_keys: TotpKeyRing,
    /// The bearer token `/metrics` asks for (`--metrics-token`). Without one, `/metrics` on the public port answers
    /// 404: the metrics are served only by the separate metrics listener (`ServeConfig::metrics_listen`), if any.
    pub metrics_token: Option<SecretString>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            hsts: false,
            demo: false,
            request_timeout: Duration::from_secs(10),
            body_limit_bytes: 64 * 1024,
            rate_limit: RateLimitConfig::default(),
            header_read_timeout: Duration::from_secs(10),
            auth: AuthConfig::default(),
            trusted_proxies: Vec::new(),
            totp_keys: TotpKeyRing::default(),
            metrics_token: None,
        }
    }
}

/// Staff sign-in settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthConfig {
    /// Mark the session cookies `Secure` and give them the `__Host-` prefix (which browsers only accept with
    /// `Secure`, `Path=/` and no `Domain`). On by default; `ketapath serve` turns it off for a demo on a loopback
    /// address (no TLS, nothing real to protect) and with `--insecure-cookies`. A loopback address alone keeps it
    /// on, because the usual deployment is a TLS proxy on the same host; browsers treat `http://localhost` as a
    /// secure context, so a local server reached as `localhost` works with it on.
    pub secure_cookies: bool,
    /// A session unused this long ends (DESIGN: idle timeout).
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in however active it is.
    pub sign_in_lifetime: Duration,
    /// Consecutive failed sign-ins that lock an account.
    pub max_failures: u32,
    /// How long a locked account stays locked.
    pub lockout: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            idle_timeout: Duration::from_secs(15 * 60),
            sign_in_lifetime: Duration::from_secs(12 * 60 * 60),
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_minute` requests per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    pub burst: u32,
    pub per_minute: u32,
    /// Upper bound on the number of client addresses remembered at once, so that memory stays bounded
    /// however many addresses a client can send from.
    pub max_clients: usize,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self { burst: 30, per_minute: 60, max_clients: 100_000 }
    }
}

/// Where and how `run` listens.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to bind, `127.0.0.1:8080` by default (DESIGN.md, command line contract).
    pub listen: SocketAddr,
    /// A second address that serves only `/metrics` (`--metrics-listen`), for a scraper on a private network.
    pub metrics_listen: Option<SocketAddr>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self { listen: SocketAddr::from(([127, 0, 0, 1], 8080)), metrics_listen: None }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ketapath_care::accounts::SecretKey;

    #[test]
    fn debug_shows_the_secret_key_id_and_never_the_key() {
        let hex = "8f3a".repeat(16);
        let key = SecretKey::from_hex(&hex).unwrap();
        let config = WebConfig { totp_keys: TotpKeyRing::new(Some(key.clone()), None), ..WebConfig::default() };
        let shown = format!("{config:?}");
        assert!(shown.contains(key.id()) && !shown.contains("8f3a8f3a"), "{shown}");
    }
}
