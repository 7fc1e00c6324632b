//! `ketapath serve [--db URL] [--listen ADDR] [--demo]`: opens the store, brings its schema up to date, loads the
//! clinic directory, optionally seeds demo listings, and serves the web application until Ctrl-C or SIGTERM.
//!
//! Database rules:
//! - The default database (`sqlite://ketapath.db`) is created on first run, and `serve` says so on stderr. Any other
//!   SQLite URL whose file is missing is refused naming the path (exit 2), so a typo never serves an empty directory.
//! - `serve` applies pending migrations (a database that is behind this build) and prints which it applied; a
//!   database newer than this build is refused by the store's migrator.
//! - `--demo` seeds 300 fictional clinics (ids `demo-1` … `demo-300`) only when the database holds no clinic, so
//!   re-running it never duplicates or overwrites real listings; the pages then carry the demo banner.

use std::net::SocketAddr;

use ketapath_directory::Gazetteer;
use ketapath_directory::demo::demo_clinics;
use ketapath_store::{DEFAULT_DATABASE_URL, DatabaseUrl, ListingAuthor, OpenMode, Store, StoreError, StoreOptions};
use ketapath_web::config::AuthConfig;
use ketapath_web::{AppState, Directory, RefreshOptions, ServeConfig, WebConfig};

use crate::failure::{CommandResult, Failure};

/// How many demo clinics `--demo` seeds, and the seed that makes them the same on every machine.
const DEMO_CLINICS: usize = 300;
const DEMO_SEED: u64 = 2026;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Seed fictional demo clinics when the database has none, and show the demo banner on every page.
    #[arg(long)]
    pub demo: bool,
    /// Send the portal's session cookies without `Secure` (named `kp_session`), for a server reached over plain
    /// HTTP on a private network during testing. Never behind TLS.
    #[arg(long)]
    pub insecure_cookies: bool,
}

fn failure(err: StoreError) -> Failure {
    if err.is_invalid_input() { Failure::Invalid(err.to_string()) } else { Failure::Runtime(err.into()) }
}

pub fn run(args: &ServeArgs, db: Option<&str>) -> CommandResult {
    // The server's own warnings and errors go to stderr (the journal under systemd). The libraries log no request
    // data, answers or patient values (the web crate's privacy test captures TRACE output to prove it), so INFO is safe.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_target(false)
        .try_init();
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| Failure::Runtime(e.into()))?;
    runtime.block_on(serve(args, db.unwrap_or(DEFAULT_DATABASE_URL)))
}

async fn serve(args: &ServeArgs, db: &str) -> CommandResult {
    let url = DatabaseUrl::parse(db).map_err(failure)?;
    let mode = if url.is_default() { OpenMode::CreateIfMissing } else { OpenMode::MustExist };
    let store = Store::open_with(&url, mode, StoreOptions::default()).await.map_err(failure)?;
    if store.was_created() {
        eprintln!("created database {}", url.display());
    }
    let applied = store.migrate().await.map_err(failure)?;
    if !applied.is_empty() {
        let list: Vec<String> = applied.iter().map(i64::to_string).collect();
        eprintln!(
            "applied migrations {} to {}; schema version {}",
            list.join(", "),
            url.display(),
            store.latest_schema_version()
        );
    }

    let directory = Directory::load(store.clone()).await.map_err(failure)?;
    if args.demo && directory.is_empty() {
        let clinics = demo_clinics(DEMO_CLINICS, DEMO_SEED, Gazetteer::shipped());
        store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.map_err(failure)?;
        directory.refresh().await.map_err(failure)?;
        eprintln!("seeded {} demo clinics", clinics.len());
    }
    let _refresher = directory.spawn_refresher(RefreshOptions::default());

    // Session cookies are `Secure` (and `__Host-` prefixed) unless asked otherwise, or for a demo on a loopback
    // address, which has no TLS and nothing real to protect (see `AuthConfig::secure_cookies`). A loopback address
    // alone does not turn it off: the usual deployment is a TLS proxy on the same host forwarding to 127.0.0.1.
    let plain = args.insecure_cookies || (args.demo && args.listen.ip().is_loopback());
    let auth = AuthConfig { secure_cookies: !plain, ..AuthConfig::default() };
    let state = AppState::new(WebConfig { demo: args.demo, auth, ..WebConfig::default() }).with_directory(directory);
    eprintln!("KetaPath: serving {} clinics from {} on http://{}", state.directory.len(), url.display(), args.listen);
    ketapath_web::run(ServeConfig { listen: args.listen }, state)
        .await
        .map_err(|e| Failure::Runtime(anyhow::Error::new(e).context(format!("serving on {}", args.listen))))?;
    store.close().await;
    Ok(())
}
