//! Database URLs and the guard against a mistyped URL silently creating an empty database.

use std::path::{Path, PathBuf};

use crate::db::BackendKind;
use crate::error::{StoreError, StoreResult};

/// The database used when no `--db` or `KETAPATH_DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://ketapath.db";

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH` or `sqlite:PATH`; the path is relative to the working directory unless absolute
    /// (`sqlite:///var/lib/ketapath.db`).
    Sqlite { path: PathBuf },
    /// `postgres://…` or `postgresql://…`, passed to the driver unchanged.
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> StoreResult<Self> {
        let invalid = |reason: &str| StoreError::InvalidUrl { url: raw.to_owned(), reason: reason.to_owned() };
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres { url: raw.to_owned() });
        }
        let Some(rest) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) else {
            return Err(invalid("expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE"));
        };
        if rest.is_empty() {
            return Err(invalid("the SQLite URL has no file path"));
        }
        if rest.starts_with(":memory:") || rest.contains('?') {
            return Err(invalid("in-memory databases and URL options are not supported; the store sets its own"));
        }
        Ok(DatabaseUrl::Sqlite { path: PathBuf::from(rest) })
    }

    pub fn kind(&self) -> BackendKind {
        match self {
            DatabaseUrl::Sqlite { .. } => BackendKind::Sqlite,
            DatabaseUrl::Postgres { .. } => BackendKind::Postgres,
        }
    }

    /// The SQLite file, if this is a SQLite URL.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DatabaseUrl::Sqlite { path } => Some(path),
            DatabaseUrl::Postgres { .. } => None,
        }
    }

    /// Whether this is the default database (`serve` may create it on first run).
    pub fn is_default(&self) -> bool {
        DatabaseUrl::parse(DEFAULT_DATABASE_URL).is_ok_and(|d| &d == self)
    }

    /// The URL as text, for messages. PostgreSQL URLs have their password removed.
    pub fn display(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => redact_password(url),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((userinfo, host)) = rest.split_once('@') else { return url.to_owned() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// A PostgreSQL URL without its password, and the password (percent-decoded), so that a child process such as
/// `pg_dump` can get the password in its environment (`PGPASSWORD`) instead of its argument list, which any local
/// user can read with `ps`.
pub(crate) fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.to_owned(), None) };
    let Some((userinfo, host)) = rest.split_once('@') else { return (url.to_owned(), None) };
    match userinfo.split_once(':') {
        Some((user, password)) => (format!("{scheme}://{user}@{host}"), Some(percent_decode(password))),
        None => (url.to_owned(), None),
    }
}

/// Decodes `%XX` escapes (as libpq does for URL parts); anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Whether opening may create a missing database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Refuse a SQLite URL whose file does not exist (every command but `migrate`, and `serve` off the default).
    MustExist,
    /// Create the database when it does not exist (`migrate`; `serve` for the default path).
    CreateIfMissing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_backends() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/k.db").unwrap(),
            DatabaseUrl::Sqlite { path: PathBuf::from("data/k.db") }
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///abs/k.db").unwrap(),
            DatabaseUrl::Sqlite { path: PathBuf::from("/abs/k.db") }
        );
        assert_eq!(DatabaseUrl::parse("sqlite:k.db").unwrap().sqlite_path(), Some(Path::new("k.db")));
        assert_eq!(DatabaseUrl::parse("postgres://u@h/d").unwrap().kind(), BackendKind::Postgres);
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
        assert!(DatabaseUrl::parse(DEFAULT_DATABASE_URL).unwrap().is_default());
    }

    #[test]
    fn the_password_is_split_off_and_decoded() {
        assert_eq!(
            split_password("postgres://u:s%40cr%3At@h:5432/d"),
            ("postgres://u@h:5432/d".to_owned(), Some("s@cr:t".to_owned()))
        );
        assert_eq!(split_password("postgres://u@h/d"), ("postgres://u@h/d".to_owned(), None));
        assert_eq!(split_password("postgres://h/d"), ("postgres://h/d".to_owned(), None));
        assert_eq!(split_password("postgres://u:100%@h/d").1.as_deref(), Some("100%"));
    }

    #[test]
    fn passwords_are_not_displayed() {
        let url = DatabaseUrl::parse("postgres://u:secret@h:5432/d").unwrap();
        assert_eq!(url.display(), "postgres://u:***@h:5432/d");
    }
}
