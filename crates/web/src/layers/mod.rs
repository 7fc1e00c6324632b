//! Middleware applied around the routes: security headers, timeouts, metrics and rate limits.

pub mod metrics;
pub mod rate_limit;
pub mod security_headers;
pub mod timeout;
