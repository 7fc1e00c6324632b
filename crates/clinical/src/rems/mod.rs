//! The SPRAVATO REMS Patient Monitoring Form: its fields, a draft pre-filled from the session, the completeness
//! check that must pass before a form can be marked submitted, and the 7-day submission deadline.
//!
//! The flow the clinic portal follows: [`draft_from_session`] turns the recorded session ([`SessionFacts`]) into a
//! [`FormDraft`]; staff correct and complete it; [`check`] either names every missing or inconsistent required
//! field or returns a [`CompleteForm`], and only a `CompleteForm` can become a [`SubmittedForm`]. [`deadline`]
//! tells which forms are due and sorts them for the dashboard.
//!
//! Facts: `clinical.md` §3.4, §3.8, §3.9; `directory-and-interop.md` §d.3. The part of the form after "Did the
//! patient experience sedation" is unverified, so its questions are clinic-configurable data
//! ([`AdverseEffectQuestion`]). Session times come from [`crate::protocols`]: the duration and the evaluation
//! question are computed by [`crate::protocols::treatment_duration`] and [`crate::protocols::ready_to_leave_minutes`].

pub mod check;
pub mod deadline;
pub mod draft;
pub mod facts;
pub mod fields;
pub mod form;
pub mod from_chart;
pub mod setting;
pub mod settings;

pub use check::{CompleteForm, FormReport, FormWarning, MissingField, SubmittedForm, check, report};
pub use deadline::{DashboardEntry, FormDue, FormStatus, dashboard, due_at, status, status_in};
pub use draft::{FormDraft, Prefill, draft_from_session};
pub use facts::{AdverseEventAnswer, DeviceRecord, SessionFacts};
pub use fields::{FIELDS, FieldSpec, FieldView, Requirement};
pub use form::{
    AdverseEffectAnswer, AdverseEffectQuestion, BloodPressureSection, ConcomitantMedications, DoseAdministered,
    EarlyDeparture, EarlyDepartureReason, HcpSection, PatientMonitoringForm, PatientSection, SessionSection,
    SettingAddress, SettingSection, VitalSignsSection,
};
pub use from_chart::{CHART_ANSWERS_RULE, ChartAnswer, ChartThresholds, chart_answer};
pub use setting::{INPATIENT_EXEMPT_RULE, SettingType};
pub use settings::{BpWindow, RemsFormSettings, RemsFormValues};

use crate::rule::Rule;

time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");

/// Every rule of the REMS form module, in a stable order.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &check::REQUIRED_FIELDS_RULE,
        &draft::BP_WINDOW_RULE,
        &form::ADVERSE_EFFECTS_RULE,
        &from_chart::CHART_ANSWERS_RULE,
        &deadline::DEADLINE_RULE,
        &setting::INPATIENT_EXEMPT_RULE,
    ]
}
