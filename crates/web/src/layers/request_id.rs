//! The request id: tower-http sets `x-request-id` on every request (a fresh UUID unless a proxy sent a safe one)
//! and copies it to every response; the edge layer keeps it in a task-local while the request runs, so that a 5xx
//! error body (JSON `"request_id"`, or the HTML page) names the same id as the log line the edge writes for it.

use axum::http::HeaderValue;
use axum::http::Request;
use tower_http::request_id::{MakeRequestId, MakeRequestUuid, RequestId};

tokio::task_local! {
    static CURRENT: String;
}

/// The longest id accepted from a proxy; longer ones are replaced.
const MAX_LEN: usize = 64;

/// The request's id as a string, replacing (in the request's header and extension) one sent by the client that
/// is not a short token of letters, digits, `-`, `_` and `.`, so that no client can write arbitrary text into the
/// log line.
pub fn take<B>(request: &mut Request<B>) -> String {
    let sent =
        request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).map(str::to_owned);
    if let Some(id) = sent.filter(|id| is_safe(id)) {
        return id;
    }
    let fresh = MakeRequestUuid.make_request_id(request);
    let id = fresh.as_ref().and_then(|id| id.header_value().to_str().ok()).unwrap_or("unknown").to_owned();
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert("x-request-id", value.clone());
        request.extensions_mut().insert(RequestId::new(value));
    }
    id
}

fn is_safe(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Runs `future` with `id` as the current request id.
pub async fn scope<F: std::future::Future>(id: String, future: F) -> F::Output {
    CURRENT.scope(id, future).await
}

/// The id of the request being handled, when called inside one.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_tokens_are_kept() {
        assert!(is_safe("0190f4c2-7d3a-7cc0-b6c4-3c1e0f6a2b11"));
        assert!(!is_safe(""));
        assert!(!is_safe("a b"));
        assert!(!is_safe("patient=Jane"));
        assert!(!is_safe(&"a".repeat(65)));
    }

    #[test]
    fn an_unsafe_id_is_replaced_in_the_request() {
        let mut request = Request::builder().header("x-request-id", "evil id").body(()).unwrap();
        request.extensions_mut().insert(RequestId::new(HeaderValue::from_static("evil id")));
        let id = take(&mut request);
        assert_ne!(id, "evil id");
        assert_eq!(request.headers()["x-request-id"], id.as_str());
    }

    #[tokio::test]
    async fn the_current_id_is_known_only_inside_the_scope() {
        assert_eq!(current(), None);
        assert_eq!(scope("abc".to_owned(), async { current() }).await.as_deref(), Some("abc"));
    }
}
