//! The one error table at the HTTP edge: every library error and every request fault becomes one status code
//! and one body, `{"error": {"code", "message", "field"}}` (DESIGN.md, HTTP contract).
//!
//! Bad input is always a 4xx. A 5xx means KetaPath itself failed, and its message never carries internals.
//! Pages get the same table rendered as HTML (see [`crate::pages::error_page`]); [`respond`] picks the form.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::InvalidInput;
use ketapath_store::StoreError;
use serde::Serialize;

use ketapath_care::accounts::TotpKeyError;
use ketapath_care::accounts::lifecycle::LifecycleError;
use ketapath_care::accounts::password::PasswordError;
use ketapath_care::json::JsonError;
use ketapath_care::research_stats::StatsError;
use ketapath_care::treatment::TreatmentError;

/// Every error a request can end in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Input that parsed as JSON but is not a valid domain value; `field` names the culprit.
    #[error("{}", .0.message)]
    InvalidInput(#[from] InvalidInput),
    /// The body is not JSON at all (syntax error, truncated, trailing data).
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// A JSON route was sent something other than `application/json`.
    #[error("expected a JSON body with Content-Type: application/json")]
    UnsupportedMediaType,
    /// The client accepts no representation this route has (FHIR: only JSON is served).
    #[error("this resource is available only as application/fhir+json or application/json")]
    NotAcceptable,
    /// A `format` this route cannot produce on this server (the REMS form as PDF).
    #[error("{0}")]
    FormatUnavailable(String),
    /// The body is longer than the configured limit.
    #[error("the request body is larger than the limit of {limit_bytes} bytes")]
    PayloadTooLarge { limit_bytes: usize },
    /// The request could not be read or its path could not be decoded.
    #[error("{0}")]
    BadRequest(String),
    /// `/api/v1/instruments/{instrument}/...` with an instrument KetaPath does not know; the message lists the known ones.
    #[error("{0}")]
    UnknownInstrument(String),
    /// No credentials, or credentials that are malformed, unknown, revoked or expired. The message never says
    /// which, so that a caller learns nothing about other people's tokens.
    #[error("{0}")]
    Unauthorized(String),
    /// A state-changing form posted from another site (the Origin/Referer same-origin check failed).
    #[error("{0}")]
    Forbidden(String),
    /// Only a prescriber may pass a clinical gate or edit a schedule (`override_not_allowed`).
    #[error("{0}")]
    OverrideNotAllowed(String),
    #[error("no such resource")]
    NotFound,
    /// The request conflicts with a clinical gate or the record's state: `bp_gate`, `monitoring_incomplete`,
    /// `contraindication`, `no_dose`, `not_applicable`, `benefit_review_required`, `conflict`.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A well-formed request that cannot be processed as it stands: a REMS form with required fields missing
    /// (`rems_form_incomplete`); `field` is the first missing field and the message lists all.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String, field: String },
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("the request took too long")]
    Timeout,
    /// `/readyz` when a dependency is not ready; the reason is safe to show.
    #[error("not ready: {0}")]
    NotReady(String),
    /// The database cannot be reached for now (restarting, connection lost): the client retries after
    /// `Retry-After`. The message says when a write's outcome is unknown, so that the client reads before resending.
    #[error("{0}")]
    DatabaseUnavailable(&'static str),
    /// A fault inside KetaPath. Details go to the log, never to the client.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidInput(_) | ApiError::MalformedJson(_) | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotAcceptable | ApiError::FormatUnavailable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::OverrideNotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnknownInstrument(_) | ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::NotReady(_) | ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code scripts match on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidInput(_) => "invalid_input",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::NotAcceptable | ApiError::FormatUnavailable(_) => "not_acceptable",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::UnknownInstrument(_) => "unknown_instrument",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::OverrideNotAllowed(_) => "override_not_allowed",
            ApiError::Conflict { code, .. } | ApiError::Unprocessable { code, .. } => code,
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Timeout => "timeout",
            ApiError::NotReady(_) => "not_ready",
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::Internal => "internal",
        }
    }

    /// The input field at fault, when there is one (`items[3]`, `instrument`).
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::InvalidInput(e) if !e.field.is_empty() => Some(&e.field),
            ApiError::UnknownInstrument(_) => Some("instrument"),
            ApiError::Unprocessable { field, .. } if !field.is_empty() => Some(field),
            _ => None,
        }
    }

    /// The JSON document of this error.
    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                field: self.field(),
                request_id: self.request_id(),
            },
        }
    }

    /// For a 5xx, the id of the request being handled, which the edge layer logs with the failure: the client
    /// can quote it and an operator can find the line. Other errors are the client's own and carry none.
    pub fn request_id(&self) -> Option<String> {
        if self.status().is_server_error() { crate::layers::request_id::current() } else { None }
    }
}

/// Every error answer: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody<'a> {
    #[schema(inline)]
    pub error: ErrorDetail<'a>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    #[schema(examples("invalid_input"))]
    pub code: &'static str,
    pub message: String,
    /// Always present, `null` when no single field is at fault, so scripts can read it unconditionally.
    #[schema(required = true, examples("items[3]"))]
    pub field: Option<&'a str>,
    /// On a 5xx only: the id of the request, as logged and as the `x-request-id` header carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(examples("5f0c1a52-3f0e-4c2b-9a51-0c1d2e3f4a5b"))]
    pub request_id: Option<String>,
}

/// An error with the crisis block beside it, as [`with_crisis`] answers it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorWithCrisis<'a> {
    #[serde(flatten)]
    pub error: ErrorBody<'a>,
    /// Present when the answers that drive the crisis triage could be read.
    #[schema(required = false)]
    pub crisis: &'a ketapath_clinical::safety::Crisis,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        add_retry_after(&self, &mut response);
        response
    }
}

/// An input error with the crisis block that the answers call for beside it, `{"error": {...}, "crisis": {...}}`:
/// the self-check's invalid answers whose PHQ-9 item 9 or `acting_on_thoughts` could still be read (issue 13,
/// item 6). The status and the error are the error's own; the answer is never cached.
pub fn with_crisis(error: &ApiError, crisis: &ketapath_clinical::safety::Crisis) -> Response {
    let mut response = (error.status(), Json(ErrorWithCrisis { error: error.body(), crisis })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// When a client told the server or its database is not ready should try again, in seconds: about the time a
/// PostgreSQL restart takes.
const RETRY_AFTER_SECS: &str = "5";

/// Tells rate-limited and not-ready clients when to come back and unauthenticated ones how to authenticate
/// (RFC 6750); a not-ready answer is also `no-store`, since a cache must not replay an outage. Other errors carry no
/// extra headers.
pub(crate) fn add_retry_after(error: &ApiError, response: &mut Response) {
    match error {
        ApiError::RateLimited { retry_after_secs } => {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        ApiError::NotReady(_) | ApiError::DatabaseUnavailable(_) => {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        ApiError::Unauthorized(_) => {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
}

impl From<StoreError> for ApiError {
    /// The store's errors at the HTTP edge: a record missing or of another clinic is 404 (one body for both),
    /// a denied role 403, input the domain refuses 400 naming the field, a database out of reach 503
    /// `database_unavailable` with `Retry-After`, anything else 500 with the detail logged (store errors name tables and fields, never patient values).
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => ApiError::NotFound,
            StoreError::Denied(reason) => ApiError::Forbidden(reason),
            StoreError::Invalid { field, message } => ApiError::InvalidInput(InvalidInput::new(field, message)),
            StoreError::Conflict(message) => ApiError::Conflict { code: "conflict", message },
            // The database is down or restarting: the client may retry, and the pool reconnects by itself. A commit
            // cut off by the outage may have been stored, so that answer tells the client to read before resending.
            e @ StoreError::CommitUnknown(_) => {
                tracing::warn!(error = %e, "database unavailable while committing");
                ApiError::DatabaseUnavailable(
                    "the database became unavailable while saving; the change may or may not have been stored: check it \
                     before sending it again",
                )
            }
            e @ StoreError::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::DatabaseUnavailable(
                    "the database is unavailable for now (it may be restarting); try again in a few seconds",
                )
            }
            other => {
                tracing::error!(error = %other, "store operation failed");
                ApiError::Internal
            }
        }
    }
}

impl From<TotpKeyError> for ApiError {
    /// A stored TOTP key this server cannot open (sealed with a secret key it does not hold, altered, or moved
    /// from another account) is the operator's to fix, not the user's: 500, with the key id logged (never a key)
    /// so that the operator can tell which `KETAPATH_SECRET_KEY` is missing.
    fn from(error: TotpKeyError) -> Self {
        tracing::error!(%error, "a TOTP key could not be opened or sealed; see docs/OPERATIONS.md, Secret key");
        ApiError::Internal
    }
}

impl From<LifecycleError> for ApiError {
    /// The staff lifecycle's refusals: input naming its field 400 (a weak new password names `password`), a token
    /// for an account without the second factor its clinic requires 409 `totp_required`, the store's own mapping
    /// otherwise; a password that could not be hashed is a fault of ours, 500.
    fn from(error: LifecycleError) -> Self {
        match error {
            LifecycleError::Invalid { field, message } => ApiError::InvalidInput(InvalidInput::new(field, message)),
            e @ LifecycleError::TotpRequired { .. } => {
                ApiError::Conflict { code: "totp_required", message: e.to_string() }
            }
            LifecycleError::Password(PasswordError::Hash(error)) => {
                tracing::error!(%error, "a new password could not be hashed");
                ApiError::Internal
            }
            LifecycleError::Password(refused) => {
                ApiError::InvalidInput(InvalidInput::new("password", refused.to_string()))
            }
            LifecycleError::Store(e) => ApiError::from(e),
        }
    }
}

impl From<TreatmentError> for ApiError {
    /// The treatment workflow's refusals: each gate a 409 with its own code, an override by anyone but a
    /// prescriber 403, an incomplete REMS form 422 naming the first missing field.
    fn from(error: TreatmentError) -> Self {
        let conflict = |code: &'static str, message: String| ApiError::Conflict { code, message };
        match error {
            TreatmentError::Invalid(e) => ApiError::InvalidInput(e),
            TreatmentError::Store(e) => ApiError::from(e),
            TreatmentError::BpGate(m) => conflict("bp_gate", m),
            TreatmentError::MonitoringIncomplete(m) => conflict("monitoring_incomplete", m),
            TreatmentError::RemsEnrollment(m) => conflict("rems_enrollment", m),
            TreatmentError::Contraindication(m) => conflict("contraindication", m),
            TreatmentError::NoDose(m) => conflict("no_dose", m),
            TreatmentError::NotApplicable(m) => conflict("not_applicable", m),
            TreatmentError::BenefitReviewRequired(m) => conflict("benefit_review_required", m),
            e @ TreatmentError::OverrideNotAllowed { .. } => ApiError::OverrideNotAllowed(e.to_string()),
            TreatmentError::RemsIncomplete { message, field } => {
                ApiError::Unprocessable { code: "rems_form_incomplete", message, field }
            }
        }
    }
}

impl From<JsonError> for ApiError {
    /// A syntax error is `malformed_json`; a document of the wrong shape is `invalid_input` naming the field.
    fn from(error: JsonError) -> Self {
        match error {
            JsonError::Malformed(m) => ApiError::MalformedJson(m),
            JsonError::Invalid(e) => ApiError::InvalidInput(e),
        }
    }
}

impl From<StatsError> for ApiError {
    /// The registry statistics could not be computed: the store's own mapping, or 500 for a fault in stored data
    /// (already logged by the cache, by field name only).
    fn from(error: StatsError) -> Self {
        match error {
            StatsError::Store(e) => ApiError::from(e),
            StatsError::Internal(_) => ApiError::Internal,
        }
    }
}

/// True for paths whose clients are programs, which get JSON errors; people get HTML pages.
pub fn is_machine_path(path: &str) -> bool {
    const MACHINE_PREFIXES: [&str; 2] = ["/api", "/fhir"];
    const MACHINE_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];
    MACHINE_PREFIXES.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
        || MACHINE_PATHS.contains(&path)
}

/// Renders `error` as a FHIR OperationOutcome under `/fhir`, as JSON for other machine paths and as a page (with
/// the crisis contacts) for everything else.
pub fn respond(path: &str, demo: bool, error: ApiError) -> Response {
    if crate::fhir::is_fhir_path(path) {
        crate::fhir::outcome::FhirError::from(error).into_response()
    } else if is_machine_path(path) {
        error.into_response()
    } else {
        crate::pages::error_page(demo, &error, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_never_a_server_error() {
        let client_faults = [
            ApiError::InvalidInput(InvalidInput::new("items[0]", "bad")),
            ApiError::MalformedJson("x".into()),
            ApiError::UnsupportedMediaType,
            ApiError::NotAcceptable,
            ApiError::FormatUnavailable("x".into()),
            ApiError::PayloadTooLarge { limit_bytes: 1 },
            ApiError::BadRequest("x".into()),
            ApiError::UnknownInstrument("x".into()),
            ApiError::Unauthorized("x".into()),
            ApiError::Forbidden("x".into()),
            ApiError::OverrideNotAllowed("x".into()),
            ApiError::NotFound,
            ApiError::Conflict { code: "bp_gate", message: "x".into() },
            ApiError::Unprocessable { code: "rems_form_incomplete", message: "x".into(), field: "hcp.phone".into() },
            ApiError::MethodNotAllowed,
            ApiError::RateLimited { retry_after_secs: 1 },
            ApiError::Timeout,
        ];
        for error in client_faults {
            assert!(error.status().is_client_error(), "{error:?} answered {}", error.status());
        }
    }

    #[test]
    fn a_lost_database_is_a_503_and_a_cut_off_commit_says_so() {
        let lost = ApiError::from(StoreError::Unavailable(sqlx_io()));
        assert_eq!((lost.status(), lost.code()), (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"));
        let cut_off = ApiError::from(StoreError::CommitUnknown(sqlx_io()));
        assert_eq!((cut_off.status(), cut_off.code()), (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"));
        assert!(cut_off.to_string().contains("may or may not have been stored"), "{cut_off}");
        let response = cut_off.into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "5");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }

    fn sqlx_io() -> sqlx::Error {
        sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
    }

    #[test]
    fn body_names_the_field_and_nulls_it_when_absent() {
        let with_field = serde_json::to_value(ApiError::from(InvalidInput::new("items[3]", "too big")).body()).unwrap();
        assert_eq!(with_field["error"]["field"], "items[3]");
        assert_eq!(with_field["error"]["code"], "invalid_input");
        assert_eq!(with_field["error"]["message"], "too big");
        let without = serde_json::to_value(ApiError::NotFound.body()).unwrap();
        assert!(without["error"]["field"].is_null());
    }

    #[test]
    fn machine_paths_are_recognised_by_segment() {
        assert!(is_machine_path("/api"));
        assert!(is_machine_path("/api/v1/x"));
        assert!(is_machine_path("/fhir/r4/metadata"));
        assert!(is_machine_path("/healthz"));
        assert!(!is_machine_path("/apiary"));
        assert!(!is_machine_path("/about"));
        assert!(!is_machine_path("/"));
    }
}
