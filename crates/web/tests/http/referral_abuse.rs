//! Referral abuse (issue 16, item 4), over HTTP on SQLite and PostgreSQL: a clinic's daily cap on public referrals
//! (over it the sender sees the clinic's phone number and nothing is stored), repeats from one contact within 24
//! hours merged into one inbox entry, and the inbox paged 50 at a time with status and urgency filters whose links
//! keep the filters.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_directory::ClinicId;
use ketapath_store::domain::{AuditEvent, NewReferral, Origin, ReferralSource, ReferralStatus, Role};

use crate::portal_support::*;
use crate::referral::{CONTACT, Walk, form_fields, nurse_actor, referrals_of, to_result};
use crate::support::*;

/// Walks the self-check to `clinic-a` and confirms with `contact`; the confirmation's reply.
async fn send_summary(p: &Portal, contact: &[(&str, &str)]) -> Reply {
    let mut w = Walk::new(p);
    let result = to_result(&mut w, "/check?to=clinic-a", "0", None).await;
    let send = w.submit(&result, "/check/send", &[]).await.text();
    w.submit(&send, "/check/send/confirm", contact).await
}

fn contact(n: usize) -> Vec<(&'static str, String)> {
    vec![("name", format!("Sender {n}")), ("email", format!("sender{n}@example.org")), ("consent", "yes".to_owned())]
}

async fn send_as(p: &Portal, n: usize) -> Reply {
    let typed = contact(n);
    let borrowed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    send_summary(p, &borrowed).await
}

fn referral_creations(events: &[AuditEvent], action: &str) -> usize {
    events.iter().filter(|e| e.entity == "referral" && e.action == action).count()
}

async fn events(p: &Portal) -> Vec<AuditEvent> {
    p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap()
}

async fn over_the_cap_the_sender_gets_the_clinic_phone_and_nothing_is_stored(p: Portal) {
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let mut admin = p.browser();
    admin.sign_in("admin@a.example", PASSWORD, "").await;
    let settings = admin.get("/portal/clinic/settings").await.text();
    assert!(
        settings.contains("at most <strong>20</strong>") && settings.contains("(the platform default)"),
        "{settings}"
    );
    // A wrong cap is named; a nurse may not change it; the admin sets 2.
    let csrf = admin.csrf().await;
    let wrong = admin.post("/portal/clinic/referral-cap", &[("csrf", &csrf), ("referral_daily_cap", "0")]).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text());
    assert!(wrong.text().contains("referral_daily_cap"), "{}", wrong.text());
    let many = admin.post("/portal/clinic/referral-cap", &[("csrf", &csrf), ("referral_daily_cap", "lots")]).await;
    assert_eq!(many.status, StatusCode::BAD_REQUEST);
    let mut other = p.browser();
    other.sign_in("nurse@a.example", PASSWORD, "").await;
    let nurse_csrf = other.csrf().await;
    let refused =
        other.post("/portal/clinic/referral-cap", &[("csrf", &nurse_csrf), ("referral_daily_cap", "500")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let set = admin.post("/portal/clinic/referral-cap", &[("csrf", &csrf), ("referral_daily_cap", "2")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text());
    assert!(admin.get("/portal/clinic/settings").await.text().contains("at most <strong>2</strong>"));

    for n in 0..2 {
        assert_eq!(send_as(&p, n).await.status, StatusCode::OK);
    }
    let full = send_as(&p, 2).await;
    assert_eq!(full.status, StatusCode::TOO_MANY_REQUESTS, "{}", full.text());
    assert_eq!(full.header("cache-control"), Some("no-store"));
    let html = full.text();
    assert!(html.contains("cannot take more summaries through KetaPath today") && html.contains("not sent"), "{html}");
    assert!(html.contains("href=\"tel:5550100\"") && html.contains("555-0100"), "the clinic's phone: {html}");
    assert!(html.contains("href=\"tel:988\""), "the crisis line as on every check page: {html}");
    let actor = nurse_actor(nurse, "clinic-a");
    assert_eq!(referrals_of(&p, &actor).await.len(), 2, "nothing stored over the cap");
    assert_eq!(referral_creations(&events(&p).await, "create"), 2);

    // The cap is over 24 hours: a day later the clinic receives again.
    p.clock.advance(time::Duration::hours(24) + time::Duration::minutes(1));
    assert_eq!(send_as(&p, 3).await.status, StatusCode::OK);
    assert_eq!(referrals_of(&p, &actor).await.len(), 3);
    p.verified().await;
}

async fn a_repeat_from_one_contact_within_a_day_is_merged(p: Portal) {
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let first = send_summary(&p, &CONTACT).await;
    assert_eq!(first.status, StatusCode::OK);
    // The same person writes the same address and number another way: one inbox entry, marked.
    p.clock.advance(time::Duration::hours(3));
    let again = [("name", "R. Sender"), ("phone", "555.010.0123"), ("email", "ROBIN@example.org"), ("consent", "yes")];
    let second = send_summary(&p, &again).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(main_of(&second.text()), main_of(&first.text()), "the sender cannot tell a merge from a new entry");
    // Only the phone number matching is a repeat too.
    p.clock.advance(time::Duration::hours(1));
    let by_phone = [("phone", "+1 555 010 0123"), ("consent", "yes")];
    assert_eq!(send_summary(&p, &by_phone).await.status, StatusCode::OK);

    let actor = nurse_actor(nurse, "clinic-a");
    let referrals = referrals_of(&p, &actor).await;
    assert_eq!(referrals.len(), 1, "{referrals:?}");
    assert_eq!(referrals[0].times_sent, 3);
    assert_eq!(referrals[0].contact_name.as_deref(), Some("Robin Sender"), "a repeat does not overwrite the first");
    assert!(referrals[0].sent_again_at.is_some());
    let events = events(&p).await;
    assert_eq!((referral_creations(&events, "create"), referral_creations(&events, "update")), (1, 2), "audited");

    let mut staff = p.browser();
    staff.sign_in("nurse@a.example", PASSWORD, "").await;
    let inbox = staff.get("/portal/referrals").await.text();
    assert!(inbox.contains("Sent again at") && inbox.contains("3 times in all"), "{inbox}");
    assert!(inbox.contains("Contact not verified"), "{inbox}");

    // Another contact is another referral; after 24 hours the same contact is a new one too.
    assert_eq!(send_as(&p, 7).await.status, StatusCode::OK);
    p.clock.advance(time::Duration::hours(21));
    assert_eq!(send_summary(&p, &CONTACT).await.status, StatusCode::OK);
    assert_eq!(referrals_of(&p, &actor).await.len(), 3);
    p.verified().await;
}

/// The referral ids on an inbox page, in order.
fn listed(html: &str) -> Vec<String> {
    html.split("<article class=\"referral")
        .skip(1)
        .map(|a| {
            let start = a.find("id=\"referral-").unwrap() + "id=\"referral-".len();
            a[start..start + a[start..].find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn the_inbox_is_paged_and_filtered(p: Portal) {
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let actor = nurse_actor(nurse, "clinic-a");
    let clinic = ClinicId::parse("clinic-a").unwrap();
    for n in 0..120 {
        p.clock.advance(time::Duration::seconds(1));
        let new = NewReferral {
            source: ReferralSource::Clinician,
            contact_name: Some(format!("Person {n:03}")),
            contact_phone: None,
            contact_email: Some(format!("person{n}@example.org")),
            message: None,
            summary: None,
        };
        p.store.submit_referral(&clinic, new, &Origin::test()).await.unwrap();
    }
    let all = referrals_of(&p, &actor).await;
    let scope = p.store.for_clinic(&actor).await.unwrap();
    // Every third referral contacted, so that a filter spans pages.
    for r in all.iter().step_by(3) {
        scope.set_referral_status(r.id, ReferralStatus::Contacted, None).await.unwrap();
    }
    let mut staff = p.browser();
    staff.sign_in("nurse@a.example", PASSWORD, "").await;

    let mut seen = Vec::new();
    let mut href = "/portal/referrals".to_owned();
    for (page, size) in [(1, 50), (2, 50), (3, 20)] {
        let reply = staff.get(&href).await;
        assert_eq!(reply.status, StatusCode::OK, "{href}");
        let html = reply.text();
        assert_eq!(listed(&html).len(), size, "page {page}");
        assert!(html.contains(&format!("page {page} of 3")), "{html}");
        seen.extend(listed(&html));
        match page {
            3 => assert!(!html.contains("rel=\"next\"")),
            _ => href = unescape(html[..html.find("\" rel=\"next\"").unwrap()].rsplit("href=\"").next().unwrap()),
        }
    }
    let newest_first: Vec<String> = all.iter().map(|r| r.id.to_text()).collect();
    assert_eq!(seen, newest_first, "three pages, newest first, none twice");

    // The status filter, across pages, with links that keep it.
    let contacted = staff.get("/portal/referrals?status=contacted").await.text();
    assert!(contacted.contains("40 referrals match these filters; page 1 of 1"), "{contacted}");
    assert!(contacted.contains("<option value=\"contacted\" selected>"), "{contacted}");
    assert!(!contacted.contains("rel=\"next\""));
    let fresh = staff.get("/portal/referrals?status=new&page=2").await.text();
    assert_eq!(listed(&fresh).len(), 30, "80 new: 50 then 30");
    assert!(fresh.contains("href=\"/portal/referrals?status=new\" rel=\"prev\""), "the link keeps the filter: {fresh}");
    // Each status form returns to this filtered page.
    assert_eq!(fresh.matches("name=\"back\"").count(), 30);
    let id = &listed(&fresh)[0];
    let fields = form_fields(&fresh, &format!("/portal/referrals/{id}/status"));
    assert!(fields.contains(&("back".to_owned(), "status=new&page=2".to_owned())), "{fields:?}");
    let csrf = csrf_of(&fresh);
    let saved = staff
        .post(
            &format!("/portal/referrals/{id}/status"),
            &[("csrf", &csrf), ("status", "accepted"), ("back", "status=new&page=2")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.header("location"), Some("/portal/referrals?status=new&page=2"));
    let hostile = staff
        .post(
            &format!("/portal/referrals/{id}/status"),
            &[("csrf", &csrf), ("status", "accepted"), ("back", "page=2&next=https://evil.example")],
        )
        .await;
    assert_eq!(hostile.header("location"), Some("/portal/referrals?page=2"), "only the inbox's own parameters");
    let urgent = staff.get("/portal/referrals?urgency=emergency").await.text();
    assert!(urgent.contains("No referrals match these filters"), "{urgent}");

    // Wrong parameters are named; a page past the end says so.
    for (query, field) in
        [("page=0", "page"), ("page=two", "page"), ("status=open", "status"), ("urgency=high", "urgency")]
    {
        let reply = staff.get(&format!("/portal/referrals?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.text().contains(field), "{query}: {}", reply.text());
    }
    let past = staff.get("/portal/referrals?page=9").await.text();
    assert!(past.contains("No referrals on this page") && past.contains("href=\"/portal/referrals\""), "{past}");
    // The dashboard counts every new referral, not one page.
    let dashboard = staff.get("/portal").await.text();
    assert!(dashboard.contains("New referrals (79)"), "{dashboard}");
    p.verified().await;
}

#[tokio::test]
async fn over_the_cap_the_sender_gets_the_clinic_phone_and_nothing_is_stored_on_sqlite() {
    over_the_cap_the_sender_gets_the_clinic_phone_and_nothing_is_stored(Portal::sqlite().await).await;
}

#[tokio::test]
async fn over_the_cap_the_sender_gets_the_clinic_phone_and_nothing_is_stored_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    over_the_cap_the_sender_gets_the_clinic_phone_and_nothing_is_stored(p).await;
}

#[tokio::test]
async fn a_repeat_from_one_contact_within_a_day_is_merged_on_sqlite() {
    a_repeat_from_one_contact_within_a_day_is_merged(Portal::sqlite().await).await;
}

#[tokio::test]
async fn a_repeat_from_one_contact_within_a_day_is_merged_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    a_repeat_from_one_contact_within_a_day_is_merged(p).await;
}

#[tokio::test]
async fn the_inbox_is_paged_and_filtered_on_sqlite() {
    the_inbox_is_paged_and_filtered(Portal::sqlite().await).await;
}

#[tokio::test]
async fn the_inbox_is_paged_and_filtered_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    the_inbox_is_paged_and_filtered(p).await;
}
