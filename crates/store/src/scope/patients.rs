//! Patients and assessments inside a [`ClinicScope`], and the clinic's patient list with latest scores.

use std::collections::HashMap;

use ketapath_clinical::dates::DateKind;
use ketapath_clinical::instruments::{Items, score};

use crate::audited::{Audit, AuditedTx};
use crate::clock::{date_to_text, from_micros, to_micros};
use crate::db::{Value, args};
use crate::domain::{
    Assessment, AssessmentContext, AssessmentId, AssessmentSource, NewAssessment, NewPatient, Patient, PatientId,
    PatientMatch, PatientSummary, PatientUpdate,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::patient::{ASSESSMENT_COLUMNS, AssessmentRow, LatestScoreRow, PATIENT_COLUMNS, PatientRow};
use crate::scope::{Children, ClinicScope, Scoped};
use crate::search::{fold, mrn_key, search_name};
use crate::statement::Insert;

fn check_patient(p: &NewPatient) -> StoreResult<()> {
    if p.given_name.trim().is_empty() {
        return Err(StoreError::invalid("given_name", "must not be empty"));
    }
    if p.family_name.trim().is_empty() {
        return Err(StoreError::invalid("family_name", "must not be empty"));
    }
    if p.mrn.as_deref().is_some_and(|m| m.trim().is_empty()) {
        return Err(StoreError::invalid("mrn", "must not be blank when given"));
    }
    Ok(())
}

/// Inserts an assessment scored by the clinical rules; shared by staff entry and self-report links.
pub(crate) async fn insert_assessment(
    tx: &mut crate::db::Tx,
    now: i64,
    clinic: &str,
    new: &NewAssessment,
    source: AssessmentSource,
    context: Option<AssessmentContext>,
    recorded_by: Option<String>,
) -> StoreResult<Assessment> {
    let scored = score(&new.items);
    let created = from_micros("assessments", now)?;
    crate::bounds::instant(DateKind::Charted, "administered_at", new.administered_at, created)?;
    let a = Assessment {
        id: AssessmentId::new(created),
        patient_id: new.patient_id,
        course_id: new.course_id,
        session_id: new.session_id,
        instrument: new.items.instrument(),
        items: new.items.values().to_vec(),
        total: i64::from(scored.total),
        severity: Some(scored.severity.to_owned()),
        rule_id: scored.rule.id.to_owned(),
        rule_version: scored.rule.version.to_string(),
        source,
        context,
        administered_at: crate::clock::truncate_to_micros(new.administered_at),
        recorded_by: recorded_by
            .as_deref()
            .map(|s| crate::rows::parse_id("assessments", s, crate::domain::StaffId))
            .transpose()?,
        created_at: created,
    };
    let items = serde_json::to_string(&a.items).map_err(|e| StoreError::invalid("items", e.to_string()))?;
    // Without a context the column is left out, so that the statement is the one of schema versions 1 and 2,
    // which the migration test fills before migrating forward.
    let mut insert = Insert::into("assessments")
        .value("id", a.id.to_text())
        .value("clinic_id", clinic)
        .value("patient_id", a.patient_id.to_text())
        .value("course_id", a.course_id.map(|c| c.to_text()))
        .value("session_id", a.session_id.map(|s| s.to_text()))
        .value("instrument", a.instrument.code())
        .value("items", items)
        .value("total", a.total)
        .value("severity", a.severity.clone())
        .value("rule_id", &a.rule_id)
        .value("rule_version", &a.rule_version)
        .value("source", source.code())
        .value("administered_at", to_micros(a.administered_at))
        .value("recorded_by", recorded_by)
        .value("created_at", now);
    if let Some(c) = context {
        insert = insert.value("context", c.code());
    }
    insert.execute(tx).await?;
    Ok(a)
}

impl ClinicScope {
    /// Registers a patient of this clinic.
    pub async fn create_patient(&self, new: NewPatient) -> StoreResult<Patient> {
        let mut tx = self.begin_audited().await?;
        let p = self.insert_patient(&mut tx, new).await?;
        tx.commit_with(Audit::create("patient", p.id.to_text())).await?;
        Ok(p)
    }

    /// Inserts a patient inside `tx`; the caller commits it with the patient's audit event.
    pub(crate) async fn insert_patient(&self, tx: &mut AuditedTx<'_>, new: NewPatient) -> StoreResult<Patient> {
        check_patient(&new)?;
        crate::bounds::date(DateKind::Birth, "birth_date", new.birth_date, self.store.now())?;
        let now = tx.now();
        self.check_mrn_free(tx, new.mrn.as_deref(), None).await?;
        let at = from_micros("patients", now)?;
        let p = Patient {
            id: PatientId::new(at),
            clinic_id: self.clinic_id.clone(),
            mrn: new.mrn,
            given_name: new.given_name,
            family_name: new.family_name,
            birth_date: new.birth_date,
            sex: new.sex,
            phone: new.phone,
            email: new.email,
            research_consent: new.research_consent,
            rems_patient_id: new.rems_patient_id,
            created_at: at,
            updated_at: at,
            archived_at: None,
        };
        self.insert_own("patients", p.id.to_text())
            .value("mrn", p.mrn.clone())
            .value("given_name", &p.given_name)
            .value("family_name", &p.family_name)
            .value("birth_date", date_to_text(p.birth_date))
            .value("sex", p.sex.clone())
            .value("phone", p.phone.clone())
            .value("email", p.email.clone())
            .value("research_consent", p.research_consent)
            .value("rems_patient_id", p.rems_patient_id.clone())
            .value("created_at", now)
            .value("updated_at", now)
            .value("archived_at", None::<i64>)
            // The derived keys come last, so that text with a NUL character is refused naming the field sent.
            .value("mrn_key", p.mrn.as_deref().map(mrn_key))
            .value("search_name", search_name(&p.given_name, &p.family_name))
            .execute(tx.db())
            .await?;
        Ok(p)
    }

    /// A patient of this clinic; another clinic's patient is not found.
    pub async fn patient(&self, id: PatientId) -> StoreResult<Patient> {
        let mut tx = self.begin_audited().await?;
        let row: PatientRow = self.scoped_row(&mut tx, Scoped::Patient, PATIENT_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::read("patient", id.to_text())).await?;
        row.into_domain()
    }

    /// Replaces a patient's editable fields.
    pub async fn update_patient(&self, id: PatientId, update: PatientUpdate) -> StoreResult<Patient> {
        check_patient(&update)?;
        crate::bounds::date(DateKind::Birth, "birth_date", update.birth_date, self.store.now())?;
        let mut tx = self.begin_audited().await?;
        let now = tx.now();
        self.check_mrn_free(&mut tx, update.mrn.as_deref(), Some(id)).await?;
        let keys = (update.mrn.as_deref().map(mrn_key), search_name(&update.given_name, &update.family_name));
        let n = self
            .update_own("patients", id.to_text())
            .set("mrn", update.mrn)
            .set("given_name", update.given_name)
            .set("family_name", update.family_name)
            .set("birth_date", date_to_text(update.birth_date))
            .set("sex", update.sex)
            .set("phone", update.phone)
            .set("email", update.email)
            .set("research_consent", update.research_consent)
            .set("rems_patient_id", update.rems_patient_id)
            .set("updated_at", now)
            // The derived keys come last, so that text with a NUL character is refused naming the field sent.
            .set("mrn_key", keys.0)
            .set("search_name", keys.1)
            .execute(tx.db())
            .await
            .map_err(|e| match e {
                // The one unique key an update of a patient can break is the record number within the clinic.
                StoreError::Conflict(_) => {
                    StoreError::invalid("mrn", "another patient of this clinic has this record number")
                }
                other => other,
            })?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "patient" });
        }
        let row: PatientRow = self.scoped_row(&mut tx, Scoped::Patient, PATIENT_COLUMNS, id.to_text()).await?;
        tx.commit_with(Audit::update("patient", id.to_text())).await?;
        row.into_domain()
    }

    /// Refuses a record number that another patient of this clinic (other than `except`) already has, in any
    /// case: a search by record number must find one patient.
    async fn check_mrn_free(
        &self,
        tx: &mut AuditedTx<'_>,
        mrn: Option<&str>,
        except: Option<PatientId>,
    ) -> StoreResult<()> {
        let Some(mrn) = mrn else { return Ok(()) };
        let except = except.map(|id| id.to_text()).unwrap_or_default();
        let (n,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM patients WHERE clinic_id = $1 AND mrn_key = $2 AND id <> $3",
                &args![self.clinic(), mrn_key(mrn), except],
            )
            .await?;
        if n > 0 {
            return Err(StoreError::invalid("mrn", "another patient of this clinic has this record number"));
        }
        Ok(())
    }

    /// The clinic's patients (archived ones excluded) with each one's latest score per instrument, sorted by
    /// family name, given name and id.
    pub async fn patient_list(&self) -> StoreResult<Vec<PatientSummary>> {
        let mut tx = self.begin_audited().await?;
        let patients: Vec<PatientRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {PATIENT_COLUMNS} FROM patients WHERE clinic_id = $1 AND archived_at IS NULL \
                     ORDER BY family_name, given_name, id"
                ),
                &args![self.clinic()],
            )
            .await?;
        let summaries = self.with_latest_scores(&mut tx, patients).await?;
        tx.commit_with(Audit::list("patient", "*".to_owned())).await?;
        Ok(summaries)
    }

    /// The clinic's patients (archived ones excluded) that `matching` finds, each with its latest score per
    /// instrument, in the order of their folded names (family name, then given name) and ids, starting after the
    /// patient `after` (a page's last one) when given. The order is decided here rather than by SQL, whose
    /// collation differs between the backends. A patient of another clinic as `after` is refused as a
    /// `cursor`, like one that does not exist.
    pub async fn patient_search(
        &self,
        matching: &PatientMatch,
        after: Option<PatientId>,
    ) -> StoreResult<Vec<PatientSummary>> {
        let mut tx = self.begin_audited().await?;
        let start = match after {
            None => None,
            Some(id) => {
                let found: Option<(Option<String>,)> = tx
                    .fetch_optional(
                        "SELECT search_name FROM patients WHERE clinic_id = $1 AND id = $2",
                        &args![self.clinic(), id.to_text()],
                    )
                    .await?;
                let (key,) = found.ok_or_else(|| {
                    StoreError::invalid("cursor", "is not a page of this list; start again without it")
                })?;
                Some((key.unwrap_or_default(), id.to_text()))
            }
        };
        let mut sql =
            format!("SELECT {PATIENT_COLUMNS}, search_name FROM patients WHERE clinic_id = $1 AND archived_at IS NULL");
        let mut values = vec![Value::from(self.clinic())];
        match matching {
            PatientMatch::Everyone => {}
            PatientMatch::BirthDate(date) => {
                values.push(Value::from(date_to_text(*date)));
                sql.push_str(" AND birth_date = $2");
            }
            PatientMatch::Text(text) => {
                // Every word must be part of the folded name; `%`, `_` and the escape itself are matched as
                // typed. The whole text may instead be the record number.
                let mut words = Vec::new();
                for word in fold(text).split(' ').filter(|w| !w.is_empty()) {
                    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    values.push(Value::from(format!("%{escaped}%")));
                    words.push(format!("search_name LIKE ${} ESCAPE '\\'", values.len()));
                }
                values.push(Value::from(mrn_key(text)));
                let mrn = format!("mrn_key = ${}", values.len());
                if words.is_empty() {
                    sql.push_str(&format!(" AND {mrn}"));
                } else {
                    sql.push_str(&format!(" AND (({}) OR {mrn})", words.join(" AND ")));
                }
            }
        }
        let mut patients: Vec<PatientRow> = tx.fetch_all(&sql, &values).await?;
        patients.sort_by(|a, b| (&a.search_name, &a.id).cmp(&(&b.search_name, &b.id)));
        if let Some((key, id)) = start {
            let key = Some(key);
            patients.retain(|p| (&p.search_name, &p.id) > (&key, &id));
        }
        let summaries = self.with_latest_scores(&mut tx, patients).await?;
        tx.commit_with(Audit::list("patient", "*".to_owned())).await?;
        Ok(summaries)
    }

    /// `patients` with each one's latest score per instrument, in the same order.
    async fn with_latest_scores(
        &self,
        tx: &mut AuditedTx<'_>,
        patients: Vec<PatientRow>,
    ) -> StoreResult<Vec<PatientSummary>> {
        let latest: Vec<LatestScoreRow> = tx
            .fetch_all(
                "SELECT patient_id, instrument, total, severity, administered_at FROM ( \
                   SELECT patient_id, instrument, total, severity, administered_at, ROW_NUMBER() OVER ( \
                     PARTITION BY patient_id, instrument ORDER BY administered_at DESC, id DESC) AS rn \
                   FROM assessments WHERE clinic_id = $1) AS ranked \
                 WHERE rn = 1",
                &args![self.clinic()],
            )
            .await?;
        let mut by_patient: HashMap<String, Vec<crate::domain::LatestScore>> = HashMap::new();
        for row in latest {
            let (pid, score) = row.into_domain()?;
            by_patient.entry(pid).or_default().push(score);
        }
        patients
            .into_iter()
            .map(|row| {
                let mut latest = by_patient.remove(&row.id).unwrap_or_default();
                latest.sort_by_key(|s| s.instrument);
                Ok(PatientSummary { patient: row.into_domain()?, latest })
            })
            .collect()
    }

    /// Records an assessment entered by staff, scored now by the clinical rules, with no context.
    pub async fn record_assessment(&self, new: NewAssessment) -> StoreResult<Assessment> {
        self.record_assessment_in_context(new, None).await
    }

    /// Records an assessment entered by staff with when it was taken relative to treatment.
    pub async fn record_assessment_in_context(
        &self,
        new: NewAssessment,
        context: Option<AssessmentContext>,
    ) -> StoreResult<Assessment> {
        let mut tx = self.begin_audited().await?;
        self.require(&mut tx, Scoped::Patient, new.patient_id.to_text()).await?;
        if let Some(c) = new.course_id {
            self.require(&mut tx, Scoped::Course, c.to_text()).await?;
        }
        if let Some(s) = new.session_id {
            self.require(&mut tx, Scoped::TreatmentSession, s.to_text()).await?;
        }
        let a = self.insert_staff_assessment(&mut tx, &new, context).await?;
        tx.commit_with(Audit::create("assessment", a.id.to_text())).await?;
        Ok(a)
    }

    /// Inserts an assessment entered by this scope's staff member inside `tx`; the caller commits it with the
    /// assessment's audit event.
    pub(crate) async fn insert_staff_assessment(
        &self,
        tx: &mut AuditedTx<'_>,
        new: &NewAssessment,
        context: Option<AssessmentContext>,
    ) -> StoreResult<Assessment> {
        let now = tx.now();
        insert_assessment(tx.db(), now, self.clinic(), new, AssessmentSource::Staff, context, Some(self.actor_text()))
            .await
    }

    /// A patient's assessments, oldest first.
    pub async fn assessments(&self, patient: PatientId) -> StoreResult<Vec<Assessment>> {
        let of = Children { table: "assessments", columns: ASSESSMENT_COLUMNS, order: "administered_at, id" };
        self.children(Scoped::Patient, patient.to_text(), of, AssessmentRow::into_domain).await
    }
}

/// Re-checks stored item scores against the instrument (used by `verify`).
pub(crate) fn items_valid(a: &Assessment) -> bool {
    let values: Vec<i64> = a.items.iter().map(|v| i64::from(*v)).collect();
    Items::from_values(a.instrument, &values).is_ok()
}
