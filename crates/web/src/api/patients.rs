//! The clinic API for patients and their assessments: `POST`/`GET /api/v1/patients` (the list is a search: name
//! part, birth date or record number, status, pages), `GET /api/v1/patients/{id}`, `POST` and
//! `GET /api/v1/patients/{id}/assessments`.
//!
//! Every route needs a bearer token of a clinic role ([`ClinicStaff`]) and works inside that clinic's scope, which
//! audits each read and write with the caller's IP address. A patient of another clinic answers the same 404 as one
//! that does not exist. Answers are `Cache-Control: no-store`: they carry health information.

use axum::http::Uri;
use axum::response::Response;
use ketapath_care::patients::PatientQuery;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::dates::BirthDate;
use ketapath_clinical::instruments::{Instrument, Items, score_report};
use ketapath_store::domain::{Assessment, LatestScore, NewAssessment, NewPatient, Patient, PatientId, PatientStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa::openapi::schema::ObjectBuilder;

use super::openapi::{codes, instrument_codes, non_negative_integers, nullable_codes};
use super::openapi_responses::JsonBody;
use super::openapi_schemas::Error;
use super::{created, private_json, rfc3339};
use crate::auth::ClinicStaff;
use crate::error::ApiError;
use crate::extract::{ApiJson, PatientPath};

/// The sex codes accepted, FHIR's AdministrativeGender, so the later FHIR `Patient` maps them one to one.
pub const SEX_CODES: [&str; 4] = ["female", "male", "other", "unknown"];

/// The longest name part accepted.
const NAME_MAX_CHARS: usize = 200;

/// The longest clinic record number accepted.
const MRN_MAX_CHARS: usize = 40;

/// A clinic record number as sent: trimmed, 1 to 40 characters, none of them a control character.
fn mrn(raw: Option<&str>) -> Result<Option<String>, InvalidInput> {
    let Some(raw) = raw else { return Ok(None) };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new("mrn", "must not be blank; leave it out for a patient without one"));
    }
    if trimmed.chars().count() > MRN_MAX_CHARS {
        return Err(InvalidInput::new("mrn", format!("must be at most {MRN_MAX_CHARS} characters")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(InvalidInput::new("mrn", "must hold printable characters only"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// The body of `POST /api/v1/patients` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female", "mrn": "K-1042"})))]
pub struct PatientRequest {
    // Required fields are optional here so that a missing one answers 400 naming it, like a wrong one; the
    // document still marks them required.
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 1)]
    given_name: Option<String>,
    #[serde(default)]
    #[schema(value_type = String, required = true, min_length = 1)]
    family_name: Option<String>,
    /// YYYY-MM-DD, not in the future
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Date)]
    birth_date: Option<String>,
    #[serde(default)]
    #[schema(schema_with = sex_codes)]
    sex: Option<String>,
    /// The clinic's record number (MRN): 1 to 40 printable characters, trimmed, unique in the clinic without
    /// regard to case; absent or null for none
    #[serde(default)]
    #[schema(nullable, min_length = 1, max_length = 40)]
    mrn: Option<String>,
}

fn sex_codes() -> ObjectBuilder {
    nullable_codes(SEX_CODES)
}

fn context_codes() -> ObjectBuilder {
    codes(AssessmentContext::ALL.iter().map(|c| c.code()))
}

/// A required field's value, or 400 naming it.
fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, InvalidInput> {
    value.ok_or_else(|| InvalidInput::new(field, "is required"))
}

fn name(field: &str, raw: Option<&str>) -> Result<String, InvalidInput> {
    let trimmed = required(field, raw)?.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if trimmed.chars().count() > NAME_MAX_CHARS {
        return Err(InvalidInput::new(field, format!("must be at most {NAME_MAX_CHARS} characters")));
    }
    Ok(trimmed.to_owned())
}

impl PatientRequest {
    /// A request from the portal's form fields (the "new patient" page), parsed by the same rules as the API.
    pub(crate) fn from_form(
        given_name: Option<&str>,
        family_name: Option<&str>,
        birth_date: Option<&str>,
        sex: Option<&str>,
        mrn: Option<&str>,
    ) -> Self {
        PatientRequest {
            given_name: given_name.map(str::to_owned),
            family_name: family_name.map(str::to_owned),
            birth_date: birth_date.map(str::to_owned),
            // The form's "not given" option, and a record number left empty, are the empty string.
            sex: sex.filter(|s| !s.is_empty()).map(str::to_owned),
            mrn: mrn.filter(|m| !m.trim().is_empty()).map(str::to_owned),
        }
    }

    /// The checked patient; `today` bounds the birth date.
    pub(crate) fn parse(self, today: Date) -> Result<NewPatient, InvalidInput> {
        let given_name = name("given_name", self.given_name.as_deref())?;
        let family_name = name("family_name", self.family_name.as_deref())?;
        let birth_date = required("birth_date", self.birth_date.as_deref())?;
        let birth_date = Date::parse(birth_date.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|_| InvalidInput::new("birth_date", "must be a date YYYY-MM-DD"))?;
        if birth_date > today {
            return Err(InvalidInput::new("birth_date", "must not be in the future"));
        }
        let birth_date = BirthDate::on("birth_date", birth_date, today)?.get();
        let sex = match self.sex.as_deref().map(str::trim) {
            None => None,
            Some(code) if SEX_CODES.contains(&code) => Some(code.to_owned()),
            Some(_) => return Err(InvalidInput::new("sex", format!("must be one of {}", SEX_CODES.join(", ")))),
        };
        let mrn = mrn(self.mrn.as_deref())?;
        Ok(NewPatient {
            mrn,
            given_name,
            family_name,
            birth_date,
            sex,
            phone: None,
            email: None,
            research_consent: false,
            rems_patient_id: None,
        })
    }
}

/// When an assessment was taken relative to treatment: the store's vocabulary, so the code sent is the code kept.
pub use ketapath_store::domain::AssessmentContext;

fn parse_context(raw: &str) -> Result<AssessmentContext, InvalidInput> {
    AssessmentContext::parse(raw.trim()).map_err(|_| {
        let codes: Vec<&str> = AssessmentContext::ALL.iter().map(|c| c.code()).collect();
        InvalidInput::new("context", format!("must be one of {}", codes.join(", ")))
    })
}

/// The body of `POST /api/v1/patients/{id}/assessments` as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"instrument": "phq9", "items": [0, 1, 2, 3, 0, 1, 2, 1, 0], "taken_at": "2026-11-02T09:30:00Z", "context": "baseline"})))]
pub struct AssessmentRequest {
    #[serde(default)]
    #[schema(required = true, schema_with = instrument_codes)]
    instrument: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = non_negative_integers)]
    items: Option<Value>,
    /// RFC 3339; default now; not in the future
    #[serde(default)]
    #[schema(format = DateTime)]
    taken_at: Option<String>,
    #[serde(default)]
    #[schema(required = true, schema_with = context_codes)]
    context: Option<String>,
}

/// A checked assessment entry.
#[derive(Debug)]
pub(crate) struct AssessmentEntry {
    items: Items,
    taken_at: OffsetDateTime,
    context: AssessmentContext,
}

impl AssessmentRequest {
    /// The checked entry; `now` is the default and the upper bound of `taken_at`.
    fn parse(self, now: OffsetDateTime) -> Result<AssessmentEntry, InvalidInput> {
        let instrument = Instrument::parse(required("instrument", self.instrument.as_deref())?)
            .map_err(|e| InvalidInput::new("instrument", e.message))?;
        let items = Items::parse(
            instrument,
            self.items.as_ref().ok_or_else(|| InvalidInput::new("items", "is required"))?,
            "items",
        )?;
        let taken_at = ketapath_care::treatment::instant("taken_at", self.taken_at.as_deref(), now)?;
        let context = parse_context(required("context", self.context.as_deref())?)?;
        Ok(AssessmentEntry { items, taken_at, context })
    }
}

/// A patient as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Patient)]
pub(crate) struct PatientDoc {
    id: String,
    given_name: String,
    family_name: String,
    #[schema(format = Date)]
    birth_date: String,
    #[schema(required = true)]
    sex: Option<String>,
    /// The clinic's record number, null when none was given
    #[schema(required = true)]
    mrn: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl PatientDoc {
    fn of(p: Patient) -> Result<Self, ApiError> {
        Ok(Self {
            id: p.id.to_text(),
            birth_date: p
                .birth_date
                .format(format_description!("[year]-[month]-[day]"))
                .map_err(|_| ApiError::Internal)?,
            given_name: p.given_name,
            family_name: p.family_name,
            sex: p.sex,
            mrn: p.mrn,
            created_at: rfc3339(p.created_at)?,
        })
    }
}

/// A patient in the list, with the latest score of each instrument.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PatientListItem {
    #[serde(flatten)]
    patient: PatientDoc,
    #[schema(inline)]
    latest: Vec<LatestDoc>,
}

#[derive(Debug, Serialize, ToSchema)]
struct LatestDoc {
    instrument: &'static str,
    total: i64,
    #[schema(required = true)]
    severity: Option<String>,
    #[schema(format = DateTime)]
    taken_at: String,
}

/// A page of the caller's clinic's patients.
#[derive(Debug, Serialize, ToSchema)]
struct PatientList {
    patients: Vec<PatientListItem>,
    /// Send as `cursor` for the next page (with the same `q`, `status` and `limit`); null on the last page
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// The query of `GET /api/v1/patients` (documentation only: the handler reads the pairs with
/// [`ketapath_care::patients::PatientQuery::parse`], so that each bad value answers 400 naming its parameter).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PatientListQuery {
    /// Part of a name (every word, without regard to accents or case), a birth date YYYY-MM-DD (exact), or the
    /// clinic's record number (exact, without regard to case)
    #[param(max_length = 200)]
    q: Option<String>,
    /// Only patients with this status
    #[param(schema_with = status_codes)]
    status: Option<String>,
    /// Patients per page, 1 to 200; default 50
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page
    cursor: Option<String>,
}

fn status_codes() -> ObjectBuilder {
    codes(PatientStatus::ALL.iter().map(|s| s.code()))
}

/// The search of a patient list request (`q`, `status`, `limit`, `cursor`): the one reading of the API and the
/// portal's search box. Unknown parameters are ignored; a repeated one counts once, as first given.
pub(crate) fn patient_query(uri: &Uri) -> Result<PatientQuery, InvalidInput> {
    let pairs = super::clinics::query_pairs(uri);
    let param = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    PatientQuery::parse(param("q"), param("status"), param("limit"), param("cursor"))
}

impl LatestDoc {
    fn of(s: LatestScore) -> Result<Self, ApiError> {
        Ok(Self {
            instrument: s.instrument.code(),
            total: s.total,
            severity: s.severity,
            taken_at: rfc3339(s.administered_at)?,
        })
    }
}

/// `POST /api/v1/patients`.
#[utoipa::path(
    post,
    path = "/api/v1/patients",
    operation_id = "createPatient",
    summary = "Register a patient of the caller's clinic",
    request_body = PatientRequest,
    responses(
        (status = 201, description = "The patient", body = PatientDoc),
        (status = 400, description = super::openapi::errors::BAD_JSON, body = Error),
        JsonBody,
    )
)]
pub async fn create(staff: ClinicStaff, ApiJson(request): ApiJson<PatientRequest>) -> Result<Response, ApiError> {
    let new = request.parse(staff.store.now().date())?;
    let patient = staff.scope.create_patient(new).await?;
    Ok(created(&PatientDoc::of(patient)?))
}

/// `GET /api/v1/patients`: a page of the clinic's patients with their latest scores, found by `q` and `status`.
#[utoipa::path(
    get,
    path = "/api/v1/patients",
    operation_id = "listPatients",
    summary = "The caller's clinic's patients with each one's latest score per instrument, searched and paged",
    params(PatientListQuery),
    responses(
        (status = 200, description = "A page of patients, by family name, given name (both without regard to accents or case) and id", body = inline(PatientList)),
        (status = 400, description = "A bad `q` (a date that does not exist), `status`, `limit` or `cursor` (`invalid_input`, naming the parameter)", body = Error),
    )
)]
pub async fn list(staff: ClinicStaff, uri: Uri) -> Result<Response, ApiError> {
    let query = patient_query(&uri)?;
    let page = ketapath_care::patients::find(&staff.scope, &query).await?;
    let patients = page
        .patients
        .into_iter()
        .map(|s| {
            Ok(PatientListItem {
                patient: PatientDoc::of(s.patient)?,
                latest: s.latest.into_iter().map(LatestDoc::of).collect::<Result<_, ApiError>>()?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(private_json(&PatientList { patients, next_cursor: page.next_cursor }))
}

/// `GET /api/v1/patients/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}",
    operation_id = "getPatient",
    summary = "One patient of the caller's clinic",
    params(PatientPath),
    responses(
        (status = 200, description = "The patient", body = PatientDoc),
    )
)]
pub async fn get(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let patient = staff.scope.patient(id).await?;
    Ok(private_json(&PatientDoc::of(patient)?))
}

/// The answer to a recorded assessment: the stored record and the score with its flags and rule.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Assessment)]
pub(crate) struct AssessmentDoc {
    id: String,
    patient_id: String,
    instrument: &'static str,
    #[schema(value_type = Vec<i64>)]
    items: Vec<u8>,
    #[schema(format = DateTime)]
    taken_at: String,
    #[schema(schema_with = context_codes)]
    context: AssessmentContext,
    // The score, with a `crisis` block when the suicide item is positive (the levels of `ketapath score`).
    score: ketapath_clinical::instruments::ScoreReport,
}

/// `POST /api/v1/patients/{id}/assessments`: scores and records one administration.
#[utoipa::path(
    post,
    path = "/api/v1/patients/{id}/assessments",
    operation_id = "recordAssessment",
    summary = "Score and record one administration of a rating instrument for a patient",
    description = format!("Item counts and ranges: {}. `taken_at` defaults to now and may not be in the future.", super::openapi::item_ranges()),
    params(PatientPath),
    request_body = AssessmentRequest,
    responses(
        (status = 201, description = "The recorded assessment with its score", body = AssessmentDoc),
        (status = 400, description = "Invalid input (`invalid_input`, naming `instrument`, `items[3]`, `taken_at` or `context`) or a body that is not JSON (`malformed_json`)", body = Error),
        JsonBody,
    )
)]
pub async fn record_assessment(
    staff: ClinicStaff,
    PatientPath { id: patient }: PatientPath,
    ApiJson(request): ApiJson<AssessmentRequest>,
) -> Result<Response, ApiError> {
    let (stored, entry) = record(&staff.scope, patient, request, staff.store.now()).await?;
    Ok(created(&AssessmentDoc {
        id: stored.id.to_text(),
        patient_id: stored.patient_id.to_text(),
        instrument: stored.instrument.code(),
        items: stored.items,
        taken_at: rfc3339(stored.administered_at)?,
        context: entry.context,
        score: score_report(&entry.items),
    }))
}

/// Checks and records an assessment of `patient`: the one path the API and the portal's form take.
pub(crate) async fn record(
    scope: &ketapath_store::ClinicScope,
    patient: PatientId,
    request: AssessmentRequest,
    now: OffsetDateTime,
) -> Result<(Assessment, AssessmentEntry), ApiError> {
    let entry = request.parse(now)?;
    let new = NewAssessment {
        patient_id: patient,
        course_id: None,
        session_id: None,
        items: entry.items.clone(),
        administered_at: entry.taken_at,
    };
    let stored = scope.record_assessment_in_context(new, Some(entry.context)).await?;
    Ok((stored, entry))
}

/// Item scores typed as whole numbers separated by commas or spaces (anything else is passed on as text, so the
/// parse names the item).
pub(crate) fn comma_scores(raw: &str) -> Value {
    Value::Array(
        raw.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<u64>().map_or_else(|_| Value::String(t.to_owned()), Value::from))
            .collect(),
    )
}

/// Item scores from one form field per item, in item order: a blank or absent item is `null`, so the parse names
/// that item instead of counting the items short; anything not a whole number is passed on as text.
pub(crate) fn item_scores<'a>(fields: impl Iterator<Item = Option<&'a str>>) -> Value {
    Value::Array(
        fields
            .map(|raw| match raw.map(str::trim).filter(|t| !t.is_empty()) {
                None => Value::Null,
                Some(t) => t.parse::<u64>().map_or_else(|_| Value::String(t.to_owned()), Value::from),
            })
            .collect(),
    )
}

impl AssessmentRequest {
    /// The request a portal form carries, with the item scores already gathered ([`comma_scores`] or
    /// [`item_scores`]); blank fields are absent.
    pub(crate) fn from_parts(
        instrument: Option<&str>,
        items: Option<Value>,
        taken_at: Option<&str>,
        context: Option<&str>,
    ) -> Self {
        let some = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let items = items.filter(|v| v.as_array().is_none_or(|a| !a.is_empty()));
        Self { instrument: some(instrument), items, taken_at: some(taken_at), context: some(context) }
    }
}

/// One stored assessment as `GET /api/v1/patients/{id}/assessments` lists it: what was recorded, with the stored
/// total and the rule that scored it (the context of a recording is not stored).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StoredAssessment)]
pub(crate) struct StoredAssessmentDoc {
    id: String,
    patient_id: String,
    instrument: &'static str,
    #[schema(value_type = Vec<i64>)]
    items: Vec<u8>,
    #[schema(format = DateTime)]
    taken_at: String,
    total: i64,
    #[schema(required = true)]
    severity: Option<String>,
    #[schema(inline)]
    rule: StoredRule,
}

#[derive(Debug, Serialize, ToSchema)]
struct StoredRule {
    id: String,
    version: String,
}

/// One patient's stored assessments.
#[derive(Debug, Serialize, ToSchema)]
struct AssessmentList {
    assessments: Vec<StoredAssessmentDoc>,
}

/// `GET /api/v1/patients/{id}/assessments`: every assessment of one patient of the caller's clinic, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/assessments",
    operation_id = "listAssessments",
    summary = "Every recorded assessment of one patient of the caller's clinic, oldest first",
    params(PatientPath),
    responses(
        (status = 200, description = "The assessments", body = inline(AssessmentList)),
    )
)]
pub async fn list_assessments(staff: ClinicStaff, PatientPath { id }: PatientPath) -> Result<Response, ApiError> {
    let stored = staff.scope.assessments(id).await?;
    let assessments = stored
        .into_iter()
        .map(|a| {
            Ok(StoredAssessmentDoc {
                id: a.id.to_text(),
                patient_id: a.patient_id.to_text(),
                instrument: a.instrument.code(),
                items: a.items,
                taken_at: rfc3339(a.administered_at)?,
                total: a.total,
                severity: a.severity,
                rule: StoredRule { id: a.rule_id, version: a.rule_version },
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(private_json(&AssessmentList { assessments }))
}
