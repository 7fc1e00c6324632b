//! A demo year of treated patients for `ketapath serve --demo`: a few demo clinics each get eighty clearly
//! fictional patients treated over the twelve months before today (an esketamine or IV ketamine course, its
//! sessions with pre-dose blood pressures, doses, observations and adverse events, PHQ-9 scores every week and
//! MADRS or QIDS-SR16 for some, with a mix of remission, response, partial response, non-response and loss of
//! response), research consent for most, and outcome publication for the first two clinics. So the clinic's
//! outcome page, the public registry, a clinic's published outcome panel and the Kaplan–Meier charts show figures
//! above the suppression threshold on a fresh demo.
//!
//! Deterministic: every choice comes from [`SplitMix64`] (the directory's seeded generator, no `rand` dependency)
//! started from `seed`, and every time from `now`. The blood-pressure gate is decided by the clinical rule
//! (`protocols::bp_gate`), and a blocked session is either overridden by the clinic's prescriber with a reason or
//! stopped without a dose, as in a live session. Each patient is written in one audited transaction
//! ([`ClinicScope::record_past_treatment`]), which keeps the seeding to seconds on SQLite (one transaction per charted step would take minutes).

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_clinical::protocols::{Blocking, BloodPressure, Modality, ProtocolSettings, bp_gate};
use ketapath_directory::ClinicId;
use ketapath_directory::search::synthetic::SplitMix64;
use ketapath_store::domain::{
    Actor, AeSeverity, AssessmentContext, Measurement, NewPatient, Origin, PastAdverseEvent, PastAssessment, PastDose,
    PastSession, PastTreatment, Role,
};
use ketapath_store::{ClinicScope, Store};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::demo::{DEMO_EMAIL_DOMAIN, DemoError, create_demo_staff};

/// The demo clinics that get a year of treated patients; the first two publish their outcomes.
pub const DEMO_YEAR_CLINICS: [&str; 3] = ["demo-1", "demo-2", "demo-3"];
/// How many of [`DEMO_YEAR_CLINICS`] publish their outcomes in the directory.
pub const PUBLISHING: usize = 2;
/// Treated patients per clinic.
pub const PATIENTS_PER_CLINIC: usize = 80;
/// The pause `ketapath serve --demo` leaves after each seeded patient. The demo year is written while the server
/// already answers, and on SQLite another process (the README's `ketapath user add` run beside the demo, say)
/// waits for the one write lock by polling every 100 ms at most: back-to-back transactions left it no gap, and it
/// gave up with "database is locked" after its 5 s busy timeout. A 50 ms gap per patient lets it in within a poll
/// or two and adds about 12 s to a background task that takes half a minute in a debug build.
pub const PAUSE_FOR_OTHER_WRITERS: std::time::Duration = std::time::Duration::from_millis(50);

/// What was seeded.
#[derive(Debug, Clone)]
pub struct DemoYear {
    pub clinics: Vec<ClinicId>,
    pub publishing: Vec<ClinicId>,
    pub patients: usize,
}

/// Given and family names no reader will take for a real person's.
const GIVEN: [&str; 16] = [
    "Ash", "Bay", "Cedar", "Dale", "Elm", "Fern", "Glen", "Heath", "Iris", "Juniper", "Lark", "Moss", "Oak", "Reed",
    "Sage", "Wren",
];
const FAMILY: [&str; 12] = [
    "Demoyear",
    "Fictionfield",
    "Sampleton",
    "Madeupson",
    "Notarealname",
    "Placeholdt",
    "Inventwell",
    "Pretendwood",
    "Mockridge",
    "Fabrique",
    "Storybrook",
    "Yearlong",
];

/// How a patient's depression follows the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    Remission,
    Response,
    /// Response, then scores climb back towards the baseline.
    LostResponse,
    Partial,
    NoResponse,
}

impl Course {
    fn draw(rng: &mut SplitMix64) -> Self {
        match rng.next_u64() % 100 {
            0..=24 => Course::Remission,
            25..=44 => Course::Response,
            45..=54 => Course::LostResponse,
            55..=69 => Course::Partial,
            _ => Course::NoResponse,
        }
    }

    /// The share of the baseline score the course takes away at its best.
    fn depth(self, rng: &mut SplitMix64) -> f64 {
        let jitter = rng.unit() * 0.1;
        match self {
            Course::Remission => 0.8 + jitter,
            Course::Response | Course::LostResponse => 0.58 + jitter,
            Course::Partial => 0.3 + jitter,
            Course::NoResponse => 0.05 + jitter,
        }
    }
}

/// The items of `instrument` adding up to `total` (clamped to what the instrument allows), spread over its items
/// with the suicide item at 0, so that no demo score raises a crisis flag.
fn items(instrument: Instrument, total: i64) -> Result<Items, InvalidInput> {
    let spec = instrument.spec();
    let item_max = i64::from(spec.item_max);
    // The suicide item of each instrument (1-based), kept at 0; QIDS-SR16 scores by domain, so one item per
    // domain carries the domain's score.
    let (count, suicide, carriers): (usize, usize, &[usize]) = match instrument {
        Instrument::Phq9 => (9, 9, &[1, 2, 3, 4, 5, 6, 7, 8]),
        Instrument::Madrs => (10, 10, &[1, 2, 3, 4, 5, 6, 7, 8, 9]),
        Instrument::QidsSr16 => (16, 12, &[1, 5, 6, 10, 11, 13, 14, 15]),
        _ => return Err(InvalidInput::new("instrument", "the demo year scores PHQ-9, MADRS and QIDS-SR16 only")),
    };
    let mut values = vec![0_i64; count];
    let mut left = total.clamp(0, item_max * carriers.len() as i64);
    let mut round = 0;
    while left > 0 {
        let item = carriers[round % carriers.len()];
        if item != suicide && values[item - 1] < item_max {
            values[item - 1] += 1;
            left -= 1;
        }
        round += 1;
    }
    Items::from_values(instrument, &values)
}

/// The score `days` after the first treatment of a course that starts at `baseline` and takes away `depth` of it
/// with a time constant of ten days; a lost response climbs back after `relapse_day`.
fn level(baseline: f64, depth: f64, days: f64, relapse_day: Option<f64>) -> f64 {
    let best = baseline * (1.0 - depth * (1.0 - (-days / 10.0).exp()));
    match relapse_day {
        Some(r) if days > r => best + (baseline * 0.85 - best) * (1.0 - (-(days - r) / 7.0).exp()),
        _ => best,
    }
}

/// 14:00 UTC on `date`, the slot every demo-year session starts in.
fn at_two(date: Date) -> OffsetDateTime {
    OffsetDateTime::new_utc(date, Time::from_hms(14, 0, 0).unwrap_or(Time::MIDNIGHT))
}

/// The demo year's two staff of a clinic: a prescriber who charts and overrides, an admin who publishes. Neither
/// has a password: they exist so the records name who charted them, not to sign in.
async fn staff(store: &Store, clinic: &ClinicId) -> Result<Option<(ClinicScope, ClinicScope)>, DemoError> {
    let email = |role: &str| format!("year-{role}.{}@{DEMO_EMAIL_DOMAIN}", clinic.as_str());
    if store.staff_user_by_email(&email("prescriber")).await?.is_some() {
        return Ok(None);
    }
    let mut scopes = Vec::new();
    for (role, label, name) in
        [(Role::Prescriber, "prescriber", "Dr. Demo-Year Prescriber"), (Role::ClinicAdmin, "admin", "Demo-Year Admin")]
    {
        let user = create_demo_staff(store, clinic, email(label), name, role, None).await?;
        let actor = Actor { user_id: user.id, clinic_id: Some(clinic.clone()), role, origin: Origin::cli() };
        scopes.push(store.for_clinic(&actor).await?);
    }
    let admin_scope = scopes.pop();
    let prescriber_scope = scopes.pop();
    Ok(prescriber_scope.zip(admin_scope))
}

/// Seeds the demo year (see the module documentation) in each of `clinics`, which must exist, as of `now`,
/// waiting `pause` after each patient's transaction (see [`PAUSE_FOR_OTHER_WRITERS`]). Answers `None`, writing
/// nothing, when the first clinic already has its demo-year staff.
pub async fn seed_demo_year(
    store: &Store,
    clinics: &[ClinicId],
    now: OffsetDateTime,
    seed: u64,
    pause: std::time::Duration,
) -> Result<Option<DemoYear>, DemoError> {
    let mut rng = SplitMix64::new(seed);
    let mut patients = 0;
    let mut publishing = Vec::new();
    for (c, clinic) in clinics.iter().enumerate() {
        let Some((prescriber, admin)) = staff(store, clinic).await? else { return Ok(None) };
        for i in 0..PATIENTS_PER_CLINIC {
            let past = patient(&mut rng, c, i, now)?;
            prescriber.record_past_treatment(past).await?;
            patients += 1;
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
        if c < PUBLISHING {
            admin.set_publish_outcomes(true).await?;
            publishing.push(clinic.clone());
        }
    }
    Ok(Some(DemoYear { clinics: clinics.to_vec(), publishing, patients }))
}

/// One fictional patient's course, from registration to today.
fn patient(rng: &mut SplitMix64, clinic: usize, index: usize, now: OffsetDateTime) -> Result<PastTreatment, DemoError> {
    let today = now.date();
    let modality = if rng.chance(0.3) { Modality::IvKetamine } else { Modality::EsketamineNasal };
    let start = today - Duration::days(21 + (rng.next_u64() % 340) as i64);
    let course = Course::draw(rng);
    let depth = course.depth(rng);
    let relapse_day = (course == Course::LostResponse).then(|| 35.0 + rng.unit() * 60.0);
    let responds = matches!(course, Course::Remission | Course::Response | Course::LostResponse);

    // Induction, then maintenance for those who respond: esketamine twice weekly for four weeks then weekly,
    // IV ketamine six infusions over two weeks then monthly boosters.
    let (mut days, every, more): (Vec<i64>, i64, usize) = match modality {
        Modality::EsketamineNasal => (vec![0, 3, 7, 10, 14, 17, 21, 24], 7, if responds { 12 } else { 0 }),
        _ => (vec![0, 2, 4, 7, 9, 11], 28, if responds { 4 } else { 0 }),
    };
    let last_induction = days.last().copied().unwrap_or(0);
    days.extend((1..=more as i64).map(|k| last_induction + every * k));
    let elapsed = (today - start).whole_days();
    days.retain(|d| *d < elapsed);

    let settings = ProtocolSettings::default();
    let mut sessions = Vec::new();
    for (k, day) in days.iter().enumerate() {
        let started_at = at_two(start + Duration::days(*day));
        let systolic = 112 + (rng.next_u64() % 36) as u16;
        let diastolic = 68 + (rng.next_u64() % 24) as u16;
        let mut observations =
            vec![(started_at + Duration::minutes(2), Measurement::BloodPressure { systolic, diastolic })];
        let gate = BloodPressure::new(systolic, diastolic).map(|bp| bp_gate(modality, bp, &settings));
        let blocked = gate.as_ref().is_ok_and(|g| g.is_blocked());
        let gate_override = match &gate {
            Ok(g) if blocked && rng.chance(0.5) => Some((
                "Pressure rechecked after rest; known white-coat pattern, benefit discussed (demo data).".to_owned(),
                g.blocking_rules().iter().map(ToString::to_string).collect(),
            )),
            _ => None,
        };
        let dosed = !blocked || gate_override.is_some();
        let dose_at = started_at + Duration::minutes(10);
        let mut adverse_events = Vec::new();
        let (dose, ended_at) = if dosed {
            let (drug, route, mg) = match modality {
                Modality::EsketamineNasal => ("esketamine", "intranasal", if k == 0 { 56.0 } else { 84.0 }),
                _ => ("ketamine", "iv", 30.0 + (rng.next_u64() % 5) as f64 * 5.0),
            };
            let after = |minutes: i64| dose_at + Duration::minutes(minutes);
            observations
                .push((after(40), Measurement::BloodPressure { systolic: systolic + 8, diastolic: diastolic + 4 }));
            // The 40-minute sedation check; heart rate, SpO2 and CADSS add rows without adding a figure.
            observations.push((after(40), Measurement::Moaas { score: 4 + u8::from(rng.chance(0.6)) }));
            observations.push((after(115), Measurement::BloodPressure { systolic, diastolic }));
            for (kind, chance, severity) in [
                ("dissociation", if modality == Modality::EsketamineNasal { 0.22 } else { 0.12 }, AeSeverity::Mild),
                ("nausea", 0.07, AeSeverity::Mild),
                ("dizziness", 0.05, AeSeverity::Mild),
                ("hypertension", 0.02, AeSeverity::Moderate),
            ] {
                if rng.chance(chance) {
                    adverse_events.push(PastAdverseEvent {
                        at: after(30),
                        kind: kind.to_owned(),
                        severity,
                        description: Some("resolved during monitoring (demo data)".to_owned()),
                    });
                }
            }
            let dose = PastDose {
                at: dose_at,
                drug: drug.to_owned(),
                dose_mg: mg,
                route: route.to_owned(),
                lot_number: Some(format!("DEMO{}", 100 + rng.next_u64() % 800)),
            };
            (Some(dose), after(125 + (rng.next_u64() % 20) as i64))
        } else {
            (None, started_at + Duration::minutes(30))
        };
        sessions.push(PastSession { started_at, observations, dose, gate_override, ended_at, adverse_events });
    }

    // PHQ-9 at baseline and weekly; MADRS every two weeks for half the esketamine patients, QIDS-SR16 weekly for
    // half the IV patients. The scores follow the course until its last session plus a week, or today.
    let follow_up_end = days.last().map_or(0, |d| d + 7).min(elapsed - 1);
    let second = match modality {
        Modality::EsketamineNasal if rng.chance(0.5) => {
            Some((Instrument::Madrs, 14, 28.0 + (rng.next_u64() % 13) as f64))
        }
        Modality::IvKetamine if rng.chance(0.5) => Some((Instrument::QidsSr16, 7, 14.0 + (rng.next_u64() % 8) as f64)),
        _ => None,
    };
    let phq9_baseline = if rng.chance(0.05) { 8.0 } else { 14.0 + (rng.next_u64() % 12) as f64 };
    let mut assessments = Vec::new();
    for (instrument, every, baseline) in std::iter::once((Instrument::Phq9, 7, phq9_baseline)).chain(second) {
        let baseline_at = at_two(start - Duration::days(3));
        assessments.push(PastAssessment {
            items: items(instrument, baseline as i64)?,
            at: baseline_at,
            context: AssessmentContext::Baseline,
            session: None,
        });
        let mut day = every - 1;
        while day <= follow_up_end {
            let noise = rng.normal() * baseline / 15.0;
            let total = (level(baseline, depth, day as f64, relapse_day) + noise).round() as i64;
            assessments.push(PastAssessment {
                items: items(instrument, total)?,
                at: at_two(start + Duration::days(day)) + Duration::hours(3),
                context: AssessmentContext::FollowUp,
                session: None,
            });
            day += every;
        }
    }

    let age_days = 365 * (22 + (rng.next_u64() % 50) as i64) + (rng.next_u64() % 365) as i64;
    let consent = rng.chance(0.8);
    let n = clinic * PATIENTS_PER_CLINIC + index;
    let ended_on = (!responds && days.len() >= 6).then(|| start + Duration::days(days.last().copied().unwrap_or(0)));
    Ok(PastTreatment {
        patient: NewPatient {
            mrn: Some(format!("DEMO-Y{:04}", n + 1)),
            given_name: GIVEN[n % GIVEN.len()].to_owned(),
            family_name: format!("{}-{}", FAMILY[(n / GIVEN.len()) % FAMILY.len()], n + 1),
            birth_date: today - Duration::days(age_days),
            sex: Some((if rng.chance(0.58) { "female" } else { "male" }).to_owned()),
            phone: None,
            email: Some(format!("year-patient{}@{DEMO_EMAIL_DOMAIN}", n + 1)),
            research_consent: consent,
            rems_patient_id: None,
        },
        consent_on: consent.then(|| start - Duration::days(3)),
        treatment: modality.code().to_owned(),
        planned_sessions: Some(if modality == Modality::EsketamineNasal { 8 } else { 6 }),
        started_on: start,
        ended_on,
        sessions,
        assessments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_add_up_and_never_touch_the_suicide_item() {
        for (instrument, max, suicide) in
            [(Instrument::Phq9, 24, 9), (Instrument::Madrs, 54, 10), (Instrument::QidsSr16, 24, 12)]
        {
            for total in [0, 1, 7, 13, max] {
                let values = items(instrument, total).unwrap();
                assert_eq!(
                    i64::from(ketapath_clinical::instruments::score(&values).total),
                    total,
                    "{instrument:?} {total}"
                );
                assert_eq!(values.item(suicide), 0, "{instrument:?}");
            }
        }
    }

    #[test]
    fn a_remission_course_ends_low_and_a_lost_response_climbs_back() {
        assert!(level(20.0, 0.85, 60.0, None) < 5.0);
        assert!(level(20.0, 0.6, 30.0, Some(40.0)) <= 10.0);
        assert!(level(20.0, 0.6, 90.0, Some(40.0)) > 10.0);
    }
}
