//! Course schedules generated from the protocol: the esketamine induction and maintenance plan, the MDSI
//! regimen and the IV ketamine series. The portal lets a prescriber edit the result, so a planned session
//! is plain data that serializes both ways.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::esketamine::MDSI_RULE;
use super::modality::Modality;
use super::settings::ProtocolSettings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static ESKETAMINE_SCHEDULE_RULE: Rule = Rule {
    id: "protocols.esketamine.schedule",
    version: 2,
    summary: "Esketamine for TRD: induction weeks 1-4 twice weekly (day 1 56 mg, then 56 or 84 mg), maintenance weeks \
              5-8 once weekly, week 9 on weekly or every 2 weeks (56 or 84 mg); sessions fall on days 0 and 3 of a week \
              by default and the prescriber may move them; a new course plans the induction only, and the maintenance \
              weeks are planned when the benefit review decides to continue",
    source: "clinical.md §3.2 (spravatohcp.com TRD dosing page; Healthline, MIMS HK tables), §8.6 (benefit review)",
    confidence: Confidence::Confirmed,
    configurable: true,
};

pub static IV_SERIES_RULE: Rule = Rule {
    id: "protocols.iv.series",
    version: 1,
    summary: "IV ketamine series: by default 6 infusions three times weekly (Murrough 2013: up to 6 infusions of \
              0.5 mg/kg over 12 days); '6 infusions over 2-3 weeks' is a clinic convention",
    source: "clinical.md §4.3 (Murrough JW et al. Biol Psychiatry 2013;74:250-256 [C]; 2-3 weeks convention [S])",
    confidence: Confidence::Confirmed,
    configurable: true,
};

/// The longest plan generated at once, in weeks; later sessions are planned after the course is reviewed.
pub const MAX_PLAN_WEEKS: u32 = 104;
/// MDSI dosing beyond 4 weeks "has not been systematically evaluated" (`clinical.md` §3.2).
pub const MDSI_WEEKS: u32 = 4;
/// The esketamine induction: weeks 1-4, all that a new course plans (`clinical.md` §8.6).
pub const INDUCTION_WEEKS: u32 = 4;
/// The longest IV series generated at once: repeated dosing beyond about a month has very limited data
/// (`clinical.md` §4.1), so a longer course is planned as a new series after review.
pub const MAX_IV_SERIES_INFUSIONS: u8 = 12;
/// Murrough's three times weekly is the most frequent sourced cadence.
pub const MAX_IV_PER_WEEK: u8 = 3;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Maintenance frequency from week 9 of an esketamine course for TRD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceFrequency {
    Weekly,
    EveryTwoWeeks,
}

/// Where a session sits in its course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Induction,
    Maintenance,
    /// The 4-week MDSI regimen.
    Mdsi,
    /// A series of IV infusions.
    IvSeries,
}

/// The planned dose of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlannedDose {
    /// A fixed dose in mg (esketamine), with the doses the prescriber may choose at that session.
    Fixed { mg: u32, options_mg: Vec<u32> },
    /// A weight-based dose (IV ketamine), computed at the session from the day's weight.
    WeightBased { mg_per_kg: f64 },
}

/// One session of a generated plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedSession {
    /// 1-based position in the plan.
    pub number: u32,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// 1-based week of the course.
    pub week: u32,
    pub phase: Phase,
    pub modality: Modality,
    pub dose: PlannedDose,
    /// The rule that generated the session, as `id@version`.
    pub rule: String,
}

fn check_weeks(weeks: u32, max: u32) -> Result<(), InvalidInput> {
    if weeks == 0 || weeks > max {
        return Err(InvalidInput::new("weeks", format!("must be from 1 to {max}; got {weeks}")));
    }
    Ok(())
}

fn date_at(start: Date, day: u32) -> Result<Date, InvalidInput> {
    start
        .checked_add(Duration::days(i64::from(day)))
        .ok_or_else(|| InvalidInput::new("start", "the plan would run past the last supported date"))
}

/// A session slot before numbering: 0-based week, day offset from the start, phase and dose.
struct Slot {
    week: u32,
    day: u32,
    phase: Phase,
    dose: PlannedDose,
}

fn number(
    start: Date,
    slots: Vec<Slot>,
    modality: Modality,
    rule: &'static Rule,
) -> Result<Vec<PlannedSession>, InvalidInput> {
    let rule = rule.reference().to_string();
    let mut sessions = Vec::with_capacity(slots.len());
    for (number, slot) in (1u32..).zip(slots) {
        sessions.push(PlannedSession {
            number,
            date: date_at(start, slot.day)?,
            week: slot.week + 1,
            phase: slot.phase,
            modality,
            dose: slot.dose,
            rule: rule.clone(),
        });
    }
    Ok(sessions)
}

/// The esketamine plan for TRD over `weeks` weeks from `start` (the first session).
///
/// Weeks 1-4 twice weekly (days 0 and 3 of each week), weeks 5-8 weekly, week 9 on weekly or every two weeks
/// (weeks 9, 11, …). The first session is 56 mg (or 28 mg where the clinic enables it); later sessions suggest
/// 56 mg with 84 mg as an option.
pub fn esketamine_schedule(
    start: Date,
    weeks: u32,
    maintenance: MaintenanceFrequency,
    settings: &ProtocolSettings,
) -> Result<Vec<PlannedSession>, InvalidInput> {
    check_weeks(weeks, MAX_PLAN_WEEKS)?;
    let allow_28 = settings.values().esketamine.allow_28mg_start;
    let options = |first: bool| -> Vec<u32> {
        let mut options = if allow_28 { vec![28, 56] } else { vec![56] };
        if !first {
            options.push(84);
        }
        options
    };
    let mut slots = Vec::new();
    for week in 0..weeks {
        let days: &[u32] = match week {
            0..=3 => &[0, 3],
            4..=7 => &[0],
            _ => match maintenance {
                MaintenanceFrequency::Weekly => &[0],
                MaintenanceFrequency::EveryTwoWeeks if (week - 8) % 2 == 0 => &[0],
                MaintenanceFrequency::EveryTwoWeeks => &[],
            },
        };
        let phase = if week < 4 { Phase::Induction } else { Phase::Maintenance };
        for day in days {
            let first = slots.is_empty();
            slots.push(Slot {
                week,
                day: week * 7 + day,
                phase,
                dose: PlannedDose::Fixed { mg: 56, options_mg: options(first) },
            });
        }
    }
    number(start, slots, Modality::EsketamineNasal, &ESKETAMINE_SCHEDULE_RULE)
}

/// The MDSI plan: 84 mg twice weekly (days 0 and 3) for up to 4 weeks, 56 mg as the tolerability option.
pub fn esketamine_mdsi_schedule(start: Date, weeks: u32) -> Result<Vec<PlannedSession>, InvalidInput> {
    check_weeks(weeks, MDSI_WEEKS).map_err(|e| InvalidInput {
        message: format!("{}; MDSI treatment beyond 4 weeks has not been systematically evaluated", e.message),
        ..e
    })?;
    let slots = (0..weeks)
        .flat_map(|week| {
            [0, 3].map(|day| Slot {
                week,
                day: week * 7 + day,
                phase: Phase::Mdsi,
                dose: PlannedDose::Fixed { mg: 84, options_mg: vec![56, 84] },
            })
        })
        .collect();
    number(start, slots, Modality::EsketamineNasal, &MDSI_RULE)
}

/// The IV ketamine series: `infusions` infusions at `per_week` a week from `start`, at the clinic's mg/kg.
///
/// Three a week fall on days 0, 2 and 4 of each week (Murrough's 6 infusions over 12 days), two on days 0 and 3,
/// one on day 0.
pub fn iv_series(
    start: Date,
    infusions: u8,
    per_week: u8,
    settings: &ProtocolSettings,
) -> Result<Vec<PlannedSession>, InvalidInput> {
    if infusions == 0 || infusions > MAX_IV_SERIES_INFUSIONS {
        return Err(InvalidInput::new(
            "infusions",
            format!(
                "must be from 1 to {MAX_IV_SERIES_INFUSIONS}; got {infusions} (plan a further series after review)"
            ),
        ));
    }
    let pattern: &[u32] = match per_week {
        1 => &[0],
        2 => &[0, 3],
        3 => &[0, 2, 4],
        _ => {
            return Err(InvalidInput::new("per_week", format!("must be from 1 to {MAX_IV_PER_WEEK}; got {per_week}")));
        }
    };
    let mg_per_kg = settings.values().iv.mg_per_kg_default;
    let slots = (0..u32::from(infusions))
        .map(|i| {
            let per_week = u32::from(per_week);
            let week = i / per_week;
            let day = week * 7 + pattern[(i % per_week) as usize];
            Slot { week, day, phase: Phase::IvSeries, dose: PlannedDose::WeightBased { mg_per_kg } }
        })
        .collect();
    number(start, slots, Modality::IvKetamine, &IV_SERIES_RULE)
}
