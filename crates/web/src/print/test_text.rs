//! Reading a PDF back as text in tests, with poppler's `pdftotext` (the same tool a person would use to check
//! what a printed document says).
#![allow(clippy::unwrap_used)]

use std::process::Command;

/// Text with every run of whitespace made one space, so that wrapped lines compare like unwrapped ones.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF as `pdftotext -raw` reads it (content-stream order), or `None` when the tool is missing on a
/// developer machine. Under `CI=true` a missing tool fails the test.
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
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

/// The text of each page (`pdftotext` ends every page with a form feed).
pub fn pdf_pages(bytes: &[u8]) -> Option<Vec<String>> {
    let text = pdf_text(bytes)?;
    Some(text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect())
}
