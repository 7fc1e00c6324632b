//! `POST /api/v1/instruments/{instrument}/score` and the JSON error edge: success, every kind of bad input
//! (4xx with the error shape, never 5xx), unknown routes and methods, body limits, content types, rate limits.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::instruments::{Instrument, score_document};
use ketapath_web::{RateLimitConfig, WebConfig};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn scores_phq9() {
    let reply = send(&default_app(), post_json(SCORE_PHQ9, r#"{"items": [0,1,2,3,0,1,2,1,0]}"#)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["instrument"], "phq9");
    assert_eq!(body["total"], 10);
    assert_eq!(body["severity"], "moderate");
    assert_eq!(body["flags"], json!([]));
    assert_eq!(body["rules_version"], RULES_VERSION);
    assert_eq!(reply.header("cache-control"), Some("no-store"), "answers must not be cached anywhere");
}

#[tokio::test]
async fn phq9_item9_raises_its_flag() {
    let reply = send(&default_app(), post_json(SCORE_PHQ9, r#"{"items": [0,0,0,0,0,0,0,0,2]}"#)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let flags = reply.json()["flags"].clone();
    assert_eq!(flags[0]["code"], "item9_positive", "{flags}");
    assert_eq!(flags[0]["item"], 9);
}

/// The route returns exactly the library's score plus the rules version, for every instrument at both ends of
/// its range, so the HTTP surface adds nothing and loses nothing.
#[tokio::test]
async fn every_instrument_scores_as_the_library_does() {
    let app = default_app();
    for instrument in Instrument::ALL {
        let spec = instrument.spec();
        for value in [spec.item_min, spec.item_max] {
            let document = json!({ "items": vec![value; spec.items.len()] });
            let uri = format!("/api/v1/instruments/{}/score", instrument.code());
            let reply = send(&app, post_json(&uri, document.to_string())).await;
            assert_eq!(reply.status, StatusCode::OK, "{instrument}: {}", reply.text());
            let mut expected = serde_json::to_value(score_document(instrument, &document).unwrap()).unwrap();
            expected["rules_version"] = json!(RULES_VERSION);
            assert_eq!(reply.json(), expected, "{instrument}");
        }
    }
}

#[tokio::test]
async fn bad_items_name_the_field() {
    let app = default_app();
    let cases: [(&str, Value); 9] = [
        (r#"{"items": [0,1,2,4,0,1,2,1,0]}"#, json!("items[3]")),
        (r#"{"items": [0,1,2,-1,0,1,2,1,0]}"#, json!("items[3]")),
        (r#"{"items": [0,1.5,2,3,0,1,2,1,0]}"#, json!("items[1]")),
        (r#"{"items": ["0",1,2,3,0,1,2,1,0]}"#, json!("items[0]")),
        (r#"{"items": [0,1,2,3,0,1,2,1,null]}"#, json!("items[8]")),
        (r#"{"items": [0,1,2]}"#, json!("items")),
        (r#"{"items": [0,1,2,3,0,1,2,1,0,0]}"#, json!("items")),
        (r#"{"items": "0,1,2"}"#, json!("items")),
        (r#"{"answers": []}"#, json!("items")),
    ];
    for (body, field) in cases {
        let reply = send(&app, post_json(SCORE_PHQ9, body)).await;
        let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "for {body}: {error}");
    }
}

#[tokio::test]
async fn a_document_that_is_not_an_object_is_invalid_input() {
    for body in ["[]", "42", "null", "\"items\""] {
        let reply = send(&default_app(), post_json(SCORE_PHQ9, body)).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    for body in ["", "{", r#"{"items": [0,1,}"#, "{'items': []}", r#"{"items": []} trailing"#, "\u{0}"] {
        let reply = send(&default_app(), post_json(SCORE_PHQ9, body)).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "malformed_json");
    }
}

#[tokio::test]
async fn wrong_or_missing_content_type_is_415() {
    let body = r#"{"items": [0,1,2,3,0,1,2,1,0]}"#;
    for content_type in
        [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data"), None]
    {
        let reply = send(&default_app(), post(SCORE_PHQ9, content_type, body)).await;
        assert_error(&reply, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    }
    let charset = send(&default_app(), post(SCORE_PHQ9, Some("application/json; charset=utf-8"), body)).await;
    assert_eq!(charset.status, StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_are_413_with_or_without_a_length() {
    let limit = WebConfig::default().body_limit_bytes;
    let padded = format!(r#"{{"items": [0,1,2,3,0,1,2,1,0], "pad": "{}"}}"#, "x".repeat(limit));
    let reply = send(&default_app(), post_json(SCORE_PHQ9, padded)).await;
    let error = assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(error["message"].as_str().unwrap().contains(&limit.to_string()), "{error}");

    let chunked = post_json(SCORE_PHQ9, Body::new(Chunked { chunk: 4096, chunks: limit / 4096 + 2 }));
    let reply = send(&default_app(), chunked).await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Just under the limit is still read (and then judged on its content).
    let under = format!(r#"{{"items": [0,1,2,3,0,1,2,1,0], "pad": "{}"}}"#, "x".repeat(limit - 100));
    assert_eq!(send(&default_app(), post_json(SCORE_PHQ9, under)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_instrument_is_404_listing_the_known_ones() {
    for body in [r#"{"items": [0]}"#, "not json"] {
        let reply = send(&default_app(), post_json("/api/v1/instruments/phq10/score", body)).await;
        let error = assert_error(&reply, StatusCode::NOT_FOUND, "unknown_instrument");
        assert_eq!(error["field"], "instrument");
        let message = error["message"].as_str().unwrap();
        for instrument in Instrument::ALL {
            assert!(message.contains(instrument.code()), "{message} lacks {instrument}");
        }
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let reply = send(&default_app(), request(method.clone(), SCORE_PHQ9)).await;
        assert_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert_eq!(reply.header("allow"), Some("POST"), "{method}");
    }
    let reply = send(&default_app(), post_json("/api/openapi.json", "{}")).await;
    assert_error(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn unknown_api_routes_are_json_404() {
    for uri in ["/api", "/api/", "/api/v1/nothing", "/api/v1/instruments/phq9", "/api/v1/instruments/phq9/score/extra"]
    {
        let reply = send(&default_app(), get(uri)).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn public_posts_are_rate_limited_per_client() {
    let config =
        WebConfig { rate_limit: RateLimitConfig { burst: 2, per_minute: 1, max_clients: 100 }, ..WebConfig::default() };
    let app = app_with(config);
    let body = r#"{"items": [0,1,2,3,0,1,2,1,0]}"#;
    let a = [192, 0, 2, 1];
    for _ in 0..2 {
        assert_eq!(send(&app, from_peer(post_json(SCORE_PHQ9, body), a)).await.status, StatusCode::OK);
    }
    let limited = send(&app, from_peer(post_json(SCORE_PHQ9, body), a)).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry: u64 = limited.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_security_headers(&limited, false);

    // Another client still gets through; reading is never limited.
    assert_eq!(send(&app, from_peer(post_json(SCORE_PHQ9, body), [192, 0, 2, 2])).await.status, StatusCode::OK);
    assert_eq!(send(&app, from_peer(get("/api/openapi.json"), a)).await.status, StatusCode::OK);
    // Without a known peer (no socket) requests share one bucket rather than escaping the limit.
    let app = app_with(WebConfig {
        rate_limit: RateLimitConfig { burst: 1, per_minute: 1, max_clients: 100 },
        ..WebConfig::default()
    });
    assert_eq!(send(&app, post_json(SCORE_PHQ9, body)).await.status, StatusCode::OK);
    assert_eq!(send(&app, post_json(SCORE_PHQ9, body)).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_stalled_body_times_out_with_408() {
    let reply = send(&app_with(short_timeout()), post_json(SCORE_PHQ9, Body::new(Stalled))).await;
    assert_error(&reply, StatusCode::REQUEST_TIMEOUT, "timeout");
    assert_security_headers(&reply, false);
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Whatever bytes arrive, the answer is a success or a client error in the JSON shape, never a server error.
    #[test]
    fn arbitrary_bodies_never_cause_a_server_error(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let reply = run(send(&default_app(), post_json(SCORE_PHQ9, bytes)));
        prop_assert!(reply.status == StatusCode::OK || reply.status.is_client_error(), "{}", reply.status);
        if reply.status != StatusCode::OK {
            prop_assert!(reply.json()["error"]["code"].is_string());
        }
    }

    /// Arbitrary item lists: correct shape scores, anything else names a field under `items`.
    #[test]
    fn arbitrary_items_are_scored_or_named(items in proptest::collection::vec(-3i64..8, 0..12)) {
        let body = json!({ "items": items }).to_string();
        let reply = run(send(&default_app(), post_json(SCORE_PHQ9, body)));
        let valid = items.len() == 9 && items.iter().all(|v| (0..=3).contains(v));
        if valid {
            prop_assert_eq!(reply.status, StatusCode::OK);
            prop_assert_eq!(reply.json()["total"].as_i64(), Some(items.iter().sum::<i64>()));
        } else {
            prop_assert_eq!(reply.status, StatusCode::BAD_REQUEST);
            let field = reply.json()["error"]["field"].as_str().unwrap_or_default().to_owned();
            prop_assert!(field.starts_with("items"), "{}", field);
        }
    }
}
