//! `PUT /api/v1/clinic/listing`: a clinic admin changes the clinic's own listing (a platform admin any listing,
//! naming it with `?clinic=ID`). The body is any subset of the public clinic record's fields in the same shape;
//! fields left out keep their value; each bad field answers 400 naming it. Saving stamps `last_verified` with the
//! clinic's today and `verified_by: "clinic"` (`"platform"` for a platform admin) through
//! `ketapath_care::listing`, and answers the public record as `GET /api/v1/clinics/{id}` will show it.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use ketapath_directory::model::OpeningHours;
use ketapath_directory::{Language, Offers, Payments};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::clinics::{ClinicAnswer, answer};
use super::openapi_responses::JsonBody;
use super::openapi_schemas::Error;
use crate::auth::StaffActor;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

/// The query of the route: which clinic a platform admin changes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingQuery {
    /// The clinic whose listing a platform admin changes; a clinic admin may leave it out (it must be their own)
    pub clinic: Option<String>,
}

/// The fields a clinic changes, each optional, in the public record's shape.
// Mirror for the document: the handler reads the body as JSON and checks it with `ListingUpdate::from_json`.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ListingChange {
    /// A US phone number (10 digits), or null to remove it
    phone: Option<String>,
    /// An https:// address, or null to remove it
    website: Option<String>,
    offers: Option<Offers>,
    payment: Option<Payments>,
    /// Named insurance plans accepted, such as "Aetna" or "Medicaid (Ohio)": at most 40, each 1 to 80 characters
    /// on one line without `;`; repeats in another case are kept once; `[]` or null removes every plan
    insurance_plans: Option<Vec<String>>,
    telehealth: Option<bool>,
    languages: Option<Vec<Language>>,
    accepting_new_patients: Option<bool>,
    /// The weekly opening hours; each entry's `opens` before its `closes`
    hours: Option<Vec<OpeningHours>>,
    /// Plan-Net accessibility codes (adacomp, anssrvc, cognitive, cultcomp, handiaccess, mobility, pubtrans)
    accessibility: Option<Vec<String>>,
    /// A short description, at most 1000 characters, or null to remove it
    description: Option<String>,
}

/// `PUT /api/v1/clinic/listing`.
#[utoipa::path(
    put,
    path = "/api/v1/clinic/listing",
    operation_id = "putClinicListing",
    summary = "Change and verify the clinic's own listing (clinic admins)",
    description = "Any subset of the public clinic record's editable fields, in the same shape; fields left out keep \
their value. Saving stamps `last_verified` with the clinic's today and `verified_by: \"clinic\"` (`\"platform\"` when a \
platform admin, who names the clinic with `?clinic=ID`, saves it), and every server's search shows the change within \
seconds. A later CSV import keeps a field the clinic verified more recently. Other roles answer 403.",
    params(ListingQuery),
    request_body = ListingChange,
    responses(
        (status = 200, description = "The listing as the public record now shows it", body = ClinicAnswer),
        (status = 400, description = "A bad or unknown field (`invalid_input`, naming it)", body = Error),
        (status = 404, description = "No such clinic, or another clinic than the caller's (`not_found`)", body = Error),
        JsonBody,
    )
)]
pub async fn put(
    State(state): State<AppState>,
    staff: StaffActor,
    Query(query): Query<ListingQuery>,
    ApiJson(document): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let clinic = ketapath_care::listing::listing_clinic(&staff.actor, query.clinic.as_deref())?;
    let saved = ketapath_care::listing::update_listing(staff.store(), &staff.actor, &clinic, &document).await?;
    let mut response = answer(&state, &saved).await.into_response();
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}
