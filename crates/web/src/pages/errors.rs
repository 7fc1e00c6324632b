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
    /// On a 5xx, the request id to quote to the clinic's support (the log line carries the same id).
    request_id: Option<String>,
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
    let page = ErrorPage {
        layout: Layout::new(heading, demo, ""),
        heading,
        message,
        path: show_path.then_some(decoded),
        request_id: error.request_id(),
    };
    let mut response = render(error.status(), &page);
    add_retry_after(error, &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_clinical::InvalidInput;

    /// Every error a person can meet renders as a page with its status and the crisis contacts.
    #[tokio::test]
    async fn every_error_page_keeps_the_crisis_contacts() {
        let errors = [
            ApiError::InvalidInput(InvalidInput::new("phq9[0]", "must be 0-3")),
            ApiError::MalformedJson("x".into()),
            ApiError::UnsupportedMediaType,
            ApiError::NotAcceptable,
            ApiError::PayloadTooLarge { limit_bytes: 10 },
            ApiError::BadRequest("x".into()),
            ApiError::UnknownInstrument("x".into()),
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::RateLimited { retry_after_secs: 7 },
            ApiError::Timeout,
            ApiError::NotReady("x".into()),
            ApiError::Internal,
        ];
        for error in errors {
            let response = error_page(false, &error, "/x");
            assert_eq!(response.status(), error.status());
            let retry = response.headers().get("retry-after").cloned();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let html = String::from_utf8(body.to_vec()).unwrap();
            for contact in ["tel:988", "sms:988", "sms:741741", "tel:911"] {
                assert!(html.contains(contact), "{error:?} page lacks {contact}");
            }
            assert_eq!(retry.is_some(), matches!(error, ApiError::RateLimited { .. } | ApiError::NotReady(_)));
        }
    }

    #[test]
    fn the_fallback_page_keeps_the_crisis_contacts() {
        for contact in ["tel:988", "sms:988", "sms:741741", "tel:911"] {
            assert!(super::super::FALLBACK_PAGE.contains(contact));
        }
    }
}
