//! The early departure of a patient from the session page: `POST /portal/sessions/{id}/early-departure`. The
//! first post (from the session page's form) answers a confirmation page naming the consequence; only the second
//! (with `confirm=yes`, from that page, with the same CSRF token) ends the session, through the same
//! `crate::treatment::session::early_departure` as the JSON API. No JavaScript is involved.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::rems::EarlyDepartureReason;
use ketapath_store::domain::Role;

use super::csrf::PortalForm;
use super::sessions::{PATH, after, form_instant, parse_id};
use super::{Bar, layout};
use crate::clinic_time::ClinicTime;
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use crate::treatment::session::{self, EarlyDepartureInput};

#[derive(Template)]
#[template(path = "portal_early_departure.html")]
struct ConfirmPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    number: i64,
    /// The departure time as typed (blank for now), sent again with the confirmation.
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
    let scope = match super::clinic_scope(&form.staff, demo, &path).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let Ok(id) = parse_id(&raw) else { return respond(&path, demo, ApiError::NotFound) };
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
        // The confirmation names what will happen, so it checks what the departure would refuse first.
        if !matches!(scope.role(), Role::Nurse | Role::Prescriber) {
            return Err(ApiError::Forbidden(format!("the {} role may not record an early departure", scope.role())));
        }
        let reason = EarlyDepartureReason::parse(input.reason.as_deref().unwrap_or_default())
            .map_err(|m| InvalidInput::new("reason", m))?;
        let loaded = session::load(&scope, id).await?;
        let Some(first) = loaded.first_dose_at else {
            return Err(ApiError::Conflict {
                code: "no_dose",
                message: "no dose is recorded for this session: before the dose the session is simply stopped, not \
                          ended early"
                    .to_owned(),
            });
        };
        if at < first {
            return Err(InvalidInput::new("at", "must not be before the first dose of the session").into());
        }
        Ok(Some(ConfirmPage {
            layout: layout(format!("Confirm early departure: session {}", loaded.detail.session.number), demo, ""),
            bar: Bar::of(&form.staff),
            csrf: form.staff.csrf().to_owned(),
            id: id.to_string(),
            number: loaded.detail.session.number,
            at: f.get("at").unwrap_or_default().to_owned(),
            at_shown: zone.clock(at),
            reason: reason.code().to_owned(),
            reason_label: reason.label().to_owned(),
            note: input.note.unwrap_or_default(),
            minutes_monitored: (at - first).whole_minutes(),
            esketamine: loaded.modality == ketapath_clinical::protocols::Modality::EsketamineNasal,
        }))
    };
    match result.await {
        Ok(Some(page)) => render(StatusCode::OK, &page),
        Ok(None) => after(&state, &form, &scope, id, Ok(())).await,
        Err(error) => after(&state, &form, &scope, id, Err(error)).await,
    }
}
