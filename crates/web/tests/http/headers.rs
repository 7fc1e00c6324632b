//! Security headers on every response: pages, API successes, every error, 404s and 405s, static assets,
//! operations endpoints; HSTS only when configured for TLS.

use axum::body::Body;
use axum::http::{Method, Request};
use ketapath_web::WebConfig;
use ketapath_web::layers::security_headers::CONTENT_SECURITY_POLICY;

use crate::support::*;

fn every_kind_of_request() -> Vec<Request<Body>> {
    vec![
        get("/"),
        get("/about"),
        request(Method::HEAD, "/"),
        get("/healthz"),
        get("/readyz"),
        get("/metrics"),
        get("/api/openapi.json"),
        get("/static/app.css"),
        get("/static/nope.css"),
        get("/no/such/page"),
        get("/api/v1/no/such/route"),
        request(Method::POST, "/about"),
        request(Method::DELETE, "/api/openapi.json"),
        post_json(SCORE_PHQ9, r#"{"items": [0,1,2,3,0,1,2,1,0]}"#),
        post_json(SCORE_PHQ9, "{"),
        post_json(SCORE_PHQ9, r#"{"items": [9]}"#),
        post(SCORE_PHQ9, Some("text/plain"), "x"),
        post_json(SCORE_PHQ9, "x".repeat(WebConfig::default().body_limit_bytes + 1)),
        post_json("/api/v1/instruments/nope/score", "{}"),
    ]
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = default_app();
    for request in every_kind_of_request() {
        let label = format!("{} {}", request.method(), request.uri());
        let reply = send(&app, request).await;
        assert!(!reply.status.is_server_error(), "{label} answered {}", reply.status);
        assert_security_headers(&reply, false);
    }
}

#[tokio::test]
async fn hsts_only_when_served_over_tls() {
    let app = app_with(WebConfig { hsts: true, ..WebConfig::default() });
    for request in every_kind_of_request() {
        let reply = send(&app, request).await;
        assert_security_headers(&reply, true);
        assert!(reply.header("strict-transport-security").unwrap().contains("max-age=31536000"));
    }
}

#[test]
fn the_policy_has_every_required_directive() {
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(CONTENT_SECURITY_POLICY.split("; ").any(|d| d == directive), "missing {directive}");
    }
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    assert!(!CONTENT_SECURITY_POLICY.contains("http"), "no other host may be allowed");
}
