//! Load-test target for the search API budget: a bare axum JSON route and the full KetaPath application with an
//! in-memory directory of synthetic clinics, on two ports of one process, so `wrk` compares them in one run.
//!
//! ```text
//! cargo run --release -p ketapath-web --example search_load -- 100000 &   # bare :18311, app :18312
//! scripts/bench/http_search.sh                                            # runs both and wrk
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool reports on stdout and stderr.

use axum::Json;
use axum::routing::get;
use ketapath_directory::search::synthetic;
use ketapath_web::{AppState, Directory, WebConfig, serve};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let count: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    // The bare route returns a small JSON document, like the one a health check would, with no layers.
    let bare = axum::Router::new().route("/json", get(|| async { Json(serde_json::json!({"status": "ok"})) }));
    let directory = Directory::in_memory(synthetic::clinics(count, synthetic::DEFAULT_SEED));
    let state = AppState::new(WebConfig::default()).with_directory(directory);
    let bare_listener = TcpListener::bind("127.0.0.1:18311").await?;
    let app_listener = TcpListener::bind("127.0.0.1:18312").await?;
    eprintln!("search_load: {count} clinics; bare on 127.0.0.1:18311/json, app on 127.0.0.1:18312");
    let bare_server = tokio::spawn(async move { axum::serve(bare_listener, bare).await });
    serve(app_listener, state).await?;
    bare_server.await.map_err(std::io::Error::other)?
}
