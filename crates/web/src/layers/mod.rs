//! Middleware around the routes: the outer edge layer (rate limits, timeouts, metrics, security headers) and the
//! policies it applies, one module each.

pub mod client;
pub mod edge;
pub mod metrics;
pub mod rate_limit;
pub mod security_headers;
