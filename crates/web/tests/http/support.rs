//! Helpers shared by the router tests: building apps, sending requests, reading replies, checking invariants.

use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body::Frame;
use ketapath_web::layers::security_headers::HEADERS;
use ketapath_web::{AppState, WebConfig, app};
use serde_json::Value;
use tower::ServiceExt;

pub fn default_app() -> Router {
    app(AppState::new(WebConfig::default()))
}

pub fn app_with(config: WebConfig) -> Router {
    app(AppState::new(config))
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).expect("utf-8 body")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ascii header"))
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible router");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    Reply { status, headers, body }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::empty()).expect("request")
}

pub fn request(method: Method, uri: &str) -> Request<Body> {
    Request::builder().method(method).uri(uri).body(Body::empty()).expect("request")
}

pub fn post(uri: &str, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::builder().method(Method::POST).uri(uri);
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(body.into()).expect("request")
}

pub fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    post(uri, Some("application/json"), body)
}

/// The request as it would arrive over a socket from `peer`.
pub fn from_peer(mut request: Request<Body>, peer: [u8; 4]) -> Request<Body> {
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    request
}

pub const SCORE_PHQ9: &str = "/api/v1/instruments/phq9/score";

/// Asserts the JSON error shape with `status` and `code`; returns the `error` object.
pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) -> Value {
    let (error, crisis) = assert_error_with_crisis(reply, status, code);
    assert_eq!(crisis, None, "only the error key in {}", reply.text());
    error
}

/// As [`assert_error`], for the self-check, whose errors may carry a `crisis` block beside `error` and nothing
/// else; returns the `error` object and the block.
pub fn assert_error_with_crisis(reply: &Reply, status: StatusCode, code: &str) -> (Value, Option<Value>) {
    assert_eq!(reply.status, status, "status; body {}", reply.text());
    assert!(reply.header("content-type").is_some_and(|c| c.starts_with("application/json")), "{:?}", reply.headers);
    let body = reply.json();
    let error = body["error"].clone();
    assert_eq!(error["code"], code, "code in {body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "message in {body}");
    assert!(error.get("field").is_some(), "field key present in {body}");
    let crisis = body.get("crisis").cloned();
    let keys = if crisis.is_some() { 2 } else { 1 };
    assert_eq!(body.as_object().map(|o| o.len()), Some(keys), "only the error and crisis keys in {body}");
    (error, crisis)
}

/// Asserts every security header is on `reply`, the CSP allows no inline code, and HSTS is as expected.
pub fn assert_security_headers(reply: &Reply, hsts: bool) {
    for (name, value) in HEADERS {
        assert_eq!(reply.header(name.as_str()), Some(value), "{name} on a {} reply", reply.status);
    }
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(reply.header("strict-transport-security").is_some(), hsts, "HSTS on a {} reply", reply.status);
}

/// The crisis contacts that must be on every page, as links.
pub fn assert_crisis_contacts(html: &str) {
    for needle in [
        "href=\"tel:988\"",
        "href=\"sms:988\"",
        "href=\"sms:741741?&amp;body=HOME\"",
        "href=\"tel:911\"",
        "Text HOME to 741741",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

/// The staff layout of a portal page: the compact crisis-protocol line (911, 988) instead of the public crisis strip,
/// and the staff footer instead of the one addressed to patients.
pub fn assert_staff_crisis_protocol(html: &str) {
    assert!(
        html.contains("id=\"staff-crisis\"") && html.contains("href=\"tel:911\"") && html.contains("href=\"tel:988\"")
    );
    // The public strip is its heading and its list; a staff page may still name a crisis line in its own words
    // (the crisis protocol lists the lines to give a patient at discharge).
    for public in ["id=\"crisis-line\"", "Decisions about treatment belong to you"] {
        assert!(!html.contains(public), "the public {public:?} on a staff page");
    }
    assert!(html.contains("KetaPath clinic portal"), "the staff footer");
}

/// A request body that yields `chunks` chunks of `chunk` bytes and gives no length up front.
pub struct Chunked {
    pub chunk: usize,
    pub chunks: usize,
}

impl http_body::Body for Chunked {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.chunks == 0 {
            return Poll::Ready(None);
        }
        self.chunks -= 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b' '; self.chunk])))))
    }
}

/// A request body that never arrives (a stalled client).
pub struct Stalled;

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

pub fn short_timeout() -> WebConfig {
    WebConfig { request_timeout: Duration::from_millis(100), ..WebConfig::default() }
}

/// Every `href="..."` and `src="..."` value in a page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').expect("closing quote");
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// A form post as a browser sends it.
pub fn post_form(uri: &str, pairs: &[(String, String)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    post(uri, Some("application/x-www-form-urlencoded"), body)
}

/// Owned pairs from string slices.
pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Undoes the HTML escaping of attribute values (askama writes `&#34;`, `&#38;` and the like).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity.strip_prefix('#').and_then(|n| n.parse::<u32>().ok()).and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The hidden inputs of the first form in `html` that has any, as (name, value): what a browser would send back.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for tag in html.split("<input type=\"hidden\" ").skip(1) {
        let tag = &tag[..tag.find('>').expect("tag end")];
        let attribute = |name: &str| {
            let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            unescape(&tag[start..start + tag[start..].find('"').expect("quote")])
        };
        out.push((attribute("name"), attribute("value")));
    }
    out
}

/// The text of `<main>`, where page content starts (the header's crisis contacts come before it on every page).
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("main");
    let end = html.find("</main>").expect("main end");
    &html[start..end]
}

/// A listing for the clinic tests: offers IV ketamine, takes self-pay, speaks English, accepts new patients.
pub fn clinic(id: &str, lat: f64, lon: f64) -> ketapath_directory::Clinic {
    use ketapath_directory::model::{Address, Position};
    use ketapath_directory::{ClinicId, Language, Offers, Payments};
    ketapath_directory::Clinic {
        id: ClinicId::parse(id).expect("clinic id"),
        name: format!("Clinic {id}"),
        address: Address {
            street: "1 Main Street".to_owned(),
            city: "Testville".to_owned(),
            state: "NY".to_owned(),
            zip: "10001".to_owned(),
        },
        position: Position::new(lat, lon).expect("position"),
        position_source: Default::default(),
        phone: Some("555-0100".to_owned()),
        website: None,
        offers: Offers::parse_list("iv_ketamine", ',').expect("offers"),
        payment: Payments::parse_list("self_pay", ',').expect("payment"),
        insurance_plans: Vec::new(),
        telehealth: false,
        languages: vec![Language::parse("en").expect("language")],
        accepting_new_patients: true,
        rems_certified: false,
        last_verified: Some(time::macros::date!(2026 - 10 - 01)),
        verified_by: None,
        hours: Vec::new(),
        accessibility: Vec::new(),
        description: None,
        demo: false,
    }
}

/// An app whose directory holds exactly `clinics`, with no store behind it.
pub fn app_with_clinics(clinics: Vec<ketapath_directory::Clinic>) -> Router {
    app(AppState::new(WebConfig::default()).with_directory(ketapath_web::Directory::in_memory(clinics)))
}

/// Fetches each `(file name, uri)` from `app` and runs the independent FHIR R4 validator (`scripts/validate-fhir.py`
/// under the python named by `KETAPATH_FHIR_VALIDATOR`, a venv with `fhir.resources==6.2.2`) over the answers.
/// Without the variable it says so and returns, except under `CI=true`, where a test must never pass without running.
pub async fn assert_valid_fhir(app: &Router, documents: &[(&str, &str)]) {
    let Ok(python) = std::env::var("KETAPATH_FHIR_VALIDATOR") else {
        ketapath_testkit::skip(
            "FHIR validator",
            "KETAPATH_FHIR_VALIDATOR unset (a python with fhir.resources==6.2.2; scripts/test builds one)",
        );
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut files = Vec::new();
    for (name, uri) in documents {
        let path = dir.path().join(name);
        std::fs::write(&path, &send(app, get(uri)).await.body).expect("write the FHIR document");
        files.push(path);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/validate-fhir.py");
    let output = std::process::Command::new(&python).arg(script).args(&files).output().expect("run the validator");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).matches("valid ").count(), files.len());
}

/// `html` without the elements that `open` starts and `close` ends.
fn without(html: &str, open: &str, close: &str) -> String {
    let mut kept = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(open) {
        kept.push_str(&rest[..at]);
        rest = rest[at..].find(close).map_or("", |end| &rest[at + end + close.len()..]);
    }
    kept.push_str(rest);
    kept
}

/// The text a person reads: scripts, styles and tags dropped (attribute values are not read).
pub fn visible(html: &str) -> String {
    let html = without(&without(html, "<script", "</script>"), "<style", "</style>");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
