//! Staff administration (issue 17, item 1) over HTTP, on SQLite and PostgreSQL: the portal's `/portal/staff` pages
//! and the API's `/api/v1/clinic/staff` routes, and the one-time set-password link's public page. A clinic admin
//! lists the clinic's staff, adds members with a password or a link (which works once and expires), changes roles,
//! deactivates (their token answers 401 and their session ends) and reactivates, resets passwords and revokes
//! tokens; the last active admin cannot be demoted or deactivated, nor an admin deactivate themselves; another
//! clinic's member answers 404 and nurses, prescribers and researchers 403. The CSRF check of every form here is
//! `portal_auth::every_portal_form_refuses_a_missing_wrong_or_cross_site_token`, and every route's row of the
//! access matrix is in `access_matrix.rs`.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_care::accounts::lifecycle;
use ketapath_care::accounts::set_password_link;
use ketapath_store::domain::{Role, StaffId};
use ketapath_store::{ExposeSecret, SecurityAuthor, Store};
use ketapath_testkit::on_both_backends;
use serde_json::{Value, json};
use time::Duration;

use crate::portal_support::*;
use crate::support::*;

const NEW_PASSWORD: &str = "violet anchor meadow lantern";

fn assert_redirect(reply: &Reply, to: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.header("location"), Some(to));
}

/// The set-password link's path shown once on a page (`<code>` after `id="set-password-url"`).
fn shown_link(html: &str) -> String {
    let after = html.split_once("id=\"set-password-url\"").expect("a link is shown").1;
    let code = after.split_once("<code>").unwrap().1.split_once("</code>").unwrap().0;
    assert!(code.starts_with(set_password_link::PATH_PREFIX), "{code}");
    code.to_owned()
}

/// A browser signed in as `email`, with its session's CSRF token.
async fn signed_in(p: &Portal, email: &str, password: &str) -> (Browser, String) {
    let mut b = p.browser();
    assert_redirect(&b.sign_in(email, password, "").await, "/portal");
    let csrf = b.csrf().await;
    (b, csrf)
}

/// Opens a set-password link in a browser without a session and posts `password` (twice, or `again`).
async fn redeem(p: &Portal, link: &str, password: &str, again: &str) -> Reply {
    let mut b = p.browser();
    let page = b.get(link).await;
    if page.status != StatusCode::OK {
        return page;
    }
    let csrf = csrf_of(&page.text());
    b.post(link, &[("csrf", &csrf), ("password", password), ("password_again", again)]).await
}

/// An API token of `email` (made from the command line), its secret.
async fn api_token(store: &Store, email: &str) -> String {
    let lifetime = Duration::days(30);
    let (_, secret) =
        lifecycle::create_token(store, SecurityAuthor::AdminCli, email, "laptop", lifetime).await.unwrap();
    secret.expose_secret().to_owned()
}

/// An API call with a bearer token and an optional JSON body.
async fn call(p: &Portal, method: Method, uri: &str, token: &str, body: Option<Value>) -> Reply {
    let mut builder =
        Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        builder = builder.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    send(&p.app, from_peer(builder.body(body).unwrap(), [192, 0, 2, 20])).await
}

async fn set_password_link_works_once_and_expires(p: &Portal) {
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let (mut admin, csrf) = signed_in(p, "admin@a.example", PASSWORD).await;
    let (mut nurse_browser, _) = signed_in(p, "nurse@a.example", PASSWORD).await;

    // The admin makes a link: shown once, on a page of its own.
    let made = admin.post(&format!("/portal/staff/{nurse}/password"), &[("csrf", &csrf), ("credential", "link")]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let link = shown_link(&made.text());
    assert!(made.text().contains("only now"));
    let again = admin.get(&format!("/portal/staff/{nurse}")).await.text();
    assert!(!again.contains(&link[set_password_link::PATH_PREFIX.len()..]), "the token is shown once");

    // Its page names the account; mismatched and weak passwords are refused and leave it open.
    let mut anonymous = p.browser();
    let page = anonymous.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.text().contains("nurse@a.example"));
    let differ = redeem(p, &link, NEW_PASSWORD, "violet anchor meadow lanterns").await;
    assert_eq!(differ.status, StatusCode::BAD_REQUEST);
    assert!(differ.text().contains("The two passwords differ"), "{}", differ.text());
    for weak in ["short", "password1234"] {
        let refused = redeem(p, &link, weak, weak).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{weak}");
        assert!(refused.text().contains("Password not set"), "{}", refused.text());
    }
    // Without the pre-session cookie's token (another site cannot read it), nothing is set.
    let forged = anonymous.post(&link, &[("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.get(&link).await.status, StatusCode::OK, "still open");

    // It works once: the password is set, the nurse's session ends, and the link answers 410 from then on.
    let done = redeem(p, &link, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("Your password is set"));
    assert_redirect(&nurse_browser.get("/portal").await, "/portal/login");
    assert_eq!(p.browser().sign_in("nurse@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    signed_in(p, "nurse@a.example", NEW_PASSWORD).await;
    let used = anonymous.get(&link).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.text().contains("already used"));
    assert_eq!(
        redeem(p, &link, "another long passphrase here", "another long passphrase here").await.status,
        StatusCode::GONE
    );

    // A wrong token is not found, on the page and through the form.
    let wrong = format!("{}{}", set_password_link::PATH_PREFIX, "ab".repeat(32));
    assert_eq!(anonymous.get(&wrong).await.status, StatusCode::NOT_FOUND);
    let csrf_public = csrf_of(&anonymous.get("/portal/login").await.text());
    let fields = [("csrf", csrf_public.as_str()), ("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)];
    assert_eq!(anonymous.post(&wrong, &fields).await.status, StatusCode::NOT_FOUND);
    assert_eq!(anonymous.get(&format!("{}short", set_password_link::PATH_PREFIX)).await.status, StatusCode::NOT_FOUND);

    // A newer link ends the one before; a link expires after 72 hours.
    let first = set_password_link::issue(&p.store, SecurityAuthor::AdminCli, nurse).await.unwrap();
    let second = set_password_link::issue(&p.store, SecurityAuthor::AdminCli, nurse).await.unwrap();
    assert_eq!(anonymous.get(&first.path()).await.status, StatusCode::GONE);
    assert_eq!(anonymous.get(&second.path()).await.status, StatusCode::OK);
    assert_eq!(second.expires_at, p.store.now() + Duration::hours(72));
    p.clock.advance(Duration::hours(72) + Duration::seconds(1));
    let expired = anonymous.get(&second.path()).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.text().contains("expired"));
    assert_eq!(redeem(p, &second.path(), NEW_PASSWORD, NEW_PASSWORD).await.status, StatusCode::GONE);

    // Deactivating the account ends its open links.
    let third = set_password_link::issue(&p.store, SecurityAuthor::AdminCli, nurse).await.unwrap();
    p.store.set_account_active(SecurityAuthor::AdminCli, nurse, false).await.unwrap();
    assert_eq!(anonymous.get(&third.path()).await.status, StatusCode::GONE);
    let refused = set_password_link::issue(&p.store, SecurityAuthor::AdminCli, nurse).await;
    assert!(refused.is_err(), "no link for a deactivated account");

    // The link's use is audited as the account itself, and no event or row holds the token.
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let reset = events.iter().find(|e| e.action == "password_reset" && e.entity_id == nurse.to_text()).unwrap();
    assert_eq!(reset.actor_id.as_deref(), Some(nurse.to_text().as_str()));
    let token = &link[set_password_link::PATH_PREFIX.len()..];
    assert!(!format!("{events:?}").contains(token), "an audit event holds a link's token");
    p.verified().await;
}

on_both_backends!(a_set_password_link_works_once_and_expires, super::set_password_link_works_once_and_expires);

/// The id of the member `email` as the list's link names it.
async fn id_of(p: &Portal, email: &str) -> StaffId {
    p.store.staff_user_by_email(email).await.unwrap().unwrap().id
}

async fn admin_runs_the_clinic_accounts_in_the_portal(p: &Portal) {
    let admin = p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let other = p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let (mut b, csrf) = signed_in(p, "admin@a.example", PASSWORD).await;

    // The list: role in words, status, last sign-in in the portal's format, two-factor; linked from the bar.
    assert!(b.get("/portal").await.text().contains("href=\"/portal/staff\""), "the bar links to the staff pages");
    let list = b.get("/portal/staff").await;
    assert_eq!(list.status, StatusCode::OK);
    let html = list.text();
    assert!(html.contains("nurse@a.example") && !html.contains("nurse@b.example"), "own clinic only");
    assert!(html.contains("<td>Nurse</td>") && html.contains("<td>Clinic admin</td>"));
    assert!(html.contains("<td>Never</td>"), "the nurse never signed in");
    assert!(html.contains("27 Nov 2026, "), "the admin's sign-in in the portal's date format: {html}");
    assert!(html.contains("<td>No</td>"), "no second factor");

    // Add a member with a password: they can sign in with it.
    let add = |email: &'static str, role: &'static str, credential: &'static str, password: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("email", email.to_owned()),
            ("name", format!("Name of {email}")),
            ("role", role.to_owned()),
            ("credential", credential.to_owned()),
            ("password", password.to_owned()),
        ]
    };
    let post = |b: &mut Browser, uri: String, fields: Vec<(&'static str, String)>| {
        let mut b = b.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post(&uri, &pairs).await
        }
    };
    let added = post(&mut b, "/portal/staff".into(), add("rx@a.example", "prescriber", "password", NEW_PASSWORD)).await;
    let rx = id_of(p, "rx@a.example").await;
    assert_redirect(&added, &format!("/portal/staff/{rx}"));
    signed_in(p, "rx@a.example", NEW_PASSWORD).await;
    // A weak password stores nothing; a clinic admin cannot add a platform admin.
    let weak = post(&mut b, "/portal/staff".into(), add("weak@a.example", "nurse", "password", "password1234")).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.text().contains("too easy to guess"), "{}", weak.text());
    assert!(p.store.staff_user_by_email("weak@a.example").await.unwrap().is_none());
    let root = post(&mut b, "/portal/staff".into(), add("root@a.example", "platform_admin", "link", "")).await;
    assert_eq!(root.status, StatusCode::FORBIDDEN, "{}", root.text());
    assert!(p.store.staff_user_by_email("root@a.example").await.unwrap().is_none());
    // Add a member with a link: shown once, and through it they choose their password.
    let linked = post(&mut b, "/portal/staff".into(), add("new@a.example", "nurse", "link", "")).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text());
    let link = shown_link(&linked.text());
    assert_eq!(p.browser().sign_in("new@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(redeem(p, &link, NEW_PASSWORD, NEW_PASSWORD).await.status, StatusCode::OK);
    signed_in(p, "new@a.example", NEW_PASSWORD).await;

    // Change a role.
    let member = format!("/portal/staff/{nurse}");
    assert_redirect(&b.post(&format!("{member}/role"), &[("csrf", &csrf), ("role", "prescriber")]).await, &member);
    assert!(b.get(&member).await.text().contains("id=\"member-role\">Prescriber<"));
    assert_eq!(
        b.post(&format!("{member}/role"), &[("csrf", &csrf), ("role", "platform_admin")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_redirect(&b.post(&format!("{member}/role"), &[("csrf", &csrf), ("role", "nurse")]).await, &member);

    // Deactivate, behind a confirmation: their session ends and their token answers 401, for good.
    let (mut nurse_browser, _) = signed_in(p, "nurse@a.example", PASSWORD).await;
    let token = api_token(&p.store, "nurse@a.example").await;
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &token, None).await.status, StatusCode::OK);
    let ask = b.post(&format!("{member}/active"), &[("csrf", &csrf), ("active", "no")]).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.text().contains("Yes, deactivate"));
    assert!(p.store.staff_user(nurse).await.unwrap().unwrap().active, "asking changes nothing");
    let confirmed = [("csrf", csrf.as_str()), ("active", "no"), ("confirm", "yes")];
    assert_redirect(&b.post(&format!("{member}/active"), &confirmed).await, &member);
    assert!(b.get(&member).await.text().contains("id=\"member-status\">Deactivated<"));
    assert_redirect(&nurse_browser.get("/portal").await, "/portal/login");
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &token, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(p.browser().sign_in("nurse@a.example", PASSWORD, "").await.status, StatusCode::UNAUTHORIZED);
    // Reactivate: they sign in again; the old token stays revoked.
    let reactivate = [("csrf", csrf.as_str()), ("active", "yes"), ("confirm", "yes")];
    assert_redirect(&b.post(&format!("{member}/active"), &reactivate).await, &member);
    let (mut nurse_browser, _) = signed_in(p, "nurse@a.example", PASSWORD).await;
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &token, None).await.status, StatusCode::UNAUTHORIZED);

    // Reset the password to one the admin sets (the policy applies; the member's sessions end).
    let weak = [("csrf", csrf.as_str()), ("credential", "password"), ("password", "short")];
    let refused = b.post(&format!("{member}/password"), &weak).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("at least 12 characters"), "{}", refused.text());
    let set = [("csrf", csrf.as_str()), ("credential", "password"), ("password", NEW_PASSWORD)];
    let reset = b.post(&format!("{member}/password"), &set).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    assert!(reset.text().contains("Password set"));
    assert_redirect(&nurse_browser.get("/portal").await, "/portal/login");
    signed_in(p, "nurse@a.example", NEW_PASSWORD).await;

    // Tokens: listed, and revoked from the page.
    let token = api_token(&p.store, "nurse@a.example").await;
    let page = b.get(&member).await.text();
    let revoke =
        page.split("action=\"").filter_map(|s| s.split_once('"')).map(|(a, _)| a).find(|a| a.ends_with("/revoke"));
    let revoke = revoke.expect("a live token has a revoke form").to_owned();
    assert_redirect(&b.post(&revoke, &[("csrf", &csrf)]).await, &member);
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &token, None).await.status, StatusCode::UNAUTHORIZED);
    assert!(b.get(&member).await.text().contains("<td>Revoked</td>"));

    // The last active admin: not deactivated (nor by themselves), not demoted; a second admin makes it possible.
    let own = format!("/portal/staff/{admin}");
    let own_page = b.get(&own).await.text();
    assert!(own_page.contains("This is your own account"));
    let myself =
        b.post(&format!("{own}/active"), &[("csrf", csrf.as_str()), ("active", "no"), ("confirm", "yes")]).await;
    assert_eq!(myself.status, StatusCode::CONFLICT);
    assert!(myself.text().contains("your own account"), "{}", myself.text());
    let demote = b.post(&format!("{own}/role"), &[("csrf", &csrf), ("role", "nurse")]).await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert!(demote.text().contains("last active clinic admin"), "{}", demote.text());
    assert_eq!(p.store.staff_user(admin).await.unwrap().unwrap().role, Role::ClinicAdmin);
    assert_redirect(
        &b.post(&format!("/portal/staff/{rx}/role"), &[("csrf", &csrf), ("role", "clinic_admin")]).await,
        &format!("/portal/staff/{rx}"),
    );
    assert_redirect(
        &b.post(&format!("/portal/staff/{rx}/role"), &[("csrf", &csrf), ("role", "prescriber")]).await,
        &format!("/portal/staff/{rx}"),
    );

    // Tenancy: another clinic's member is not found, for pages and forms alike.
    let theirs = format!("/portal/staff/{other}");
    assert_eq!(b.get(&theirs).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        b.post(&format!("{theirs}/role"), &[("csrf", &csrf), ("role", "prescriber")]).await.status,
        StatusCode::NOT_FOUND
    );
    let deactivate = [("csrf", csrf.as_str()), ("active", "no"), ("confirm", "yes")];
    assert_eq!(b.post(&format!("{theirs}/active"), &deactivate).await.status, StatusCode::NOT_FOUND);
    assert!(p.store.staff_user(other).await.unwrap().unwrap().active);
    assert_eq!(b.get("/portal/staff/not-an-id").await.status, StatusCode::NOT_FOUND);

    // Other roles: 403, and no link in their bar.
    p.user("researcher@example.org", Role::Researcher, None).await;
    for email in ["nurse@a.example", "rx@a.example", "researcher@example.org"] {
        let password = if email == "researcher@example.org" { PASSWORD } else { NEW_PASSWORD };
        let (mut them, their_csrf) = signed_in(p, email, password).await;
        assert_eq!(them.get("/portal/staff").await.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(them.get(&member).await.status, StatusCode::FORBIDDEN, "{email}");
        let tried = them.post(&format!("{member}/role"), &[("csrf", &their_csrf), ("role", "clinic_admin")]).await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{email}");
        assert!(!them.get("/portal/account").await.text().contains("href=\"/portal/staff\""), "{email}");
    }

    // A platform admin sees every clinic and changes another clinic's member; the last-admin rule holds for them too.
    p.user("root@example.org", Role::PlatformAdmin, None).await;
    let (mut root, root_csrf) = signed_in(p, "root@example.org", PASSWORD).await;
    let all = root.get("/portal/staff").await.text();
    assert!(all.contains("nurse@a.example") && all.contains("nurse@b.example"));
    assert_redirect(
        &root.post(&format!("{theirs}/role"), &[("csrf", &root_csrf), ("role", "prescriber")]).await,
        &theirs,
    );
    let last = [("csrf", root_csrf.as_str()), ("active", "no"), ("confirm", "yes")];
    assert_eq!(root.post(&format!("{own}/active"), &last).await.status, StatusCode::CONFLICT);
    p.verified().await;
}

on_both_backends!(
    a_clinic_admin_runs_the_clinic_accounts_in_the_portal,
    super::admin_runs_the_clinic_accounts_in_the_portal
);

async fn staff_api(p: &Portal) {
    p.user("admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await;
    let nurse = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let other = p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    p.user("admin@b.example", Role::ClinicAdmin, Some("clinic-b")).await;
    p.user("root@example.org", Role::PlatformAdmin, None).await;
    let admin = api_token(&p.store, "admin@a.example").await;
    let root = api_token(&p.store, "root@example.org").await;
    let nurse_token = api_token(&p.store, "nurse@a.example").await;

    // The list: exactly the contract's fields (and the clinic), the clinic admin's own clinic only.
    let list = call(p, Method::GET, "/api/v1/clinic/staff", &admin, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    assert_eq!(list.header("cache-control"), Some("no-store"));
    let members = list.json();
    let emails: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["admin@a.example", "nurse@a.example"]);
    let first = members[1].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected =
        ["active", "clinic_id", "email", "id", "last_sign_in_at", "name", "role", "token_count", "totp_enrolled"];
    assert_eq!(keys, expected);
    assert_eq!(members[1]["token_count"], 1);
    assert_eq!(members[1]["role"], "nurse");
    assert_eq!(members[1]["totp_enrolled"], false);
    assert!(members[1]["last_sign_in_at"].is_null());
    assert_eq!(
        call(p, Method::GET, "/api/v1/clinic/staff?clinic=clinic-b", &admin, None).await.status,
        StatusCode::NOT_FOUND
    );
    // A platform admin: one clinic with `?clinic=`, every account without.
    let b_only = call(p, Method::GET, "/api/v1/clinic/staff?clinic=clinic-b", &root, None).await.json();
    assert_eq!(b_only.as_array().unwrap().len(), 2);
    assert_eq!(call(p, Method::GET, "/api/v1/clinic/staff", &root, None).await.json().as_array().unwrap().len(), 5);

    // Add with a password, and with a link (shown in the answer once; it works).
    let body = json!({"email": "rx@a.example", "name": "Rx", "role": "prescriber", "password": NEW_PASSWORD});
    let added = call(p, Method::POST, "/api/v1/clinic/staff", &admin, Some(body)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    assert_eq!(added.json()["member"]["email"], "rx@a.example");
    assert!(added.json()["set_password_link"].is_null());
    signed_in(p, "rx@a.example", NEW_PASSWORD).await;
    let body = json!({"email": "new@a.example", "name": "New", "role": "nurse"});
    let linked = call(p, Method::POST, "/api/v1/clinic/staff", &admin, Some(body)).await.json();
    let url = linked["set_password_link"]["url"].as_str().unwrap().to_owned();
    assert_eq!(redeem(p, &url, NEW_PASSWORD, NEW_PASSWORD).await.status, StatusCode::OK);
    let weak = json!({"email": "weak@a.example", "name": "Weak", "role": "nurse", "password": "password1234"});
    let refused = call(p, Method::POST, "/api/v1/clinic/staff", &admin, Some(weak)).await;
    assert_eq!(assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_input")["field"], "password");
    let root_body = json!({"email": "root2@a.example", "name": "Root", "role": "platform_admin"});
    assert_eq!(
        call(p, Method::POST, "/api/v1/clinic/staff", &admin, Some(root_body)).await.status,
        StatusCode::FORBIDDEN
    );
    let bad_role = json!({"email": "x@a.example", "name": "X", "role": "doctor"});
    let bad = call(p, Method::POST, "/api/v1/clinic/staff", &admin, Some(bad_role)).await;
    assert_eq!(assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_input")["field"], "role");

    // Role change and deactivation: the member's token answers 401 from then on, and their session ends.
    let member = format!("/api/v1/clinic/staff/{nurse}");
    let changed = call(p, Method::PATCH, &member, &admin, Some(json!({"role": "prescriber"}))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["role"], "prescriber");
    let (mut nurse_browser, _) = signed_in(p, "nurse@a.example", PASSWORD).await;
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &nurse_token, None).await.status, StatusCode::OK);
    let off = call(p, Method::PATCH, &member, &admin, Some(json!({"active": false}))).await;
    assert_eq!(off.json()["active"], false);
    assert_eq!(off.json()["token_count"], 0);
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &nurse_token, None).await.status, StatusCode::UNAUTHORIZED);
    assert_redirect(&nurse_browser.get("/portal").await, "/portal/login");
    let on = call(p, Method::PATCH, &member, &admin, Some(json!({"active": true, "role": "nurse"}))).await;
    assert_eq!((on.json()["active"].clone(), on.json()["role"].clone()), (json!(true), json!("nurse")));
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &nurse_token, None).await.status, StatusCode::UNAUTHORIZED);
    let empty = call(p, Method::PATCH, &member, &admin, Some(json!({}))).await;
    assert_error(&empty, StatusCode::BAD_REQUEST, "invalid_input");

    // Password reset: set by the admin, or a link.
    let reset =
        call(p, Method::POST, &format!("{member}/reset-password"), &admin, Some(json!({"password": NEW_PASSWORD})))
            .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    assert!(reset.json()["set_password_link"].is_null());
    signed_in(p, "nurse@a.example", NEW_PASSWORD).await;
    let by_link = call(p, Method::POST, &format!("{member}/reset-password"), &admin, Some(json!({}))).await.json();
    assert!(by_link["set_password_link"]["url"].as_str().unwrap().starts_with(set_password_link::PATH_PREFIX));
    assert!(by_link["set_password_link"]["expires_at"].as_str().is_some());

    // Tokens: listed, revoked (again: the same answer), then 401.
    let live = api_token(&p.store, "nurse@a.example").await;
    let tokens = call(p, Method::GET, &format!("{member}/tokens"), &admin, None).await.json();
    let tokens = tokens.as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    // Both tokens may carry the same creation instant, so the live one is found by its flag, not its place.
    let mut live_flags: Vec<bool> = tokens.iter().map(|t| t["live"].as_bool().unwrap()).collect();
    live_flags.sort();
    assert_eq!(live_flags, [false, true]);
    assert!(!format!("{tokens:?}").contains(&live), "a token's secret is never listed");
    let id = tokens.iter().find(|t| t["live"] == json!(true)).unwrap()["id"].as_str().unwrap();
    for _ in 0..2 {
        let revoked = call(p, Method::DELETE, &format!("{member}/tokens/{id}"), &admin, None).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
        assert_eq!(revoked.json()["live"], false);
    }
    assert_eq!(call(p, Method::GET, "/api/v1/patients", &live, None).await.status, StatusCode::UNAUTHORIZED);
    let unknown = format!("{member}/tokens/00000000-0000-7000-8000-000000000000");
    assert_eq!(call(p, Method::DELETE, &unknown, &admin, None).await.status, StatusCode::NOT_FOUND);

    // The last active admin cannot be demoted or deactivated (nor deactivate themselves): 409.
    let admin_id = id_of(p, "admin@a.example").await;
    let own = format!("/api/v1/clinic/staff/{admin_id}");
    let demote = call(p, Method::PATCH, &own, &admin, Some(json!({"role": "nurse"}))).await;
    assert!(
        assert_error(&demote, StatusCode::CONFLICT, "conflict")["message"]
            .as_str()
            .unwrap()
            .contains("last active clinic admin")
    );
    let off = call(p, Method::PATCH, &own, &root, Some(json!({"active": false}))).await;
    assert_error(&off, StatusCode::CONFLICT, "conflict");
    assert_error(
        &call(p, Method::PATCH, &own, &admin, Some(json!({"active": false}))).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // Tenancy and roles: another clinic's member 404 (a platform admin reaches them); nurses 403.
    let theirs = format!("/api/v1/clinic/staff/{other}");
    assert_eq!(call(p, Method::GET, &theirs, &admin, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        call(p, Method::PATCH, &theirs, &admin, Some(json!({"active": false}))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(call(p, Method::GET, &format!("{theirs}/tokens"), &admin, None).await.status, StatusCode::NOT_FOUND);
    assert!(p.store.staff_user(other).await.unwrap().unwrap().active);
    assert_eq!(call(p, Method::GET, &theirs, &root, None).await.status, StatusCode::OK);
    let nurse_token = api_token(&p.store, "nurse@a.example").await;
    assert_eq!(call(p, Method::GET, "/api/v1/clinic/staff", &nurse_token, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(call(p, Method::GET, &member, &nurse_token, None).await.status, StatusCode::FORBIDDEN);
    p.verified().await;
}

on_both_backends!(the_staff_api_runs_the_clinic_accounts, super::staff_api);
