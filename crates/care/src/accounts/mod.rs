//! Staff accounts outside HTTP: password strength and hashing, TOTP second factors, and the encryption of TOTP
//! keys at rest.

pub mod password;
pub mod totp;
pub mod totp_key;

pub use password::{PasswordError, check_new_password, hash_password, verify_password};
pub use totp_key::{SecretKey, SecretKeyError, TotpKeyError, TotpKeyRing};
