//! The early departure of a patient from the session page: `POST /portal/sessions/{id}/early-departure`. The
//! first post (from the session page's form) answers a confirmation page naming the consequence; only the second
//! (with `confirm=yes`, from that page, with the same CSRF token) ends the session, through the same
//! `ketapath_care::treatment::session::early_departure` as the JSON API. No JavaScript is involved.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::protocols::Modality;
use time::format_description::well_known::Rfc3339;

use super::csrf::PortalForm;
use super::sessions::{PATH, after, form_instant, parse_id};
use super::{Bar, layout};
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::ClinicTime;
use ketapath_care::treatment::session::{self, EarlyDepartureInput};

#[derive(Template)]
#[template(path = "portal_early_departure.html")]
struct ConfirmPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    number: i64,
    /// The departure time (RFC 3339), sent again with the confirmation.
    at: String,
    at_shown: String,
    reason: String,
    reason_label: String,
    note: String,
    minutes_monitored: i64,
    esketamine: bool,
}

/// `POST /portal/sessions/{id}/early-departure`: the confirmation page first, then the departure itself.
pub async fn post(State(state): State<AppState>, ApiPath(raw): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{raw}");
    let (scope, id) = match super::clinic_record(&form.staff, demo, &path, parse_id(&raw)).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let now = form.staff.store().now();
    let f = &form.fields;
    let confirmed = f.get("confirm") == Some("yes");
    let result = async {
        let zone = ClinicTime::of(&scope).await?;
        let at = form_instant(&zone, "at", f.get("at"), now)?.unwrap_or(now);
        let input = EarlyDepartureInput {
            at,
            reason: f.get("reason").map(str::to_owned),
            note: f.get("note").filter(|n| !n.is_empty()).map(str::to_owned),
        };
        if confirmed {
            session::early_departure(&scope, id, input).await?;
            return Ok(None);
        }
        // The confirmation runs the same check as the departure, so it names only what would be recorded.
        let check = session::check_early_departure(&scope, id, input).await?;
        let loaded = &check.loaded;
        Ok(Some(ConfirmPage {
            layout: layout(format!("Confirm early departure: session {}", loaded.detail.session.number), demo, ""),
            bar: Bar::of(&form.staff),
            csrf: form.staff.csrf().to_owned(),
            id: id.to_string(),
            number: loaded.detail.session.number,
            // The instant shown, so the confirmation records the time the page named, not the time it is sent.
            at: check.at.format(&Rfc3339).map_err(|_| ApiError::Internal)?,
            at_shown: zone.clock(check.at),
            reason: check.reason.code().to_owned(),
            reason_label: check.reason.label().to_owned(),
            note: check.note.clone().unwrap_or_default(),
            minutes_monitored: check.minutes_monitored,
            esketamine: loaded.modality == Modality::EsketamineNasal,
        }))
    };
    match result.await {
        Ok(Some(page)) => render(StatusCode::OK, &page),
        Ok(None) => after(&state, &form, &scope, (id, "early-departure"), Ok(())).await,
        Err(error) => after(&state, &form, &scope, (id, "early-departure"), Err(error)).await,
    }
}
