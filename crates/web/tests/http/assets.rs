//! Embedded static assets: hashed names with immutable caching, plain names with ETags, 304s, and no way out of
//! the fixed map.

use axum::http::{Request, StatusCode, header};
use ketapath_web::assets::{ASSETS, asset};

use crate::support::*;

#[tokio::test]
async fn hashed_names_are_cached_for_a_year() {
    for asset in ASSETS.iter() {
        let reply = send(&default_app(), get(&asset.url())).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", asset.name);
        assert_eq!(reply.header("cache-control"), Some("public, max-age=31536000, immutable"));
        assert_eq!(reply.header("content-type"), Some(asset.content_type));
        assert_eq!(reply.body.as_ref(), asset.bytes);
        assert!(asset.hashed_name != asset.name && asset.hashed_name.contains(asset.etag.trim_matches('"')));
    }
}

#[tokio::test]
async fn plain_names_revalidate_with_etags() {
    let css = asset("app.css");
    let reply = send(&default_app(), get("/static/app.css")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), Some("public, no-cache"));
    assert_eq!(reply.header("etag"), Some(css.etag.as_str()));
    let conditional = Request::builder()
        .uri("/static/app.css")
        .header(header::IF_NONE_MATCH, format!("\"other\", {}", css.etag))
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = send(&default_app(), conditional).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert!(reply.body.is_empty());
    assert_security_headers(&reply, false);
}

#[tokio::test]
async fn nothing_outside_the_map_is_reachable() {
    for uri in [
        "/static/../Cargo.toml",
        "/static/..%2FCargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%5c..%5cCargo.toml",
        "/static/",
        "/static",
        "/static/app.css/",
        "/static/templates/base.html",
        "/static/%00",
    ] {
        let reply = send(&default_app(), get(uri)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!reply.text().contains("[package]") && !reply.text().contains("{% block"), "{uri} leaked a file");
    }
}

#[test]
fn the_stylesheet_is_mobile_first_with_print_rules() {
    let css = std::str::from_utf8(asset("app.css").bytes).unwrap();
    assert!(css.contains("@media print"));
    assert!(css.contains(":focus-visible"));
    assert!(!css.contains("@import") && !css.contains("url(") && !css.contains("@font-face"), "no external loads");
    // Mobile first: the only width queries widen the layout.
    assert!(!css.contains("@media (max-width"), "width queries only widen the layout (mobile first)");
    assert!(css.contains("@media (min-width"));
}
