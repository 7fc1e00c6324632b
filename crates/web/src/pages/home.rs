//! `GET /`: what KetaPath offers and the two ways in (find a clinic, check whether to ask about ketamine).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Layout, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

pub async fn page(State(state): State<AppState>) -> Response {
    render(StatusCode::OK, &HomePage { layout: Layout::new("Find supervised ketamine care", state.config.demo, "/") })
}
