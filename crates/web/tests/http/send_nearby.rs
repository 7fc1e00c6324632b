//! Sending a self-check summary to a clinic near the person (issue 18, item 3), on SQLite and PostgreSQL: the list
//! starts from the ZIP carried from the finder (`/check?zip=`), nearest first in miles, says whether each clinic
//! takes new patients and offers ketamine care, lists only those taking new patients unless asked, and the
//! confirmation names the clinic, its phone number, what happens next and 988 for a crisis.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use ketapath_directory::{Offer, Offers};
use ketapath_store::ListingAuthor;
use ketapath_store::domain::Role;
use ketapath_web::WebConfig;

use crate::portal_support::*;
use crate::referral::{CONTACT, Walk, form_fields, to_result};
use crate::support::*;

async fn the_list_starts_from_the_zip_and_takes_new_patients_first(mut p: Portal) {
    // A third receiving clinic, nearest of all to ZIP 10001 but not taking new patients, offering TMS only.
    let mut full = clinic("clinic-c", 40.75, -73.99);
    full.accepting_new_patients = false;
    full.offers = Offers::EMPTY;
    full.offers.insert(Offer::Tms);
    p.store.upsert_clinics(&[full], ListingAuthor::AdminCli).await.unwrap();
    p.app = app_over(&p.store, WebConfig::default()).await;
    for (email, clinic) in [("a@a.example", "clinic-a"), ("b@b.example", "clinic-b"), ("c@c.example", "clinic-c")] {
        p.user(email, Role::Nurse, Some(clinic)).await;
    }

    let mut w = Walk::new(&p);
    let result = to_result(&mut w, "/check?zip=10001", "0", None).await;
    assert!(form_fields(&result, "/check/send").contains(&("zip".to_owned(), "10001".to_owned())), "{result}");
    let list = w.submit(&result, "/check/send", &[]).await.text();
    let main = main_of(&list);
    assert!(main.contains("id=\"place\" name=\"place\" value=\"10001\""), "the ZIP from the finder is used: {main}");
    let (a, b) = (main.find("value=\"clinic-a\"").unwrap(), main.find("value=\"clinic-b\"").unwrap());
    assert!(a < b, "nearest first");
    assert!(main.contains(" mi (") && main.contains(" km) away"), "miles first, kilometres beside: {main}");
    assert!(main.contains("Taking new patients.") && main.contains("Offers ketamine or esketamine care."), "{main}");
    assert!(!main.contains("value=\"clinic-c\""), "not taking new patients: left out by default");
    assert!(main.contains("Clinics not taking new patients now are not listed"), "{main}");

    let all = w.submit(&list, "/check/send", &[("action", "search"), ("place", "10001"), ("all", "yes")]).await.text();
    let main = main_of(&all);
    let c = main.find("value=\"clinic-c\"").unwrap_or_else(|| panic!("the choice shows all: {main}"));
    assert!(c < main.find("value=\"clinic-a\"").unwrap(), "still nearest first");
    assert!(main.contains("Not taking new patients now.") && main.contains("Does not list ketamine"), "{main}");
    assert!(main.contains("id=\"all\" name=\"all\" value=\"yes\" checked"), "{main}");

    // A ZIP that is not one is named on its field; nothing else is lost.
    let bad = w.submit(&list, "/check/send", &[("action", "search"), ("place", "00000")]).await;
    assert_eq!(bad.status, axum::http::StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("id=\"place-error\""), "{}", bad.text());

    let contact = w.submit(&list, "/check/send", &[("action", "choose"), ("clinic", "clinic-a")]).await.text();
    let sent = w.submit(&contact, "/check/send/confirm", &CONTACT).await;
    assert_eq!(sent.status, axum::http::StatusCode::OK, "{}", sent.text());
    let sent = sent.text();
    let main = main_of(&sent);
    assert!(main.contains("Your summary was sent to Clinic clinic-a"), "{main}");
    assert!(main.contains("What happens next") && main.contains("will contact you by phone or e-mail"), "{main}");
    assert!(main.contains("may take a few working days"), "a timeframe in words: {main}");
    assert!(main.contains("href=\"tel:5550100\"") || main.contains("555-0100"), "the clinic's phone: {main}");
    assert!(main.contains("If you are in crisis") && main.contains("href=\"tel:988\""), "{main}");
    p.db.finish().await;
}

#[tokio::test]
async fn the_list_starts_from_the_zip_and_takes_new_patients_first_on_sqlite() {
    the_list_starts_from_the_zip_and_takes_new_patients_first(Portal::sqlite().await).await;
}

#[tokio::test]
async fn the_list_starts_from_the_zip_and_takes_new_patients_first_on_postgresql() {
    let Some(p) = Portal::postgres().await else { return };
    the_list_starts_from_the_zip_and_takes_new_patients_first(p).await;
}
