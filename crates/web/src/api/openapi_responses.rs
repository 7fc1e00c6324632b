//! The answers several routes of the OpenAPI document share, each written once and named in a handler's
//! `#[utoipa::path(responses(...))]` beside the route's own answers (a type here lists one or more of them).

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, PartialSchema};

use super::openapi::{error_response, errors};
use super::openapi_treatment::Recorded;

/// Declares a type whose responses are the listed error answers, each with the error body.
macro_rules! error_answers {
    ($($(#[$doc:meta])* $name:ident = [$($status:literal => $description:expr),+ $(,)?];)+) => {$(
        $(#[$doc])*
        pub(crate) struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$(($status, $description)),+]
                    .into_iter()
                    .map(|(status, description)| (status.to_owned(), error_response(description)))
                    .collect()
            }
        }
    )+};
}

error_answers! {
    /// 400 for a treatment write.
    TreatmentBad = ["400" => errors::TREATMENT_BAD];
    /// 415 for a route that reads a JSON body.
    NotJson = ["415" => errors::NOT_JSON];
    /// 413 and 415 for a route that reads a JSON body under the body limit.
    JsonBody = ["413" => errors::TOO_LARGE, "415" => errors::NOT_JSON];
    /// A public route's JSON body: 413, 415, and 429 from its rate limit.
    PublicJsonBody = ["413" => errors::TOO_LARGE, "415" => errors::NOT_JSON, "429" => errors::RATE_LIMITED];
    /// A write that a prescriber may pass with `override_reason`: 400 and 403 (its 404 comes from the route's
    /// access in the route table, see `openapi::Shared`).
    GatedWrite = ["400" => errors::TREATMENT_BAD, "403" => errors::NOT_PRESCRIBER];
    /// 409 for a write to a completed session.
    SessionCompleted = ["409" => errors::SESSION_COMPLETED];
}

/// `201 Recorded`: a charting route's answer, an object the document leaves open.
pub(crate) struct RecordedAnswer;

impl IntoResponses for RecordedAnswer {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let content = ContentBuilder::new().schema(Some(Recorded::schema())).build();
        let response = ResponseBuilder::new().description("Recorded").content("application/json", content).build();
        BTreeMap::from([("201".to_owned(), response.into())])
    }
}
