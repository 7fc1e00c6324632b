//! The research side of the store: consent history, patient addresses, the per-clinic choice to publish outcomes,
//! and the research read, which hands ONLY consenting patients' records to `ketapath-research`.
//!
//! Two doors lead to the read, both audited once per run (no patient id in the event):
//! - [`ClinicScope::for_each_research_page`], a clinic's own consenting patients, for its own statistics;
//! - [`ResearchReader`], across clinics, opened by [`Store::research_reader`] for an active `researcher` account,
//!   or by [`Store::research_reader_for_admin_cli_and_registry`] for the admin command line and the web server's
//!   registry refresher. Data leaves it only as [`ResearchPatient`] values, whose identifiers the research crate
//!   strips or pseudonymises before anything is written or shown.
//!
//! The read walks the patients (of every clinic, or of one) in id order, a page at a time, and fetches each table
//! for the page's clinics and id range through `(clinic_id, patient_id)` indexes, so that memory per page is
//! bounded and no query scans a table.
//! Each table of a page is read in bulk (`snapshot.rs`: directly from a SQLite file, or as one JSON array built by
//! PostgreSQL). The export reads
//! in its own order instead ([`ResearchReader::for_each_page_in_order`]): every consenting patient's id first,
//! sorted by the caller's key, then the records of each page of ids. Every page of one run is read in one
//! transaction, so the run sees one snapshot (SQLite's read transaction; PostgreSQL's repeatable read).

use std::borrow::Cow;
use std::collections::HashMap;

use ketapath_clinical::protocols::{BloodPressure, Modality, ProtocolSettings, bp_gate};
use ketapath_research::{Consent, ConsentStatus, ResearchPatient, StatsPatient};
use time::Date;

use crate::audited::{Audit, AuditedTx, Auditor};
use crate::clock::{date_from_text, date_to_text, from_micros};
use crate::db::args;
use crate::domain::{
    Actor, AuditAction, ConsentRecord, ConsentRecordId, OutcomePublication, PatientAddress, PatientId, Role, StaffId,
};
use crate::error::{StoreError, StoreResult};
use crate::research_build::{RECORDS, STATISTICS};
use crate::research_page::{Selection, fetch_rows, read_patients};
use crate::rows::patient::{PATIENT_COLUMNS, PatientRow};
use crate::rows::{parse_clinic_id, parse_id, parse_id_opt};
use crate::scope::{ClinicScope, Scoped};
use crate::snapshot::{Snapshot, SqliteReader};
use crate::statement::{Insert, Update};
use crate::store::Store;

/// A `patient_addresses` row as read: street, city, state, ZIP.
type AddressColumns = (Option<String>, Option<String>, Option<String>, Option<String>);

/// Patients read per page by default: large enough that the per-page queries are few, small enough that a page
/// of 40 assessments each stays a few megabytes.
pub const RESEARCH_PAGE: usize = 2_000;

/// Why research data is read; recorded in the audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResearchUse {
    /// A de-identified export (CLI or the researcher route).
    Export,
    /// Registry statistics (CLI, the registry refresher, a clinic's own statistics). The read builds only what the
    /// figures use ([`StatsPatient`]; see `Depth::Statistics`).
    Statistics,
}

impl ResearchUse {
    fn entity_id(self) -> &'static str {
        match self {
            ResearchUse::Export => "export",
            ResearchUse::Statistics => "statistics",
        }
    }

    fn action(self) -> AuditAction {
        match self {
            ResearchUse::Export => AuditAction::Export,
            ResearchUse::Statistics => AuditAction::List,
        }
    }
}

/// The cross-clinic research read. Obtain it with [`Store::research_reader`] (researcher accounts) or
/// [`Store::research_reader_for_admin_cli_and_registry`].
#[derive(Debug, Clone)]
pub struct ResearchReader {
    store: Store,
    actor_id: Option<String>,
    actor_role: &'static str,
    origin: String,
    /// Which reader a SQLite run uses (see [`SqliteReader`]).
    sqlite: SqliteReader,
}

impl Store {
    /// Opens the cross-clinic research read for an active researcher account; every other role is denied.
    pub async fn research_reader(&self, actor: &Actor) -> StoreResult<ResearchReader> {
        if actor.role != Role::Researcher {
            return Err(StoreError::Denied(format!("the {} role may not read research data", actor.role)));
        }
        let mut tx = self.begin_read().await?;
        let (n,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM staff_users WHERE id = $1 AND role = $2 AND active = $3",
                &args![actor.user_id.to_text(), Role::Researcher.code(), true],
            )
            .await?;
        if n != 1 {
            return Err(StoreError::Denied("the user is not an active researcher".to_owned()));
        }
        Ok(ResearchReader {
            store: self.clone(),
            actor_id: Some(actor.user_id.to_text()),
            actor_role: Role::Researcher.code(),
            origin: actor.origin.as_str().to_owned(),
            sqlite: SqliteReader::Direct,
        })
    }

    /// The research read for the admin command line (`ketapath export research`, `ketapath registry`) and the web
    /// server's registry refresher, audited as the system. Named so that any other use stands out in review.
    pub fn research_reader_for_admin_cli_and_registry(&self, origin: &str) -> ResearchReader {
        ResearchReader {
            store: self.clone(),
            actor_id: None,
            actor_role: "system",
            origin: origin.to_owned(),
            sqlite: SqliteReader::Direct,
        }
    }

    /// The clinics that chose to publish their outcomes in the directory. Public: no patient data.
    pub async fn clinics_publishing_outcomes(&self) -> StoreResult<Vec<ketapath_directory::ClinicId>> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String,)> = tx
            .fetch_all("SELECT clinic_id FROM outcome_publication WHERE publish = $1 ORDER BY clinic_id", &args![true])
            .await?;
        rows.into_iter().map(|(id,)| parse_clinic_id("outcome_publication", &id)).collect()
    }
}

impl ResearchReader {
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn sqlite(&self) -> SqliteReader {
        self.sqlite
    }

    /// Who this reader's audit events name: the reader, in no clinic.
    pub(crate) fn auditor(&self) -> Auditor<'_> {
        Auditor {
            actor_id: self.actor_id.clone(),
            actor_role: Cow::Borrowed(self.actor_role),
            clinic_id: None,
            origin: Cow::Borrowed(&self.origin),
        }
    }

    /// Builds and stores the statistics record of every patient whose records changed since theirs was stored
    /// (or who has none), so that the registry reads one stored record per patient instead of their rows. A read
    /// is right without it (it builds a changed patient from their rows); this only makes it fast. Returns how many
    /// patients were rebuilt; one audit event per page of them, naming no patient.
    pub async fn refresh_statistics(&self) -> StoreResult<u64> {
        crate::research_stored::refresh(self).await
    }

    /// Appends the one audit event of a run (naming the use and no patient). The run's read transactions follow:
    /// one snapshot for every page of the run on both backends (SQLite's deferred read transaction keeps the
    /// snapshot of its first read; PostgreSQL is asked for a repeatable read).
    async fn audit_run(&self, purpose: ResearchUse) -> StoreResult<()> {
        let tx = AuditedTx::begin(&self.store, self.auditor()).await?;
        tx.commit_with(Audit::new(purpose.action(), "research_patient", purpose.entity_id())).await
    }

    /// Appends a run's audit event and opens the run's read transactions, which read its pages in parallel.
    async fn begin_run(&self, purpose: ResearchUse) -> StoreResult<Vec<Snapshot>> {
        self.audit_run(purpose).await?;
        Snapshot::open_parallel(&self.store, self.sqlite).await
    }

    /// This reader, reading SQLite through the sqlx driver as PostgreSQL is read, instead of directly: for tests
    /// that prove both readers give the same patients.
    #[cfg(feature = "test-support")]
    pub fn through_driver_for_tests(mut self) -> Self {
        self.sqlite = SqliteReader::Driver;
        self
    }

    /// Every consenting patient on `as_of`, across clinics, as the registry reads them (no identifier but the
    /// clinic's, see [`StatsPatient`]), in pages of at most `page` patients handed to `f`, in patient id order. One
    /// audit event is appended before the read, naming the statistics use and no patient.
    pub async fn for_each_statistics_page<F, E>(&self, as_of: Date, page: usize, mut f: F) -> Result<u64, E>
    where
        F: FnMut(Vec<StatsPatient>) -> Result<(), E>,
        E: From<StoreError>,
    {
        let tx = self.begin_run(ResearchUse::Statistics).await?;
        read_patients(tx, None, Population::Consenting { as_of }, STATISTICS, page, &mut f).await
    }

    /// Every consenting patient's full records on `as_of`, across clinics, in pages of at most `page` patients
    /// handed to `f`, in patient id order. One audit event is appended before the read, naming the export use and
    /// no patient.
    pub async fn for_each_page<F, E>(&self, as_of: Date, page: usize, mut f: F) -> Result<u64, E>
    where
        F: FnMut(Vec<ResearchPatient>) -> Result<(), E>,
        E: From<StoreError>,
    {
        let tx = self.begin_run(ResearchUse::Export).await?;
        read_patients(tx, None, Population::Consenting { as_of }, RECORDS, page, &mut f).await
    }

    /// Every consenting patient on `as_of`, across clinics, in pages of at most `page` patients handed to `f`, in
    /// the order of `order_key` over the patient ids (ties by id). The de-identified export orders patients by
    /// pseudonym, so reading them in that order lets it write each page's rows as they come. One audit event.
    pub async fn for_each_page_in_order<K, O, F, E>(
        &self,
        as_of: Date,
        page: usize,
        order_key: O,
        mut f: F,
    ) -> Result<u64, E>
    where
        K: Ord,
        O: Fn(&str) -> K,
        F: FnMut(Vec<ResearchPatient>) -> Result<(), E>,
        E: From<StoreError>,
    {
        let mut pages = self.pages_in_order(as_of, page, order_key).await?;
        let mut total = 0;
        while let Some(patients) = pages.next().await? {
            total += patients.len() as u64;
            f(patients)?;
        }
        Ok(total)
    }

    /// The pages of [`Self::for_each_page_in_order`] as a cursor that the caller pulls, for a reader that must
    /// wait between pages (the export route waits for the client to take each part of the file). The audit
    /// event is appended and every consenting patient's id read before this returns, so that a refusal or a
    /// database failure still comes before anything is sent.
    pub async fn pages_in_order<K, O>(&self, as_of: Date, page: usize, order_key: O) -> StoreResult<OrderedPages>
    where
        K: Ord,
        O: Fn(&str) -> K,
    {
        self.audit_run(ResearchUse::Export).await?;
        let mut tx = Snapshot::open(&self.store, self.sqlite).await?;
        // Only the flag's yes can be consent (see `consent_decision`); the decision itself is made per page.
        let candidates: Vec<(String, String)> =
            tx.all("patients", "SELECT clinic_id, id FROM patients WHERE research_consent = $1", &args![true]).await?;
        let mut clinics: Vec<String> = Vec::new();
        let mut order: Vec<(K, u128, u32)> = Vec::with_capacity(candidates.len());
        for (clinic, id) in candidates {
            // Ids are kept as 16 bytes, not text, so that a million of them stay a few tens of megabytes.
            let uuid = parse_id("patients", &id, PatientId)?.as_uuid();
            let clinic_index = match clinics.iter().position(|c| *c == clinic) {
                Some(i) => i,
                None => {
                    clinics.push(clinic);
                    clinics.len() - 1
                }
            };
            let clinic_index =
                u32::try_from(clinic_index).map_err(|_| StoreError::corrupt("patients", "too many clinics"))?;
            order.push((order_key(&id), uuid.as_u128(), clinic_index));
        }
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let order = order.into_iter().map(|(_, id, clinic)| (id, clinic)).collect();
        Ok(OrderedPages { tx, clinics, order, next: 0, page: page.max(1), as_of })
    }

    /// Every consenting patient's full records on `as_of` in one vector (see [`Self::for_each_page`]).
    pub async fn patients(&self, as_of: Date) -> StoreResult<Vec<ResearchPatient>> {
        let mut all = Vec::new();
        self.for_each_page(as_of, RESEARCH_PAGE, |page| {
            all.extend(page);
            Ok::<_, StoreError>(())
        })
        .await?;
        Ok(all)
    }

    /// Every consenting patient on `as_of` as the registry reads them, in one vector (see
    /// [`Self::for_each_statistics_page`]).
    pub async fn statistics_patients(&self, as_of: Date) -> StoreResult<Vec<StatsPatient>> {
        let mut all = Vec::new();
        self.for_each_statistics_page(as_of, RESEARCH_PAGE, |page| {
            all.extend(page);
            Ok::<_, StoreError>(())
        })
        .await?;
        Ok(all)
    }
}

/// The pages of consenting patients in a caller's order (see [`ResearchReader::pages_in_order`]), read from one
/// snapshot as they are asked for. Holds the ids of the run (32 bytes each: the 16-byte id and its clinic's index,
/// aligned) and, while a page is read, that page.
pub struct OrderedPages {
    tx: Snapshot,
    clinics: Vec<String>,
    /// Every candidate's id and the index of its clinic in `clinics`, in the caller's order.
    order: Vec<(u128, u32)>,
    /// The position in `order` of the next page's first patient.
    next: usize,
    page: usize,
    as_of: Date,
}

impl OrderedPages {
    /// The next page's consenting patients (a page can hold fewer than it read, or none, when consents were
    /// withdrawn), or `None` after the last page.
    pub async fn next(&mut self) -> StoreResult<Option<Vec<ResearchPatient>>> {
        while self.next < self.order.len() {
            let end = (self.next + self.page).min(self.order.len());
            let chunk = &self.order[self.next..end];
            self.next = end;
            // One query per table per clinic present in the chunk; the patients come back by clinic and are put
            // back in the chunk's order.
            let mut by_clinic: HashMap<u32, Vec<String>> = HashMap::new();
            for (id, clinic) in chunk {
                by_clinic.entry(*clinic).or_default().push(PatientId(uuid::Uuid::from_u128(*id)).to_text());
            }
            let population = Population::Consenting { as_of: self.as_of };
            // Keyed by the 16-byte id, as the rest of the read is, so that putting the page back in order formats
            // no id as text.
            let mut read: HashMap<u128, ResearchPatient> = HashMap::with_capacity(chunk.len());
            for (clinic, ids) in by_clinic {
                let clinic = &self.clinics[clinic as usize];
                let selection = Selection::Ids { clinics: std::slice::from_ref(clinic), ids: &ids };
                let (clause, values) = selection.clause("id");
                let rows: Vec<PatientRow> =
                    self.tx.rows("patients", PATIENT_COLUMNS, &format!("patients WHERE {clause}"), &values).await?;
                let rows = fetch_rows(&mut self.tx, rows, &selection, RECORDS.depth).await?;
                let patients = (RECORDS.build)(rows, population)?;
                for patient in patients {
                    let id = parse_id("patients", &patient.patient_id, PatientId)?.as_uuid().as_u128();
                    read.insert(id, patient);
                }
            }
            let patients: Vec<ResearchPatient> = chunk.iter().filter_map(|(id, _)| read.remove(id)).collect();
            if !patients.is_empty() {
                return Ok(Some(patients));
            }
        }
        Ok(None)
    }
}

/// The research-consent decision the store acts on for one patient, from the patient's `research_consent` flag,
/// the registration date and the latest decision of the consent history: the one reading shared by the research
/// read and the portal's patient page, so that the page cannot say what the export does not do. `None` is no
/// consent (the flag is off and no withdrawal is recorded).
pub fn consent_decision(flag: bool, registered_on: Date, latest: Option<Consent>) -> Option<Consent> {
    match (flag, latest) {
        // The flag says yes: the history, when it has rows, must say yes too; a consent that predates the history
        // (given on registration or with the intake) counts from the registration date.
        (true, Some(latest)) => Some(latest),
        (true, None) => Some(Consent::given(registered_on)),
        // The flag says no: a recorded withdrawal is what the patient decided; anything else is no consent.
        (false, Some(latest)) if latest.status == ConsentStatus::Withdrawn => Some(latest),
        (false, _) => None,
    }
}

impl ClinicScope {
    /// Records a research-consent decision for a patient of this clinic and makes it the patient's current state.
    /// Any clinic role may record it, since the form is usually taken at the front desk.
    pub async fn record_research_consent(
        &self,
        patient: PatientId,
        status: ConsentStatus,
        decided_on: Date,
    ) -> StoreResult<ConsentRecord> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        let at = from_micros("research_consents", now)?;
        crate::bounds::date(ketapath_clinical::dates::DateKind::Consent, "decided_on", decided_on, at)?;
        let record = ConsentRecord {
            id: ConsentRecordId::new(at),
            patient_id: patient,
            status,
            decided_on,
            recorded_by: Some(self.actor().user_id),
            recorded_at: at,
        };
        Insert::into("research_consents")
            .value("id", record.id.to_text())
            .value("clinic_id", self.clinic())
            .value("patient_id", patient.to_text())
            .value("status", status_code(status))
            .value("decided_on", date_to_text(decided_on))
            .value("recorded_by", self.actor_text())
            .value("recorded_at", now)
            .execute(tx.db())
            .await?;
        Update::table("patients")
            .set("research_consent", status == ConsentStatus::Given)
            .set("updated_at", now)
            .filter("id", patient.to_text())
            .filter("clinic_id", self.clinic())
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::create("research_consent", record.id.to_text())).await?;
        Ok(record)
    }

    /// A patient's research-consent history, oldest first.
    pub async fn research_consents(&self, patient: PatientId) -> StoreResult<Vec<ConsentRecord>> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        let rows: Vec<ConsentRow> = tx
            .fetch_all(
                "SELECT id, patient_id, status, decided_on, recorded_by, recorded_at FROM research_consents \
                 WHERE clinic_id = $1 AND patient_id = $2 ORDER BY recorded_at, id",
                &args![self.clinic(), patient.to_text()],
            )
            .await?;
        tx.commit_with(Audit::list("research_consent", format!("patient:{patient}"))).await?;
        rows.into_iter().map(ConsentRow::into_domain).collect()
    }

    /// Sets (replaces) a patient's postal address.
    pub async fn set_patient_address(&self, patient: PatientId, address: PatientAddress) -> StoreResult<()> {
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        tx.execute("DELETE FROM patient_addresses WHERE patient_id = $1", &args![patient.to_text()]).await?;
        Insert::into("patient_addresses")
            .value("patient_id", patient.to_text())
            .value("clinic_id", self.clinic())
            .value("street", address.street)
            .value("city", address.city)
            .value("state", address.state)
            .value("zip", address.zip)
            .value("updated_at", now)
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::update("patient_address", patient.to_text())).await
    }

    /// Sets the ZIP code of a patient's address inside `tx`, keeping the street, city and state (the intake records
    /// a ZIP only); the caller checks the patient and commits with a `patient_address` event.
    pub(crate) async fn set_address_zip(
        &self,
        tx: &mut AuditedTx<'_>,
        patient: PatientId,
        zip: &str,
    ) -> StoreResult<()> {
        let now = tx.now();
        let changed = Update::table("patient_addresses")
            .set("zip", zip)
            .set("updated_at", now)
            .filter("patient_id", patient.to_text())
            .filter("clinic_id", self.clinic())
            .execute(tx.db())
            .await?;
        if changed == 0 {
            Insert::into("patient_addresses")
                .value("patient_id", patient.to_text())
                .value("clinic_id", self.clinic())
                .value("zip", zip)
                .value("updated_at", now)
                .execute(tx.db())
                .await?;
        }
        Ok(())
    }

    /// A patient's postal address, if one was recorded (by the intake's ZIP or the portal's address form).
    pub async fn patient_address(&self, patient: PatientId) -> StoreResult<Option<PatientAddress>> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, Scoped::Patient, patient.to_text()).await?;
        let row: Option<AddressColumns> = tx
            .fetch_optional(
                "SELECT street, city, state, zip FROM patient_addresses WHERE clinic_id = $1 AND patient_id = $2",
                &args![self.clinic(), patient.to_text()],
            )
            .await?;
        tx.commit_with(Audit::read("patient_address", patient.to_text())).await?;
        Ok(row.map(|(street, city, state, zip)| PatientAddress { street, city, state, zip }))
    }

    /// Turns the publication of this clinic's outcomes in the directory on or off (clinic admins only).
    pub async fn set_publish_outcomes(&self, publish: bool) -> StoreResult<OutcomePublication> {
        self.require_role(&[Role::ClinicAdmin], "change outcome publication")?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        tx.execute("DELETE FROM outcome_publication WHERE clinic_id = $1", &args![self.clinic()]).await?;
        Insert::into("outcome_publication")
            .value("clinic_id", self.clinic())
            .value("publish", publish)
            .value("updated_at", now)
            .value("updated_by", self.actor_text())
            .execute(tx.db())
            .await?;
        tx.commit_with(Audit::update("outcome_publication", self.clinic().to_owned())).await?;
        Ok(OutcomePublication {
            clinic_id: self.clinic_id().clone(),
            publish,
            updated_at: from_micros("outcome_publication", now)?,
        })
    }

    /// Whether this clinic publishes its outcomes (off until a clinic admin turns it on).
    pub async fn publishes_outcomes(&self) -> StoreResult<bool> {
        let mut tx = self.store.begin_read().await?;
        let row: Option<(bool,)> = tx
            .fetch_optional("SELECT publish FROM outcome_publication WHERE clinic_id = $1", &args![self.clinic()])
            .await?;
        Ok(row.is_some_and(|(p,)| p))
    }

    /// This clinic's consenting patients on `as_of` for its own statistics, in pages of at most `page` patients
    /// handed to `f` at the statistics depth (see [`ResearchUse::Statistics`]): memory holds one page, whatever the
    /// clinic's size. One audit event for the read.
    pub async fn for_each_research_page<F, E>(&self, as_of: Date, page: usize, mut f: F) -> Result<u64, E>
    where
        F: FnMut(Vec<StatsPatient>) -> Result<(), E>,
        E: From<StoreError>,
    {
        let tx = self.begin_audited().await?;
        tx.commit_with(Audit::list("research_patient", "statistics".to_owned())).await?;
        let tx = Snapshot::open_parallel(&self.store, SqliteReader::Direct).await?;
        let population = Population::Consenting { as_of };
        read_patients(tx, Some(self.clinic()), population, STATISTICS, page, &mut f).await
    }

    /// Every patient of this clinic with their care records, whatever their research consent, for the clinic's
    /// own outcome figures, which never leave the clinic (the clinic measuring its own care is not a research
    /// use). Clinic admins and prescribers only; one audit event for the read.
    pub async fn outcome_patients(&self) -> StoreResult<Vec<ResearchPatient>> {
        self.require_role(&[Role::ClinicAdmin, Role::Prescriber], "read the clinic's outcome figures")?;
        let tx = self.begin_audited().await?;
        tx.commit_with(Audit::list("research_patient", "clinic_outcomes".to_owned())).await?;
        let tx = Snapshot::open_parallel(&self.store, SqliteReader::Direct).await?;
        let mut all = Vec::new();
        read_patients(tx, Some(self.clinic()), Population::AllOfClinic, RECORDS, RESEARCH_PAGE, &mut |page| {
            all.extend(page);
            Ok::<_, StoreError>(())
        })
        .await?;
        Ok(all)
    }
}

/// Whose records a read of one clinic hands over.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Population {
    /// Patients whose research consent stands on `as_of`: everything that may leave the clinic.
    Consenting { as_of: Date },
    /// Every patient of the clinic: its own outcome figures, shown to its own staff only.
    AllOfClinic,
    /// Patients who gave a research consent, whatever its date, with that consent: the stored statistics records,
    /// whose consent each read checks for its own date (`research_stored.rs`).
    Decided,
}

/// How much of each patient's records a read builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Everything the research model holds: the export and the clinic's outcome report.
    Records,
    /// What the registry's figures are computed from, for [`ResearchUse::Statistics`]: the columns that
    /// [`StatsPatient`] holds, and of the observations only the blood pressures that the gate figures are derived
    /// from. Only the statistics builder (`research_page::STATISTICS`) reads rows read at this depth.
    Statistics,
}

fn status_code(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Given => "given",
        ConsentStatus::Withdrawn => "withdrawn",
    }
}

fn parse_status(table: &'static str, raw: &str) -> StoreResult<ConsentStatus> {
    match raw {
        "given" => Ok(ConsentStatus::Given),
        "withdrawn" => Ok(ConsentStatus::Withdrawn),
        other => Err(StoreError::corrupt(table, format!("unknown consent status {other:?}"))),
    }
}

#[derive(Debug, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct ConsentRow {
    pub(crate) id: String,
    patient_id: String,
    status: String,
    decided_on: String,
    recorded_by: Option<String>,
    pub(crate) recorded_at: i64,
}

impl ConsentRow {
    pub(crate) fn into_domain(self) -> StoreResult<ConsentRecord> {
        const T: &str = "research_consents";
        Ok(ConsentRecord {
            id: parse_id(T, &self.id, ConsentRecordId)?,
            patient_id: parse_id(T, &self.patient_id, PatientId)?,
            status: parse_status(T, &self.status)?,
            decided_on: date_from_text(T, &self.decided_on)?,
            recorded_by: parse_id_opt(T, self.recorded_by.as_deref(), StaffId)?,
            recorded_at: from_micros(T, self.recorded_at)?,
        })
    }
}

/// What the stored records say about a session's pre-dose blood-pressure gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedGate {
    pub checked: bool,
    pub blocked: bool,
    pub overridden: bool,
}

/// What the records say about a session's pre-dose blood-pressure gate. The gate counts as checked when a blood
/// pressure was taken before the first dose (or in a session without a dose), and as blocked when the clinical rule
/// (`ketapath_clinical::protocols::bp_gate`, default settings) blocks on that reading. It counts as overridden when
/// the session holds a prescriber's `bp_gate` override (table `gate_overrides`, written in the same transaction as
/// the dose it let through); an override implies the gate was checked and blocked, whatever reading is stored.
pub fn bp_gate_from_records(
    modality: Modality,
    pre_dose: Option<BloodPressure>,
    overridden: bool,
    settings: &ProtocolSettings,
) -> DerivedGate {
    if overridden {
        return DerivedGate { checked: true, blocked: true, overridden: true };
    }
    match pre_dose {
        None => DerivedGate { checked: false, blocked: false, overridden: false },
        Some(reading) => {
            DerivedGate { checked: true, blocked: bp_gate(modality, reading, settings).is_blocked(), overridden: false }
        }
    }
}
