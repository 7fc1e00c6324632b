//! `GET`/`PUT /api/v1/clinic/protocol-settings`: the clinic's thresholds and times, each shown with its rule,
//! source and whether it is verified. Clinic admins and prescribers may change them; nurses read them.

use axum::response::Response;
use ketapath_clinical::protocols::ProtocolSettings;
use ketapath_clinical::rule::{Confidence, RuleRef};
use ketapath_store::domain::StaffId;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::openapi_responses::TreatmentBad;
use super::{private_json, rfc3339_opt};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::ApiJson;

/// The clinic's settings: the values in force, each described with its rule, and who changed them last. The fields
/// stand in alphabetical order, the order this answer had when it was built as a JSON map.
#[derive(Serialize, ToSchema)]
#[schema(as = ProtocolSettings)]
pub struct SettingsDoc {
    settings: Vec<SettingDoc>,
    #[schema(format = DateTime, required = true)]
    updated_at: Option<String>,
    #[schema(value_type = Option<String>, required = true)]
    updated_by: Option<StaffId>,
    /// The settings document in force, defaults filled in.
    #[schema(value_type = Object)]
    values: Value,
}

/// One setting with its default, its rule and the rule's source and confidence.
#[derive(Serialize, ToSchema)]
#[schema(as = ProtocolSetting)]
pub struct SettingDoc {
    changed: bool,
    confidence: Confidence,
    /// A number, a boolean or null, as `value`.
    default: Value,
    label: &'static str,
    /// The dotted path into the settings document (`bp_gate.esketamine_nasal.systolic_max`).
    name: &'static str,
    rule: RuleRef,
    source: &'static str,
    #[schema(required = true)]
    unit: Option<&'static str>,
    value: Value,
    verified: bool,
}

impl SettingsDoc {
    async fn of(staff: &ClinicStaff) -> Result<Self, ApiError> {
        let saved = staff.scope.protocol_settings().await?;
        let settings = ketapath_care::treatment::protocol_settings(&staff.scope).await?;
        let values = serde_json::to_value(&settings).map_err(|_| ApiError::Internal)?;
        let described = settings
            .describe()
            .into_iter()
            .map(|s| SettingDoc {
                changed: s.changed,
                confidence: s.rule.confidence,
                default: s.default,
                label: s.label,
                name: s.name,
                rule: s.rule.reference(),
                source: s.rule.source,
                unit: s.unit,
                value: s.value,
                verified: s.verified,
            })
            .collect();
        Ok(SettingsDoc {
            settings: described,
            updated_at: rfc3339_opt(saved.as_ref().map(|s| s.updated_at))?,
            updated_by: saved.and_then(|s| s.updated_by),
            values,
        })
    }
}

/// `GET /api/v1/clinic/protocol-settings`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/protocol-settings",
    operation_id = "getProtocolSettings",
    summary = "The clinic's protocol settings, each with its rule, source and whether verified",
    responses(
        (status = 200, description = "The settings", body = SettingsDoc),
    )
)]
pub async fn get(staff: ClinicStaff) -> Result<Response, ApiError> {
    Ok(private_json(&SettingsDoc::of(&staff).await?))
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
    responses(
        (status = 200, description = "The settings", body = SettingsDoc),
        TreatmentBad,
    )
)]
pub async fn put(staff: ClinicStaff, ApiJson(document): ApiJson<Value>) -> Result<Response, ApiError> {
    let checked = ProtocolSettings::from_json(&document)?;
    let values = serde_json::to_value(&checked).map_err(|_| ApiError::Internal)?;
    staff.scope.put_protocol_settings(&values).await?;
    Ok(private_json(&SettingsDoc::of(&staff).await?))
}
