//! The schemas of the self-report routes ([`super::self_report`]) as types the OpenAPI document derives from; they
//! mirror the JSON the handlers write, and only the document uses them.

// These types exist to be described, never built or read: the derive is their only use.
#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum SelfReportInstrument {
    Phq9,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum LinkStatus {
    Pending,
    Used,
    Expired,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReportLinkRequest {
    #[schema(inline)]
    instrument: SelfReportInstrument,
    #[schema(minimum = 1, maximum = 336, default = 72)]
    #[serde(default)]
    expires_in_hours: i64,
}

/// The body of planning links.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanRequest {
    #[serde(default)]
    #[schema(format = DateTime)]
    horizon: String,
}

/// A link as listed: never its token.
#[derive(Deserialize, ToSchema)]
pub struct SelfReportLink {
    id: String,
    #[schema(inline)]
    instrument: SelfReportInstrument,
    #[schema(inline)]
    status: LinkStatus,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
    #[schema(format = DateTime)]
    used_at: Option<String>,
    assessment_id: Option<String>,
}

/// A new link with its one-time URL.
#[derive(Deserialize, ToSchema)]
pub struct CreatedSelfReportLink {
    id: String,
    #[schema(examples("/r/3q2-7wEAAAB…"))]
    url: String,
    #[schema(required = false, inline)]
    instrument: SelfReportInstrument,
    #[schema(inline)]
    status: LinkStatus,
    #[serde(default)]
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
    #[schema(format = DateTime)]
    used_at: Option<String>,
    assessment_id: Option<String>,
}

/// A planned link, created, with when it falls due.
#[derive(Deserialize, ToSchema)]
pub struct PlannedSelfReportLink {
    id: String,
    #[schema(examples("/r/3q2-7wEAAAB…"))]
    url: String,
    #[schema(format = DateTime)]
    due_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
    #[schema(required = false, inline)]
    instrument: SelfReportInstrument,
    #[schema(required = false, inline)]
    status: LinkStatus,
    #[serde(default)]
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    used_at: Option<String>,
    assessment_id: Option<String>,
    #[serde(default)]
    #[schema(inline)]
    anchor: Anchor,
    #[serde(default)]
    rules: Vec<String>,
}

#[derive(Default, Deserialize, ToSchema)]
struct Anchor {
    #[serde(default)]
    #[schema(format = DateTime)]
    dose_at: String,
    #[serde(default)]
    #[schema(inline)]
    kind: AnchorKind,
    #[serde(default)]
    number: i64,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum AnchorKind {
    #[default]
    AfterDose,
    Repeat,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum AlertLevel {
    Urgent,
    Emergency,
}

#[derive(Deserialize, ToSchema)]
pub struct SelfReportAlert {
    id: String,
    patient_id: String,
    assessment_id: String,
    #[schema(inline)]
    level: AlertLevel,
    #[schema(minimum = 1, maximum = 3)]
    item9: i64,
    total: i64,
    message: String,
    #[schema(format = DateTime)]
    created_at: String,
}

/// The answer listing a patient's links.
#[derive(Deserialize, ToSchema)]
pub(crate) struct LinkList {
    links: Vec<SelfReportLink>,
}

/// The answer of planning links.
#[derive(Deserialize, ToSchema)]
pub(crate) struct PlannedLinks {
    /// Started sessions the plan counted
    doses: i64,
    links: Vec<PlannedSelfReportLink>,
}

/// The clinic's self-report alerts.
#[derive(Deserialize, ToSchema)]
pub(crate) struct AlertList {
    alerts: Vec<SelfReportAlert>,
}
