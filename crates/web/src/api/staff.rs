//! Staff administration over the API, `/api/v1/clinic/staff`: the account list, adding a member, one member,
//! a role change or (de)activation, a password reset, and a member's API tokens with revocation, through
//! [`ketapath_care::accounts::staff_admin`], the use cases the portal's `/portal/staff` pages call too.
//!
//! Clinic admins administer their own clinic's staff; platform admins any clinic's (the list takes `?clinic=ID`,
//! and lists every account without it). Nurses, prescribers and researchers get 403 before anything is read
//! ([`StaffAdministrator`]); another clinic's member, for a clinic admin, answers 404 like a missing one. A
//! set-password link's URL is in the answer that made it only: the store keeps its token's SHA-256.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::Response;
use ketapath_care::accounts::set_password_link::IssuedLink;
use ketapath_care::accounts::staff_admin::{self, Credential, NewMember, StaffAdmin};
use ketapath_clinical::InvalidInput;
use ketapath_directory::ClinicId;
use ketapath_store::domain::{Actor, ApiToken, ApiTokenId, Role, StaffAccount, StaffId};
use ketapath_store::{SecretString, Store};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::{IntoParams, ToSchema};

use super::openapi::codes;
use super::openapi_responses::JsonBody;
use super::openapi_schemas::Error;
use super::{created, private_json};
use crate::auth::StaffActor;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// A staff administrator of the API: a clinic admin or a platform admin, checked before the path or the body is
/// read, so that other roles get 403 whatever they send.
#[derive(Debug, Clone)]
pub struct StaffAdministrator {
    pub actor: Actor,
    pub store: Store,
}

impl StaffAdministrator {
    /// The use cases' proof of the role (checked when the extractor ran).
    pub fn admin(&self) -> Result<StaffAdmin<'_>, ApiError> {
        Ok(StaffAdmin::of(&self.actor)?)
    }
}

impl FromRequestParts<AppState> for StaffAdministrator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = StaffActor::from_request_parts(parts, state).await?;
        StaffAdmin::of(&staff.actor)?;
        Ok(StaffAdministrator { store: staff.store().clone(), actor: staff.actor })
    }
}

/// `{id}` naming a staff member; one that is not a staff id names no member (404).
#[derive(Debug, Clone, Copy, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    #[param(value_type = String)]
    pub id: StaffId,
}

impl<S: Send + Sync> FromRequestParts<S> for MemberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        StaffId::parse("id", &raw).map(|id| MemberPath { id }).map_err(|_| ApiError::NotFound)
    }
}

/// `{id}` and `{token_id}`: a member and one of their API tokens.
#[derive(Debug, Clone, Copy, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    #[param(value_type = String)]
    pub id: StaffId,
    #[param(value_type = String)]
    pub token_id: ApiTokenId,
}

impl<S: Send + Sync> FromRequestParts<S> for TokenPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath((id, token)) = ApiPath::<(String, String)>::from_request_parts(parts, state).await?;
        match (StaffId::parse("id", &id), ApiTokenId::parse("token_id", &token)) {
            (Ok(id), Ok(token_id)) => Ok(TokenPath { id, token_id }),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// The roles a staff account can hold.
fn roles() -> ObjectBuilder {
    codes(Role::ALL.iter().map(|r| r.code()))
}

fn rfc3339(at: OffsetDateTime) -> Result<String, ApiError> {
    at.format(&Rfc3339).map_err(|_| ApiError::Internal)
}

/// A staff member as the API shows them: never a password hash or a token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StaffMember)]
pub struct MemberDoc {
    id: String,
    email: String,
    /// The name shown in the portal, if any.
    name: Option<String>,
    #[schema(schema_with = roles)]
    role: &'static str,
    /// The clinic of a clinic role; `null` for platform admins and researchers.
    clinic_id: Option<String>,
    active: bool,
    /// The last portal sign-in, if ever (RFC 3339).
    #[schema(format = DateTime)]
    last_sign_in_at: Option<String>,
    /// Whether a TOTP second factor is enrolled and on.
    totp_enrolled: bool,
    /// How many of the member's API tokens are live (neither revoked nor expired).
    token_count: u32,
}

impl MemberDoc {
    fn of(account: &StaffAccount) -> Result<Self, ApiError> {
        Ok(Self {
            id: account.id.to_text(),
            email: account.email.clone(),
            name: Some(account.display_name.clone()).filter(|n| !n.is_empty()),
            role: account.role.code(),
            clinic_id: account.clinic_id.as_ref().map(|c| c.as_str().to_owned()),
            active: account.active,
            last_sign_in_at: account.last_sign_in_at.map(rfc3339).transpose()?,
            totp_enrolled: account.totp,
            token_count: account.live_tokens,
        })
    }
}

/// A one-time set-password link, shown in this answer only.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetPasswordLink {
    /// The path of the link's page (`/portal/set-password/{token}`): prefix the site's address and give it to the
    /// member. It works once, until `expires_at`.
    url: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

impl SetPasswordLink {
    fn of(link: &IssuedLink) -> Result<Self, ApiError> {
        Ok(Self { url: link.path(), expires_at: rfc3339(link.expires_at)? })
    }
}

/// A member just added, with their set-password link when no password was sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AddedStaffMember)]
pub struct AddedDoc {
    member: MemberDoc,
    set_password_link: Option<SetPasswordLink>,
}

/// The answer of a password reset: the link when no password was sent, else `null`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StaffPasswordReset)]
pub struct ResetDoc {
    set_password_link: Option<SetPasswordLink>,
}

/// An API token as the API lists it: never its secret or hash.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StaffApiToken)]
pub struct TokenDoc {
    id: String,
    name: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: Option<String>,
    #[schema(format = DateTime)]
    revoked_at: Option<String>,
    #[schema(format = DateTime)]
    last_used_at: Option<String>,
    /// Neither revoked nor expired.
    live: bool,
}

impl TokenDoc {
    fn of(token: &ApiToken, now: OffsetDateTime) -> Result<Self, ApiError> {
        Ok(Self {
            id: token.id.to_text(),
            name: token.name.clone(),
            created_at: rfc3339(token.created_at)?,
            expires_at: token.expires_at.map(rfc3339).transpose()?,
            revoked_at: token.revoked_at.map(rfc3339).transpose()?,
            last_used_at: token.last_used_at.map(rfc3339).transpose()?,
            live: token.revoked_at.is_none() && token.expires_at.is_none_or(|at| at > now),
        })
    }
}

/// `?clinic=ID` of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A platform admin's choice of clinic (every account without it); a clinic admin's own clinic, or omitted.
    clinic: Option<String>,
}

/// The body of `POST /api/v1/clinic/staff` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AddStaffMemberRequest)]
pub struct AddRequest {
    #[serde(default)]
    #[schema(required = true)]
    email: Option<String>,
    #[serde(default)]
    #[schema(required = true)]
    name: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = roles)]
    role: Option<String>,
    /// The clinic of a clinic role, for a platform admin (a clinic admin's members join their clinic).
    #[serde(default)]
    clinic: Option<String>,
    /// A password the admin sets (12 characters or more, not guessable); without it, the answer carries a
    /// one-time set-password link instead.
    #[serde(default)]
    password: Option<String>,
}

/// The body of `PATCH /api/v1/clinic/staff/{id}` as sent: either or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateStaffMemberRequest)]
pub struct UpdateRequest {
    #[serde(default)]
    #[schema(schema_with = roles)]
    role: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

/// The body of `POST /api/v1/clinic/staff/{id}/reset-password` as sent.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StaffPasswordResetRequest)]
pub struct ResetRequest {
    /// A new password the admin sets (their sessions end); without it, a one-time set-password link.
    #[serde(default)]
    password: Option<String>,
}

/// A role code sent in `field`.
fn role_of(field: &'static str, code: Option<&str>) -> Result<Role, InvalidInput> {
    let code = code.ok_or_else(|| InvalidInput::new(field, "is required"))?;
    Role::parse(code).map_err(|message| InvalidInput::new(field, message))
}

/// A clinic id sent in `field`: one that does not parse names no clinic (404, as an unknown one).
fn clinic_of(raw: Option<&str>) -> Result<Option<ClinicId>, ApiError> {
    raw.filter(|c| !c.is_empty()).map(|c| ClinicId::parse(c).map_err(|_| ApiError::NotFound)).transpose()
}

/// The credential a body asks for: its password, or a link without one.
fn credential_of(password: Option<String>) -> Credential {
    password.map_or(Credential::Link, |p| Credential::Password(SecretString::from(p)))
}

/// `GET /api/v1/clinic/staff`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/staff",
    operation_id = "listStaff",
    summary = "The staff accounts (clinic admins: their clinic; platform admins: `?clinic=ID`, or every account)",
    params(ListQuery),
    responses(
        (status = 200, description = "The accounts by e-mail", body = [MemberDoc]),
        (status = 404, description = "No such clinic, or another clinic than a clinic admin's own (`not_found`)", body = Error),
    )
)]
pub async fn list(staff: StaffAdministrator, Query(query): Query<ListQuery>) -> Result<Response, ApiError> {
    let clinic = clinic_of(query.clinic.as_deref())?;
    let accounts = staff_admin::list(&staff.store, staff.admin()?, clinic.as_ref()).await?;
    let docs = accounts.iter().map(MemberDoc::of).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&docs))
}

/// `POST /api/v1/clinic/staff`.
#[utoipa::path(
    post,
    path = "/api/v1/clinic/staff",
    operation_id = "addStaffMember",
    summary = "Add a staff member, with a password or a one-time set-password link",
    description = "A clinic admin adds clinic roles (`clinic_admin`, `prescriber`, `nurse`) to their own clinic; a platform admin adds any role, naming `clinic` for a clinic role. Without `password`, the answer's `set_password_link` is shown this once (72 hours, single use).",
    request_body = AddRequest,
    responses(
        (status = 201, description = "The member, and their set-password link when no password was sent", body = AddedDoc),
        (status = 400, description = "Invalid input (`invalid_input`, naming `email`, `name`, `role`, `clinic_id` or `password`) or a body that is not JSON (`malformed_json`)", body = Error),
        (status = 404, description = "No such clinic (`not_found`)", body = Error),
        JsonBody,
    )
)]
pub async fn add(staff: StaffAdministrator, ApiJson(request): ApiJson<AddRequest>) -> Result<Response, ApiError> {
    let role = role_of("role", request.role.as_deref())?;
    let email = request.email.ok_or_else(|| InvalidInput::new("email", "is required"))?;
    let name = request.name.ok_or_else(|| InvalidInput::new("name", "is required"))?;
    let new = NewMember { email, display_name: name, role, clinic: clinic_of(request.clinic.as_deref())? };
    let (user, link) = staff_admin::add(&staff.store, staff.admin()?, new, credential_of(request.password)).await?;
    let account = staff_admin::member(&staff.store, staff.admin()?, user.id).await?;
    let set_password_link = link.as_ref().map(SetPasswordLink::of).transpose()?;
    Ok(created(&AddedDoc { member: MemberDoc::of(&account)?, set_password_link }))
}

/// `GET /api/v1/clinic/staff/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/staff/{id}",
    operation_id = "getStaffMember",
    summary = "One staff member",
    params(MemberPath),
    responses(
        (status = 200, description = "The member", body = MemberDoc),
        (status = 404, description = "No such member in the caller's view (`not_found`; the same for another clinic's)", body = Error),
    )
)]
pub async fn get(staff: StaffAdministrator, MemberPath { id }: MemberPath) -> Result<Response, ApiError> {
    let account = staff_admin::member(&staff.store, staff.admin()?, id).await?;
    Ok(private_json(&MemberDoc::of(&account)?))
}

/// `PATCH /api/v1/clinic/staff/{id}`.
#[utoipa::path(
    patch,
    path = "/api/v1/clinic/staff/{id}",
    operation_id = "updateStaffMember",
    summary = "Change a member's role, or deactivate or reactivate them",
    description = "Deactivation ends the member's portal sessions and revokes their API tokens at once (they answer 401 from then on); reactivation brings neither back. A clinic admin cannot give a role outside the clinic (403); the last active clinic admin cannot be demoted or deactivated, nor an admin deactivate themselves (409 `conflict`).",
    params(MemberPath),
    request_body = UpdateRequest,
    responses(
        (status = 200, description = "The member as changed", body = MemberDoc),
        (status = 400, description = "Invalid input (`invalid_input`, naming `role` or `active`) or a body that is not JSON (`malformed_json`)", body = Error),
        (status = 404, description = "No such member in the caller's view (`not_found`; the same for another clinic's)", body = Error),
        (status = 409, description = "The change would leave the clinic without an active clinic admin, or the admin without their own account (`conflict`)", body = Error),
        JsonBody,
    )
)]
pub async fn update(
    staff: StaffAdministrator,
    MemberPath { id }: MemberPath,
    ApiJson(request): ApiJson<UpdateRequest>,
) -> Result<Response, ApiError> {
    if request.role.is_none() && request.active.is_none() {
        return Err(InvalidInput::new("role", "send role, active or both").into());
    }
    let role = request.role.as_deref().map(|r| role_of("role", Some(r))).transpose()?;
    let admin = staff.admin()?;
    // The role first: a demotion refused leaves the account as it was, active or not.
    if let Some(role) = role {
        staff_admin::set_role(&staff.store, admin, id, role).await?;
    }
    if let Some(active) = request.active {
        staff_admin::set_active(&staff.store, admin, id, active).await?;
    }
    let account = staff_admin::member(&staff.store, admin, id).await?;
    Ok(private_json(&MemberDoc::of(&account)?))
}

/// `POST /api/v1/clinic/staff/{id}/reset-password`.
#[utoipa::path(
    post,
    path = "/api/v1/clinic/staff/{id}/reset-password",
    operation_id = "resetStaffPassword",
    summary = "Reset a member's password: set one, or make a one-time set-password link",
    description = "With `password`, it becomes the member's password and their portal sessions end. Without it, the answer's `set_password_link` is shown this once; the old password works until the link is used.",
    params(MemberPath),
    request_body = ResetRequest,
    responses(
        (status = 200, description = "Reset; the link when no password was sent", body = ResetDoc),
        (status = 400, description = "Invalid input (`invalid_input`, naming `password` or `active`) or a body that is not JSON (`malformed_json`)", body = Error),
        (status = 404, description = "No such member in the caller's view (`not_found`; the same for another clinic's)", body = Error),
        JsonBody,
    )
)]
pub async fn reset_password(
    staff: StaffAdministrator,
    MemberPath { id }: MemberPath,
    ApiJson(request): ApiJson<ResetRequest>,
) -> Result<Response, ApiError> {
    let link = staff_admin::reset_password(&staff.store, staff.admin()?, id, credential_of(request.password)).await?;
    Ok(private_json(&ResetDoc { set_password_link: link.as_ref().map(SetPasswordLink::of).transpose()? }))
}

/// `GET /api/v1/clinic/staff/{id}/tokens`.
#[utoipa::path(
    get,
    path = "/api/v1/clinic/staff/{id}/tokens",
    operation_id = "listStaffTokens",
    summary = "A member's API tokens, oldest first (revoked and expired ones included)",
    params(MemberPath),
    responses(
        (status = 200, description = "The tokens", body = [TokenDoc]),
        (status = 404, description = "No such member in the caller's view (`not_found`; the same for another clinic's)", body = Error),
    )
)]
pub async fn tokens(staff: StaffAdministrator, MemberPath { id }: MemberPath) -> Result<Response, ApiError> {
    let tokens = staff_admin::tokens(&staff.store, staff.admin()?, id).await?;
    let now = staff.store.now();
    let docs = tokens.iter().map(|t| TokenDoc::of(t, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(private_json(&docs))
}

/// `DELETE /api/v1/clinic/staff/{id}/tokens/{token_id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/clinic/staff/{id}/tokens/{token_id}",
    operation_id = "revokeStaffToken",
    summary = "Revoke one of a member's API tokens (it answers 401 from then on)",
    description = "Revoking a token already revoked changes nothing and answers the same.",
    params(TokenPath),
    responses(
        (status = 200, description = "The token, revoked", body = TokenDoc),
        (status = 404, description = "No such member in the caller's view, or no such token of theirs (`not_found`)", body = Error),
    )
)]
pub async fn revoke_token(staff: StaffAdministrator, path: TokenPath) -> Result<Response, ApiError> {
    let admin = staff.admin()?;
    staff_admin::revoke_token(&staff.store, admin, path.id, path.token_id).await?;
    let tokens = staff_admin::tokens(&staff.store, admin, path.id).await?;
    let token = tokens.iter().find(|t| t.id == path.token_id).ok_or(ApiError::NotFound)?;
    Ok(private_json(&TokenDoc::of(token, staff.store.now())?))
}
