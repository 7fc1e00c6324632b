//! FHIR errors as OperationOutcome resources, from the same [`ApiError`] table as every other error, so a status
//! means the same thing under `/fhir` as under `/api`.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::fhir_json;
use crate::error::{ApiError, add_retry_after};

/// An error on a FHIR route, answered as an OperationOutcome. `diagnostics` defaults to the error's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirError {
    pub error: ApiError,
    pub diagnostics: String,
}

impl FhirError {
    /// 404 for a resource type the server has but an id it does not.
    pub fn unknown_id(resource_type: &str, id: &str) -> Self {
        // The id is echoed for the reader; it is capped so the answer stays small whatever was asked.
        let shown: String = id.chars().take(64).collect();
        Self { error: ApiError::NotFound, diagnostics: format!("no {resource_type} with id {shown:?}") }
    }
}

impl From<ApiError> for FhirError {
    fn from(error: ApiError) -> Self {
        let diagnostics = error.to_string();
        Self { error, diagnostics }
    }
}

/// The FHIR `issue-type` code for each error of the table.
pub fn issue_code(error: &ApiError) -> &'static str {
    match error {
        ApiError::InvalidInput(_) | ApiError::BadRequest(_) => "invalid",
        ApiError::MalformedJson(_) => "structure",
        ApiError::UnsupportedMediaType
        | ApiError::NotAcceptable
        | ApiError::FormatUnavailable(_)
        | ApiError::MethodNotAllowed => "not-supported",
        ApiError::PayloadTooLarge { .. } => "too-costly",
        ApiError::UnknownInstrument(_) | ApiError::NotFound => "not-found",
        ApiError::RateLimited { .. } => "throttled",
        ApiError::Unauthorized(_) => "login",
        ApiError::Forbidden(_) | ApiError::OverrideNotAllowed(_) => "forbidden",
        ApiError::Conflict { .. } => "conflict",
        ApiError::Unprocessable { .. } => "business-rule",
        ApiError::Timeout => "timeout",
        ApiError::NotReady(_) | ApiError::DatabaseUnavailable(_) => "transient",
        ApiError::Internal => "exception",
    }
}

/// The OperationOutcome document of an error.
pub fn document(error: &FhirError) -> Value {
    let mut issue = json!({
        "severity": if error.error.status().is_server_error() { "fatal" } else { "error" },
        "code": issue_code(&error.error),
        "details": {"text": error.error.code()},
        "diagnostics": error.diagnostics,
    });
    if let Some(field) = error.error.field() {
        issue["expression"] = json!([field]);
    }
    json!({"resourceType": "OperationOutcome", "issue": [issue]})
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        let mut response = fhir_json(self.error.status(), &document(&self), "no-store");
        add_retry_after(&self.error, &mut response);
        if matches!(self.error, ApiError::NotAcceptable) {
            // Tell the client what it can have.
            response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_an_issue_code_and_not_found_names_the_id() {
        let outcome = document(&FhirError::unknown_id("Questionnaire", "phq-10"));
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert_eq!(outcome["issue"][0]["code"], "not-found");
        assert_eq!(outcome["issue"][0]["severity"], "error");
        assert!(outcome["issue"][0]["diagnostics"].as_str().unwrap().contains("phq-10"));
        let long = FhirError::unknown_id("Questionnaire", &"x".repeat(10_000));
        assert!(long.diagnostics.len() < 200);
        assert_eq!(document(&ApiError::Internal.into())["issue"][0]["severity"], "fatal");
    }
}
