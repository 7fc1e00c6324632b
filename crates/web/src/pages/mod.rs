//! Server-rendered pages. Every page extends `templates/base.html`, which carries the crisis contacts in the header,
//! the demo banner slot and the footer with sources. Pages work without JavaScript and carry no inline script or style.

pub mod about;
mod chart_words;
pub mod check;
pub mod clinic;
pub mod distance;
pub mod errors;
pub mod find;
pub mod home;
pub mod list_clinic;
pub mod registry;
pub mod self_report;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub use errors::error_page;

use crate::assets::asset;
use crate::i18n::{Lang, Tr};

/// One link of the main navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A radio button, checkbox or select option of a public form (the self-check's steps, the finder's filters).
#[derive(Debug, Clone)]
pub struct Choice {
    /// The element id, for a `<label for>`; empty where the template needs none (select options).
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The main navigation, in order: each English path with the catalogue id of its label.
pub const NAV: [(&str, &str); 4] =
    [("/", "nav-home"), ("/find", "nav-find"), ("/check", "nav-check"), ("/about", "nav-about")];

/// A link to the same page in a language (`hreflang` in the head, the language switch in the header).
#[derive(Debug, Clone)]
pub struct Alternate {
    /// The `hreflang` value: `en`, `es` or `x-default`.
    pub lang: &'static str,
    /// The language's own name, the switch's visible text.
    pub name: &'static str,
    pub href: String,
}

/// What the shared layout needs from every page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub demo: bool,
    pub css_url: String,
    pub icon_url: String,
    pub nav: Vec<NavLink>,
    /// A staff page (the portal): a compact crisis-protocol link and a staff footer instead of the public crisis
    /// strip and the footer addressed to patients.
    pub staff: bool,
    /// The page's language and its translator; staff pages are English.
    pub lang: Lang,
    pub t: Tr,
    /// The page in each language (`hreflang` links), then `x-default`.
    pub alternates: Vec<Alternate>,
    /// The language switch: the same page in the other language.
    pub switch: Alternate,
}

impl Layout {
    /// The English layout of the page at `current_path`, which is marked in the navigation.
    pub fn new(title: impl Into<String>, demo: bool, current_path: &str) -> Self {
        Self::localized(Lang::En, title, demo, current_path, current_path)
    }

    /// The layout of a public page in `lang`. `current_path` (an English path, or empty) is marked in the
    /// navigation; `page` is the English address of the page itself, with its query, which the `hreflang` links
    /// and the language switch point to in each language (the home page when empty).
    pub fn localized(lang: Lang, title: impl Into<String>, demo: bool, current_path: &str, page: &str) -> Self {
        let t = lang.tr();
        let nav = NAV
            .iter()
            .map(|(href, id)| NavLink { href: lang.href(href), label: t.m(id), current: *href == current_path })
            .collect();
        let page = if page.is_empty() { "/" } else { page };
        let alternate = |target: Lang| Alternate { lang: target.code(), name: target.name(), href: target.href(page) };
        let mut switch = alternate(lang.other());
        // The English home page redirects a Spanish-preferring browser to `/es/` unless asked for `lang=en`, so
        // the switch to English must ask for it, or a Spanish speaker choosing English would be sent back.
        if switch.lang == "en" && page == "/" {
            switch.href = "/?lang=en".to_owned();
        }
        let alternates = vec![
            alternate(Lang::En),
            alternate(Lang::Es),
            Alternate { lang: "x-default", name: Lang::En.name(), href: page.to_owned() },
        ];
        Self {
            title: title.into(),
            demo,
            css_url: asset("app.css").url(),
            icon_url: asset("icon.svg").url(),
            nav,
            staff: false,
            lang,
            t,
            alternates,
            switch,
        }
    }

    /// `path` (English) in this page's language, for links and form actions.
    pub fn href(&self, path: &str) -> String {
        self.lang.href(path)
    }
}

/// Renders a page with `status`. Rendering only fails on a formatting error inside a template; the fallback page
/// still shows the crisis contacts, so no failure can hide the way to help.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "page template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(FALLBACK_PAGE)).into_response()
        }
    }
}

/// A page with no template and no dependencies, for when rendering itself failed.
pub const FALLBACK_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>KetaPath</title></head>\
<body><main><h1>Something went wrong on our side</h1><p>In crisis? <a href=\"tel:988\">Call 988</a> or \
<a href=\"sms:988\">text 988</a>; <a href=\"sms:741741?&amp;body=HOME\">text HOME to 741741</a>; \
<a href=\"tel:911\">call 911</a> if you are in immediate danger.</p><p><a href=\"/\">KetaPath home</a></p></main></body></html>";
