//! `GET /portal/patients` (the clinic's patients, searched by name part, birth date or record number, filtered by
//! `status`, a `PatientStatus`, and paged: the API's search), `GET`/`POST /portal/patients/new`
//! (demographics only, parsed by the same rules as `POST /api/v1/patients`) and `GET /portal/patients/{id}`
//! (demographics, address, assessments, intake summary, outcomes with charts, sessions and the form that starts one),
//! and `POST /portal/patients/{id}/address` (the address form). Another clinic's patient answers the same 404 as a
//! missing one.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::protocols::Modality;
use ketapath_clinical::safety::CrisisLevel;
use ketapath_clinical::safety::suicide_items::stored_suicide_item;
use ketapath_research::{Consent, ConsentStatus};
use ketapath_store::domain::{AssessmentContext, ConsentRecord, Patient, PatientId, PatientStatus};
use ketapath_store::{ClinicScope, consent_decision};

use super::csrf::{Fields, PortalForm};
use super::labels;
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout, no_access};
use crate::api::patients::{PatientRequest, SEX_CODES};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::clinic_time::date_text;

pub const PATH: &str = "/portal/patients";
pub const NEW_PATH: &str = "/portal/patients/new";

/// A patient in the list.
#[derive(Debug, Clone)]
pub struct PatientRow {
    pub href: String,
    pub name: String,
    pub birth_date: String,
    pub latest: String,
}

#[derive(Template)]
#[template(path = "portal_patients.html")]
struct ListPage {
    layout: Layout,
    bar: Bar,
    q: String,
    /// The status filter (`PatientStatus` code), empty for every patient.
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    patients: Vec<PatientRow>,
    /// The link to the next page (the same search from the page's cursor), when there is one.
    next: Option<String>,
    /// Whether this is a later page, which links back to the first.
    paged: bool,
    /// The first page of the same search.
    first: String,
}

/// The list's link for the search `q`, `status` and `limit` (each as typed), from `cursor` when given: the query
/// kept in every link.
fn list_link(search: [&str; 3], cursor: Option<&str>) -> String {
    let [q, status, limit] = search;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("q", q), ("status", status), ("limit", limit), ("cursor", cursor.unwrap_or_default())] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    let query = query.finish();
    if query.is_empty() { PATH.to_owned() } else { format!("{PATH}?{query}") }
}

/// `GET /portal/patients?q=&status=&cursor=`: the API's search (`api::patients::patient_query` and
/// `ketapath_care::patients::find`), one page at a time.
pub async fn list(State(state): State<AppState>, staff: PortalStaff, uri: Uri) -> Response {
    let demo = state.config.demo;
    let pairs = crate::api::clinics::query_pairs(&uri);
    let param = |name: &str| pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim()).to_owned();
    let (q, status, limit) = (param("q"), param("status"), param("limit"));
    let scope = match super::clinic_scope(&staff, demo, PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let query = match crate::api::patients::patient_query(&uri) {
        Ok(query) => query,
        Err(invalid) => {
            // The error page shows the message alone, so the message names the parameter.
            let message = format!("The search's {} {}", invalid.field, invalid.message);
            return respond(PATH, demo, InvalidInput::new(invalid.field, message).into());
        }
    };
    let page = match ketapath_care::patients::find(&scope, &query).await {
        Ok(page) => page,
        Err(error) => return respond(PATH, demo, error.into()),
    };
    let search = [q.as_str(), status.as_str(), limit.as_str()];
    let next = page.next_cursor.as_deref().map(|cursor| list_link(search, Some(cursor)));
    let first = list_link(search, None);
    let patients = page
        .patients
        .into_iter()
        .map(|s| PatientRow {
            href: format!("{PATH}/{}", s.patient.id),
            name: format!("{}, {}", s.patient.family_name, s.patient.given_name),
            birth_date: date_text(s.patient.birth_date),
            latest: s
                .latest
                .iter()
                .map(|l| format!("{} {}", labels::instrument(l.instrument), l.total))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            layout: layout("Patients", demo, PATH),
            bar: Bar::of(&staff),
            q,
            status,
            statuses: PatientStatus::ALL.iter().map(|s| (s.code(), s.label())).collect(),
            patients,
            next,
            paged: query.after.is_some(),
            first,
        },
    )
}

#[derive(Template)]
#[template(path = "portal_patient_new.html")]
struct NewPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    given_name: String,
    family_name: String,
    birth_date: String,
    sex: String,
    sexes: &'static [&'static str],
    mrn: String,
    error: Option<(String, String)>,
}

fn new_page(staff: &PortalStaff, demo: bool, values: [&str; 5], error: Option<(String, String)>) -> NewPage {
    NewPage {
        layout: layout("New patient", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        given_name: values[0].to_owned(),
        family_name: values[1].to_owned(),
        birth_date: values[2].to_owned(),
        sex: values[3].to_owned(),
        sexes: &SEX_CODES,
        mrn: values[4].to_owned(),
        error,
    }
}

/// `GET /portal/patients/new`.
pub async fn new_form(State(state): State<AppState>, staff: PortalStaff) -> Response {
    if !staff.actor().role.is_clinic_role() {
        return no_access(&staff, state.config.demo);
    }
    render(StatusCode::OK, &new_page(&staff, state.config.demo, ["", "", "", "", ""], None))
}

/// `POST /portal/patients/new`: creates the record and goes to it; a field problem shows the form again with the
/// message next to the field (400).
pub async fn create(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let staff = &form.staff;
    let scope = match super::clinic_scope(staff, demo, NEW_PATH).await {
        Ok(scope) => scope,
        Err(response) => return response,
    };
    let f = |name| form.fields.get(name);
    let values = [
        f("given_name").unwrap_or_default(),
        f("family_name").unwrap_or_default(),
        f("birth_date").unwrap_or_default(),
        f("sex").unwrap_or_default(),
        f("mrn").unwrap_or_default(),
    ];
    let request = PatientRequest::from_form(f("given_name"), f("family_name"), f("birth_date"), f("sex"), f("mrn"));
    let again = |field: &str, message: &str| {
        let error = Some((field.to_owned(), message.to_owned()));
        render(StatusCode::BAD_REQUEST, &new_page(staff, demo, values, error))
    };
    let new = match request.parse(staff.store().now().date()) {
        Ok(new) => new,
        Err(invalid) => return again(&invalid.field, &invalid.message),
    };
    match scope.create_patient(new).await {
        Ok(patient) => see_other(&format!("{PATH}/{}", patient.id)),
        // A record number another patient has is a field problem too: the form again, with what was typed.
        Err(ketapath_store::StoreError::Invalid { field, message }) => again(&field, &message),
        Err(error) => respond(NEW_PATH, demo, error.into()),
    }
}

/// An assessment row of the patient page.
#[derive(Debug, Clone)]
pub struct AssessmentRow {
    pub taken: String,
    pub instrument: &'static str,
    pub total: i64,
    pub severity: String,
    /// The crisis level of the suicide item in words ("Emergency: MADRS item 10 = 6"), empty when not positive:
    /// the same levels as the score, the self-check and self-report alerts (`safety::suicide_items`).
    pub crisis: String,
    /// `urgent` or `emergency` when `crisis` is set, for the row's style.
    pub crisis_level: &'static str,
}

/// The crisis level of a stored assessment's suicide item, in words and as a code, from the one function that the
/// score, the self-check and self-report alerts use; empty when the item is not positive.
fn crisis_words(instrument: Instrument, items: &[u8]) -> (String, &'static str) {
    match stored_suicide_item(instrument, items) {
        Some(found) if found.level != CrisisLevel::None => {
            let (word, code) = match found.level {
                CrisisLevel::Emergency => ("Emergency", "emergency"),
                _ => ("Urgent", "urgent"),
            };
            (format!("{word}: {} item {} = {}", labels::instrument(instrument), found.item, found.score), code)
        }
        _ => (String::new(), ""),
    }
}

/// A session row of the patient page, with a link to the live session page.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub href: String,
    pub label: String,
    pub status: String,
}

/// One item of the assessment form: a select of the instrument's own answer choices with their scores (public
/// instruments), or of the scores alone (licensed instruments, whose texts and anchors are not ours to show).
#[derive(Debug, Clone)]
pub struct ItemField {
    /// The form field, `item_1` … `item_N`.
    pub name: String,
    /// The item in words: its number, and its text where the instrument's text may be shown.
    pub label: String,
    /// `(score, words)` of each choice.
    pub choices: Vec<(String, String)>,
    /// The score chosen (what was typed after a refusal), empty for none.
    pub value: String,
}

/// The assessment entry form of the patient page, for one instrument.
#[derive(Debug, Clone)]
pub struct AssessmentForm {
    /// The instrument's code (the form's hidden `instrument` value).
    pub instrument: &'static str,
    pub instrument_name: &'static str,
    /// `(code, words)` of every instrument, for the chooser.
    pub instruments: Vec<(&'static str, &'static str)>,
    /// The recall period in words for an instrument whose texts are shown ("last 2 weeks").
    pub recall: Option<&'static str>,
    /// Whether the instrument is licensed: items by number and score only.
    pub licensed: bool,
    pub copyright: Option<&'static str>,
    pub items: Vec<ItemField>,
    pub taken_at: String,
    pub context: String,
    /// `(code, words)` of every context.
    pub contexts: Vec<(&'static str, &'static str)>,
    /// A refused entry: the message naming the item or field.
    pub error: Option<String>,
}

/// The form field of item `number`.
fn item_field(number: u8) -> String {
    format!("item_{number}")
}

/// The entry form for `instrument`, with what was typed and the refusal when an entry was refused.
fn assessment_form(instrument: Instrument, typed: Option<&Fields>, error: Option<String>) -> AssessmentForm {
    let spec = instrument.spec();
    let typed_value = |name: &str| typed.and_then(|f| f.get(name)).unwrap_or_default().trim().to_owned();
    // Texts and answer anchors are shown only where the instrument ships them (PHQ-9, GAD-7, MOAA/S); the licensed
    // instruments carry neither, so their items are numbers with a score from the instrument's range.
    let licensed = spec.answers.is_empty();
    let items = spec
        .items
        .iter()
        .map(|item| {
            let label = match item.text {
                Some(text) if !licensed => format!("{}. {text}", item.number),
                _ => format!("Item {}", item.number),
            };
            let choices = if licensed {
                (spec.item_min..=spec.item_max).map(|score| (score.to_string(), score.to_string())).collect()
            } else {
                let mut answers: Vec<_> = spec.answers.iter().collect();
                answers.sort_by_key(|a| a.score);
                answers.iter().map(|a| (a.score.to_string(), format!("{} ({})", a.label, a.score))).collect()
            };
            let name = item_field(item.number);
            ItemField { value: typed_value(&name), name, label, choices }
        })
        .collect();
    AssessmentForm {
        instrument: instrument.code(),
        instrument_name: labels::instrument(instrument),
        instruments: Instrument::ALL.iter().map(|i| (i.code(), labels::instrument(*i))).collect(),
        recall: spec.items.iter().any(|i| i.text.is_some()).then_some(spec.recall),
        licensed,
        copyright: spec.copyright,
        items,
        taken_at: typed_value("taken_at"),
        context: typed_value("context"),
        contexts: AssessmentContext::ALL.iter().map(|c| (c.code(), labels::assessment_context(*c))).collect(),
        error,
    }
}

#[derive(Template)]
#[template(path = "portal_patient.html")]
struct PatientPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    prescriber: bool,
    modalities: Vec<(&'static str, &'static str)>,
    /// The research-consent decision the store acts on, in one sentence.
    research_consent: String,
    /// The consent decisions, oldest first: `date: given|withdrawn (recorded on …)`.
    consent_history: Vec<String>,
    courses: Vec<super::patient_care::CourseRow>,
    links: Vec<(String, String, &'static str)>,
    sessions: Vec<SessionRow>,
    care: super::patient_care::CareSummary,
    name: String,
    birth_date: String,
    sex: String,
    /// The clinic's record number, or words saying there is none.
    mrn: String,
    /// The address form's values: street, city, state, ZIP (empty when not recorded).
    address: (String, String, String, String),
    assessments: Vec<AssessmentRow>,
    entry: AssessmentForm,
}

/// The research-consent decision of `patient` in one sentence, from the store's own reading of the flag and the
/// history (`ketapath_store::consent_decision`), so that the page says what the research export does.
fn consent_sentence(patient: &Patient, history: &[ConsentRecord]) -> String {
    let latest = history.last().map(|r| Consent { status: r.status, date: r.decided_on });
    match consent_decision(patient.research_consent, patient.created_at.date(), latest) {
        Some(c) if c.status == ConsentStatus::Given && history.is_empty() => format!(
            "Given at registration ({}); no decision is recorded below yet. The patient's de-identified data is \
             included in research exports.",
            date_text(c.date)
        ),
        Some(c) if c.status == ConsentStatus::Given => format!(
            "Given on {}: the patient's de-identified data is included in research exports from that date.",
            date_text(c.date)
        ),
        Some(c) => format!("Withdrawn on {}: the patient's data is left out of research exports.", date_text(c.date)),
        None if history.is_empty() => {
            "Not given: no research consent is recorded, so the patient's data is left out of research exports."
                .to_owned()
        }
        None => "Not given: the intake recorded no consent after the decisions below, so the patient's data is left \
                 out of research exports."
            .to_owned(),
    }
}

/// The patient page with the assessment form `entry`.
async fn patient_page(
    staff: &PortalStaff,
    scope: &ClinicScope,
    patient_id: PatientId,
    demo: bool,
    entry: AssessmentForm,
) -> Result<PatientPage, ApiError> {
    let zone = ketapath_care::clinic_time::ClinicTime::of(scope).await?;
    let p = scope.patient(patient_id).await?;
    let assessments = scope.assessments(patient_id).await?;
    let mut sessions = Vec::new();
    let mut doses = Vec::new();
    let mut courses = Vec::new();
    for course in scope.courses(patient_id).await? {
        courses.push(super::patient_care::course_row(scope, &course, &zone, staff.store().now()).await?);
        for s in scope.sessions(course.id).await? {
            doses.extend(scope.session(s.id).await?.doses.iter().map(|d| d.given_at));
            sessions.push(SessionRow {
                href: format!("{}/{}", super::sessions::PATH, s.id),
                label: format!("{}, session {}", labels::treatment(&course.treatment), s.number),
                status: labels::session_status(s.status).to_owned(),
            });
        }
    }
    let care = super::patient_care::summary(scope, patient_id, &assessments, &doses).await?;
    let history = scope.research_consents(patient_id).await?;
    let consent_history = history
        .iter()
        .map(|r| {
            format!(
                "{}: {} (recorded on {})",
                date_text(r.decided_on),
                labels::consent(r.status),
                zone.day_text(r.recorded_at)
            )
        })
        .collect::<Vec<_>>();
    let a = scope.patient_address(patient_id).await?.unwrap_or_default();
    let text = Option::unwrap_or_default;
    let address = (text(a.street), text(a.city), text(a.state), text(a.zip));
    let now = staff.store().now();
    let links = scope
        .self_report_links(patient_id)
        .await?
        .iter()
        .map(|l| {
            let created = zone.day_text(l.created_at);
            let expires = zone.show(l.expires_at);
            (created, expires, ketapath_care::self_report::LinkStatus::of(l, now).label())
        })
        .collect::<Vec<_>>();
    Ok(PatientPage {
        layout: layout(format!("{} {}", p.given_name, p.family_name), demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        id: p.id.to_string(),
        prescriber: staff.actor().role == ketapath_store::domain::Role::Prescriber,
        modalities: Modality::ALL.iter().map(|m| (m.code(), labels::modality(*m))).collect(),
        sessions,
        care,
        research_consent: consent_sentence(&p, &history),
        consent_history,
        links,
        courses,
        name: format!("{} {}", p.given_name, p.family_name),
        birth_date: date_text(p.birth_date),
        sex: p.sex.clone().unwrap_or_else(|| "not recorded".to_owned()),
        mrn: p.mrn.clone().unwrap_or_else(|| "not recorded".to_owned()),
        address,
        assessments: assessments
            .into_iter()
            .map(|a| {
                let (crisis, crisis_level) = crisis_words(a.instrument, &a.items);
                AssessmentRow {
                    taken: zone.day_text(a.administered_at),
                    instrument: labels::instrument(a.instrument),
                    total: a.total,
                    severity: a.severity.as_deref().map(|s| labels::severity(a.instrument, s)).unwrap_or_default(),
                    crisis,
                    crisis_level,
                }
            })
            .collect(),
        entry,
    })
}

/// `GET /portal/patients/{id}?instrument=`: the patient page; `instrument` chooses the assessment form's
/// instrument (PHQ-9 when absent or unknown).
pub async fn show(
    State(state): State<AppState>,
    staff: PortalStaff,
    ApiPath(id): ApiPath<String>,
    uri: Uri,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let (scope, patient_id) = match super::clinic_patient(&staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let pairs = crate::api::clinics::query_pairs(&uri);
    let chosen = pairs.iter().find(|(k, _)| k == "instrument").and_then(|(_, v)| Instrument::parse(v.trim()).ok());
    let entry = assessment_form(chosen.unwrap_or(Instrument::Phq9), None, None);
    match patient_page(&staff, &scope, patient_id, demo, entry).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => respond(&path, demo, error),
    }
}

/// The request an assessment form carries: one `item_N` field per item of the chosen instrument (a blank item is
/// sent as missing, so the one check names it), or the older `items` list of scores separated by commas, which
/// scripts may still post.
fn assessment_request(fields: &Fields, taken_at: Option<&str>) -> crate::api::patients::AssessmentRequest {
    let instrument = fields.get("instrument");
    let items = match (fields.get("items"), instrument.and_then(|code| Instrument::parse(code.trim()).ok())) {
        (None, Some(chosen)) => {
            let scores = chosen.spec().items.iter().map(|item| fields.get(&item_field(item.number)));
            Some(crate::api::patients::item_scores(scores))
        }
        (items, _) => items.map(crate::api::patients::comma_scores),
    };
    crate::api::patients::AssessmentRequest::from_parts(instrument, items, taken_at, fields.get("context"))
}

/// `POST /portal/patients/{id}/assessments`: records an assessment through the API's own check
/// (`crate::api::patients::record`) and goes back to the patient page; a refused entry shows the page again (400)
/// with the message naming the item or field and every value as entered.
pub async fn record_assessment(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    form: PortalForm,
) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let (scope, patient) = match super::clinic_patient(&form.staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let f = |name| form.fields.get(name);
    let zone = match ketapath_care::clinic_time::ClinicTime::of(&scope).await {
        Ok(zone) => zone,
        Err(error) => return respond(&path, demo, error.into()),
    };
    let taken_at = super::sessions::form_instant(&zone, "taken_at", f("taken_at"), form.staff.store().now())
        .map(|at| at.map(|at| at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()))
        .map_err(ApiError::from);
    let recorded = match taken_at {
        Ok(taken_at) => {
            let request = assessment_request(&form.fields, taken_at.as_deref());
            crate::api::patients::record(&scope, patient, request, form.staff.store().now()).await.map(|_| ())
        }
        Err(error) => Err(error),
    };
    match recorded {
        Ok(()) => see_other(&path),
        Err(ApiError::InvalidInput(invalid)) => {
            let chosen = f("instrument").and_then(|code| Instrument::parse(code.trim()).ok());
            let message = format!("{}: {}", invalid.field, invalid.message);
            let entry = assessment_form(chosen.unwrap_or(Instrument::Phq9), Some(&form.fields), Some(message));
            match patient_page(&form.staff, &scope, patient, demo, entry).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(error) => respond(&path, demo, error),
            }
        }
        Err(error) => respond(&path, demo, error),
    }
}

/// `POST /portal/patients/{id}/research-consent`: records a research-consent decision (`status` given or withdrawn,
/// `date` blank for today) through the API's own check (`crate::api::consent::decision`); a withdrawal leaves the
/// patient out of the next research export. Back to the patient page; a bad field is the 400 page naming it.
pub async fn record_consent(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let recorded = super::in_clinic_patient(&form.staff, demo, &path, &id, async |scope, patient| {
        // A blank date is the clinic's today, not UTC's.
        let zone = ketapath_care::clinic_time::ClinicTime::of(scope).await?;
        let today = zone.date_of(form.staff.store().now());
        let (status, decided_on) =
            crate::api::consent::decision(form.fields.get("status"), form.fields.get("date"), today)?;
        Ok(scope.record_research_consent(patient, status, decided_on).await?)
    });
    recorded.await.map_or_else(|refused| refused, |_| see_other(&path))
}

/// `POST /portal/patients/{id}/address`: sets the patient's address (street optional; city, 2-letter state, US ZIP
/// or ZIP+4) through `ketapath_care::address`, and goes back to the patient page; a bad field is the 400 page
/// naming it and saying what to enter.
pub async fn set_address(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let f = |name| form.fields.get(name);
    let address =
        ketapath_care::address::AddressForm { street: f("street"), city: f("city"), state: f("state"), zip: f("zip") };
    let saved = super::in_clinic_patient(&form.staff, demo, &path, &id, async |scope, patient| {
        match ketapath_care::address::set(scope, patient, &address).await {
            Ok(_) => Ok(()),
            // The error page shows the message alone, so the message names the field.
            Err(ketapath_care::treatment::TreatmentError::Invalid(invalid)) => {
                let message = format!("The address's {} {}", invalid.field, invalid.message);
                Err(InvalidInput::new(invalid.field, message).into())
            }
            Err(error) => Err(error.into()),
        }
    });
    saved.await.map_or_else(|refused| refused, |()| see_other(&path))
}
