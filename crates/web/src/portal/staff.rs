//! `/portal/staff`: a clinic admin runs the clinic's accounts without the command line (a platform admin any
//! clinic's): the list with role, status, last sign-in and second factor; adding a member with a password the admin
//! sets or a one-time set-password link shown once; and per member (`/portal/staff/{id}`) a role change,
//! deactivation and reactivation behind a confirmation, a password reset (either way), and their API tokens with
//! revocation. Every page and form goes through [`ketapath_care::accounts::staff_admin`], the use cases the API's
//! `/api/v1/clinic/staff` routes call, so both refuse the same things: other roles 403, another clinic's member 404,
//! a demotion or deactivation that would leave the clinic without an active clinic admin (or the admin without their
//! own account) 409, a weak password 400; a refusal shows the page again with the reason.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_care::accounts::set_password_link::IssuedLink;
use ketapath_care::accounts::staff_admin::{self, Credential, NewMember, StaffAdmin};
use ketapath_care::clinic_time::ClinicTime;
use ketapath_clinical::InvalidInput;
use ketapath_directory::ClinicId;
use ketapath_store::SecretString;
use ketapath_store::domain::{ApiToken, ApiTokenId, Role, StaffAccount, StaffId};

use super::csrf::{Fields, PortalForm};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout, role_label};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;

pub const PATH: &str = "/portal/staff";

/// A member as the list and their page show them.
struct MemberRow {
    href: String,
    email: String,
    name: String,
    role: &'static str,
    role_code: &'static str,
    clinic: String,
    active: bool,
    last_sign_in: String,
    two_factor: &'static str,
    tokens: u32,
}

impl MemberRow {
    fn of(account: &StaffAccount, zone: &ClinicTime) -> Self {
        MemberRow {
            href: format!("{PATH}/{}", account.id),
            email: account.email.clone(),
            name: account.display_name.clone(),
            role: role_label(account.role),
            role_code: account.role.code(),
            clinic: account.clinic_id.as_ref().map_or_else(|| "None (platform)".to_owned(), |c| c.as_str().to_owned()),
            active: account.active,
            last_sign_in: account.last_sign_in_at.map_or_else(|| "Never".to_owned(), |at| zone.show(at)),
            two_factor: if account.totp { "Yes" } else { "No" },
            tokens: account.live_tokens,
        }
    }
}

/// An API token as the member's page lists it.
struct TokenRow {
    name: String,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    /// The revoke form's action, for a live token.
    revoke: Option<String>,
}

impl TokenRow {
    fn of(token: &ApiToken, member: StaffId, zone: &ClinicTime, now: time::OffsetDateTime) -> Self {
        let state = match (token.revoked_at, token.expires_at) {
            (Some(_), _) => "Revoked",
            (None, Some(at)) if at <= now => "Expired",
            (None, _) => "Live",
        };
        TokenRow {
            name: token.name.clone(),
            created: zone.show(token.created_at),
            expires: token.expires_at.map_or_else(|| "Never".to_owned(), |at| zone.show(at)),
            last_used: token.last_used_at.map_or_else(|| "Never".to_owned(), |at| zone.show(at)),
            state,
            revoke: (state == "Live").then(|| format!("{PATH}/{member}/tokens/{}/revoke", token.id)),
        }
    }
}

/// The roles this admin may give, with their words: a clinic admin the clinic roles, a platform admin every role.
fn roles(admin: StaffAdmin<'_>) -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .filter(|r| admin.clinic().is_none() || r.is_clinic_role())
        .map(|r| (r.code(), role_label(*r)))
        .collect()
}

#[derive(Template)]
#[template(path = "portal_staff.html")]
struct ListPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    members: Vec<MemberRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// A platform admin names the clinic of a new member.
    platform: bool,
    message: Option<String>,
}

/// What the member's page asks to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Deactivate,
    Reactivate,
}

#[derive(Template)]
#[template(path = "portal_staff_member.html")]
struct MemberPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    member: MemberRow,
    action: String,
    roles: Vec<(&'static str, &'static str)>,
    tokens: Vec<TokenRow>,
    /// The signed-in admin's own account: it cannot be deactivated from here.
    own: bool,
    confirm: Option<Confirm>,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_staff_link.html")]
struct LinkPage {
    layout: Layout,
    bar: Bar,
    email: String,
    url: String,
    expires_at: String,
    member_href: String,
}

/// The admin of a staff page; any other role's refusal (403) to show as the page's error.
fn admin_of(staff: &PortalStaff) -> Result<StaffAdmin<'_>, ApiError> {
    Ok(StaffAdmin::of(staff.actor())?)
}

/// The clock dates are shown on: the clinic's for a clinic admin, UTC for a platform admin (who has no clinic).
async fn zone_of(staff: &PortalStaff) -> ClinicTime {
    match staff.scope().await {
        Ok(Some(scope)) => ClinicTime::of(&scope).await.unwrap_or_else(|_| ClinicTime::utc()),
        _ => ClinicTime::utc(),
    }
}

/// The status of a refusal shown on its page again, and its message.
fn refusal(error: ApiError) -> Result<(StatusCode, String), ApiError> {
    let status = error.status();
    if status.is_server_error() {
        return Err(error);
    }
    let field = error.field().map(|f| format!("{f}: ")).unwrap_or_default();
    Ok((status, format!("Not changed. {field}{error}")))
}

async fn list_page(
    state: &AppState,
    staff: &PortalStaff,
    admin: StaffAdmin<'_>,
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let demo = state.config.demo;
    let accounts = match staff_admin::list(staff.store(), admin, None).await {
        Ok(accounts) => accounts,
        Err(error) => return respond(PATH, demo, error.into()),
    };
    let zone = zone_of(staff).await;
    let page = ListPage {
        layout: layout("Staff", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        members: accounts.iter().map(|a| MemberRow::of(a, &zone)).collect(),
        roles: roles(admin),
        platform: admin.clinic().is_none(),
        message,
    };
    render(status, &page)
}

/// `GET /portal/staff`.
pub async fn list(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let admin = match admin_of(&staff) {
        Ok(admin) => admin,
        Err(error) => return respond(PATH, state.config.demo, error),
    };
    list_page(&state, &staff, admin, StatusCode::OK, None).await
}

/// The credential a form asks for: `credential=password` with `password`, else a link.
fn credential_of(fields: &Fields) -> Credential {
    match fields.get("credential") {
        Some("password") => Credential::Password(SecretString::from(fields.raw("password").unwrap_or_default())),
        _ => Credential::Link,
    }
}

/// The page showing a new set-password link, once.
async fn link_page(state: &AppState, staff: &PortalStaff, email: &str, member: StaffId, link: &IssuedLink) -> Response {
    let zone = zone_of(staff).await;
    let page = LinkPage {
        layout: layout("Set-password link", state.config.demo, PATH),
        bar: Bar::of(staff),
        email: email.to_owned(),
        url: link.path(),
        expires_at: zone.show(link.expires_at),
        member_href: format!("{PATH}/{member}"),
    };
    render(StatusCode::CREATED, &page)
}

/// `POST /portal/staff`: adds a member (`email`, `name`, `role`, a platform admin's `clinic`) with
/// `credential=password` and `password`, or a set-password link (`credential=link`), shown once.
pub async fn add(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let staff = &form.staff;
    let admin = match admin_of(staff) {
        Ok(admin) => admin,
        Err(error) => return respond(PATH, demo, error),
    };
    let fields = &form.fields;
    let added = async {
        let role = Role::parse(fields.get("role").unwrap_or_default()).map_err(|m| InvalidInput::new("role", m))?;
        let clinic = match fields.get("clinic").filter(|c| !c.is_empty()) {
            Some(c) => Some(ClinicId::parse(c).map_err(|_| ApiError::NotFound)?),
            None => None,
        };
        let new = NewMember {
            email: fields.get("email").unwrap_or_default().to_owned(),
            display_name: fields.get("name").unwrap_or_default().to_owned(),
            role,
            clinic,
        };
        Ok::<_, ApiError>(staff_admin::add(staff.store(), admin, new, credential_of(fields)).await?)
    };
    match added.await {
        Ok((user, Some(link))) => link_page(&state, staff, &user.email, user.id, &link).await,
        Ok((user, None)) => see_other(&format!("{PATH}/{}", user.id)),
        Err(error) => match refusal(error) {
            Ok((status, message)) => list_page(&state, staff, admin, status, Some(message)).await,
            Err(error) => respond(PATH, demo, error),
        },
    }
}

/// The admin and the member a `/portal/staff/{id}…` route names: 403 for other roles first, then 404 for an id
/// that is no member in the admin's view.
async fn member_of<'a>(
    staff: &'a PortalStaff,
    demo: bool,
    id: &str,
) -> Result<(StaffAdmin<'a>, StaffAccount), Response> {
    let path = format!("{PATH}/{id}");
    let admin = admin_of(staff).map_err(|error| respond(&path, demo, error))?;
    let id = StaffId::parse("id", id).map_err(|_| respond(&path, demo, ApiError::NotFound))?;
    let account = staff_admin::member(staff.store(), admin, id).await.map_err(|e| respond(&path, demo, e.into()))?;
    Ok((admin, account))
}

async fn member_page(
    state: &AppState,
    staff: &PortalStaff,
    admin: StaffAdmin<'_>,
    account: &StaffAccount,
    status: StatusCode,
    confirm: Option<Confirm>,
    message: Option<String>,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{}", account.id);
    let tokens = match staff_admin::tokens(staff.store(), admin, account.id).await {
        Ok(tokens) => tokens,
        Err(error) => return respond(&path, demo, error.into()),
    };
    let zone = zone_of(staff).await;
    let now = staff.store().now();
    let page = MemberPage {
        layout: layout(account.display_name.clone(), demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        member: MemberRow::of(account, &zone),
        action: path,
        roles: roles(admin),
        tokens: tokens.iter().map(|t| TokenRow::of(t, account.id, &zone, now)).collect(),
        own: account.id == staff.actor().user_id,
        confirm,
        message,
    };
    render(status, &page)
}

/// After a change: the member's page again, with the refusal when there was one.
async fn after_change(
    state: &AppState,
    staff: &PortalStaff,
    admin: StaffAdmin<'_>,
    account: &StaffAccount,
    changed: Result<Option<String>, ApiError>,
) -> Response {
    let path = format!("{PATH}/{}", account.id);
    let (status, message) = match changed {
        Ok(None) => return see_other(&path),
        Ok(Some(message)) => (StatusCode::OK, message),
        Err(error) => match refusal(error) {
            Ok(refused) => refused,
            Err(error) => return respond(&path, state.config.demo, error),
        },
    };
    // The member as they are now (a refused change left them as they were).
    let account = staff_admin::member(staff.store(), admin, account.id).await.unwrap_or_else(|_| account.clone());
    member_page(state, staff, admin, &account, status, None, Some(message)).await
}

/// `GET /portal/staff/{id}`.
pub async fn show(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    match member_of(&staff, state.config.demo, &id).await {
        Ok((admin, account)) => member_page(&state, &staff, admin, &account, StatusCode::OK, None, None).await,
        Err(response) => response,
    }
}

/// `POST /portal/staff/{id}/role` with `role`.
pub async fn set_role(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let staff = &form.staff;
    let (admin, account) = match member_of(staff, state.config.demo, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let changed = async {
        let code = form.fields.get("role").unwrap_or_default();
        let role = Role::parse(code).map_err(|m| InvalidInput::new("role", m))?;
        staff_admin::set_role(staff.store(), admin, account.id, role).await?;
        Ok(None)
    };
    after_change(&state, staff, admin, &account, changed.await).await
}

/// `POST /portal/staff/{id}/active` with `active` (`yes` or `no`): without `confirm=yes` it only asks.
pub async fn set_active(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let staff = &form.staff;
    let (admin, account) = match member_of(staff, state.config.demo, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let active = match form.fields.get("active") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            let error = ApiError::InvalidInput(InvalidInput::new("active", "must be yes or no"));
            return after_change(&state, staff, admin, &account, Err(error)).await;
        }
    };
    if form.fields.get("confirm") != Some("yes") {
        let confirm = if active { Confirm::Reactivate } else { Confirm::Deactivate };
        return member_page(&state, staff, admin, &account, StatusCode::OK, Some(confirm), None).await;
    }
    let changed = staff_admin::set_active(staff.store(), admin, account.id, active).await.map(|_| None);
    after_change(&state, staff, admin, &account, changed.map_err(ApiError::from)).await
}

/// `POST /portal/staff/{id}/password`: `credential=password` with `password` sets it (their sessions end);
/// `credential=link` makes a set-password link, shown once.
pub async fn reset_password(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let staff = &form.staff;
    let (admin, account) = match member_of(staff, state.config.demo, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match staff_admin::reset_password(staff.store(), admin, account.id, credential_of(&form.fields)).await {
        Ok(Some(link)) => link_page(&state, staff, &account.email, account.id, &link).await,
        Ok(None) => {
            let done = "Password set. Their portal sessions have ended; give them the new password in person.";
            after_change(&state, staff, admin, &account, Ok(Some(done.to_owned()))).await
        }
        Err(error) => after_change(&state, staff, admin, &account, Err(error.into())).await,
    }
}

/// `POST /portal/staff/{id}/tokens/{token_id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiPath((id, token)): ApiPath<(String, String)>,
    form: PortalForm,
) -> Response {
    let staff = &form.staff;
    let (admin, account) = match member_of(staff, state.config.demo, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Ok(token) = ApiTokenId::parse("token_id", &token) else {
        return respond(&format!("{PATH}/{id}"), state.config.demo, ApiError::NotFound);
    };
    match staff_admin::revoke_token(staff.store(), admin, account.id, token).await {
        Ok(_) => see_other(&format!("{PATH}/{}", account.id)),
        Err(error) => respond(&format!("{PATH}/{id}"), state.config.demo, error.into()),
    }
}
