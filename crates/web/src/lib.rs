//! KetaPath over HTTP: the axum router with the JSON API, server-rendered pages, static assets, operations
//! endpoints, and the layers every response passes (security headers, metrics, rate limits, timeouts, body limits).
//!
//! Architecture invariant: this is the only crate that knows HTTP. It holds no SQL and no clinical logic: it parses
//! requests into domain inputs, calls the use cases of `ketapath-care` (which ask the pure crates and write through
//! the store), renders the answer, and maps every error through one table ([`ApiError`]).
//! Nothing here reaches the network at run time.

pub mod api;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod config;
pub mod error;
pub mod extract;
pub mod fhir;
pub mod i18n;
pub mod layers;
pub mod map;
pub mod ops;
pub mod pages;
pub mod portal;
pub mod print;
pub mod record_doc;
pub mod rems_doc;
pub mod routes;
pub mod server;
pub mod state;

pub use config::{RateLimitConfig, ServeConfig, WebConfig};
pub use error::ApiError;
pub use ketapath_care::{Directory, RefreshOptions};
pub use routes::{ApiRoute, api_routes, app, metrics_app};
pub use server::{run, serve, serve_metrics_with_shutdown, serve_until_signal, serve_with_shutdown};
pub use state::{AppState, BoxFuture, NoDependencies, Readiness};
