//! `GET /about`: a plain-language explanation of TRD, ketamine and esketamine, supervision, long-term evidence and
//! who they may not suit, citing `reference/clinical.md` sections. The text lives in `templates/about.html`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Layout, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    layout: Layout,
}

pub async fn page(State(state): State<AppState>) -> Response {
    render(StatusCode::OK, &AboutPage { layout: Layout::new("About ketamine care", state.config.demo, "/about") })
}
