//! `GET /about`: a plain-language explanation of TRD, ketamine and esketamine, supervision, long-term evidence and
//! who they may not suit, citing the clinical reference's sections. The text lives in the catalogue (`about-*` in
//! `locales/*/about.ftl`), one message per heading, paragraph or list item, laid out by `templates/about.html`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Layout, render};
use crate::i18n::Lang;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    layout: Layout,
}

pub async fn page(State(state): State<AppState>, lang: Lang) -> Response {
    let layout = Layout::localized(lang, lang.tr().m("nav-about"), state.config.demo, "/about", "/about");
    render(StatusCode::OK, &AboutPage { layout })
}
