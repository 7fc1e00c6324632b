//! The socket path: bind 127.0.0.1:0, serve, and make real HTTP/1.1 requests with a plain `TcpStream`.

use std::io::{Read, Write};
use std::net::TcpStream;

use ketapath_web::{AppState, WebConfig, serve_with_shutdown};
use tokio::net::TcpListener;

fn exchange(address: std::net::SocketAddr, raw: String) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    stream.write_all(raw.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_over_a_real_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with_shutdown(listener, AppState::new(WebConfig::default()), async {
        let _ = stopped.await;
    }));

    let health = tokio::task::spawn_blocking(move || {
        exchange(address, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".into())
    })
    .await
    .expect("client");
    assert!(health.starts_with("HTTP/1.1 200 OK\r\n"), "{health}");
    assert!(health.to_ascii_lowercase().contains("content-security-policy: default-src 'self'"), "{health}");
    assert!(health.ends_with("\r\n\r\nok"), "{health}");

    // A POST goes through the rate limiter, which reads the peer address the socket path provides.
    let body = r#"{"items": [0,1,2,3,0,1,2,1,0]}"#;
    let score = tokio::task::spawn_blocking(move || {
        exchange(
            address,
            format!(
                "POST /api/v1/instruments/phq9/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        )
    })
    .await
    .expect("client");
    assert!(score.starts_with("HTTP/1.1 200 OK\r\n"), "{score}");
    assert!(score.contains("\"total\":10"), "{score}");

    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("server result");
}

/// A client that never finishes its headers is disconnected after `header_read_timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let config = WebConfig { header_read_timeout: std::time::Duration::from_millis(200), ..WebConfig::default() };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with_shutdown(listener, AppState::new(config), async {
        let _ = stopped.await;
    }));

    let elapsed = tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let mut stream = TcpStream::connect(address).expect("connect");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: local").expect("write");
        let mut rest = Vec::new();
        // The server closes the connection (possibly after a 408); either way the read ends without waiting
        // for the client's 10 s read timeout.
        let _ = stream.read_to_end(&mut rest);
        assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
        started.elapsed()
    })
    .await
    .expect("client");
    assert!(elapsed < std::time::Duration::from_secs(5), "connection held for {elapsed:?}");

    stop.send(()).expect("server still running");
    server.await.expect("server task").expect("server result");
}
