//! `ketapath serve [--db URL] [--listen ADDR] [--demo] [limits…]`: opens the store, brings its schema up to date, loads the
//! clinic directory, optionally seeds demo listings, and serves the web application until Ctrl-C or SIGTERM.
//!
//! Database rules:
//! - The default database (`sqlite://ketapath.db`) is created on first run, and `serve` says so on stderr. Any other
//!   SQLite URL whose file is missing is refused naming the path (exit 2), so a typo never serves an empty directory.
//! - `serve` applies pending migrations (a database that is behind this build) and prints which it applied; a
//!   database newer than this build is refused by the store's migrator.
//! - `--demo` seeds 300 fictional clinics (ids `demo-1` … `demo-300`) only when the database holds no clinic, so
//!   re-running it never duplicates or overwrites real listings; the pages then carry the demo banner. With the
//!   listings it seeds the demo clinic `demo-1` with staff accounts and fictional patients
//!   (`ketapath_care::demo`), and prints the accounts' random passwords once on stderr.
//!
//! Audit log: with `KETAPATH_AUDIT_KEY` set every event is linked with HMAC-SHA-256 under it (see
//! `ketapath_store::AuditKey`). The server logs each chain's head (`audit head chain=global seq=N hash=H`) at start,
//! every ten minutes and at shutdown, so that an external log keeps anchors for `audit verify --expect-head`.
//!
//! Secret key: `KETAPATH_SECRET_KEY` (and `KETAPATH_OLD_SECRET_KEY` during a rotation) is read before anything
//! else, so a malformed key stops the server at start (exit 2). Without one, `serve` warns once on stderr that TOTP
//! keys are stored unencrypted; it also warns of stored keys it cannot open, and of keys left unencrypted while a
//! key is set (see `secrets.rs`).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use ketapath_care::RefreshOptions;
use ketapath_care::demo as demo_care;
use ketapath_care::demo_year;
use ketapath_directory::demo::demo_clinics;
use ketapath_directory::{ClinicId, Gazetteer};
use ketapath_store::{DEFAULT_DATABASE_URL, DatabaseUrl, ListingAuthor, OpenMode, Store, StoreError, StoreOptions};
use ketapath_web::config::AuthConfig;
use ketapath_web::{AppState, RateLimitConfig, WebConfig};

use crate::failure::{CommandResult, Failure};

/// How many demo clinics `--demo` seeds, and the seed that makes them the same on every machine.
const DEMO_CLINICS: usize = 300;
const DEMO_SEED: u64 = 2026;

/// Every flag also reads an environment variable (named in `--help` and in docs/OPERATIONS.md, whose
/// configuration reference a test checks against this list).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on: IP:PORT, or HOST:PORT with a host name resolved at start (localhost:8080).
    #[arg(long, env = "KETAPATH_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Seed fictional demo clinics when the database has none (and the demo clinic's fictional staff and
    /// patients, printing the staff's random passwords once), and show the demo banner on every page.
    #[arg(long, env = "KETAPATH_DEMO")]
    pub demo: bool,
    /// Send Strict-Transport-Security; only when clients reach KetaPath over TLS (a TLS-terminating proxy).
    #[arg(long, env = "KETAPATH_HSTS")]
    pub hsts: bool,
    /// POSTs per minute each allowance gets back: per client address for public POSTs, per account and address
    /// for sign-in, per signed-in user for staff writes.
    #[arg(long, env = "KETAPATH_RATE_LIMIT_PER_MINUTE", default_value_t = RateLimitConfig::default().per_minute)]
    pub rate_limit_per_minute: u32,
    /// POSTs one allowance may send at once before the per-minute rate applies.
    #[arg(long, env = "KETAPATH_RATE_LIMIT_BURST", default_value_t = RateLimitConfig::default().burst)]
    pub rate_limit_burst: u32,
    /// Address of a reverse proxy whose X-Forwarded-For header is believed (repeat, or comma-separate in the
    /// environment variable). Without one the header is ignored.
    #[arg(long = "trusted-proxy", env = "KETAPATH_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Longest time one request may take, in seconds, before it is answered with 408.
    #[arg(long, env = "KETAPATH_REQUEST_TIMEOUT_SECS", default_value_t = 10)]
    pub request_timeout_secs: u64,
    /// Largest request body accepted, in bytes (413 above it).
    #[arg(long, env = "KETAPATH_BODY_LIMIT_BYTES", default_value_t = 64 * 1024)]
    pub body_limit_bytes: usize,
    /// How long a request waits for a database connection, in seconds, before it is answered with 503.
    #[arg(long, env = "KETAPATH_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5)]
    pub db_acquire_timeout_secs: u64,
    /// PostgreSQL connections per server process.
    #[arg(long, env = "KETAPATH_DB_MAX_CONNECTIONS", default_value_t = StoreOptions::default().postgres_max_connections)]
    pub db_max_connections: u32,
    /// A second address that serves only `/metrics`, for a Prometheus scraper on a private network. Without it (or
    /// --metrics-token), `/metrics` on the public port answers 404.
    #[arg(long, env = "KETAPATH_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// The bearer token `/metrics` asks for, on the public port and the metrics listener; prefer the environment
    /// variable, since arguments show in `ps`.
    #[arg(long, env = "KETAPATH_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Send the portal's session cookies without `Secure` (named `kp_session`), for a server reached over plain
    /// HTTP on a private network during testing. Never behind TLS.
    #[arg(long, env = "KETAPATH_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
}

impl ServeArgs {
    /// The web settings these flags choose; what no flag names keeps its default.
    fn web_config(&self) -> WebConfig {
        let defaults = WebConfig::default();
        WebConfig {
            hsts: self.hsts,
            demo: self.demo,
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            body_limit_bytes: self.body_limit_bytes,
            rate_limit: RateLimitConfig {
                burst: self.rate_limit_burst,
                per_minute: self.rate_limit_per_minute,
                ..defaults.rate_limit
            },
            trusted_proxies: self.trusted_proxies.clone(),
            metrics_token: self
                .metrics_token
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(ketapath_store::SecretString::from),
            // Session cookies are `Secure` (and `__Host-` prefixed) unless asked otherwise, or for a demo on a
            // loopback address, which has no TLS and nothing real to protect (see `AuthConfig::secure_cookies`). A
            // loopback address alone does not turn it off: the usual deployment is a TLS proxy on the same host.
            auth: AuthConfig {
                secure_cookies: !(self.insecure_cookies || (self.demo && self.listen.ip().is_loopback())),
                ..AuthConfig::default()
            },
            ..defaults
        }
    }
}

/// How often the server logs the audit chains' heads.
const AUDIT_HEAD_LOG_INTERVAL: Duration = Duration::from_secs(600);

/// Logs the head of each audit chain at INFO; a failed read is a warning, never a reason to stop serving.
async fn log_audit_heads(store: &Store) {
    match store.audit_heads().await {
        Ok(heads) => {
            for head in heads {
                tracing::info!("{}", head.log_line());
            }
        }
        Err(error) => tracing::warn!(%error, "could not read the audit head"),
    }
}

/// Parses `--listen`: an IP address and port, or a host name and port resolved now (`localhost:8080`). Of a name's
/// addresses the first IPv4 one is taken, so that `localhost` means 127.0.0.1 as the default address does.
fn parse_listen(raw: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = raw.parse() {
        return Ok(addr);
    }
    let addrs: Vec<SocketAddr> = raw
        .to_socket_addrs()
        .map_err(|e| format!("expected HOST:PORT, for example 127.0.0.1:8080 or localhost:8080 ({e})"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| format!("the host name in {raw} resolves to no address"))
}

/// The clinic that gets the demo staff and patients.
const DEMO_CARE_CLINIC: &str = "demo-1";

/// Seeds the demo clinic's treatment day and prints its accounts once; only called right after the demo
/// listings were seeded into an empty database, so it never touches real data.
async fn seed_demo_care(store: &Store) -> CommandResult {
    let clinic = ClinicId::parse(DEMO_CARE_CLINIC).map_err(|e| Failure::Runtime(anyhow::anyhow!("{e}")))?;
    let seeded = demo_care::seed_demo_care(store, &clinic, store.now(), DEMO_SEED).await.map_err(|e| match e {
        demo_care::DemoError::Store(e) => failure(e),
        other => Failure::Runtime(other.into()),
    })?;
    if let Some(demo) = seeded {
        eprintln!(
            "seeded {} fictional demo patients at clinic {}; demo portal accounts (fictional demo only; these \
             passwords are shown once and never again):",
            demo.patients.len(),
            demo.clinic
        );
        for account in &demo.accounts {
            eprintln!("  {:<13} {}  password {}", account.role.to_string(), account.email, account.password);
        }
    }
    Ok(())
}

/// Seeds the demo year of treated patients in the first demo clinics (`ketapath_care::demo_year`) and says how
/// long it took. It runs after the server is ready (see `serve`): a few hundred patients take seconds in a release
/// build and half a minute in a debug one, which the demo's start should not wait for.
async fn seed_demo_year(store: &Store) -> CommandResult {
    let clinics = demo_year::DEMO_YEAR_CLINICS
        .iter()
        .map(|id| ClinicId::parse(id))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Runtime(anyhow::anyhow!("{e}")))?;
    let started = std::time::Instant::now();
    let seeded = demo_year::seed_demo_year(store, &clinics, store.now(), DEMO_SEED, demo_year::PAUSE_FOR_OTHER_WRITERS)
        .await
        .map_err(|e| match e {
            demo_care::DemoError::Store(e) => failure(e),
            other => Failure::Runtime(other.into()),
        })?;
    if let Some(year) = seeded {
        let ids: Vec<&str> = year.clinics.iter().map(ClinicId::as_str).collect();
        eprintln!(
            "seeded a demo year of {} fictional treated patients at {} in {:.1} s ({} publish their outcomes)",
            year.patients,
            ids.join(", "),
            started.elapsed().as_secs_f64(),
            year.publishing.len()
        );
    }
    Ok(())
}

/// What `--demo` says when the database already has clinics: nothing was seeded, and, when the demo accounts exist,
/// that their passwords were shown only at seeding and how to set a new one.
async fn not_seeded_notice(store: &Store, url: &DatabaseUrl, clinics: usize) -> Result<String, Failure> {
    let mut notice = format!("--demo: the database already has {clinics} clinics, so nothing was seeded");
    let admin = format!("admin@{}", demo_care::DEMO_EMAIL_DOMAIN);
    if store.staff_user_by_email(&admin).await.map_err(failure)?.is_some() {
        let db = if url.is_default() { String::new() } else { format!(" --db {}", url.display()) };
        notice.push_str(&format!(
            ". The demo accounts' passwords were shown only when they were seeded; to set a new one, run \
             `ketapath user reset-password --email {admin}{db}` (or another demo account's address)"
        ));
    }
    Ok(notice)
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

/// The shortest metrics token accepted: a guessable token would make `/metrics` public again.
const MIN_METRICS_TOKEN_CHARS: usize = 16;

async fn serve(args: &ServeArgs, db: &str) -> CommandResult {
    if args.metrics_token.as_deref().is_some_and(|t| t.trim().chars().count() < MIN_METRICS_TOKEN_CHARS) {
        return Err(Failure::Invalid(format!(
            "--metrics-token: must be at least {MIN_METRICS_TOKEN_CHARS} characters (for example from `openssl rand \
             -hex 32`)"
        )));
    }
    let totp_keys = super::secrets::key_ring_from_env()?;
    if !totp_keys.encrypts() {
        eprintln!("{}", super::secrets::unencrypted_warning());
    }
    let url = DatabaseUrl::parse(db).map_err(failure)?;
    // Bound before the database is opened: a port in use stops the start with one message naming the address,
    // before anything is created, migrated, seeded or announced.
    let listener = tokio::net::TcpListener::bind(args.listen).await.map_err(|e| {
        Failure::Runtime(anyhow::anyhow!(
            "cannot listen on {}: {e}; stop the program using that address or choose another with --listen",
            args.listen
        ))
    })?;
    let address = listener.local_addr().map_err(|e| Failure::Runtime(e.into()))?;
    let metrics_listener = match args.metrics_listen {
        Some(metrics) => Some(tokio::net::TcpListener::bind(metrics).await.map_err(|e| {
            Failure::Runtime(anyhow::anyhow!(
                "cannot listen on {metrics} (--metrics-listen): {e}; choose another address"
            ))
        })?),
        None => None,
    };
    let mode = if url.is_default() { OpenMode::CreateIfMissing } else { OpenMode::MustExist };
    // The acquire timeout stays under the request timeout, so that a database outage answers 503, not 408.
    let options = StoreOptions {
        acquire_timeout: Duration::from_secs(args.db_acquire_timeout_secs.max(1)),
        postgres_max_connections: args.db_max_connections.max(1),
        audit_key: super::store::audit_key_from_env()?,
        ..StoreOptions::default()
    };
    let store = Store::open_with(&url, mode, options).await.map_err(failure)?;
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

    for warning in super::secrets::stored_key_warnings(&store, &totp_keys).await? {
        eprintln!("{warning}");
    }

    // The state holds the store every route acts on, and the directory loaded from it (which keeps its own
    // handle for its refresher).
    let config = WebConfig { totp_keys, ..args.web_config() };
    let mut state = AppState::load(config, store.clone()).await.map_err(failure)?;
    let mut seeding_year = false;
    if args.demo && state.directory.is_empty() {
        let clinics = demo_clinics(DEMO_CLINICS, DEMO_SEED, Gazetteer::shipped());
        store.upsert_clinics(&clinics, ListingAuthor::AdminCli).await.map_err(failure)?;
        state.directory.refresh().await.map_err(failure)?;
        eprintln!("seeded {} demo clinics", clinics.len());
        seed_demo_care(&store).await?;
        seeding_year = true;
    } else if args.demo {
        eprintln!("{}", not_seeded_notice(&store, &url, state.directory.len()).await?);
    }
    let _refresher = state.directory.spawn_refresher(RefreshOptions::default());

    // The registry statistics are recomputed on a schedule, so that no request waits for them after the first.
    let _registry = state.research.spawn_refresher(store.clone(), ketapath_care::research_stats::DEFAULT_TTL / 2);
    // The researcher export route is enabled only when the server holds an export key.
    if std::env::var_os(super::research::KEY_ENV).is_some() {
        state = state.with_research_key(super::research::load_key(None)?);
    }
    eprintln!("KetaPath: serving {} clinics from {} on http://{address}", state.directory.len(), url.display());
    let metrics = metrics_listener.map(|listener| {
        eprintln!(
            "KetaPath: serving /metrics alone on http://{}",
            args.metrics_listen.map(|a| a.to_string()).unwrap_or_default()
        );
        tokio::spawn(ketapath_web::serve_metrics_with_shutdown(listener, state.clone(), std::future::pending()))
    });
    // The demo year is written while the server already answers: its pages fill in as the patients arrive, and
    // the registry's figures are recomputed once the year is complete instead of at the next scheduled refresh.
    let year = seeding_year.then(|| {
        let (year_store, research) = (store.clone(), state.research.clone());
        tokio::spawn(async move {
            match seed_demo_year(&year_store).await {
                Ok(()) => {
                    if let Err(error) = research.refresh(&year_store).await {
                        tracing::warn!(%error, "the registry figures were not recomputed after the demo year");
                    }
                }
                Err(failure) => eprintln!("the demo year was not seeded completely: {failure}"),
            }
        })
    });
    let heads_store = store.clone();
    let heads = tokio::spawn(async move {
        let mut every = tokio::time::interval(AUDIT_HEAD_LOG_INTERVAL);
        loop {
            every.tick().await;
            log_audit_heads(&heads_store).await;
        }
    });
    let served = ketapath_web::serve_until_signal(listener, state).await;
    heads.abort();
    if let Some(year) = year {
        year.abort();
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    log_audit_heads(&store).await;
    served.map_err(|e| Failure::Runtime(anyhow::Error::new(e).context(format!("serving on {address}"))))?;
    store.close().await;
    Ok(())
}
