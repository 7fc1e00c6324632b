//! Finding a patient (issue 17, item 4) on SQLite and PostgreSQL: `GET /api/v1/patients?q=` by part of a name
//! (accents and case ignored), birth date and clinic record number; the `status` filter; pages of `limit` with
//! `next_cursor`; 400 naming a bad parameter; another clinic's patients never listed; the record number on create,
//! in the JSON and in the portal (new-patient form, patient page, the search box with its pages).

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use ketapath_store::domain::Role;
use ketapath_testkit::{on_both_backends, patient};
use serde_json::{Value, json};
use time::macros::date;

use crate::api_fixture::{Fixture, Staff};
use crate::portal_support::{Browser, PASSWORD, Portal};
use crate::support::{Reply, assert_error, unescape};

/// Registers a patient through the API; returns its JSON.
async fn register(f: &Fixture, who: &Staff, given: &str, family: &str, born: &str, mrn: Option<&str>) -> Value {
    let body = json!({"given_name": given, "family_name": family, "birth_date": born, "mrn": mrn});
    f.ok(Method::POST, "/api/v1/patients", who, Some(body), StatusCode::CREATED).await
}

/// The ids of a list answer, in order, and its `next_cursor`.
async fn page(f: &Fixture, who: &Staff, uri: &str) -> (Vec<String>, Option<String>) {
    let list = f.ok(Method::GET, uri, who, None, StatusCode::OK).await;
    let ids = list["patients"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    (ids, list["next_cursor"].as_str().map(str::to_owned))
}

async fn search(f: &Fixture) {
    let nurse = f.staff("Nurse", Role::Nurse, "clinic-a").await;
    let other = f.staff("Nurse", Role::Nurse, "clinic-b").await;
    let jose = register(f, &nurse, "José", "Quorváth", "1980-04-01", Some("K-1042")).await;
    assert_eq!(jose["mrn"], "K-1042");
    let ada = register(f, &nurse, "Ada", "Example", "1975-01-02", None).await;
    assert_eq!(ada["mrn"], Value::Null, "a patient without a record number shows null");
    // Clinic B has a namesake born the same day with the same record number: never listed for clinic A.
    let namesake = register(f, &other, "Jose", "Quorvath", "1980-04-01", Some("K-1042")).await;
    let (jose, ada, namesake) =
        (jose["id"].as_str().unwrap(), ada["id"].as_str().unwrap(), namesake["id"].as_str().unwrap());
    let got = f.ok(Method::GET, &format!("/api/v1/patients/{jose}"), &nurse, None, StatusCode::OK).await;
    assert_eq!(got["mrn"], "K-1042");

    for q in ["quorv", "QUORV", "Quorvá", "jose", "JOSÉ", "jos%C3%A9%20quorv", "quorvath%20jose", "k-1042", "K-1042"]
    {
        let (ids, next) = page(f, &nurse, &format!("/api/v1/patients?q={q}")).await;
        assert_eq!(ids, [jose], "q={q}");
        assert_eq!(next, None, "one page");
    }
    assert_eq!(page(f, &nurse, "/api/v1/patients?q=1980-04-01").await.0, [jose]);
    assert_eq!(page(f, &nurse, "/api/v1/patients?q=1975-01-02").await.0, [ada]);
    assert_eq!(page(f, &other, "/api/v1/patients?q=quorv").await.0, [namesake]);
    // A record number matches whole, not in part; `%` and `_` are matched as typed, not as wildcards.
    for q in ["k-104", "1042", "%25", "_", "zzz", "1999-01-01"] {
        assert!(page(f, &nurse, &format!("/api/v1/patients?q={q}")).await.0.is_empty(), "q={q}");
    }
    // No intake yet: everyone awaits one, nobody is in follow-up.
    assert_eq!(page(f, &nurse, "/api/v1/patients?status=awaiting_intake").await.0, [ada, jose]);
    assert!(page(f, &nurse, "/api/v1/patients?status=follow_up&q=quorv").await.0.is_empty());

    // The record number is unique in the clinic without regard to case, and checked as typed.
    let taken = json!({"given_name": "Bo", "family_name": "Dup", "birth_date": "1990-01-01", "mrn": " k-1042 "});
    let reply = f.call(Method::POST, "/api/v1/patients", Some(&nurse), Some(taken)).await;
    assert_eq!(assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input")["field"], "mrn");
    for bad in [json!(""), json!("   "), json!("x".repeat(41)), json!("a\u{7}b"), json!(7)] {
        let body = json!({"given_name": "Bo", "family_name": "Dup", "birth_date": "1990-01-01", "mrn": bad});
        let reply = f.call(Method::POST, "/api/v1/patients", Some(&nurse), Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {}", reply.text());
        assert!(reply.text().contains("mrn"), "{bad}: {}", reply.text());
    }

    // Bad parameters: 400 naming each. A cursor of clinic B's list is not one of clinic A's.
    let (_, b_cursor) = page(f, &other, "/api/v1/patients?limit=1").await;
    assert_eq!(b_cursor, None, "clinic B has one patient");
    let b_cursor = {
        register(f, &other, "Zed", "Zulu", "1970-01-01", None).await;
        page(f, &other, "/api/v1/patients?limit=1").await.1.unwrap()
    };
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("cursor=%2A%2A", "cursor"),
        (&format!("cursor={b_cursor}"), "cursor"),
        ("q=1980-02-30", "q"),
        ("q=2026-13-01", "q"),
        ("status=sleeping", "status"),
    ] {
        let reply = f.call(Method::GET, &format!("/api/v1/patients?{query}"), Some(&nurse), None).await;
        assert_eq!(assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input")["field"], field, "{query}");
    }

    // Paging over 120 more patients (122 in all): the default page is 50; pages follow name then id order, with
    // no patient twice or missed, and the last page's cursor is null.
    let mut expected: Vec<(String, String)> =
        vec![("example ada".to_owned(), ada.to_owned()), ("quorvath jose".to_owned(), jose.to_owned())];
    // Registered through the store's clinic scope, the path the API takes, so the API's rate limit is not hit.
    let scope = f.store.for_clinic(&nurse.actor).await.unwrap();
    for n in 0..120 {
        // Family names repeat (and two differ only by an accent and case), so that ids decide ties.
        let family = ["Ñandú", "nandu", "Berg", "Ödegaard", "Ash"][n % 5];
        let given = format!("Pat{:03}", 119 - n);
        let p = scope.create_patient(patient(&given, family, date!(2000 - 06 - 15))).await.unwrap();
        let key = ketapath_store::fold(&format!("{family} {given}"));
        expected.push((key, p.id.to_text()));
    }
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    let (first, mut cursor) = page(f, &nurse, "/api/v1/patients").await;
    assert_eq!(first.len(), 50, "the default limit");
    let mut all = first;
    let mut sizes = vec![all.len()];
    while let Some(c) = cursor {
        let (ids, next) = page(f, &nurse, &format!("/api/v1/patients?limit=50&cursor={c}")).await;
        sizes.push(ids.len());
        all.extend(ids);
        cursor = next;
    }
    assert_eq!(sizes, [50, 50, 22]);
    assert_eq!(all, expected, "every patient once, by folded name then id");
    // A search pages the same way: "nandu" finds the 48 of both spellings, 20 to a page.
    let (mut found, mut cursor) = page(f, &nurse, "/api/v1/patients?q=NANDÚ&limit=20").await;
    while let Some(c) = cursor {
        let (ids, next) = page(f, &nurse, &format!("/api/v1/patients?q=NANDÚ&limit=20&cursor={c}")).await;
        found.extend(ids);
        cursor = next;
    }
    let nandu: Vec<&String> = expected.iter().filter(|id| found.contains(id)).collect();
    assert_eq!((found.len(), nandu.len()), (48, 48));
    let (max, _) = page(f, &nurse, "/api/v1/patients?limit=200").await;
    assert_eq!(max.len(), 122);
    f.verified().await;
}

on_both_backends!(patients_are_found_by_name_birth_date_and_record_number, super::search);

/// Adds a patient Quorváth through the portal's new-patient form.
async fn add(b: &mut Browser, csrf: &str, given: &str, mrn: &str) -> Reply {
    let fields = [
        ("csrf", csrf),
        ("given_name", given),
        ("family_name", "Quorváth"),
        ("birth_date", "1980-04-01"),
        ("sex", ""),
        ("mrn", mrn),
    ];
    b.post("/portal/patients/new", &fields).await
}

async fn portal_search(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let made = add(&mut nurse, &csrf, "José", "K-7").await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let location = made.header("location").unwrap().to_owned();
    let shown = unescape(&nurse.get(&location).await.text());
    assert!(shown.contains("Clinic record number</dt><dd>K-7"), "{shown}");
    // The same record number again (in another case) shows the form again, naming the field, with what was typed.
    let again = add(&mut nurse, &csrf, "Ana", "k-7").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let text = unescape(&again.text());
    assert!(text.contains("mrn: another patient") && text.contains("value=\"Ana\""), "{text}");
    for given in ["Bea", "Cy"] {
        assert_eq!(add(&mut nurse, &csrf, given, "").await.status, StatusCode::SEE_OTHER);
    }

    let found = unescape(&nurse.get("/portal/patients?q=jose").await.text());
    assert!(found.contains("Quorváth, José") && !found.contains("Bea"), "{found}");
    assert!(found.contains("value=\"jose\""), "the box keeps the query: {found}");
    assert!(unescape(&nurse.get("/portal/patients?q=k-7").await.text()).contains("Quorváth, José"));
    // Two to a page: the next page's link keeps the query, and the last page has none.
    let first = unescape(&nurse.get("/portal/patients?q=QUORVATH&limit=2").await.text());
    assert!(first.contains("Quorváth, Bea") && first.contains("Quorváth, Cy") && !first.contains("José"), "{first}");
    let next = first.split("href=\"").find(|h| h.contains("rel=\"next\"") || h.contains("cursor=")).unwrap();
    let next = next.split('"').next().unwrap().to_owned();
    assert!(next.starts_with("/portal/patients?q=QUORVATH&limit=2&cursor="), "{next}");
    let second = unescape(&nurse.get(&next).await.text());
    assert!(second.contains("Quorváth, José") && !second.contains("Quorváth, Bea"), "{second}");
    assert!(!second.contains("rel=\"next\"") && second.contains("First page"), "{second}");
    let bad = nurse.get("/portal/patients?limit=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(unescape(&bad.text()).contains("The search's limit must be"), "{}", bad.text());
    p.verified().await;
}

on_both_backends!(the_portal_search_box_finds_and_pages, super::portal_search);
