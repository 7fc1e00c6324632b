//! `GET /portal/referrals` (the clinic's referral inbox) and `POST /portal/referrals/{id}/status` (move a referral
//! on: contacted, accepted, declined, closed), a CSRF-checked form.
//!
//! A referral sent from the public self-check carries its summary as a versioned JSON document
//! (`pages::check::summary`); the inbox shows it in words, with the crisis level at the top of the referral when
//! it is urgent or an emergency, and new referrals at those levels come first, emergencies before urgent ones.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_store::domain::{Referral, ReferralId, ReferralStatus};

use super::csrf::PortalForm;
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout, no_access};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::check::summary::{Summary, SummaryView};
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::ClinicTime;

pub const PATH: &str = "/portal/referrals";

/// A referral as the inbox shows it.
#[derive(Debug, Clone)]
pub struct ReferralRow {
    pub id: String,
    pub received: String,
    pub source: &'static str,
    pub status: &'static str,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub message: String,
    /// The self-check summary in words, when the referral carries one this version can read.
    pub summary: Option<SummaryView>,
    /// A summary is attached but is of a kind or version this server cannot show.
    pub summary_unreadable: bool,
    /// 2 for a new referral at crisis level emergency, 1 urgent, 0 otherwise: the inbox's sort key.
    pub urgency: u8,
}

/// The row of one referral; its date is the clinic's calendar date of its arrival.
pub fn row_of(zone: &ClinicTime, r: &Referral) -> ReferralRow {
    let summary = r.summary.as_ref().map(Summary::from_json);
    let urgency = match &summary {
        Some(Some(s)) if r.status == ReferralStatus::New => s.urgency(),
        _ => 0,
    };
    ReferralRow {
        id: r.id.to_text(),
        received: ketapath_care::clinic_time::date_text(zone.date_of(r.received_at)),
        source: r.source.label(),
        status: r.status.code(),
        name: r.contact_name.clone().unwrap_or_else(|| "(no name given)".to_owned()),
        phone: r.contact_phone.clone().unwrap_or_default(),
        email: r.contact_email.clone().unwrap_or_default(),
        message: r.message.clone().unwrap_or_default(),
        summary_unreadable: matches!(summary, Some(None)),
        summary: summary.flatten().as_ref().map(SummaryView::of),
        urgency,
    }
}

/// The inbox's order: new emergency referrals first, then new urgent ones, then the rest newest first (the
/// store's order, kept by the stable sort).
pub fn inbox_order(mut rows: Vec<ReferralRow>) -> Vec<ReferralRow> {
    rows.sort_by_key(|r| std::cmp::Reverse(r.urgency));
    rows
}

#[derive(Template)]
#[template(path = "portal_referrals.html")]
struct ReferralsPage {
    layout: Layout,
    bar: Bar,
    referrals: Vec<ReferralRow>,
    statuses: &'static [ReferralStatus],
    csrf: String,
}

/// `GET /portal/referrals`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    let scope = match super::clinic_scope(&staff, demo, PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let listed = async {
        let zone = ClinicTime::of(&scope).await?;
        Ok::<_, ApiError>((zone, scope.referrals().await?))
    };
    match listed.await {
        Ok((zone, referrals)) => render(
            StatusCode::OK,
            &ReferralsPage {
                layout: layout("Referrals", demo, PATH),
                bar: Bar::of(&staff),
                referrals: inbox_order(referrals.iter().map(|r| row_of(&zone, r)).collect()),
                statuses: ReferralStatus::ALL,
                csrf: staff.csrf().to_owned(),
            },
        ),
        Err(error) => respond(PATH, demo, error),
    }
}

/// `POST /portal/referrals/{id}/status`: field `status`, one of the referral status codes.
pub async fn set_status(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/status");
    let result = async {
        let Some(scope) = form.staff.scope().await? else {
            return Err(ApiError::Forbidden("your role has no access to referrals".to_owned()));
        };
        let id = ReferralId::parse("id", &id).map_err(|_| ApiError::NotFound)?;
        let status = ReferralStatus::parse(form.fields.get("status").unwrap_or_default())
            .map_err(|message| ApiError::InvalidInput(InvalidInput::new("status", message)))?;
        scope.set_referral_status(id, status, None).await?;
        Ok(())
    };
    match result.await {
        Ok(()) => see_other(PATH),
        Err(ApiError::Forbidden(_)) => no_access(&form.staff, demo),
        Err(error) => respond(&path, demo, error),
    }
}
