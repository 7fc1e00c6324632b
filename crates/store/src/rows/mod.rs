//! Row types: the stored shape of each table, decoded by sqlx on either backend and converted to and from
//! domain types here, so that the rest of the crate never handles raw columns.

pub mod care;
pub mod clinic;
pub mod patient;
pub mod research;
pub mod session_alert;
pub mod sign_in;
pub mod staff;
pub mod treatment;

use ketapath_directory::ClinicId;

use crate::error::{StoreError, StoreResult};

/// Parses a stored id column into its newtype, reporting corruption against the table.
pub(crate) fn parse_id<T>(table: &'static str, raw: &str, make: fn(uuid::Uuid) -> T) -> StoreResult<T> {
    uuid::Uuid::parse_str(raw).map(make).map_err(|e| StoreError::corrupt(table, format!("id {raw:?}: {e}")))
}

pub(crate) fn parse_id_opt<T>(
    table: &'static str,
    raw: Option<&str>,
    make: fn(uuid::Uuid) -> T,
) -> StoreResult<Option<T>> {
    raw.map(|r| parse_id(table, r, make)).transpose()
}

pub(crate) fn parse_clinic_id(table: &'static str, raw: &str) -> StoreResult<ClinicId> {
    ClinicId::parse(raw).map_err(|e| StoreError::corrupt(table, e))
}

/// Parses a stored code with a domain `parse` function.
pub(crate) fn parse_code<T>(table: &'static str, raw: &str, parse: fn(&str) -> Result<T, String>) -> StoreResult<T> {
    parse(raw).map_err(|e| StoreError::corrupt(table, e))
}

/// A boolean column as a JSON aggregate carries it: `true`/`false` from PostgreSQL, `1`/`0` from SQLite, which has
/// no boolean type.
pub(crate) fn bool_or_int<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Bool(bool),
        Int(i64),
    }
    Ok(match serde::Deserialize::deserialize(deserializer)? {
        Stored::Bool(b) => b,
        Stored::Int(i) => i != 0,
    })
}
