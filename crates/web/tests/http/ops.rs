//! `/healthz`, `/readyz` (with the readiness seam) and `/metrics` (route templates, no user input in labels).

use std::sync::Arc;

use axum::http::StatusCode;
use ketapath_web::{AppState, BoxFuture, Readiness, WebConfig, app};

use crate::support::*;

#[tokio::test]
async fn healthz_and_readyz_answer_plain_text() {
    let app = default_app();
    let health = send(&app, get("/healthz")).await;
    assert_eq!((health.status, health.text().as_str()), (StatusCode::OK, "ok"));
    let ready = send(&app, get("/readyz")).await;
    assert_eq!((ready.status, ready.text().as_str()), (StatusCode::OK, "ready"));
    assert_eq!(ready.header("cache-control"), Some("no-store"));
}

struct Waiting;

impl Readiness for Waiting {
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Err("search index is still building".to_owned()) })
    }
}

#[tokio::test]
async fn readyz_reports_the_seam() {
    let app = app(AppState::new(WebConfig::default()).with_readiness(Arc::new(Waiting)));
    let reply = send(&app, get("/readyz")).await;
    let error = assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
    assert!(error["message"].as_str().unwrap().contains("search index is still building"));
    // Liveness does not depend on readiness.
    assert_eq!(send(&app, get("/healthz")).await.status, StatusCode::OK);
}

const METRICS_TOKEN: &str = "scraper-token-0123456789";

/// An application whose `/metrics` answers the bearer of [`METRICS_TOKEN`].
pub fn app_with_metrics_token() -> axum::Router {
    let config = WebConfig { metrics_token: Some(METRICS_TOKEN.into()), ..WebConfig::default() };
    app(AppState::new(config))
}

/// A GET of `/metrics` with the metrics token.
pub fn get_metrics() -> axum::http::Request<axum::body::Body> {
    let mut request = get("/metrics");
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {METRICS_TOKEN}").parse().expect("a valid header value"));
    request
}

#[tokio::test]
async fn metrics_are_not_public() {
    // Neither a token nor a metrics listener: the public port has no /metrics.
    let reply = send(&default_app(), get("/metrics")).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
    // With a token, only its bearer reads them.
    let app = app_with_metrics_token();
    let mut wrong = get("/metrics");
    wrong.headers_mut().insert("authorization", "Bearer scraper-token-0123456788".parse().unwrap());
    let mut empty = get("/metrics");
    empty.headers_mut().insert("authorization", "Bearer ".parse().unwrap());
    for request in [get("/metrics"), wrong, empty] {
        let reply = send(&app, request).await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }
    assert_eq!(send(&app, get_metrics()).await.status, StatusCode::OK);
    // The metrics listener serves /metrics and nothing else of the application.
    let private = ketapath_web::metrics_app(AppState::new(WebConfig::default()));
    let reply = send(&private, get("/metrics")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("ketapath_http_requests_total"));
    for path in ["/", "/api/v1/patients", "/portal", "/healthz"] {
        assert_eq!(send(&private, get(path)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let keyed = ketapath_web::metrics_app(AppState::new(WebConfig {
        metrics_token: Some(METRICS_TOKEN.into()),
        ..WebConfig::default()
    }));
    assert_eq!(send(&keyed, get("/metrics")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&keyed, get_metrics()).await.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_by_route_template_without_user_input() {
    let app = app_with_metrics_token();
    send(&app, post_json(SCORE_PHQ9, r#"{"items": [0,1,2,3,0,1,2,1,0]}"#)).await;
    send(&app, post_json("/api/v1/instruments/secret-instrument-name/score", "{}")).await;
    send(&app, get("/private-looking-path?email=someone@example.com")).await;
    send(&app, get("/healthz")).await;
    let reply = send(&app, get_metrics()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = reply.text();
    let template = r#"route="/api/v1/instruments/{instrument}/score",method="POST""#;
    assert!(text.contains(&format!("ketapath_http_requests_total{{{template},status=\"2xx\"}} 1")), "{text}");
    assert!(text.contains(&format!("ketapath_http_requests_total{{{template},status=\"4xx\"}} 1")), "{text}");
    assert!(text.contains(r#"ketapath_http_requests_total{route="unmatched",method="GET",status="4xx"} 1"#), "{text}");
    assert!(text.contains(r#"ketapath_http_requests_total{route="/healthz",method="GET",status="2xx"} 1"#), "{text}");
    assert!(text.contains(&format!("ketapath_http_request_duration_seconds_count{{{template}}} 2")), "{text}");
    for leaked in ["secret-instrument-name", "private-looking-path", "someone@example.com", "phq9"] {
        assert!(!text.contains(leaked), "{leaked} leaked into metrics");
    }
}
