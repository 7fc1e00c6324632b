//! The clinic-scoped handle: the only way code serving clinic staff reaches patient data.
//!
//! A [`ClinicScope`] is bound to one clinic and one acting user with a role. Its methods take no clinic id:
//! every query filters on the bound clinic, and a record of another clinic answers "not found", exactly like a
//! record that does not exist. Every method that reads or writes patient data appends an audit event in the
//! same transaction, so data and audit commit together or not at all.

mod alerts;
mod care;
mod history;
mod overview;
pub(crate) mod patients;
mod referrals;
pub(crate) mod reviews;
mod treatment;

use std::borrow::Cow;

use ketapath_directory::{Clinic, ClinicId};

use crate::audited::{Audit, AuditedTx, Auditor};
use crate::db::{Record, Value, args};
use crate::domain::{Actor, AuditEvent, NewStaffUser, Role, StaffId, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::rows::staff::{AUDIT_COLUMNS, AuditRow, STAFF_COLUMNS, StaffRow};
use crate::statement::{Insert, Update};
use crate::store::Store;

/// A handle bound to one clinic and one acting staff member.
#[derive(Debug, Clone)]
pub struct ClinicScope {
    pub(crate) store: Store,
    pub(crate) actor: Actor,
    pub(crate) clinic_id: ClinicId,
}

/// The tables whose rows belong to a clinic, for existence checks inside the scope. A closed list, so that no
/// table name ever comes from input.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scoped {
    Patient,
    Course,
    TreatmentSession,
    Referral,
    Intake,
}

impl Scoped {
    /// The column that ties a child record to a record of this kind (`patient_id` of an assessment).
    fn parent_column(self) -> &'static str {
        match self {
            Scoped::Patient => "patient_id",
            Scoped::Course => "course_id",
            Scoped::TreatmentSession => "session_id",
            Scoped::Referral => "referral_id",
            Scoped::Intake => "intake_id",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Scoped::Patient => "patients",
            Scoped::Course => "courses",
            Scoped::TreatmentSession => "sessions",
            Scoped::Referral => "referrals",
            Scoped::Intake => "patient_intakes",
        }
    }

    pub(crate) fn entity(self) -> &'static str {
        match self {
            Scoped::Patient => "patient",
            Scoped::Course => "course",
            Scoped::TreatmentSession => "session",
            Scoped::Referral => "referral",
            Scoped::Intake => "intake",
        }
    }
}

/// The records a patient, course or session holds in one table, as [`ClinicScope::children`] and
/// [`ClinicScope::child`] read them: the table, its columns and the `ORDER BY` list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Children {
    pub table: &'static str,
    pub columns: &'static str,
    pub order: &'static str,
}

impl Children {
    /// The entity the audit event names: the table's name in the singular (`assessments`, `assessment`), as every
    /// audit event of the store names it.
    fn entity(self) -> &'static str {
        self.table.strip_suffix('s').unwrap_or(self.table)
    }

    fn select(self, parent: Scoped) -> String {
        let Children { table, columns, order, .. } = self;
        format!(
            "SELECT {columns} FROM {table} WHERE clinic_id = $1 AND {} = $2 ORDER BY {order}",
            parent.parent_column()
        )
    }
}

impl Store {
    /// Opens the patient-data scope for `actor`. Denied unless the actor has a clinic role, belongs to a clinic,
    /// and is an active user of that clinic with that role in the database. Platform admins and researchers never
    /// get a scope: they do not see patient identities.
    pub async fn for_clinic(&self, actor: &Actor) -> StoreResult<ClinicScope> {
        if !actor.role.is_clinic_role() {
            return Err(StoreError::Denied(format!("the {} role has no access to patient records", actor.role)));
        }
        let Some(clinic_id) = actor.clinic_id.clone() else {
            return Err(StoreError::Denied("the user belongs to no clinic".to_owned()));
        };
        let mut tx = self.begin_read().await?;
        let user = crate::sign_in::staff_by_id(&mut tx, &actor.user_id.to_text()).await?;
        self.scope_of_read_user(actor, clinic_id, user.as_ref())
    }

    /// The scope of `actor` at `clinic_id`, if `user` (the actor's account, read from the database just now) is
    /// active and holds that role at that clinic: the check of [`Store::for_clinic`], shared with the API token
    /// look-up, which reads the same row.
    pub(crate) fn scope_of_read_user(
        &self,
        actor: &Actor,
        clinic_id: ClinicId,
        user: Option<&StaffUser>,
    ) -> StoreResult<ClinicScope> {
        match user {
            Some(u) if u.active && u.role == actor.role && u.clinic_id.as_ref() == Some(&clinic_id) => {
                Ok(ClinicScope { store: self.clone(), actor: actor.clone(), clinic_id })
            }
            Some(u) if !u.active => Err(StoreError::Denied("the user is not active".to_owned())),
            _ => Err(StoreError::Denied("the user does not hold this role at this clinic".to_owned())),
        }
    }
}

impl ClinicScope {
    pub fn clinic_id(&self) -> &ClinicId {
        &self.clinic_id
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn role(&self) -> Role {
        self.actor.role
    }

    pub(crate) fn clinic(&self) -> &str {
        self.clinic_id.as_str()
    }

    pub(crate) fn actor_text(&self) -> String {
        self.actor.user_id.to_text()
    }

    /// Fails unless the acting user has one of `roles`.
    pub(crate) fn require_role(&self, roles: &[Role], what: &str) -> StoreResult<()> {
        if roles.contains(&self.actor.role) {
            Ok(())
        } else {
            Err(StoreError::Denied(format!("the {} role may not {what}", self.actor.role)))
        }
    }

    /// The store's "now", so that a caller's checks (date bounds) use the same clock as the scope's writes.
    pub fn now(&self) -> time::OffsetDateTime {
        self.store.now()
    }

    /// Starts a write transaction whose audit events name this scope's user, role, clinic and origin. It commits
    /// only with its events ([`AuditedTx::commit_with`]); reads of patient data use it too, since they append one.
    pub(crate) async fn begin_audited(&self) -> StoreResult<AuditedTx<'_>> {
        let by = Auditor { clinic_id: Some(Cow::Borrowed(self.clinic())), ..Auditor::staff(&self.actor) };
        AuditedTx::begin(&self.store, by).await
    }

    /// Fails with "not found" unless the record exists in this clinic.
    pub(crate) async fn require(&self, tx: &mut AuditedTx<'_>, kind: Scoped, id: String) -> StoreResult<()> {
        let sql = format!("SELECT COUNT(*) FROM {} WHERE id = $1 AND clinic_id = $2", kind.table());
        let (n,): (i64,) = tx.fetch_one(&sql, &args![id, self.clinic()]).await?;
        if n == 1 { Ok(()) } else { Err(StoreError::NotFound { entity: kind.entity() }) }
    }

    /// An insert of a new record `id` of `table` that belongs to this clinic: the one start of every new record of a
    /// clinic, so that none of them can be stored without its clinic.
    pub(crate) fn insert_own(&self, table: &'static str, id: impl Into<Value>) -> Insert {
        Insert::into(table).value("id", id).value("clinic_id", self.clinic())
    }

    /// An update of record `id` of `table` that belongs to this clinic: the one start of every update of a clinic's
    /// record by its id, so that none of them can forget the clinic filter.
    pub(crate) fn update_own(&self, table: &'static str, id: impl Into<Value>) -> Update {
        Update::table(table).filter("id", id).filter("clinic_id", self.clinic())
    }

    /// Record `id` of this clinic read with `columns`, or "not found": the one select behind every read of a
    /// record by its id and every re-read after an update, so that none of them can forget the clinic filter.
    pub(crate) async fn scoped_row<R: Record>(
        &self,
        tx: &mut AuditedTx<'_>,
        kind: Scoped,
        columns: &str,
        id: String,
    ) -> StoreResult<R> {
        let sql = format!("SELECT {columns} FROM {} WHERE id = $1 AND clinic_id = $2", kind.table());
        let row: Option<R> = tx.fetch_optional(&sql, &args![id, self.clinic()]).await?;
        row.ok_or(StoreError::NotFound { entity: kind.entity() })
    }

    /// Every record of `of` that belongs to `parent` (a patient, course or session of this clinic, else "not
    /// found"), audited as one list read under the parent.
    pub(crate) async fn children<R: Record, T>(
        &self,
        parent: Scoped,
        parent_id: String,
        of: Children,
        into_domain: fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let audit = |entity, parent| Audit::list(entity, parent);
        let rows: Vec<R> = self.rows_of_parent(parent, parent_id, of, audit).await?;
        rows.into_iter().map(into_domain).collect()
    }

    /// The one row of `of` that belongs to `parent`, if any (a patient's intake, a session's REMS form; a unique
    /// key allows no second one), audited as a read under the parent.
    pub(crate) async fn child<R: Record>(
        &self,
        parent: Scoped,
        parent_id: String,
        of: Children,
    ) -> StoreResult<Option<R>> {
        let audit = |entity, parent| Audit::read(entity, parent);
        Ok(self.rows_of_parent(parent, parent_id, of, audit).await?.into_iter().next())
    }

    /// The rows `sql` selects with `values`, decoded, read in one transaction committed with the one list event
    /// `audit`: every clinic-wide list (referrals, alerts, the audit log, the REMS form dashboard) reads this way.
    pub(crate) async fn listed<R: Record, T>(
        &self,
        sql: &str,
        values: &[Value],
        audit: Audit,
        into_domain: fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let mut tx = self.begin_audited().await?;
        let rows: Vec<R> = tx.fetch_all(sql, values).await?;
        tx.commit_with(audit).await?;
        rows.into_iter().map(into_domain).collect()
    }

    /// The rows behind [`Self::children`] and [`Self::child`], committed with the one event `audit` makes.
    async fn rows_of_parent<R: Record>(
        &self,
        parent: Scoped,
        parent_id: String,
        of: Children,
        audit: fn(&'static str, String) -> Audit,
    ) -> StoreResult<Vec<R>> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, parent, parent_id.clone()).await?;
        let rows = tx.fetch_all(&of.select(parent), &args![self.clinic(), parent_id.clone()]).await?;
        tx.commit_with(audit(of.entity(), format!("{}:{parent_id}", parent.entity()))).await?;
        Ok(rows)
    }

    /// The clinic's own listing (deleted listings included, since staff still work there).
    pub async fn clinic_listing(&self) -> StoreResult<Clinic> {
        let mut tx = self.store.begin_read().await?;
        let row: Option<crate::rows::clinic::ClinicRow> = tx
            .fetch_optional(
                &format!("SELECT {} FROM clinics WHERE id = $1", crate::rows::clinic::CLINIC_COLUMNS),
                &args![self.clinic()],
            )
            .await?;
        row.ok_or(StoreError::NotFound { entity: "clinic" })?.into_clinic()
    }

    /// The clinic's staff accounts.
    pub async fn staff(&self) -> StoreResult<Vec<StaffUser>> {
        let mut tx = self.store.begin_read().await?;
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff_users WHERE clinic_id = $1 ORDER BY email");
        tx.fetch_decoded(&sql, &args![self.clinic()], StaffRow::into_domain).await
    }

    /// Adds a staff member to this clinic (clinic admins only; only clinic roles).
    pub async fn create_staff(&self, new: NewStaffUser) -> StoreResult<StaffUser> {
        self.require_role(&[Role::ClinicAdmin], "manage staff")?;
        if !new.role.is_clinic_role() {
            return Err(StoreError::invalid("role", format!("a clinic cannot create a {} account", new.role)));
        }
        let new = NewStaffUser { clinic_id: Some(self.clinic_id.clone()), ..new };
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        let user = crate::auth::insert_staff(tx.db(), now, &new).await?;
        tx.commit_with(Audit::create("staff_user", user.id.to_text())).await?;
        Ok(user)
    }

    /// Activates or deactivates a staff member of this clinic (clinic admins only); deactivating ends their
    /// sign-in sessions at once.
    pub async fn set_staff_active(&self, id: StaffId, active: bool) -> StoreResult<()> {
        self.require_role(&[Role::ClinicAdmin], "manage staff")?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.update_own("staff_users", id.to_text())
            .set("active", active)
            .set("updated_at", now)
            .execute_one(tx.db(), "staff user")
            .await?;
        if !active {
            crate::staff::end_sessions_of(tx.db(), id, now).await?;
            crate::password_links::end_links_of(tx.db(), id, now).await?;
        }
        tx.commit_with(Audit::update("staff_user", id.to_text())).await
    }

    /// This clinic's audit events, newest first (clinic admins only). Reading the log is itself logged.
    pub async fn audit_events(&self, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.require_role(&[Role::ClinicAdmin], "read the audit log")?;
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE clinic_id = $1 ORDER BY seq DESC LIMIT $2");
        let audit = Audit::list("audit_event", "*".to_owned());
        self.listed(&sql, &args![self.clinic(), limit], audit, AuditRow::into_domain).await
    }
}
