//! Serves the web crate on its own, for looking at pages in a browser before the CLI wires `ketapath serve`:
//! `cargo run -p ketapath-web --example serve -- [ADDR] [--demo]`.

use ketapath_web::{AppState, ServeConfig, WebConfig, run};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let mut config = ServeConfig::default();
    if let Some(address) = args.iter().find(|a| !a.starts_with("--")) {
        config.listen = address.parse().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    }
    run(config, AppState::new(WebConfig { demo, ..WebConfig::default() })).await
}
