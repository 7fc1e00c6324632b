//! [`Db`], the extractor of every handler that needs the database: the store from [`AppState`], or the one 503.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use ketapath_store::Store;

use crate::state::AppState;

/// The store a handler acts on. Without one (a state built with no database) the request is answered 503
/// `not_ready` with `Retry-After`, in the form its path calls for ([`crate::error::respond`]): the JSON error on
/// the API, an OperationOutcome on FHIR, the error page for people (all `no-store`, from the one error table).
#[derive(Debug, Clone)]
pub struct Db(pub Store);

impl FromRequestParts<AppState> for Db {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        state
            .store()
            .map(|store| Db(store.clone()))
            .map_err(|error| crate::error::respond(parts.uri.path(), state.config.demo, error))
    }
}
