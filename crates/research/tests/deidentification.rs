//! De-identification: a fixture holding every kind of identifier is exported as CSV and NDJSON in both date forms
//! and none of the identifying values appears, searched by value; the default form has no calendar date in any
//! cell, only offsets from each patient's first event and its year; the shifted form preserves intervals between a
//! patient's events and never passes the export date; pseudonyms depend on the key and only on it; a withdrawn
//! consent removes the patient from the next export.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::*;
use ketapath_clinical::instruments::Instrument;
use ketapath_research::deid::records::{CourseDates, FirstEvent, Occurred, SessionTimes, Taken};
use ketapath_research::deid::{Kind, pseudonym};
use ketapath_research::model::{AdverseEventKind, Modality, ResearchPatient, Sex};
use ketapath_research::{Consent, DateForm, Export, ExportKey, ExportStream, Format, build_export, patient_order};
use time::format_description::well_known::Rfc3339;
use time::macros::date;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// The key of the fixture exports.
fn export_key() -> ExportKey {
    key(0x5a)
}

/// Two patients with every identifier kind the issue lists: names, street address, city, full dates (birth date
/// included), phone, e-mail, MRN, an age over 89, a restricted ZIP3 (036) and an ordinary one (100), and
/// free-text notes naming people.
fn fixture() -> Vec<ResearchPatient> {
    let mut a = patient("0192f7a4-5b1e-7c3d-9e8f-a1b2c3d4e5f6", "clinic-north-keene");
    a.mrn = Some("MRN-48213-77".into());
    a.given_name = "Marguerite".into();
    a.family_name = "Oyelaran-Whitfield".into();
    a.street = Some("1742 Larkspur Avenue".into());
    a.city = Some("Alstead".into());
    a.state = Some("NH".into());
    a.zip = Some("03601".into());
    a.phone = Some("(603) 555-0142".into());
    a.email = Some("m.oyelaran@example.org".into());
    // 93 on the first event (2026-03-01).
    a.birth_date = date!(1932 - 11 - 20);
    a.notes = vec!["Marguerite's son Tobias Whitfield drives her home; lives at 1742 Larkspur Avenue.".into()];
    records(&mut a, "a", Modality::IvKetamine);
    a.courses[0].notes = Some("Marguerite prefers morning infusions".into());
    a.sessions[1].notes = Some("Called Tobias at (603) 555-0142 after discharge".into());
    a.sessions[0].bp_gate_blocked = true;
    a.sessions[0].bp_gate_overridden = true;
    a.assessments[0].notes = Some("MRN-48213-77 baseline reviewed with Dr. Quennell".into());
    a.adverse_events[0].description = Some("Marguerite felt nauseous, Tobias informed".into());

    let mut b = patient("7d3e9b10-0c4f-4a61-8b2e-55aa66bb77cc", "clinic-chelsea");
    b.mrn = Some("K-330917".into());
    b.given_name = "Dashiell".into();
    b.family_name = "Pennington".into();
    b.street = Some("350 West 31st Street, Apt 12F".into());
    b.city = Some("New York".into());
    b.state = Some("ny".into());
    b.zip = Some("10001".into());
    b.phone = Some("212-555-0199".into());
    b.email = Some("dash.pennington@example.com".into());
    b.birth_date = date!(1980 - 07 - 09);
    b.sex = Sex::Male;
    b.notes = vec!["Dashiell works nights at Penn Station; sister Ottoline is the emergency contact.".into()];
    records(&mut b, "b", Modality::EsketamineNasal);
    b.adverse_events[0].description = Some("Dashiell dizzy, Ottoline picked him up".into());
    vec![a, b]
}

/// A course with six sessions (days 0–11), three assessments (days −1, 7, 14) and one adverse event (day 2).
fn records(p: &mut ResearchPatient, tag: &str, modality: Modality) {
    let course = format!("{tag}-course-1");
    p.courses.push(course_on(&course, modality, date!(2026 - 03 - 01)));
    for (i, day) in [0, 2, 4, 7, 9, 11].into_iter().enumerate() {
        p.sessions.push(session(&format!("{tag}-session-{i}"), &course, modality, day));
    }
    for (i, (day, total)) in [(-1, 21), (7, 9), (14, 4)].into_iter().enumerate() {
        p.assessments.push(assessment(&format!("{tag}-assessment-{i}"), &course, Instrument::Phq9, day, total, i == 0));
    }
    p.adverse_events.push(adverse_event(
        &format!("{tag}-ae-0"),
        &format!("{tag}-session-1"),
        2,
        AdverseEventKind::Nausea,
    ));
}

fn course_on(id: &str, modality: Modality, on: Date) -> ketapath_research::model::Course {
    let mut c = course(id, modality, on);
    c.ended_on = Some(on + Duration::days(30));
    c
}

/// Every file of the export in both formats, concatenated.
fn all_text(export: &Export) -> String {
    let mut text = String::new();
    for format in [Format::Csv, Format::Ndjson] {
        for file in export.files(format).expect("export serializes") {
            text.push_str(&file.name);
            text.push('\n');
            text.push_str(&file.contents);
        }
    }
    text
}

/// Every real date of the fixture's events, as ISO dates.
fn real_dates(patients: &[ResearchPatient]) -> BTreeSet<String> {
    let mut dates = BTreeSet::new();
    for p in patients {
        let mut add = |d: Date| {
            dates.insert(d.to_string());
        };
        add(p.birth_date);
        for c in &p.courses {
            add(c.started_on);
            c.ended_on.into_iter().for_each(&mut add);
        }
        for s in &p.sessions {
            add(s.started_at.date());
            add(s.started_at.to_offset(time::UtcOffset::UTC).date());
            s.ended_at.into_iter().for_each(|t| add(t.date()));
        }
        p.assessments.iter().for_each(|a| add(a.taken_at.date()));
        p.adverse_events.iter().for_each(|e| add(e.occurred_at.date()));
    }
    dates
}

/// The default export of `patients` on [`AS_OF`].
fn export_of(patients: &[ResearchPatient], key: &ExportKey) -> Export {
    build_export(patients, key, AS_OF, DateForm::Offsets).expect("valid fixture")
}

/// The shifted-date export of `patients` on [`AS_OF`].
fn shifted_export_of(patients: &[ResearchPatient], key: &ExportKey) -> Export {
    build_export(patients, key, AS_OF, DateForm::Shifted).expect("valid fixture")
}

fn parse_date(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).expect("ISO date")
}

fn shifted_start(times: &SessionTimes) -> &str {
    match times {
        SessionTimes::Shifted { started_at, .. } => started_at,
        other => panic!("not shifted: {other:?}"),
    }
}

#[test]
fn no_identifier_appears_in_the_export_searched_by_value() {
    let patients = fixture();
    let key = export_key();
    for form in [DateForm::Offsets, DateForm::Shifted] {
        let export = build_export(&patients, &key, AS_OF, form).expect("valid fixture");
        if form == DateForm::Shifted {
            // A date shift smaller than a patient's span of events could map one real date onto another real date
            // of the same patient: not a leak, but it would make the date search below ambiguous. The fixture
            // spans 31 days.
            for row in &export.patients {
                let FirstEvent::Date { first_event_date: Some(shifted) } = &row.first_event else {
                    panic!("no shifted first-event date: {row:?}")
                };
                let shift = (parse_date(shifted) - date!(2026 - 03 - 01)).whole_days();
                assert!(shift.abs() > 31, "fixture key gives a shift of {shift} days: pick another key");
            }
        }
        identifiers_absent(&patients, &export);
    }
}

fn identifiers_absent(patients: &[ResearchPatient], export: &Export) {
    assert_eq!(export.patients.len(), 2);
    let text = all_text(export);
    // Positive control: the search runs over a real export holding both patients' rows in both formats.
    for expected in ["patients.csv", "sessions.ndjson", "pt-", "se-", "90+", "\"zip3\":\"000\"", "nausea"] {
        assert!(text.contains(expected), "the export lacks {expected:?}");
    }

    let mut forbidden: Vec<String> = vec![
        // Names, including names inside free-text notes.
        "Marguerite",
        "Oyelaran",
        "Whitfield",
        "Tobias",
        "Quennell",
        "Dashiell",
        "Pennington",
        "Ottoline",
        // Addresses and cities.
        "1742 Larkspur",
        "Larkspur",
        "Alstead",
        "West 31st",
        "Apt 12F",
        "New York",
        "Penn Station",
        // Phones, raw and as digits.
        "(603) 555-0142",
        "555-0142",
        "6035550142",
        "212-555-0199",
        "2125550199",
        // E-mail addresses and their parts.
        "m.oyelaran@example.org",
        "example.org",
        "dash.pennington@example.com",
        "example.com",
        "@",
        // Record numbers and internal ids.
        "MRN-48213-77",
        "48213",
        "K-330917",
        "330917",
        "0192f7a4",
        "7d3e9b10",
        "clinic-north-keene",
        "clinic-chelsea",
        "a-session",
        "b-course",
        "a-assessment",
        "b-ae",
        // Birth dates in other notations, and ZIP codes.
        "11/20/1932",
        "1932",
        "07/09/1980",
        "1980",
        "03601",
        "10001",
        // Local UTC offsets (a hint of the region).
        "-05:00",
        "-04:00",
        // Free text fragments.
        "nauseous",
        "emergency contact",
        "baseline reviewed",
        "prefers morning",
        "Called",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    forbidden.extend(real_dates(patients));
    for value in &forbidden {
        assert!(!text.contains(value.as_str()), "the export contains {value:?}:\n{text}");
    }

    // Ages over 89 are grouped, and restricted ZIP3 areas are 000.
    let by_zip: HashMap<Option<&str>, &ketapath_research::deid::records::PatientRow> =
        export.patients.iter().map(|row| (row.zip3.as_deref(), row)).collect();
    assert_eq!(by_zip[&Some("000")].age_at_first_event.as_deref(), Some("90+"));
    assert_eq!(by_zip[&Some("100")].age_at_first_event.as_deref(), Some("45"));
    assert_eq!(by_zip[&Some("000")].state.as_deref(), Some("NH"));
    assert_eq!(by_zip[&Some("100")].state.as_deref(), Some("NY"));
    assert!(export.patients.iter().all(|row| row.age_at_first_event.as_deref() != Some("93")));
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Day(Date),
    Instant(OffsetDateTime),
}

/// The difference between two moments in seconds; a date counts as its midnight in UTC, which is consistent on
/// both sides because the shift is a whole number of days.
fn seconds_between(a: When, b: When) -> i64 {
    let instant = |w: When| match w {
        When::Day(d) => d.midnight().assume_utc(),
        When::Instant(t) => t,
    };
    (instant(b) - instant(a)).whole_seconds()
}

#[test]
fn every_interval_between_a_patients_events_is_preserved_by_the_shifted_form() {
    let patients = fixture();
    let key = export_key();
    let export = shifted_export_of(&patients, &key);
    let parse_instant = |s: &str| When::Instant(OffsetDateTime::parse(s, &Rfc3339).expect("RFC 3339 in export"));
    let day = |s: &str| When::Day(parse_date(s));

    for p in &patients {
        let pt = pseudonym(&key, Kind::Patient, &p.patient_id);
        // (real, exported) pairs of every dated value of the patient.
        let mut pairs: Vec<(When, When)> = Vec::new();
        for c in &p.courses {
            let row = export.courses.iter().find(|r| r.course == pseudonym(&key, Kind::Course, &c.course_id));
            let CourseDates::Shifted { start_date, end_date } = &row.expect("course exported").dates else {
                panic!("not shifted")
            };
            pairs.push((When::Day(c.started_on), day(start_date)));
            let end = c.ended_on.expect("fixture courses end");
            pairs.push((When::Day(end), day(end_date.as_deref().expect("end date exported"))));
        }
        for s in &p.sessions {
            let id = pseudonym(&key, Kind::Session, &s.session_id);
            let row = export.sessions.iter().find(|r| r.session == id).expect("session exported");
            assert_eq!(row.patient, pt);
            let SessionTimes::Shifted { started_at, ended_at } = &row.times else { panic!("not shifted") };
            pairs.push((When::Instant(s.started_at), parse_instant(started_at)));
            let end = s.ended_at.expect("fixture sessions end");
            pairs.push((When::Instant(end), parse_instant(ended_at.as_deref().expect("end exported"))));
            assert_eq!(row.minutes_monitored, Some(125));
        }
        for a in &p.assessments {
            let id = pseudonym(&key, Kind::Assessment, &a.assessment_id);
            let row = export.assessments.iter().find(|r| r.assessment == id).expect("assessment exported");
            let Taken::At { taken_at } = &row.taken else { panic!("not shifted") };
            pairs.push((When::Instant(a.taken_at), parse_instant(taken_at)));
        }
        for e in &p.adverse_events {
            let id = pseudonym(&key, Kind::AdverseEvent, &e.event_id);
            let row = export.adverse_events.iter().find(|r| r.adverse_event == id).expect("event exported");
            let Occurred::At { occurred_at } = &row.occurred else { panic!("not shifted") };
            pairs.push((When::Instant(e.occurred_at), parse_instant(occurred_at)));
        }
        let first_event = export.patients.iter().find(|r| r.patient == pt).expect("patient exported");
        let FirstEvent::Date { first_event_date } = &first_event.first_event else { panic!("not shifted") };
        pairs.push((When::Day(date!(2026 - 03 - 01)), day(first_event_date.as_deref().expect("set"))));

        assert_eq!(pairs.len(), 19, "2 course dates, 12 session times, 3 assessments, 1 event, 1 first-event date");
        for (i, (real_a, out_a)) in pairs.iter().enumerate() {
            for (real_b, out_b) in &pairs[i + 1..] {
                assert_eq!(
                    seconds_between(*real_a, *real_b),
                    seconds_between(*out_a, *out_b),
                    "interval {real_a:?} -> {real_b:?} changed"
                );
            }
            assert_ne!(seconds_between(*real_a, *out_a), 0, "a date was not shifted");
        }
    }
}

#[test]
fn the_default_form_gives_days_and_minutes_from_the_first_event_and_its_year_only() {
    let patients = fixture();
    let key = export_key();
    let export = export_of(&patients, &key);
    assert_eq!(export.form, DateForm::Offsets);
    for p in &patients {
        let pt = pseudonym(&key, Kind::Patient, &p.patient_id);
        let row = export.patients.iter().find(|r| r.patient == pt).expect("patient exported");
        // The first event is the baseline assessment of 2026-03-01 (day −1 of the sessions), the course's start.
        assert_eq!(row.first_event, FirstEvent::Year { first_event_year: Some(2026) });
        let course = export.courses.iter().find(|r| r.patient == pt).expect("course exported");
        assert_eq!(course.dates, CourseDates::Offsets { day: 0, end_day: Some(30) });
        // Sessions on days 0, 2, 4, 7, 9, 11 of the sessions are days 1, 3, 5, 8, 10, 12 from the first event.
        let mut days: Vec<(i64, Option<i64>)> = export
            .sessions
            .iter()
            .filter(|s| s.patient == pt)
            .map(|s| match s.times {
                SessionTimes::Offsets { day, last_observation_minute } => (day, last_observation_minute),
                ref other => panic!("not offsets: {other:?}"),
            })
            .collect();
        days.sort();
        assert_eq!(days, [1, 3, 5, 8, 10, 12].map(|d| (d, Some(40))));
        assert!(export.sessions.iter().filter(|s| s.patient == pt).all(|s| s.minutes_monitored == Some(125)));
        let mut taken: Vec<Taken> =
            export.assessments.iter().filter(|a| a.patient == pt).map(|a| a.taken.clone()).collect();
        taken.sort_by_key(|t| match t {
            Taken::Day { day } => *day,
            Taken::At { .. } => i64::MAX,
        });
        assert_eq!(taken, [0, 8, 15].map(|day| Taken::Day { day }));
        // The adverse event: 30 minutes into the session of (session) day 2, which is day 3.
        let event = export.adverse_events.iter().find(|e| e.patient == pt).expect("event exported");
        assert_eq!(event.occurred, Occurred::Offsets { day: 3, minute: Some(30) });
    }
    // The rows keep the deterministic order: by patient pseudonym, then time.
    let order: Vec<(String, i64)> = export
        .sessions
        .iter()
        .map(|s| match s.times {
            SessionTimes::Offsets { day, .. } => (s.patient.clone(), day),
            ref other => panic!("not offsets: {other:?}"),
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

/// Whether `text` holds a calendar date (`YYYY-MM-DD`) or a time of day (`HH:MM`, as in RFC 3339).
fn date_like(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| b.get(from..from + n).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    (0..b.len()).any(|i| {
        let iso = digits(i, 4) && b.get(i + 4) == Some(&b'-') && digits(i + 5, 2) && b.get(i + 7) == Some(&b'-');
        let iso = iso && digits(i + 8, 2);
        let clock = digits(i, 2) && b.get(i + 2) == Some(&b':') && digits(i + 3, 2);
        iso || clock
    })
}

#[test]
fn no_cell_of_the_default_form_holds_a_date_or_a_time() {
    assert!(date_like("2026-03-01") && date_like("x2026-03-01T10:00:00Z") && date_like("10:00"));
    assert!(!date_like("pt-0a1b2c3d4e5f6789") && !date_like("2026") && !date_like("-12"));
    let patients = fixture();
    let export = export_of(&patients, &export_key());
    let mut cells = 0;
    for format in [Format::Csv, Format::Ndjson] {
        for file in export.files(format).expect("export serializes") {
            for line in file.contents.lines() {
                let row: Vec<String> = match format {
                    Format::Csv => line.split(',').map(str::to_owned).collect(),
                    Format::Ndjson => match serde_json::from_str::<serde_json::Value>(line).expect("JSON line") {
                        serde_json::Value::Object(map) => {
                            map.into_iter().flat_map(|(k, v)| [k, v.to_string()]).collect()
                        }
                        other => panic!("not an object: {other}"),
                    },
                };
                for cell in row {
                    cells += 1;
                    assert!(!date_like(&cell), "{}: {cell:?} looks like a date or a time", file.name);
                }
            }
        }
    }
    assert!(cells > 300, "only {cells} cells scanned");
    // The shifted form is the positive control: the same scan finds its dates.
    let shifted = shifted_export_of(&patients, &export_key());
    let files = shifted.files(Format::Csv).expect("serializes");
    assert!(files.iter().all(|f| date_like(&f.contents)), "the scan misses the shifted form's dates");
}

#[test]
fn no_shifted_date_passes_the_export_date_for_many_keys() {
    // One patient whose last event is on the export day (a session at 23:30 in New York, already the next day in
    // UTC, and an open course started that day) and one whose last event is 4 days before it.
    let mut today = patient("patient-today", "clinic-1");
    today.courses.push(course("today-course", Modality::IvKetamine, AS_OF - Duration::days(20)));
    today.courses.push(course("today-course-2", Modality::IvKetamine, AS_OF));
    let late = time::PrimitiveDateTime::new(AS_OF, time::macros::time!(23:30)).assume_offset(time::macros::offset!(-4));
    let mut s = session("today-session", "today-course", Modality::IvKetamine, 0);
    s.started_at = late - Duration::minutes(90);
    s.ended_at = Some(late);
    s.observations[0].at = late - Duration::minutes(50);
    today.sessions.push(s);
    let mut recent = patient("patient-recent", "clinic-1");
    recent.courses.push(course_on("recent-course", Modality::EsketamineNasal, AS_OF - Duration::days(34)));
    recent.assessments.push(assessment("recent-a", "recent-course", Instrument::Phq9, 0, 12, true));
    recent.assessments[0].taken_at = (AS_OF - Duration::days(4)).midnight().assume_utc();
    let patients = vec![today, recent];

    let mut shifts = BTreeSet::new();
    for fill in 0..=255u8 {
        let export = build_export(&patients, &key(fill), AS_OF, DateForm::Shifted).expect("valid");
        let mut dates: Vec<Date> = Vec::new();
        for row in &export.patients {
            let FirstEvent::Date { first_event_date: Some(d) } = &row.first_event else { panic!("no date") };
            dates.push(parse_date(d));
        }
        for row in &export.courses {
            let CourseDates::Shifted { start_date, end_date } = &row.dates else { panic!("not shifted") };
            dates.push(parse_date(start_date));
            dates.extend(end_date.as_deref().map(parse_date));
        }
        let instant = |s: &str| OffsetDateTime::parse(s, &Rfc3339).expect("RFC 3339");
        for row in &export.sessions {
            let SessionTimes::Shifted { started_at, ended_at } = &row.times else { panic!("not shifted") };
            dates.push(instant(started_at).to_offset(UtcOffset::UTC).date());
            dates.extend(ended_at.as_deref().map(|t| instant(t).to_offset(UtcOffset::UTC).date()));
        }
        for row in &export.assessments {
            let Taken::At { taken_at } = &row.taken else { panic!("not shifted") };
            dates.push(instant(taken_at).date());
        }
        assert_eq!(dates.len(), 9, "every dated value is checked");
        for d in dates {
            assert!(d <= AS_OF, "key {fill}: shifted date {d} passes the export date {AS_OF}");
        }
        let first = &export.patients.iter().map(|r| r.first_event.clone()).collect::<Vec<_>>();
        shifts.insert(format!("{first:?}"));
    }
    // The shifts still vary with the key (backwards for the patient of today, both ways within the room for the
    // other): 256 keys give many different first-event dates.
    assert!(shifts.len() > 200, "only {} distinct shifted exports", shifts.len());
}

#[test]
fn same_key_same_pseudonyms_other_key_different_ones() {
    let patients = fixture();
    for form in [DateForm::Offsets, DateForm::Shifted] {
        let first = build_export(&patients, &export_key(), AS_OF, form).expect("valid");
        let again = build_export(&patients, &export_key(), AS_OF, form).expect("valid");
        assert_eq!(all_text(&first), all_text(&again));
        // Input order leaks nothing: the files do not change.
        let reversed: Vec<ResearchPatient> = patients.iter().rev().cloned().collect();
        assert_eq!(all_text(&first), all_text(&build_export(&reversed, &export_key(), AS_OF, form).expect("valid")));
    }

    let first = shifted_export_of(&patients, &export_key());
    let other = shifted_export_of(&patients, &key(0xa5));
    let ids = |e: &Export| -> BTreeSet<String> {
        let mut ids: BTreeSet<String> = e.patients.iter().map(|r| r.patient.clone()).collect();
        ids.extend(e.patients.iter().map(|r| r.clinic.clone()));
        ids.extend(e.sessions.iter().map(|r| r.session.clone()));
        ids.extend(e.courses.iter().map(|r| r.course.clone()));
        ids.extend(e.assessments.iter().map(|r| r.assessment.clone()));
        ids.extend(e.adverse_events.iter().map(|r| r.adverse_event.clone()));
        ids
    };
    let (a, b) = (ids(&first), ids(&other));
    assert_eq!(a.len(), b.len());
    assert!(a.is_disjoint(&b), "pseudonyms shared between keys: {:?}", a.intersection(&b).collect::<Vec<_>>());
    // The date shift is keyed too.
    assert_ne!(first.sessions.iter().map(|s| shifted_start(&s.times)).collect::<BTreeSet<_>>(), {
        other.sessions.iter().map(|s| shifted_start(&s.times)).collect::<BTreeSet<_>>()
    });
}

#[test]
fn a_withdrawn_consent_removes_the_patient_from_the_next_export() {
    let mut patients = fixture();
    let key = export_key();
    let before = export_of(&patients, &key);
    let b = pseudonym(&key, Kind::Patient, &patients[1].patient_id);
    assert!(before.patients.iter().any(|r| r.patient == b));

    patients[1].consent = Consent::withdrawn(date!(2026 - 06 - 01));
    let after = export_of(&patients, &key);
    let text = all_text(&after);
    assert!(!text.contains(&b), "withdrawn patient still in the export");
    assert_eq!(after.patients.len(), 1);
    assert_eq!(after.excluded_without_consent, 1);
    assert!(after.sessions.iter().chain(before.sessions.iter().filter(|s| s.patient != b)).all(|s| s.patient != b));
    assert_eq!(after.sessions.len(), 6);
    assert_eq!(after.assessments.len(), 3);
    assert_eq!(after.adverse_events.len(), 1);
    assert_eq!(after.courses.len(), 1);

    // A consent given after the export date does not count either.
    patients[1].consent = Consent::given(AS_OF + Duration::days(1));
    assert_eq!(export_of(&patients, &key).patients.len(), 1);
}

#[test]
fn session_summaries_and_cohort_flags_are_exported() {
    let export = export_of(&fixture(), &export_key());
    let blocked: Vec<_> = export.sessions.iter().filter(|s| s.bp_gate_blocked).collect();
    assert_eq!(blocked.len(), 1);
    assert!(blocked[0].bp_gate_overridden);
    let s = &export.sessions[0];
    assert_eq!((s.max_systolic, s.min_spo2, s.max_cadss, s.min_moaas), (Some(138), Some(97), Some(9), Some(5)));
    // Patient A's IV course (6 infusions over 12 days) is an induction; B's esketamine course is not.
    let mut flags: Vec<(&str, bool)> = export.courses.iter().map(|c| (c.modality, c.induction_cohort)).collect();
    flags.sort();
    assert_eq!(flags, vec![("esketamine_nasal", false), ("iv_ketamine", true)]);
    assert_eq!(export.adverse_events.iter().map(|e| e.kind).collect::<Vec<_>>(), vec!["nausea", "nausea"]);
}

#[test]
fn a_course_ending_before_it_starts_leaves_its_patient_out_not_the_whole_export() {
    // An older version let a benefit review stop a course planned for a later day; the export of every other
    // patient must still be written, and the one left out is counted.
    let mut patients = fixture();
    let start = patients[1].courses[0].started_on;
    patients[1].courses[0].ended_on = Some(start - Duration::days(3));
    let export = export_of(&patients, &export_key());
    assert_eq!((export.patients.len(), export.excluded_out_of_bounds), (1, 1));
    let b = pseudonym(&export_key(), Kind::Patient, &patients[1].patient_id);
    assert!(!all_text(&export).contains(&b), "the patient with the course out of order is in the export");
    assert_eq!(export.courses.len(), 1);
}

#[test]
fn invalid_records_are_refused_naming_the_field() {
    let mut patients = fixture();
    patients[1].sessions[2].ended_at = Some(patients[1].sessions[2].started_at - Duration::minutes(1));
    let error = build_export(&patients, &export_key(), AS_OF, DateForm::Offsets).expect_err("end before start");
    assert_eq!(error.to_string(), "patients[1].sessions[2].ended_at: is before started_at");

    let mut patients = fixture();
    patients[1].patient_id = patients[0].patient_id.clone();
    let error = build_export(&patients, &export_key(), AS_OF, DateForm::Offsets).expect_err("duplicate id");
    assert_eq!(error.to_string(), "patients[1].patient_id: duplicates patients[0]");
}

#[test]
fn pages_in_pseudonym_order_write_the_same_bytes_and_pages_out_of_order_are_refused() {
    let key = export_key();
    let mut patients = fixture();
    patients.sort_by_key(|p| patient_order(&key, &p.patient_id));
    for form in [DateForm::Offsets, DateForm::Shifted] {
        let whole = build_export(&patients, &key, AS_OF, form).expect("valid").files(Format::Csv).expect("csv");
        let mut stream = ExportStream::new(&key, AS_OF, form);
        let mut texts: Vec<String> = Export { form, ..Export::default() }
            .files(Format::Csv)
            .expect("csv")
            .into_iter()
            .map(|f| f.contents)
            .collect();
        for page in patients.chunks(1) {
            let part = stream.add_page(page).expect("in order").files_part(Format::Csv, false).expect("csv");
            for (text, file) in texts.iter_mut().zip(part) {
                text.push_str(&file.contents);
            }
        }
        assert_eq!(stream.finish().expect("no collision").patients, patients.len());
        assert_eq!(texts, whole.into_iter().map(|f| f.contents).collect::<Vec<_>>(), "{form:?}");
    }

    let mut stream = ExportStream::new(&key, AS_OF, DateForm::Offsets);
    stream.add_page(&patients[1..]).expect("in order");
    let error = stream.add_page(&patients[..1]).expect_err("out of order");
    assert_eq!(error.to_string(), format!("patients[{}].patient_id: comes out of pseudonym order", patients.len() - 1));
}
