//! The treatment workflow end to end through the API, on SQLite and PostgreSQL, with the store's clock moved by
//! hand: intake, course, a full esketamine session with the 40-minute check, a refused early discharge, a valid
//! discharge and the REMS form; then the gates (blood pressure, contraindication) with prescriber overrides
//! refused to nurses, charting in the future refused, and another clinic's records answering 404 on every route.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use ketapath_clinical::rems::FIELDS;
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use serde_json::{Value, json};
use time::Duration;

pub(crate) use crate::api_fixture::{Fixture, Staff, T0};
use crate::support::*;

pub(crate) fn rfc(minutes: i64) -> String {
    (T0 + Duration::minutes(minutes)).format(&time::format_description::well_known::Rfc3339).unwrap()
}

pub(crate) fn phq9(total: u8) -> Vec<u8> {
    // Spread `total` over the 9 items, at most 3 each, item 9 last.
    let mut items = vec![0u8; 9];
    let mut left = total;
    for item in items.iter_mut().take(8) {
        let v = left.min(3);
        *item = v;
        left -= v;
    }
    items[8] = left;
    items
}

/// An enrolled patient's esketamine session with the pre-checks at T0 (128/82) and 56 mg given at T0+5 (lot
/// AB123); the clock is left at T0+5. Returns the session's id.
pub(crate) async fn dosed_esketamine_session(f: &Fixture, nurse: &Staff, patient: &str) -> String {
    let intake = json!({"rems_enrolled": true, "pregnancy_potential": false,
        "concomitant_medications": {"benzodiazepines": false, "non_benzodiazepine_sedative_hypnotics": false,
            "psychostimulants": false, "maois": false, "respiratory_depressants": false}});
    f.ok(Method::PUT, &format!("/api/v1/patients/{patient}/intake"), nurse, Some(intake), StatusCode::OK).await;
    let body = json!({"modality": "esketamine_nasal"});
    let sessions = format!("/api/v1/patients/{patient}/sessions");
    let s = f.ok(Method::POST, &sessions, nurse, Some(body), StatusCode::CREATED).await;
    let sid = s["id"].as_str().unwrap().to_owned();
    let url = |tail: &str| format!("/api/v1/sessions/{sid}{tail}");
    let checks = json!({"last_food_at": rfc(-180), "last_liquid_at": rfc(-60), "transport_home_arranged": true,
        "blood_pressure": {"systolic": 128, "diastolic": 82}});
    f.ok(Method::POST, &url("/pre-checks"), nurse, Some(checks), StatusCode::CREATED).await;
    f.at(5);
    f.ok(Method::POST, &url("/dose"), nurse, Some(json!({"dose_mg": 56, "lot": "AB123"})), StatusCode::CREATED).await;
    sid
}

async fn workflow(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let p = f.patient(&nurse).await;

    // Intake: two failed adequate trials meet the TRD definition; the Maudsley score is computed with its rules.
    let intake = json!({
        "trials": [
            {"drug": "sertraline", "dose_mg_per_day": 150, "weeks": 10, "improvement": "none"},
            {"drug": "venlafaxine", "dose_mg_per_day": 225, "weeks": 8, "improvement": "partial"}
        ],
        "demographics": {"preferred_language": " en ", "zip": "10001"},
        "episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": true,
        "pregnancy_potential": false, "research_consent": true,
        "concomitant_medications": {"benzodiazepines": false, "non_benzodiazepine_sedative_hypnotics": false,
            "psychostimulants": false, "maois": false, "respiratory_depressants": false}
    });
    let doc = f.ok(Method::PUT, &format!("/api/v1/patients/{p}/intake"), &nurse, Some(intake), StatusCode::OK).await;
    assert_eq!(doc["computed"]["trd"]["trd"], "meets_definition", "{doc}");
    assert!(doc["computed"]["maudsley"]["total"].as_u64().is_some(), "{doc}");
    assert_eq!(doc["computed"]["contraindications"], json!([]));
    assert_eq!(doc["input"]["demographics"]["preferred_language"], "en");
    let long = json!({"demographics": {"race": "x".repeat(101)}});
    let e = assert_error(
        &f.call(Method::PUT, &format!("/api/v1/patients/{p}/intake"), Some(&nurse), Some(long)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "demographics.race");
    let doc = f.ok(Method::GET, &format!("/api/v1/patients/{p}/intake"), &nurse, None, StatusCode::OK).await;
    assert_eq!(doc["computed"]["trd"]["trd"], "meets_definition", "the refused intake changed nothing");

    // Baseline PHQ-9 of 20, the day before; the context is stored and shown with the intake.
    let body = json!({"instrument": "phq9", "items": phq9(20), "taken_at": rfc(-24 * 60), "context": "baseline"});
    f.ok(Method::POST, &format!("/api/v1/patients/{p}/assessments"), &nurse, Some(body), StatusCode::CREATED).await;
    let doc = f.ok(Method::GET, &format!("/api/v1/patients/{p}/intake"), &nurse, None, StatusCode::OK).await;
    assert_eq!(doc["baseline"][0]["total"], 20);

    // The course: only the induction is planned, twice weekly for weeks 1-4 (8 sessions); the maintenance weeks
    // follow the benefit review (benefit_review.rs).
    let body = json!({"modality": "esketamine_nasal", "start_date": "2026-11-27"});
    let course =
        f.ok(Method::POST, &format!("/api/v1/patients/{p}/courses"), &nurse, Some(body), StatusCode::CREATED).await;
    let schedule = course["schedule"].as_array().unwrap();
    assert_eq!(schedule.len(), 8);
    assert_eq!((schedule[0]["date"].as_str(), schedule[1]["date"].as_str()), (Some("2026-11-27"), Some("2026-11-30")));
    assert_eq!(schedule[7]["date"], "2026-12-21", "week 4's second session ends the induction");

    // The session attaches to that course.
    let s = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p}/sessions"),
            &nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(s["course_id"], course["id"]);
    assert_eq!(s["number"], 1);
    let sid = s["id"].as_str().unwrap().to_owned();
    let url = |tail: &str| format!("/api/v1/sessions/{sid}{tail}");

    // Pre-checks at T0 with a blood pressure within the gate; it is recorded as an observation.
    let checks = json!({"last_food_at": rfc(-180), "last_liquid_at": rfc(-60), "transport_home_arranged": true,
        "blood_pressure": {"systolic": 128, "diastolic": 82}});
    let report = f.ok(Method::POST, &url("/pre-checks"), &nurse, Some(checks), StatusCode::CREATED).await;
    assert_eq!(report["dosing_blocked"], false, "{report}");

    // The dose at T0+5: 56 mg, two devices five minutes apart.
    f.at(5);
    let dose = f
        .ok(Method::POST, &url("/dose"), &nurse, Some(json!({"dose_mg": 56, "lot": "AB123"})), StatusCode::CREATED)
        .await;
    assert_eq!(dose["gate"]["decision"], "pass");
    assert_eq!(dose["devices"]["devices"].as_array().unwrap().len(), 2);
    assert_eq!(dose["devices"]["devices"][1]["offset_minutes"], 5);

    // Forty minutes after the dose the blood pressure is due and shown as the next item.
    f.at(45);
    let view = f.ok(Method::GET, &url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["monitoring"]["minutes_since_dose"], 40);
    assert_eq!(view["monitoring"]["next_due"]["what"], "blood_pressure");
    assert_eq!(view["monitoring"]["next_due"]["minute"], 40);
    assert_eq!(view["monitoring"]["next_due"]["status"], "due");
    let obs = json!({"systolic": 150, "diastolic": 95, "heart_rate": 84, "spo2": 97, "moaas": 4, "cadss": 12});
    let reply = f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    assert_eq!(reply["minutes_after_dose"], 40);
    // 150/95 after the dose is above the gate: a warning, and a blood-pressure recheck is the next item.
    assert_eq!(reply["alerts"][0]["code"], "bp_above_gate", "{reply}");
    assert_eq!(reply["monitoring"]["next_due"]["what"], "blood_pressure_recheck", "{reply}");

    let event = json!({"kind": "dissociation", "severity": "mild", "description": "felt detached, resolving"});
    f.ok(Method::POST, &url("/adverse-events"), &nurse, Some(event), StatusCode::CREATED).await;

    // At 90 minutes, calm and alert, but before the two hours: refused, naming the minimum time.
    f.at(95);
    let obs = json!({"systolic": 132, "diastolic": 84, "spo2": 98, "moaas": 5, "cadss": 1});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    let early =
        f.call(Method::POST, &url("/discharge"), Some(&nurse), Some(json!({"ready_to_leave_at": rfc(90)}))).await;
    let error = assert_error(&early, StatusCode::CONFLICT, "monitoring_incomplete");
    assert!(error["message"].as_str().unwrap().contains("minimum_time"), "{error}");

    // At 125 minutes with the pre-discharge vitals: discharged, with the REMS evaluation answer.
    f.at(130);
    let obs = json!({"systolic": 130, "diastolic": 80, "spo2": 98, "moaas": 5, "cadss": 0});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    let done = f
        .ok(Method::POST, &url("/discharge"), &nurse, Some(json!({"ready_to_leave_at": rfc(90)})), StatusCode::OK)
        .await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["ready_to_leave_minutes"], 85);
    let again =
        f.call(Method::POST, &url("/discharge"), Some(&nurse), Some(json!({"ready_to_leave_at": rfc(90)}))).await;
    assert_error(&again, StatusCode::CONFLICT, "not_applicable");

    // The form, drafted from the session: the three readings, the duration, the evaluation answer, the lot.
    let form = f.ok(Method::GET, &url("/rems-form"), &nurse, None, StatusCode::OK).await;
    assert_eq!(form["state"], "draft");
    let bp = &form["form"]["blood_pressure"];
    assert_eq!(bp["prior_to_administration"], json!({"systolic": 128, "diastolic": 82}));
    assert_eq!(bp["post_40_min"], json!({"systolic": 150, "diastolic": 95}));
    assert_eq!(bp["prior_to_completion"], json!({"systolic": 130, "diastolic": 80}));
    assert_eq!(form["form"]["treatment_duration_minutes"], 125);
    assert_eq!(form["form"]["ready_to_leave_minutes"], 85);
    assert_eq!(form["form"]["session"]["dose"], json!({"kind": "mg56"}));
    assert_eq!(form["form"]["session"]["lot_numbers"], json!(["AB123"]));
    assert_eq!(form["form"]["patient"]["first_treatment"], true);
    assert_eq!(form["form"]["hcp"]["last_name"], "Nurse");
    // The chart answers the adverse-effect questions, and says so: MOAA/S 4 after the dose is sedation, CADSS 12
    // and the charted event are dissociation, SpO2 97 and 98 are above the clinic's 92 % alert threshold.
    let effects = form["form"]["adverse_effects"].as_array().unwrap();
    let entry = |code: &str| effects.iter().find(|a| a["code"] == code).unwrap().clone();
    for (code, answer) in [("sedation", true), ("dissociation", true), ("respiratory_depression", false)] {
        assert_eq!(entry(code)["answer"], json!(answer), "{code}: {form}");
        assert_eq!(entry(code)["derived_from_chart"], json!(true), "{code}");
    }
    let prefill = form["prefill"].as_array().unwrap();
    let note = |path: &str| prefill.iter().find(|p| p["path"] == path).unwrap()["detail"].as_str().unwrap().to_owned();
    assert!(note("adverse_effects.sedation").contains("MOAA/S 4 at 40 min"), "{}", note("adverse_effects.sedation"));
    let field = |path: &str| form["fields"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap().clone();
    assert_eq!(field("blood_pressure.post_40_min")["derived_from_chart"], true);
    assert_eq!(field("adverse_effects.sedation")["derived_from_chart"], true);
    assert_eq!(field("hcp.phone")["derived_from_chart"], false, "nothing to derive");
    // The fields are the clinical catalog's, in its order, then the adverse-effect questions.
    let paths: Vec<&str> = form["fields"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    let catalog: Vec<&str> = FIELDS.iter().map(|f| f.path).collect();
    assert_eq!(&paths[..catalog.len()], &catalog[..]);
    assert_eq!(
        &paths[catalog.len()..],
        ["adverse_effects.sedation", "adverse_effects.dissociation", "adverse_effects.respiratory_depression"]
    );
    let pdf = f.call(Method::GET, &url("/rems-form?format=pdf"), Some(&nurse), None).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.header("cache-control"), Some("no-store"));
    assert!(pdf.body.starts_with(b"%PDF-"), "a PDF document");
    let xml = f.call(Method::GET, &url("/rems-form?format=xml"), Some(&nurse), None).await;
    assert_error(&xml, StatusCode::NOT_ACCEPTABLE, "not_acceptable");

    // On the dashboard with seven days left.
    let due = f.ok(Method::GET, "/api/v1/rems-forms/due", &nurse, None, StatusCode::OK).await;
    assert_eq!(due["forms"][0]["session_id"], sid.as_str());
    assert_eq!(due["forms"][0]["status"], json!({"status": "due", "days_left": 7}));
    assert_eq!(due["forms"][0]["due_on"], "2026-12-04");

    // Submitting before the staff answers: 422 naming every missing field, and nothing recorded.
    let missing = f.call(Method::POST, &url("/rems-form/submit"), Some(&nurse), Some(json!({}))).await;
    let error = assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "rems_form_incomplete");
    assert_eq!(error["field"], "hcp.phone");
    for path in ["hcp.phone", "vital_signs.in_range_prior_to_administration"] {
        assert!(error["message"].as_str().unwrap().contains(path), "{path} in {error}");
    }
    assert!(!error["message"].as_str().unwrap().contains("adverse_effects"), "the chart answered them: {error}");

    // The thresholds are the clinic's: with an SpO2 alert below 98 %, the 97 % reading is respiratory depression.
    let rx = f.staff("Pat Prescriber", Role::Prescriber, "clinic-a").await;
    let stricter = json!({"alerts": {"spo2_below": 98}});
    f.ok(Method::PUT, "/api/v1/clinic/protocol-settings", &rx, Some(stricter), StatusCode::OK).await;
    let form = f.ok(Method::GET, &url("/rems-form"), &nurse, None, StatusCode::OK).await;
    let effects = form["form"]["adverse_effects"].as_array().unwrap();
    let depression = effects.iter().find(|a| a["code"] == "respiratory_depression").unwrap();
    assert_eq!((&depression["answer"], &depression["derived_from_chart"]), (&json!(true), &json!(true)), "{form}");

    // A person's answer replaces the chart's and is no longer marked derived; the others keep their mark.
    let answers = json!({
        "form": {"hcp": {"phone": "212-555-0100"},
                 "vital_signs": {"in_range_prior_to_administration": true, "in_range_prior_to_completion": true}},
        "adverse_effects": {"respiratory_depression": false}
    });
    let submitted = f.ok(Method::POST, &url("/rems-form/submit"), &nurse, Some(answers.clone()), StatusCode::OK).await;
    assert_eq!(submitted["state"], "submitted");
    let effects = submitted["form"]["adverse_effects"].as_array().unwrap();
    let mark = |code: &str| {
        let e = effects.iter().find(|a| a["code"] == code).unwrap();
        (e["answer"].clone(), e["derived_from_chart"].clone())
    };
    assert_eq!(mark("respiratory_depression"), (json!(false), json!(false)));
    assert_eq!(mark("sedation"), (json!(true), json!(true)));
    assert_eq!(submitted["form"]["hcp"]["phone"], "212-555-0100");
    assert_eq!(submitted["deadline"]["status"], json!({"status": "submitted", "on_time": true}));
    let twice = f.call(Method::POST, &url("/rems-form/submit"), Some(&nurse), Some(answers)).await;
    assert_error(&twice, StatusCode::CONFLICT, "conflict");
    let due = f.ok(Method::GET, "/api/v1/rems-forms/due", &nurse, None, StatusCode::OK).await;
    assert_eq!(due["forms"], json!([]));

    // Outcomes: PHQ-9 20 → 9 a week after the dose is a 55 % reduction, a response and not a remission (< 5);
    // then 4 is a remission. Time to response counts from the dose.
    f.at(7 * 24 * 60 + 5);
    let body = json!({"instrument": "phq9", "items": phq9(9), "context": "follow_up"});
    f.ok(Method::POST, &format!("/api/v1/patients/{p}/assessments"), &nurse, Some(body), StatusCode::CREATED).await;
    let out = f.ok(Method::GET, &format!("/api/v1/patients/{p}/outcomes"), &nurse, None, StatusCode::OK).await;
    let phq = &out["instruments"][0];
    assert_eq!(
        (phq["instrument"].as_str(), phq["baseline"].as_u64(), phq["latest"].as_u64()),
        (Some("phq9"), Some(20), Some(9))
    );
    assert!((phq["change_pct"].as_f64().unwrap() + 55.0).abs() < 1e-9, "{phq}");
    assert_eq!((phq["response"].as_bool(), phq["remission"].as_bool()), (Some(true), Some(false)));
    assert!((phq["time_to_response_hours"].as_f64().unwrap() - 168.0).abs() < 1e-9, "{phq}");
    assert!(phq["rule"]["id"].as_str().unwrap().contains("phq9"), "{phq}");
    f.at(14 * 24 * 60);
    let body = json!({"instrument": "phq9", "items": phq9(4), "context": "follow_up"});
    f.ok(Method::POST, &format!("/api/v1/patients/{p}/assessments"), &nurse, Some(body), StatusCode::CREATED).await;
    let out = f.ok(Method::GET, &format!("/api/v1/patients/{p}/outcomes"), &nurse, None, StatusCode::OK).await;
    assert_eq!(out["instruments"][0]["remission"], true);
    assert_eq!(out["instruments"][0]["change_pct"], -80.0);
}

async fn gates(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let rx = f.staff("Pat Prescriber", Role::Prescriber, "clinic-a").await;
    let admin = f.staff("Ann Admin", Role::ClinicAdmin, "clinic-a").await;
    let p = f.patient(&nurse).await;
    let s = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p}/sessions"),
            &nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    let url = |tail: &str| format!("/api/v1/sessions/{}{tail}", s["id"].as_str().unwrap());

    // Not recorded as REMS-enrolled (outpatient, the default): refused for every role, with or without a reason.
    for (who, body) in [
        (&nurse, json!({"dose_mg": 56, "lot": "L1"})),
        (&rx, json!({"dose_mg": 56, "lot": "L1", "override_reason": "patient enrolled by phone yesterday"})),
        (&nurse, json!({"dose_mg": 56, "lot": "L1", "override_reason": "x"})),
    ] {
        let refused = f.call(Method::POST, &url("/dose"), Some(who), Some(body)).await;
        let error = assert_error(&refused, StatusCode::CONFLICT, "rems_enrollment");
        assert!(error["message"].as_str().unwrap().contains("no override"), "{error}");
    }
    let intake = format!("/api/v1/patients/{p}/intake");
    f.ok(Method::PUT, &intake, &nurse, Some(json!({"rems_enrolled": false})), StatusCode::OK).await;
    let refused = f.call(Method::POST, &url("/dose"), Some(&rx), Some(json!({"dose_mg": 56, "lot": "L1"}))).await;
    assert_error(&refused, StatusCode::CONFLICT, "rems_enrollment");
    f.ok(Method::PUT, &intake, &nurse, Some(json!({"rems_enrolled": true})), StatusCode::OK).await;

    // No blood pressure yet: the gate blocks; above the gate it blocks naming the reading.
    let first = f.call(Method::POST, &url("/dose"), Some(&nurse), Some(json!({"dose_mg": 56, "lot": "L1"}))).await;
    assert_error(&first, StatusCode::CONFLICT, "bp_gate");
    f.ok(
        Method::POST,
        &url("/observations"),
        &nurse,
        Some(json!({"systolic": 152, "diastolic": 96})),
        StatusCode::CREATED,
    )
    .await;
    f.at(2);
    let over = f.call(Method::POST, &url("/dose"), Some(&nurse), Some(json!({"dose_mg": 56, "lot": "L1"}))).await;
    let error = assert_error(&over, StatusCode::CONFLICT, "bp_gate");
    assert!(error["message"].as_str().unwrap().contains("152/96"), "{error}");
    // A nurse's override is refused whatever the reason; a blank reason from a prescriber names the field.
    let nurse_ov = json!({"dose_mg": 56, "lot": "L1", "override_reason": "looks fine"});
    assert_error(
        &f.call(Method::POST, &url("/dose"), Some(&nurse), Some(nurse_ov)).await,
        StatusCode::FORBIDDEN,
        "override_not_allowed",
    );
    let blank = json!({"dose_mg": 56, "lot": "L1", "override_reason": "  "});
    let e = assert_error(
        &f.call(Method::POST, &url("/dose"), Some(&rx), Some(blank)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "override_reason");
    // Charting in the future names `at`.
    let future = json!({"dose_mg": 56, "lot": "L1", "at": rfc(60)});
    let e = assert_error(
        &f.call(Method::POST, &url("/dose"), Some(&rx), Some(future)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "at");
    let e = assert_error(
        &f.call(Method::POST, &url("/observations"), Some(&nurse), Some(json!({"spo2": 97, "at": rfc(3)}))).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "at");
    let view = f.ok(Method::GET, &url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["doses"], json!([]), "refused doses left nothing behind");

    // The prescriber passes the gate with a reason, kept with the session and audited.
    let ov = json!({"dose_mg": 56, "lot": "L1", "override_reason": "repeat 150/94 after rest; benefit outweighs risk"});
    let dose = f.ok(Method::POST, &url("/dose"), &rx, Some(ov), StatusCode::CREATED).await;
    assert_eq!(dose["override"]["reason"], "repeat 150/94 after rest; benefit outweighs risk");
    assert_eq!(dose["override"]["rules"], json!(["protocols.bp_gate.esketamine_nasal@1"]));
    let view = f.ok(Method::GET, &url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["overrides"][0]["gate"], "bp_gate");
    assert_eq!(view["overrides"][0]["by"], json!(rx.actor.user_id));
    let scope = f.store.for_clinic(&admin.actor).await.unwrap();
    let events = scope.audit_events(200).await.unwrap();
    assert!(
        events.iter().any(|e| e.entity == "gate_override" && e.actor_id == Some(rx.actor.user_id.to_text())),
        "{events:?}"
    );

    // Before the two hours, discharge is refused for every role, with or without a reason: the minimum is absolute.
    f.at(30);
    for who in [&nurse, &rx] {
        for body in [
            json!({"ready_to_leave_at": rfc(30)}),
            json!({"ready_to_leave_at": rfc(30), "override_reason": "patient insists on leaving"}),
        ] {
            let refused = f.call(Method::POST, &url("/discharge"), Some(who), Some(body)).await;
            let error = assert_error(&refused, StatusCode::CONFLICT, "monitoring_incomplete");
            let message = error["message"].as_str().unwrap();
            assert!(message.contains("minimum_time") && message.contains("no override lifts"), "{error}");
        }
    }
    let view = f.ok(Method::GET, &url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!((view["status"].as_str(), view["discharged_at"].as_str()), (Some("in_progress"), None));
    assert_eq!(view["discharge_now"]["overridable"], false);

    // A contraindication blocks a course until a prescriber overrides it.
    let p2 = f.patient(&nurse).await;
    let intake = json!({"conditions": ["aneurysmal_vascular_disease"]});
    f.ok(Method::PUT, &format!("/api/v1/patients/{p2}/intake"), &nurse, Some(intake), StatusCode::OK).await;
    let courses = format!("/api/v1/patients/{p2}/courses");
    let blocked = f.call(Method::POST, &courses, Some(&nurse), Some(json!({"modality": "iv_ketamine"}))).await;
    assert_error(&blocked, StatusCode::CONFLICT, "contraindication");
    let blocked = f
        .call(
            Method::POST,
            &format!("/api/v1/patients/{p2}/sessions"),
            Some(&nurse),
            Some(json!({"modality": "iv_ketamine"})),
        )
        .await;
    assert_error(&blocked, StatusCode::CONFLICT, "contraindication");
    let body = json!({"modality": "iv_ketamine", "override_reason": "repaired 2019; cardiology clearance on file"});
    assert_error(
        &f.call(Method::POST, &courses, Some(&nurse), Some(body.clone())).await,
        StatusCode::FORBIDDEN,
        "override_not_allowed",
    );
    let course = f.ok(Method::POST, &courses, &rx, Some(body), StatusCode::CREATED).await;
    assert_eq!(course["contraindication_override"]["reason"], "repaired 2019; cardiology clearance on file");
    assert_eq!(course["schedule"].as_array().unwrap().len(), 6, "the IV series");
    // Only a prescriber edits the schedule.
    let mut schedule = course["schedule"].clone();
    schedule[5]["date"] = json!("2026-12-20");
    let path = format!("/api/v1/courses/{}/schedule", course["id"].as_str().unwrap());
    let body = json!({"schedule": schedule});
    assert_error(
        &f.call(Method::PUT, &path, Some(&nurse), Some(body.clone())).await,
        StatusCode::FORBIDDEN,
        "override_not_allowed",
    );
    let edited = f.ok(Method::PUT, &path, &rx, Some(body), StatusCode::OK).await;
    assert_eq!(edited["schedule"][5]["date"], "2026-12-20");

    // IV ketamine: the dose computed from the weight at the clinic's mg/kg, then blood pressure every 10 minutes.
    let p3 = f.patient(&nurse).await;
    let iv = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p3}/sessions"),
            &nurse,
            Some(json!({"modality": "iv_ketamine"})),
            StatusCode::CREATED,
        )
        .await;
    let iv_url = |tail: &str| format!("/api/v1/sessions/{}{tail}", iv["id"].as_str().unwrap());
    f.ok(
        Method::POST,
        &iv_url("/observations"),
        &nurse,
        Some(json!({"systolic": 120, "diastolic": 78})),
        StatusCode::CREATED,
    )
    .await;
    let dose = f.ok(Method::POST, &iv_url("/dose"), &nurse, Some(json!({"weight_kg": 80})), StatusCode::CREATED).await;
    assert_eq!((dose["dose_mg"].as_f64(), dose["route"].as_str()), (Some(40.0), Some("iv")));
    assert_eq!(dose["iv"]["mg_per_kg"], 0.5);
    // Dosed at minute 30; 25 minutes later the 10-minute reading is more than its 10 minutes' grace late.
    f.at(55);
    let view = f.ok(Method::GET, &iv_url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["monitoring"]["minutes_since_dose"], 25);
    assert_eq!(view["monitoring"]["next_due"]["minute"], 10);
    assert_eq!(view["monitoring"]["next_due"]["status"], "overdue");
    let form = f.call(Method::GET, &iv_url("/rems-form"), Some(&nurse), None).await;
    assert_error(&form, StatusCode::CONFLICT, "not_applicable");

    // Protocol settings: each value with its rule, source and verified flag; nurses may not change them.
    let settings = f.ok(Method::GET, "/api/v1/clinic/protocol-settings", &nurse, None, StatusCode::OK).await;
    let gate = settings["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "bp_gate.esketamine_nasal.systolic_max")
        .unwrap()
        .clone();
    assert_eq!((gate["value"].as_u64(), gate["verified"].as_bool()), (Some(140), Some(true)));
    assert!(gate["source"].as_str().unwrap().contains("clinical.md"));
    let change = json!({"bp_gate": {"esketamine_nasal": {"systolic_max": 150, "diastolic_max": 95}}});
    assert_error(
        &f.call(Method::PUT, "/api/v1/clinic/protocol-settings", Some(&nurse), Some(change.clone())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let bad = json!({"monitoring": {"minimum_minutes": {"esketamine_nasal": 60}}});
    let e = assert_error(
        &f.call(Method::PUT, "/api/v1/clinic/protocol-settings", Some(&admin), Some(bad)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "monitoring.minimum_minutes.esketamine_nasal");
    let saved = f.ok(Method::PUT, "/api/v1/clinic/protocol-settings", &admin, Some(change), StatusCode::OK).await;
    assert_eq!(saved["values"]["bp_gate"]["esketamine_nasal"]["systolic_max"], 150);
}

/// The patient leaves before the end of monitoring: the session ends `ended_early` with an adverse event, and its
/// REMS form states the departure with the true minutes. Also: the criteria after the minimum still take a
/// prescriber's override; an inpatient clinic doses without enrollment; the dose carries the pre-check warnings.
async fn early_departure(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let rx = f.staff("Pat Prescriber", Role::Prescriber, "clinic-a").await;
    let admin = f.staff("Ann Admin", Role::ClinicAdmin, "clinic-a").await;
    let p = f.patient(&nurse).await;
    let intake = json!({"rems_enrolled": true, "pregnancy_potential": false});
    f.ok(Method::PUT, &format!("/api/v1/patients/{p}/intake"), &nurse, Some(intake), StatusCode::OK).await;
    let sessions = format!("/api/v1/patients/{p}/sessions");
    let esketamine = json!({"modality": "esketamine_nasal"});
    let s = f.ok(Method::POST, &sessions, &nurse, Some(esketamine.clone()), StatusCode::CREATED).await;
    let url = |tail: &str| format!("/api/v1/sessions/{}{tail}", s["id"].as_str().unwrap());

    // Before the dose there is nothing to leave early from: the session is stopped instead.
    let body = json!({"reason": "left_against_advice"});
    let none = f.call(Method::POST, &url("/early-departure"), Some(&nurse), Some(body)).await;
    let error = assert_error(&none, StatusCode::CONFLICT, "no_dose");
    assert!(error["message"].as_str().unwrap().contains("stopped"), "{error}");

    // The dose, with no pre-checks recorded: the advisory ones come back as warnings.
    let bp = json!({"systolic": 128, "diastolic": 82, "spo2": 98});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(bp), StatusCode::CREATED).await;
    f.at(1);
    let dose =
        f.ok(Method::POST, &url("/dose"), &nurse, Some(json!({"dose_mg": 56, "lot": "L1"})), StatusCode::CREATED).await;
    assert_eq!(dose["enrollment"]["outcome"], "enrolled");
    let codes: Vec<&str> = dose["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["fasting", "nasal_medication", "transport_home"], "{dose}");
    assert_eq!(dose["warnings"][0]["rule"]["id"], "protocols.pre_checks.fasting");
    assert!(dose["warnings"][2]["message"].as_str().unwrap().contains("transport"), "{dose}");

    // At 36 minutes the patient is transferred to the emergency department.
    f.at(40);
    let body = json!({"at": rfc(37), "reason": "transferred_to_emergency", "note": "chest pain, BP 190/115"});
    let forbidden = f.call(Method::POST, &url("/early-departure"), Some(&admin), Some(body.clone())).await;
    assert_error(&forbidden, StatusCode::FORBIDDEN, "forbidden");
    let before = json!({"at": rfc(0), "reason": "other"});
    let e = assert_error(
        &f.call(Method::POST, &url("/early-departure"), Some(&nurse), Some(before)).await,
        StatusCode::BAD_REQUEST,
        "invalid_input",
    );
    assert_eq!(e["field"], "at");
    let left = f.ok(Method::POST, &url("/early-departure"), &nurse, Some(body.clone()), StatusCode::CREATED).await;
    assert_eq!(left["status"], "ended_early");
    assert_eq!(left["early_departure"], json!({"reason": "transferred_to_emergency", "minutes_monitored": 36}));
    assert_eq!(
        (left["adverse_event"]["kind"].as_str(), left["adverse_event"]["severity"].as_str()),
        (Some("early_departure"), Some("severe"))
    );
    let view = f.ok(Method::GET, &url(""), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["status"], "ended_early");
    assert_eq!(view["discharged_at"], Value::Null, "an early departure is not a discharge");
    assert_eq!(view["early_departure"], json!({"reason": "transferred_to_emergency", "minutes_monitored": 36}));
    let event = &view["adverse_events"][0];
    assert_eq!((event["kind"].as_str(), event["severity"].as_str()), (Some("early_departure"), Some("severe")));
    assert!(event["description"].as_str().unwrap().contains("chest pain"), "{event}");
    assert_eq!(view["discharge_now"], Value::Null);

    // The REMS form states the departure with the true duration, which the check accepts.
    let form = f.ok(Method::GET, &url("/rems-form"), &nurse, None, StatusCode::OK).await;
    assert_eq!(form["form"]["early_departure"], json!({"reason": "transferred_to_emergency", "minutes_monitored": 36}));
    assert_eq!(form["form"]["treatment_duration_minutes"], 36);
    let paths: Vec<&str> = form["missing"].as_array().unwrap().iter().map(|m| m["path"].as_str().unwrap()).collect();
    assert!(!paths.contains(&"treatment_duration_minutes"), "{paths:?}");

    // Nothing more happens on it: no second departure, no discharge, no charting.
    for (tail, who, body) in [
        ("/early-departure", &rx, body),
        ("/discharge", &rx, json!({"ready_to_leave_at": rfc(30), "override_reason": "x"})),
        ("/observations", &nurse, json!({"spo2": 97})),
    ] {
        assert_error(
            &f.call(Method::POST, &url(tail), Some(who), Some(body)).await,
            StatusCode::CONFLICT,
            "not_applicable",
        );
    }

    // The criteria after the minimum still take a prescriber's override (not a nurse's).
    let s2 = f.ok(Method::POST, &sessions, &nurse, Some(esketamine), StatusCode::CREATED).await;
    let url2 = |tail: &str| format!("/api/v1/sessions/{}{tail}", s2["id"].as_str().unwrap());
    let bp = json!({"systolic": 128, "diastolic": 82});
    f.ok(Method::POST, &url2("/observations"), &nurse, Some(bp), StatusCode::CREATED).await;
    f.at(41);
    f.ok(Method::POST, &url2("/dose"), &nurse, Some(json!({"dose_mg": 56, "lot": "L1"})), StatusCode::CREATED).await;
    f.at(200);
    let ready = json!({"ready_to_leave_at": rfc(150)});
    let stale = f.call(Method::POST, &url2("/discharge"), Some(&nurse), Some(ready)).await;
    let error = assert_error(&stale, StatusCode::CONFLICT, "monitoring_incomplete");
    assert!(error["message"].as_str().unwrap().contains("no_recent_vitals"), "{error}");
    let ov = json!({"ready_to_leave_at": rfc(150), "override_reason": "vitals charted on paper; transcribing"});
    assert_error(
        &f.call(Method::POST, &url2("/discharge"), Some(&nurse), Some(ov.clone())).await,
        StatusCode::FORBIDDEN,
        "override_not_allowed",
    );
    let done = f.ok(Method::POST, &url2("/discharge"), &rx, Some(ov), StatusCode::OK).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["discharge_override_reason"], "vitals charted on paper; transcribing");

    // An inpatient clinic doses a patient who is not enrolled: the REMS does not require it there.
    let p2 = f.patient(&nurse).await;
    f.ok(
        Method::PUT,
        &format!("/api/v1/patients/{p2}/intake"),
        &nurse,
        Some(json!({"rems_enrolled": false})),
        StatusCode::OK,
    )
    .await;
    let inpatient = json!({"rems": {"setting_type": "inpatient"}});
    f.ok(Method::PUT, "/api/v1/clinic/protocol-settings", &rx, Some(inpatient), StatusCode::OK).await;
    let s3 = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p2}/sessions"),
            &nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    let url3 = |tail: &str| format!("/api/v1/sessions/{}{tail}", s3["id"].as_str().unwrap());
    let pre = json!({"blood_pressure": {"systolic": 126, "diastolic": 80}, "transport_home_arranged": true});
    let report = f.ok(Method::POST, &url3("/pre-checks"), &nurse, Some(pre), StatusCode::CREATED).await;
    let rems = report["results"].as_array().unwrap().iter().find(|r| r["id"] == "rems_enrollment").unwrap().clone();
    assert_eq!(rems["status"], "not_applicable", "{report}");
    assert!(rems["message"].as_str().unwrap().contains("inpatient"), "{rems}");
    f.at(202);
    let dose = f
        .ok(Method::POST, &url3("/dose"), &nurse, Some(json!({"dose_mg": 56, "lot": "L1"})), StatusCode::CREATED)
        .await;
    assert_eq!(dose["enrollment"]["outcome"], "not_required");
}

async fn isolation(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let other = f.staff("Olga Other", Role::Prescriber, "clinic-b").await;
    let p = f.patient(&nurse).await;
    f.ok(Method::PUT, &format!("/api/v1/patients/{p}/intake"), &nurse, Some(json!({})), StatusCode::OK).await;
    let s = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p}/sessions"),
            &nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    let (sid, cid) = (s["id"].as_str().unwrap(), s["course_id"].as_str().unwrap());
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/patients/{p}/intake"), None),
        (Method::PUT, format!("/api/v1/patients/{p}/intake"), Some(json!({}))),
        (Method::GET, format!("/api/v1/patients/{p}/courses"), None),
        (Method::POST, format!("/api/v1/patients/{p}/courses"), Some(json!({"modality": "iv_ketamine"}))),
        (Method::PUT, format!("/api/v1/courses/{cid}/schedule"), Some(json!({"schedule": []}))),
        (Method::GET, format!("/api/v1/patients/{p}/outcomes"), None),
        (Method::POST, format!("/api/v1/patients/{p}/sessions"), Some(json!({"modality": "iv_ketamine"}))),
        (Method::GET, format!("/api/v1/sessions/{sid}"), None),
        (Method::POST, format!("/api/v1/sessions/{sid}/pre-checks"), Some(json!({}))),
        (Method::POST, format!("/api/v1/sessions/{sid}/observations"), Some(json!({"spo2": 97}))),
        (Method::POST, format!("/api/v1/sessions/{sid}/dose"), Some(json!({"dose_mg": 56, "lot": "L"}))),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/adverse-events"),
            Some(json!({"kind": "nausea", "severity": "mild"})),
        ),
        (Method::POST, format!("/api/v1/sessions/{sid}/discharge"), Some(json!({}))),
        (Method::GET, format!("/api/v1/sessions/{sid}/rems-form"), None),
        (Method::POST, format!("/api/v1/sessions/{sid}/rems-form/submit"), Some(json!({}))),
    ];
    for (method, uri, body) in &routes {
        let reply = f.call(method.clone(), uri, Some(&other), body.clone()).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
        let anonymous = f.call(method.clone(), uri, None, body.clone()).await;
        assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // The other clinic's dashboard and settings are its own.
    let due = f.ok(Method::GET, "/api/v1/rems-forms/due", &other, None, StatusCode::OK).await;
    assert_eq!(due["forms"], json!([]));
    // Nothing the other clinic sent was written.
    let view = f.ok(Method::GET, &format!("/api/v1/sessions/{sid}"), &nurse, None, StatusCode::OK).await;
    assert_eq!((view["observations"].as_array().unwrap().len(), view["doses"].as_array().unwrap().len()), (0, 0));
}

/// Malformed or out-of-range bodies on every charting route answer 4xx with the error shape naming a field where
/// one is at fault; none is a 5xx, and none writes anything.
async fn hostile(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let p = f.patient(&nurse).await;
    let s = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p}/sessions"),
            &nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    let sid = s["id"].as_str().unwrap();
    let cases: Vec<(Method, String, Value, Option<&str>)> = vec![
        (Method::POST, format!("/api/v1/patients/{p}/sessions"), json!({"modality": "laughing_gas"}), Some("modality")),
        (Method::POST, format!("/api/v1/patients/{p}/sessions"), json!({}), Some("modality")),
        (
            Method::POST,
            format!("/api/v1/patients/{p}/courses"),
            json!({"modality": "iv_ketamine", "start_date": "27/11/2026"}),
            Some("start_date"),
        ),
        (
            Method::POST,
            format!("/api/v1/patients/{p}/courses"),
            json!({"modality": "esketamine_nasal", "weeks": 0}),
            Some("weeks"),
        ),
        (
            Method::POST,
            format!("/api/v1/patients/{p}/courses"),
            json!({"modality": "esketamine_nasal", "maintenance": "daily"}),
            Some("maintenance"),
        ),
        (
            Method::PUT,
            format!("/api/v1/patients/{p}/intake"),
            json!({"trials": [{"drug": "sertraline", "weeks": -3}]}),
            Some("trials[0].weeks"),
        ),
        (Method::PUT, format!("/api/v1/patients/{p}/intake"), json!({"conditions": ["bad"]}), Some("conditions[0]")),
        (Method::PUT, format!("/api/v1/patients/{p}/intake"), json!({"severity": "extreme"}), Some("severity")),
        (Method::PUT, format!("/api/v1/patients/{p}/intake"), json!({"surprise": true}), None),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/observations"),
            json!({"at": "yesterday", "spo2": 97}),
            Some("at"),
        ),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/observations"),
            json!({"systolic": 400, "diastolic": 90}),
            Some("systolic"),
        ),
        (Method::POST, format!("/api/v1/sessions/{sid}/observations"), json!({"systolic": 120}), Some("diastolic")),
        (Method::POST, format!("/api/v1/sessions/{sid}/observations"), json!({"moaas": 9}), Some("moaas")),
        (Method::POST, format!("/api/v1/sessions/{sid}/observations"), json!({"spo2": -1}), Some("spo2")),
        (Method::POST, format!("/api/v1/sessions/{sid}/observations"), json!({}), None),
        (Method::POST, format!("/api/v1/sessions/{sid}/dose"), json!({"dose_mg": 50, "lot": "L1"}), Some("dose_mg")),
        (Method::POST, format!("/api/v1/sessions/{sid}/dose"), json!({"dose_mg": 56}), Some("lot")),
        (Method::POST, format!("/api/v1/sessions/{sid}/dose"), json!({"dose_mg": 1e308, "lot": "L1"}), Some("dose_mg")),
        (Method::POST, format!("/api/v1/sessions/{sid}/pre-checks"), json!({"pregnancy": "maybe"}), Some("pregnancy")),
        (Method::POST, format!("/api/v1/sessions/{sid}/pre-checks"), json!({"last_food_at": 12}), Some("last_food_at")),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/adverse-events"),
            json!({"kind": "nausea", "severity": "awful"}),
            Some("severity"),
        ),
        (Method::POST, format!("/api/v1/sessions/{sid}/adverse-events"), json!({"severity": "mild"}), Some("kind")),
        (Method::POST, format!("/api/v1/sessions/{sid}/discharge"), json!({"at": "2026-13-40T99:00:00Z"}), Some("at")),
        (Method::POST, format!("/api/v1/sessions/{sid}/early-departure"), json!({"reason": "bored"}), Some("reason")),
        (Method::POST, format!("/api/v1/sessions/{sid}/early-departure"), json!({}), Some("reason")),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/early-departure"),
            json!({"at": "noon", "reason": "other"}),
            Some("at"),
        ),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/early-departure"),
            json!({"reason": "other", "mood": "fine"}),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/sessions/{sid}/rems-form/submit"),
            json!({"form": {"hcp": {"fax": "1"}}}),
            Some("form.hcp.fax"),
        ),
        (Method::POST, format!("/api/v1/sessions/{sid}/rems-form/submit"), json!({"form": []}), Some("form")),
        (
            Method::PUT,
            "/api/v1/clinic/protocol-settings".to_owned(),
            json!({"discharge": {"min_spo2": 50}}),
            Some("discharge.min_spo2"),
        ),
        (
            Method::PUT,
            "/api/v1/clinic/protocol-settings".to_owned(),
            json!({"discharge": {"max_cadss": null}}),
            Some("discharge.max_cadss"),
        ),
        (
            Method::PUT,
            "/api/v1/clinic/protocol-settings".to_owned(),
            json!({"discharge": {"bp_within_gate": false}}),
            Some("discharge.bp_within_gate"),
        ),
    ];
    let rx = f.staff("Pat Prescriber", Role::Prescriber, "clinic-a").await;
    for (method, uri, body, field) in cases {
        let reply = f.call(method.clone(), &uri, Some(&rx), Some(body.clone())).await;
        assert!(reply.status.is_client_error(), "{method} {uri} {body}: {} {}", reply.status, reply.text());
        let error = assert_error(&reply, reply.status, reply.json()["error"]["code"].as_str().unwrap());
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{method} {uri} {body}: {error}");
        }
    }
    let view = f.ok(Method::GET, &format!("/api/v1/sessions/{sid}"), &nurse, None, StatusCode::OK).await;
    assert_eq!(view["observations"], json!([]));
    assert_eq!(view["doses"], json!([]));
}

/// Two requests at once that both create the same record: the first intake of one patient (the store's unique
/// key on the patient's intake), and the submission of one session's REMS form (the unique key on the session's
/// form). Each pair answers success and 409 `conflict`, or success twice where the second is a plain update of
/// the intake; never a 500; and the audit chain still verifies afterwards.
async fn concurrent_first_writes(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let intake = json!({"episode_months": 18, "severity": "moderate", "rems_enrolled": true,
        "pregnancy_potential": false});
    // Several patients, so that on PostgreSQL at least some pairs really overlap.
    for _ in 0..6 {
        let p = f.patient(&nurse).await;
        let uri = format!("/api/v1/patients/{p}/intake");
        let (a, b) = tokio::join!(
            f.call(Method::PUT, &uri, Some(&nurse), Some(intake.clone())),
            f.call(Method::PUT, &uri, Some(&nurse), Some(intake.clone()))
        );
        for reply in [&a, &b] {
            assert!(
                matches!(reply.status, StatusCode::OK | StatusCode::CONFLICT),
                "{}: {}",
                reply.status,
                reply.text()
            );
            if reply.status == StatusCode::CONFLICT {
                assert_eq!(reply.json()["error"]["code"], "conflict", "{}", reply.text());
            }
        }
        assert!(a.status == StatusCode::OK || b.status == StatusCode::OK, "one intake is saved");
        let saved = f.ok(Method::GET, &uri, &nurse, None, StatusCode::OK).await;
        assert_eq!(saved["input"]["episode_months"], 18.0);
    }

    // A discharged esketamine session, then its form submitted twice at once.
    let p = f.patient(&nurse).await;
    let sid = dosed_esketamine_session(f, &nurse, &p).await;
    let url = |tail: &str| format!("/api/v1/sessions/{sid}{tail}");
    f.at(45);
    let obs = json!({"systolic": 140, "diastolic": 88, "heart_rate": 84, "spo2": 97, "moaas": 4, "cadss": 12});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    f.at(130);
    let obs = json!({"systolic": 130, "diastolic": 80, "spo2": 98, "moaas": 5, "cadss": 0});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    f.ok(Method::POST, &url("/discharge"), &nurse, Some(json!({"ready_to_leave_at": rfc(90)})), StatusCode::OK).await;
    let answers = json!({
        "form": {"hcp": {"phone": "212-555-0100"},
                 "vital_signs": {"in_range_prior_to_administration": true, "in_range_prior_to_completion": true}},
        "adverse_effects": {"sedation": false, "dissociation": true, "respiratory_depression": false}
    });
    let submit = url("/rems-form/submit");
    let (a, b) = tokio::join!(
        f.call(Method::POST, &submit, Some(&nurse), Some(answers.clone())),
        f.call(Method::POST, &submit, Some(&nurse), Some(answers.clone()))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", a.text(), b.text());
    let refused = if a.status == StatusCode::CONFLICT { &a } else { &b };
    assert_error(refused, StatusCode::CONFLICT, "conflict");
    let form = f.ok(Method::GET, &url("/rems-form"), &nurse, None, StatusCode::OK).await;
    assert_eq!(form["state"], "submitted");
}

on_both_backends!(session_workflow_end_to_end, super::workflow);
on_both_backends!(gates_and_overrides, super::gates);
on_both_backends!(early_departure_inpatient_and_overridable_criteria, super::early_departure);
on_both_backends!(other_clinic_is_not_found_on_every_route, super::isolation);
on_both_backends!(hostile_bodies_are_client_errors, super::hostile);
on_both_backends!(concurrent_first_writes_answer_409_never_500, super::concurrent_first_writes);
