//! `POST /portal/patients/{id}/self-report-links`: creates a PHQ-9 self-report link through the API's own code
//! (`crate::api::self_report::create_for_portal`) and shows its one-time URL on a page of its own, once: only the
//! token's hash is stored, so the URL cannot be shown again. The patient page lists the links with their status.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;

use super::csrf::PortalForm;
use super::patients::PATH;
use super::{Bar, layout};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal_link_created.html")]
struct CreatedPage {
    layout: Layout,
    bar: Bar,
    url: String,
    expires_at: String,
    patient_href: String,
}

/// `POST /portal/patients/{id}/self-report-links` with `expires_in_hours` (blank for the default).
pub async fn create(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let created = super::in_clinic_patient(&form.staff, demo, &path, &id, async |scope, patient| {
        let hours = match form.fields.get("expires_in_hours").filter(|h| !h.is_empty()) {
            None => None,
            Some(h) => {
                Some(h.parse::<i64>().map_err(|_| InvalidInput::new("expires_in_hours", "must be a whole number"))?)
            }
        };
        let zone = ketapath_care::clinic_time::ClinicTime::of(scope).await?;
        let (link, url) =
            crate::api::self_report::create_for_portal(scope, patient, hours, form.staff.store().now()).await?;
        Ok((zone, link, url))
    });
    match created.await {
        Ok((zone, link, url)) => render(
            StatusCode::CREATED,
            &CreatedPage {
                layout: layout("Self-report link", demo, PATH),
                bar: Bar::of(&form.staff),
                url,
                expires_at: zone.show(link.expires_at),
                patient_href: path,
            },
        ),
        Err(refused) => refused,
    }
}
