//! The registry over a small fixture, against hand-computed rates, in the public and the clinic's own view, and the
//! directory's per-clinic outcome lines at the suppression boundary.

mod common;

use common::*;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::outcomes::OutcomeConfig;
use ketapath_research::model::{AdverseEventKind, Modality, ResearchPatient};
use ketapath_research::stats::registry::{OutcomeCell, Period, Registry};
use ketapath_research::stats::{Suppressed, Threshold, Visibility};
use ketapath_research::{Consent, RegistryConfig, StatsPatient, clinic_outcomes, registry};
use time::macros::date;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 5e-5
}

/// An IV patient of clinic A: PHQ-9 baseline 20 on day −1, then the given totals on days 7, 14 and 28;
/// six infusions on days 0, 2, 4, 7, 9, 11, each with the blood-pressure gate checked.
fn iv_patient(n: usize, totals: [u16; 3]) -> ResearchPatient {
    let id = format!("iv-{n}");
    let mut p = patient(&id, "clinic-a");
    let course = format!("{id}-course");
    p.courses.push(common::course(&course, Modality::IvKetamine, date!(2026 - 03 - 02)));
    p.assessments.push(assessment(&format!("{id}-a0"), &course, Instrument::Phq9, -1, 20, true));
    for (day, total) in [7, 14, 28].into_iter().zip(totals) {
        p.assessments.push(assessment(&format!("{id}-a{day}"), &course, Instrument::Phq9, day, total, false));
    }
    for (i, day) in [0, 2, 4, 7, 9, 11].into_iter().enumerate() {
        p.sessions.push(session(&format!("{id}-s{i}"), &course, Modality::IvKetamine, day));
    }
    p
}

/// An esketamine patient of clinic B: MADRS baseline 30 on day −1 and `total` on day 7; four sessions.
fn esketamine_patient(n: usize, total: u16) -> ResearchPatient {
    let id = format!("esk-{n}");
    let mut p = patient(&id, "clinic-b");
    let course = format!("{id}-course");
    p.courses.push(common::course(&course, Modality::EsketamineNasal, date!(2026 - 03 - 02)));
    p.assessments.push(assessment(&format!("{id}-a0"), &course, Instrument::Madrs, -1, 30, true));
    p.assessments.push(assessment(&format!("{id}-a7"), &course, Instrument::Madrs, 7, total, false));
    for (i, day) in [0, 3, 7, 10].into_iter().enumerate() {
        p.sessions.push(session(&format!("{id}-s{i}"), &course, Modality::EsketamineNasal, day));
    }
    p
}

/// The fixture, with the hand computation the tests check:
///
/// IV / PHQ-9 (baseline 20; response ≤ 10, remission ≤ 4), totals on days 7, 14, 28:
/// - iv-0..2: 8, 4, 4 → first response day 7, latest 4: response and remission;
/// - iv-3..5: 14, 6, 4 → first response day 14, latest 4: response and remission;
/// - iv-6..7: 9, 12, 9 → first response day 7, lost on day 14, latest 9: response, no remission;
/// - iv-8: 16, 10, 9 → first response day 14 (exactly 50%), latest 9: response;
/// - iv-9..11: 18, 16, 15 → neither.
///
/// Response 9/12 = 0.75, remission 6/12 = 0.5. Week 1 (day 7): 5 of 12 respond; week 2 (day 14): 7 of 12;
/// week 4 (day 28): 9 of 12. Time to first response (days from the first infusion): 7 ×5, 14 ×4 → median 7,
/// quartiles 7 and 14 (type 7). Durability (days from first response): iv-6..7 lose it after 7 days (events);
/// iv-3..5 and iv-8 are censored at 14, iv-0..2 at 21 → S(7) = 7/9, median not reached.
///
/// Plus: a withdrawn responder (excluded), a patient with a baseline only (counted, not evaluable), three
/// esketamine patients on MADRS (n = 3, suppressed in public). Sessions: 12·6 + 2 + 3·4 = 86. Adverse events:
/// nausea in 11 patients (12.79 per 100 sessions, shown), headache in 2 (suppressed). Gate: 3 blocks in 86 checked
/// sessions (16 patients: shown), 1 override of 3 blocks (3 patients: suppressed).
fn fixture() -> Vec<ResearchPatient> {
    let series: [[u16; 3]; 12] = [
        [8, 4, 4],
        [8, 4, 4],
        [8, 4, 4],
        [14, 6, 4],
        [14, 6, 4],
        [14, 6, 4],
        [9, 12, 9],
        [9, 12, 9],
        [16, 10, 9],
        [18, 16, 15],
        [18, 16, 15],
        [18, 16, 15],
    ];
    let mut patients: Vec<ResearchPatient> = series.iter().enumerate().map(|(n, t)| iv_patient(n, *t)).collect();
    for p in patients.iter_mut().take(3) {
        p.sessions[0].bp_gate_blocked = true;
    }
    patients[0].sessions[0].bp_gate_overridden = true;
    for (n, p) in patients.iter_mut().enumerate().take(11) {
        let session = p.sessions[1].session_id.clone();
        p.adverse_events.push(adverse_event(&format!("ae-n{n}"), &session, 2, AdverseEventKind::Nausea));
    }
    for (n, p) in patients.iter_mut().enumerate().take(2) {
        let session = p.sessions[2].session_id.clone();
        p.adverse_events.push(adverse_event(&format!("ae-h{n}"), &session, 4, AdverseEventKind::Headache));
    }

    let mut withdrawn = iv_patient(99, [8, 4, 4]);
    withdrawn.consent = Consent::withdrawn(date!(2026 - 05 - 01));
    patients.push(withdrawn);

    let mut baseline_only = iv_patient(50, [0, 0, 0]);
    baseline_only.assessments.truncate(1);
    baseline_only.sessions.truncate(2);
    patients.push(baseline_only);

    patients.extend([esketamine_patient(0, 10), esketamine_patient(1, 14), esketamine_patient(2, 25)]);
    patients
}

fn cell(registry: &Registry, modality: Modality, instrument: Instrument) -> &OutcomeCell {
    registry
        .outcomes
        .iter()
        .find(|c| c.modality == modality && c.instrument == instrument)
        .unwrap_or_else(|| panic!("no cell {modality} × {instrument}"))
}

#[test]
fn public_registry_matches_hand_computed_rates_and_suppresses_small_cells() {
    let r = registry(&fixture(), &RegistryConfig::public(AS_OF)).expect("valid fixture");
    assert_eq!(r.patients, Suppressed::Shown(16));
    assert_eq!(r.outcomes.len(), 2);

    let iv = cell(&r, Modality::IvKetamine, Instrument::Phq9);
    assert_eq!(iv.patients, Suppressed::Shown(12));
    let response = iv.response.shown().expect("12 patients are shown");
    assert_eq!((response.successes, response.n), (9, 12));
    assert!(close(response.rate, 0.75));
    assert!(close(response.interval.low, 0.46769) && close(response.interval.high, 0.91106), "{response:?}");
    let remission = iv.remission.shown().expect("shown");
    assert_eq!((remission.successes, remission.n), (6, 12));
    assert!(close(remission.interval.low, 0.25378) && close(remission.interval.high, 0.74622));
    assert_eq!(iv.period, Suppressed::Shown(Period { from: "2026-03".into(), to: "2026-03".into() }));
    assert_eq!(iv.response_rule.id, "outcome.response.phq9");
    assert_eq!(iv.remission_rule.id, "outcome.remission.phq9");
    assert_eq!((iv.response_reduction_pct, iv.remission_max), (50, 4));
    // Nine responders: time to response and durability describe fewer than 11 patients.
    assert!(iv.time_to_response_days.as_ref().expect("responders exist").is_suppressed());
    assert!(iv.durability.is_suppressed());

    let weeks: Vec<(u32, u64, u64)> = iv
        .response_over_time
        .iter()
        .map(|w| {
            let p = w.response.shown().expect("12 patients each week");
            (w.week, p.successes, p.n)
        })
        .collect();
    assert_eq!(weeks, vec![(1, 5, 12), (2, 7, 12), (4, 9, 12)]);

    let esk = cell(&r, Modality::EsketamineNasal, Instrument::Madrs);
    assert_eq!(esk.patients, Suppressed::Suppressed { threshold: 11 });
    assert!(esk.response.is_suppressed() && esk.remission.is_suppressed() && esk.period.is_suppressed());
    assert!(esk.response_over_time.iter().all(|w| w.response.is_suppressed()));

    assert_eq!(r.adverse_events.sessions, Suppressed::Shown(86));
    let kinds: Vec<AdverseEventKind> = r.adverse_events.by_kind.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, vec![AdverseEventKind::Nausea, AdverseEventKind::Headache]);
    let nausea = r.adverse_events.by_kind[0].1.shown().expect("11 patients");
    assert_eq!((nausea.events, nausea.patients), (11, 11));
    assert!(close(nausea.per_100_sessions.expect("86 sessions"), 1100.0 / 86.0));
    assert!(r.adverse_events.by_kind[1].1.is_suppressed());

    let blocked = r.bp_gate.blocked.as_ref().expect("gate checked").shown().expect("16 patients");
    assert_eq!((blocked.successes, blocked.n), (3, 86));
    assert!(r.bp_gate.overridden.as_ref().expect("blocks exist").is_suppressed());

    let rules: Vec<&str> = r.rules.iter().map(|rule| rule.id).collect();
    for id in [
        "outcome.response.phq9",
        "outcome.remission.phq9",
        "outcome.response.madrs",
        "outcome.remission.madrs_le12",
        "outcome.time_to_response",
        "outcome.loss_of_response",
        "research.small_cell_suppression",
    ] {
        assert!(rules.contains(&id), "{id} missing from {rules:?}");
    }

    // The public JSON says "< 11" where a figure is hidden and never carries the hidden numbers.
    let json = serde_json::to_value(&r).expect("serializes");
    let esk_json = json["outcomes"].as_array().expect("array")[0].clone();
    assert_eq!(esk_json["modality"], "esketamine_nasal");
    assert_eq!(esk_json["patients"], "< 11");
    assert_eq!(esk_json["response"], "< 11");
}

#[test]
fn the_clinics_own_view_shows_every_figure() {
    let clinic_a: Vec<ResearchPatient> = fixture().into_iter().filter(|p| p.clinic_id == "clinic-a").collect();
    let config = RegistryConfig { visibility: Visibility::OwnClinic, ..RegistryConfig::public(AS_OF) };
    let r = registry(&clinic_a, &config).expect("valid fixture");
    assert_eq!(r.patients, Suppressed::Shown(13));
    assert!(!r.rules.iter().any(|rule| rule.id == "research.small_cell_suppression"));
    let iv = cell(&r, Modality::IvKetamine, Instrument::Phq9);

    let q = iv.time_to_response_days.as_ref().and_then(|s| s.shown()).expect("own view shows it");
    assert_eq!((q.n, q.q1, q.median, q.q3), (9, 7.0, 7.0, 14.0));

    let durability = iv.durability.shown().expect("own view shows it");
    assert_eq!(durability.responders, 9);
    let steps: Vec<(f64, u64, u64, u64)> =
        durability.steps.iter().map(|s| (s.time, s.at_risk, s.events, s.censored)).collect();
    assert_eq!(steps, vec![(7.0, 9, 2, 0), (14.0, 7, 0, 4), (21.0, 3, 0, 3)]);
    assert!(close(durability.steps[0].survival, 7.0 / 9.0));
    assert_eq!(durability.median_days, None);

    let overridden = r.bp_gate.overridden.as_ref().and_then(|s| s.shown()).expect("own view shows it");
    assert_eq!((overridden.successes, overridden.n), (1, 3));
}

#[test]
fn clinic_outcomes_show_11_patients_and_nothing_for_10() {
    let config = OutcomeConfig::default();
    let threshold = Threshold::default();
    let all = fixture();
    let lines = clinic_outcomes(&all, "clinic-a", AS_OF, &config, threshold).expect("valid");
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].modality, lines[0].instrument, lines[0].patients),
        (Modality::IvKetamine, Instrument::Phq9, 12)
    );
    assert_eq!((lines[0].response.successes, lines[0].remission.successes), (9, 6));
    assert!(clinic_outcomes(&all, "clinic-b", AS_OF, &config, threshold).expect("valid").is_empty());

    // Without iv-11 (a non-responder): 11 patients, shown, 9/11.
    let eleven: Vec<ResearchPatient> = all.iter().filter(|p| p.patient_id != "iv-11").cloned().collect();
    let lines = clinic_outcomes(&eleven, "clinic-a", AS_OF, &config, threshold).expect("valid");
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].patients, lines[0].response.successes, lines[0].response.n), (11, 9, 11));
    assert!(close(lines[0].response.interval.low, 0.52301));

    // Without iv-10 too: 10 patients, nothing at all.
    let ten: Vec<ResearchPatient> = eleven.into_iter().filter(|p| p.patient_id != "iv-10").collect();
    assert!(clinic_outcomes(&ten, "clinic-a", AS_OF, &config, threshold).expect("valid").is_empty());
}

#[test]
fn invalid_totals_are_refused_naming_the_patient_and_course() {
    let mut patients = fixture();
    patients[2].assessments[2].total = 40;
    let error = registry(&patients, &RegistryConfig::public(AS_OF)).expect_err("PHQ-9 total over 27");
    assert!(error.field.starts_with("patients[2].courses[0]"), "{error}");
}

/// Twelve responders, all first responding on day 7: ten followed to day 28 (censored 21 days after the first
/// response), two only to day 14 (censored at 7). Public curve: the step at day 21 has 10 at risk, fewer than 11, so
/// the curve stops after the step at day 7; the clinic's own curve keeps both steps.
#[test]
fn public_durability_curves_stop_before_fewer_than_11_are_at_risk() {
    let mut patients: Vec<ResearchPatient> = (0..12).map(|n| iv_patient(n, [8, 4, 4])).collect();
    for p in patients.iter_mut().take(2) {
        p.assessments.truncate(3);
    }
    let public = registry(&patients, &RegistryConfig::public(AS_OF)).expect("valid");
    let iv = cell(&public, Modality::IvKetamine, Instrument::Phq9);
    let durability = iv.durability.shown().expect("12 responders are shown");
    let steps: Vec<(f64, u64, u64, u64)> =
        durability.steps.iter().map(|s| (s.time, s.at_risk, s.events, s.censored)).collect();
    assert_eq!(steps, vec![(7.0, 12, 0, 2)]);
    let q = iv.time_to_response_days.as_ref().and_then(|s| s.shown()).expect("12 responders are shown");
    assert_eq!((q.n, q.median), (12, 7.0));

    let own = RegistryConfig { visibility: Visibility::OwnClinic, ..RegistryConfig::public(AS_OF) };
    let own = registry(&patients, &own).expect("valid");
    let durability = cell(&own, Modality::IvKetamine, Instrument::Phq9).durability.shown().expect("own view");
    assert_eq!(durability.steps.len(), 2);
    assert_eq!((durability.steps[1].time, durability.steps[1].at_risk), (21.0, 10));
}

/// An IV patient whose PHQ-9 baseline is `baseline` and later totals are 2: a "remitter" only if the floor is ignored.
fn low_baseline_patient(n: usize, baseline: u16) -> ResearchPatient {
    let mut p = iv_patient(500 + n, [2, 2, 2]);
    p.assessments[0].total = baseline;
    p
}

#[test]
fn a_baseline_phq9_below_10_counts_in_no_figure() {
    // The 12 fixture IV patients, plus 11 whose baseline was 4 and who now score 2: the rates must not move.
    let mut patients = fixture();
    patients.extend((0..11).map(|n| low_baseline_patient(n, 4)));
    let config = RegistryConfig::public(AS_OF);
    let r = registry(&patients, &config).expect("valid");
    let iv = cell(&r, Modality::IvKetamine, Instrument::Phq9);
    assert_eq!(iv.patients.shown(), Some(&12), "not assessable patients are not in the denominator");
    let remission = iv.remission.shown().expect("shown");
    assert_eq!((remission.successes, remission.n), (6, 12));
    assert_eq!((iv.baseline_min, iv.baseline_rule.id), (10, "outcome.baseline_floor.phq9"));
    assert!(r.rules.iter().any(|rule| rule.id == "outcome.baseline_floor.phq9"), "{:?}", r.rules);
    // The edge: a baseline of 10 is assessable, so 11 such patients at 2 are all remitters.
    let mut at_floor = fixture();
    at_floor.extend((0..11).map(|n| low_baseline_patient(n, 10)));
    let r = registry(&at_floor, &config).expect("valid");
    let remission = cell(&r, Modality::IvKetamine, Instrument::Phq9).remission.shown().copied().expect("shown");
    assert_eq!((remission.successes, remission.n), (17, 23));
    // Nor does the clinic's published line count them.
    let lines = clinic_outcomes(&patients, "clinic-a", AS_OF, &OutcomeConfig::default(), Threshold::default()).unwrap();
    let phq9 = lines.iter().find(|l| l.instrument == Instrument::Phq9).expect("a PHQ-9 line");
    assert_eq!((phq9.patients, phq9.remission.successes, phq9.baseline_min), (12, 6, 10));
}

/// The statistics read's records: each course named by its position, an assessment or session whose course id
/// names no course of the patient left outside any course. (Every other registry test reads full records through
/// this conversion, so the hand-computed figures above hold it too.)
#[test]
fn the_registry_reads_a_full_record_by_course_position() {
    let mut patient = fixture().swap_remove(0);
    patient.courses.insert(0, common::course("other-course", Modality::EsketamineNasal, date!(2026 - 01 - 05)));
    patient.assessments[1].course_id = Some("no-such-course".to_owned());
    let read = StatsPatient::from_record(&patient);
    assert_eq!(read.clinic_id, "clinic-a");
    assert_eq!(read.courses.len(), 2);
    assert_eq!(read.courses[0].modality, Modality::EsketamineNasal);
    assert_eq!(read.assessments[0].course, Some(1), "the IV course is now second");
    assert_eq!(read.assessments[1].course, None, "a course id naming no course is outside any course");
    assert_eq!(read.assessments.len(), patient.assessments.len());
    assert!(read.sessions.iter().all(|s| s.course == Some(1)));
    assert_eq!(read.sessions.len(), patient.sessions.len());
    assert_eq!(read.adverse_events.len(), patient.adverse_events.len());
}
