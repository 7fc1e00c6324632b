//! The demo clinic's treatment day: staff accounts and a dozen clearly fictional patients for `ketapath serve
//! --demo`, so that the portal shows a real day (sessions today, one awaiting its 40-minute check, REMS forms due
//! and overdue, outcomes that respond and that do not, a self-report alert, an open link, two referrals).
//!
//! Everything is written through the same treatment service the portal and the API call (intake computed by the
//! rules, courses planned from the protocol, doses behind the blood-pressure gate, discharges behind the minimum
//! time, REMS forms checked before submission), so the demo can never hold a record the application would refuse.
//! Time comes in as `now` and every choice follows from `seed`; only the passwords are random, because a demo
//! server reachable on a network must never accept a password that anyone can look up.
//!
//! It lives in the care crate, not in the store, because it goes through the treatment use cases and the Argon2id
//! password hash (`accounts::password::hash_password`) like a real clinic's day; the CLI only calls [`seed_demo_care`].

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::{Instrument, Items};
use ketapath_clinical::measurement::self_report_alert;
use ketapath_clinical::protocols::{MaintenanceFrequency, Modality, ObservationRecord};
use ketapath_clinical::safety::CrisisLevel;
use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};
use ketapath_directory::ClinicId;
use ketapath_directory::search::synthetic::SplitMix64;
use ketapath_store::domain::{
    Actor, AeSeverity, AssessmentContext, CourseId, NewAssessment, NewPatient, NewReferral, NewSelfReportAlert,
    NewStaffUser, NewTreatmentSession, Origin, PatientId, ReferralSource, ReviewDecision, Role, SessionId, StaffId,
    StaffUser,
};
use ketapath_store::{ClinicScope, Store, StoreError, new_link_secret};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use time::{Date, Duration, OffsetDateTime, Time};

use crate::accounts::password::{PasswordError, hash_password};
use crate::clinic_time::ClinicTime;

/// The demo clinic's time zone: its listing (`demo-1`) is in Austin, Texas. Its day (sessions "today", the 14:00
/// treatment slot, course start dates) is this zone's, as the portal shows it.
pub const DEMO_TIME_ZONE: &str = "America/Chicago";

fn demo_zone() -> ClinicTime {
    ClinicTime::named(DEMO_TIME_ZONE).unwrap_or_else(|_| ClinicTime::utc())
}
use crate::self_report::token_hash;
use crate::treatment::course::{self, CourseRequest};
use crate::treatment::intake::{self, IntakeRequest};
use crate::treatment::session::{self, AdverseEventInput, DoseInput, ObservationInput};
use crate::treatment::{TreatmentError, rems};

/// The reserved domain of the demo accounts' e-mail addresses (RFC 2606: `.invalid` never resolves).
pub const DEMO_EMAIL_DOMAIN: &str = "demo.ketapath.invalid";

/// Why the demo could not be seeded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Treatment(#[from] TreatmentError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Password(#[from] PasswordError),
}

/// One demo account and the password it was given, shown once to whoever ran the seeding.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub role: Role,
    pub password: String,
}

/// What was seeded.
#[derive(Debug, Clone)]
pub struct DemoCare {
    pub clinic: ClinicId,
    pub accounts: Vec<DemoAccount>,
    pub patients: Vec<PatientId>,
    /// The patient whose PHQ-9 reaches response and remission, for tests and for the guided tour.
    pub responder: PatientId,
    /// The session started today, dosed 40 minutes before `now`, awaiting its 40-minute blood pressure.
    pub awaiting_check: SessionId,
}

/// The demo accounts: local part, display name, role.
const STAFF: [(&str, &str, Role); 3] = [
    ("admin", "Dana Demo-Admin", Role::ClinicAdmin),
    ("prescriber", "Dr. Parker Demo-Prescriber", Role::Prescriber),
    ("nurse", "Nico Demo-Nurse", Role::Nurse),
];

/// Family names that no reader will take for a real person's.
const FAMILY: [&str; 12] = [
    "Samplewood",
    "Placeholder",
    "Fictive",
    "Exemplar",
    "Mockford",
    "Testerly",
    "Imaginary",
    "Dummyton",
    "Pretendez",
    "Specimen",
    "Notreal",
    "Madeup",
];
const GIVEN: [&str; 12] =
    ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kai", "Logan", "Morgan", "Quinn"];

/// What each patient's record shows; one per patient, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Eight esketamine sessions over four weeks; PHQ-9 from the low 20s to under 5 (response and remission),
    /// every REMS form submitted, the prescriber's benefit review to continue, and a maintenance session later today.
    Remitter,
    /// Eight sessions; PHQ-9 halves (response) but stays above 4; the latest form still due.
    Responder,
    /// Eight sessions; PHQ-9 barely moves (no response); forms submitted.
    NonResponder,
    /// Six IV ketamine infusions over two weeks with a response (no REMS form for IV).
    IvResponder,
    /// Two earlier sessions and one started today, dosed 40 minutes ago: the 40-minute blood pressure is due.
    InSessionToday,
    /// One session nine days ago whose REMS form was never submitted: overdue.
    OverdueForm,
    /// Intake and a course planned to start today: the first session is scheduled later today.
    FirstSessionToday,
    /// Three sessions, and a self-report at home with item 9 positive: an alert on the dashboard.
    SelfReportAlert,
    /// Three sessions and a PHQ-9 link sent for home, still open.
    OpenLink,
    /// A label contraindication in the intake: no course can be planned until a prescriber overrides it.
    Contraindicated,
    /// A prescriber passed the contraindication gate with a reason and planned a course starting next week.
    OverrideCourse,
    /// Just registered: intake and baseline scores only.
    NewIntake,
}

const STORIES: [Story; 12] = [
    Story::Remitter,
    Story::Responder,
    Story::NonResponder,
    Story::IvResponder,
    Story::InSessionToday,
    Story::OverdueForm,
    Story::FirstSessionToday,
    Story::SelfReportAlert,
    Story::OpenLink,
    Story::Contraindicated,
    Story::OverrideCourse,
    Story::NewIntake,
];

/// The three scoped handles the demo acts through, and the nurse's id (she monitors the sessions).
struct Team {
    store: Store,
    nurse: ClinicScope,
    prescriber: ClinicScope,
    nurse_id: StaffId,
}

/// A random password: 24 hexadecimal characters (96 bits) from the operating system's generator.
/// Creates one demo staff account at `clinic`, with `password_hash` or no password: the demo and the demo year
/// seed their teams the same way.
pub(crate) async fn create_demo_staff(
    store: &Store,
    clinic: &ClinicId,
    email: String,
    name: &str,
    role: Role,
    password_hash: Option<SecretString>,
) -> Result<StaffUser, StoreError> {
    let new =
        NewStaffUser { clinic_id: Some(clinic.clone()), email, display_name: name.to_owned(), role, password_hash };
    store.unscoped_for_admin_cli_and_tests().create_staff_user(new).await
}

fn random_password() -> Result<String, DemoError> {
    let bytes = new_link_secret()?;
    Ok(hex::encode(&bytes[..12]))
}

/// Seeds the demo clinic `clinic` (which must exist) with staff and fictional patients as of `now`. Does nothing
/// and answers `None` when the clinic already has the demo administrator, so a second run changes nothing.
pub async fn seed_demo_care(
    store: &Store,
    clinic: &ClinicId,
    now: OffsetDateTime,
    seed: u64,
) -> Result<Option<DemoCare>, DemoError> {
    let email = |local: &str| format!("{local}@{DEMO_EMAIL_DOMAIN}");
    if store.staff_user_by_email(&email(STAFF[0].0)).await?.is_some() {
        return Ok(None);
    }
    let mut accounts = Vec::new();
    let mut ids = Vec::new();
    for (local, name, role) in STAFF {
        let password = random_password()?;
        let user = create_demo_staff(store, clinic, email(local), name, role, Some(hash_password(&password)?)).await?;
        ids.push(user.id);
        accounts.push(DemoAccount { email: user.email, role, password });
    }
    let scope = |i: usize| {
        let actor = Actor { user_id: ids[i], clinic_id: Some(clinic.clone()), role: STAFF[i].2, origin: Origin::cli() };
        async move { store.for_clinic(&actor).await }
    };
    let team = Team { store: store.clone(), prescriber: scope(1).await?, nurse: scope(2).await?, nurse_id: ids[2] };
    team.prescriber.set_time_zone(Some(DEMO_TIME_ZONE)).await?;
    let mut rng = SplitMix64::new(seed);
    let mut patients = Vec::new();
    let mut responder = None;
    let mut awaiting_check = None;
    for (i, story) in STORIES.into_iter().enumerate() {
        let (patient, session) = seed_patient(&team, i, story, now, &mut rng).await?;
        if story == Story::Remitter {
            responder = Some(patient);
        }
        if session.is_some() {
            awaiting_check = session;
        }
        patients.push(patient);
    }
    seed_referrals(store, clinic, &mut rng).await?;
    let missing = |what: &str| InvalidInput::new("demo", format!("the demo stories lack {what}"));
    Ok(Some(DemoCare {
        clinic: clinic.clone(),
        accounts,
        patients,
        responder: responder.ok_or_else(|| missing("a responder"))?,
        awaiting_check: awaiting_check.ok_or_else(|| missing("a session today"))?,
    }))
}

/// The clinic's calendar date of `now`.
fn local_today(now: OffsetDateTime) -> Date {
    demo_zone().date_of(now)
}

/// 14:00 clinic time on the day `days` before the clinic's today: the clinic's usual treatment slot.
fn slot(now: OffsetDateTime, days: i64) -> OffsetDateTime {
    let date = local_today(now) - Duration::days(days);
    let two_pm = Time::from_hms(14, 0, 0).unwrap_or(Time::MIDNIGHT);
    demo_zone().at(date, two_pm).unwrap_or_else(|| OffsetDateTime::new_utc(date, two_pm))
}

/// `now` plus `hours`, kept on the clinic's day of `now` (a demo seeded late in the evening still has its sessions
/// "today").
fn later_today(now: OffsetDateTime, hours: i64) -> OffsetDateTime {
    let date = local_today(now);
    let half_past_eleven = Time::from_hms(23, 30, 0).unwrap_or(Time::MIDNIGHT);
    let end = demo_zone().at(date, half_past_eleven).unwrap_or_else(|| OffsetDateTime::new_utc(date, half_past_eleven));
    (now + Duration::hours(hours)).min(end).max(now)
}

/// PHQ-9 items for `total`, spread over items 1-8 with item 9 (thoughts of self-harm) at `item9`.
fn phq9(total: i64, item9: i64) -> Result<Items, InvalidInput> {
    let rest = (total - item9).clamp(0, 24);
    let values: Vec<i64> = (0..8).map(|i| rest / 8 + i64::from(i < rest % 8)).chain([item9]).collect();
    Items::from_values(Instrument::Phq9, &values)
}

fn gad7(total: i64) -> Result<Items, InvalidInput> {
    let total = total.clamp(0, 21);
    let values: Vec<i64> = (0..7).map(|i| total / 7 + i64::from(i < total % 7)).collect();
    Items::from_values(Instrument::Gad7, &values)
}

/// A PHQ-9 course of scores: from `baseline` towards `baseline * (1 - depth)` over `steps`, with a little noise.
fn trajectory(rng: &mut SplitMix64, baseline: i64, depth: f64, steps: usize) -> Vec<i64> {
    (1..=steps)
        .map(|k| {
            let f = 1.0 - (-(k as f64) / (steps as f64 / 3.0)).exp();
            let noise = (rng.next_u64() % 3) as f64 - 1.0;
            let score = baseline as f64 * (1.0 - depth * f / (1.0 - (-3.0_f64).exp())) + noise;
            score.round().clamp(0.0, 24.0) as i64
        })
        .collect()
}

fn intake_request(story: Story, rng: &mut SplitMix64) -> Result<IntakeRequest, DemoError> {
    let drugs = ["sertraline", "escitalopram", "venlafaxine", "bupropion", "duloxetine", "mirtazapine"];
    let doses = [150, 20, 225, 300, 60, 30];
    let first = (rng.next_u64() % 3) as usize;
    let (weeks_1, weeks_2) = (8 + rng.next_u64() % 6, 6 + rng.next_u64() % 8);
    let trials = json!([
        {"drug": drugs[first], "dose_mg_per_day": doses[first], "weeks": weeks_1, "improvement": "none"},
        {"drug": drugs[3 + first], "dose_mg_per_day": doses[3 + first], "weeks": weeks_2, "improvement": "partial"},
    ]);
    let conditions = match story {
        Story::Contraindicated | Story::OverrideCourse => json!(["aneurysmal_vascular_disease"]),
        _ => json!([]),
    };
    let request = json!({
        "demographics": {"preferred_language": "en", "zip": "10001"},
        "trials": trials,
        "episode_months": 12 + rng.next_u64() % 30,
        "severity": if rng.chance(0.5) { "moderate" } else { "severe_without_psychosis" },
        "augmentation_used": rng.chance(0.4),
        "ect_used": false,
        "conditions": conditions,
        "rems_enrolled": story != Story::IvResponder,
        "pregnancy_potential": false,
        "research_consent": rng.chance(0.6),
        "concomitant_medications": {"benzodiazepines": false, "non_benzodiazepine_sedative_hypnotics": false,
            "psychostimulants": false, "maois": false, "respiratory_depressants": false},
    });
    Ok(serde_json::from_value(request).map_err(|e| InvalidInput::new("intake", e.to_string()))?)
}

/// Registers one patient and plays their story; answers the patient and, for the session in progress, its id.
async fn seed_patient(
    team: &Team,
    index: usize,
    story: Story,
    now: OffsetDateTime,
    rng: &mut SplitMix64,
) -> Result<(PatientId, Option<SessionId>), DemoError> {
    let nurse = &team.nurse;
    let age_days = 365 * (24 + (rng.next_u64() % 45) as i64) + (rng.next_u64() % 365) as i64;
    let patient = nurse
        .create_patient(NewPatient {
            mrn: Some(format!("DEMO-{:03}", index + 1)),
            given_name: GIVEN[index].to_owned(),
            family_name: FAMILY[index].to_owned(),
            birth_date: now.date() - Duration::days(age_days),
            sex: Some((if rng.chance(0.55) { "female" } else { "male" }).to_owned()),
            phone: Some(format!("555-01{:02}", 10 + index)),
            email: Some(format!("patient{}@{DEMO_EMAIL_DOMAIN}", index + 1)),
            research_consent: false,
            rems_patient_id: None,
        })
        .await?
        .id;
    intake::put(nurse, patient, &intake_request(story, rng)?).await?;

    // Sessions (days before today) and where the PHQ-9 is heading.
    let (modality, days, depth): (Modality, &[i64], f64) = match story {
        Story::Remitter => (Modality::EsketamineNasal, &[28, 25, 21, 18, 14, 11, 7, 4], 0.85),
        Story::Responder => (Modality::EsketamineNasal, &[27, 24, 20, 17, 13, 10, 6, 3], 0.55),
        Story::NonResponder => (Modality::EsketamineNasal, &[29, 26, 22, 19, 15, 12, 8, 5], 0.12),
        Story::IvResponder => (Modality::IvKetamine, &[16, 14, 11, 9, 7, 4], 0.7),
        Story::InSessionToday => (Modality::EsketamineNasal, &[7, 4], 0.3),
        Story::OverdueForm => (Modality::EsketamineNasal, &[9], 0.1),
        Story::SelfReportAlert | Story::OpenLink => (Modality::EsketamineNasal, &[10, 7, 3], 0.3),
        Story::FirstSessionToday | Story::Contraindicated | Story::OverrideCourse | Story::NewIntake => {
            (Modality::EsketamineNasal, &[], 0.0)
        }
    };
    let first_day = days.first().copied().unwrap_or(0);
    let baseline_at = slot(now, first_day + 3);
    let baseline = 17 + (rng.next_u64() % 7) as i64;
    let record = |items: Items, at: OffsetDateTime, context: AssessmentContext, session: Option<SessionId>| {
        let new =
            NewAssessment { patient_id: patient, course_id: None, session_id: session, items, administered_at: at };
        async move { nurse.record_assessment_in_context(new, Some(context)).await }
    };
    record(phq9(baseline, 0)?, baseline_at, AssessmentContext::Baseline, None).await?;
    record(gad7(baseline * 2 / 3)?, baseline_at, AssessmentContext::Baseline, None).await?;
    if story == Story::Contraindicated || story == Story::NewIntake {
        return Ok((patient, None));
    }

    // The course, planned from the protocol on the day of the first session (today, or next week).
    let start = match story {
        Story::OverrideCourse => local_today(now) + Duration::days(7),
        Story::FirstSessionToday => local_today(now),
        _ => local_today(now) - Duration::days(first_day),
    };
    let request = CourseRequest {
        modality,
        start,
        weeks: None,
        maintenance: MaintenanceFrequency::Weekly,
        with_psychotherapy: false,
    };
    let ov = match story {
        Story::OverrideCourse => crate::treatment::Override::from_request(
            &team.prescriber,
            Some("Aneurysm repaired in 2019, cleared by vascular surgery; benefit discussed with the patient."),
        )?,
        _ => None,
    };
    let planner = if ov.is_some() { &team.prescriber } else { nurse };
    let (course, _) = course::create(planner, patient, &request, ov).await?;
    if story == Story::OverrideCourse {
        return Ok((patient, None));
    }
    if !days.is_empty() {
        team.nurse.set_course_status(course.id, ketapath_store::domain::CourseStatus::Active, None, None).await?;
    }

    let scores = trajectory(rng, baseline, depth, days.len());
    for (k, (&day, &score)) in days.iter().zip(&scores).enumerate() {
        let at = slot(now, day);
        let dose_mg = match modality {
            Modality::EsketamineNasal if k == 0 => 56.0,
            Modality::EsketamineNasal => 84.0,
            _ => 35.0 + (rng.next_u64() % 4) as f64 * 5.0,
        };
        let sid = past_session(team, course.id, at, dose_mg, rng).await?;
        let before = if k == 0 { baseline } else { scores[k - 1] };
        record(phq9(before, 0)?, at - Duration::minutes(15), AssessmentContext::PreSession, Some(sid)).await?;
        if k % 2 == 1 {
            record(gad7(score * 2 / 3)?, at - Duration::minutes(15), AssessmentContext::PreSession, Some(sid)).await?;
        }
        // The day after each session, the PHQ-9 the patient reports at the follow-up call.
        record(phq9(score, 0)?, at + Duration::hours(22), AssessmentContext::FollowUp, None).await?;
        let last = k + 1 == days.len();
        let submit = modality == Modality::EsketamineNasal
            && match story {
                Story::OverdueForm => false,
                Story::Responder | Story::InSessionToday | Story::SelfReportAlert => !last,
                _ => true,
            };
        if submit {
            submit_form(team, sid, at + Duration::hours(26).min(now - at)).await?;
        }
    }

    match story {
        Story::Remitter => {
            // The induction ended yesterday: the prescriber's benefit review decided to continue, so today's
            // maintenance session may be started and dosed.
            let request = course::ReviewRequest {
                decision: ReviewDecision::Continue,
                note: Some("PHQ-9 from the twenties to under 5 over the induction; continue weekly.".to_owned()),
                weeks: None,
                maintenance: MaintenanceFrequency::Weekly,
            };
            course::review(&team.prescriber, course.id, &request, now).await?;
            schedule_today(team, course.id, later_today(now, 2)).await?
        }
        Story::FirstSessionToday => schedule_today(team, course.id, later_today(now, 4)).await?,
        Story::InSessionToday => return Ok((patient, Some(session_today(team, course.id, now).await?))),
        Story::SelfReportAlert => self_report(team, patient, now, true).await?,
        Story::OpenLink => self_report(team, patient, now, false).await?,
        _ => {}
    }
    Ok((patient, None))
}

fn rfc3339(at: OffsetDateTime) -> Result<String, InvalidInput> {
    at.format(&time::format_description::well_known::Rfc3339).map_err(|e| InvalidInput::new("at", e.to_string()))
}

/// The pre-dose checks at `at` (fasting, transport home, a blood pressure within the gate).
async fn pre_checks(team: &Team, id: SessionId, at: OffsetDateTime, systolic: u16) -> Result<(), DemoError> {
    let answers = json!({
        "dose_at": rfc3339(at + Duration::minutes(5))?,
        "last_food_at": rfc3339(at - Duration::hours(3))?,
        "last_liquid_at": rfc3339(at - Duration::minutes(90))?,
        "transport_home_arranged": true,
        "blood_pressure": {"systolic": systolic, "diastolic": 78 + systolic % 7},
    });
    let Value::Object(answers) = answers else { return Ok(()) };
    session::pre_checks(&team.nurse, id, answers, at).await?;
    Ok(())
}

fn measures(at: OffsetDateTime, bp: (u16, u16), moaas: u8, cadss: u16) -> ObservationInput {
    let record = ObservationRecord {
        at,
        systolic: Some(bp.0),
        diastolic: Some(bp.1),
        heart_rate: Some(72 + bp.1 % 11),
        spo2: Some(97 + (bp.0 % 3) as u8),
        moaas: Some(moaas),
        cadss: Some(cadss),
    };
    ObservationInput { record, note: None, symptoms: Vec::new() }
}

/// A completed session at `at`: pre-checks, the dose five minutes later, the 40-minute and pre-discharge
/// observations, and the discharge after the two-hour minimum with the REMS evaluation answer.
async fn past_session(
    team: &Team,
    course: CourseId,
    at: OffsetDateTime,
    dose_mg: f64,
    rng: &mut SplitMix64,
) -> Result<SessionId, DemoError> {
    let nurse = &team.nurse;
    let new = NewTreatmentSession { course_id: course, scheduled_at: Some(at), monitored_by: Some(team.nurse_id) };
    let id = nurse.create_session(new).await?.id;
    let systolic = 118 + (rng.next_u64() % 18) as u16;
    pre_checks(team, id, at, systolic).await?;
    let dosed = at + Duration::minutes(5);
    let lot = format!("DEMO{}", 100 + rng.next_u64() % 800);
    let input = DoseInput { at: dosed, dose_mg: Some(dose_mg), lot: Some(lot), weight_kg: None, mg_per_kg: None };
    session::dose(nurse, id, input, None).await?;
    let cadss = (4 + rng.next_u64() % 14) as u16;
    session::observe(nurse, id, measures(dosed + Duration::minutes(40), (systolic + 12, 86), 4, cadss)).await?;
    if rng.chance(0.3) {
        let event = AdverseEventInput {
            at: dosed + Duration::minutes(30),
            kind: "dissociation".to_owned(),
            severity: AeSeverity::Mild,
            description: Some("felt detached for about twenty minutes, resolved without intervention".to_owned()),
            action_taken: Some("reassurance, quiet room".to_owned()),
            reported_externally: false,
        };
        session::adverse_event(nurse, id, event).await?;
    }
    session::observe(nurse, id, measures(dosed + Duration::minutes(125), (systolic, 80), 5, 0)).await?;
    let ready = dosed + Duration::minutes(80 + (rng.next_u64() % 30) as i64);
    session::discharge(nurse, id, dosed + Duration::minutes(130), Some(ready), None).await?;
    // The nurse on duty saw and acknowledged the alerts of a past session (a post-dose pressure above the gate, say);
    // only today's sessions leave alerts open on the demo dashboard.
    for alert in crate::treatment::alerts::of_session(nurse, id).await? {
        crate::treatment::alerts::acknowledge(nurse, id, alert.id).await?;
    }
    Ok(id)
}

/// Submits a session's REMS Patient Monitoring Form with the answers staff give by hand.
async fn submit_form(team: &Team, id: SessionId, at: OffsetDateTime) -> Result<(), DemoError> {
    let patch = json!({"hcp": {"phone": "212-555-0100"},
        "vital_signs": {"in_range_prior_to_administration": true, "in_range_prior_to_completion": true}});
    let mut effects = Map::new();
    for code in ["sedation", "dissociation", "respiratory_depression"] {
        effects.insert(code.to_owned(), Value::Bool(code == "dissociation"));
    }
    let answers = rems::Answers { form: Some(patch), adverse_effects: Some(effects) };
    rems::submit(&team.nurse, id, &answers, at).await?;
    Ok(())
}

/// A session scheduled for `at` on the course.
async fn schedule_today(team: &Team, course: CourseId, at: OffsetDateTime) -> Result<(), DemoError> {
    let new = NewTreatmentSession { course_id: course, scheduled_at: Some(at), monitored_by: Some(team.nurse_id) };
    team.nurse.create_session(new).await?;
    Ok(())
}

/// Today's session in progress: pre-checks 45 minutes ago and the dose 40 minutes before `now`, so the
/// 40-minute blood pressure is due as the demo opens.
async fn session_today(team: &Team, course: CourseId, now: OffsetDateTime) -> Result<SessionId, DemoError> {
    let start = now - Duration::minutes(45);
    let new = NewTreatmentSession { course_id: course, scheduled_at: Some(start), monitored_by: Some(team.nurse_id) };
    let id = team.nurse.create_session(new).await?.id;
    pre_checks(team, id, start, 126).await?;
    let input = DoseInput {
        at: now - Duration::minutes(40),
        dose_mg: Some(84.0),
        lot: Some("DEMO512".to_owned()),
        weight_kg: None,
        mg_per_kg: None,
    };
    session::dose(&team.nurse, id, input, None).await?;
    Ok(id)
}

/// A PHQ-9 link for home: left open, or answered yesterday with item 9 positive, which raises the alert.
async fn self_report(team: &Team, patient: PatientId, now: OffsetDateTime, answered: bool) -> Result<(), DemoError> {
    let (_, token) =
        crate::self_report::issue(&team.nurse, patient, Instrument::Phq9, now + Duration::hours(72)).await?;
    let hash = token_hash(&token);
    if !answered {
        return Ok(());
    }
    let items = phq9(16, 1)?;
    let alert = self_report_alert(&items).map(|a| NewSelfReportAlert {
        level: (if a.level == CrisisLevel::Emergency { "emergency" } else { "urgent" }).to_owned(),
        item9: a.item9,
        total: a.total,
        message: a.clinic_message,
    });
    team.store.submit_self_report_with_alert(&hash, items, &Origin::cli(), now - Duration::hours(20), alert).await?;
    Ok(())
}

/// Two referrals sent from the public self-check, each with the summary the person chose to send.
async fn seed_referrals(store: &Store, clinic: &ClinicId, rng: &mut SplitMix64) -> Result<(), DemoError> {
    let people = [
        ("Rowan Fictional", "555-0191", [2, 2, 3, 2, 1, 2, 2, 1, 0], "Mornings are best."),
        ("Sky Notional", "555-0192", [3, 2, 2, 3, 2, 2, 1, 2, 0], "My psychiatrist suggested asking about esketamine."),
    ];
    for (name, phone, phq, message) in people {
        let input = json!({
            "phq9": phq, "age": 30 + rng.next_u64() % 30, "episode_months": 14,
            "trials": [
                {"drug": "sertraline", "dose_mg_per_day": 150, "weeks": 10, "improvement": "none"},
                {"drug": "bupropion", "dose_mg_per_day": 300, "weeks": 8, "improvement": "partial"}
            ]
        });
        let screening = screen(&ScreeningInput::parse(&input)?, &ScreenConfig::default());
        let completed_on = store.now().date() - Duration::days(1 + (rng.next_u64() % 3) as i64);
        let summary = json!({
            "kind": "ketapath.self_check_summary",
            "version": 1,
            "completed_on": date_text(completed_on),
            "fictional": true,
            "screening": screening,
        });
        let new = NewReferral {
            source: ReferralSource::SelfCheck,
            contact_name: Some(name.to_owned()),
            contact_phone: Some(phone.to_owned()),
            contact_email: None,
            message: Some(message.to_owned()),
            summary: Some(summary),
        };
        store.submit_referral(clinic, new, &Origin::cli()).await?;
    }
    Ok(())
}

fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn scores_have_their_totals_and_item_nine_only_when_asked() {
        for total in 0..=24 {
            let items = phq9(total, 0).unwrap();
            assert_eq!(items.values().iter().map(|v| i64::from(*v)).sum::<i64>(), total);
            assert_eq!(items.item(9), 0);
        }
        assert_eq!(phq9(16, 1).unwrap().item(9), 1);
        assert_eq!(gad7(12).unwrap().values().iter().map(|v| i64::from(*v)).sum::<i64>(), 12);
    }

    #[test]
    fn sessions_today_stay_on_the_day_and_trajectories_follow_the_seed() {
        // 23:10 in Austin (CST) is 05:10 UTC the next day; four hours later would be past the clinic's midnight.
        let late = datetime!(2026-11-28 05:10 UTC);
        assert_eq!(local_today(late), time::macros::date!(2026 - 11 - 27));
        assert_eq!(local_today(later_today(late, 4)), local_today(late));
        assert_eq!(later_today(datetime!(2026-11-27 09:00 UTC), 2), datetime!(2026-11-27 11:00 UTC));
        assert_eq!(slot(datetime!(2026-11-27 09:00 UTC), 1), datetime!(2026-11-26 20:00 UTC), "14:00 CST");
        let a = trajectory(&mut SplitMix64::new(7), 20, 0.85, 8);
        assert_eq!(a, trajectory(&mut SplitMix64::new(7), 20, 0.85, 8));
        assert!(a[7] < 5, "a remitter ends below 5: {a:?}");
    }
}
