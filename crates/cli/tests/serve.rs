//! `ketapath serve` end to end: a real process on a free port, seeded with demo clinics, answering a ZIP search
//! nearest first; the guard that refuses a missing non-default database; and what `serve` says when it cannot start.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Server, free_port, get, ketapath, wait_for};

#[test]
fn serve_demo_answers_a_zip_search_nearest_first() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
    // A non-default database must exist: create it with migrate first.
    let migrate = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["migrate", "--db", &url])
        .env_remove("KETAPATH_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(migrate.status.code(), Some(0), "{}", String::from_utf8_lossy(&migrate.stderr));

    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", &url, "--listen", &format!("127.0.0.1:{port}"), "--demo"])
        .env_remove("KETAPATH_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok((200, _)) = get(port, "/healthz") {
            break;
        }
        assert!(Instant::now() < deadline, "serve did not answer /healthz within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (status, body) = get(port, "/api/v1/clinics?zip=10001&limit=3").unwrap();
    assert_eq!(status, 200, "{body}");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{doc}");
    assert!(doc["total"].as_u64().unwrap() >= 3);
    let distances: Vec<f64> = results.iter().map(|r| r["distance_km"].as_f64().unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "not sorted by distance: {distances:?}");
    assert!(results.iter().all(|r| r["demo"] == true), "demo listings are marked: {doc}");
    let (status, _) = get(port, "/readyz").unwrap();
    assert_eq!(status, 200);
}

#[test]
fn serve_refuses_a_missing_database_that_is_not_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", "sqlite://typo.db", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("KETAPATH_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("typo.db"));
    assert!(!dir.path().join("typo.db").exists());
}

/// Every flag and environment variable `ketapath serve --help` shows is in the configuration reference of
/// docs/OPERATIONS.md, so a new setting cannot ship undocumented.
#[test]
fn operations_md_lists_every_serve_flag() {
    let help = Command::new(env!("CARGO_BIN_EXE_ketapath")).args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/OPERATIONS.md")).unwrap();
    let reference = &doc[doc.find("## 5. Configuration reference").unwrap()..doc.find("## 6.").unwrap()];
    let words = help.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    let mut checked = 0;
    for word in words {
        let flag = word.starts_with("--") && word.len() > 2 && word != "--help";
        let variable = word.starts_with("KETAPATH_");
        if flag || variable {
            checked += 1;
            assert!(
                reference.contains(&format!("`{word}")) || reference.contains(&format!(" {word}")),
                "{word} is not in OPERATIONS.md section 5"
            );
        }
    }
    assert!(checked >= 20, "the help text lists flags and variables ({checked} found):\n{help}");
}

/// `--hsts` reaches the responses of the binary; without it there is no HSTS header.
#[test]
fn serve_hsts_flag_sends_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("hsts.db").display());
    let migrate = Command::new(env!("CARGO_BIN_EXE_ketapath")).args(["migrate", "--db", &url]).output().unwrap();
    assert_eq!(migrate.status.code(), Some(0));
    let headers = |extra: &[&str]| {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
            .args(["serve", "--db", &url, "--listen", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env_remove("KETAPATH_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _server = Server(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut stream = match TcpStream::connect(("127.0.0.1", port)) {
                Ok(stream) => stream,
                Err(_) => {
                    assert!(Instant::now() < deadline, "serve did not start");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            write!(stream, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            return response.to_ascii_lowercase();
        }
    };
    assert!(headers(&["--hsts"]).contains("strict-transport-security: max-age=31536000"));
    assert!(!headers(&[]).contains("strict-transport-security"));
}

/// Starts `serve --demo` on `url` with stderr in `log`, waits for `/healthz`, stops it, and returns what it printed.
fn serve_demo_once(url: &str, log: &std::path::Path) -> String {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", url, "--listen", &format!("127.0.0.1:{port}"), "--demo"])
        .env_remove("KETAPATH_DATABASE_URL")
        .env_remove("KETAPATH_DEMO")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"))
        .spawn()
        .expect("serve starts");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !matches!(get(port, "/healthz"), Ok((200, _))) {
        assert!(Instant::now() < deadline, "serve did not answer /healthz within 120 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(server);
    std::fs::read_to_string(log).expect("the log is readable")
}

#[test]
fn serve_demo_on_an_empty_database_prints_the_demo_accounts_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let migrate = Command::new(env!("CARGO_BIN_EXE_ketapath")).args(["migrate", "--db", &url]).output().unwrap();
    assert_eq!(migrate.status.code(), Some(0), "{}", String::from_utf8_lossy(&migrate.stderr));

    let first = serve_demo_once(&url, &dir.path().join("first.log"));
    assert!(first.contains("seeded 12 fictional demo patients at clinic demo-1"), "{first}");
    assert!(first.contains("fictional demo only"), "{first}");
    let mut passwords = Vec::new();
    for local in ["admin", "prescriber", "nurse"] {
        let email = format!("{local}@demo.ketapath.invalid");
        let line = first.lines().find(|l| l.contains(&email)).unwrap_or_else(|| panic!("{email} in {first}"));
        let password = line.rsplit("password ").next().unwrap().trim().to_owned();
        assert!(password.len() >= 24 && password.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        passwords.push(password);
    }
    passwords.sort();
    passwords.dedup();
    assert_eq!(passwords.len(), 3, "every account has its own password");

    // The database now has clinics: a second start seeds nothing and prints no password, but says how to set one.
    let second = serve_demo_once(&url, &dir.path().join("second.log"));
    assert!(passwords.iter().all(|p| !second.contains(p.as_str())), "{second}");
    assert!(!second.lines().any(|l| l.starts_with("seeded")), "{second}");
    assert!(second.contains("the database already has 300 clinics, so nothing was seeded"), "{second}");
    assert!(
        second.contains(&format!("`ketapath user reset-password --email admin@demo.ketapath.invalid --db {url}`")),
        "{second}"
    );

    let verify = Command::new(env!("CARGO_BIN_EXE_ketapath")).args(["audit", "verify", "--db", &url]).output().unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stderr));
}

/// A database path in a folder that does not exist: `serve` names the path and the folder (not "unable to open
/// database file", not advice to run `migrate`), exits 2, and creates nothing.
#[test]
fn serve_names_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nonexistent-dir").join("x.db").display());
    let out = ketapath(dir.path(), &["serve", "--db", &url, "--listen", "127.0.0.1:0"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}", dir.path().join("nonexistent-dir").join("x.db").display())), "{stderr}");
    assert!(stderr.contains("nonexistent-dir does not exist"), "{stderr}");
    assert!(!stderr.contains("migrate") && !stderr.contains("serving"), "{stderr}");
    assert!(!dir.path().join("nonexistent-dir").exists());
}

/// A port in use: one error naming the address, a non-zero exit, and no "serving" line before it.
#[test]
fn serve_reports_a_port_in_use_before_announcing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    assert_eq!(ketapath(dir.path(), &["migrate", "--db", &url]).status.code(), Some(0));
    let out = ketapath(dir.path(), &["serve", "--db", &url, "--listen", &addr, "--demo"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("cannot listen on {addr}")), "{stderr}");
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(!stderr.contains("serving") && !stderr.contains("seeded"), "{stderr}");
}

/// `--listen localhost:PORT` is resolved (to the IPv4 loopback address), and the announced URL is the bound one.
#[test]
fn serve_accepts_a_host_name_in_listen() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    assert_eq!(ketapath(dir.path(), &["migrate", "--db", &url]).status.code(), Some(0));
    let port = free_port();
    let log = dir.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", &url, "--listen", &format!("localhost:{port}")])
        .env_remove("KETAPATH_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    wait_for(&mut server, port, "/readyz", 60);
    let printed = std::fs::read_to_string(&log).unwrap();
    assert!(printed.contains(&format!("on http://127.0.0.1:{port}")), "{printed}");

    let bad = ketapath(dir.path(), &["serve", "--db", &url, "--listen", "no-port-here"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--listen") && stderr.contains("localhost:8080"), "{stderr}");
}

/// `/metrics` is not on the public port without a token, `--metrics-listen` serves it (and nothing else), and the
/// server logs the audit head at start and again at shutdown (issue 16, items 5 and 7).
#[test]
fn serve_keeps_metrics_private_and_logs_the_audit_head() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("metrics.db").display());
    let migrate = Command::new(env!("CARGO_BIN_EXE_ketapath")).args(["migrate", "--db", &url]).output().unwrap();
    assert_eq!(migrate.status.code(), Some(0), "{}", String::from_utf8_lossy(&migrate.stderr));
    let short = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", &url, "--listen", "127.0.0.1:1", "--metrics-token", "short"])
        .env_remove("KETAPATH_METRICS_TOKEN")
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("--metrics-token"));

    let (port, metrics_port) = (free_port(), free_port());
    let log = dir.path().join("serve.log");
    let child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(["serve", "--db", &url, "--listen", &format!("127.0.0.1:{port}")])
        .args(["--metrics-listen", &format!("127.0.0.1:{metrics_port}")])
        .env_remove("KETAPATH_DATABASE_URL")
        .env_remove("KETAPATH_METRICS_TOKEN")
        .env_remove("KETAPATH_AUDIT_KEY")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(get(port, "/healthz"), Ok((200, _))) {
        assert!(Instant::now() < deadline, "serve did not answer /healthz within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get(port, "/metrics").unwrap().0, 404);
    let (status, body) = get(metrics_port, "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("ketapath_http_requests_total"), "{body}");
    assert_eq!(get(metrics_port, "/healthz").unwrap().0, 404);
    assert_eq!(get(metrics_port, "/api/v1/clinics?zip=10001").unwrap().0, 404);

    // SIGTERM: the server drains, logs the head once more, and exits.
    let term = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut server = server;
    while server.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop within 30 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let heads: Vec<&str> = text.lines().filter(|l| l.contains("audit head chain=platform seq=")).collect();
    assert_eq!(heads.len(), 2, "at start and at shutdown:\n{text}");
    let line = heads[1].split("audit head ").nth(1).unwrap();
    let hash = line.rsplit("hash=").next().unwrap();
    assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
}
