//! HTML error pages (404, 405, timeouts) for people, from the same [`ApiError`] table the JSON API uses.
//! They extend the shared layout, so the crisis contacts are on error pages too: the public crisis strip and footer
//! on public pages, and under `/portal` the staff layout (the portal's navigation, the compact staff crisis-protocol
//! line and the staff footer, with the signed-in staff member's bar when the caller is known).

use askama::Template;
use axum::response::Response;

use super::{Layout, render};
use crate::error::{ApiError, add_retry_after};
use crate::i18n::Lang;
use crate::portal::Bar;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
    /// The requested address, percent-decoded for reading; askama escapes it.
    path: Option<String>,
    /// On a 5xx, the request id to quote to the clinic's support (the log line carries the same id).
    request_id: Option<String>,
    /// The signed-in staff member's bar, on a portal page whose caller is known.
    bar: Option<Bar>,
    /// Where the page sends the reader on: the portal's dashboard under `/portal`, else the home page.
    home_href: String,
    home_label: String,
}

/// Whether `path` is a page of the clinic portal, whose error pages use the staff layout.
pub fn is_portal_path(path: &str) -> bool {
    path.strip_prefix("/portal").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The page for `error` at `path`: under `/portal` the staff layout without a signed-in bar (the caller is not
/// known here), elsewhere the public layout.
pub fn error_page(demo: bool, error: &ApiError, path: &str) -> Response {
    page_for(demo, error, path, None)
}

/// The page for `error` at a portal `path` for a signed-in staff member: the staff layout with their bar.
pub fn staff_error_page(demo: bool, error: &ApiError, path: &str, bar: Bar) -> Response {
    page_for(demo, error, path, Some(bar))
}

fn page_for(demo: bool, error: &ApiError, path: &str, bar: Option<Bar>) -> Response {
    let portal = is_portal_path(path);
    // Staff pages are English; a public page's error speaks the language of the address asked for.
    let t = if portal { Lang::En.tr() } else { Lang::of_path(path).tr() };
    let (heading, message, show_path) = match error {
        ApiError::NotFound => (t.m("error-not-found"), t.m("error-not-found-text"), true),
        ApiError::MethodNotAllowed => (t.m("error-method"), t.m("error-method-text"), true),
        ApiError::Timeout => (t.m("error-timeout"), t.m("error-timeout-text"), false),
        ApiError::Internal => (t.m("error-internal"), t.m("error-internal-text"), false),
        other => (t.m("error-other"), other.to_string(), false),
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned();
    let (layout, home_href, home_label) = if portal {
        (
            crate::portal::layout(heading.clone(), demo, ""),
            "/portal".to_owned(),
            "Go to the portal dashboard".to_owned(),
        )
    } else {
        let lang = t.lang();
        let layout = Layout::localized(lang, heading.clone(), demo, "", "/");
        (layout, lang.href("/"), t.m("error-home"))
    };
    let page = ErrorPage {
        layout,
        heading,
        message,
        path: show_path.then_some(decoded),
        request_id: error.request_id(),
        bar: bar.filter(|_| portal),
        home_href,
        home_label,
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
            ApiError::DatabaseUnavailable("x"),
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
            assert_eq!(
                retry.is_some(),
                matches!(
                    error,
                    ApiError::RateLimited { .. } | ApiError::NotReady(_) | ApiError::DatabaseUnavailable(_)
                )
            );
        }
    }

    /// Under `/portal` every error page has the staff layout: the compact crisis-protocol line and the staff footer,
    /// never the public crisis strip or the footer addressed to patients; a public path keeps the public layout.
    #[tokio::test]
    async fn portal_error_pages_use_the_staff_layout() {
        for error in [ApiError::NotFound, ApiError::Forbidden("no".into()), ApiError::Internal] {
            for (path, staff) in [("/portal/nowhere", true), ("/portal", true), ("/portals", false), ("/x", false)] {
                let response = error_page(false, &error, path);
                let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
                let html = String::from_utf8(body.to_vec()).unwrap();
                assert_eq!(html.contains("id=\"staff-crisis\""), staff, "{path} {error:?}");
                assert_eq!(html.contains("id=\"crisis-line\""), !staff, "{path} {error:?}");
                assert_eq!(html.contains("KetaPath clinic portal"), staff, "{path} {error:?}");
                assert_eq!(html.contains("href=\"/portal/crisis-protocol\""), staff, "{path} {error:?}");
            }
        }
    }

    #[test]
    fn the_fallback_page_keeps_the_crisis_contacts() {
        for contact in ["tel:988", "sms:988", "sms:741741", "tel:911"] {
            assert!(super::super::FALLBACK_PAGE.contains(contact));
        }
    }
}
