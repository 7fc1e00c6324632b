//! `ketapath serve` end to end: a real process on a free port, seeded with demo clinics, answering a ZIP search
//! nearest first; and the guard that refuses a missing non-default database.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("bound address").port()
}

/// A plain HTTP/1.1 GET; returns the status code and the body.
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

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
        .args(["serve", "--db", "sqlite://typo.db", "--listen", "127.0.0.1:1"])
        .current_dir(dir.path())
        .env_remove("KETAPATH_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("typo.db"));
    assert!(!dir.path().join("typo.db").exists());
}
