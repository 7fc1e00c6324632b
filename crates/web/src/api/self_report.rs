//! Self-report links for staff: `POST`/`GET /api/v1/patients/{id}/self-report-links`, the planned links of
//! `POST /api/v1/patients/{id}/self-report-links/plan`, and the dashboard's `GET /api/v1/self-report-alerts`.
//!
//! A new link's URL (`/r/{token}`) is in the `201` answer only: the store keeps the token's SHA-256, so no later
//! answer, log or audit event can show it again. Staff pass the link on by copy or print; no e-mail is sent.
//! Every route takes [`ClinicStaff`], so another clinic's patient answers 404 like a missing one.

use axum::http::StatusCode;
use axum::response::Response;
use ketapath_care::self_report::{self, LinkStatus};
use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::measurement::LinkToken;
use ketapath_store::domain::{PatientId, SelfReportAlert, SelfReportLink};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::openapi::codes;
use super::openapi_responses::NotJson;
use super::openapi_schemas::Error;
use super::private_json;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, PatientPath};
use crate::pages::self_report::PREFIX;

/// The body of `POST /api/v1/patients/{id}/self-report-links` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SelfReportLinkRequest)]
pub struct LinkRequest {
    #[serde(default)]
    #[schema(required = true, schema_with = instruments)]
    instrument: Option<String>,
    #[serde(default)]
    #[schema(value_type = i64, minimum = 1, maximum = 336, default = 72)]
    expires_in_hours: Option<i64>,
}

/// The instruments a self-report link can carry.
fn instruments() -> ObjectBuilder {
    codes([Instrument::Phq9.code()])
}

impl LinkRequest {
    fn parse(self) -> Result<(Instrument, Duration), InvalidInput> {
        Ok((self_report::instrument(self.instrument.as_deref())?, self_report::lifetime(self.expires_in_hours)?))
    }
}

/// The body of `POST /api/v1/patients/{id}/self-report-links/plan` as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The last instant to plan links for (RFC 3339); 28 days from now when absent.
    #[serde(default)]
    #[schema(value_type = String, format = DateTime)]
    horizon: Option<String>,
}

/// A link as the API lists it: never its token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SelfReportLink)]
pub(crate) struct LinkDoc {
    id: String,
    #[schema(schema_with = instruments)]
    instrument: &'static str,
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

fn rfc3339(at: OffsetDateTime) -> Result<String, ApiError> {
    at.format(&Rfc3339).map_err(|_| ApiError::Internal)
}

impl LinkDoc {
    fn of(link: &SelfReportLink, now: OffsetDateTime) -> Result<Self, ApiError> {
        Ok(Self {
            id: link.id.to_text(),
            instrument: link.instrument.code(),
            status: LinkStatus::of(link, now),
            created_at: rfc3339(link.created_at)?,
            expires_at: rfc3339(link.expires_at)?,
            used_at: link.used_at.map(rfc3339).transpose()?,
            assessment_id: link.assessment_id.map(|a| a.to_text()),
        })
    }
}

/// A new link with its one-time URL.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CreatedSelfReportLink)]
pub(crate) struct CreatedLink {
    #[serde(flatten)]
    link: LinkDoc,
    /// The path to give the patient (`/r/{token}`); shown this once.
    #[schema(examples("/r/3q2-7wEAAAB…"))]
    url: String,
}

/// A planned link, created, with when it falls due.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PlannedSelfReportLink)]
pub(crate) struct PlannedDoc {
    #[serde(flatten)]
    created: CreatedLink,
    #[schema(format = DateTime)]
    due_at: String,
    #[schema(inline)]
    anchor: ketapath_clinical::measurement::LinkAnchor,
    rules: Vec<String>,
}

/// The answer listing a patient's links.
#[derive(Debug, Serialize, ToSchema)]
struct LinkList {
    links: Vec<LinkDoc>,
}

/// The answer of planning links.
#[derive(Debug, Serialize, ToSchema)]
struct PlannedLinks {
    /// Started sessions the plan counted
    #[schema(value_type = i64)]
    doses: usize,
    links: Vec<PlannedDoc>,
}

/// The clinic's self-report alerts.
#[derive(Debug, Serialize, ToSchema)]
struct AlertList {
    alerts: Vec<AlertDoc>,
}

/// The path to give the patient (`/r/{token}`).
fn url_of(token: &LinkToken) -> String {
    format!("{PREFIX}{}", token.as_str())
}

/// Creates one link in the scope and returns it with its URL.
async fn create_link(
    staff: &ClinicStaff,
    patient: PatientId,
    instrument: Instrument,
    expires_at: OffsetDateTime,
) -> Result<CreatedLink, ApiError> {
    let (link, token) = self_report::issue(&staff.scope, patient, instrument, expires_at).await?;
    Ok(CreatedLink { link: LinkDoc::of(&link, staff.store.now())?, url: url_of(&token) })
}

/// Creates a PHQ-9 self-report link open for `hours` (checked as the API checks `expires_in_hours`; `None` is
/// the default) and returns it with its one-time URL path, which is never stored: the portal's form calls this.
pub(crate) async fn create_for_portal(
    scope: &ketapath_store::ClinicScope,
    patient: PatientId,
    hours: Option<i64>,
    now: OffsetDateTime,
) -> Result<(SelfReportLink, String), ApiError> {
    let lifetime = self_report::lifetime(hours)?;
    let (link, token) = self_report::issue(scope, patient, Instrument::Phq9, now + lifetime).await?;
    Ok((link, url_of(&token)))
}

/// `POST /api/v1/patients/{id}/self-report-links`.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/self-report-links",
    operation_id = "createSelfReportLink",
    summary = "Create a one-time, expiring self-report link for a patient",
    description = "The answer's `url` (`/r/{token}`) is shown this once: only the token's SHA-256 is stored. Give it to the patient by copy or print. It works once and expires after `expires_in_hours` (default 72, at most 336).",
    params(PatientPath),
    request_body = LinkRequest,
    responses(
        (status = 201, description = "The link with its one-time URL", body = CreatedLink),
        (status = 400, description = "Invalid input (`invalid_input`, naming `instrument` or `expires_in_hours`) or a body that is not JSON (`malformed_json`)", body = Error),
        NotJson,
    )
)]
pub async fn create(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Response, ApiError> {
    let (instrument, lifetime) = request.parse()?;
    let created = create_link(&staff, patient, instrument, staff.store.now() + lifetime).await?;
    let mut response = private_json(&created);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `GET /api/v1/patients/{id}/self-report-links`: newest first, with their status and never their token.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/self-report-links",
    operation_id = "listSelfReportLinks",
    summary = "A patient's self-report links with their status, newest first (never their tokens)",
    params(PatientPath),
    responses(
        (status = 200, description = "The links", body = inline(LinkList)),
    )
)]
pub async fn list(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let links = staff.scope.self_report_links(id).await?;
    let now = staff.store.now();
    let docs = links.iter().map(|l| LinkDoc::of(l, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&LinkList { links: docs }))
}

/// `POST /api/v1/patients/{id}/self-report-links/plan`: creates the links the clinic's schedule plans after the
/// patient's sessions (by default 24 hours after each dose, then weekly, each open 72 hours), skipping any whose
/// time has passed. Each answer carries the link's URL, when it falls due and the dose it follows.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/self-report-links/plan",
    operation_id = "planSelfReportLinks",
    summary = "Create the self-report links the schedule plans after the patient's sessions",
    description = "By default a link 24 hours after each started session, then weekly until the next session or `horizon` (default 28 days from now), each open 72 hours or until the next link falls due (rules `measurement.self_report.schedule` and `measurement.self_report.expiry`). Links whose time has passed are skipped. A link can be answered from its creation; `due_at` says when to give it to the patient.",
    params(PatientPath),
    request_body = inline(PlanRequest),
    responses(
        (status = 201, description = "The links created, each with its one-time URL", body = inline(PlannedLinks)),
        (status = 400, description = "Invalid input (`invalid_input`, naming `horizon`) or a body that is not JSON (`malformed_json`)", body = Error),
        NotJson,
    )
)]
pub async fn plan(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(request): ApiJson<PlanRequest>,
) -> Result<Response, ApiError> {
    let now = staff.store.now();
    let horizon = match request.horizon.as_deref() {
        None => now + Duration::days(self_report::DEFAULT_PLAN_DAYS),
        Some(raw) => OffsetDateTime::parse(raw, &Rfc3339)
            .map_err(|_| InvalidInput::new("horizon", "must be an RFC 3339 date and time"))?,
    };
    let plan = self_report::plan(&staff.scope, patient, horizon, now).await?;
    let mut out = Vec::new();
    for (planned, link, token) in plan.links {
        let created = CreatedLink { link: LinkDoc::of(&link, now)?, url: url_of(&token) };
        out.push(PlannedDoc {
            created,
            due_at: rfc3339(planned.due_at)?,
            anchor: planned.anchor,
            rules: planned.rules,
        });
    }
    let mut response = private_json(&PlannedLinks { doses: plan.doses, links: out });
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// An alert as the dashboard lists it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SelfReportAlert)]
pub(crate) struct AlertDoc {
    id: String,
    patient_id: String,
    assessment_id: String,
    #[schema(schema_with = alert_levels)]
    level: String,
    #[schema(value_type = i64, minimum = 1, maximum = 3)]
    item9: u8,
    #[schema(value_type = i64)]
    total: u16,
    message: String,
    #[schema(format = DateTime)]
    created_at: String,
}

/// The levels a self-report alert is raised at.
fn alert_levels() -> ObjectBuilder {
    codes(["urgent", "emergency"])
}

impl AlertDoc {
    fn of(a: SelfReportAlert) -> Result<Self, ApiError> {
        Ok(Self {
            id: a.id.to_text(),
            patient_id: a.patient_id.to_text(),
            assessment_id: a.assessment_id.to_text(),
            level: a.level,
            item9: a.item9,
            total: a.total,
            message: a.message,
            created_at: rfc3339(a.created_at)?,
        })
    }
}

/// `GET /api/v1/self-report-alerts`: the clinic's alerts from returned self-reports, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/self-report-alerts",
    operation_id = "listSelfReportAlerts",
    summary = "The clinic's alerts from returned self-reports (PHQ-9 item 9 above 0), newest first",
    responses(
        (status = 200, description = "The alerts", body = inline(AlertList)),
    )
)]
pub async fn alerts(staff: ClinicStaff) -> Result<Response, ApiError> {
    let alerts = staff.scope.self_report_alerts().await?;
    let docs = alerts.into_iter().map(AlertDoc::of).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&AlertList { alerts: docs }))
}
