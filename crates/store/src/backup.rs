//! Backups: a consistent online copy of a SQLite database (`VACUUM INTO`), `pg_dump` for PostgreSQL, and
//! restoring a SQLite backup.

use std::path::Path;

use crate::db::Backend;
use crate::error::{StoreError, StoreResult};
use crate::store::{Store, StoreOptions};
use crate::url::{DatabaseUrl, OpenMode};

/// How a backup was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupMethod {
    /// SQLite `VACUUM INTO`: a consistent snapshot taken while the database stays online.
    SqliteVacuumInto,
    /// PostgreSQL `pg_dump --format=custom`; restore with `pg_restore`.
    PgDump,
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> StoreError {
    move |source| StoreError::Io { context, source }
}

impl Store {
    /// Writes a consistent copy of the database to `out`, which must not exist yet.
    pub async fn backup(&self, out: &Path) -> StoreResult<BackupMethod> {
        if out.exists() {
            return Err(StoreError::invalid("OUT", format!("{} exists; choose a new file name", out.display())));
        }
        match (self.backend(), self.url()) {
            (Backend::Sqlite { reader, .. }, _) => {
                let target = out.to_str().ok_or_else(|| StoreError::invalid("OUT", "the path must be valid UTF-8"))?;
                sqlx::query("VACUUM INTO $1").bind(target).execute(reader).await?;
                Ok(BackupMethod::SqliteVacuumInto)
            }
            (Backend::Postgres(_), DatabaseUrl::Postgres { url }) => {
                // The password goes in pg_dump's environment, never its arguments (visible to every local user).
                let (url, password) = crate::url::split_password(url);
                let mut command = tokio::process::Command::new("pg_dump");
                command.arg("--format=custom").arg("--file").arg(out).arg("--dbname").arg(&url);
                if let Some(password) = password {
                    command.env("PGPASSWORD", password);
                }
                let status = command.status().await;
                match status {
                    Ok(s) if s.success() => Ok(BackupMethod::PgDump),
                    Ok(s) => Err(StoreError::Unsupported(format!("pg_dump failed ({s}); see its message above"))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Unsupported(
                        "pg_dump is not installed; install the PostgreSQL client tools (Debian: postgresql-client) \
                         or back up with your own pg_dump as described in docs/ARCHITECTURE.md, section Store"
                            .to_owned(),
                    )),
                    Err(e) => Err(StoreError::Io { context: "running pg_dump".to_owned(), source: e }),
                }
            }
            (Backend::Postgres(_), DatabaseUrl::Sqlite { .. }) => {
                Err(StoreError::Unsupported("the store's URL and backend disagree".to_owned()))
            }
        }
    }
}

/// Restores a SQLite backup made by [`Store::backup`] to `target`. The backup is checked first (integrity and
/// schema version). An existing target is replaced only with `force`; stop every server using it first. The
/// copy is written beside the target and renamed over it, so a failure leaves the old database in place.
pub async fn restore_sqlite(backup: &Path, target: &DatabaseUrl, force: bool) -> StoreResult<()> {
    let DatabaseUrl::Sqlite { path } = target else {
        return Err(StoreError::Unsupported(
            "restore handles SQLite only; for PostgreSQL use pg_restore (docs/ARCHITECTURE.md, section Store)"
                .to_owned(),
        ));
    };
    let source_url = DatabaseUrl::Sqlite { path: backup.to_path_buf() };
    let source = Store::open_with(&source_url, OpenMode::MustExist, StoreOptions::default()).await?;
    let integrity = source.integrity_check().await?;
    let version = source.schema_version().await?;
    source.close().await;
    if integrity != "ok" {
        return Err(StoreError::invalid(
            "FILE",
            format!("{} fails its integrity check: {integrity}", backup.display()),
        ));
    }
    if version.is_none() {
        return Err(StoreError::invalid("FILE", format!("{} is not a KetaPath database", backup.display())));
    }
    if path.exists() && !force {
        return Err(StoreError::invalid(
            "--db",
            format!("{} exists; pass --force to replace it (stop every server using it first)", path.display()),
        ));
    }
    let mut tmp = path.clone().into_os_string();
    tmp.push(".restoring");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::copy(backup, &tmp).map_err(io(format!("copying {} to {}", backup.display(), tmp.display())))?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io(format!("syncing {}", tmp.display())))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::Io { context: format!("removing {}", side.to_string_lossy()), source: e });
            }
        }
    }
    std::fs::rename(&tmp, path).map_err(io(format!("renaming {} to {}", tmp.display(), path.display())))?;
    Ok(())
}
