//! `GET /portal`: the clinic's dashboard: new referrals and the patient count, with marked places for the parts
//! still to come (today's sessions, alerts, overdue REMS forms). Roles without patient access get the
//! "no patient access" page instead.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_store::domain::ReferralStatus;

use super::referrals::{ReferralRow, row_of};
use super::session::PortalStaff;
use super::{Bar, layout, no_access};
use crate::error::respond;
use crate::pages::{Layout, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    bar: Bar,
    clinic: String,
    patients: usize,
    new_referrals: Vec<ReferralRow>,
}

/// `GET /portal`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    let scope = match staff.scope().await {
        Ok(Some(scope)) => scope,
        Ok(None) => return no_access(&staff, demo),
        Err(error) => return respond("/portal", demo, error),
    };
    let data = async {
        let referrals = scope.referrals().await?;
        let patients = scope.patient_list().await?.len();
        let clinic = scope.clinic_listing().await.map(|c| c.name).unwrap_or_else(|_| scope.clinic_id().to_string());
        Ok::<_, ketapath_store::StoreError>((referrals, patients, clinic))
    };
    match data.await {
        Ok((referrals, patients, clinic)) => render(
            StatusCode::OK,
            &DashboardPage {
                layout: layout("Dashboard", demo, "/portal"),
                bar: Bar::of(&staff),
                clinic,
                patients,
                new_referrals: referrals.iter().filter(|r| r.status == ReferralStatus::New).map(row_of).collect(),
            },
        ),
        Err(error) => respond("/portal", demo, error.into()),
    }
}
