//! Helpers the binary's end-to-end tests share: running the binary, a server process that is killed however the test ends, a free
//! loopback port, a plain HTTP GET, and waiting for `/readyz`.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

/// Kills the server when the test ends, however it ends.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the binary in `dir` with `args`, without the environment's database and listen address.
pub fn ketapath(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .env_remove("KETAPATH_LISTEN")
        .output()
        .expect("run ketapath")
}

/// A loopback port nothing listens on at the moment of the call.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("bound address").port()
}

/// A plain HTTP/1.1 GET; returns the status code and the body.
pub fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}

/// Waits until `path` answers 200 on `port`; fails the test after `seconds`, or as soon as the server has exited.
pub fn wait_for(server: &mut Server, port: u16, path: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !matches!(get(port, path), Ok((200, _))) {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("serve exited with {status} before {path} answered");
        }
        assert!(Instant::now() < deadline, "serve did not answer {path} within {seconds} s");
        std::thread::sleep(Duration::from_millis(200));
    }
}
