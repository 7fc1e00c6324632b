//! Crash campaign: `ketapath serve` SIGKILLed while clients write patients and assessments, restarted on the same
//! database, and every acknowledged (201) write read back, with `ketapath audit verify` passing; on SQLite and on
//! PostgreSQL. Then a private PostgreSQL cluster stopped with `-m immediate` under load and started again: the
//! server keeps running, answers 503 (never another 5xx) during the outage and 201 after it, with no operator action.
//!
//! Bounded: about 10 s per backend. `KETAPATH_CRASH_SECONDS` lengthens the write phases for a longer run.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CSV: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified\n\
c-1,Midtown Ketamine,1 W 34th St,New York,NY,10001,40.7484,-73.9857,212-555-0101,,iv_ketamine,self_pay,false,en,true,true,2026-10-01\n";

const WRITERS: usize = 6;
const PATIENT: &str = r#"{"given_name": "Crash", "family_name": "Campaign", "birth_date": "1980-04-01"}"#;
const ASSESSMENT: &str = r#"{"instrument": "phq9", "items": [1,2,3,1,2,0,1,2,1], "context": "pre_session"}"#;
const SESSION: &str = r#"{"modality": "esketamine_nasal"}"#;

fn phase() -> Duration {
    let seconds = std::env::var("KETAPATH_CRASH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2.0);
    Duration::from_secs_f64(seconds)
}

fn ketapath(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.unwrap_or_default().as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `ketapath serve` process, SIGKILLed (`Child::kill`) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path, db: &str, port: u16) -> Server {
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
            .args(["serve", "--db", db, "--listen", &listen])
            // The campaign's clients all come from 127.0.0.1; the limiter must not turn it into a 429 test.
            .args(["--rate-limit-burst", "1000000", "--rate-limit-per-minute", "1000000"])
            .args(["--db-acquire-timeout-secs", "2"])
            .current_dir(dir)
            .env_remove("KETAPATH_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !matches!(call(port, "GET", "/healthz", None, None), Ok((200, _))) {
            assert!(Instant::now() < deadline, "serve did not answer /healthz within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; the status and body, or the I/O error of a dead server.
fn call(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(token) = token {
        raw.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = body {
        raw.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    raw.push_str("\r\n");
    raw.push_str(body.unwrap_or_default());
    stream.write_all(raw.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

fn id_of(body: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(body).unwrap();
    doc["id"].as_str().unwrap().to_owned()
}

/// A migrated database with one clinic and a nurse; returns the nurse's API token.
fn prepare(dir: &Path, db: &str) -> String {
    ok(&ketapath(dir, &["migrate", "--db", db], None));
    std::fs::write(dir.join("c.csv"), CSV).unwrap();
    ok(&ketapath(dir, &["clinics", "import", "c.csv", "--db", db], None));
    let add = ["user", "add", "--email", "nurse@example.org", "--role", "nurse", "--clinic", "c-1", "--db", db];
    ok(&ketapath(dir, &add, Some("a long enough passphrase\n")));
    ok(&ketapath(dir, &["token", "create", "--email", "nurse@example.org", "--db", db], None)).trim().to_owned()
}

/// What the writers saw: acknowledged patients and assessments, and every other answer by status (0 = no
/// connection, the server was down).
#[derive(Debug, Default)]
struct Tally {
    patients: Vec<String>,
    /// (patient id, assessment id)
    assessments: Vec<(String, String)>,
    /// Treatment sessions started (a session row, and a course planned with the first).
    sessions: Vec<String>,
    statuses: std::collections::BTreeMap<u16, usize>,
}

/// `WRITERS` threads, each with its own patient, writing an assessment per request (a treatment session every
/// fifth request, and a new patient every tenth) until `stop` is set. The port is read on every request, so a restarted server is found again.
fn spawn_writers(
    port: Arc<Mutex<u16>>,
    token: &str,
    stop: Arc<AtomicBool>,
    tally: Arc<Mutex<Tally>>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..WRITERS)
        .map(|_| {
            let (port, token, stop, tally) = (port.clone(), token.to_owned(), stop.clone(), tally.clone());
            std::thread::spawn(move || {
                let mut patient: Option<String> = None;
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let port = *port.lock().unwrap();
                    let (path, body) = match &patient {
                        Some(p) if n.is_multiple_of(5) && !n.is_multiple_of(10) => {
                            (format!("/api/v1/patients/{p}/sessions"), SESSION)
                        }
                        Some(p) if !n.is_multiple_of(10) => (format!("/api/v1/patients/{p}/assessments"), ASSESSMENT),
                        _ => ("/api/v1/patients".to_owned(), PATIENT),
                    };
                    let status = match call(port, "POST", &path, Some(&token), Some(body)) {
                        Ok((201, reply)) => {
                            let id = id_of(&reply);
                            let mut t = tally.lock().unwrap();
                            match &patient {
                                Some(p) if path.ends_with("/assessments") => t.assessments.push((p.clone(), id)),
                                Some(_) if path.ends_with("/sessions") => t.sessions.push(id),
                                _ => {
                                    t.patients.push(id.clone());
                                    patient = Some(id);
                                }
                            }
                            201
                        }
                        Ok((status, _)) => status,
                        Err(_) => 0,
                    };
                    *tally.lock().unwrap().statuses.entry(status).or_default() += 1;
                    if status != 201 {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            })
        })
        .collect()
}

/// Every acknowledged patient and session answers 200 and every acknowledged assessment is in its patient's list.
fn read_back(port: u16, token: &str, tally: &Tally) {
    for session in &tally.sessions {
        let (status, body) = call(port, "GET", &format!("/api/v1/sessions/{session}"), Some(token), None).unwrap();
        assert_eq!(status, 200, "acknowledged session {session} lost: {body}");
    }
    for patient in &tally.patients {
        let (status, body) = call(port, "GET", &format!("/api/v1/patients/{patient}"), Some(token), None).unwrap();
        assert_eq!(status, 200, "acknowledged patient {patient} lost: {body}");
    }
    let mut by_patient: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for (patient, id) in &tally.assessments {
        by_patient.entry(patient).or_default().push(id);
    }
    for (patient, ids) in by_patient {
        let (status, body) =
            call(port, "GET", &format!("/api/v1/patients/{patient}/assessments"), Some(token), None).unwrap();
        assert_eq!(status, 200, "{body}");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        let stored: Vec<&str> =
            doc["assessments"].as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
        for id in ids {
            assert!(stored.contains(&id), "acknowledged assessment {id} of patient {patient} lost");
        }
    }
}

fn sigkill_campaign(dir: &Path, db: &str) {
    let token = prepare(dir, db);
    let port = Arc::new(Mutex::new(free_port()));
    let server = Server::start(dir, db, *port.lock().unwrap());
    let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Tally::default())));
    let writers = spawn_writers(port.clone(), &token, stop.clone(), tally.clone());

    std::thread::sleep(phase());
    server.kill();
    let acknowledged_before = tally.lock().unwrap().assessments.len();
    std::thread::sleep(Duration::from_millis(300));
    let restarted = Server::start(dir, db, *port.lock().unwrap());
    std::thread::sleep(phase());
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }

    let tally = tally.lock().unwrap();
    println!(
        "{db}: {} patients, {} sessions and {} assessments acknowledged ({acknowledged_before} assessments before the \
         kill); answers {:?}",
        tally.patients.len(),
        tally.sessions.len(),
        tally.assessments.len(),
        tally.statuses
    );
    assert!(acknowledged_before > 0, "no write was acknowledged before the kill");
    assert!(!tally.sessions.is_empty(), "no session was acknowledged");
    assert!(tally.assessments.len() > acknowledged_before, "no write was acknowledged after the restart");
    assert!(
        tally.statuses.keys().all(|s| matches!(s, 0 | 201)),
        "the writers saw answers other than 201 or a dead server: {:?}",
        tally.statuses
    );
    read_back(restarted.port, &token, &tally);
    restarted.kill();
    let verify = ok(&ketapath(dir, &["audit", "verify", "--db", db], None));
    println!("{}", verify.trim());
}

#[test]
fn sigkill_under_write_load_loses_no_acknowledged_write_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("crash.db").display());
    sigkill_campaign(dir.path(), &db);
}

#[test]
fn sigkill_under_write_load_loses_no_acknowledged_write_on_postgres() {
    let Some(pg) = ketapath_testkit::PgDatabase::create_blocking() else { return };
    let dir = tempfile::tempdir().unwrap();
    sigkill_campaign(dir.path(), &pg.url);
}

/// A private PostgreSQL cluster in a temporary directory on its own port, so that stopping it touches nothing
/// else. initdb refuses to run as root, so as root the cluster runs as the `postgres` user (via `runuser`).
struct PrivateCluster {
    dir: tempfile::TempDir,
    port: u16,
    bin: PathBuf,
}

impl PrivateCluster {
    fn bin() -> Option<PathBuf> {
        let candidates = std::env::var("KETAPATH_PG_BIN")
            .into_iter()
            .chain(["/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"].map(str::to_owned))
            .map(PathBuf::from);
        candidates.into_iter().find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn start_new() -> Option<PrivateCluster> {
        let Some(bin) = Self::bin() else {
            ketapath_testkit::skip("PostgreSQL server binaries", "initdb/pg_ctl not found (set KETAPATH_PG_BIN)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let cluster = PrivateCluster { dir, port: free_port(), bin };
        if is_root() {
            let status = Command::new("chown").args(["-R", "postgres:"]).arg(cluster.dir.path()).status().unwrap();
            assert!(status.success());
        }
        let out = cluster
            .command("initdb")
            .args(["-D", &cluster.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        cluster.start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn pg_ctl(&self, args: &[&str]) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let log = self.dir.path().join("log").display().to_string();
        let out = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-l", &log, "-o", &options, "-w"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn start(&self) {
        self.pg_ctl(&["start"]);
    }

    /// Stops as a crash would: no checkpoint, clients cut off.
    fn crash(&self) {
        self.pg_ctl(&["stop", "-m", "immediate"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").args(["-D", &self.data(), "stop", "-m", "immediate"]).output();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

#[test]
fn postgres_restart_under_write_load_answers_503_then_recovers_alone() {
    let Some(cluster) = PrivateCluster::start_new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = cluster.url();
    let token = prepare(dir.path(), &db);
    let port = Arc::new(Mutex::new(free_port()));
    let server = Server::start(dir.path(), &db, *port.lock().unwrap());
    let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Tally::default())));
    let writers = spawn_writers(port.clone(), &token, stop.clone(), tally.clone());

    std::thread::sleep(phase());
    cluster.crash();
    let before = tally.lock().unwrap().assessments.len();
    // The outage lasts long enough for every writer to meet it.
    std::thread::sleep(Duration::from_secs(3));
    let during = tally.lock().unwrap().statuses.clone();
    let acknowledged_during = tally.lock().unwrap().assessments.len();
    cluster.start();
    let restarted_at = Instant::now();
    // Recovery: the first acknowledged write after the restart, without touching the server.
    while tally.lock().unwrap().assessments.len() <= acknowledged_during {
        assert!(restarted_at.elapsed() < Duration::from_secs(30), "no write succeeded within 30 s of the restart");
        std::thread::sleep(Duration::from_millis(50));
    }
    let recovered_after = restarted_at.elapsed();
    std::thread::sleep(phase());
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().unwrap();
    }

    let tally = tally.lock().unwrap();
    println!(
        "private cluster: {} assessments acknowledged ({before} before the outage); answers {:?}; first 201 {:?} after \
         the restart",
        tally.assessments.len(),
        tally.statuses,
        recovered_after
    );
    assert!(before > 0, "no write was acknowledged before the outage");
    assert!(during.get(&503).copied().unwrap_or(0) > 0, "the outage was never answered 503: {during:?}");
    assert!(
        tally.statuses.keys().all(|s| matches!(s, 201 | 503)),
        "answers other than 201 and 503 (0 means the server stopped answering): {:?}",
        tally.statuses
    );
    read_back(server.port, &token, &tally);
    let (status, _) = call(server.port, "GET", "/readyz", None, None).unwrap();
    assert_eq!(status, 200, "ready again after the restart");
    server.kill();
    ok(&ketapath(dir.path(), &["audit", "verify", "--db", &db], None));
}
