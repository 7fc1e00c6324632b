//! Tests of the REMS Patient Monitoring Form: drafting from a session, blood-pressure selection, the completeness
//! check that names every missing field, and submission only from a complete form.

use ketapath_clinical::protocols::{LotNumber, Observation};
use ketapath_clinical::rems::{
    AdverseEventAnswer, DeviceRecord, DoseAdministered, EarlyDeparture, EarlyDepartureReason, FIELDS, FormDraft,
    HcpSection, PatientSection, RemsFormSettings, Requirement, SessionFacts, SettingAddress, SettingSection,
    SettingType, VitalSignsSection, check, draft_from_session,
};
use ketapath_clinical::rems::{ConcomitantMedications, MissingField, report};
use ketapath_clinical::rule::Confidence;
use serde_json::{Value, json};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

const FIRST_DEVICE: OffsetDateTime = datetime!(2026-01-05 09:00 -5);

fn at(minutes: i64) -> OffsetDateTime {
    FIRST_DEVICE + Duration::minutes(minutes)
}

fn bp_at(minutes: i64, systolic: u16, diastolic: u16) -> Observation {
    Observation::at(at(minutes)).with_blood_pressure(systolic, diastolic).expect("test readings are plausible")
}

fn lot(raw: &str) -> Option<LotNumber> {
    Some(LotNumber::parse(raw).expect("test lot numbers are valid"))
}

/// A complete esketamine session: 84 mg in three devices from two lots, readings before, at 41 and 115 minutes,
/// discharge at 130 minutes, ready to leave at 105 minutes.
fn full_session() -> SessionFacts {
    SessionFacts {
        setting_type: SettingType::Outpatient,
        patient: PatientSection {
            first_name: Some("Jane".into()),
            middle_initial: Some("Q".into()),
            last_name: Some("Doe".into()),
            birthdate: Some(date!(1980 - 04 - 02)),
            sex: Some("F".into()),
            first_treatment: Some(false),
            enrolled: None,
        },
        concomitant_medications: ConcomitantMedications {
            benzodiazepines: Some(true),
            non_benzodiazepine_sedative_hypnotics: Some(false),
            psychostimulants: Some(false),
            maois: Some(false),
            respiratory_depressants: Some(false),
        },
        hcp: HcpSection {
            first_name: Some("Sam".into()),
            last_name: Some("Rivera".into()),
            phone: Some("(212) 555-0100".into()),
            email: Some("sam.rivera@clinic.example".into()),
        },
        setting: SettingSection {
            name: Some("Harbor Clinic".into()),
            address: SettingAddress {
                line1: Some("1 Main St".into()),
                line2: None,
                city: Some("New York".into()),
                state: Some("NY".into()),
                zip: Some("10001".into()),
            },
        },
        // Given out of order on purpose: the draft sorts them.
        devices: vec![
            DeviceRecord { given_at: at(5), mg: 28, lot_number: lot("ABC123") },
            DeviceRecord { given_at: at(0), mg: 28, lot_number: lot("ABC123") },
            DeviceRecord { given_at: at(10), mg: 28, lot_number: lot("XYZ-9") },
        ],
        observations: vec![
            bp_at(-20, 124, 80),
            bp_at(-10, 128, 82),
            bp_at(41, 146, 92),
            bp_at(80, 138, 86),
            bp_at(115, 126, 80),
            Observation::at(at(120)).with_spo2(97).expect("valid"),
        ],
        monitoring_completed_at: Some(at(130)),
        ready_to_leave_at: Some(at(105)),
        vital_signs: VitalSignsSection {
            in_range_prior_to_administration: Some(true),
            in_range_prior_to_completion: Some(true),
        },
        adverse_events: vec![
            AdverseEventAnswer { code: "sedation".into(), occurred: true },
            AdverseEventAnswer { code: "dissociation".into(), occurred: true },
            AdverseEventAnswer { code: "respiratory_depression".into(), occurred: false },
        ],
        early_departure: None,
        thresholds: Default::default(),
    }
}

fn draft(facts: &SessionFacts) -> FormDraft {
    draft_from_session(facts, &RemsFormSettings::default())
}

fn paths(missing: &[MissingField]) -> Vec<&str> {
    missing.iter().map(|m| m.path.as_str()).collect()
}

fn message_for<'a>(missing: &'a [MissingField], path: &str) -> &'a str {
    missing.iter().find(|m| m.path == path).map(|m| m.message.as_str()).unwrap_or_else(|| {
        panic!("{path} not reported; got {missing:?}");
    })
}

#[test]
fn draft_from_a_full_session_passes_the_check() {
    let draft = draft(&full_session());
    let form = &draft.form;
    assert_eq!(form.session.treatment_date, Some(date!(2026 - 01 - 05)));
    assert_eq!(form.session.dose, Some(DoseAdministered::Mg84));
    let lots: Vec<&str> = form.session.lot_numbers.iter().map(LotNumber::as_str).collect();
    assert_eq!(lots, ["ABC123", "XYZ-9"], "distinct lots in the order the devices were given");
    assert_eq!(form.treatment_duration_minutes, Some(130));
    assert_eq!(form.ready_to_leave_minutes, Some(105));
    let bp = form.blood_pressure;
    assert_eq!(bp.prior_to_administration.map(|b| (b.systolic(), b.diastolic())), Some((128, 82)));
    assert_eq!(bp.post_40_min.map(|b| (b.systolic(), b.diastolic())), Some((146, 92)));
    assert_eq!(bp.prior_to_completion.map(|b| (b.systolic(), b.diastolic())), Some((126, 80)));
    let answers: Vec<(&str, Option<bool>)> =
        form.adverse_effects.iter().map(|a| (a.question.code.as_str(), a.answer)).collect();
    assert_eq!(
        answers,
        [("sedation", Some(true)), ("dissociation", Some(true)), ("respiratory_depression", Some(false))]
    );

    let complete = check(&draft).unwrap_or_else(|missing| panic!("expected a complete form, got {missing:?}"));
    assert!(complete.warnings().is_empty());
    let submitted = complete.submit(at(200));
    assert_eq!(submitted.submitted_at(), at(200));
    assert_eq!(submitted.form(), &draft.form);
    assert_eq!(submitted.rule().id, "rems.pmf.required_fields");
}

#[test]
fn the_draft_round_trips_through_json() {
    let draft = draft(&full_session());
    let json = serde_json::to_value(&draft).expect("serializes");
    assert_eq!(json["form"]["session"]["treatment_date"], "2026-01-05");
    assert_eq!(json["form"]["session"]["dose"], json!({"kind": "mg84"}));
    assert_eq!(json["form"]["blood_pressure"]["post_40_min"], json!({"systolic": 146, "diastolic": 92}));
    let back: FormDraft = serde_json::from_value(json).expect("deserializes");
    assert_eq!(back, draft);
}

/// Sets the field at `path` to empty in the draft's JSON (null, or an empty list for the lot numbers).
fn blank(draft: &FormDraft, path: &str) -> FormDraft {
    let mut json = serde_json::to_value(draft).expect("serializes");
    let pointer = format!("/form/{}", path.replace('.', "/"));
    let slot = json.pointer_mut(&pointer).unwrap_or_else(|| panic!("no field at {pointer}"));
    *slot = if slot.is_array() { Value::Array(Vec::new()) } else { Value::Null };
    serde_json::from_value(json).expect("a blanked draft still deserializes")
}

#[test]
fn every_required_field_missing_on_its_own_is_named() {
    let mut facts = full_session();
    // A first treatment, so that the enrollment answer is required too.
    facts.patient.first_treatment = Some(true);
    facts.patient.enrolled = Some(true);
    let full = draft(&facts);
    assert!(check(&full).is_ok());

    let required: Vec<&str> =
        FIELDS.iter().filter(|f| f.requirement != Requirement::Optional).map(|f| f.path).collect();
    assert!(required.len() >= 30, "the inventory lost fields: {required:?}");
    for path in required {
        let missing = check(&blank(&full, path)).expect_err(path);
        assert_eq!(paths(&missing), [path], "blanking {path} must name exactly {path}");
    }
    for optional in FIELDS.iter().filter(|f| f.requirement == Requirement::Optional) {
        assert!(check(&blank(&full, optional.path)).is_ok(), "{} is optional", optional.path);
    }
    for index in 0..full.form.adverse_effects.len() {
        let mut without = full.clone();
        without.form.adverse_effects[index].answer = None;
        let code = &full.form.adverse_effects[index].question.code;
        let missing = check(&without).expect_err("an unanswered question");
        assert_eq!(paths(&missing), [format!("adverse_effects.{code}").as_str()]);
    }
}

#[test]
fn every_problem_is_named_at_once() {
    let mut facts = full_session();
    facts.patient.last_name = None;
    facts.hcp.email = Some("not-an-email".into());
    facts.monitoring_completed_at = Some(at(95));
    facts.adverse_events.clear();
    let missing = check(&draft(&facts)).expect_err("several problems");
    let named = paths(&missing);
    for expected in [
        "patient.last_name",
        "hcp.email",
        "treatment_duration_minutes",
        "ready_to_leave_minutes",
        "adverse_effects.sedation",
        "adverse_effects.dissociation",
    ] {
        assert!(named.contains(&expected), "{expected} missing from {named:?}");
    }
    // The charted SpO2 of 97 % answers the respiratory-depression question: no.
    assert!(!named.contains(&"adverse_effects.respiratory_depression"), "{named:?}");
}

#[test]
fn enrollment_is_required_after_a_first_treatment() {
    let mut facts = full_session();
    facts.patient.first_treatment = Some(true);
    facts.patient.enrolled = None;
    let missing = check(&draft(&facts)).expect_err("enrollment answer missing");
    assert_eq!(paths(&missing), ["patient.enrolled"]);
    assert_eq!(missing[0].to_string(), "patient.enrolled: required when first_treatment is yes");

    // "Not enrolled" is a truthful answer: the form is complete, with a warning to submit the enrollment form.
    facts.patient.enrolled = Some(false);
    let complete = check(&draft(&facts)).expect("complete");
    assert_eq!(complete.warnings().len(), 1);
    assert_eq!(complete.warnings()[0].path, "patient.enrolled");
}

#[test]
fn a_duration_below_two_hours_fails() {
    let mut facts = full_session();
    facts.monitoring_completed_at = Some(at(95));
    facts.ready_to_leave_at = Some(at(90));
    let missing = check(&draft(&facts)).expect_err("95 minutes is too short");
    assert_eq!(
        message_for(&missing, "treatment_duration_minutes"),
        "95 is below the 2-hour minimum (120 minutes); if the patient left early, record the early departure",
    );
    // Exactly 120 minutes passes.
    facts.monitoring_completed_at = Some(at(120));
    let draft = draft(&facts);
    assert_eq!(draft.form.treatment_duration_minutes, Some(120));
    assert!(check(&draft).is_ok(), "{:?}", check(&draft).err());
}

#[test]
fn an_early_departure_completes_the_form_with_the_true_duration_and_only_then() {
    let mut facts = full_session();
    facts.monitoring_completed_at = Some(at(90));
    facts.ready_to_leave_at = Some(at(85));
    facts.early_departure = Some(EarlyDepartureReason::TransferredToEmergency);
    let drafted = draft(&facts);
    assert_eq!(drafted.form.treatment_duration_minutes, Some(90));
    assert_eq!(
        drafted.form.early_departure,
        Some(EarlyDeparture { reason: EarlyDepartureReason::TransferredToEmergency, minutes_monitored: 90 })
    );
    let complete = check(&drafted).expect("an early departure with its true duration is a complete form");
    let json = serde_json::to_value(complete.form()).unwrap();
    assert_eq!(
        json["early_departure"],
        serde_json::json!({"reason": "transferred_to_emergency", "minutes_monitored": 90})
    );
    assert_eq!(json["treatment_duration_minutes"], 90);

    // The departure must state the same minutes as the duration: a false duration beside it is refused.
    let mut forged = drafted.clone();
    forged.form.treatment_duration_minutes = Some(120);
    let missing = check(&forged).expect_err("the minutes disagree");
    assert_eq!(paths(&missing), ["early_departure.minutes_monitored"]);

    // Without the departure, the same 90 minutes is refused; a completed session has no early_departure key.
    let mut plain = drafted;
    plain.form.early_departure = None;
    assert_eq!(paths(&check(&plain).expect_err("too short")), ["treatment_duration_minutes"]);
    let normal = serde_json::to_value(&draft(&full_session()).form).unwrap();
    assert!(normal.get("early_departure").is_none(), "{normal}");
}

#[test]
fn ready_to_leave_after_completion_is_inconsistent() {
    let mut facts = full_session();
    facts.ready_to_leave_at = Some(at(140));
    let missing = check(&draft(&facts)).expect_err("inconsistent");
    assert_eq!(paths(&missing), ["ready_to_leave_minutes"]);
    assert!(missing[0].message.contains("140") && missing[0].message.contains("130"), "{}", missing[0].message);
}

#[test]
fn a_completion_before_the_first_device_is_explained() {
    let mut facts = full_session();
    facts.monitoring_completed_at = Some(at(-5));
    let missing = check(&draft(&facts)).expect_err("impossible times");
    assert!(message_for(&missing, "treatment_duration_minutes").contains("before the first device"));
}

fn post_40(readings_at: &[i64], settings: &RemsFormSettings) -> (Option<(u16, u16)>, FormDraft) {
    let mut facts = full_session();
    facts.observations = vec![bp_at(-10, 128, 82), bp_at(118, 124, 78)];
    // Each reading's systolic value is 100 + its minute, so the test can tell which was chosen.
    for &minute in readings_at {
        facts.observations.push(bp_at(minute, 100 + u16::try_from(minute).expect("small"), 70));
    }
    let draft = draft_from_session(&facts, settings);
    (draft.form.blood_pressure.post_40_min.map(|b| (b.systolic(), b.diastolic())), draft)
}

#[test]
fn the_40_minute_reading_is_the_nearest_in_the_window() {
    let defaults = RemsFormSettings::default();
    assert_eq!(post_40(&[35, 42], &defaults).0, Some((142, 70)), "42 is nearer to 40 than 35");
    assert_eq!(post_40(&[38, 45], &defaults).0, Some((138, 70)), "38 is nearer to 40 than 45");
    assert_eq!(post_40(&[45, 35], &defaults).0, Some((135, 70)), "a tie goes to the earlier reading");
    assert_eq!(post_40(&[50, 29], &defaults).0, Some((150, 70)), "the window's ends are inside it");

    let (none, draft) = post_40(&[25, 55], &defaults);
    assert_eq!(none, None);
    let missing = check(&draft).expect_err("no 40-minute reading");
    assert_eq!(paths(&missing), ["blood_pressure.post_40_min"]);
    assert_eq!(
        missing[0].to_string(),
        "blood_pressure.post_40_min: no reading between 30 and 50 minutes after the first device"
    );

    let wider = RemsFormSettings::from_json(&json!({"post_40_min_window": {"from_minutes": 30, "to_minutes": 60}}))
        .expect("valid settings");
    assert_eq!(post_40(&[25, 55], &wider).0, Some((155, 70)));
}

#[test]
fn a_corrected_reading_at_the_same_moment_wins() {
    let (chosen, _) = {
        let mut facts = full_session();
        facts.observations = vec![bp_at(-10, 128, 82), bp_at(40, 180, 70), bp_at(40, 140, 70), bp_at(118, 124, 78)];
        let draft = draft(&facts);
        (draft.form.blood_pressure.post_40_min.map(|b| b.systolic()), draft)
    };
    assert_eq!(chosen, Some(140), "the later record at the same time is the correction");
}

#[test]
fn pre_dose_and_completion_readings_come_from_their_own_periods() {
    let mut facts = full_session();
    // Nothing before the first device, and nothing after the 40-minute reading.
    facts.observations = vec![bp_at(40, 140, 90), bp_at(135, 120, 80)];
    let draft = draft(&facts);
    assert_eq!(draft.form.blood_pressure.prior_to_administration, None);
    assert_eq!(draft.form.blood_pressure.prior_to_completion, None, "a reading after completion does not count");
    let missing = check(&draft).expect_err("two readings missing");
    assert_eq!(paths(&missing), ["blood_pressure.prior_to_administration", "blood_pressure.prior_to_completion"]);
    assert!(message_for(&missing, "blood_pressure.prior_to_completion").contains("after the 40-minute reading"));
}

#[test]
fn staff_can_complete_what_the_draft_could_not_fill() {
    let mut facts = full_session();
    facts.observations.retain(|o| o.time() != at(41));
    let mut draft = draft(&facts);
    assert!(check(&draft).is_err());
    draft.form.blood_pressure.post_40_min =
        Some(ketapath_clinical::protocols::BloodPressure::new(150, 95).expect("ok"));
    let complete = check(&draft).expect("complete once entered by hand");
    let warned: Vec<&str> = complete.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(warned, ["blood_pressure.post_40_min"], "the session record still lacks the reading");
}

#[test]
fn the_report_is_what_the_api_returns() {
    let mut facts = full_session();
    facts.hcp.phone = None;
    let incomplete = report(&draft(&facts));
    assert!(!incomplete.complete);
    assert_eq!(paths(&incomplete.missing), ["hcp.phone"]);
    let json = serde_json::to_value(&incomplete).expect("serializes");
    assert_eq!(json["missing"][0], json!({"path": "hcp.phone", "message": "is required"}));
    assert_eq!(json["setting_type"], "outpatient");
    let phone = json["fields"].as_array().and_then(|f| f.iter().find(|v| v["path"] == "hcp.phone")).expect("field");
    assert_eq!(phone["value"], Value::Null);
    assert_eq!(phone["required"], true);
    assert_eq!(phone["confidence"], "confirmed");

    let complete = report(&draft(&full_session()));
    assert!(complete.complete && complete.missing.is_empty());
}

#[test]
fn malformed_values_are_named() {
    let mut facts = full_session();
    facts.patient.middle_initial = Some("QX".into());
    facts.patient.birthdate = Some(date!(2026 - 02 - 01));
    facts.hcp.phone = Some("555-0100".into());
    facts.setting.address.state = Some("New York".into());
    facts.setting.address.zip = Some("1000".into());
    let missing = check(&draft(&facts)).expect_err("malformed");
    assert_eq!(
        paths(&missing),
        ["patient.middle_initial", "patient.birthdate", "hcp.phone", "setting.address.state", "setting.address.zip"]
    );
}

#[test]
fn inpatient_sessions_submit_no_form() {
    let mut facts = full_session();
    facts.setting_type = SettingType::Inpatient;
    let missing = check(&draft(&facts)).expect_err("not required");
    assert_eq!(paths(&missing), ["setting_type"]);
}

#[test]
fn a_session_without_devices_leaves_the_session_fields_empty_with_reasons() {
    let mut facts = full_session();
    facts.devices.clear();
    let draft = draft(&facts);
    assert_eq!(draft.form.session.dose, None);
    let missing = check(&draft).expect_err("no devices");
    for path in ["session.treatment_date", "session.dose", "session.lot_numbers", "treatment_duration_minutes"] {
        assert!(message_for(&missing, path).contains("no device"), "{path}");
    }
}

#[test]
fn a_device_without_lot_number_is_noted() {
    let mut facts = full_session();
    facts.devices[2].lot_number = None;
    let draft = draft(&facts);
    assert!(
        draft.prefill.iter().any(|p| p.path == "session.lot_numbers" && !p.filled && p.detail.contains("device 3"))
    );
    // The lots recorded are still on the form, and the gap is shown before submitting.
    assert_eq!(draft.form.session.lot_numbers.len(), 1);
    let complete = check(&draft).expect("one lot number is enough to complete the form");
    assert!(complete.warnings().iter().any(|w| w.path == "session.lot_numbers" && w.message.contains("device 3")));
}

#[test]
fn other_doses_are_recorded_as_other() {
    let mut facts = full_session();
    facts.devices.truncate(1);
    let draft = draft(&facts);
    assert_eq!(draft.form.session.dose, Some(DoseAdministered::Other { mg: 28 }));
    assert!(check(&draft).is_ok());
}

#[test]
fn field_views_carry_value_source_and_confidence() {
    let draft = draft(&full_session());
    let views = draft.form.fields();
    let view = |path: &str| views.iter().find(|v| v.path == path).unwrap_or_else(|| panic!("no view {path}"));
    assert_eq!(view("patient.first_name").value, json!("Jane"));
    assert!(view("patient.first_name").source.contains("clinical.md §3.9"));
    assert!(!view("patient.enrolled").required, "not a first treatment");
    assert!(view("concomitant_medications.respiratory_depressants").source.contains("video transcript"));
    assert_eq!(view("adverse_effects.respiratory_depression").confidence, Confidence::Unverified);
    assert_eq!(view("adverse_effects.sedation").value, json!(true));
    assert_eq!(views.len(), FIELDS.len() + 3);
    for v in &views {
        assert!(v.source.contains("clinical.md §") || v.source.contains("directory-and-interop.md §"), "{}", v.path);
    }
}

#[test]
fn adverse_effect_questions_are_configurable() {
    let settings = RemsFormSettings::from_json(&json!({
        "adverse_effects": [
            {"code": "sedation", "text": "Did the patient experience sedation?", "confidence": "C"},
            {"code": "serious_adverse_event", "text": "Was any adverse event serious?", "confidence": "unverified"}
        ]
    }))
    .expect("valid settings");
    let draft = draft_from_session(&full_session(), &settings);
    let missing = check(&draft).expect_err("the new question is unanswered");
    assert_eq!(paths(&missing), ["adverse_effects.serious_adverse_event"]);
    // Answers for questions the clinic no longer asks are noted, not lost silently.
    assert!(draft.prefill.iter().any(|p| p.path == "adverse_effects.dissociation" && !p.filled));
}

#[test]
fn bad_form_settings_name_the_field() {
    let cases = [
        (json!({"post_40_min_window": {"from_minutes": 41, "to_minutes": 50}}), "post_40_min_window.from_minutes"),
        (json!({"post_40_min_window": {"from_minutes": 30, "to_minutes": 120}}), "post_40_min_window.to_minutes"),
        (json!({"adverse_effects": []}), "adverse_effects"),
        (json!({"adverse_effects": [{"code": "Bad Code", "text": "x", "confidence": "U"}]}), "adverse_effects[0].code"),
        (
            json!({"adverse_effects": [
                {"code": "a", "text": "x", "confidence": "U"}, {"code": "a", "text": "y", "confidence": "U"}]}),
            "adverse_effects[1].code",
        ),
        (json!({"adverse_effects": [{"code": "a", "text": " ", "confidence": "U"}]}), "adverse_effects[0].text"),
    ];
    for (document, field) in cases {
        let error = RemsFormSettings::from_json(&document).expect_err(field);
        assert_eq!(error.field, field, "{document}");
    }
    assert!(RemsFormSettings::from_json(&json!({"typo": 1})).is_err());
}
