//! FHIR R4 under `/fhir/r4`: the one table of FHIR routes, JSON content negotiation, and the modules that build
//! the resources (Questionnaires from the instrument specs, the CapabilityStatement from the route table).
//!
//! The CapabilityStatement is derived from [`routes`], so it can only claim what is routed. To add a resource,
//! add its routes to [`routes`] (one line each) in a module of its own; `metadata` follows by construction.
//! Only JSON is served (`application/fhir+json`); errors are OperationOutcomes ([`outcome`]).

pub mod capability;
pub mod location;
pub mod outcome;
pub mod questionnaire;

use axum::extract::{FromRequestParts, Query};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;
use outcome::FhirError;

/// The base path of the FHIR R4 endpoint.
pub const BASE: &str = "/fhir/r4";

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The media type of every FHIR response.
pub const FHIR_JSON: &str = "application/fhir+json";

/// A FHIR interaction a route implements; the CapabilityStatement lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interaction {
    /// `GET /fhir/r4/metadata`: the CapabilityStatement itself (not listed as a resource interaction).
    Capabilities,
    /// `GET /fhir/r4/{type}/{id}`.
    Read { resource: &'static str },
    /// `GET /fhir/r4/{type}?params`.
    SearchType { resource: &'static str, params: &'static [SearchParam] },
}

impl Interaction {
    /// The resource type the interaction is on, `None` for system-level ones.
    pub fn resource(&self) -> Option<&'static str> {
        match self {
            Interaction::Capabilities => None,
            Interaction::Read { resource } | Interaction::SearchType { resource, .. } => Some(resource),
        }
    }

    /// The code of the interaction in `CapabilityStatement.rest.resource.interaction`.
    pub fn code(&self) -> &'static str {
        match self {
            Interaction::Capabilities => "capabilities",
            Interaction::Read { .. } => "read",
            Interaction::SearchType { .. } => "search-type",
        }
    }
}

/// A search parameter a search-type route supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchParam {
    pub name: &'static str,
    /// FHIR search parameter type: `token`, `string`, `special`, ...
    pub kind: &'static str,
    pub documentation: &'static str,
}

/// One FHIR route: path (axum syntax), the interaction it implements, and its handler.
pub struct FhirRoute {
    pub path: &'static str,
    pub interaction: Interaction,
    /// One sentence for the CapabilityStatement's resource documentation.
    pub documentation: &'static str,
    pub(crate) handler: MethodRouter<AppState>,
}

impl FhirRoute {
    fn get<H: Handler<T, AppState>, T: 'static>(
        path: &'static str,
        interaction: Interaction,
        documentation: &'static str,
        handler: H,
    ) -> Self {
        Self { path, interaction, documentation, handler: get(handler) }
    }

    /// Who may call the route: anyone. The FHIR routes serve the public directory and the instruments' public
    /// Questionnaires, never patient data; the access matrix reads this, as it reads the API's table.
    pub fn access(&self) -> crate::routes::Access {
        crate::routes::Access::Public
    }
}

impl std::fmt::Debug for FhirRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GET {} ({})", self.path, self.interaction.code())
    }
}

/// Every FHIR route. The router registers them and the CapabilityStatement is built from them.
pub fn routes() -> Vec<FhirRoute> {
    vec![
        FhirRoute::get(
            "/fhir/r4/metadata",
            Interaction::Capabilities,
            "This CapabilityStatement",
            capability::metadata,
        ),
        FhirRoute::get(
            "/fhir/r4/Questionnaire/{id}",
            Interaction::Read { resource: "Questionnaire" },
            questionnaire::DOCUMENTATION,
            questionnaire::read,
        ),
        FhirRoute::get(
            "/fhir/r4/Location",
            Interaction::SearchType { resource: "Location", params: location::LOCATION_PARAMS },
            location::LOCATION_DOCUMENTATION,
            location::search_locations,
        ),
        FhirRoute::get(
            "/fhir/r4/Location/{id}",
            Interaction::Read { resource: "Location" },
            "Read one clinic site by id",
            location::read_location,
        ),
        FhirRoute::get(
            "/fhir/r4/HealthcareService",
            Interaction::SearchType { resource: "HealthcareService", params: location::SERVICE_PARAMS },
            location::SERVICE_DOCUMENTATION,
            location::search_services,
        ),
        FhirRoute::get(
            "/fhir/r4/HealthcareService/{id}",
            Interaction::Read { resource: "HealthcareService" },
            "Read one clinic's services by id ({Location id}-svc)",
            location::read_service,
        ),
        FhirRoute::get(
            "/fhir/r4/Organization/{id}",
            Interaction::Read { resource: "Organization" },
            location::ORGANIZATION_DOCUMENTATION,
            location::read_organization,
        ),
    ]
}

/// True for `/fhir` and every path below it: their errors are OperationOutcomes.
pub fn is_fhir_path(path: &str) -> bool {
    path == "/fhir" || path.starts_with("/fhir/")
}

/// A FHIR resource as a response: `application/fhir+json`.
pub fn fhir_json(status: StatusCode, resource: &Value, cache_control: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache_control)),
        ],
        resource.to_string(),
    )
        .into_response()
}

/// Proof that the client accepts JSON: the `_format` parameter when given, else the `Accept` header.
/// Anything else (XML, Turtle, HTML only) answers 406 with an OperationOutcome.
#[derive(Debug, Clone, Copy)]
pub struct AcceptsJson;

#[derive(Debug, Deserialize)]
struct FormatParam {
    #[serde(rename = "_format")]
    format: Option<String>,
}

/// Media types (and `_format` shorthands) that a JSON representation satisfies.
const JSON_TYPES: [&str; 7] =
    ["json", "application/fhir+json", "application/json", "application/json+fhir", "application/*", "*/*", "*"];

fn is_json_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    JSON_TYPES.contains(&essence.as_str())
}

/// True when `Accept` is absent or lists a JSON type (or a wildcard) without `q=0`.
pub fn accept_allows_json(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return true;
    }
    values.iter().flat_map(|v| v.split(',')).any(|range| {
        let refused = range.split(';').skip(1).any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        !refused && is_json_type(range)
    })
}

impl<S: Send + Sync> FromRequestParts<S> for AcceptsJson {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, FhirError> {
        let format = Query::<FormatParam>::from_request_parts(parts, state)
            .await
            .map_err(|_| FhirError::from(ApiError::BadRequest("the query string could not be read".into())))?;
        let acceptable = match &format.format {
            Some(requested) => is_json_type(requested),
            None => accept_allows_json(&parts.headers),
        };
        if acceptable { Ok(AcceptsJson) } else { Err(ApiError::NotAcceptable.into()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        accept_allows_json(&headers)
    }

    #[test]
    fn negotiation() {
        assert!(accept_allows_json(&HeaderMap::new()));
        assert!(accept("application/fhir+json"));
        assert!(accept("application/fhir+json; fhirVersion=4.0"));
        assert!(accept("text/html, application/xhtml+xml, */*;q=0.8"));
        assert!(accept("application/json"));
        assert!(!accept("application/fhir+xml"));
        assert!(!accept("text/html"));
        assert!(!accept("application/fhir+json;q=0, application/fhir+xml"));
        assert!(is_json_type("json") && !is_json_type("xml") && !is_json_type("ttl"));
    }

    #[test]
    fn fhir_paths() {
        assert!(is_fhir_path("/fhir") && is_fhir_path("/fhir/r4/metadata"));
        assert!(!is_fhir_path("/fhirst") && !is_fhir_path("/api/v1"));
    }
}
