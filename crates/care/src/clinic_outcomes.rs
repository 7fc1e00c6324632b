//! The clinic's own outcome figures for its admins and prescribers: response and remission with Wilson 95%
//! intervals, time to response and durability of response as Kaplan–Meier estimates, pre-dose gate refusal and
//! override rates and adverse events per 100 sessions, over every treated patient of the clinic, unsuppressed,
//! filtered by modality, instrument and period. The statistics are `ketapath_research`'s (the registry's own
//! computations, [`ketapath_research::stats::own_clinic_report`]); this use case reads the clinic's records
//! through its scope and applies the filters.
//!
//! Filters: a modality keeps that modality's courses and sessions (and the adverse events of those sessions); an
//! instrument keeps that instrument's outcome cells; a period keeps the courses started in it, and the sessions
//! and adverse events that happened in it.

use std::collections::HashSet;

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::OutcomeConfig;
use ketapath_clinical::protocols::Modality;
use ketapath_research::ResearchPatient;
use ketapath_research::stats::{ClinicReport, own_clinic_report};
use ketapath_store::ClinicScope;
use time::{Date, Duration};

use crate::research_stats::StatsError;

/// The span of time the figures cover, ending today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    All,
    Last12Months,
    Last6Months,
    Last3Months,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::All, Period::Last12Months, Period::Last6Months, Period::Last3Months];

    pub fn code(self) -> &'static str {
        match self {
            Period::All => "all",
            Period::Last12Months => "12_months",
            Period::Last6Months => "6_months",
            Period::Last3Months => "3_months",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::All => "all time",
            Period::Last12Months => "the last 12 months",
            Period::Last6Months => "the last 6 months",
            Period::Last3Months => "the last 3 months",
        }
    }

    /// The first day of the period ending on `today`; `None` for all time.
    pub fn first_day(self, today: Date) -> Option<Date> {
        let days = match self {
            Period::All => return None,
            Period::Last12Months => 365,
            Period::Last6Months => 182,
            Period::Last3Months => 91,
        };
        Some(today - Duration::days(days))
    }
}

/// Which figures to compute: `None` means every modality or instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutcomeFilter {
    pub modality: Option<Modality>,
    pub instrument: Option<Instrument>,
    pub period: Period,
}

impl Default for OutcomeFilter {
    fn default() -> Self {
        Self { modality: None, instrument: None, period: Period::All }
    }
}

/// The instruments that have response rules, which the instrument filter offers.
pub fn outcome_instruments() -> [Instrument; 4] {
    ketapath_research::stats::registry::OUTCOME_INSTRUMENTS
}

/// A filter's value when one was chosen: absent, empty and `all` mean every value.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty() && *v != "all")
}

impl OutcomeFilter {
    /// Parses the query's values, where absent or empty means "all"; an unknown code is refused naming its field
    /// (`modality`, `instrument`, `period`) and listing the known ones.
    pub fn parse(modality: Option<&str>, instrument: Option<&str>, period: Option<&str>) -> Result<Self, InvalidInput> {
        let modality = given(modality).map(Modality::parse).transpose()?;
        let instrument = match given(instrument) {
            None => None,
            Some(code) => Some(InvalidInput::from_code(
                &outcome_instruments(),
                Instrument::code,
                code,
                "instrument",
                "outcome instrument",
            )?),
        };
        let period = match period.map(str::trim).filter(|v| !v.is_empty()) {
            None => Period::All,
            Some(code) => InvalidInput::from_code(&Period::ALL, Period::code, code, "period", "period")?,
        };
        Ok(Self { modality, instrument, period })
    }
}

/// The clinic's figures under one filter.
#[derive(Debug, Clone)]
pub struct ClinicOutcomes {
    pub filter: OutcomeFilter,
    pub as_of: Date,
    /// The first day counted; `None` for all time.
    pub from: Option<Date>,
    /// Patients with at least one course in view.
    pub patients: usize,
    pub report: ClinicReport,
}

impl ClinicOutcomes {
    /// Whether there is nothing to show: no course in view.
    pub fn is_empty(&self) -> bool {
        self.patients == 0
    }
}

/// Keeps what `filter` selects of one patient's records (see the module documentation); `false` when no course
/// of the patient is left.
fn keep(patient: &mut ResearchPatient, filter: &OutcomeFilter, from: Option<Date>) -> bool {
    let in_period = |d: Date| from.is_none_or(|from| d >= from);
    let modality_ok = |m: Modality| filter.modality.is_none_or(|want| want == m);
    patient.courses.retain(|c| in_period(c.started_on) && modality_ok(c.modality));
    let courses: HashSet<String> = patient.courses.iter().map(|c| c.course_id.clone()).collect();
    patient.assessments.retain(|a| a.course_id.as_ref().is_some_and(|c| courses.contains(c)));
    patient.sessions.retain(|s| in_period(s.started_at.date()) && modality_ok(s.modality));
    let sessions: HashSet<String> = patient.sessions.iter().map(|s| s.session_id.clone()).collect();
    patient.adverse_events.retain(|e| {
        in_period(e.occurred_at.date())
            && match (&e.session_id, filter.modality) {
                (Some(s), _) => sessions.contains(s),
                (None, modality) => modality.is_none(),
            }
    });
    !patient.courses.is_empty()
}

/// The clinic's own figures under `filter`, as of the store's today. Clinic admins and prescribers only (the
/// store refuses other roles).
pub async fn clinic_outcomes(scope: &ClinicScope, filter: OutcomeFilter) -> Result<ClinicOutcomes, StatsError> {
    let as_of = scope.now().date();
    let from = filter.period.first_day(as_of);
    let mut patients = scope.outcome_patients().await?;
    patients.retain_mut(|p| keep(p, &filter, from));
    let count = patients.len();
    // The aggregation is CPU work over a clinic's whole history: off the async workers.
    let computed = tokio::task::spawn_blocking(move || own_clinic_report(&patients, as_of, &OutcomeConfig::default()))
        .await
        .map_err(|error| {
            tracing::error!(%error, "clinic outcomes computation panicked");
            StatsError::Internal("the computation panicked")
        })?;
    let mut report = computed.map_err(|error| {
        // Stored records the rules refuse are a data fault, not the caller's: the field is logged, no value.
        tracing::error!(field = %error.field, "clinic outcomes refused a stored record");
        StatsError::Internal("a stored record was refused")
    })?;
    if let Some(instrument) = filter.instrument {
        report.registry.outcomes.retain(|c| c.instrument == instrument);
        report.time_to_response.retain(|t| t.instrument == instrument);
    }
    Ok(ClinicOutcomes { filter, as_of, from, patients: count, report })
}
