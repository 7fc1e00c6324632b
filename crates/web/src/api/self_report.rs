//! Self-report links for staff: `POST`/`GET /api/v1/patients/{id}/self-report-links`, the planned links of
//! `POST /api/v1/patients/{id}/self-report-links/plan`, and the dashboard's `GET /api/v1/self-report-alerts`.
//!
//! A new link's URL (`/r/{token}`) is in the `201` answer only: the store keeps the token's SHA-256, so no later
//! answer, log or audit event can show it again. Staff pass the link on by copy or print; no e-mail is sent.
//! Every route takes [`ClinicStaff`], so another clinic's patient answers 404 like a missing one.

use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::measurement::{LinkToken, PlannedLink, SelfReportSettings, plan_links};
use ketapath_store::domain::{NewSelfReportLink, PatientId, SelfReportAlert, SelfReportLink};
use ketapath_store::new_link_secret;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::private_json;
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::pages::self_report::{PREFIX, token_hash};

/// Hours a link stays open when the request does not say (the clinic default of the expiry rule).
pub const DEFAULT_EXPIRES_IN_HOURS: u32 = 72;
/// The longest a link may stay open: two weeks, the PHQ-9's recall period.
pub const MAX_EXPIRES_IN_HOURS: u32 = 14 * 24;
/// How far ahead a plan looks when the request gives no horizon.
pub const DEFAULT_PLAN_DAYS: i64 = 28;

/// The body of `POST /api/v1/patients/{id}/self-report-links` as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    #[serde(default)]
    instrument: Option<String>,
    #[serde(default)]
    expires_in_hours: Option<i64>,
}

/// The instrument of a link: only the PHQ-9 has a self-report page.
fn instrument(raw: Option<&str>) -> Result<Instrument, InvalidInput> {
    let raw = raw.ok_or_else(|| InvalidInput::new("instrument", "is required"))?;
    let instrument = Instrument::parse(raw).map_err(|e| InvalidInput::new("instrument", e.message))?;
    if instrument != Instrument::Phq9 {
        return Err(InvalidInput::new("instrument", "self-report links are available for phq9 only"));
    }
    Ok(instrument)
}

impl LinkRequest {
    fn parse(self) -> Result<(Instrument, Duration), InvalidInput> {
        let instrument = instrument(self.instrument.as_deref())?;
        let hours = self.expires_in_hours.unwrap_or(i64::from(DEFAULT_EXPIRES_IN_HOURS));
        if !(1..=i64::from(MAX_EXPIRES_IN_HOURS)).contains(&hours) {
            return Err(InvalidInput::new(
                "expires_in_hours",
                format!("must be from 1 to {MAX_EXPIRES_IN_HOURS}; got {hours}"),
            ));
        }
        Ok((instrument, Duration::hours(hours)))
    }
}

/// The body of `POST /api/v1/patients/{id}/self-report-links/plan` as sent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The last instant to plan links for (RFC 3339); 28 days from now when absent.
    #[serde(default)]
    horizon: Option<String>,
}

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Pending,
    Used,
    Expired,
}

/// A link as the API lists it: never its token.
#[derive(Debug, Serialize)]
struct LinkDoc {
    id: String,
    instrument: &'static str,
    status: LinkStatus,
    created_at: String,
    expires_at: String,
    used_at: Option<String>,
    assessment_id: Option<String>,
}

fn rfc3339(at: OffsetDateTime) -> Result<String, ApiError> {
    at.format(&Rfc3339).map_err(|_| ApiError::Internal)
}

impl LinkDoc {
    fn of(link: &SelfReportLink, now: OffsetDateTime) -> Result<Self, ApiError> {
        let status = if link.used_at.is_some() {
            LinkStatus::Used
        } else if link.expires_at <= now {
            LinkStatus::Expired
        } else {
            LinkStatus::Pending
        };
        Ok(Self {
            id: link.id.to_text(),
            instrument: link.instrument.code(),
            status,
            created_at: rfc3339(link.created_at)?,
            expires_at: rfc3339(link.expires_at)?,
            used_at: link.used_at.map(rfc3339).transpose()?,
            assessment_id: link.assessment_id.map(|a| a.to_text()),
        })
    }
}

/// A new link with its one-time URL.
#[derive(Debug, Serialize)]
struct CreatedLink {
    #[serde(flatten)]
    link: LinkDoc,
    /// The path to give the patient (`/r/{token}`); shown this once.
    url: String,
}

/// A planned link, created, with when it falls due.
#[derive(Debug, Serialize)]
struct PlannedDoc {
    #[serde(flatten)]
    created: CreatedLink,
    due_at: String,
    anchor: ketapath_clinical::measurement::LinkAnchor,
    rules: Vec<String>,
}

/// A `{id}` segment that is not a patient id cannot name a patient: the same 404 as an unknown one.
fn patient_id(raw: &str) -> Result<PatientId, ApiError> {
    PatientId::parse("id", raw).map_err(|_| ApiError::NotFound)
}

/// Creates one link in the scope and returns it with its URL.
async fn create_link(
    staff: &ClinicStaff,
    patient: PatientId,
    instrument: Instrument,
    expires_at: OffsetDateTime,
) -> Result<CreatedLink, ApiError> {
    let (link, url) = new_link(&staff.scope, patient, instrument, expires_at).await?;
    Ok(CreatedLink { link: LinkDoc::of(&link, staff.store.now())?, url })
}

/// Creates a PHQ-9 self-report link open for `hours` (checked as the API checks `expires_in_hours`; `None` is
/// the default) and returns it with its one-time URL path, which is never stored: the portal's form calls this.
pub(crate) async fn create_for_portal(
    scope: &ketapath_store::ClinicScope,
    patient: PatientId,
    hours: Option<i64>,
    now: OffsetDateTime,
) -> Result<(SelfReportLink, String), ApiError> {
    let request = LinkRequest { instrument: Some(Instrument::Phq9.code().to_owned()), expires_in_hours: hours };
    let (instrument, lifetime) = request.parse()?;
    new_link(scope, patient, instrument, now + lifetime).await
}

/// A new link and its URL path (`/r/<token>`); only the token's hash is stored.
async fn new_link(
    scope: &ketapath_store::ClinicScope,
    patient: PatientId,
    instrument: Instrument,
    expires_at: OffsetDateTime,
) -> Result<(SelfReportLink, String), ApiError> {
    let token = LinkToken::from_bytes(&new_link_secret()?);
    let new = NewSelfReportLink { patient_id: patient, instrument, token_hash: token_hash(&token), expires_at };
    let link = scope.create_self_report_link(new).await?;
    Ok((link, format!("{PREFIX}{}", token.as_str())))
}

/// A link's status at `now` as staff read it: `used`, `expired` or `pending`.
pub(crate) fn status_label(link: &SelfReportLink, now: OffsetDateTime) -> &'static str {
    if link.used_at.is_some() {
        "used"
    } else if link.expires_at <= now {
        "expired"
    } else {
        "pending"
    }
}

/// `POST /api/v1/patients/{id}/self-report-links`.
pub async fn create(
    staff: ClinicStaff,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Response, ApiError> {
    let patient = patient_id(&id)?;
    let (instrument, lifetime) = request.parse()?;
    let created = create_link(&staff, patient, instrument, staff.store.now() + lifetime).await?;
    let mut response = private_json(&created);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `GET /api/v1/patients/{id}/self-report-links`: newest first, with their status and never their token.
pub async fn list(staff: ClinicStaff, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let links = staff.scope.self_report_links(patient_id(&id)?).await?;
    let now = staff.store.now();
    let docs = links.iter().map(|l| LinkDoc::of(l, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&serde_json::json!({ "links": docs })))
}

/// The dose instants of a patient's sessions: each started session's start.
async fn dose_instants(staff: &ClinicStaff, patient: PatientId) -> Result<Vec<OffsetDateTime>, ApiError> {
    let mut doses = Vec::new();
    for course in staff.scope.courses(patient).await? {
        doses.extend(staff.scope.sessions(course.id).await?.into_iter().filter_map(|s| s.started_at));
    }
    Ok(doses)
}

/// `POST /api/v1/patients/{id}/self-report-links/plan`: creates the links the clinic's schedule plans after the
/// patient's sessions (by default 24 hours after each dose, then weekly, each open 72 hours), skipping any whose
/// time has passed. Each answer carries the link's URL, when it falls due and the dose it follows.
pub async fn plan(
    staff: ClinicStaff,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<PlanRequest>,
) -> Result<Response, ApiError> {
    let patient = patient_id(&id)?;
    let now = staff.store.now();
    let horizon = match request.horizon.as_deref() {
        None => now + Duration::days(DEFAULT_PLAN_DAYS),
        Some(raw) => OffsetDateTime::parse(raw, &Rfc3339)
            .map_err(|_| InvalidInput::new("horizon", "must be an RFC 3339 date and time"))?,
    };
    // Reading the patient first answers 404 for another clinic's patient before anything is planned.
    staff.scope.patient(patient).await?;
    let doses = dose_instants(&staff, patient).await?;
    let planned: Vec<PlannedLink> = plan_links(&doses, horizon, &SelfReportSettings::default());
    let mut out = Vec::new();
    for link in planned.into_iter().filter(|l| l.expires_at > now) {
        let created = create_link(&staff, patient, Instrument::Phq9, link.expires_at).await?;
        out.push(PlannedDoc { created, due_at: rfc3339(link.due_at)?, anchor: link.anchor, rules: link.rules });
    }
    let mut response = private_json(&serde_json::json!({ "doses": doses.len(), "links": out }));
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// An alert as the dashboard lists it.
#[derive(Debug, Serialize)]
struct AlertDoc {
    id: String,
    patient_id: String,
    assessment_id: String,
    level: String,
    item9: u8,
    total: u16,
    message: String,
    created_at: String,
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
pub async fn alerts(staff: ClinicStaff) -> Result<Response, ApiError> {
    let alerts = staff.scope.self_report_alerts().await?;
    let docs = alerts.into_iter().map(AlertDoc::of).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&serde_json::json!({ "alerts": docs })))
}
