//! Tests of the PDF against the field inventory: no field of `clinical::rems::FIELDS` is dropped, every label and
//! value is in the PDF as `pdftotext` reads it, and missing fields are flagged. (The portal page's own inventory test
//! is in `tests/http/portal_forms.rs`.)
#![allow(clippy::unwrap_used)]

use std::process::Command;

use ketapath_clinical::rems::FIELDS;

use super::pdf::winansi_lossy;
use super::{FormDocument, fixtures, pdf};

/// Text with every run of whitespace made one space, so that wrapped lines compare like unwrapped ones.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF as poppler's `pdftotext -raw` reads it (content-stream order), or `None` when the tool is
/// missing on a developer machine. Under `CI=true` a missing tool fails the test.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, bytes).unwrap();
    match Command::new("pdftotext").arg("-raw").arg("-enc").arg("UTF-8").arg(&path).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
            assert!(out.stderr.is_empty(), "pdftotext complained: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(error) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "pdftotext (poppler-utils) is required in CI: {error}"
            );
            eprintln!("SKIPPED: pdftotext is not installed ({error})");
            None
        }
    }
}

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
        assert!(text.contains(&squash(&winansi_lossy(&row.value))), "value of {}: {:?}", row.path, row.value);
    }
    // Escaped characters come back as typed.
    assert!(text.contains("Calm & Co. \\ Clinic"));
    assert!(text.contains("O'Neil (RN)"));
    assert!(text.contains("R\u{ed}os-?ukasz"));
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
