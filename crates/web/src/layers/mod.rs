//! Middleware around the routes: the outer edge layer (rate limits, timeouts, metrics, security headers, the
//! request id and the log line of every 5xx) and the policies it applies, one module each.

pub mod client;
pub mod edge;
pub mod metrics;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;
