//! What the browser fetched, read from Chromium's performance log: every request's address (to prove that no
//! request leaves 127.0.0.1), each response's status, and the bytes transferred (the page weight).
//!
//! fantoccini has no helper for chromedriver's log and DevTools endpoints, so [`ChromeCommand`] adds them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use url::Url;

use crate::harness::Res;

/// A chromedriver extension endpoint under `/session/{id}/`.
#[derive(Debug)]
pub struct ChromeCommand {
    endpoint: &'static str,
    body: Value,
}

impl ChromeCommand {
    /// Reads and drains the performance log.
    pub fn performance_log() -> Self {
        Self { endpoint: "se/log", body: json!({"type": "performance"}) }
    }

    /// Runs one Chrome DevTools Protocol command in the page's target.
    pub fn cdp(cmd: &str, params: Value) -> Self {
        Self { endpoint: "goog/cdp/execute", body: json!({"cmd": cmd, "params": params}) }
    }
}

impl WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!("session/{}/{}", session_id.unwrap_or_default(), self.endpoint))
    }

    fn method_and_body(&self, _request_url: &Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// One request the page made.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub status: Option<u64>,
    /// Bytes on the wire, headers included (`Network.loadingFinished.encodedDataLength`).
    pub transferred: Option<u64>,
    /// Why the request failed (`Network.loadingFailed.errorText`), for example a name the resolver refused.
    pub failed: Option<String>,
}

impl Request {
    fn new(url: &str) -> Self {
        Self { url: url.to_owned(), status: None, transferred: None, failed: None }
    }

    /// Whether the request has ended, one way or the other.
    fn settled(&self) -> bool {
        self.transferred.is_some() || self.failed.is_some()
    }
}

/// The requests of one visit, in the order they were sent.
#[derive(Debug, Default)]
pub struct NetworkLog {
    pub requests: Vec<Request>,
    /// Chromium's request id to the index of its latest request, so that later reads can complete earlier ones.
    by_id: HashMap<String, usize>,
}

impl NetworkLog {
    /// Reads (and so drains) the performance log of `client`'s session.
    pub async fn read(client: &Client) -> Res<Self> {
        let mut log = Self::default();
        log.read_more(client).await?;
        Ok(log)
    }

    /// Reads until every request has finished or failed, for at most `patience`: the icon, say, is fetched
    /// after the load event that ends a navigation.
    pub async fn settle(&mut self, client: &Client, patience: Duration) -> Res<()> {
        let deadline = Instant::now() + patience;
        while !self.requests.iter().all(Request::settled) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            self.read_more(client).await?;
        }
        Ok(())
    }

    async fn read_more(&mut self, client: &Client) -> Res<()> {
        let entries = client.issue_cmd(ChromeCommand::performance_log()).await?;
        let entries = entries.as_array().ok_or("the performance log is not a JSON array")?;
        for entry in entries {
            let message = entry["message"].as_str().ok_or("a log entry without a message")?;
            let message: Value = serde_json::from_str(message)?;
            let params = &message["message"]["params"];
            let id = params["requestId"].as_str().unwrap_or_default().to_owned();
            let known = self.by_id.get(&id).copied();
            match message["message"]["method"].as_str() {
                Some("Network.requestWillBeSent") => {
                    // A redirect reuses the request id: the new address is a request of its own.
                    self.by_id.insert(id, self.requests.len());
                    self.requests.push(Request::new(params["request"]["url"].as_str().unwrap_or_default()));
                }
                Some("Network.webSocketCreated") => {
                    let mut socket = Request::new(params["url"].as_str().unwrap_or_default());
                    socket.transferred = Some(0);
                    self.requests.push(socket);
                }
                Some("Network.responseReceived") => {
                    if let Some(index) = known {
                        self.requests[index].status = params["response"]["status"].as_u64();
                    }
                }
                Some("Network.loadingFinished") => {
                    if let Some(index) = known {
                        // Byte counts are whole numbers sent as JSON floats; the cast cannot lose anything.
                        self.requests[index].transferred = params["encodedDataLength"].as_f64().map(|n| n as u64);
                    }
                }
                Some("Network.loadingFailed") => {
                    if let Some(index) = known {
                        self.requests[index].failed = Some(params["errorText"].as_str().unwrap_or("failed").to_owned());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The request for `url` (the first, if several).
    pub fn request(&self, url: &str) -> Option<&Request> {
        self.requests.iter().find(|request| request.url == url)
    }

    /// Requests that failed, with Chromium's reason.
    pub fn failures(&self) -> Vec<(&str, &str)> {
        self.requests.iter().filter_map(|r| Some((r.url.as_str(), r.failed.as_deref()?))).collect()
    }

    /// Addresses whose host is not 127.0.0.1. `data:`, `blob:` and `about:` URLs never touch the network.
    pub fn outside_requests(&self) -> Vec<&str> {
        self.requests.iter().map(|request| request.url.as_str()).filter(|url| !is_local(url)).collect()
    }

    /// Bytes transferred for everything the visit loaded, document included.
    pub fn transferred_bytes(&self) -> u64 {
        self.requests.iter().filter_map(|request| request.transferred).sum()
    }
}

fn is_local(address: &str) -> bool {
    match Url::parse(address) {
        Ok(url) => match url.scheme() {
            "data" | "blob" | "about" => true,
            "http" | "https" | "ws" | "wss" => url.host_str() == Some("127.0.0.1"),
            _ => false,
        },
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn only_loopback_and_inline_addresses_are_local() {
        assert!(is_local("http://127.0.0.1:4000/static/app.css"));
        assert!(is_local("data:image/svg+xml,%3Csvg%3E"));
        assert!(!is_local("http://localhost:4000/"));
        assert!(!is_local("https://fonts.googleapis.com/css"));
        assert!(!is_local("http://127.0.0.1.example.com/"));
        assert!(!is_local("chrome-error://chromewebdata/"));
        assert!(!is_local("not a url"));
    }
}
