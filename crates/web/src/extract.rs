//! Extractors that turn raw requests into typed values and reject with [`ApiError`], so that every rejection,
//! including axum's own (bad content type, oversized body, syntax error), has the one error shape; and [`Db`], the
//! store of a handler that needs the database.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

mod store;
pub use store::Db;

/// A JSON request body of type `T`.
///
/// Requires `Content-Type: application/json` (or a `+json` type), at most `body_limit_bytes` long. Syntax errors
/// answer `malformed_json`; a well-formed document of the wrong shape answers `invalid_input` naming the field.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit_bytes = state.config.body_limit_bytes;
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit_bytes }
            } else {
                ApiError::BadRequest("the request body could not be read".into())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON document into `T` with [`ketapath_care::json::parse`], as the API's error shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    ketapath_care::json::parse(bytes).map_err(ApiError::from)
}

/// `application/json`, `application/json; charset=utf-8`, or any `application/*+json`.
fn has_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Path parameters of type `T`; a segment that does not decode answers 400 `bad_request`.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::BadRequest(format!("bad path: {}", rejection.body_text())))
    }
}

/// Declares an extractor of one record's `{id}` path segment, parsed into the store's id type, that also names the
/// parameter in the OpenAPI document (`params(SessionPath)`): one type both reads and documents the path. A
/// segment that is not such an id cannot name a record: the same 404 as an unknown one.
macro_rules! record_path {
    ($($(#[$doc:meta])* $name:ident => $id:ty;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, utoipa::IntoParams)]
        #[into_params(parameter_in = Path)]
        pub struct $name {
            #[param(value_type = String)]
            pub id: $id,
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
                let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
                <$id>::parse("id", &raw).map(|id| $name { id }).map_err(|_| ApiError::NotFound)
            }
        }
    )+};
}

record_path! {
    /// `{id}` naming a patient.
    PatientPath => ketapath_store::domain::PatientId;
    /// `{id}` naming a course.
    CoursePath => ketapath_store::domain::CourseId;
    /// `{id}` naming a session.
    SessionPath => ketapath_store::domain::SessionId;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        #[allow(dead_code)]
        items: Vec<u8>,
    }

    #[test]
    fn wrong_types_name_the_path() {
        let error = parse_json::<Doc>(br#"{"items": [1, "x"]}"#).unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert_eq!(error.field(), Some("items[1]"));
        assert!(!error.to_string().contains("line 1"), "{error}");
    }

    #[test]
    fn a_nul_character_in_a_string_or_key_is_refused_naming_its_field() {
        let nested = br#"{"trials": [{"drug": "ok"}, {"drug": "a\u0000b"}]}"#;
        let error = parse_json::<serde_json::Value>(nested).unwrap_err();
        assert_eq!((error.code(), error.field()), ("invalid_input", Some("trials[1].drug")));
        let key = parse_json::<serde_json::Value>(br#"{"demographics": {"x\u0000": 1}}"#).unwrap_err();
        assert_eq!(key.field(), Some("demographics.x\0"));
        // An escaped backslash before `u0000` is text, not a NUL: the document parses.
        let text = parse_json::<serde_json::Value>(br#"{"note": "C:\\u0000"}"#).unwrap();
        assert_eq!(text["note"], "C:\\u0000");
    }

    #[test]
    fn syntax_errors_and_trailing_data_are_malformed() {
        assert_eq!(parse_json::<serde_json::Value>(b"{\"items\": [1,").unwrap_err().code(), "malformed_json");
        assert_eq!(parse_json::<serde_json::Value>(b"{} {}").unwrap_err().code(), "malformed_json");
        assert_eq!(parse_json::<serde_json::Value>(b"").unwrap_err().code(), "malformed_json");
    }

    #[test]
    fn content_types() {
        let accepts = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            has_json_content_type(&headers)
        };
        assert!(accepts("application/json"));
        assert!(accepts("Application/JSON; charset=utf-8"));
        assert!(accepts("application/fhir+json"));
        assert!(!accepts("text/plain"));
        assert!(!accepts("application/x-www-form-urlencoded"));
        assert!(!has_json_content_type(&HeaderMap::new()));
    }
}
