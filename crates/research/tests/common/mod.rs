//! Fixture builders shared by the research integration tests.
#![allow(dead_code)]

use ketapath_clinical::instruments::Instrument;
use ketapath_research::model::{
    AdverseEvent, AdverseEventKind, Assessment, Course, Modality, Observation, ResearchPatient, Session, Sex,
};
use ketapath_research::{Consent, ExportKey};
use time::macros::{date, datetime};
use time::{Date, Duration, OffsetDateTime};

/// Day 0 of the fixtures: the first treatment, 10:00 in New York (UTC-5 in March).
pub const DAY0: OffsetDateTime = datetime!(2026-03-02 10:00 -5);
pub const AS_OF: Date = date!(2026 - 06 - 30);

pub fn at_day(day: i64) -> OffsetDateTime {
    DAY0 + Duration::days(day)
}

pub fn key(fill: u8) -> ExportKey {
    ExportKey::from_bytes(&[fill; 32]).expect("32 bytes")
}

/// A plain consenting patient with no records yet.
pub fn patient(id: &str, clinic: &str) -> ResearchPatient {
    ResearchPatient {
        patient_id: id.to_owned(),
        clinic_id: clinic.to_owned(),
        mrn: None,
        given_name: "Given".to_owned(),
        family_name: "Family".to_owned(),
        street: None,
        city: None,
        state: None,
        zip: None,
        phone: None,
        email: None,
        birth_date: date!(1980 - 01 - 01),
        sex: Sex::Female,
        consent: Consent::given(date!(2026 - 01 - 15)),
        notes: Vec::new(),
        courses: Vec::new(),
        assessments: Vec::new(),
        sessions: Vec::new(),
        adverse_events: Vec::new(),
    }
}

pub fn course(id: &str, modality: Modality, started_on: Date) -> Course {
    Course { course_id: id.to_owned(), modality, started_on, ended_on: None, notes: None }
}

pub fn assessment(id: &str, course: &str, instrument: Instrument, day: i64, total: u16, baseline: bool) -> Assessment {
    Assessment {
        assessment_id: id.to_owned(),
        course_id: Some(course.to_owned()),
        instrument,
        taken_at: at_day(day),
        total,
        baseline,
        notes: None,
    }
}

pub fn session(id: &str, course: &str, modality: Modality, day: i64) -> Session {
    let start = at_day(day);
    Session {
        session_id: id.to_owned(),
        course_id: Some(course.to_owned()),
        modality,
        dose_mg: Some(35.0),
        started_at: start,
        ended_at: Some(start + Duration::minutes(125)),
        observations: vec![Observation {
            at: start + Duration::minutes(40),
            systolic: Some(138),
            diastolic: Some(86),
            heart_rate: Some(80),
            spo2: Some(97),
            cadss: Some(9),
            moaas: Some(5),
        }],
        bp_gate_checked: true,
        bp_gate_blocked: false,
        bp_gate_overridden: false,
        notes: None,
    }
}

pub fn adverse_event(id: &str, session: &str, day: i64, kind: AdverseEventKind) -> AdverseEvent {
    AdverseEvent {
        event_id: id.to_owned(),
        session_id: Some(session.to_owned()),
        occurred_at: at_day(day) + Duration::minutes(30),
        kind,
        serious: false,
        description: None,
    }
}
