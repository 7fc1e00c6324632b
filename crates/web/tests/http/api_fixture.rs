//! The router tests' API fixture: the app over a fresh store (SQLite, or PostgreSQL through the test kit) with
//! clinics A and B, staff with live bearer tokens, and requests sent as a client on one address would send them.
//! Its clock is the test's choice: by default a hand-moved [`ManualClock`] starting at [`T0`].

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_store::domain::{Actor, ApiTokenId, NewApiToken, NewStaffUser, Origin, Role};
use ketapath_store::{
    Clock, ExposeSecret, ListingAuthor, ManualClock, Store, StoreOptions, SystemClock, api_token_hash,
    new_api_token_secret,
};
use ketapath_testkit::{Backend, BothBackends, TestDb};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::support::*;

/// When a hand-moved clock starts: after every date the tests chart.
pub(crate) const T0: OffsetDateTime = datetime!(2026-11-27 09:00 UTC);

/// The address the fixture's API requests come from (the audit trail records it as their origin).
pub(crate) const API_PEER: [u8; 4] = [192, 0, 2, 9];

/// The API over a migrated store with clinics A and B; `C` is the store's clock.
pub(crate) struct Fixture<C: Clock = ManualClock> {
    pub(crate) app: Router,
    pub(crate) store: Store,
    pub(crate) clock: Arc<C>,
    db: TestDb,
}

/// A staff member with a live API token.
pub(crate) struct Staff {
    pub(crate) token: String,
    pub(crate) actor: Actor,
}

impl BothBackends for Fixture {
    async fn sqlite() -> Self {
        Fixture::new(Backend::Sqlite).await.expect("SQLite is always there")
    }

    async fn postgres() -> Option<Self> {
        Fixture::new(Backend::Postgres).await
    }

    async fn finish(self) {
        self.db.finish().await;
    }

    async fn finish_unverified(self) {
        self.db.finish_unverified().await;
    }
}

impl Fixture {
    /// The fixture on `backend` with its clock at [`T0`]; `None` when PostgreSQL is not configured (the kit's skip
    /// policy: never under `CI=true`).
    pub(crate) async fn new(backend: Backend) -> Option<Self> {
        Fixture::with_clock(backend, Arc::new(ManualClock::new(T0))).await
    }

    /// Sets the store's clock to `minutes` after T0.
    pub(crate) fn at(&self, minutes: i64) {
        self.clock.set(T0 + Duration::minutes(minutes));
    }
}

impl Fixture<SystemClock> {
    /// The fixture on a fresh SQLite database with the real clock.
    pub(crate) async fn real_time() -> Self {
        Fixture::with_clock(Backend::Sqlite, Arc::new(SystemClock)).await.expect("SQLite is always there")
    }
}

impl<C: Clock> Fixture<C> {
    /// The fixture on `backend` with the store reading `clock`.
    pub(crate) async fn with_clock(backend: Backend, clock: Arc<C>) -> Option<Self> {
        let options = StoreOptions { clock: clock.clone(), ..StoreOptions::default() };
        let db = TestDb::open(backend, options).await?;
        let store = db.store.clone();
        store
            .upsert_clinics(
                &[clinic("clinic-a", 40.7, -74.0), clinic("clinic-b", 41.0, -73.9)],
                ListingAuthor::AdminCli,
            )
            .await
            .expect("clinics");
        let state = ketapath_web::AppState::load(Default::default(), store.clone()).await.expect("state");
        let app = ketapath_web::app(state);
        Some(Fixture { app, store, clock, db })
    }

    /// A staff member called `name` (their e-mail made from it) at `clinic`, with a live token.
    pub(crate) async fn staff(&self, name: &str, role: Role, clinic: &str) -> Staff {
        let email = format!("{}@{clinic}.example", name.to_lowercase().replace(' ', "."));
        self.account(&email, name, role, Some(clinic)).await.0
    }

    /// A staff account with `email` (and `role`, at `clinic` for clinic roles) and a live token of theirs; also
    /// returns the token's id.
    pub(crate) async fn account(
        &self,
        email: &str,
        display_name: &str,
        role: Role,
        clinic: Option<&str>,
    ) -> (Staff, ApiTokenId) {
        let admin = self.store.unscoped_for_admin_cli_and_tests();
        let user = admin
            .create_staff_user(NewStaffUser {
                clinic_id: clinic.map(|c| ketapath_directory::ClinicId::parse(c).expect("clinic id")),
                email: email.to_owned(),
                display_name: display_name.to_owned(),
                role,
                password_hash: None,
            })
            .await
            .expect("staff user");
        let token = new_api_token_secret().expect("token secret").expose_secret().to_owned();
        let created = admin
            .create_api_token(NewApiToken {
                user_id: user.id,
                name: "test".to_owned(),
                token_hash: api_token_hash(&token),
                expires_at: None,
            })
            .await
            .expect("token");
        let actor = Actor { user_id: user.id, clinic_id: user.clinic_id, role, origin: Origin::test() };
        (Staff { token, actor }, created.id)
    }

    /// A request from `who` (or no one), with a JSON body when given.
    pub(crate) async fn call(&self, method: Method, uri: &str, who: Option<&Staff>, body: Option<Value>) -> Reply {
        self.bearer(method, uri, who.map(|w| w.token.as_str()), body).await
    }

    /// A request carrying `token` as its bearer token (any string, to test refusals), with a JSON body when given.
    pub(crate) async fn bearer(&self, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        send(&self.app, from_peer(builder.body(body).expect("request"), API_PEER)).await
    }

    /// A request from `who` that must answer `status`; returns the JSON body.
    pub(crate) async fn ok(
        &self,
        method: Method,
        uri: &str,
        who: &Staff,
        body: Option<Value>,
        status: StatusCode,
    ) -> Value {
        let reply = self.call(method.clone(), uri, Some(who), body).await;
        assert_eq!(reply.status, status, "{method} {uri}: {}", reply.text());
        let body = reply.json();
        // Every answer a test receives is also checked against the OpenAPI document, so that the document's
        // schemas are proved on real answers of every workflow the tests drive.
        crate::conformance::assert_documented(&self.app, &method, uri, status, &body).await;
        body
    }

    /// A patient created by `who` through the API; returns its id.
    pub(crate) async fn patient(&self, who: &Staff) -> String {
        let body = json!({"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"});
        let p = self.ok(Method::POST, "/api/v1/patients", who, Some(body), StatusCode::CREATED).await;
        p["id"].as_str().expect("an id").to_owned()
    }

    /// Asserts the store's invariants hold (tests that go on using the fixture afterwards).
    pub(crate) async fn verified(&self) {
        let report = self.store.verify().await.expect("verify runs");
        assert!(report.is_ok(), "{:?}", report.problems);
    }
}
