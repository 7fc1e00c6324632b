//! The Patient Monitoring Form as a PDF through the one document writer (`crate::print`): US Letter pages, one row
//! per field, a `*` after every required label, a flag on every missing field, and the patient's name and birth
//! date in the header of every page.

use super::{FormDocument, SUBMIT_NOTE, TITLE};
use crate::print::{Font, Frame, LEADING, TEXT_SIZE, Writer, pdf_response as respond};

const LABEL_WIDTH: f32 = 300.0;

/// Lays the document out and writes it.
pub fn pdf(document: &FormDocument) -> Vec<u8> {
    let frame = Frame { title: TITLE.to_owned(), header: document.header.clone(), date: document.treatment_day };
    let mut pages = Writer::new(frame);
    pages.paragraph(TITLE, Font::Bold, 16.0);
    pages.gap(4.0);
    pages.paragraph(SUBMIT_NOTE, Font::Regular, 9.0);
    pages.paragraph("Fields marked * are required.", Font::Regular, 9.0);
    pages.gap(4.0);
    let status = if document.complete {
        "Every required field is complete: this form can be submitted.".to_owned()
    } else {
        format!(
            "NOT READY TO SUBMIT: {} required field(s) missing or inconsistent, marked MISSING below.",
            document.problem_count()
        )
    };
    pages.paragraph(&status, Font::Bold, 10.0);
    for problem in &document.other_problems {
        pages.paragraph(&format!("MISSING: {problem}"), Font::Bold, TEXT_SIZE);
    }
    for section in &document.sections {
        pages.room(LEADING * 4.0);
        pages.heading(&section.title);
        for row in &section.rows {
            let label = if row.required { format!("{} *", row.label) } else { row.label.clone() };
            let mut values: Vec<(Font, String)> = Vec::new();
            if !row.value.is_empty() {
                values.push((Font::Regular, row.value.clone()));
            }
            if let Some(problem) = &row.problem {
                values.push((Font::Bold, format!("MISSING: {problem}")));
            }
            pages.row(&label, LABEL_WIDTH, &values);
        }
    }
    pages.finish()
}

/// The treatment date as YYYYMMDD, for the file name.
fn iso_digits(document: &FormDocument) -> Option<String> {
    let day = document.treatment_day?;
    Some(format!("{:04}{:02}{:02}", day.year(), u8::from(day.month()), day.day()))
}

/// The PDF as an HTTP answer, under a file name made of the treatment date.
pub fn pdf_response(document: &FormDocument) -> axum::response::Response {
    let name = match iso_digits(document) {
        Some(date) => format!("rems-pmf-{date}.pdf"),
        None => "rems-pmf.pdf".to_owned(),
    };
    respond(pdf(document), &name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::rems_doc::fixtures;

    #[test]
    fn the_file_is_deterministic_and_answers_as_a_pdf() {
        let document = FormDocument::report(&fixtures::incomplete());
        let bytes = pdf(&document);
        assert_eq!(bytes, pdf(&document));
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/CreationDate (D:20261120"), "the treatment date, not the clock");
        assert!(text.contains("/FontFile2"), "the font is embedded");

        let response = pdf_response(&document);
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-type").as_deref(), Some("application/pdf"));
        assert_eq!(header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(header("content-disposition").as_deref(), Some("inline; filename=\"rems-pmf-20261120.pdf\""));
    }
}
