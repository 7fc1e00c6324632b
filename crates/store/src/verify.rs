//! `verify()`: the invariants every test checks after touching a database, and `ketapath audit verify` reports.
//!
//! No orphan rows; every clinic-scoped row belongs to the same clinic as the rows it points to; a session's
//! patient is its course's patient, a dose's or observation's patient is its session's; staff roles match their
//! clinic; stored item scores are valid for their instrument; every date a person enters is within the bounds of
//! its kind (`bounds.rs`); the audit chain is intact.

use serde::Serialize;

use crate::audit::AuditReport;
use crate::db::args;
use crate::error::StoreResult;
use crate::rows::patient::{ASSESSMENT_COLUMNS, AssessmentRow};
use crate::store::Store;

/// A reference from one table to another, checked for orphans and (when `same_clinic`) for clinic agreement.
struct Reference {
    child: &'static str,
    column: &'static str,
    parent: &'static str,
    same_clinic: bool,
}

const fn r(child: &'static str, column: &'static str, parent: &'static str, same_clinic: bool) -> Reference {
    Reference { child, column, parent, same_clinic }
}

const REFERENCES: &[Reference] = &[
    r("staff_users", "clinic_id", "clinics", false),
    r("api_tokens", "user_id", "staff_users", false),
    r("staff_sessions", "user_id", "staff_users", false),
    r("staff_sign_in", "user_id", "staff_users", false),
    r("staff_sign_in_failures", "user_id", "staff_users", false),
    r("staff_password_links", "user_id", "staff_users", false),
    r("staff_password_links", "created_by", "staff_users", false),
    r("clinic_security", "clinic_id", "clinics", false),
    r("clinic_security", "updated_by", "staff_users", false),
    r("listing_reports", "clinic_id", "clinics", false),
    r("listing_reports", "resolved_by", "staff_users", false),
    r("listing_field_verifications", "clinic_id", "clinics", false),
    r("listing_requests", "decided_by", "staff_users", false),
    r("listing_requests", "clinic_id", "clinics", false),
    r("patients", "clinic_id", "clinics", false),
    r("courses", "patient_id", "patients", true),
    r("courses", "prescriber_id", "staff_users", true),
    r("sessions", "course_id", "courses", true),
    r("sessions", "patient_id", "patients", true),
    r("sessions", "monitored_by", "staff_users", true),
    r("sessions", "discharged_by", "staff_users", true),
    r("dose_records", "session_id", "sessions", true),
    r("dose_records", "patient_id", "patients", true),
    r("dose_records", "given_by", "staff_users", true),
    r("observations", "session_id", "sessions", true),
    r("observations", "patient_id", "patients", true),
    r("observations", "recorded_by", "staff_users", true),
    r("adverse_events", "patient_id", "patients", true),
    r("adverse_events", "session_id", "sessions", true),
    r("adverse_events", "recorded_by", "staff_users", true),
    r("assessments", "patient_id", "patients", true),
    r("assessments", "course_id", "courses", true),
    r("assessments", "session_id", "sessions", true),
    r("assessments", "recorded_by", "staff_users", true),
    r("referrals", "clinic_id", "clinics", false),
    r("referrals", "patient_id", "patients", true),
    r("self_report_links", "patient_id", "patients", true),
    r("self_report_links", "created_by", "staff_users", true),
    r("self_report_links", "assessment_id", "assessments", true),
    r("courses", "contraindication_override_by", "staff_users", true),
    r("patient_intakes", "patient_id", "patients", true),
    r("patient_intakes", "updated_by", "staff_users", true),
    r("gate_overrides", "session_id", "sessions", true),
    r("gate_overrides", "patient_id", "patients", true),
    r("gate_overrides", "overridden_by", "staff_users", true),
    r("protocol_settings", "clinic_id", "clinics", false),
    r("protocol_settings", "updated_by", "staff_users", true),
    r("rems_forms", "session_id", "sessions", true),
    r("rems_forms", "patient_id", "patients", true),
    r("rems_forms", "submitted_by", "staff_users", true),
    r("rems_form_drafts", "session_id", "sessions", true),
    r("rems_form_drafts", "patient_id", "patients", true),
    r("rems_form_drafts", "saved_by", "staff_users", true),
    r("research_consents", "patient_id", "patients", true),
    r("research_consents", "recorded_by", "staff_users", true),
    r("patient_addresses", "patient_id", "patients", true),
    r("outcome_publication", "clinic_id", "clinics", false),
    r("outcome_publication", "updated_by", "staff_users", false),
    r("self_report_alerts", "patient_id", "patients", true),
    r("self_report_alerts", "link_id", "self_report_links", true),
    r("self_report_alerts", "assessment_id", "assessments", true),
    r("session_alerts", "session_id", "sessions", true),
    r("session_alerts", "patient_id", "patients", true),
    r("session_alerts", "acknowledged_by", "staff_users", true),
];

/// Rows whose patient must equal the patient of the row they point to: (child, via column, parent).
const SAME_PATIENT: &[(&str, &str, &str)] = &[
    ("sessions", "course_id", "courses"),
    ("dose_records", "session_id", "sessions"),
    ("observations", "session_id", "sessions"),
    ("adverse_events", "session_id", "sessions"),
    ("assessments", "session_id", "sessions"),
    ("assessments", "course_id", "courses"),
    ("gate_overrides", "session_id", "sessions"),
    ("rems_forms", "session_id", "sessions"),
    ("rems_form_drafts", "session_id", "sessions"),
    ("session_alerts", "session_id", "sessions"),
];

/// The result of [`Store::verify`].
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Each broken invariant, described without patient values.
    pub problems: Vec<String>,
    pub audit: AuditReport,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.audit.is_intact()
    }
}

impl Store {
    /// Checks every invariant of the database; see the module documentation.
    pub async fn verify(&self) -> StoreResult<VerifyReport> {
        let mut problems = Vec::new();
        let mut tx = self.begin_read().await?;
        for rf in REFERENCES {
            let clinic_clause = if rf.same_clinic { " OR p.clinic_id <> c.clinic_id" } else { "" };
            let sql = format!(
                "SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} \
                 WHERE c.{column} IS NOT NULL AND (p.id IS NULL{clinic_clause})",
                child = rf.child,
                parent = rf.parent,
                column = rf.column,
            );
            let (n,): (i64,) = tx.fetch_one(&sql, &[]).await?;
            if n > 0 {
                let what = if rf.same_clinic { "missing or in another clinic" } else { "missing" };
                problems.push(format!(
                    "{n} {} rows point through {} to a {} row that is {what}",
                    rf.child, rf.column, rf.parent
                ));
            }
        }
        for (child, column, parent) in SAME_PATIENT {
            let sql = format!(
                "SELECT COUNT(*) FROM {child} c JOIN {parent} p ON p.id = c.{column} WHERE p.patient_id <> c.patient_id"
            );
            let (n,): (i64,) = tx.fetch_one(&sql, &[]).await?;
            if n > 0 {
                problems.push(format!("{n} {child} rows name another patient than their {parent} row"));
            }
        }
        let (bad_roles,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM staff_users WHERE (role IN ($1, $2)) <> (clinic_id IS NULL)",
                &args!["platform_admin", "researcher"],
            )
            .await?;
        if bad_roles > 0 {
            problems.push(format!("{bad_roles} staff_users rows have a role that does not match their clinic"));
        }
        let assessments: Vec<AssessmentRow> =
            tx.fetch_all(&format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments"), &[]).await?;
        let mut bad_items = 0;
        for row in assessments {
            match row.into_domain() {
                Ok(a) if crate::scope::patients::items_valid(&a) => {}
                _ => bad_items += 1,
            }
        }
        if bad_items > 0 {
            problems.push(format!("{bad_items} assessments rows do not decode to valid item scores"));
        }
        problems.extend(crate::bounds::out_of_bounds(&mut tx, self.now()).await?);
        drop(tx);
        let audit = self.verify_audit_chain().await?;
        Ok(VerifyReport { problems, audit })
    }
}
