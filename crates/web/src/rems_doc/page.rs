//! The Patient Monitoring Form as a printable HTML page: the same sections and rows as the PDF, a `*` after every
//! required label, and every field that stops the form from being submitted flagged with the check's message.
//! The print stylesheet (`static/app.css`, `@media print`) drops the navigation and keeps the form on paper.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::{FormDocument, SUBMIT_NOTE, Section, TITLE};
use crate::pages::check::no_store;
use crate::pages::{self, Layout};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "rems_form.html")]
struct RemsFormPage<'a> {
    layout: Layout,
    heading: &'static str,
    submit_note: &'static str,
    complete: bool,
    problem_count: usize,
    other_problems: &'a [String],
    sections: &'a [Section],
    pdf_href: Option<&'a str>,
}

/// The printable page of a form, `no-store` because it carries patient data. `pdf_href` links the PDF of the same
/// form when the route serves one.
pub fn page(state: &AppState, document: &FormDocument, pdf_href: Option<&str>) -> Response {
    no_store(pages::render(StatusCode::OK, &template(state, document, pdf_href)))
}

/// The page's HTML, for tests and for a handler that wraps it itself.
pub fn html(state: &AppState, document: &FormDocument, pdf_href: Option<&str>) -> Result<String, askama::Error> {
    template(state, document, pdf_href).render()
}

fn template<'a>(state: &AppState, document: &'a FormDocument, pdf_href: Option<&'a str>) -> RemsFormPage<'a> {
    let title = if document.complete { TITLE.to_owned() } else { format!("{TITLE} (not ready to submit)") };
    RemsFormPage {
        layout: Layout::new(title, state.config.demo, ""),
        heading: TITLE,
        submit_note: SUBMIT_NOTE,
        complete: document.complete,
        problem_count: document.problem_count(),
        other_problems: &document.other_problems,
        sections: &document.sections,
        pdf_href,
    }
}
