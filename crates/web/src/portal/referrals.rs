//! `GET /portal/referrals` (the clinic's referral inbox) and `POST /portal/referrals/{id}/status` (move a referral
//! on: contacted, accepted, declined, closed), a CSRF-checked form.
//!
//! A referral sent from the public self-check carries its summary as a versioned JSON document
//! (`pages::check::summary`); the inbox shows it in words, with the crisis level at the top of the referral when
//! it is urgent or an emergency. Every referral is marked "contact not verified": anyone can type anyone's
//! e-mail address or answers.
//!
//! The inbox is newest first, 50 a page, filtered by `status` and `urgency` (query parameters every link and
//! form keeps). The crisis level is what the sender's own answers gave, which anyone can forge (answering "yes,
//! I am thinking of acting on these thoughts" makes an emergency), so it highlights a referral and filters the
//! inbox but never moves one up: a flood of forged emergencies cannot push real referrals off the first page.
//! Staff who want the self-reported emergencies first use the `urgency=emergency` filter the page links to.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_store::domain::{Referral, ReferralFilter, ReferralId, ReferralStatus, ReportedLevel};

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

/// Referrals on one inbox page.
pub const PAGE_SIZE: u32 = 50;

/// A referral as the inbox shows it.
#[derive(Debug, Clone)]
pub struct ReferralRow {
    pub id: String,
    pub received: String,
    pub source: &'static str,
    /// The status's code (the form's value) and its words (what the page shows).
    pub status: &'static str,
    pub status_words: &'static str,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub message: String,
    /// The self-check summary in words, when the referral carries one this version can read.
    pub summary: Option<SummaryView>,
    /// A summary is attached but is of a kind or version this server cannot show.
    pub summary_unreadable: bool,
    /// 2 for a new referral whose sender's answers gave crisis level emergency, 1 urgent, 0 otherwise: it
    /// highlights the referral, and never moves it up (the level is self-reported).
    pub urgency: u8,
    /// "Sent again on ... (3 times in all)" when the same contact sent it more than once within 24 hours.
    pub sent_again: Option<String>,
}

/// The row of one referral; its dates are the clinic's calendar dates.
pub fn row_of(zone: &ClinicTime, r: &Referral) -> ReferralRow {
    let summary = r.summary.as_ref().map(Summary::from_json);
    let urgency = match r.reported_level {
        _ if r.status != ReferralStatus::New => 0,
        ReportedLevel::Emergency => 2,
        ReportedLevel::Urgent => 1,
        ReportedLevel::Routine => 0,
    };
    ReferralRow {
        id: r.id.to_text(),
        received: ketapath_care::clinic_time::date_text(zone.date_of(r.received_at)),
        source: r.source.label(),
        status: r.status.code(),
        status_words: super::labels::referral_status(r.status),
        name: r.contact_name.clone().unwrap_or_else(|| "(no name given)".to_owned()),
        phone: r.contact_phone.clone().unwrap_or_default(),
        email: r.contact_email.clone().unwrap_or_default(),
        message: r.message.clone().unwrap_or_default(),
        summary_unreadable: matches!(summary, Some(None)),
        summary: summary.flatten().as_ref().map(SummaryView::of),
        urgency,
        sent_again: r.sent_again_at.map(|at| format!("Sent again at {}, {} times in all", zone.show(at), r.times_sent)),
    }
}

/// The inbox's query: `status` (a referral status code), `urgency` (the level the sender's answers gave:
/// `emergency`, `urgent` or `none`) and `page` (from 1). Empty values mean "any" and the first page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxQuery {
    pub filter: ReferralFilter,
    pub page: u32,
}

impl InboxQuery {
    /// Parses the query string; a wrong value is refused naming its field and the values to use.
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let mut query = InboxQuery { filter: ReferralFilter::default(), page: 1 };
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let value = value.trim();
            match key.as_ref() {
                "status" if !value.is_empty() => {
                    let status = ReferralStatus::parse(value)
                        .map_err(|message| InvalidInput::new("status", format!("the status filter: {message}")))?;
                    query.filter.status = Some(status);
                }
                "urgency" if !value.is_empty() => {
                    let level = ReportedLevel::parse(value)
                        .map_err(|message| InvalidInput::new("urgency", format!("the urgency filter: {message}")))?;
                    query.filter.level = Some(level);
                }
                "page" if !value.is_empty() => {
                    query.page = value.parse().ok().filter(|page| *page >= 1).ok_or_else(|| {
                        InvalidInput::new("page", "the page must be a whole number from 1, for example page=2")
                    })?;
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query string of this filter at `page`, as links write it (empty for the first page of everything).
    pub fn to_query(&self, page: u32) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(status) = self.filter.status {
            out.append_pair("status", status.code());
        }
        if let Some(level) = self.filter.level {
            out.append_pair("urgency", level.code());
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }

    /// The inbox's address with this filter at `page`.
    pub fn href(&self, page: u32) -> String {
        match self.to_query(page) {
            query if query.is_empty() => PATH.to_owned(),
            query => format!("{PATH}?{query}"),
        }
    }
}

#[derive(Template)]
#[template(path = "portal_referrals.html")]
struct ReferralsPage {
    layout: Layout,
    bar: Bar,
    referrals: Vec<ReferralRow>,
    statuses: &'static [ReferralStatus],
    levels: &'static [ReportedLevel],
    status_filter: &'static str,
    urgency_filter: &'static str,
    filtered: bool,
    total: u64,
    page: u32,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
    first: String,
    /// The query string the status forms send back, so that the inbox comes back with its filters and page.
    back: String,
    csrf: String,
}

/// `GET /portal/referrals?status=&urgency=&page=`: the clinic's referrals, newest first, 50 a page.
pub async fn page(State(state): State<AppState>, staff: PortalStaff, RawQuery(raw): RawQuery) -> Response {
    let demo = state.config.demo;
    let query = match InboxQuery::parse(raw.as_deref().unwrap_or_default()) {
        Ok(query) => query,
        Err(invalid) => return respond(PATH, demo, invalid.into()),
    };
    let scope = match super::clinic_scope(&staff, demo, PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let offset = u64::from(query.page - 1) * u64::from(PAGE_SIZE);
    let listed = async {
        let zone = ClinicTime::of(&scope).await?;
        Ok::<_, ApiError>((zone, scope.referral_page(query.filter, PAGE_SIZE, offset).await?))
    };
    match listed.await {
        Ok((zone, found)) => {
            let pages = u32::try_from(found.total.div_ceil(u64::from(PAGE_SIZE))).unwrap_or(u32::MAX).max(1);
            render(
                StatusCode::OK,
                &ReferralsPage {
                    layout: layout("Referrals", demo, PATH),
                    bar: Bar::of(&staff),
                    referrals: found.referrals.iter().map(|r| row_of(&zone, r)).collect(),
                    statuses: ReferralStatus::ALL,
                    levels: ReportedLevel::ALL,
                    status_filter: query.filter.status.map(ReferralStatus::code).unwrap_or_default(),
                    urgency_filter: query.filter.level.map(ReportedLevel::code).unwrap_or_default(),
                    filtered: query.filter != ReferralFilter::default(),
                    total: found.total,
                    page: query.page,
                    pages,
                    previous: (query.page > 1).then(|| query.href(query.page.min(pages + 1) - 1)),
                    next: (query.page < pages).then(|| query.href(query.page + 1)),
                    first: query.href(1),
                    back: query.to_query(query.page),
                    csrf: staff.csrf().to_owned(),
                },
            )
        }
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
        // Back to the inbox with the filters and page it was on; the query is parsed and written again, so
        // nothing but the inbox's own parameters reaches the `Location`.
        let back = InboxQuery::parse(form.fields.get("back").unwrap_or_default()).unwrap_or_default();
        Ok(if back.filter == ReferralFilter::default() && back.page <= 1 {
            PATH.to_owned()
        } else {
            back.href(back.page)
        })
    };
    match result.await {
        Ok(back) => see_other(&back),
        Err(ApiError::Forbidden(_)) => no_access(&form.staff, demo),
        Err(error) => respond(&path, demo, error),
    }
}
