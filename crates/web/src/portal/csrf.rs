//! CSRF protection of every portal form, in one extractor so that no handler can forget it.
//!
//! [`PortalForm`] requires, in this order: a live session ([`PortalStaff`], else a redirect to sign-in), a
//! same-origin request (`Sec-Fetch-Site`, else `Origin`/`Referer`: the check the clinic report form uses), and a
//! hidden `csrf` field equal to the session's synchronizer token, compared in constant time. The sign-in form has
//! no session yet, so it uses a double-submit cookie instead ([`login_token_ok`]). Cookie-authenticated API calls
//! send the same token in `X-CSRF-Token` (see `crate::auth`).

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::response::Response;
use subtle::ConstantTimeEq;

use super::sign_in_cookie::{PortalStaff, cookie, is_secret, login_cookie_name};
use crate::error::{ApiError, respond};
use crate::pages::check::FormBody;
use crate::pages::clinic::is_same_origin;
use crate::state::AppState;

/// The hidden field every portal form carries.
pub const FIELD: &str = "csrf";
/// The header cookie-authenticated API calls carry.
pub const HEADER: &str = "x-csrf-token";

/// Whether `sent` equals `expected`, in time independent of where they differ.
pub fn tokens_match(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

/// The fields of a form body, in order. `Debug` shows the names only: the values include passwords and codes.
#[derive(Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Fields").field(&self.0.iter().map(|(name, _)| name).collect::<Vec<_>>()).finish()
    }
}

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Fields(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
    }

    /// A refusal naming the first field whose name or value holds a NUL character: no field means one, and
    /// PostgreSQL's text columns cannot store it (a patient's name with one answered 500).
    pub fn refuse_nul(&self) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
            Some((name, _)) => Err(ApiError::InvalidInput(ketapath_clinical::InvalidInput::new(
                name.replace('\0', ""),
                "must not contain a NUL character",
            ))),
            None => Ok(()),
        }
    }

    /// Every value of `name`, trimmed, in order (checkbox groups).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).collect()
    }

    /// The first value of `name`, untrimmed (passwords).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The refusal of a form that failed the origin or token check: 403, as a page (with the staff member's bar when
/// the session is known).
fn refused(path: &str, state: &AppState, staff: Option<&PortalStaff>) -> Response {
    let error = ApiError::Forbidden(
        "This form did not come from this KetaPath portal page, or the page was open too long. Go back, reload the \
         page and try again."
            .to_owned(),
    );
    match staff {
        Some(staff) => super::refuse(staff, state.config.demo, path, error),
        None => respond(path, state.config.demo, error),
    }
}

/// A portal form post from a signed-in staff member, checked against cross-site request forgery.
#[derive(Debug, Clone)]
pub struct PortalForm {
    pub staff: PortalStaff,
    pub fields: Fields,
}

impl FromRequest<AppState> for PortalForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = PortalStaff::from_request_parts(&mut parts, state).await?;
        let path = parts.uri.path().to_owned();
        if !is_same_origin(&parts.headers) {
            return Err(refused(&path, state, Some(&staff)));
        }
        let FormBody(bytes) = FormBody::from_request(Request::from_parts(parts, body), state).await?;
        let fields = Fields::parse(&bytes);
        if !fields.raw(FIELD).is_some_and(|sent| tokens_match(sent, staff.csrf())) {
            return Err(refused(&path, state, Some(&staff)));
        }
        fields.refuse_nul().map_err(|error| super::refuse(&staff, state.config.demo, &path, error))?;
        Ok(PortalForm { staff, fields })
    }
}

/// Whether a sign-in post passes the pre-session checks: same origin, and the form's `csrf` field equal to the
/// sign-in cookie set with the form.
pub fn login_token_ok(state: &AppState, headers: &HeaderMap, fields: &Fields) -> bool {
    let Some(expected) = cookie(headers, login_cookie_name(state)).filter(|v| is_secret(v)) else { return false };
    is_same_origin(headers) && fields.raw(FIELD).is_some_and(|sent| tokens_match(sent, expected))
}

/// The 403 page of a sign-in post that failed [`login_token_ok`].
pub fn login_refused(state: &AppState) -> Response {
    refused(super::sign_in_cookie::LOGIN_PATH, state, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_exactly() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
        assert!(!tokens_match("ab", "abc"));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn fields_keep_passwords_untrimmed() {
        let fields = Fields::parse(b"email=+a%40b.example+&password=+pw+&csrf=x");
        assert_eq!(fields.get("email"), Some("a@b.example"));
        assert_eq!(fields.raw("password"), Some(" pw "));
        assert_eq!(fields.get("missing"), None);
        let shown = format!("{fields:?}");
        assert!(shown.contains("password") && !shown.contains(" pw "), "{shown}");
    }
}
