//! The REMS Patient Monitoring Form as a document: the sections and rows the PDF prints, in the order and wording of
//! the form, with every missing required field flagged. (The portal's page, `crate::portal::rems`, walks the same
//! `PatientMonitoringForm::fields` and adds the staff answers as inputs.)
//!
//! The rows come from [`PatientMonitoringForm::fields`], which walks `clinical::rems::FIELDS` and then the clinic's
//! adverse-effect questions, and the flags from the one completeness check ([`ketapath_clinical::rems::check`]):
//! nothing here decides what is required. The routes that serve the PDF (`GET /api/v1/sessions/{id}/rems-form?format=pdf`,
//! `GET /portal/sessions/{id}/rems.pdf`) call [`pdf_response`] (or [`pdf`] for the bytes).

pub mod pdf;
#[cfg(test)]
mod print_tests;

use ketapath_clinical::rems::{CompleteForm, FieldView, FormReport, MissingField, PatientMonitoringForm};
use serde_json::Value;

pub use pdf::{pdf, pdf_response};

use crate::print::{patient_header, us_date};

/// The form's title, as the page and the PDF print it.
pub const TITLE: &str = "SPRAVATO\u{ae} REMS Patient Monitoring Form";

/// Where and how fast the form is submitted (`directory-and-interop.md` §d.3).
pub const SUBMIT_NOTE: &str = "Submit within 7 days after each dose, online at www.SPRAVATOrems.com or by fax to \
                               1-877-778-0091 (REMS phone 1-855-382-6022).";

/// One field of the document: the form's label, the value as printed, and the check's message when the field
/// stops the form from being submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub path: String,
    pub label: String,
    /// The value as the paper form would hold it; empty when not filled in.
    pub value: String,
    pub required: bool,
    /// Why the field stops the form from being submitted; `None` when it does not.
    pub problem: Option<String>,
}

/// A section of the form with its rows, in the form's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
}

/// The whole document: sections, and the problems that are not tied to a row (for example an inpatient setting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDocument {
    pub sections: Vec<Section>,
    /// Problems with a path that names no row of the form.
    pub other_problems: Vec<String>,
    pub complete: bool,
    /// The treatment date as MM/DD/YYYY, when filled in.
    pub treatment_date: Option<String>,
    /// The treatment date itself: the PDF's creation date and its file name.
    pub treatment_day: Option<time::Date>,
    /// The line at the top of every page: the patient's name and birth date.
    pub header: String,
}

impl FormDocument {
    /// The document of a form and the check's missing fields (empty for a complete form).
    pub fn new(form: &PatientMonitoringForm, missing: &[MissingField]) -> Self {
        let mut sections: Vec<Section> = Vec::new();
        for view in form.fields() {
            let row = row(&view, missing);
            match sections.last_mut() {
                Some(section) if section.title == view.section => section.rows.push(row),
                _ => sections.push(Section { title: view.section.to_owned(), rows: vec![row] }),
            }
        }
        let on_a_row = |m: &&MissingField| sections.iter().flat_map(|s| &s.rows).any(|r| r.path == m.path);
        let other_problems = missing.iter().filter(|m| !on_a_row(m)).map(ToString::to_string).collect();
        Self {
            sections,
            other_problems,
            complete: missing.is_empty(),
            treatment_date: form.session.treatment_date.map(us_date),
            treatment_day: form.session.treatment_date,
            header: patient_header(&patient_name(form), form.patient.birthdate),
        }
    }

    /// The document of a checked form: nothing is missing.
    pub fn complete(form: &CompleteForm) -> Self {
        Self::new(form.form(), &[])
    }

    /// The document of a draft's report, with the fields that still stop it from being submitted.
    pub fn report(report: &FormReport) -> Self {
        Self::new(&report.form, &report.missing)
    }

    /// Every row, in the form's order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.sections.iter().flat_map(|s| &s.rows)
    }

    /// How many problems stop the form from being submitted.
    pub fn problem_count(&self) -> usize {
        self.rows().filter(|r| r.problem.is_some()).count() + self.other_problems.len()
    }
}

fn row(view: &FieldView, missing: &[MissingField]) -> Row {
    let problems: Vec<&str> = missing.iter().filter(|m| m.path == view.path).map(|m| m.message.as_str()).collect();
    Row {
        path: view.path.clone(),
        label: view.label.clone(),
        value: display(&view.value),
        required: view.required,
        problem: if problems.is_empty() { None } else { Some(problems.join("; ")) },
    }
}

/// The patient's name as the form holds it (first name, middle initial, last name).
fn patient_name(form: &PatientMonitoringForm) -> String {
    let p = &form.patient;
    let parts: Vec<&str> = [&p.first_name, &p.middle_initial, &p.last_name]
        .into_iter()
        .filter_map(|part| part.as_deref().map(str::trim).filter(|s| !s.is_empty()))
        .collect();
    if parts.is_empty() { "name not recorded".to_owned() } else { parts.join(" ") }
}

/// A form value as the paper form holds it: yes/no, dates as MM/DD/YYYY, doses in mg, blood pressure as
/// systolic/diastolic mmHg, lists comma-separated.
pub fn display(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => iso_to_us(s).unwrap_or_else(|| s.clone()),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            if let (Some(sys), Some(dia)) = (map.get("systolic"), map.get("diastolic")) {
                return format!("{}/{} mmHg", display(sys), display(dia));
            }
            match (map.get("kind").and_then(Value::as_str), map.get("mg")) {
                (Some("mg56"), _) => "56 mg".to_owned(),
                (Some("mg84"), _) => "84 mg".to_owned(),
                (Some("other"), Some(mg)) => format!("Other: {} mg", display(mg)),
                _ => map.iter().map(|(k, v)| format!("{k}: {}", display(v))).collect::<Vec<_>>().join(", "),
            }
        }
    }
}

/// `YYYY-MM-DD` as `MM/DD/YYYY`; other strings are not dates.
fn iso_to_us(s: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, format).ok().map(us_date)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A complete form and an incomplete one, as the tests of the page and the PDF use them.
    #![allow(clippy::unwrap_used)]

    use ketapath_clinical::rems::{FormDraft, FormReport, report};
    use serde_json::json;

    /// The report of a draft with every field filled in.
    pub fn complete() -> FormReport {
        let draft: FormDraft = serde_json::from_value(json!({
            "form": {
                "patient": {"first_name": "Ana", "middle_initial": "Q", "last_name": "Ríos-Łukasz",
                            "birthdate": "1980-02-29", "sex": "Female", "first_treatment": true, "enrolled": true},
                "concomitant_medications": {"benzodiazepines": false, "non_benzodiazepine_sedative_hypnotics": false,
                    "psychostimulants": true, "maois": false, "respiratory_depressants": false},
                "hcp": {"first_name": "Sam", "last_name": "O'Neil (RN)", "phone": "614-555-0100",
                        "email": "sam@clinic.example"},
                "setting": {"name": "Calm & Co. \\ Clinic", "address": {"line1": "1 Main St", "line2": "Suite 2",
                    "city": "Columbus", "state": "OH", "zip": "43215"}},
                "session": {"treatment_date": "2026-11-20", "dose": {"kind": "mg84"},
                            "lot_numbers": ["AB12-3", "CD45/6"]},
                "treatment_duration_minutes": 125,
                "ready_to_leave_minutes": 95,
                "vital_signs": {"in_range_prior_to_administration": true, "in_range_prior_to_completion": true},
                "blood_pressure": {"prior_to_administration": {"systolic": 128, "diastolic": 82},
                                   "post_40_min": {"systolic": 141, "diastolic": 90},
                                   "prior_to_completion": {"systolic": 124, "diastolic": 80}},
                "adverse_effects": [
                    {"code": "sedation", "text": "Did the patient experience sedation during the session?",
                     "confidence": "confirmed", "answer": true},
                    {"code": "dissociation", "text": "Did the patient experience dissociation during the session?",
                     "confidence": "secondary", "answer": false}
                ]
            },
            "setting_type": "outpatient",
            "post_40_min_window": {"from_minutes": 30, "to_minutes": 50},
            "prefill": []
        }))
        .unwrap();
        let report = report(&draft);
        assert!(report.complete, "the fixture must be complete: {:?}", report.missing);
        report
    }

    /// The complete form with the 40-minute blood pressure and the first adverse-effect answer removed.
    pub fn incomplete() -> FormReport {
        let mut draft = FormDraft {
            form: complete().form,
            setting_type: ketapath_clinical::rems::SettingType::Outpatient,
            post_40_min_window: Default::default(),
            prefill: Vec::new(),
        };
        draft.form.blood_pressure.post_40_min = None;
        draft.form.adverse_effects[0].answer = None;
        report(&draft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_clinical::rems::FIELDS;

    #[test]
    fn every_field_of_the_form_is_a_row_in_the_form_order() {
        let document = FormDocument::report(&fixtures::complete());
        let paths: Vec<&str> = document.rows().map(|r| r.path.as_str()).collect();
        let mut expected: Vec<String> = FIELDS.iter().map(|f| f.path.to_owned()).collect();
        expected.extend(["adverse_effects.sedation".to_owned(), "adverse_effects.dissociation".to_owned()]);
        assert_eq!(paths, expected);
        for (row, spec) in document.rows().zip(FIELDS) {
            assert_eq!(row.label, spec.label, "{}", spec.path);
        }
        assert!(document.complete);
        assert_eq!(document.problem_count(), 0);
    }

    #[test]
    fn values_print_as_the_paper_form_holds_them() {
        let document = FormDocument::report(&fixtures::complete());
        let value = |path: &str| document.rows().find(|r| r.path == path).map(|r| r.value.clone()).unwrap_or_default();
        assert_eq!(value("patient.birthdate"), "02/29/1980");
        assert_eq!(value("patient.first_treatment"), "Yes");
        assert_eq!(value("concomitant_medications.maois"), "No");
        assert_eq!(value("session.dose"), "84 mg");
        assert_eq!(value("session.lot_numbers"), "AB12-3, CD45/6");
        assert_eq!(value("blood_pressure.post_40_min"), "141/90 mmHg");
        assert_eq!(value("treatment_duration_minutes"), "125");
        assert_eq!(value("setting.address.line2"), "Suite 2");
        assert_eq!(document.treatment_date.as_deref(), Some("11/20/2026"));
        assert_eq!(document.header, "Patient: Ana Q Ríos-Łukasz · born 02/29/1980");
        assert_eq!(display(&serde_json::json!({"kind": "other", "mg": 28})), "Other: 28 mg");
    }

    #[test]
    fn missing_required_fields_are_flagged_on_their_rows() {
        let report = fixtures::incomplete();
        let document = FormDocument::report(&report);
        assert!(!document.complete);
        let flagged: Vec<&str> = document.rows().filter(|r| r.problem.is_some()).map(|r| r.path.as_str()).collect();
        assert_eq!(flagged, ["blood_pressure.post_40_min", "adverse_effects.sedation"]);
        assert_eq!(document.problem_count(), report.missing.len());
    }

    #[test]
    fn a_problem_without_a_row_is_kept() {
        let missing = [MissingField { path: "setting_type".into(), message: "inpatient".into() }];
        let document = FormDocument::new(&PatientMonitoringForm::default(), &missing);
        assert_eq!(document.other_problems, ["setting_type: inpatient"]);
        assert_eq!(document.problem_count(), 1);
    }
}
