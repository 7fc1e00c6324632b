//! The portal tests' fixture: a store with a hand-moved clock, two clinics, staff with passwords, and a small
//! browser that keeps the sign-in and session cookies and sends same-origin form posts.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_care::accounts::password::hash_password;
use ketapath_store::domain::{NewStaffUser, Role, StaffId};
use ketapath_store::{ListingAuthor, ManualClock, OpenMode, Store, StoreOptions};
use ketapath_web::{AppState, WebConfig};
use time::macros::datetime;

use crate::support::*;

pub const PASSWORD: &str = "correct horse battery staple";
pub const SESSION: &str = "__Host-kp_session";
pub const LOGIN: &str = "__Host-kp_login";

pub struct Portal {
    pub app: Router,
    pub store: Store,
    pub clock: ManualClock,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<crate::session_workflow::PgDb>,
}

/// One Argon2id hash for every test account: hashing is slow in debug builds, and the salt is not what is tested.
fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD).expect("hash")).clone()
}

/// The application over `store`, as a server would build it.
pub async fn app_over(store: &Store, config: WebConfig) -> Router {
    ketapath_web::app(AppState::load(config, store.clone()).await.expect("state"))
}

impl Portal {
    pub async fn sqlite() -> Portal {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let clock = ManualClock::new(datetime!(2026-11-27 09:00 UTC));
        let options = StoreOptions { clock: Arc::new(clock.clone()), ..StoreOptions::default() };
        let store = Store::open_with(
            &ketapath_store::DatabaseUrl::parse(&url).expect("url"),
            OpenMode::CreateIfMissing,
            options,
        )
        .await
        .expect("open");
        Portal::over(store, clock, Some(dir)).await
    }

    /// The same fixture over a throw-away PostgreSQL database; `None` when PostgreSQL is not configured (never
    /// under `CI=true`).
    pub async fn postgres() -> Option<Portal> {
        use sqlx::Connection;
        let env = crate::session_workflow::PG_ENV;
        let Ok(admin_url) = std::env::var(env) else {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{env} is unset under CI=true");
            return None;
        };
        let name = format!("ketapath_portal_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
        conn.close().await.ok();
        let pg = crate::session_workflow::PgDb { admin_url: admin_url.clone(), name: name.clone() };
        let (prefix, _) = admin_url.rsplit_once('/').expect("a database in the URL");
        let url = ketapath_store::DatabaseUrl::Postgres { url: format!("{prefix}/{name}") };
        let clock = ManualClock::new(datetime!(2026-11-27 09:00 UTC));
        let options = StoreOptions { clock: Arc::new(clock.clone()), ..StoreOptions::default() };
        let store = Store::open_with(&url, OpenMode::MustExist, options).await.expect("open");
        let mut portal = Portal::over(store, clock, None).await;
        portal._pg = Some(pg);
        Some(portal)
    }

    pub async fn over(store: Store, clock: ManualClock, dir: Option<tempfile::TempDir>) -> Portal {
        store.migrate().await.expect("migrate");
        store
            .upsert_clinics(
                &[clinic("clinic-a", 40.7, -74.0), clinic("clinic-b", 41.0, -73.9)],
                ListingAuthor::AdminCli,
            )
            .await
            .expect("clinics");
        let app = app_over(&store, WebConfig::default()).await;
        Portal { app, store, clock, _dir: dir, _pg: None }
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
