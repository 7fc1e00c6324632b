//! The treatment workflow as one service that the JSON API and the portal pages call: load from the
//! clinic scope, ask the clinical rules, write through the scope. Handlers stay thin; every decision is here.
//!
//! Gates (the blood pressure before a dose, the discharge criteria, a contraindication before a course) refuse
//! with a [`TreatmentError`] that each edge maps once (`ketapath-web`'s `error.rs` to HTTP). Only a prescriber may pass a gate, and only
//! with a reason: the [`Override`] value can be built only from a prescriber's scope (see [`Prescriber`]).
//! Absolute steps (the minimum monitoring time, REMS enrollment before an outpatient esketamine dose) are
//! checked before any override is read, so they refuse every role alike.

pub mod alerts;
pub mod course;
pub mod intake;
pub mod outcomes;
pub mod record;
pub mod rems;
pub mod session;

use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::ChartedAt;
use ketapath_clinical::protocols::ProtocolSettings;
use ketapath_clinical::protocols::overrides::MAX_REASON_CHARS;
use ketapath_store::domain::Role;
use ketapath_store::{ClinicScope, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Why a workflow step was refused.
#[derive(Debug, thiserror::Error)]
pub enum TreatmentError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The latest blood pressure before the dose is above the clinic's gate (or none was recorded).
    #[error("{0}")]
    BpGate(String),
    /// Discharge before the minimum monitoring time, or with criteria unmet; the message lists each.
    #[error("{0}")]
    MonitoringIncomplete(String),
    /// An esketamine dose in an outpatient setting for a patient the intake does not record as REMS-enrolled.
    #[error("{0}")]
    RemsEnrollment(String),
    /// The intake lists a label contraindication; a prescriber's override is needed to plan the course.
    #[error("{0}")]
    Contraindication(String),
    /// Someone other than a prescriber tried to pass a gate or edit what only prescribers edit.
    #[error("only a prescriber may {what}; the {role} role may not")]
    OverrideNotAllowed { what: &'static str, role: Role },
    /// A step that needs a dose came before any dose of the session.
    #[error("{0}")]
    NoDose(String),
    /// The step does not apply to this session (a REMS form for IV ketamine).
    #[error("{0}")]
    NotApplicable(String),
    /// A session or dose after the esketamine induction without a benefit review that decided to continue.
    #[error("{0}")]
    BenefitReviewRequired(String),
    /// The REMS form has required fields missing or inconsistent; `field` is the first, the message lists all.
    #[error("{message}")]
    RemsIncomplete { message: String, field: String },
}

pub type TreatmentResult<T> = Result<T, TreatmentError>;

/// Proof that the acting user is a prescriber: obtainable only from a scope whose role is `prescriber`, so a
/// function that takes one cannot be reached by a nurse's request.
#[derive(Debug, Clone, Copy)]
pub struct Prescriber(());

impl Prescriber {
    /// The proof for `scope`, or the refusal naming what was attempted.
    pub fn of(scope: &ClinicScope, what: &'static str) -> TreatmentResult<Self> {
        if scope.role() == Role::Prescriber {
            Ok(Prescriber(()))
        } else {
            Err(TreatmentError::OverrideNotAllowed { what, role: scope.role() })
        }
    }
}

/// A prescriber's reason to pass a gate.
#[derive(Debug, Clone)]
pub struct Override {
    pub reason: String,
    _by: Prescriber,
}

impl Override {
    /// The override carried by a request's `override_reason`, if any: 403 `override_not_allowed` for a role
    /// other than prescriber (whatever the gate would have said), 400 for a blank or overlong reason.
    pub fn from_request(scope: &ClinicScope, reason: Option<&str>) -> TreatmentResult<Option<Self>> {
        let Some(reason) = reason else { return Ok(None) };
        let by = Prescriber::of(scope, "override a clinical gate")?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(InvalidInput::new("override_reason", "must not be blank").into());
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(
                InvalidInput::new("override_reason", format!("must be at most {MAX_REASON_CHARS} characters")).into()
            );
        }
        Ok(Some(Override { reason: reason.to_owned(), _by: by }))
    }
}

/// An instant from the request: `now` when absent, an RFC 3339 time otherwise, never in the future (charting
/// after the fact is allowed, charting ahead is not) and never before 1990 ([`ChartedAt`]: a year-0 time is a
/// slip or an attack, never a fact). Errors name `field`.
pub fn instant(field: &str, raw: Option<&str>, now: OffsetDateTime) -> Result<OffsetDateTime, InvalidInput> {
    let at = match raw {
        None => now,
        Some(raw) => OffsetDateTime::parse(raw.trim(), &Rfc3339)
            .map_err(|_| InvalidInput::new(field, "must be an RFC 3339 date and time"))?,
    };
    if at > now {
        return Err(InvalidInput::new(field, "must not be in the future"));
    }
    Ok(ChartedAt::new(field, at, now)?.get())
}

/// The clinic's protocol settings: its saved document checked by the rules, or the defaults.
pub async fn protocol_settings(scope: &ClinicScope) -> TreatmentResult<ProtocolSettings> {
    match scope.protocol_settings().await? {
        Some(doc) => Ok(ProtocolSettings::from_json(&doc.document)?),
        None => Ok(ProtocolSettings::default()),
    }
}
