//! Tests of the PDF against the field inventory: no field of `clinical::rems::FIELDS` is dropped, every label and
//! value is in the PDF as `pdftotext` reads it, and missing fields are flagged. (The portal page's own inventory test
//! is in `tests/http/portal_forms.rs`.)
#![allow(clippy::unwrap_used)]

use ketapath_clinical::rems::FIELDS;

use super::{FormDocument, fixtures, pdf};
use crate::print::test_text::{pdf_pages, pdf_text, squash};

#[test]
fn the_pdf_holds_every_label_and_value_of_a_complete_form() {
    let document = FormDocument::report(&fixtures::complete());
    let Some(text) = pdf_text(&pdf(&document)) else { return };
    let text = squash(&text);
    assert!(text.contains("SPRAVATO\u{ae} REMS Patient Monitoring Form"), "{text}");
    assert!(text.contains("this form can be submitted"));
    assert!(!text.contains("MISSING"));
    for spec in FIELDS {
        assert!(text.contains(&squash(spec.label)), "label of {} not in the PDF: {text}", spec.path);
    }
    for row in document.rows() {
        assert!(text.contains(&squash(&row.label)), "label {:?}", row.label);
        assert!(text.contains(&squash(&row.value)), "value of {}: {:?}", row.path, row.value);
    }
    // Escaped characters come back as typed.
    assert!(text.contains("Calm & Co. \\ Clinic"));
    assert!(text.contains("O'Neil (RN)"));
    // Names outside Latin-1 print as typed, from the embedded font.
    assert!(text.contains("Ríos-Łukasz"), "{text}");
    assert!(text.contains("page 1 of"));
}

#[test]
fn the_pdf_flags_each_missing_field_with_the_check_message() {
    let report = fixtures::incomplete();
    let Some(text) = pdf_text(&pdf(&FormDocument::report(&report))) else { return };
    let text = squash(&text);
    assert!(text.contains(&format!("NOT READY TO SUBMIT: {} required field(s)", report.missing.len())), "{text}");
    for missing in &report.missing {
        assert!(text.contains(&squash(&format!("MISSING: {}", missing.message))), "{missing}: {text}");
    }
}

#[test]
fn unicode_names_come_back_exactly_and_every_page_names_the_patient() {
    for (first, last) in [("Łukasz", "Żółć"), ("Nguyễn Thị", "Minh Khai"), ("José", "Núñez")] {
        let mut report = fixtures::incomplete();
        report.form.patient.first_name = Some(first.to_owned());
        report.form.patient.middle_initial = None;
        report.form.patient.last_name = Some(last.to_owned());
        let document = FormDocument::report(&report);
        let Some(pages) = pdf_pages(&pdf(&document)) else { return };
        let name = format!("{first} {last}");
        assert!(pages.len() > 1, "the form takes more than one page");
        for (index, page) in pages.iter().enumerate() {
            assert!(page.contains(&format!("Patient: {name} · born 02/29/1980")), "page {}: {page}", index + 1);
        }
        assert!(pages[0].contains(&format!("{first}\n")) || pages[0].contains(first), "{}", pages[0]);
        assert!(pages.concat().contains(last), "{name}");
    }
}
