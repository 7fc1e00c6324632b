//! Staff accounts outside HTTP: password strength and hashing, and TOTP second factors.

pub mod password;
pub mod totp;

pub use password::{PasswordError, check_new_password, hash_password, verify_password};
