//! The browser harness: finds Debian chromium and chromedriver, serves the app on 127.0.0.1, starts chromedriver
//! as a child process and opens a WebDriver session with the Chromium flags that work on the project's machines.
//!
//! Every helper returns [`Res`] instead of panicking, so that a test can always close its browser before it
//! reports a failure; a panic in the middle would leave Chromium running until the process ends.

use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use ketapath_clinical::instruments::Instrument;
use ketapath_directory::Gazetteer;
use ketapath_directory::demo::demo_clinics;
use ketapath_store::domain::{Actor, NewPatient, NewStaffUser, Origin, Role};
use ketapath_store::{ListingAuthor, Store, StoreOptions};
use ketapath_testkit::{TestDb, skip};
use ketapath_web::{AppState, WebConfig, serve_with_shutdown};
use rustix::process::{Pid, Signal, getpgid, kill_process_group};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::network::{ChromeCommand, NetworkLog};

/// The error type of every helper: a message for the test report.
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The phone-sized viewport every page is first audited in (a small Android phone).
pub const PHONE: (u32, u32) = (360, 800);
/// The desktop viewport axe also runs in, because some layouts only break when wide.
pub const DESKTOP: (u32, u32) = (1280, 800);

const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether the pages' own scripts may run. The app must work either way (progressive enhancement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scripts {
    Enabled,
    Disabled,
}

/// The two programs the suite needs.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// Finds chromium and chromedriver. Missing tools skip the suite on a developer machine and fail it under CI (the
/// kit's skip policy).
fn tools() -> Option<Tools> {
    let chromium = std::env::var_os("KETAPATH_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    let chromedriver = on_path("chromedriver");
    match chromedriver {
        Some(chromedriver) if chromium.is_file() => Some(Tools { chromium, chromedriver }),
        _ => {
            skip("browser", "chromium or chromedriver missing (scripts/test installs them)");
            None
        }
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

/// How many demo clinics the app under test serves, with the seed `ketapath serve --demo` uses (ids `demo-1`…).
pub const DEMO_CLINICS: usize = 300;
const DEMO_SEED: u64 = 2026;

/// The database the app under test keeps its data in (the kit's: a temporary SQLite file, or a throw-away
/// PostgreSQL database dropped with FORCE, since the server's pool may still hold connections).
pub use ketapath_testkit::Backend;

/// The app served on an ephemeral port of 127.0.0.1 for as long as this value lives, with the demo clinics in a
/// fresh store (so that problem reports and the treatment day are really stored).
struct Server {
    base: String,
    /// The address of the seeded patient's open self-report link (`/r/…`).
    self_report: String,
    stop: Option<oneshot::Sender<()>>,
    _db: TestDb,
}

impl Server {
    async fn start(config: WebConfig, backend: Backend) -> Res<Option<Self>> {
        let Some(db) = TestDb::open(backend, StoreOptions::default()).await else { return Ok(None) };
        let store = db.store.clone();
        store
            .upsert_clinics(&demo_clinics(DEMO_CLINICS, DEMO_SEED, Gazetteer::shipped()), ListingAuthor::AdminCli)
            .await?;
        let self_report = seed_portal(&store).await?;
        let state = AppState::load(config, store).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve_with_shutdown(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Some(Self { base, self_report, stop: Some(stop), _db: db }))
    }
}

/// The portal account the portal journey signs in with: a nurse of `demo-1`.
pub const STAFF_EMAIL: &str = "nurse@demo-1.example";
pub const STAFF_PASSWORD: &str = "correct horse battery staple";
/// The clinic admin of `demo-1` the staff journey signs in with (the same password).
pub const ADMIN_EMAIL: &str = "admin@demo-1.example";
/// The platform admin the listing journey approves a "List your clinic" request with (the same password).
pub const PLATFORM_EMAIL: &str = "platform@ketapath.example";
/// The patient of `demo-1` the portal journey treats.
pub const PATIENT: (&str, &str) = ("Ada", "Example");

/// A nurse and a clinic admin with a password and one patient in clinic `demo-1`, and a platform admin, for the
/// portal journeys; returns the address of an open self-report link for that patient, for the page audit.
async fn seed_portal(store: &Store) -> Res<String> {
    let clinic = ketapath_directory::ClinicId::parse("demo-1").map_err(|e| e.to_string())?;
    let user = store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: Some(clinic.clone()),
            email: STAFF_EMAIL.to_owned(),
            display_name: "Nora Nurse".to_owned(),
            role: Role::Nurse,
            password_hash: Some(
                ketapath_care::accounts::password::hash_password(STAFF_PASSWORD).map_err(|e| e.to_string())?,
            ),
        })
        .await?;
    store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: Some(clinic.clone()),
            email: ADMIN_EMAIL.to_owned(),
            display_name: "Ada Admin".to_owned(),
            role: Role::ClinicAdmin,
            password_hash: user.password_hash.clone(),
        })
        .await?;
    store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: None,
            email: PLATFORM_EMAIL.to_owned(),
            display_name: "Pat Platform".to_owned(),
            role: Role::PlatformAdmin,
            password_hash: user.password_hash.clone(),
        })
        .await?;
    let actor = Actor { user_id: user.id, clinic_id: Some(clinic), role: Role::Nurse, origin: Origin::test() };
    let scope = store.for_clinic(&actor).await?;
    let patient = scope
        .create_patient(NewPatient {
            mrn: None,
            given_name: PATIENT.0.to_owned(),
            family_name: PATIENT.1.to_owned(),
            birth_date: time::macros::date!(1980 - 04 - 01),
            sex: None,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        })
        .await?;
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(72);
    let (_, token) = ketapath_care::self_report::issue(&scope, patient.id, Instrument::Phq9, expires).await?;
    Ok(format!("{}{}", ketapath_web::pages::self_report::PREFIX, token.as_str()))
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A chromedriver child process in its own process group; dropping it ends the group, so that the Chromium it
/// started ends too even when a test never reached `close`.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(chromedriver: &Path) -> Res<Self> {
        let port = StdListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = std::os::unix::process::CommandExt::process_group(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            0,
        )
        .spawn()?;
        let mut driver = Self { child, url: format!("http://127.0.0.1:{port}/") };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                return Err(format!("chromedriver exited at start with {status}").into());
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not listen within 15 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group is chromedriver's own (`process_group(0)` made its id the group id) and Chromium's processes
        // inherit it. The group id is checked first, and `Pid` is never 0 or negative, so this signal can reach
        // no process but ours. Never shell out to kill(1) for this: procps-ng's kill reads `-<pid>` as options, and
        // `kill -KILL -11145` signals -1, every process there is.
        let pid = Pid::from_child(&self.child);
        if let Ok(group) = getpgid(Some(pid))
            && group == pid
        {
            let _ = kill_process_group(group, Signal::KILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session against a fresh app. Fields drop in order: the session, chromedriver (and the Chromium
/// it started), the server, and last the profile directory Chromium wrote into.
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// The address of an open self-report link of the seeded patient (`/r/…`).
    pub self_report: String,
    pub scripts: Scripts,
    driver: Driver,
    _server: Server,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts everything over `backend`, or returns `Ok(None)` when the suite is skipped (see [`tools`]), or
    /// when PostgreSQL is asked for and not configured outside CI.
    pub async fn open_on(scripts: Scripts, backend: Backend) -> Res<Option<Self>> {
        let Some(tools) = tools() else { return Ok(None) };
        // The server is plain HTTP on 127.0.0.1, so the portal's cookies go without `Secure` (and the `__Host-`
        // prefix); every journey posts from the one address, so the POST rate limit is raised above their count.
        let mut config = WebConfig::default();
        config.auth.secure_cookies = false;
        config.rate_limit.burst = 1000;
        let Some(server) = Server::start(config, backend).await? else { return Ok(None) };
        let profile = tempfile::Builder::new().prefix("ketapath-chromium-").tempdir()?;
        let driver = Driver::start(&tools.chromedriver)?;
        let capabilities = capabilities(&tools.chromium, profile.path(), scripts)?;
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .map_err(|error| format!("no WebDriver session from chromedriver at {}: {error}", driver.url))?;
        let browser = Self {
            client,
            base: server.base.clone(),
            self_report: server.self_report.clone(),
            scripts,
            driver,
            _server: server,
            _profile: profile,
        };
        // Each page is measured as a first visit: with the cache on, the second page would load the stylesheet
        // from memory and its weight would be undercounted.
        browser
            .client
            .issue_cmd(ChromeCommand::cdp("Network.setCacheDisabled", json!({"cacheDisabled": true})))
            .await?;
        browser.client.set_window_size(PHONE.0, PHONE.1).await?;
        Ok(Some(browser))
    }

    /// The absolute address of a path of the app under test.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Loads `path` and returns every network event of that visit.
    pub async fn visit(&self, path: &str) -> Res<NetworkLog> {
        self.network().await?;
        self.client.goto(&self.url(path)).await?;
        self.network().await
    }

    /// Network events since the last call (the log is drained on each read), once every request has ended or
    /// a second has passed.
    pub async fn network(&self) -> Res<NetworkLog> {
        let mut log = NetworkLog::read(&self.client).await?;
        log.settle(&self.client, Duration::from_secs(1)).await?;
        Ok(log)
    }

    /// Ends the WebDriver session (Chromium quits) and then chromedriver.
    pub async fn close(self) {
        let Self { client, driver, .. } = self;
        let _ = client.close().await;
        drop(driver);
    }
}

/// The session's capabilities: the flags that work on this machine, a host resolver that fails every name but
/// 127.0.0.1 (an accidental outside request fails loudly), network logging, and scripts on or off.
fn capabilities(chromium: &Path, profile: &Path, scripts: Scripts) -> Res<Capabilities> {
    let mut options = json!({
        "binary": chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},{}", PHONE.0, PHONE.1),
        ],
        "perfLoggingPrefs": {"enableNetwork": true, "enablePage": false},
    });
    if scripts == Scripts::Disabled {
        options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": options,
        "goog:loggingPrefs": {"performance": "ALL"},
    });
    match capabilities {
        Value::Object(map) => Ok(map),
        _ => Err("capabilities are a JSON object".into()),
    }
}
