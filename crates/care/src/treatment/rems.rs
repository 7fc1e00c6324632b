//! The SPRAVATO REMS Patient Monitoring Form of a session: drafted from the record (patient, intake, clinic
//! listing, staff, doses, observations, discharge), completed by staff (answers saved as a draft on the way, without
//! the completeness check), checked by the clinical rules at submission (every required field named when missing),
//! kept as submitted, and listed on the 7-day dashboard.
//!
//! A saved draft keeps the staff answers only, never the whole form: each time the form is shown, the answers are
//! applied over the form drafted from the chart, so the values the record gives keep following the record, and an
//! answer a person saved is no longer marked `derived_from_chart`, even where it says what the chart says.
//!
//! The setting type (outpatient: a form after every session; inpatient: none) is the clinic's protocol setting
//! `rems.setting_type`, read where the draft is built and where the due list is computed.
//!
//! Dates are the clinic's own (`clinic_time::ClinicTime`): the treatment date and the deadline's dose date are the
//! clinic-local date of the first dose, the 7 days are clinic calendar days, and the instants the JSON shows carry
//! the clinic's UTC offset.

use std::collections::HashMap;

use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::DateKind;
use ketapath_clinical::protocols::{LotNumber, Modality, ProtocolSettings};
use ketapath_clinical::rems::{
    AdverseEventAnswer, ChartThresholds, ConcomitantMedications, DashboardEntry, DeviceRecord, EarlyDepartureReason,
    FieldView, FormDraft, FormDue, HcpSection, MissingField, PatientMonitoringForm, PatientSection, Prefill,
    RemsFormSettings, SessionFacts, SettingAddress, SettingSection, SettingType, check, dashboard, draft_from_session,
};
use ketapath_store::ClinicScope;
use ketapath_store::domain::{PatientId, RemsFormDraft, RemsFormRecord, SessionId, StaffId};
use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, Duration, OffsetDateTime};

use super::session::{Loaded, load};
use super::{TreatmentError, TreatmentResult, intake};
use crate::clinic_time::ClinicTime;
use crate::json::JsonError;

/// The form of a session as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub session_id: SessionId,
    pub patient_id: PatientId,
    /// `draft` until submitted, then `submitted`.
    pub state: &'static str,
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    pub setting_type: SettingType,
    pub form: PatientMonitoringForm,
    /// Every field with its value, whether it is required, its source and confidence.
    pub fields: Vec<FieldView>,
    /// What still stops the draft from being submitted (empty once complete).
    pub missing: Vec<MissingField>,
    /// Where each pre-filled value came from, or why a value could not be pre-filled.
    pub prefill: Vec<Prefill>,
    /// The deadline, when a dose was given.
    pub deadline: Option<DashboardEntry<String>>,
    /// When and by whom the staff answers were last saved as a draft (`null` when no draft was saved); kept after
    /// submission as the draft's last save.
    pub draft_saved: Option<DraftSaved>,
}

/// The last save of a form's draft.
#[derive(Debug, Clone, Serialize)]
pub struct DraftSaved {
    /// On the clinic's clock (its UTC offset).
    #[serde(with = "time::serde::rfc3339")]
    pub saved_at: OffsetDateTime,
    pub saved_by: Option<StaffId>,
    /// `saved_at` as the portal shows every time ([`ClinicTime::show`]: `3 Nov 2026, 14:05 CST`); not in the JSON.
    #[serde(skip)]
    pub saved_at_text: String,
    /// The saver's name as the portal shows it (not in the JSON, which names staff by id).
    #[serde(skip)]
    pub saved_by_name: Option<String>,
}

/// The staff answers of a form as a draft keeps them and a submission takes them: a merge patch of the form and the
/// adverse-effect answers by question code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    pub form: Option<Value>,
    pub adverse_effects: Option<Map<String, Value>>,
}

impl Answers {
    /// The answers of a saved draft (`{"form": …, "adverse_effects": …}`); a part that is not the expected JSON
    /// kind is left out, because the answers were checked when they were saved.
    fn of_draft(draft: &RemsFormDraft) -> Self {
        Self {
            form: draft.answers.get("form").filter(|f| f.is_object()).cloned(),
            adverse_effects: draft.answers.get("adverse_effects").and_then(Value::as_object).cloned(),
        }
    }

    fn document(&self) -> Value {
        let mut document = Map::new();
        document.insert("form".to_owned(), self.form.clone().unwrap_or_else(|| Value::Object(Map::new())));
        document.insert("adverse_effects".to_owned(), Value::Object(self.adverse_effects.clone().unwrap_or_default()));
        Value::Object(document)
    }

    /// These answers with `later` on top: later form values replace earlier ones path by path (a `null` clears a
    /// field and stays a person's answer), later adverse-effect answers replace earlier ones by code.
    fn then(mut self, later: &Answers) -> Self {
        if let Some(patch) = &later.form {
            let mut form = self.form.take().unwrap_or_else(|| Value::Object(Map::new()));
            merge(&mut form, patch);
            self.form = Some(form);
        }
        if let Some(answers) = &later.adverse_effects {
            self.adverse_effects.get_or_insert_with(Map::new).extend(answers.clone());
        }
        self
    }

    /// The dotted paths of the form fields these answers set (`hcp.phone`, `adverse_effects.sedation`).
    fn paths(&self) -> Vec<String> {
        fn walk(value: &Value, prefix: &str, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    for (key, inner) in map {
                        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                        walk(inner, &path, out);
                    }
                }
                _ => out.push(prefix.to_owned()),
            }
        }
        let mut paths = Vec::new();
        if let Some(form) = &self.form {
            walk(form, "", &mut paths);
        }
        paths.extend(self.adverse_effects.iter().flat_map(|a| a.keys().map(|code| format!("adverse_effects.{code}"))));
        paths
    }
}

fn split_name(display: &str) -> (Option<String>, Option<String>) {
    let mut parts = display.split_whitespace();
    let first = parts.next().map(str::to_owned);
    let rest: Vec<&str> = parts.collect();
    (first, (!rest.is_empty()).then(|| rest.join(" ")))
}

/// The facts of a loaded session the form is drafted from.
async fn facts(
    scope: &ClinicScope,
    loaded: &Loaded,
    settings: &ProtocolSettings,
    zone: &ClinicTime,
) -> TreatmentResult<SessionFacts> {
    let setting_type = settings.values().rems.setting_type;
    let session = &loaded.detail.session;
    let patient = scope.patient(session.patient_id).await?;
    let intake = scope.intake(session.patient_id).await?;
    let listing = scope.clinic_listing().await?;
    // The first treatment is the first session of the patient's first esketamine course.
    let courses = scope.courses(session.patient_id).await?;
    let first_course = courses.iter().find(|c| super::course::modality(c) == Ok(Modality::EsketamineNasal));
    let first_treatment = first_course.is_some_and(|c| c.id == loaded.course.id) && session.number == 1;
    let monitor: Option<StaffId> =
        session.discharged_by.or(session.monitored_by).or_else(|| loaded.detail.doses.first().and_then(|d| d.given_by));
    let staff = scope.staff().await?;
    let hcp = monitor.and_then(|id| staff.into_iter().find(|s| s.id == id)).map(|s| {
        let (first_name, last_name) = split_name(&s.display_name);
        HcpSection { first_name, last_name, phone: None, email: Some(s.email) }
    });
    let concomitant_medications: ConcomitantMedications = intake::answer(intake.as_ref(), "concomitant_medications")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let first_dose = loaded.first_dose_at;
    let early_departure = session.early_departure_reason.as_deref().and_then(|r| EarlyDepartureReason::parse(r).ok());
    Ok(SessionFacts {
        setting_type,
        patient: PatientSection {
            first_name: Some(patient.given_name),
            middle_initial: None,
            last_name: Some(patient.family_name),
            birthdate: Some(patient.birth_date),
            sex: patient.sex,
            first_treatment: Some(first_treatment),
            enrolled: intake::answer(intake.as_ref(), "rems_enrolled").and_then(Value::as_bool),
        },
        concomitant_medications,
        hcp: hcp.unwrap_or_default(),
        setting: SettingSection {
            name: Some(listing.name),
            address: SettingAddress {
                line1: Some(listing.address.street),
                line2: None,
                city: Some(listing.address.city),
                state: Some(listing.address.state),
                zip: Some(listing.address.zip),
            },
        },
        devices: loaded
            .detail
            .doses
            .iter()
            .map(|d| DeviceRecord {
                // The form's treatment date is the date of this instant: the clinic's, not UTC's.
                given_at: zone.local(d.given_at),
                mg: d.dose_mg.round() as u32,
                lot_number: d.lot_number.as_deref().and_then(|l| LotNumber::parse(l).ok()),
            })
            .collect(),
        observations: loaded.observations.clone(),
        // An early departure completes monitoring too: at the departure, with the true (shorter) duration.
        monitoring_completed_at: session.discharged_at.or(early_departure.and(session.ended_at)),
        ready_to_leave_at: first_dose
            .zip(session.ready_to_leave_minutes)
            .map(|(first, minutes)| first + Duration::minutes(minutes)),
        vital_signs: Default::default(),
        adverse_events: loaded
            .detail
            .adverse_events
            .iter()
            .map(|e| AdverseEventAnswer { code: e.kind.clone(), occurred: true })
            .collect(),
        early_departure,
        // The answers the chart gives (sedation, dissociation, respiratory depression) use the clinic's own
        // alert thresholds, the same ones that raised the alerts during the session.
        thresholds: ChartThresholds::from(&settings.values().alerts),
    })
}

/// Loads an esketamine session and drafts its form; other modalities have no REMS form.
async fn draft(scope: &ClinicScope, id: SessionId, zone: &ClinicTime) -> TreatmentResult<(Loaded, FormDraft)> {
    let loaded = load(scope, id).await?;
    if loaded.modality != Modality::EsketamineNasal {
        return Err(TreatmentError::NotApplicable(format!(
            "the Patient Monitoring Form belongs to esketamine sessions; this session is {}",
            loaded.modality
        )));
    }
    let settings = super::protocol_settings(scope).await?;
    let facts = facts(scope, &loaded, &settings, zone).await?;
    let draft = draft_from_session(&facts, &RemsFormSettings::default());
    Ok((loaded, draft))
}

/// The clinic's REMS setting type, from its protocol settings (outpatient by default).
pub async fn setting_type(scope: &ClinicScope) -> TreatmentResult<SettingType> {
    Ok(super::protocol_settings(scope).await?.values().rems.setting_type)
}

fn deadline(
    loaded: &Loaded,
    setting_type: SettingType,
    submitted: Option<&RemsFormRecord>,
    zone: &ClinicTime,
    now: OffsetDateTime,
) -> Option<DashboardEntry<String>> {
    let first = loaded.first_dose_at?;
    let due = FormDue {
        key: loaded.detail.session.id.to_text(),
        setting_type,
        dose_date: zone.date_of(first),
        submitted_on: submitted.map(|s| zone.date_of(s.submitted_at)),
    };
    dashboard(&[due], zone.date_of(now)).into_iter().next()
}

/// The form of a session: the submitted one, or the draft from the chart with the saved staff answers applied and
/// what is still missing.
pub async fn form(scope: &ClinicScope, id: SessionId, now: OffsetDateTime) -> TreatmentResult<FormView> {
    let zone = ClinicTime::of(scope).await?;
    let (loaded, chart) = draft(scope, id, &zone).await?;
    let submitted = scope.rems_form(id).await?;
    let saved = scope.rems_form_draft(id).await?;
    let answers = saved.as_ref().map(Answers::of_draft).unwrap_or_default();
    let (state, form, missing, person_set) = match &submitted {
        Some(record) => {
            let form: PatientMonitoringForm = serde_json::from_value(record.form.clone())
                .map_err(|e| InvalidInput::new("form", format!("the stored form does not decode: {e}")))?;
            ("submitted", form, Vec::new(), Vec::new())
        }
        None => {
            let mut worked = chart.clone();
            apply(&mut worked, &answers)?;
            ("draft", worked.form.clone(), check(&worked).err().unwrap_or_default(), answers.paths())
        }
    };
    let mut fields = form.fields_against(&chart);
    // A value a person saved is theirs, even where it says what the chart says.
    for field in fields.iter_mut().filter(|f| person_set.contains(&f.path)) {
        field.derived_from_chart = false;
    }
    let draft_saved = match saved {
        Some(saved) => Some(DraftSaved {
            saved_at: zone.local(saved.saved_at),
            saved_by: saved.saved_by,
            saved_at_text: zone.show(saved.saved_at),
            saved_by_name: match saved.saved_by {
                Some(by) => scope.staff().await?.into_iter().find(|s| s.id == by).map(|s| s.display_name),
                None => None,
            },
        }),
        None => None,
    };
    Ok(FormView {
        session_id: id,
        patient_id: loaded.detail.session.patient_id,
        state,
        submitted_at: submitted.as_ref().map(|s| zone.local(s.submitted_at)),
        setting_type: chart.setting_type,
        fields,
        form,
        missing,
        prefill: chart.prefill,
        deadline: deadline(&loaded, chart.setting_type, submitted.as_ref(), &zone, now),
        draft_saved,
    })
}

/// RFC 7386 merge: objects merge key by key, `null` removes, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (key, value) in p {
                if value.is_null() {
                    t.insert(key.clone(), Value::Null);
                } else {
                    merge(t.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// A form that the completeness check refused: the form as completed with the staff answers, and every field
/// that is still missing or inconsistent.
#[derive(Debug, Clone)]
pub struct Incomplete {
    pub form: PatientMonitoringForm,
    pub missing: Vec<MissingField>,
}

/// Applies staff answers to a draft: the merge patch to the form (each value checked as the form's JSON reads it,
/// a refusal naming `form.<path>`), then each adverse-effect answer by question code, which makes it a person's.
fn apply(draft: &mut FormDraft, answers: &Answers) -> TreatmentResult<()> {
    if let Some(patch) = &answers.form {
        if !patch.is_object() {
            return Err(InvalidInput::new("form", "must be an object with the form's sections").into());
        }
        let mut document = serde_json::to_value(&draft.form).map_err(|e| InvalidInput::new("form", e.to_string()))?;
        merge(&mut document, patch);
        draft.form = crate::json::parse(document.to_string().as_bytes()).map_err(|e| match e {
            JsonError::Invalid(i) => InvalidInput::new(format!("form.{}", i.field), i.message),
            JsonError::Malformed(m) => InvalidInput::new("form", format!("the request body is not valid JSON: {m}")),
        })?;
    }
    if let Some(answers) = &answers.adverse_effects {
        let mut known: HashMap<&str, usize> = HashMap::new();
        for (i, a) in draft.form.adverse_effects.iter().enumerate() {
            known.insert(a.question.code.as_str(), i);
        }
        let mut updates = Vec::new();
        for (code, value) in answers {
            let field = format!("adverse_effects.{code}");
            let index =
                *known.get(code.as_str()).ok_or_else(|| InvalidInput::new(&field, "is not a question of the form"))?;
            let answer = value.as_bool().ok_or_else(|| InvalidInput::new(&field, "must be true or false"))?;
            updates.push((index, answer));
        }
        for (index, answer) in updates {
            // A person's answer replaces the chart's, even when it says the same: it is no longer derived.
            let entry = &mut draft.form.adverse_effects[index];
            entry.answer = Some(answer);
            entry.derived_from_chart = false;
        }
    }
    Ok(())
}

/// Refuses a form whose own dates leave their bounds: the birth date and the (charted) treatment date.
fn check_dates(form: &PatientMonitoringForm, now: OffsetDateTime) -> TreatmentResult<()> {
    if let Some(birth) = form.patient.birthdate {
        DateKind::Birth.check_date("patient.birthdate", birth, now)?;
    }
    if let Some(day) = form.session.treatment_date {
        DateKind::Charted.check_date("session.treatment_date", day, now)?;
    }
    Ok(())
}

/// The form of a session before any new answer: the chart's draft with the saved draft's answers applied. A form
/// already submitted is a conflict: it takes no more answers.
async fn working_draft(scope: &ClinicScope, id: SessionId) -> TreatmentResult<(FormDraft, Answers)> {
    let zone = ClinicTime::of(scope).await?;
    let (_, draft) = draft(scope, id, &zone).await?;
    if scope.rems_form(id).await?.is_some() {
        return Err(
            ketapath_store::StoreError::Conflict("the form of this session is already submitted".to_owned()).into()
        );
    }
    let saved = scope.rems_form_draft(id).await?.as_ref().map(Answers::of_draft).unwrap_or_default();
    Ok((draft, saved))
}

/// Saves staff answers as the form's draft, without the completeness check: the answers are added to those saved
/// before (`form`: a merge patch; `adverse_effects`: answers by question code), each value checked as at submission
/// (a bad value refused naming its field, nothing saved), and kept for the next showing and the submission. A
/// submitted form takes no draft (409).
pub async fn save_draft(
    scope: &ClinicScope,
    id: SessionId,
    answers: &Answers,
    now: OffsetDateTime,
) -> TreatmentResult<FormView> {
    let (mut draft, saved) = working_draft(scope, id).await?;
    let all = saved.then(answers);
    apply(&mut draft, &all)?;
    check_dates(&draft.form, now)?;
    scope.save_rems_form_draft(id, &all.document()).await?;
    form(scope, id, now).await
}

/// Completes the draft with staff answers (the saved draft's, then `answers`: a merge patch of the form and the
/// adverse-effect answers by question code), checks it and, when complete, records it as submitted now. An
/// incomplete form writes nothing and comes back as [`Incomplete`] with every missing field; a second submission is
/// 409. The API ([`submit`]) and the portal's form both call this, so they run one check.
pub async fn attempt(
    scope: &ClinicScope,
    id: SessionId,
    answers: &Answers,
    now: OffsetDateTime,
) -> TreatmentResult<Result<FormView, Incomplete>> {
    let (mut draft, saved) = working_draft(scope, id).await?;
    apply(&mut draft, &saved.then(answers))?;
    let complete = match check(&draft) {
        Ok(complete) => complete,
        Err(missing) => return Ok(Err(Incomplete { form: draft.form, missing })),
    };
    let submitted = complete.submit(now);
    check_dates(submitted.form(), now)?;
    let document = serde_json::to_value(submitted.form()).map_err(|e| InvalidInput::new("form", e.to_string()))?;
    scope.submit_rems_form(id, &document, submitted.submitted_at()).await?;
    form(scope, id, now).await.map(Ok)
}

/// [`attempt`] for the JSON API: an incomplete form is 422 `rems_form_incomplete` naming every missing field.
pub async fn submit(
    scope: &ClinicScope,
    id: SessionId,
    answers: &Answers,
    now: OffsetDateTime,
) -> TreatmentResult<FormView> {
    attempt(scope, id, answers, now).await?.map_err(|incomplete| {
        let missing = incomplete.missing;
        TreatmentError::RemsIncomplete {
            field: missing.first().map(|m| m.path.clone()).unwrap_or_default(),
            message: format!(
                "the form cannot be submitted until every required field is complete: {}",
                missing.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ),
        }
    })
}

/// A dashboard line: the deadline entry and the patient.
#[derive(Debug, Clone, Serialize)]
pub struct DueForm {
    pub session_id: String,
    pub patient_id: PatientId,
    #[serde(flatten)]
    pub entry: DashboardEntry<String>,
}

/// The esketamine sessions whose forms are still to be submitted on the clinic's `today`, overdue first, then by
/// days left; dose dates are the clinic-local dates of the first doses.
pub async fn due(scope: &ClinicScope, zone: &ClinicTime, today: Date) -> TreatmentResult<Vec<DueForm>> {
    let setting_type = setting_type(scope).await?;
    let sessions = scope.dosed_sessions(Modality::EsketamineNasal.code()).await?;
    let patients: HashMap<String, PatientId> =
        sessions.iter().map(|s| (s.session_id.to_text(), s.patient_id)).collect();
    let forms: Vec<FormDue<String>> = sessions
        .iter()
        .map(|s| FormDue {
            key: s.session_id.to_text(),
            setting_type,
            dose_date: zone.date_of(s.first_dose_at),
            submitted_on: s.form_submitted_at.map(|t| zone.date_of(t)),
        })
        .collect();
    Ok(dashboard(&forms, today)
        .into_iter()
        .filter(|e| e.status.is_open())
        .filter_map(|entry| {
            let patient_id = *patients.get(&entry.key)?;
            Some(DueForm { session_id: entry.key.clone(), patient_id, entry })
        })
        .collect())
}
