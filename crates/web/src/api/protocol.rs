//! `GET`/`PUT /api/v1/clinic/protocol-settings`: the clinic's thresholds and times, each shown with its rule,
//! source and whether it is verified. Clinic admins and prescribers may change them; nurses read them.

use axum::response::Response;
use ketapath_clinical::protocols::ProtocolSettings;
use serde_json::{Value, json};

use super::openapi_responses::TreatmentBad;
use super::{private_json, rfc3339_opt};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::ApiJson;

async fn doc(staff: &ClinicStaff) -> Result<Value, ApiError> {
    let saved = staff.scope.protocol_settings().await?;
    let settings = ketapath_care::treatment::protocol_settings(&staff.scope).await?;
    let values = serde_json::to_value(&settings).map_err(|_| ApiError::Internal)?;
    let described: Vec<Value> = settings
        .describe()
        .into_iter()
        .map(|s| {
            json!({
                "name": s.name, "label": s.label, "unit": s.unit, "value": s.value, "default": s.default,
                "changed": s.changed, "verified": s.verified,
                "rule": s.rule.reference(), "source": s.rule.source, "confidence": s.rule.confidence,
            })
        })
        .collect();
    Ok(json!({
        "values": values,
        "settings": described,
        "updated_at": rfc3339_opt(saved.as_ref().map(|s| s.updated_at))?,
        "updated_by": saved.and_then(|s| s.updated_by),
    }))
}

/// `GET /api/v1/clinic/protocol-settings`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/protocol-settings",
    operation_id = "getProtocolSettings",
    summary = "The clinic's protocol settings, each with its rule, source and whether verified",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The settings", body = super::openapi_treatment::ProtocolSettings),
    )
)]
pub async fn get(staff: ClinicStaff) -> Result<Response, ApiError> {
    Ok(private_json(&doc(&staff).await?))
}

/// `PUT /api/v1/clinic/protocol-settings`: a settings document (missing keys take their defaults), checked by
/// the rules (400 naming the setting) before it is saved.
#[utoipa::path(
    put,
    path = "/api/v1/clinic/protocol-settings",
    operation_id = "putProtocolSettings",
    summary = "Change the clinic's protocol settings (clinic admins and prescribers)",
    description = "A settings document; missing keys take their defaults; a value outside its allowed range answers 400 naming it.",
    request_body = super::openapi_treatment::ProtocolSettingsRequest,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The settings", body = super::openapi_treatment::ProtocolSettings),
        TreatmentBad,
    )
)]
pub async fn put(staff: ClinicStaff, ApiJson(document): ApiJson<Value>) -> Result<Response, ApiError> {
    let checked = ProtocolSettings::from_json(&document)?;
    let values = serde_json::to_value(&checked).map_err(|_| ApiError::Internal)?;
    staff.scope.put_protocol_settings(&values).await?;
    Ok(private_json(&doc(&staff).await?))
}
