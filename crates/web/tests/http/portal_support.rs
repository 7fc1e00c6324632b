//! The portal tests' fixture: a store with a hand-moved clock, two clinics, staff with passwords, and a small
//! browser that keeps the sign-in and session cookies and sends same-origin form posts.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_care::accounts::password::hash_password;
use ketapath_store::domain::{NewStaffUser, Role, StaffId};
use ketapath_store::{ListingAuthor, ManualClock, Store, StoreOptions};
use ketapath_testkit::{Backend, BothBackends, TestDb};
use ketapath_web::{AppState, WebConfig};
use time::macros::datetime;

use crate::support::*;

pub const PASSWORD: &str = "correct horse battery staple";
pub const SESSION: &str = "__Host-kp_session";
pub const LOGIN: &str = "__Host-kp_login";

/// The portal over a migrated store with clinics A and B and a hand-moved clock at 2026-11-27 09:00 UTC.
pub struct Portal {
    pub app: Router,
    pub store: Store,
    pub clock: ManualClock,
    /// The database, dropped with the portal (its URL lets a second server open the same one).
    pub db: TestDb,
}

/// One Argon2id hash for every test account: hashing is slow in debug builds, and the salt is not what is tested.
fn password_hash() -> ketapath_store::SecretString {
    static HASH: std::sync::OnceLock<ketapath_store::SecretString> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).expect("hash")).clone()
}

/// The application over `store`, as a server would build it.
pub async fn app_over(store: &Store, config: WebConfig) -> Router {
    ketapath_web::app(AppState::load(config, store.clone()).await.expect("state"))
}

impl BothBackends for Portal {
    async fn sqlite() -> Portal {
        Portal::sqlite().await
    }

    async fn postgres() -> Option<Portal> {
        Portal::postgres().await
    }

    async fn finish(self) {
        self.db.finish().await;
    }

    async fn finish_unverified(self) {
        self.db.finish_unverified().await;
    }
}

impl Portal {
    pub async fn sqlite() -> Portal {
        Portal::open(Backend::Sqlite).await.expect("SQLite is always there")
    }

    /// The same fixture over a throw-away PostgreSQL database; `None` when PostgreSQL is not configured (the
    /// kit's skip policy: never under `CI=true`).
    pub async fn postgres() -> Option<Portal> {
        Portal::open(Backend::Postgres).await
    }

    /// The portal on `backend`; `None` when PostgreSQL is asked for and not configured.
    pub async fn open(backend: Backend) -> Option<Portal> {
        let clock = ManualClock::new(datetime!(2026-11-27 09:00 UTC));
        let options = StoreOptions { clock: Arc::new(clock.clone()), ..StoreOptions::default() };
        let db = TestDb::open(backend, options).await?;
        let store = db.store.clone();
        store
            .upsert_clinics(
                &[clinic("clinic-a", 40.7, -74.0), clinic("clinic-b", 41.0, -73.9)],
                ListingAuthor::AdminCli,
            )
            .await
            .expect("clinics");
        let app = app_over(&store, WebConfig::default()).await;
        Some(Portal { app, store, clock, db })
    }

    /// The store options of a second server over this portal's database: the same clock.
    pub fn options(&self) -> StoreOptions {
        StoreOptions { clock: Arc::new(self.clock.clone()), ..StoreOptions::default() }
    }

    /// A staff account with [`PASSWORD`].
    pub async fn user(&self, email: &str, role: Role, clinic: Option<&str>) -> StaffId {
        self.store
            .unscoped_for_admin_cli_and_tests()
            .create_staff_user(NewStaffUser {
                clinic_id: clinic.map(|c| ketapath_directory::ClinicId::parse(c).expect("clinic")),
                email: email.to_owned(),
                display_name: format!("Name of {email}"),
                role,
                password_hash: Some(password_hash()),
            })
            .await
            .expect("user")
            .id
    }

    pub async fn verified(&self) {
        let report = self.store.verify().await.expect("verify");
        assert!(report.is_ok(), "{report:?}");
    }

    pub fn browser(&self) -> Browser {
        Browser { app: self.app.clone(), cookies: Vec::new(), peer: BROWSER_PEER }
    }

    /// A browser on another network (its requests come from `peer`).
    pub fn browser_at(&self, peer: [u8; 4]) -> Browser {
        Browser { peer, ..self.browser() }
    }
}

/// A browser: its cookies, and same-origin requests to one app.
#[derive(Clone)]
pub struct Browser {
    pub app: Router,
    pub cookies: Vec<(String, String)>,
    /// The address its requests come from.
    pub peer: [u8; 4],
}

/// The address a browser's requests come from unless a test says otherwise.
pub const BROWSER_PEER: [u8; 4] = [192, 0, 2, 9];

impl Browser {
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(n, _)| n != name);
        if !value.is_empty() {
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    fn keep_cookies(&mut self, reply: &Reply) {
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ascii");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            let deleted = attributes.contains("Max-Age=0");
            self.set(name, if deleted { "" } else { value });
        }
    }

    pub fn request(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "portal.example")
            .header("sec-fetch-site", "same-origin");
        if !self.cookies.is_empty() {
            let line: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            builder = builder.header(header::COOKIE, line.join("; "));
        }
        builder
    }

    pub async fn send(&mut self, request: Request<Body>) -> Reply {
        let reply = send(&self.app, from_peer(request, self.peer)).await;
        self.keep_cookies(&reply);
        reply
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        let request = self.request(Method::GET, uri).body(Body::empty()).expect("request");
        self.send(request).await
    }

    /// A form post as this browser sends it (same origin, its cookies).
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let request = self
            .request(Method::POST, uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// Opens the sign-in page and posts it; returns the answer to the post.
    pub async fn sign_in(&mut self, email: &str, password: &str, code: &str) -> Reply {
        let page = self.get("/portal/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.text());
        self.post("/portal/login", &[("csrf", &csrf), ("email", email), ("password", password), ("code", code)]).await
    }

    /// The session's CSRF token, read from a portal page as a form would carry it.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/portal/account").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        csrf_of(&page.text())
    }
}

/// The `csrf` hidden field of the first form in `html`.
pub fn csrf_of(html: &str) -> String {
    hidden_fields(html).into_iter().find(|(n, _)| n == "csrf").map(|(_, v)| v).expect("a csrf field")
}
