//! Security headers on every response, errors and 404s included (DESIGN.md, Privacy and security principles).
//!
//! The policy forbids inline scripts and styles, so pages carry none: all styling is in one static CSS file.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// The Content-Security-Policy of every response. No `'unsafe-inline'`, nothing from another host.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// HSTS for deployments reached over TLS: one year, subdomains included.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// The headers set on every response, whatever the route.
pub const HEADERS: [(HeaderName, &str); 6] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (HeaderName::from_static("permissions-policy"), "geolocation=(self), camera=(), microphone=(), payment=()"),
    (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
];

/// Sets the headers on a response; HSTS only when `hsts` (served over TLS).
pub fn apply(headers: &mut HeaderMap, hsts: bool) {
    for (name, value) in HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
}
