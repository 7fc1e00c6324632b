//! The permission matrix: every route (JSON API and FHIR from their tables, the portal from its table, pages and
//! operations by hand), who may call it as its table says, and what each role gets on its own clinic's records and
//! on another clinic's, run in-process and black-box over a real socket, with
//! expired and revoked tokens against every staff route, the audit chain verified after each run, and the
//! rendered matrix kept identical to the one in docs/SECURITY.md.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use ketapath_directory::ClinicId;
use ketapath_store::domain::{NewApiToken, NewStaffUser, Role};
use ketapath_store::{ExposeSecret, ListingAuthor, Store, StoreOptions, api_token_hash, new_api_token_secret};
use ketapath_testkit::{Backend, TestDb};
use ketapath_web::portal::routes::portal_routes;
use ketapath_web::routes::Access;
use ketapath_web::{AppState, RateLimitConfig, WebConfig, api_routes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::portal_support::PASSWORD;
use crate::support::*;

/// One route of the matrix: the method, the path as the router spells it, who may call it, the success status
/// and a valid request body (JSON for API routes, a form for pages).
#[derive(Clone, Copy)]
struct Row {
    method: &'static str,
    path: &'static str,
    access: Access,
    ok: u16,
    body: Option<&'static str>,
}

const fn row(method: &'static str, path: &'static str, access: Access, ok: u16, body: Option<&'static str>) -> Row {
    Row { method, path, access, ok, body }
}

/// The sample call of one API or FHIR route: the success status and a valid JSON body.
struct Answer {
    method: &'static str,
    path: &'static str,
    ok: u16,
    body: Option<&'static str>,
}

const fn answer(method: &'static str, path: &'static str, ok: u16, body: Option<&'static str>) -> Answer {
    Answer { method, path, ok, body }
}

const CONSENT: &str = r#"{"status": "given", "date": "2026-11-01"}"#;
const PATIENT: &str = r#"{"given_name": "Matrix", "family_name": "Example", "birth_date": "1980-04-01"}"#;
const ASSESSMENT: &str = r#"{"instrument": "phq9", "items": [1,2,3,1,2,0,1,2,1], "context": "baseline"}"#;
const SCREENING: &str = r#"{"phq9": [0,1,2,3,0,1,2,1,0]}"#;
const SCORE: &str = r#"{"items": [0,1,2,3,0,1,2,1,0]}"#;
const REPORT: &str = "reason=closed";
const INTAKE: &str = r#"{"episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": true,
    "pregnancy_potential": false, "research_consent": true}"#;
const COURSE: &str = r#"{"modality": "esketamine_nasal", "start_date": "2026-11-27"}"#;
const SCHEDULE: &str = r#"{"schedule": []}"#;
const REVIEW: &str = r#"{"decision": "continue", "note": "matrix"}"#;
const SESSION: &str = r#"{"modality": "esketamine_nasal"}"#;
const PRE_CHECKS: &str = r#"{"transport_home_arranged": true, "blood_pressure": {"systolic": 128, "diastolic": 82}}"#;
const OBSERVATION: &str = r#"{"spo2": 97, "heart_rate": 80}"#;
const IV_DOSE: &str = r#"{"dose_mg": 35, "lot": "L1"}"#;
const ADVERSE_EVENT: &str = r#"{"kind": "dissociation", "severity": "mild", "description": "resolving"}"#;
const DISCHARGE: &str = r#"{"ready_to_leave_at": "2026-01-01T00:00:00Z"}"#;
const EARLY_DEPARTURE: &str = r#"{"at": "2020-01-01T00:00:00Z", "reason": "other"}"#;
const PROTOCOL: &str = r#"{"bp_gate": {"esketamine_nasal": {"systolic_max": 140, "diastolic_max": 90}}}"#;
const LINK: &str = r#"{"instrument": "phq9"}"#;
/// A member to add with a password the policy refuses: every admin's call reaches the check (400) and stores nothing.
const NEW_MEMBER: &str = r#"{"email": "matrix-new@a.example", "name": "Matrix New", "role": "nurse", "clinic": "clinic-a", "password": "short"}"#;
/// The member's role and status as they are: every admin can repeat it.
const MEMBER_UPDATE: &str = r#"{"role": "nurse", "active": true}"#;

/// What each API and FHIR route answers a caller it lets through, and the body it is sent. Who may call a route is
/// not written here: it comes from the route tables (`api_routes()`, `fhir::routes()`), so the matrix checks the
/// table's `Access` against what the extractors really do. A table route without an answer here fails
/// `every_api_and_fhir_route_has_one_answer`.
const API: &[Answer] = &[
    answer("GET", "/api/openapi.json", 200, None),
    answer("GET", "/api/v1/clinics", 200, None),
    answer("GET", "/api/v1/clinics/{id}", 200, None),
    answer("POST", "/api/v1/instruments/{instrument}/score", 200, Some(SCORE)),
    answer("POST", "/api/v1/screenings", 200, Some(SCREENING)),
    answer("POST", "/api/v1/patients", 201, Some(PATIENT)),
    answer("GET", "/api/v1/patients", 200, None),
    answer("GET", "/api/v1/patients/{id}", 200, None),
    answer("POST", "/api/v1/patients/{id}/assessments", 201, Some(ASSESSMENT)),
    answer("GET", "/api/v1/patients/{id}/assessments", 200, None),
    answer("PUT", "/api/v1/patients/{id}/intake", 200, Some(INTAKE)),
    answer("GET", "/api/v1/patients/{id}/intake", 200, None),
    answer("GET", "/api/v1/patients/{id}/research-consent", 200, None),
    answer("PUT", "/api/v1/patients/{id}/research-consent", 200, Some(CONSENT)),
    answer("GET", "/api/v1/clinic/outcome-publication", 200, None),
    answer("PUT", "/api/v1/clinic/outcome-publication", 200, Some(r#"{"publish": false}"#)),
    // A clinic admin verifies the own listing as it is; a platform admin who names no clinic is refused (403).
    answer("PUT", "/api/v1/clinic/listing", 200, Some(r#"{"accepting_new_patients": true}"#)),
    answer("POST", "/api/v1/patients/{id}/courses", 201, Some(COURSE)),
    answer("GET", "/api/v1/patients/{id}/courses", 200, None),
    answer("GET", "/api/v1/courses/{id}", 200, None),
    answer("PUT", "/api/v1/courses/{id}/schedule", 200, Some(SCHEDULE)),
    // The course's first dose was moments ago: a prescriber's `continue` is refused before week 4 of the induction
    // (409 `not_applicable`), which writes nothing and leaves the course open for the next caller.
    answer("POST", "/api/v1/courses/{id}/benefit-review", 409, Some(REVIEW)),
    answer("GET", "/api/v1/patients/{id}/outcomes", 200, None),
    answer("POST", "/api/v1/patients/{id}/sessions", 201, Some(SESSION)),
    answer("GET", "/api/v1/sessions/{id}", 200, None),
    answer("POST", "/api/v1/sessions/{id}/pre-checks", 201, Some(PRE_CHECKS)),
    answer("POST", "/api/v1/sessions/{id}/observations", 201, Some(OBSERVATION)),
    // Acknowledging again keeps the first acknowledgement and answers 200, so every role can repeat it.
    answer("POST", "/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge", 200, Some("{}")),
    // On the IV session, whose blood pressure is within the gate: every dose passes.
    answer("POST", "/api/v1/sessions/{id}/dose", 201, Some(IV_DOSE)),
    answer("POST", "/api/v1/sessions/{id}/adverse-events", 201, Some(ADVERSE_EVENT)),
    // The esketamine session was dosed moments ago: discharge is refused (409 `monitoring_incomplete`) for every
    // role that reaches the gate, so no call completes the session under the next one.
    answer("POST", "/api/v1/sessions/{id}/discharge", 409, Some(DISCHARGE)),
    // A departure time before the dose is refused (400) by the care team's roles, so the session stays open.
    answer("POST", "/api/v1/sessions/{id}/early-departure", 400, Some(EARLY_DEPARTURE)),
    answer("GET", "/api/v1/sessions/{id}/rems-form", 200, None),
    // An empty draft is saved (200) again and again, and leaves the form open.
    answer("POST", "/api/v1/sessions/{id}/rems-form/draft", 200, Some("{}")),
    // An empty submission reaches the form's completeness check (422 `rems_form_incomplete`), writes nothing and
    // leaves the form open for the next caller.
    answer("POST", "/api/v1/sessions/{id}/rems-form/submit", 422, Some("{}")),
    answer("GET", "/api/v1/rems-forms/due", 200, None),
    answer("GET", "/api/v1/sessions/{id}/record.pdf", 200, None),
    answer("GET", "/api/v1/clinic/protocol-settings", 200, None),
    answer("PUT", "/api/v1/clinic/protocol-settings", 200, Some(PROTOCOL)),
    answer("GET", "/api/v1/registry", 200, None),
    answer("GET", "/api/v1/clinic/registry", 200, None),
    answer("GET", "/api/v1/research/export", 200, None),
    answer("POST", "/api/v1/patients/{id}/self-report-links", 201, Some(LINK)),
    answer("GET", "/api/v1/patients/{id}/self-report-links", 200, None),
    answer("POST", "/api/v1/patients/{id}/self-report-links/plan", 201, Some("{}")),
    answer("GET", "/api/v1/self-report-alerts", 200, None),
    answer("GET", "/api/v1/clinic/staff", 200, None),
    answer("POST", "/api/v1/clinic/staff", 400, Some(NEW_MEMBER)),
    answer("GET", "/api/v1/clinic/staff/{id}", 200, None),
    answer("PATCH", "/api/v1/clinic/staff/{id}", 200, Some(MEMBER_UPDATE)),
    // Without a password, a one-time set-password link (each call makes a new one and ends the one before).
    answer("POST", "/api/v1/clinic/staff/{id}/reset-password", 200, Some("{}")),
    answer("GET", "/api/v1/clinic/staff/{id}/tokens", 200, None),
    // Revoking a revoked token answers the same, so every admin can repeat it.
    answer("DELETE", "/api/v1/clinic/staff/{id}/tokens/{token_id}", 200, None),
    answer("GET", "/fhir/r4/metadata", 200, None),
    answer("GET", "/fhir/r4/Questionnaire/{id}", 200, None),
    answer("GET", "/fhir/r4/Location", 200, None),
    answer("GET", "/fhir/r4/Location/{id}", 200, None),
    answer("GET", "/fhir/r4/HealthcareService", 200, None),
    answer("GET", "/fhir/r4/HealthcareService/{id}", 200, None),
    answer("GET", "/fhir/r4/Organization/{id}", 200, None),
];

/// The pages and operations endpoints, listed by hand: no table names them, and every one is public.
const PAGES: &[Row] = &[
    row("GET", "/", Access::Public, 200, None),
    row("GET", "/about", Access::Public, 200, None),
    row("GET", "/registry", Access::Public, 200, None),
    row("GET", "/find", Access::Public, 200, None),
    row("GET", "/clinics/{id}", Access::Public, 200, None),
    row("POST", "/clinics/{id}/report", Access::Public, 200, Some(REPORT)),
    row("GET", "/list-your-clinic", Access::Public, 200, None),
    // An empty request is refused field by field (400) and stores nothing; the flow is covered in listing.rs.
    row("POST", "/list-your-clinic", Access::Public, 400, Some("")),
    row("GET", "/check", Access::Public, 200, None),
    row("POST", "/check", Access::Public, 200, Some("")),
    // Without answers the send pages refuse with 400 and store nothing; the flow is covered in referral.rs.
    row("POST", "/check/send", Access::Public, 400, Some("")),
    row("POST", "/check/send/confirm", Access::Public, 400, Some("")),
    row("GET", "/r/{token}", Access::Public, 200, None),
    // A post without answers re-renders the form with a message per question (400) and stores nothing, so the link
    // stays open for every caller; the answers themselves are covered in self_report.rs.
    row("POST", "/r/{token}", Access::Public, 400, Some("")),
    row("GET", "/healthz", Access::Public, 200, None),
    row("GET", "/readyz", Access::Public, 200, None),
    // Without a metrics token or listener (the default), the public port has no /metrics (issue 16, item 7).
    row("GET", "/metrics", Access::Public, 404, None),
    row("GET", "/static/{file}", Access::Public, 200, None),
];

/// The callers of the matrix, in column order.
const ROLES: [Option<Role>; 6] = [
    None,
    Some(Role::PlatformAdmin),
    Some(Role::ClinicAdmin),
    Some(Role::Prescriber),
    Some(Role::Nurse),
    Some(Role::Researcher),
];

fn role_name(role: Option<Role>) -> String {
    role.map_or_else(|| "anonymous".to_owned(), |r| r.to_string())
}

/// Whose record a request names: the caller's clinic's, or another clinic's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Own,
    Other,
}

/// The expected status of `row` for `role` on `target`: the one rule the whole matrix follows. Without
/// credentials a staff route answers 401 on the API and sends a browser to the portal's sign-in page (303); a role
/// the row's `Access` does not allow gets 403; another clinic's record answers 404 like a missing one.
fn expected(row: &Row, role: Option<Role>, target: Target) -> u16 {
    let portal = row.path.starts_with("/portal");
    match role {
        _ if row.access == Access::Public => row.ok,
        None if portal => 303,
        None => 401,
        Some(role) if role.is_clinic_role() && row.access.looks_up_record_first() && target == Target::Other => 404,
        Some(role) if !row.access.allows(role) => 403,
        Some(role) if row.access.names_record() && target == Target::Other && !row.access.sees_every_clinic(role) => {
            404
        }
        Some(_) => row.ok,
    }
}

/// The sample request of one portal route: the success status and the form fields (the CSRF token is added by
/// the run). A portal route without a sample fails `every_portal_route_has_one_sample`.
struct Sample {
    method: &'static str,
    path: &'static str,
    ok: u16,
    fields: &'static [(&'static str, &'static str)],
}

const fn sample(
    method: &'static str,
    path: &'static str,
    ok: u16,
    fields: &'static [(&'static str, &'static str)],
) -> Sample {
    Sample { method, path, ok, fields }
}

/// What each portal route answers a caller it lets through, and the form it is sent. Forms are chosen, like the
/// API's, so that every caller can repeat them: a refusal after the access check (an unknown e-mail, a benefit
/// review before week 4, a discharge before the monitoring time, an incomplete REMS form, a too-short new
/// password) writes nothing, and an early departure without `confirm` only shows its confirmation page.
const PORTAL: &[Sample] = &[
    sample("GET", "/portal", 200, &[]),
    sample("GET", "/portal/login", 200, &[]),
    sample("POST", "/portal/login", 401, &[("email", "nobody@matrix.example"), ("password", "not the password")]),
    sample("POST", "/portal/logout", 303, &[]),
    sample("GET", "/portal/patients", 200, &[]),
    sample("GET", "/portal/patients/new", 200, &[]),
    sample(
        "POST",
        "/portal/patients/new",
        303,
        &[("given_name", "Matrix"), ("family_name", "Example"), ("birth_date", "1980-04-01")],
    ),
    sample("GET", "/portal/patients/{id}", 200, &[]),
    sample(
        "POST",
        "/portal/patients/{id}/assessments",
        303,
        &[("instrument", "phq9"), ("items", "1,2,3,1,2,0,1,2,1"), ("context", "baseline")],
    ),
    // The answer is the page showing the new link once (201).
    sample("POST", "/portal/patients/{id}/self-report-links", 201, &[("instrument", "phq9")]),
    sample(
        "POST",
        "/portal/patients/{id}/courses",
        303,
        &[("modality", "esketamine_nasal"), ("start_date", "2026-11-27")],
    ),
    // The course's first dose was moments ago: `continue` is refused before week 4 (409) and writes nothing.
    sample("POST", "/portal/courses/{id}/benefit-review", 409, &[("decision", "continue"), ("note", "matrix")]),
    sample("GET", "/portal/patients/{id}/intake", 200, &[]),
    sample(
        "POST",
        "/portal/patients/{id}/intake",
        303,
        &[
            ("episode_months", "18"),
            ("severity", "moderate"),
            ("rems_enrolled", "yes"),
            ("pregnancy_potential", "no"),
            ("research_consent", "yes"),
        ],
    ),
    sample("POST", "/portal/patients/{id}/sessions", 303, &[("modality", "esketamine_nasal")]),
    sample("GET", "/portal/sessions/{id}", 200, &[]),
    sample("GET", "/portal/sessions/{id}/rems", 200, &[]),
    // An empty submission reaches the form's completeness check (422) and leaves the form open.
    sample("POST", "/portal/sessions/{id}/rems", 422, &[]),
    sample("GET", "/portal/sessions/{id}/rems.pdf", 200, &[]),
    sample("GET", "/portal/sessions/{id}/record.pdf", 200, &[]),
    sample(
        "POST",
        "/portal/sessions/{id}/pre-checks",
        303,
        &[("transport_home_arranged", "yes"), ("systolic", "128"), ("diastolic", "82")],
    ),
    sample("POST", "/portal/sessions/{id}/observations", 303, &[("spo2", "97"), ("heart_rate", "80")]),
    // On the IV session, whose blood pressure is within the gate: every dose passes.
    sample("POST", "/portal/sessions/{id}/dose", 303, &[("dose_mg", "35"), ("lot", "L1")]),
    sample(
        "POST",
        "/portal/sessions/{id}/adverse-events",
        303,
        &[("kind", "dissociation"), ("severity", "mild"), ("description", "resolving")],
    ),
    // The esketamine session was dosed moments ago: discharge is refused (409) for every role that reaches it.
    sample("POST", "/portal/sessions/{id}/discharge", 409, &[]),
    sample("POST", "/portal/sessions/{id}/alerts/{alert_id}/acknowledge", 303, &[]),
    sample("POST", "/portal/sessions/{id}/early-departure", 200, &[("reason", "other")]),
    sample("GET", "/portal/referrals", 200, &[]),
    sample("POST", "/portal/referrals/{id}/status", 303, &[("status", "contacted")]),
    sample("POST", "/portal/patients/{id}/research-consent", 303, &[("status", "withdrawn")]),
    sample("POST", "/portal/patients/{id}/address", 303, &[("city", "Keene"), ("state", "NH"), ("zip", "03431")]),
    sample("GET", "/portal/clinic/settings", 200, &[]),
    sample("POST", "/portal/clinic/settings", 303, &[]),
    sample("POST", "/portal/clinic/outcome-publication", 303, &[("publish", "no")]),
    sample("POST", "/portal/clinic/referral-cap", 303, &[("referral_daily_cap", "")]),
    sample("GET", "/portal/clinic/listing", 200, &[]),
    sample(
        "POST",
        "/portal/clinic/listing",
        303,
        &[
            ("phone", "212-555-0100"),
            ("offers", "esketamine_nasal"),
            ("offers", "iv_ketamine"),
            ("payment", "self_pay"),
            ("accepting_new_patients", "yes"),
        ],
    ),
    sample("GET", "/portal/admin/listing-requests", 200, &[]),
    // A request id that is not there answers 404 to the platform admin and changes nothing; the approval and the
    // decline themselves are covered in listing.rs.
    sample("POST", "/portal/admin/listing-requests/{id}/approve", 404, &[]),
    sample("POST", "/portal/admin/listing-requests/{id}/decline", 404, &[("reason", "matrix")]),
    sample("GET", "/portal/outcomes", 200, &[]),
    sample("GET", "/portal/outcomes.csv", 200, &[]),
    sample("GET", "/portal/account", 200, &[]),
    sample("GET", "/portal/crisis-protocol", 200, &[]),
    // No enrolment is pending, so `confirm` goes back to the account page and changes nothing.
    sample("POST", "/portal/account/totp", 303, &[("action", "confirm"), ("code", "000000")]),
    sample("POST", "/portal/account/password", 400, &[("password", PASSWORD), ("new_password", "short")]),
    sample("GET", "/portal/staff", 200, &[]),
    // A password the policy refuses: every admin's post reaches the check (400) and stores nothing.
    sample(
        "POST",
        "/portal/staff",
        400,
        &[
            ("email", "matrix-new@a.example"),
            ("name", "Matrix New"),
            ("role", "nurse"),
            ("clinic", "clinic-a"),
            ("credential", "password"),
            ("password", "short"),
        ],
    ),
    sample("GET", "/portal/staff/{id}", 200, &[]),
    sample("POST", "/portal/staff/{id}/role", 303, &[("role", "nurse")]),
    // Without `confirm`, the page only asks (200) and changes nothing.
    sample("POST", "/portal/staff/{id}/active", 200, &[("active", "no")]),
    // The answer is the page showing the new set-password link once (201).
    sample("POST", "/portal/staff/{id}/password", 201, &[("credential", "link")]),
    sample("POST", "/portal/staff/{id}/tokens/{token_id}/revoke", 303, &[]),
    // No link has the sample's token: the public page answers 404 to everyone, and its form (which carries the
    // sign-in form's double-submit token, not a session's) 403 without that cookie's token.
    sample("GET", "/portal/set-password/{token}", 404, &[]),
    sample("POST", "/portal/set-password/{token}", 403, &[]),
];

/// The portal's rows of the matrix: each route of the portal's table, with the access the table names and the
/// success status of its sample.
fn portal_rows() -> Vec<(Row, &'static Sample)> {
    portal_routes()
        .into_iter()
        .map(|route| {
            let method = if route.method == Method::GET { "GET" } else { "POST" };
            let sample = PORTAL.iter().find(|s| s.method == method && s.path == route.path);
            let sample =
                sample.unwrap_or_else(|| panic!("{route:?} has no sample in the access matrix's PORTAL: add one"));
            (Row { method, path: route.path, access: route.access, ok: sample.ok, body: None }, sample)
        })
        .collect()
}

/// Who may call each route of the API's and the FHIR tables, as the tables say.
fn table_access() -> Vec<(String, &'static str, Access)> {
    api_routes()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path, r.access))
        .chain(ketapath_web::fhir::routes().into_iter().map(|r| ("GET".to_owned(), r.path, r.access())))
        .collect()
}

/// The API's and FHIR's rows of the matrix: each sample answer with the access its route's table names, in the
/// order of [`API`] (the order of the matrix in docs/SECURITY.md).
fn api_rows() -> Vec<Row> {
    let table = table_access();
    API.iter()
        .map(|a| {
            let route = table.iter().find(|(method, path, _)| method == a.method && *path == a.path);
            let Some((_, _, access)) = route else {
                panic!("{} {} has an answer in API but no route in the tables: remove it", a.method, a.path)
            };
            Row { method: a.method, path: a.path, access: *access, ok: a.ok, body: a.body }
        })
        .collect()
}

/// The rows outside the portal: the API's and FHIR's tables, then the hand-listed pages.
fn outside_portal_rows() -> Vec<Row> {
    api_rows().into_iter().chain(PAGES.iter().copied()).collect()
}

/// Every row of the matrix: the API's and FHIR's tables, the hand-listed pages, then the portal's table.
fn all_rows() -> Vec<Row> {
    outside_portal_rows().into_iter().chain(portal_rows().into_iter().map(|(row, _)| row)).collect()
}

/// The matrix as the Markdown table in docs/SECURITY.md.
fn render_matrix() -> String {
    let mut out = String::from("| Route |");
    for role in ROLES {
        out.push_str(&format!(" {} |", role_name(role)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(ROLES.len()));
    out.push('\n');
    for row in &all_rows() {
        out.push_str(&format!("| `{} {}` |", row.method, row.path));
        for role in ROLES {
            let own = expected(row, role, Target::Own);
            let other = expected(row, role, Target::Other);
            if own == other {
                out.push_str(&format!(" {own} |"));
            } else {
                out.push_str(&format!(" own {own}, other {other} |"));
            }
        }
        out.push('\n');
    }
    out
}

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/SECURITY.md");
const START: &str = "<!-- access-matrix:start (generated by crates/web/tests/http/access_matrix.rs) -->\n";
const END: &str = "<!-- access-matrix:end -->";

/// Every public API write of the matrix is one the edge limits per client address, and no staff write is: the
/// edge's list of public writes cannot drift from the routes that really need no sign-in.
#[test]
fn public_writes_take_from_the_address_allowance() {
    for r in api_rows().iter().filter(|r| r.path.starts_with("/api/") && r.method != "GET") {
        let public = matches!(r.access, Access::Public);
        assert_eq!(
            ketapath_web::layers::edge::is_public_api_write(r.path),
            public,
            "{} {}: public in the API's table = {public}, but the edge's public-write list says otherwise",
            r.method,
            r.path
        );
    }
}

/// The API's and FHIR's tables and the sample answers match one to one: a new route needs an answer (and so its
/// rows of the matrix), and an answer of a route that is gone is removed.
#[test]
fn every_api_and_fhir_route_has_one_answer() {
    let rows = api_rows();
    let listed: BTreeSet<(&str, &str)> = rows.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(listed.len(), rows.len(), "a route has two answers in API");
    for (method, path, _) in table_access() {
        assert!(
            listed.contains(&(method.as_str(), path)),
            "{method} {path} is served but has no answer in API: add one"
        );
    }
    let all = all_rows();
    let distinct: BTreeSet<(&str, &str)> = all.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(distinct.len(), all.len(), "a route is listed twice in the matrix");
}

/// No `/portal` route is mounted outside the portal's table (`crates/web/src/portal/routes.rs`), so the router,
/// the CSRF test and this matrix, all read from the table, see every portal route.
#[test]
fn every_portal_route_is_served_from_the_table() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let table = src.join("portal").join("routes.rs");
    for file in files.iter().filter(|f| **f != table) {
        let text: String = std::fs::read_to_string(file).unwrap().split_whitespace().collect();
        assert!(
            !text.contains(".route(\"/portal") && !text.contains("::route(\"/portal"),
            "{} mounts a /portal route outside the portal's route table: add it to portal_routes()",
            file.display()
        );
    }
    assert!(std::fs::read_to_string(table).unwrap().contains("for route in portal_routes()"));
}

/// The portal's table and its samples match one to one: a new portal route needs a sample (and so a row of the
/// matrix), and a sample of a route that is gone is removed.
#[test]
fn every_portal_route_has_one_sample() {
    let rows = portal_rows();
    assert_eq!(rows.len(), PORTAL.len(), "PORTAL has a sample of a route the portal's table does not serve");
    assert!(rows.iter().all(|(row, _)| row.path.starts_with("/portal")), "every portal route is under /portal");
}

#[test]
fn security_md_carries_the_matrix() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let table = render_matrix();
    let (Some(start), Some(end)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/SECURITY.md has no access-matrix markers; put this table between them:\n{START}{table}{END}")
    };
    if doc[start + START.len()..end] != table {
        // KETAPATH_UPDATE_DOCS=1 rewrites the table in place; the diff is then reviewed like any other change.
        if std::env::var("KETAPATH_UPDATE_DOCS").as_deref() == Ok("1") {
            let updated = format!("{}{START}{table}{}", &doc[..start], &doc[end..]);
            std::fs::write(DOC, updated).unwrap();
        } else {
            panic!(
                "the access matrix in docs/SECURITY.md is out of date; regenerate it with \
                 `KETAPATH_UPDATE_DOCS=1 cargo test -p ketapath-web --test http access_matrix::security_md_carries_the_matrix` \
                 and review the diff:\n{table}"
            );
        }
    }
}

/// A store with two clinics, a patient at each, a token per role at clinic A (and for the platform roles), and
/// an expired and a revoked token of a clinic-A nurse.
pub(crate) struct World {
    pub(crate) store: Store,
    tokens: Vec<(Option<Role>, Option<String>)>,
    pub(crate) own_patient: String,
    other_patient: String,
    /// Each clinic's records, own clinic first.
    pub(crate) own: Records,
    other: Records,
    expired: String,
    revoked: String,
    /// The world's database, dropped with it.
    _db: TestDb,
}

/// The records of one clinic that the paths name: an esketamine course with a session dosed at set-up, and an
/// IV ketamine session whose blood pressure is within the gate (doses on it always pass).
#[derive(Debug, Default, Clone)]
pub(crate) struct Records {
    pub(crate) course: String,
    pub(crate) session: String,
    pub(crate) iv_session: String,
    /// The token of an open PHQ-9 self-report link (what `/r/{token}` names).
    link: String,
    /// An alert of the esketamine session (an SpO2 of 88 %), for the acknowledge route.
    pub(crate) alert: String,
    /// A staff member of the clinic and one of their API tokens, for the staff administration routes.
    staff: String,
    staff_token: String,
}

/// A nurse of `clinic` with an API token that no caller of the matrix uses, as the staff routes' record: (their
/// id, the token's id).
async fn staff_target(store: &Store, clinic: &str) -> (String, String) {
    let email = format!("member@{clinic}.example");
    token(store, &email, Role::Nurse, Some(clinic), false).await;
    member_of(store, &email).await
}

/// The id of the account with `email` and of its first API token.
async fn member_of(store: &Store, email: &str) -> (String, String) {
    let user = store.staff_user_by_email(email).await.unwrap().unwrap();
    let tokens = store.api_tokens_of(ketapath_store::SecurityAuthor::AdminCli, user.id).await.unwrap();
    (user.id.to_text(), tokens[0].id.to_text())
}

async fn token(store: &Store, email: &str, role: Role, clinic: Option<&str>, expired: bool) -> String {
    let admin = store.unscoped_for_admin_cli_and_tests();
    let user = admin
        .create_staff_user(NewStaffUser {
            clinic_id: clinic.map(|c| ClinicId::parse(c).unwrap()),
            email: email.to_owned(),
            display_name: email.to_owned(),
            role,
            password_hash: None,
        })
        .await
        .unwrap();
    let secret = new_api_token_secret().unwrap().expose_secret().to_owned();
    let expires_at = expired.then(|| store.now() - time::Duration::minutes(1));
    let created = admin
        .create_api_token(NewApiToken {
            user_id: user.id,
            name: "matrix".to_owned(),
            token_hash: api_token_hash(&secret),
            expires_at,
        })
        .await
        .unwrap();
    if email.starts_with("revoked") {
        admin.revoke_api_token(created.id).await.unwrap();
    }
    secret
}

impl World {
    /// A world on a fresh SQLite file.
    pub(crate) async fn new() -> Self {
        Self::open(Backend::Sqlite).await.unwrap()
    }

    /// A world on a throw-away PostgreSQL database; `None` when `KETAPATH_TEST_POSTGRES_URL` is unset (a failure
    /// under `CI=true`).
    pub(crate) async fn postgres() -> Option<Self> {
        Self::open(Backend::Postgres).await
    }

    /// A world on `backend`, with the store's real clock (the tokens expire by it).
    async fn open(backend: Backend) -> Option<Self> {
        let db = TestDb::open(backend, StoreOptions::default()).await?;
        let store = db.store.clone();
        store
            .upsert_clinics(
                &[clinic("clinic-a", 40.7, -74.0), clinic("clinic-b", 41.0, -73.9)],
                ListingAuthor::AdminCli,
            )
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for role in ROLES {
            let secret = match role {
                None => None,
                Some(r) => {
                    let clinic = r.is_clinic_role().then_some("clinic-a");
                    Some(token(&store, &format!("{r}@a.example"), r, clinic, false).await)
                }
            };
            tokens.push((role, secret));
        }
        let b_nurse = token(&store, "nurse@b.example", Role::Nurse, Some("clinic-b"), false).await;
        let expired = token(&store, "expired@a.example", Role::Nurse, Some("clinic-a"), true).await;
        let revoked = token(&store, "revoked@a.example", Role::Nurse, Some("clinic-a"), false).await;
        let mut world = World {
            store,
            tokens,
            own_patient: String::new(),
            other_patient: String::new(),
            own: Records::default(),
            other: Records::default(),
            expired,
            revoked,
            _db: db,
        };
        let a_nurse = world.secret(Some(Role::Nurse));
        let client = in_process(&world.app().await);
        world.own_patient = world.create_patient(&client, &a_nurse).await;
        world.other_patient = world.create_patient(&client, &b_nurse).await;
        world.own = Records::create(&client, &a_nurse, &world.own_patient).await;
        world.other = Records::create(&client, &b_nurse, &world.other_patient).await;
        (world.own.staff, world.own.staff_token) = staff_target(&world.store, "clinic-a").await;
        (world.other.staff, world.other.staff_token) = staff_target(&world.store, "clinic-b").await;
        Some(world)
    }

    pub(crate) fn secret(&self, role: Option<Role>) -> String {
        self.tokens.iter().find(|(r, _)| *r == role).and_then(|(_, s)| s.clone()).unwrap()
    }

    /// The application state over this store. The limiter is tested on its own; here it must not turn the
    /// matrix into 429s.
    async fn state(&self) -> AppState {
        let config = WebConfig {
            rate_limit: RateLimitConfig { burst: 100_000, per_minute: 100_000, ..RateLimitConfig::default() },
            ..WebConfig::default()
        };
        // The export needs a key; without one it answers 503 to the researcher too.
        let key = ketapath_research::ExportKey::from_bytes(&[7; 32]).unwrap();
        AppState::load(config, self.store.clone()).await.unwrap().with_research_key(key)
    }

    pub(crate) async fn app(&self) -> Router {
        ketapath_web::app(self.state().await)
    }

    async fn create_patient(&self, client: &Client, secret: &str) -> String {
        create_patient(client, secret).await
    }

    /// The concrete path of `row` for a request on `target`'s records.
    fn path(&self, row: &Row, target: Target) -> String {
        let (clinic, patient, records) = match target {
            Target::Own => ("clinic-a", &self.own_patient, &self.own),
            Target::Other => ("clinic-b", &self.other_patient, &self.other),
        };
        let id = if row.path.starts_with("/api/v1/patients") {
            patient.as_str()
        } else if row.path.starts_with("/api/v1/clinic/staff/") {
            records.staff.as_str()
        } else if row.path.starts_with("/api/v1/courses/") {
            records.course.as_str()
        } else if row.path == "/api/v1/sessions/{id}/dose" {
            records.iv_session.as_str()
        } else if row.path.starts_with("/api/v1/sessions/") {
            records.session.as_str()
        } else if row.path.starts_with("/fhir/r4/Questionnaire") {
            "phq-9"
        } else if row.path.starts_with("/fhir/r4/HealthcareService/") {
            return format!("/fhir/r4/HealthcareService/{clinic}-svc");
        } else if row.path.starts_with("/fhir/r4/Organization/") {
            return format!("/fhir/r4/Organization/{clinic}-org");
        } else {
            clinic
        };
        let path = row
            .path
            .replace("{id}", id)
            .replace("{instrument}", "phq9")
            .replace("{file}", "app.css")
            .replace("{token}", &records.link)
            .replace("{alert_id}", &records.alert)
            .replace("{token_id}", &records.staff_token);
        match path.as_str() {
            "/fhir/r4/Location" => "/fhir/r4/Location?near=40.7|-74.0|50|km".to_owned(),
            "/fhir/r4/HealthcareService" => format!("/fhir/r4/HealthcareService?location=Location/{clinic}"),
            "/api/v1/clinics" => "/api/v1/clinics?zip=10001".to_owned(),
            "/api/v1/research/export" => "/api/v1/research/export?file=patients&format=csv".to_owned(),
            _ => path,
        }
    }

    pub(crate) async fn assert_verified(&self) {
        let report = self.store.verify().await.unwrap();
        assert!(report.is_ok(), "audit chain or references broken: {:?}", report.problems);
    }
}

impl Records {
    /// Creates `patient`'s intake, course and sessions through the API as a nurse of the patient's clinic.
    async fn create(client: &Client, nurse: &str, patient: &str) -> Self {
        let call = |method: &'static str, path: String, body: &'static str, want: u16| async move {
            let (status, reply) = client.call(method, &path, Some(nurse), Some(body)).await;
            assert_eq!(status, want, "{method} {path}: {reply}");
            serde_json::from_str::<serde_json::Value>(&reply).unwrap()
        };
        call("PUT", format!("/api/v1/patients/{patient}/intake"), INTAKE, 200).await;
        let course = call("POST", format!("/api/v1/patients/{patient}/courses"), COURSE, 201).await;
        let session = call("POST", format!("/api/v1/patients/{patient}/sessions"), SESSION, 201).await;
        let session = session["id"].as_str().unwrap().to_owned();
        call("POST", format!("/api/v1/sessions/{session}/pre-checks"), PRE_CHECKS, 201).await;
        call("POST", format!("/api/v1/sessions/{session}/dose"), r#"{"dose_mg": 56, "lot": "AB123"}"#, 201).await;
        let low = call("POST", format!("/api/v1/sessions/{session}/observations"), r#"{"spo2": 88}"#, 201).await;
        let alert = low["alerts"][0]["id"].as_str().unwrap().to_owned();
        let iv =
            call("POST", format!("/api/v1/patients/{patient}/sessions"), r#"{"modality": "iv_ketamine"}"#, 201).await;
        let iv_session = iv["id"].as_str().unwrap().to_owned();
        let bp = r#"{"systolic": 120, "diastolic": 78}"#;
        call("POST", format!("/api/v1/sessions/{iv_session}/observations"), bp, 201).await;
        let link = call("POST", format!("/api/v1/patients/{patient}/self-report-links"), LINK, 201).await;
        let link = link["url"].as_str().unwrap().trim_start_matches("/r/").to_owned();
        let course = course["id"].as_str().unwrap().to_owned();
        Records { course, session, iv_session, link, alert, ..Records::default() }
    }
}

/// A patient created through the API with `secret`'s token; answers its id.
async fn create_patient(client: &Client, secret: &str) -> String {
    let (status, body) = client.call("POST", "/api/v1/patients", Some(secret), Some(PATIENT)).await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_owned()
}

/// How requests reach the application: through the router in-process, or over a real socket.
enum Client {
    InProcess(Router),
    Socket(SocketAddr),
}

fn in_process(app: &Router) -> Client {
    Client::InProcess(app.clone())
}

impl Client {
    /// Sends one request as a browser or script would (Host, and Origin for forms); returns status and body.
    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
        let content_type =
            if path.starts_with("/api") { "application/json" } else { "application/x-www-form-urlencoded" };
        match self {
            Client::InProcess(app) => {
                let mut builder = Request::builder()
                    .method(Method::from_bytes(method.as_bytes()).unwrap())
                    .uri(path)
                    .header(header::HOST, "ketapath.test")
                    .header(header::ORIGIN, "http://ketapath.test");
                if let Some(token) = token {
                    builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                if body.is_some() {
                    builder = builder.header(header::CONTENT_TYPE, content_type);
                }
                let request = builder.body(Body::from(body.unwrap_or_default().to_owned())).unwrap();
                let reply = send(app, from_peer(request, [192, 0, 2, 7])).await;
                (reply.status.as_u16(), String::from_utf8_lossy(&reply.body).into_owned())
            }
            Client::Socket(address) => {
                let mut raw = format!(
                    "{method} {path} HTTP/1.1\r\nHost: ketapath.test\r\nOrigin: http://ketapath.test\r\nConnection: close\r\n"
                );
                if let Some(token) = token {
                    raw.push_str(&format!("Authorization: Bearer {token}\r\n"));
                }
                if let Some(body) = body {
                    raw.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", body.len()));
                }
                raw.push_str("\r\n");
                raw.push_str(body.unwrap_or_default());
                let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
                stream.write_all(raw.as_bytes()).await.unwrap();
                let mut response = Vec::new();
                stream.read_to_end(&mut response).await.unwrap();
                let response = String::from_utf8_lossy(&response).into_owned();
                let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
                // Bodies of `Connection: close` replies may be chunked; the status is what the matrix checks.
                let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
                (status, body)
            }
        }
    }
}

/// Runs the whole matrix, then expired and revoked tokens against every staff route; returns the failures.
async fn run_matrix(world: &World, client: &Client) -> Vec<String> {
    let mut failures = Vec::new();
    for row in &outside_portal_rows() {
        for (role, secret) in &world.tokens {
            for target in [Target::Own, Target::Other] {
                let path = world.path(row, target);
                let (status, body) = client.call(row.method, &path, secret.as_deref(), row.body).await;
                let want = expected(row, *role, target);
                if status != want {
                    let short: String = body.chars().take(200).collect();
                    failures.push(format!(
                        "{} {path} as {} ({target:?}): {status}, expected {want}: {short}",
                        row.method,
                        role_name(*role)
                    ));
                }
            }
        }
        if row.access != Access::Public {
            for (label, secret) in
                [("expired", &world.expired), ("revoked", &world.revoked), ("malformed", &"kp_x".to_owned())]
            {
                let path = world.path(row, Target::Own);
                let (status, _) = client.call(row.method, &path, Some(secret), row.body).await;
                if status != 401 {
                    failures.push(format!("{} {path} with an {label} token: {status}, expected 401", row.method));
                }
            }
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_matrix_says_in_process() {
    let world = World::new().await;
    let failures = run_matrix(&world, &in_process(&world.app().await)).await;
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    world.assert_verified().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_matrix_says_on_postgresql() {
    let Some(world) = World::postgres().await else { return };
    let failures = run_matrix(&world, &in_process(&world.app().await)).await;
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    world.assert_verified().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_matrix_says_over_a_socket() {
    let world = World::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = world.state().await;
    let server = tokio::spawn(ketapath_web::serve_with_shutdown(listener, state, async {
        let _ = stopped.await;
    }));
    let failures = run_matrix(&world, &Client::Socket(address)).await;
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    // Every request above that reached patient data left an event, and the chain still verifies.
    let events = world.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    assert!(events.iter().any(|e| e.action == "read" && e.entity_id == world.own_patient && e.origin == "127.0.0.1"));
    assert!(
        !events.iter().any(|e| e.action == "read" && e.entity_id == world.other_patient && e.origin == "127.0.0.1")
    );
    world.assert_verified().await;
}

/// One clinic's records as the portal's paths name them.
struct PortalRecords {
    patient: String,
    records: Records,
    referral: String,
}

impl PortalRecords {
    /// A patient with an intake, a course, a dosed esketamine session with an alert, an IV session and a
    /// self-report link (made through the API with a nurse's token), and a referral to the clinic.
    async fn create(p: &crate::portal_support::Portal, client: &Client, clinic: &str) -> Self {
        let nurse = token(&p.store, &format!("api-nurse@{clinic}.example"), Role::Nurse, Some(clinic), false).await;
        let patient = create_patient(client, &nurse).await;
        let records = Records::create(client, &nurse, &patient).await;
        let new = ketapath_store::domain::NewReferral {
            source: ketapath_store::domain::ReferralSource::SelfCheck,
            contact_name: Some("Matrix Sender".to_owned()),
            contact_phone: Some("555-0101".to_owned()),
            contact_email: None,
            message: None,
            summary: None,
        };
        let origin = ketapath_store::domain::Origin::test();
        let referral = p.store.submit_referral(&ClinicId::parse(clinic).unwrap(), new, &origin).await.unwrap();
        let mut records = records;
        (records.staff, records.staff_token) = member_of(&p.store, &format!("api-nurse@{clinic}.example")).await;
        PortalRecords { patient, records, referral: referral.id.to_string() }
    }

    /// The concrete path of a portal route on these records.
    fn path(&self, template: &str) -> String {
        let id = if template.starts_with("/portal/patients/") {
            self.patient.as_str()
        } else if template.starts_with("/portal/courses/") {
            self.records.course.as_str()
        } else if template == "/portal/sessions/{id}/dose" {
            self.records.iv_session.as_str()
        } else if template.starts_with("/portal/sessions/") {
            self.records.session.as_str()
        } else if template.starts_with("/portal/staff/") {
            self.records.staff.as_str()
        } else {
            self.referral.as_str()
        };
        template
            .replace("{id}", id)
            .replace("{alert_id}", &self.records.alert)
            .replace("{token_id}", &self.records.staff_token)
            .replace("{token}", &"0".repeat(64))
    }
}

/// Every row of the portal's table, for every role, on the caller's clinic's records and another clinic's, signed
/// in through the sign-in form; forms carry the session's CSRF token (the sign-in form its own). Sign-out is sent
/// last, since it ends the session the other rows use.
async fn portal_matrix(mut p: crate::portal_support::Portal) {
    use crate::portal_support::{app_over, csrf_of};
    let config = WebConfig {
        rate_limit: RateLimitConfig { burst: 100_000, per_minute: 100_000, ..RateLimitConfig::default() },
        ..WebConfig::default()
    };
    p.app = app_over(&p.store, config).await;
    let email = |role: Role| format!("{role}@a.example");
    for role in ROLES.into_iter().flatten() {
        let clinic = role.is_clinic_role().then_some("clinic-a");
        p.user(&email(role), role, clinic).await;
    }
    let client = in_process(&p.app);
    let own = PortalRecords::create(&p, &client, "clinic-a").await;
    let other = PortalRecords::create(&p, &client, "clinic-b").await;
    let mut rows = portal_rows();
    // Sign-out last: a stable sort keeps the table's order otherwise.
    rows.sort_by_key(|(row, _)| row.path == "/portal/logout");
    let mut failures = Vec::new();
    for role in ROLES {
        let mut browser = p.browser();
        let mut csrf = "0".repeat(64);
        if let Some(role) = role {
            let signed_in = browser.sign_in(&email(role), PASSWORD, "").await;
            assert_eq!(signed_in.status, 303, "{role} signs in: {}", signed_in.text());
            csrf = browser.csrf().await;
        }
        for (row, sample) in &rows {
            // A path that names no record is the same for both targets, so it is sent once.
            let targets: &[(Target, &PortalRecords)] = if row.path.contains('{') {
                &[(Target::Own, &own), (Target::Other, &other)]
            } else {
                &[(Target::Own, &own)]
            };
            for (target, records) in targets {
                let path = records.path(row.path);
                let reply = if row.method == "GET" {
                    browser.get(&path).await
                } else {
                    let token = if row.path == "/portal/login" {
                        csrf_of(&browser.get("/portal/login").await.text())
                    } else {
                        csrf.clone()
                    };
                    let fields = [sample.fields, &[("csrf", token.as_str())]].concat();
                    browser.post(&path, &fields).await
                };
                let want = expected(row, role, *target);
                let redirected = reply.header("location").is_some_and(|l| l.starts_with("/portal/login"));
                if reply.status.as_u16() != want || (want == 303 && role.is_none() && !redirected) {
                    let short: String = reply.text().chars().take(300).collect();
                    failures.push(format!(
                        "{} {path} as {} ({target:?}): {}, expected {want}: {short}",
                        row.method,
                        role_name(role),
                        reply.status
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
    p.verified().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_portal_route_answers_every_role_as_the_matrix_says() {
    portal_matrix(crate::portal_support::Portal::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_portal_route_answers_every_role_as_the_matrix_says_on_postgresql() {
    let Some(p) = crate::portal_support::Portal::postgres().await else { return };
    portal_matrix(p).await;
}
