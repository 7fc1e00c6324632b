//! The Patient Monitoring Form deadline: due within 7 calendar days after each dose, and the dashboard order that
//! puts overdue forms first, then forms by days left.
//!
//! Dates are the clinic's calendar dates: the caller converts times to the clinic's time zone, so "day 7" means the
//! same thing on the dashboard as on the clinic's wall calendar.

use serde::Serialize;
use time::{Date, Duration};

use super::setting::SettingType;
use crate::rule::{Confidence, Rule, RuleRef};

pub static DEADLINE_RULE: Rule = Rule {
    id: "rems.pmf.deadline",
    version: 1,
    summary: "A Patient Monitoring Form is due within 7 days after each dose, counted in calendar days: it is on \
              time when submitted on or before the dose date plus 7 days, and overdue from the day after",
    source: "clinical.md §3.8, §3.9 (submit within 7 days); directory-and-interop.md §d.3 (submit a PMF within 7 \
             days after every dose [S15]; calendar days [S21])",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// Days after the dose date by which the form must be submitted.
pub const DEADLINE_DAYS: i64 = 7;

/// The last day on which the form for a dose given on `dose_date` is on time.
pub fn due_at(dose_date: Date) -> Date {
    dose_date.saturating_add(Duration::days(DEADLINE_DAYS))
}

/// Where a form stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FormStatus {
    /// Submitted; `on_time` when on or before the due date.
    Submitted { on_time: bool },
    /// Not yet submitted; `days_left` is 0 on the due date itself.
    Due { days_left: i64 },
    /// Not submitted and past the due date by `days_late` days.
    Overdue { days_late: i64 },
    /// An inpatient session: no form is required.
    NotRequired,
}

impl FormStatus {
    /// A sort key: smaller is more urgent. Overdue forms come first (the latest first), then forms due (the fewest
    /// days left first), then late submissions, then on-time ones, then sessions needing no form.
    fn urgency(self) -> (u8, i64) {
        match self {
            FormStatus::Overdue { days_late } => (0, -days_late),
            FormStatus::Due { days_left } => (1, days_left),
            FormStatus::Submitted { on_time: false } => (2, 0),
            FormStatus::Submitted { on_time: true } => (3, 0),
            FormStatus::NotRequired => (4, 0),
        }
    }

    /// Whether the form still needs to be submitted.
    pub fn is_open(self) -> bool {
        matches!(self, FormStatus::Due { .. } | FormStatus::Overdue { .. })
    }
}

/// The status of an outpatient session's form on `today`.
pub fn status(dose_date: Date, submitted_on: Option<Date>, today: Date) -> FormStatus {
    let due = due_at(dose_date);
    match submitted_on {
        Some(on) => FormStatus::Submitted { on_time: on <= due },
        None => {
            let days_left = (due - today).whole_days();
            if days_left >= 0 { FormStatus::Due { days_left } } else { FormStatus::Overdue { days_late: -days_left } }
        }
    }
}

/// The status of a session's form in a setting of the given type: inpatient sessions need none.
pub fn status_in(setting: SettingType, dose_date: Date, submitted_on: Option<Date>, today: Date) -> FormStatus {
    if setting.requires_form() { status(dose_date, submitted_on, today) } else { FormStatus::NotRequired }
}

/// A session whose form the dashboard lists; `key` is whatever identifies it for the caller (a session id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDue<K> {
    pub key: K,
    pub setting_type: SettingType,
    pub dose_date: Date,
    pub submitted_on: Option<Date>,
}

/// A dashboard line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardEntry<K> {
    pub key: K,
    #[serde(with = "super::iso_date")]
    pub dose_date: Date,
    #[serde(with = "super::iso_date")]
    pub due_on: Date,
    pub status: FormStatus,
    pub rule: RuleRef,
}

/// Every form with its status on `today`, most urgent first; ties go to the earlier dose, then to the key, so the
/// order is the same on every load.
pub fn dashboard<K: Clone + Ord>(forms: &[FormDue<K>], today: Date) -> Vec<DashboardEntry<K>> {
    let mut entries: Vec<DashboardEntry<K>> = forms
        .iter()
        .map(|f| DashboardEntry {
            key: f.key.clone(),
            dose_date: f.dose_date,
            due_on: due_at(f.dose_date),
            status: status_in(f.setting_type, f.dose_date, f.submitted_on, today),
            rule: DEADLINE_RULE.reference(),
        })
        .collect();
    entries.sort_by(|a, b| {
        a.status
            .urgency()
            .cmp(&b.status.urgency())
            .then_with(|| a.dose_date.cmp(&b.dose_date))
            .then_with(|| a.key.cmp(&b.key))
    });
    entries
}
