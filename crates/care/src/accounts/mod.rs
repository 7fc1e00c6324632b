//! Staff accounts outside HTTP: password strength and hashing, TOTP second factors, the encryption of TOTP
//! keys at rest, the staff lifecycle (deactivation, password resets, roles, API tokens) and one-time set-password
//! links.

pub mod lifecycle;
pub mod password;
pub mod set_password_link;
pub mod totp;
pub mod totp_key;

pub use password::{PasswordError, check_new_password, hash_password, verify_password};
pub use totp_key::{SecretKey, SecretKeyError, TotpKeyError, TotpKeyRing};
