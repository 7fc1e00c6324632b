//! Self-report links as use cases: the link's terms (instrument, lifetime), issuing one (only the token's hash is
//! stored; the caller shows the token once), planning the links after a patient's doses, and a link's status.
//! The JSON API, the portal's form, the self-report page and the demo data all go through here.

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::measurement::{LinkToken, PlannedLink, SelfReportSettings, plan_links};
use ketapath_store::domain::{NewSelfReportLink, PatientId, SelfReportLink};
use ketapath_store::{ClinicScope, StoreResult, api_token_hash, new_link_secret};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// The stored hash of a link token: SHA-256 of the token as it appears in the link.
pub fn token_hash(token: &LinkToken) -> String {
    api_token_hash(token.as_str())
}

/// Hours a link stays open when the request does not say (the clinic default of the expiry rule).
pub const DEFAULT_EXPIRES_IN_HOURS: u32 = 72;
/// The longest a link may stay open: two weeks, the PHQ-9's recall period.
pub const MAX_EXPIRES_IN_HOURS: u32 = 14 * 24;
/// How far ahead a plan looks when the request gives no horizon.
pub const DEFAULT_PLAN_DAYS: i64 = 28;

/// Where a link stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    Pending,
    Used,
    Expired,
}

impl LinkStatus {
    /// The link's status at `now`: used once answered, expired once past its end, pending otherwise.
    pub fn of(link: &SelfReportLink, now: OffsetDateTime) -> Self {
        if link.used_at.is_some() {
            LinkStatus::Used
        } else if link.expires_at <= now {
            LinkStatus::Expired
        } else {
            LinkStatus::Pending
        }
    }

    /// The status as staff read it and as the JSON API names it.
    pub fn label(self) -> &'static str {
        match self {
            LinkStatus::Pending => "pending",
            LinkStatus::Used => "used",
            LinkStatus::Expired => "expired",
        }
    }
}

/// The instrument of a link: only the PHQ-9 has a self-report page.
pub fn instrument(raw: Option<&str>) -> Result<Instrument, InvalidInput> {
    let raw = raw.ok_or_else(|| InvalidInput::new("instrument", "is required"))?;
    let instrument = Instrument::parse(raw).map_err(|e| InvalidInput::new("instrument", e.message))?;
    if instrument != Instrument::Phq9 {
        return Err(InvalidInput::new("instrument", "self-report links are available for phq9 only"));
    }
    Ok(instrument)
}

/// How long a new link stays open: `hours` from 1 to [`MAX_EXPIRES_IN_HOURS`], [`DEFAULT_EXPIRES_IN_HOURS`] when
/// absent; errors name `expires_in_hours`.
pub fn lifetime(hours: Option<i64>) -> Result<Duration, InvalidInput> {
    let hours = hours.unwrap_or(i64::from(DEFAULT_EXPIRES_IN_HOURS));
    if !(1..=i64::from(MAX_EXPIRES_IN_HOURS)).contains(&hours) {
        return Err(InvalidInput::new(
            "expires_in_hours",
            format!("must be from 1 to {MAX_EXPIRES_IN_HOURS}; got {hours}"),
        ));
    }
    Ok(Duration::hours(hours))
}

/// A new link and its token, which is never stored (only its hash): the caller shows it once.
pub async fn issue(
    scope: &ClinicScope,
    patient: PatientId,
    instrument: Instrument,
    expires_at: OffsetDateTime,
) -> StoreResult<(SelfReportLink, LinkToken)> {
    let token = LinkToken::from_bytes(&new_link_secret()?);
    let new = NewSelfReportLink { patient_id: patient, instrument, token_hash: token_hash(&token), expires_at };
    let link = scope.create_self_report_link(new).await?;
    Ok((link, token))
}

/// The dose instants of a patient's sessions: each started session's start.
async fn dose_instants(scope: &ClinicScope, patient: PatientId) -> StoreResult<Vec<OffsetDateTime>> {
    let mut doses = Vec::new();
    for course in scope.courses(patient).await? {
        doses.extend(scope.sessions(course.id).await?.into_iter().filter_map(|s| s.started_at));
    }
    Ok(doses)
}

/// The links a plan created, with the number of doses it followed.
#[derive(Debug)]
pub struct Plan {
    pub doses: usize,
    pub links: Vec<(PlannedLink, SelfReportLink, LinkToken)>,
}

/// Creates the links the clinic's schedule plans after the patient's sessions up to `horizon` (by default 24 hours
/// after each dose, then weekly, each open 72 hours), skipping any whose time has passed at `now`. Reading the
/// patient first answers not found for another clinic's patient before anything is planned.
pub async fn plan(
    scope: &ClinicScope,
    patient: PatientId,
    horizon: OffsetDateTime,
    now: OffsetDateTime,
) -> StoreResult<Plan> {
    scope.patient(patient).await?;
    let doses = dose_instants(scope, patient).await?;
    let planned: Vec<PlannedLink> = plan_links(&doses, horizon, &SelfReportSettings::default());
    let mut links = Vec::new();
    for link in planned.into_iter().filter(|l| l.expires_at > now) {
        let (created, token) = issue(scope, patient, Instrument::Phq9, link.expires_at).await?;
        links.push((link, created, token));
    }
    Ok(Plan { doses: doses.len(), links })
}
