//! HTML error pages (404, 405, timeouts) for people, from the same [`ApiError`] table the JSON API uses.
//! They extend the shared layout, so the crisis contacts are on error pages too.

use askama::Template;
use axum::response::Response;

use super::{Layout, render};
use crate::error::{ApiError, add_retry_after};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
    /// The requested address, percent-decoded for reading; askama escapes it.
    path: Option<String>,
}

/// The page for `error` at `path`.
pub fn error_page(demo: bool, error: &ApiError, path: &str) -> Response {
    let (heading, message, show_path) = match error {
        ApiError::NotFound => ("Page not found", "There is no page at this address.".to_owned(), true),
        ApiError::MethodNotAllowed => {
            ("This action is not possible here", "The page exists, but not for this kind of request.".to_owned(), true)
        }
        ApiError::Timeout => ("This took too long", "Please try again in a moment.".to_owned(), false),
        ApiError::Internal => ("Something went wrong on our side", "Please try again later.".to_owned(), false),
        other => ("The request could not be handled", other.to_string(), false),
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned();
    let page =
        ErrorPage { layout: Layout::new(heading, demo, ""), heading, message, path: show_path.then_some(decoded) };
    let mut response = render(error.status(), &page);
    add_retry_after(error, &mut response);
    response
}
