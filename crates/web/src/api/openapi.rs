//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every JSON route, derived with utoipa from the handlers'
//! `#[utoipa::path]` attributes, the request and answer types themselves (in the handlers' modules, `error.rs`,
//! `ketapath-care`, and the pure crates through their `openapi` feature), the shared answers of
//! `openapi_responses.rs`, and the few mirrors that remain (`openapi_schemas.rs`, `openapi_treatment.rs`), each
//! saying why it cannot be derived.
//!
//! A test checks it against [`crate::routes::api_routes`], the table routes are registered from, in both
//! directions, so a route cannot be added or removed without this document following. Info, security schemes, each
//! operation's `security` (from who may call the route in that table) and the responses every route shares are set
//! here, in one place.

use std::sync::LazyLock;

use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::Modality;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, PathItem, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::openapi_schemas as public;
use super::openapi_treatment as treatment;
use crate::error::ErrorWithCrisis;
use crate::routes::Access;
use ketapath_clinical::instruments::{Flag, ScoreReport};
use ketapath_clinical::rule::RuleRef;
use ketapath_clinical::safety::Crisis;
use ketapath_clinical::screen::Screening;
use ketapath_directory::search::{ClinicResult, SearchResponse};
use ketapath_research::stats::wilson::Proportion;
// Handlers are named through their module, so each operation is tagged with its module's name (`clinics`,
// `sessions`), not with the `super::` path it was reached by.
use super::{
    clinics, consent, courses, instruments, intake, outcomes, patients, protocol, rems_forms, research, screenings,
    self_report, sessions, staff,
};

/// The descriptions of the error answers several routes share, so that each is written once.
pub(crate) mod errors {
    pub const BAD_JSON: &str =
        "Invalid input (`invalid_input`, naming the field) or a body that is not JSON (`malformed_json`)";
    pub const TOO_LARGE: &str = "Body larger than the limit (`payload_too_large`)";
    pub const NOT_JSON: &str = "Content-Type is not application/json (`unsupported_media_type`)";
    pub const RATE_LIMITED: &str = "Too many requests from this client (`rate_limited`); see Retry-After";
    pub const NO_PATIENT: &str = "No such patient in the caller's clinic (`not_found`; the same for another clinic's)";
    pub const TREATMENT_BAD: &str = "Invalid input (`invalid_input`, naming the field; `at` in the future names `at`) or a body that is not JSON (`malformed_json`)";
    pub const NOT_PRESCRIBER: &str =
        "`override_reason` (or a prescriber-only edit) sent by a role other than prescriber (`override_not_allowed`)";
    pub const NO_COURSE: &str = "No such course in the caller's clinic (`not_found`; the same for another clinic's)";
    pub const NO_SESSION: &str = "No such session in the caller's clinic (`not_found`; the same for another clinic's)";
    pub const SESSION_COMPLETED: &str = "The session is completed (`not_applicable`)";
    pub const UNAUTHORIZED: &str =
        "No, a malformed, unknown, revoked or expired token (`unauthorized`); WWW-Authenticate: Bearer";
    pub const FORBIDDEN: &str = "The caller's role has no access to patient records, or a cookie-authenticated write lacks the session's X-CSRF-Token (`forbidden`)";
    pub const METHOD: &str = "Method not allowed";
    pub const NOT_READY: &str =
        "This server has no database, or the database is unreachable for now (`not_ready`, with Retry-After)";
}

/// The document's derivation: every path of [`crate::routes::api_routes`] and the schemas they name.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "KetaPath API",
        version = env!("CARGO_PKG_VERSION"),
        description = "Find supervised ketamine and esketamine care, self-check, and score rating instruments. \
Errors are always {\"error\": {\"code\", \"message\", \"field\"}}; bad input is a 4xx, never a 5xx. \
Public POST routes are rate-limited per client (429 with Retry-After). Nothing sent to the self-check or scoring \
routes is stored or logged.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        document,
        clinics::search,
        clinics::get,
        instruments::score,
        screenings::create,
        patients::create,
        patients::list,
        patients::get,
        patients::record_assessment,
        patients::list_assessments,
        intake::put,
        intake::get,
        consent::get,
        consent::put,
        consent::get_publication,
        consent::put_publication,
        super::listing::put,
        courses::create,
        courses::list,
        courses::get,
        courses::put_schedule,
        courses::benefit_review,
        outcomes::get,
        sessions::start,
        sessions::get,
        sessions::pre_checks,
        sessions::observe,
        sessions::acknowledge_alert,
        sessions::dose,
        sessions::adverse_event,
        sessions::discharge,
        sessions::early_departure_post,
        rems_forms::get,
        rems_forms::save_draft,
        rems_forms::submit,
        rems_forms::due,
        super::session_record::get,
        protocol::get,
        protocol::put,
        research::public_registry,
        research::own_clinic,
        research::export,
        self_report::create,
        self_report::list,
        self_report::plan,
        self_report::alerts,
        staff::list,
        staff::add,
        staff::get,
        staff::update,
        staff::reset_password,
        staff::tokens,
        staff::revoke_token,
    ),
    components(schemas(
        public::Error, ErrorWithCrisis, public::ScoreRequest, public::ScreeningRequest, ScoreReport, Screening, Crisis,
        RuleRef, Flag, Proportion, SearchResponse, ClinicResult, clinics::ClinicAnswer,
        patients::PatientRequest, patients::PatientDoc, patients::PatientListItem, patients::AssessmentRequest,
        patients::AssessmentDoc, patients::StoredAssessmentDoc,
        consent::ConsentRequest, consent::ConsentDoc, consent::PublicationRequest, consent::Publication, super::listing::ListingChange,
        ketapath_care::treatment::intake::IntakeRequest, intake::IntakeDoc,
        courses::CourseBody, courses::ReviewBody, courses::ScheduleBody, courses::CourseDoc, courses::CourseListDoc,
        outcomes::OutcomesDoc, sessions::StartBody, sessions::StartedSession, sessions::SessionDoc,
        ketapath_care::treatment::alerts::AlertDoc, sessions::Observed, sessions::Dosed, sessions::RecordedEvent,
        sessions::Discharged, sessions::EndedEarly, treatment::PreCheckRequest, sessions::ObservationBody, sessions::DoseBody, sessions::AdverseEventBody,
        sessions::EarlyDepartureBody, sessions::DischargeBody, treatment::RemsForm, rems_forms::SubmitBody,
        rems_forms::DueForms, treatment::ProtocolSettingsRequest, protocol::SettingsDoc,
        self_report::LinkRequest, self_report::LinkDoc, self_report::CreatedLink, self_report::PlannedDoc,
        self_report::AlertDoc,
        staff::MemberDoc, staff::AddedDoc, staff::SetPasswordLink, staff::ResetDoc, staff::TokenDoc,
        staff::AddRequest, staff::UpdateRequest, staff::ResetRequest,
    )),
    modifiers(&Shared)
)]
struct ApiDoc;

/// What every route shares: the two security schemes, 405 on every route but this document's own, and, from who
/// may call the route in [`crate::routes::api_routes`], its `security` and the authentication, role, record and
/// readiness answers of every staff route (a route's own answer for a code wins).
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `ketapath token create`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookieAuth",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "__Host-kp_session",
                "The portal's session cookie (from signing in at /portal/login; `kp_session` when secure cookies are \
                 off). Methods other than GET, HEAD and OPTIONS must also send the session's CSRF token in `X-CSRF-Token`.",
            ))),
        );
        for route in crate::routes::api_routes() {
            let Some(operation) = doc.paths.paths.get_mut(route.path).and_then(|item| operation(item, &route.method))
            else {
                // The document test names a table route the document lacks; the route's answers are not made up here.
                continue;
            };
            if operation.operation_id.as_deref() == Some("openapi") {
                continue;
            }
            let mut shared = vec![("405", errors::METHOD)];
            if route.access != Access::Public {
                // Every staff extractor accepts either credential (`crate::auth::StaffActor`).
                operation.security = Some(vec![
                    SecurityRequirement::new("bearerAuth", Vec::<String>::new()),
                    SecurityRequirement::new("cookieAuth", Vec::<String>::new()),
                ]);
                shared.extend([("401", errors::UNAUTHORIZED), ("403", errors::FORBIDDEN), ("503", errors::NOT_READY)]);
            }
            if route.access.names_record() {
                shared.extend(record_not_found(route.path));
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in shared {
                responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
            }
        }
    }
}

/// The 404 of a route that names one clinic's record, by the record its path names first.
fn record_not_found(path: &str) -> Option<(&'static str, &'static str)> {
    let description = if path.starts_with("/api/v1/patients/") {
        errors::NO_PATIENT
    } else if path.starts_with("/api/v1/courses/") {
        errors::NO_COURSE
    } else if path.starts_with("/api/v1/sessions/") {
        errors::NO_SESSION
    } else {
        return None;
    };
    Some(("404", description))
}

/// The operation of `method` on one path.
fn operation<'a>(item: &'a mut PathItem, method: &Method) -> Option<&'a mut utoipa::openapi::path::Operation> {
    match *method {
        Method::GET => item.get.as_mut(),
        Method::POST => item.post.as_mut(),
        Method::PUT => item.put.as_mut(),
        Method::PATCH => item.patch.as_mut(),
        Method::DELETE => item.delete.as_mut(),
        _ => None,
    }
}

/// An answer with the error body.
pub(crate) fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(RefOr::Ref(ref_to("Error")))).build())
        .build()
        .into()
}

fn ref_to(name: &str) -> utoipa::openapi::Ref {
    utoipa::openapi::Ref::from_schema_name(name)
}

pub(crate) use ketapath_care::openapi::{code_array, codes, nullable_codes, or_null};

/// An array of whole numbers from 0: a rating instrument's item answers.
pub(crate) fn non_negative_integers() -> ArrayBuilder {
    ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)))
}

/// A JSON object whose keys this document leaves open.
pub(crate) type Object = std::collections::BTreeMap<String, serde_json::Value>;

/// The treatment modalities, in the order the server knows them.
pub(crate) fn modality_codes() -> ObjectBuilder {
    codes(Modality::ALL.iter().map(|m| m.code()))
}

/// The instrument codes, in the order the server knows them.
pub(crate) fn instrument_codes() -> ObjectBuilder {
    codes(Instrument::ALL.iter().map(|i| i.code()))
}

/// "phq9: 9 items scored 0-3; ...", from the instrument specs themselves.
pub(crate) fn item_ranges() -> String {
    let ranges: Vec<String> = Instrument::ALL
        .iter()
        .map(|i| {
            let spec = i.spec();
            format!("{}: {} items scored {}-{}", i.code(), spec.items.len(), spec.item_min, spec.item_max)
        })
        .collect();
    ranges.join("; ")
}

/// The document as served, derived and serialized once (utoipa keeps paths, properties and responses in sorted
/// maps, so the text is the same on every start).
static SERIALIZED: LazyLock<String> = LazyLock::new(|| {
    // Serializing a document of plain maps and strings cannot fail; an empty object would fail the tests loudly.
    serde_json::to_string(&ApiDoc::openapi()).unwrap_or_else(|_| "{}".to_owned())
});

/// The handler.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], SERIALIZED.as_str()).into_response()
}
