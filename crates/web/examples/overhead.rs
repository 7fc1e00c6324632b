//! Measures what KetaPath's layers cost per request: serves a bare axum JSON route on one port and the full
//! application (security headers, metrics, rate limit, panic catcher, timeout, body limit) on another, so that
//! `wrk` can compare them in one run on one machine.
//!
//! ```text
//! cargo run --release -p ketapath-web --example overhead &   # bare on 127.0.0.1:18301, app on 127.0.0.1:18302
//! wrk -t2 -c64 -d10s http://127.0.0.1:18301/healthz ; wrk -t2 -c64 -d10s http://127.0.0.1:18302/healthz
//! ```

use axum::Json;
use axum::routing::get;
use ketapath_web::{AppState, WebConfig, serve};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bare = axum::Router::new().route("/healthz", get(|| async { Json(serde_json::json!({"status": "ok"})) }));
    let bare_listener = TcpListener::bind("127.0.0.1:18301").await?;
    let app_listener = TcpListener::bind("127.0.0.1:18302").await?;
    let bare_server = tokio::spawn(async move { axum::serve(bare_listener, bare).await });
    serve(app_listener, AppState::new(WebConfig::default())).await?;
    bare_server.await.map_err(std::io::Error::other)?
}
