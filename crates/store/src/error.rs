//! The store's error type: what went wrong, in terms a caller can act on, never carrying patient values.

use thiserror::Error;

/// A failure of a store operation.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database answered with an error (a constraint, a query it refused); never a lost connection, which is
    /// [`StoreError::Unavailable`].
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be reached right now (connection refused or lost, no pooled connection within the
    /// acquire timeout, the server shutting down or starting up): a condition that passes without operator action.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// The connection was lost while a transaction was committing, so whether the write was stored is unknown. It
    /// is reported as a failure, never as a success: the caller reads the record back before writing it again.
    #[error("database unavailable while committing; the write may or may not have been stored: {0}")]
    CommitUnknown(sqlx::Error),
    /// The direct SQLite reader of the bulk listing scan failed.
    #[error("database error while scanning listings: {0}")]
    Scan(#[from] rusqlite::Error),
    /// Applying the migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names a SQLite file that does not exist; only `migrate` (and `serve` on first run) create one.
    #[error(
        "database file {path} does not exist; run `ketapath migrate --db sqlite://{path}` to create it, or check the URL"
    )]
    MissingDatabase { path: String },
    /// The folder a SQLite file would live in does not exist; nothing creates folders, so that a typo in the path
    /// is reported rather than silently creating a directory tree.
    #[error(
        "database file {path}: the folder {folder} does not exist; create it (mkdir -p {folder}) or choose a path in an existing folder"
    )]
    MissingFolder { path: String, folder: String },
    /// The database URL is not one the store understands.
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The caller may not do this (wrong role, inactive user, another clinic).
    #[error("denied: {0}")]
    Denied(String),
    /// The record does not exist, or belongs to another clinic (the two are indistinguishable on purpose).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The input breaks a rule of the domain; `field` names the part at fault.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    /// The operation conflicts with the record's state (a form already submitted), or a concurrent write
    /// created the same record first (a unique key; see `db::unique_to_conflict`).
    #[error("{0}")]
    Conflict(String),
    /// A stored row could not be turned back into a domain value: the database holds something no writer produces.
    #[error("corrupt row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
    /// A file-system operation around the database failed (backup, restore).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// An operation that one backend does not support (for example `restore` on PostgreSQL).
    #[error("{0}")]
    Unsupported(String),
}

impl StoreError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid { field: field.into(), message: message.into() }
    }

    pub(crate) fn corrupt(table: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Corrupt { table, reason: reason.into() }
    }

    /// Whether the error is a user mistake (exit code 2) rather than a failure at run time.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid { .. }
                | StoreError::InvalidUrl { .. }
                | StoreError::MissingDatabase { .. }
                | StoreError::MissingFolder { .. }
        )
    }

    /// True when the database cannot be reached right now (see [`StoreError::Unavailable`]), including a commit
    /// whose outcome the lost connection left unknown: the web edge answers both with 503, never 500.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_) | StoreError::CommitUnknown(_))
    }

    /// The error of a failed COMMIT: a lost connection leaves the outcome unknown ([`StoreError::CommitUnknown`]);
    /// anything else is classified as every other database error.
    pub(crate) fn from_commit(error: sqlx::Error) -> Self {
        match StoreError::from(error) {
            StoreError::Unavailable(error) => StoreError::CommitUnknown(error),
            other => other,
        }
    }
}

/// Whether a driver error means the database cannot be reached right now, rather than that it refused the
/// statement. SQLSTATE class 08 is "connection exception"; 57P01-57P03 are admin shutdown, crash shutdown and
/// "cannot connect now" (the server is stopping or starting).
fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(db) => {
            db.code().is_some_and(|code| code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03"))
        }
        _ => false,
    }
}

impl From<sqlx::Error> for StoreError {
    /// Sorts a driver error into [`StoreError::Unavailable`] (the database is out of reach for now) or
    /// [`StoreError::Database`] (it answered and refused), so that callers match on a variant, not on driver details.
    fn from(error: sqlx::Error) -> Self {
        if is_unavailable(&error) { StoreError::Unavailable(error) } else { StoreError::Database(error) }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: std::io::ErrorKind) -> sqlx::Error {
        sqlx::Error::Io(std::io::Error::from(kind))
    }

    #[test]
    fn lost_connections_are_unavailable_and_refusals_are_not() {
        for lost in [io(std::io::ErrorKind::ConnectionRefused), io(std::io::ErrorKind::UnexpectedEof)] {
            assert!(matches!(StoreError::from(lost), StoreError::Unavailable(_)));
        }
        assert!(StoreError::from(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(StoreError::from(sqlx::Error::PoolClosed).is_unavailable());
        let refused = StoreError::from(sqlx::Error::RowNotFound);
        assert!(matches!(refused, StoreError::Database(_)) && !refused.is_unavailable());
    }

    #[test]
    fn a_commit_cut_off_is_unknown_and_a_refused_commit_is_not() {
        let cut_off = StoreError::from_commit(io(std::io::ErrorKind::ConnectionReset));
        assert!(matches!(cut_off, StoreError::CommitUnknown(_)) && cut_off.is_unavailable());
        assert!(cut_off.to_string().contains("may or may not have been stored"), "{cut_off}");
        assert!(matches!(StoreError::from_commit(sqlx::Error::RowNotFound), StoreError::Database(_)));
    }
}
