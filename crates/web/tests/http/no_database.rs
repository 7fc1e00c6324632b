//! A state without a store (tests, and servers started without a database) is valid for the pure routes, and every
//! route that needs the store answers the one 503 `not_ready` with `Retry-After` (and `no-store`): JSON on the API, a
//! page for people.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::support::*;

/// The reason every store route gives when the server has no database.
const NO_DATABASE: &str = "not ready: this server has no database";

/// A well-formed session cookie: it is looked up, so it needs the store.
fn with_session_cookie(uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::COOKIE, format!("__Host-kp_session={}", "a".repeat(64)))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn an_api_route_answers_the_json_503_with_retry_after() {
    let app = default_app();
    for request in [
        get("/api/v1/registry"),
        Request::builder()
            .uri("/api/v1/patients")
            .header(header::AUTHORIZATION, "Bearer kp_x")
            .body(Body::empty())
            .unwrap(),
        with_session_cookie("/api/v1/patients"),
    ] {
        let uri = request.uri().to_string();
        let reply = send(&app, request).await;
        let error = assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
        assert_eq!(reply.header("retry-after"), Some("5"), "{uri}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{uri}");
        let request_id =
            error["request_id"].as_str().unwrap_or_else(|| panic!("{uri}: a 5xx names its request: {error}"));
        assert_eq!(
            error,
            json!({"code": "not_ready", "message": NO_DATABASE, "field": null, "request_id": request_id}),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_portal_page_and_a_public_page_answer_the_html_503_with_retry_after() {
    let app = default_app();
    for request in [with_session_cookie("/portal"), get("/registry")] {
        let uri = request.uri().to_string();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {}", reply.text());
        assert!(reply.header("content-type").is_some_and(|c| c.starts_with("text/html")), "{uri}");
        assert_eq!(reply.header("retry-after"), Some("5"), "{uri}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{uri}");
        let text = reply.text();
        assert!(text.contains("<h1>The request could not be handled</h1>"), "{uri}: {text}");
        assert!(text.contains(NO_DATABASE), "{uri}: {text}");
    }
}

#[tokio::test]
async fn without_a_session_cookie_the_portal_still_sends_the_browser_to_sign_in() {
    let reply = send(&default_app(), get("/portal")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), Some("/portal/login"));
}
