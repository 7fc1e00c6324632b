//! Timed monitoring during a session: which observations fall due when, and what is done, due or overdue
//! at a given moment, for the live session page ("minutes since dosing and what is due next").

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use super::alerts::{AlertContext, blood_pressure_alert};
use super::modality::Modality;
use super::observation::Observation;
use super::settings::ProtocolSettings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static MINIMUM_ESKETAMINE_RULE: Rule = Rule {
    id: "protocols.monitoring.minimum.esketamine_nasal",
    version: 2,
    summary: "After esketamine, patients are monitored for at least 2 hours and until sedation, dissociation and \
              respiratory depression have resolved; a clinic may lengthen the time, not shorten it; no override \
              lifts it (leaving earlier is recorded as an early departure)",
    source: "clinical.md §3.4 (boxed warning, 2019 PI), §3.8 (REMS objectives); directory-and-interop.md §d.3",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static MINIMUM_IV_RULE: Rule = Rule {
    id: "protocols.monitoring.minimum.iv_ketamine",
    version: 2,
    summary: "After the start of an IV ketamine infusion, monitoring lasts at least 120 minutes by default: the \
              40-minute infusion plus monitoring until recovered; no source gives a fixed figure; no override lifts \
              the clinic's minimum (leaving earlier is recorded as an early departure)",
    source: "clinical.md §4.1 (vital signs before, during and after [S]), §4.4 (BP every 15 min after the infusion)",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static MINIMUM_IM_RULE: Rule = Rule {
    id: "protocols.monitoring.minimum.im_ketamine",
    version: 2,
    summary: "After IM ketamine, monitoring lasts at least 120 minutes by default, by analogy with the esketamine \
              REMS; the reference holds no IM figure; no override lifts the clinic's minimum",
    source: "clinical.md §4.5 (ASA 2025: monitoring and rescue capability; details [U]), §3.4 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static MINIMUM_ORAL_RULE: Rule = Rule {
    id: "protocols.monitoring.minimum.oral_ketamine",
    version: 2,
    summary: "After in-clinic oral ketamine, monitoring lasts at least 120 minutes by default, by analogy with the \
              esketamine REMS; the reference holds no oral figure; no override lifts the clinic's minimum",
    source: "clinical.md §4.5 (ASA 2025: monitoring and rescue capability; details [U]), §3.4 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static ESKETAMINE_BP_RULE: Rule = Rule {
    id: "protocols.monitoring.esketamine_bp",
    version: 1,
    summary: "After esketamine, blood pressure is due about 40 minutes after dosing (when the rise peaks), then as \
              clinically warranted",
    source: "clinical.md §3.4 (2019 PI §5.6; spravatohcp.com), §3.9 (PMF: BP 40 minutes post-administration)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static IV_BP_RULE: Rule = Rule {
    id: "protocols.monitoring.iv_bp",
    version: 1,
    summary: "During an IV ketamine infusion blood pressure is due every 10 minutes, after it every 15 minutes until \
              the minimum monitoring time",
    source: "clinical.md §4.4 (Dunlop/Riva-Posse 2018: every 10 min during, every 15 min after; Yale 2024: every 10 min)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static OTHER_BP_RULE: Rule = Rule {
    id: "protocols.monitoring.other_bp",
    version: 1,
    summary: "After IM or oral ketamine blood pressure is due every 15 minutes until the minimum monitoring time, by \
              analogy with the post-infusion IV cadence",
    source: "clinical.md §4.4 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static SEDATION_CHECK_RULE: Rule = Rule {
    id: "protocols.monitoring.sedation_dissociation",
    version: 1,
    summary: "Sedation (MOAA/S) and dissociation (CADSS) are due 40 minutes after dosing, near their peak; the time \
              is a protocol choice",
    source: "clinical.md §2.5 (dissociation peaks about 40 min), §2.6 (sedation peaks 30-45 min), §2.7 (CADSS at 0, \
             40, 120, 240 min in trials)",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static PRE_DISCHARGE_ESKETAMINE_RULE: Rule = Rule {
    id: "protocols.monitoring.pre_discharge.esketamine_nasal",
    version: 1,
    summary: "Blood pressure and SpO2 are due at the end of the minimum monitoring time, before the session is \
              completed (the REMS form records BP prior to session completion)",
    source: "clinical.md §3.9 (PMF: blood pressure prior to session completion), §3.4 (pulse oximetry each session)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static PRE_DISCHARGE_KETAMINE_RULE: Rule = Rule {
    id: "protocols.monitoring.pre_discharge.ketamine",
    version: 1,
    summary: "After IV, IM or oral ketamine, blood pressure and SpO2 are due at the end of the minimum monitoring \
              time, by analogy with the esketamine REMS form",
    source: "clinical.md §4.1 (vital signs after the infusion [S]), §3.9 by analogy",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static TIMING_RULE: Rule = Rule {
    id: "protocols.monitoring.timing",
    version: 1,
    summary: "An observation counts for a check from 5 minutes before its due time and is overdue 10 minutes after it",
    source: "clinical.md §3.4 ('around 40 minutes post-dose'); the window widths are a protocol choice",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static SPO2_EVERY_CHECK_RULE: Rule = Rule {
    id: "protocols.monitoring.spo2_every_check",
    version: 1,
    summary: "SpO2 is due at every scheduled check of the monitoring plan (not only before discharge), and a \
              post-dose blood pressure that raises an alert adds a recheck to the plan",
    source: "clinical.md §3.4 ('monitor for changes in respiratory status (including pulse oximetry) at each \
             treatment session'), §8.1 (pulse oximeter onsite), §8.2 (measure again after a few minutes)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// The rule that sets the minimum monitoring time of a modality.
pub fn minimum_rule(modality: Modality) -> &'static Rule {
    match modality {
        Modality::EsketamineNasal => &MINIMUM_ESKETAMINE_RULE,
        Modality::IvKetamine => &MINIMUM_IV_RULE,
        Modality::ImKetamine => &MINIMUM_IM_RULE,
        Modality::OralKetamine => &MINIMUM_ORAL_RULE,
    }
}

/// What an observation check asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueWhat {
    BloodPressure,
    /// MOAA/S.
    Sedation,
    /// CADSS.
    Dissociation,
    /// Blood pressure and SpO2 before the session is completed.
    PreDischargeVitals,
    /// SpO2, at every scheduled check.
    Spo2,
    /// Blood pressure again after a post-dose reading that raised an alert.
    BloodPressureRecheck,
}

impl DueWhat {
    /// Whether an observation carries what the check asks for, or part of it (pre-discharge vitals need
    /// a blood pressure and an SpO2, which may be recorded apart).
    fn parts(self) -> &'static [fn(&Observation) -> bool] {
        match self {
            DueWhat::BloodPressure => &[|o| o.blood_pressure().is_some()],
            DueWhat::Sedation => &[|o| o.moaas().is_some()],
            DueWhat::Dissociation => &[|o| o.cadss().is_some()],
            DueWhat::PreDischargeVitals => &[|o| o.blood_pressure().is_some(), |o| o.spo2().is_some()],
            DueWhat::Spo2 => &[|o| o.spo2().is_some()],
            DueWhat::BloodPressureRecheck => &[|o| o.blood_pressure().is_some()],
        }
    }
}

/// One check of the monitoring plan: `what` is due `minute` minutes after dosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlannedCheck {
    pub what: DueWhat,
    pub minute: u32,
    pub rule: RuleRef,
}

/// The checks of a session of `modality`, in order of due time.
pub fn monitoring_plan(modality: Modality, settings: &ProtocolSettings) -> Vec<PlannedCheck> {
    let v = settings.values();
    let m = &v.monitoring;
    let minimum = m.minimum_minutes.get(modality);
    let mut plan = Vec::new();
    // Blood pressure every `step` minutes from `from`, before `until_before`. Settings keep `step` at 5 or more.
    fn every(from: u32, step: u32, until_before: u32, rule: &'static Rule, plan: &mut Vec<PlannedCheck>) {
        let mut minute = from;
        while minute < until_before {
            plan.push(PlannedCheck { what: DueWhat::BloodPressure, minute, rule: rule.reference() });
            minute += step.max(1);
        }
    }
    match modality {
        Modality::EsketamineNasal => plan.push(PlannedCheck {
            what: DueWhat::BloodPressure,
            minute: m.esketamine_bp_check_minute,
            rule: ESKETAMINE_BP_RULE.reference(),
        }),
        Modality::IvKetamine => {
            let infusion = v.iv.infusion_minutes;
            every(m.iv_bp_every_minutes_during, m.iv_bp_every_minutes_during, infusion + 1, &IV_BP_RULE, &mut plan);
            every(infusion + m.iv_bp_every_minutes_after, m.iv_bp_every_minutes_after, minimum, &IV_BP_RULE, &mut plan);
        }
        Modality::ImKetamine | Modality::OralKetamine => {
            every(m.other_bp_every_minutes, m.other_bp_every_minutes, minimum, &OTHER_BP_RULE, &mut plan);
        }
    }
    let sedation = SEDATION_CHECK_RULE.reference();
    plan.push(PlannedCheck { what: DueWhat::Sedation, minute: m.sedation_check_minute, rule: sedation });
    plan.push(PlannedCheck { what: DueWhat::Dissociation, minute: m.sedation_check_minute, rule: sedation });
    // SpO2 at every scheduled moment; the pre-discharge vitals already hold one.
    let mut moments: Vec<u32> = plan.iter().map(|c| c.minute).filter(|minute| *minute < minimum).collect();
    moments.sort_unstable();
    moments.dedup();
    let spo2 = SPO2_EVERY_CHECK_RULE.reference();
    plan.extend(moments.into_iter().map(|minute| PlannedCheck { what: DueWhat::Spo2, minute, rule: spo2 }));
    let pre_discharge = match modality {
        Modality::EsketamineNasal => &PRE_DISCHARGE_ESKETAMINE_RULE,
        _ => &PRE_DISCHARGE_KETAMINE_RULE,
    };
    plan.push(PlannedCheck { what: DueWhat::PreDischargeVitals, minute: minimum, rule: pre_discharge.reference() });
    // A stable sort keeps blood pressure before sedation before dissociation at the same minute.
    plan.sort_by_key(|c| c.minute);
    plan
}

/// Where a check stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// Recorded.
    Done,
    /// Not yet due.
    Upcoming,
    /// Due now, within the grace time.
    Due,
    /// Past its due time by more than the grace time.
    Overdue,
}

/// A check of the plan and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DueItem {
    pub what: DueWhat,
    /// Minutes after dosing.
    pub minute: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub status: DueStatus,
    /// When the observation that satisfied it was recorded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    pub rule: RuleRef,
}

impl DueItem {
    pub fn is_overdue(&self) -> bool {
        self.status == DueStatus::Overdue
    }
}

/// The live state of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringStatus {
    /// Whole minutes since dosing (the first esketamine device, the start of an infusion).
    pub minutes_since_dose: i64,
    /// The earliest discharge time the minimum monitoring allows.
    #[serde(with = "time::serde::rfc3339")]
    pub minimum_until: OffsetDateTime,
    pub minimum_rule: RuleRef,
    /// Every check of the plan, in order of due time.
    pub due: Vec<DueItem>,
    /// The first check not yet done, if any.
    pub next_due: Option<DueItem>,
}

fn minutes(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

/// The blood-pressure rechecks that post-dose readings raising an alert ask for (`alerts::blood_pressure_alert`):
/// each is due its recheck time after the reading and is done by the first blood pressure recorded after it.
fn rechecks(
    modality: Modality,
    dose_at: OffsetDateTime,
    now: OffsetDateTime,
    recorded: &[&Observation],
    settings: &ProtocolSettings,
    grace: Duration,
) -> Vec<DueItem> {
    let context = AlertContext::of(modality, Some(dose_at), &[], settings);
    recorded
        .iter()
        .filter_map(|o| {
            let alert = blood_pressure_alert(o.time(), o.blood_pressure(), &[], &context)?;
            let after = minutes(alert.recheck_minutes?);
            let due_at = o.time() + after;
            let done_at =
                recorded.iter().filter(|r| r.time() > o.time() && r.blood_pressure().is_some()).map(|r| r.time()).min();
            let status = match done_at {
                Some(_) => DueStatus::Done,
                None if now < due_at => DueStatus::Upcoming,
                None if now <= due_at + grace => DueStatus::Due,
                None => DueStatus::Overdue,
            };
            let minute = u32::try_from((due_at - dose_at).whole_minutes()).unwrap_or(u32::MAX);
            Some(DueItem { what: DueWhat::BloodPressureRecheck, minute, due_at, status, done_at, rule: alert.rule })
        })
        .collect()
}

/// Where each check stands at `now`, given the observations recorded so far. Observations after `now` are ignored.
///
/// A check is done when each part of it was recorded in its window: from `early_minutes` before its due time up to
/// `early_minutes` before the next check of the same kind (the last one's window stays open), so that one reading
/// never counts for two checks. A check not done is upcoming before its due time, due within `grace_minutes` after
/// it and overdue afterwards. SpO2 is due at every scheduled moment, and each post-dose blood pressure that raises
/// a crisis-range or above-the-gate alert adds a recheck, listed among the checks by its due time.
pub fn monitoring_status(
    modality: Modality,
    dose_at: OffsetDateTime,
    now: OffsetDateTime,
    observations: &[Observation],
    settings: &ProtocolSettings,
) -> Result<MonitoringStatus, InvalidInput> {
    if now < dose_at {
        return Err(InvalidInput::new("now", "must not be before the dose time"));
    }
    // Every due time lies within 12 hours after the dose and every window opens at most 30 minutes before one,
    // so a day either side keeps the time arithmetic below from overflowing.
    if dose_at.checked_add(Duration::days(1)).is_none() || dose_at.checked_sub(Duration::days(1)).is_none() {
        return Err(InvalidInput::new("dose_at", "is outside the supported date range"));
    }
    let m = &settings.values().monitoring;
    let early = minutes(m.early_minutes);
    let grace = minutes(m.grace_minutes);
    let plan = monitoring_plan(modality, settings);
    let recorded: Vec<&Observation> = observations.iter().filter(|o| o.time() <= now).collect();

    let mut due: Vec<DueItem> = plan
        .iter()
        .map(|check| {
            let due_at = dose_at + minutes(check.minute);
            let window_start = due_at - early;
            let window_end = plan
                .iter()
                .filter(|c| c.what == check.what && c.minute > check.minute)
                .map(|c| dose_at + minutes(c.minute) - early)
                .min();
            let in_window = |o: &&&Observation| o.time() >= window_start && window_end.is_none_or(|end| o.time() < end);
            // Each part is met by its earliest reading in the window; the check is done when the last part is.
            let done_at = check
                .what
                .parts()
                .iter()
                .map(|has| recorded.iter().filter(in_window).filter(|o| has(o)).map(|o| o.time()).min())
                .try_fold(None::<OffsetDateTime>, |latest, part| part.map(|t| Some(latest.map_or(t, |l| l.max(t)))))
                .flatten();
            let status = match done_at {
                Some(_) => DueStatus::Done,
                None if now < due_at => DueStatus::Upcoming,
                None if now <= due_at + grace => DueStatus::Due,
                None => DueStatus::Overdue,
            };
            DueItem { what: check.what, minute: check.minute, due_at, status, done_at, rule: check.rule }
        })
        .collect();
    due.extend(rechecks(modality, dose_at, now, &recorded, settings, grace));
    // A stable sort keeps the plan's order among checks due at the same moment.
    due.sort_by_key(|d| d.due_at);
    let next_due = due.iter().find(|d| d.status != DueStatus::Done).copied();
    let minimum = m.minimum_minutes.get(modality);
    Ok(MonitoringStatus {
        minutes_since_dose: (now - dose_at).whole_minutes(),
        minimum_until: dose_at + minutes(minimum),
        minimum_rule: minimum_rule(modality).reference(),
        due,
        next_due,
    })
}
