//! `GET /` and `GET /es/`: what KetaPath offers and the two ways in (find a clinic, check whether to ask about
//! ketamine). A browser that prefers Spanish is sent from `/` to `/es/`, unless it asked for `?lang=en`.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Layout, render};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

pub async fn page(
    State(state): State<AppState>,
    lang: Lang,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut response = if lang == Lang::En && !asks_for_english(query.as_deref()) && prefers_spanish(&headers) {
        // 303 so that the redirect is never cached as the English page's permanent address; no cookie is set, so
        // the next visit decides again from the header.
        Redirect::to(&Lang::Es.href("/")).into_response()
    } else {
        let t = lang.tr();
        render(
            StatusCode::OK,
            &HomePage { layout: Layout::localized(lang, t.m("home-title"), state.config.demo, "/", "/") },
        )
    };
    // The English home page's answer depends on `Accept-Language`, so a cache must key it on the header.
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// Whether the query asks for English (`lang=en`), which the language switch on the Spanish pages sends.
fn asks_for_english(query: Option<&str>) -> bool {
    query.is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(key, value)| key == "lang" && value == "en"))
}

fn prefers_spanish(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Lang::preferred_by)
        .is_some_and(|lang| lang == Lang::Es)
}
