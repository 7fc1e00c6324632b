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
use ketapath_clinical::safety::CrisisLevel;
use ketapath_clinical::safety::suicide_items::stored_suicide_item;
use ketapath_store::domain::PatientStatus;

use super::csrf::PortalForm;
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
                .map(|l| format!("{} {}", l.instrument.code().to_uppercase(), l.total))
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
    pub instrument: String,
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
            (format!("{word}: {} item {} = {}", instrument.spec().name, found.item, found.score), code)
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

#[derive(Template)]
#[template(path = "portal_patient.html")]
struct PatientPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    id: String,
    prescriber: bool,
    modalities: Vec<(&'static str, &'static str)>,
    instruments: Vec<&'static str>,
    research_consent: &'static str,
    /// The consent decisions, oldest first: `date: given|withdrawn (recorded on …)`.
    consent_history: Vec<String>,
    courses: Vec<super::patient_care::CourseRow>,
    links: Vec<(String, String, &'static str)>,
    contexts: Vec<&'static str>,
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
}

/// `GET /portal/patients/{id}`.
pub async fn show(State(state): State<AppState>, staff: PortalStaff, ApiPath(id): ApiPath<String>) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}");
    let (scope, patient_id) = match super::clinic_patient(&staff, demo, &path, &id).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let found = async {
        let zone = ketapath_care::clinic_time::ClinicTime::of(&scope).await?;
        let patient = scope.patient(patient_id).await?;
        let assessments = scope.assessments(patient_id).await?;
        let mut sessions = Vec::new();
        let mut doses = Vec::new();
        let mut courses = Vec::new();
        for course in scope.courses(patient_id).await? {
            courses.push(super::patient_care::course_row(&scope, &course, &zone, staff.store().now()).await?);
            for s in scope.sessions(course.id).await? {
                doses.extend(scope.session(s.id).await?.doses.iter().map(|d| d.given_at));
                sessions.push(SessionRow {
                    href: format!("{}/{}", super::sessions::PATH, s.id),
                    label: format!("{} session {}", course.treatment, s.number),
                    status: s.status.label().to_owned(),
                });
            }
        }
        let care = super::patient_care::summary(&scope, patient_id, &assessments, &doses).await?;
        let consent_history = scope
            .research_consents(patient_id)
            .await?
            .iter()
            .map(|r| {
                format!(
                    "{}: {} (recorded on {})",
                    date_text(r.decided_on),
                    crate::api::consent::status_code(r.status),
                    zone.day_text(r.recorded_at)
                )
            })
            .collect::<Vec<_>>();
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
        let taken: Vec<String> = assessments.iter().map(|a| zone.day_text(a.administered_at)).collect();
        let a = scope.patient_address(patient_id).await?.unwrap_or_default();
        let text = Option::unwrap_or_default;
        let address = (text(a.street), text(a.city), text(a.state), text(a.zip));
        Ok::<_, ApiError>((patient, assessments, sessions, (care, links, courses, consent_history, taken, address)))
    };
    match found.await {
        Ok((p, assessments, sessions, (care, links, courses, consent_history, taken, address))) => render(
            StatusCode::OK,
            &PatientPage {
                layout: layout(format!("{} {}", p.given_name, p.family_name), demo, PATH),
                bar: Bar::of(&staff),
                csrf: staff.csrf().to_owned(),
                id: p.id.to_string(),
                prescriber: staff.actor().role == ketapath_store::domain::Role::Prescriber,
                modalities: ketapath_clinical::protocols::Modality::ALL.iter().map(|m| (m.code(), m.label())).collect(),
                sessions,
                care,
                research_consent: if p.research_consent { "given" } else { "not given (or withdrawn)" },
                consent_history,
                links,
                courses,
                instruments: ketapath_clinical::instruments::Instrument::ALL.iter().map(|i| i.code()).collect(),
                contexts: ketapath_store::domain::AssessmentContext::ALL.iter().map(|c| c.code()).collect(),
                name: format!("{} {}", p.given_name, p.family_name),
                birth_date: date_text(p.birth_date),
                sex: p.sex.unwrap_or_else(|| "not recorded".to_owned()),
                mrn: p.mrn.unwrap_or_else(|| "not recorded".to_owned()),
                address,
                assessments: assessments
                    .into_iter()
                    .zip(taken)
                    .map(|(a, taken)| {
                        let (crisis, crisis_level) = crisis_words(a.instrument, &a.items);
                        AssessmentRow {
                            taken,
                            instrument: a.instrument.code().to_uppercase(),
                            total: a.total,
                            severity: a.severity.unwrap_or_default(),
                            crisis,
                            crisis_level,
                        }
                    })
                    .collect(),
            },
        ),
        Err(error) => respond(&path, demo, error),
    }
}

/// The patient page's path, the clinic scope and the patient of a form posted under `/portal/patients/{id}/`; the
/// answer to send instead (404 for another clinic's patient, no access for a role without one) when there is none.
async fn posted_to(
    demo: bool,
    id: &str,
    form: &PortalForm,
) -> Result<(String, ketapath_store::ClinicScope, ketapath_store::domain::PatientId), Response> {
    let path = format!("{PATH}/{id}");
    let (scope, patient) = super::clinic_patient(&form.staff, demo, &path, id).await?;
    Ok((path, scope, patient))
}

/// `POST /portal/patients/{id}/assessments`: records an assessment through the API's own check
/// (`crate::api::patients::record`) and goes back to the patient page; a bad field is the 400 page naming it.
pub async fn record_assessment(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    form: PortalForm,
) -> Response {
    let demo = state.config.demo;
    let (path, scope, patient) = match posted_to(demo, &id, &form).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let f = |name| form.fields.get(name);
    let zone = match ketapath_care::clinic_time::ClinicTime::of(&scope).await {
        Ok(zone) => zone,
        Err(error) => return respond(&path, demo, error.into()),
    };
    let taken_at = super::sessions::form_instant(&zone, "taken_at", f("taken_at"), form.staff.store().now());
    let taken_at = match taken_at {
        Ok(at) => at.map(|at| at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()),
        Err(invalid) => return respond(&path, demo, invalid.into()),
    };
    let request = crate::api::patients::AssessmentRequest::from_form(
        f("instrument"),
        f("items"),
        taken_at.as_deref(),
        f("context"),
    );
    match crate::api::patients::record(&scope, patient, request, form.staff.store().now()).await {
        Ok(_) => see_other(&path),
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
    let (path, scope, patient) = match posted_to(demo, &id, &form).await {
        Ok(target) => target,
        Err(response) => return response,
    };
    let f = |name| form.fields.get(name);
    let address =
        ketapath_care::address::AddressForm { street: f("street"), city: f("city"), state: f("state"), zip: f("zip") };
    match ketapath_care::address::set(&scope, patient, &address).await {
        Ok(_) => see_other(&path),
        // The error page shows the message alone, so the message names the field.
        Err(ketapath_care::treatment::TreatmentError::Invalid(invalid)) => {
            let message = format!("The address's {} {}", invalid.field, invalid.message);
            respond(&path, demo, InvalidInput::new(invalid.field, message).into())
        }
        Err(error) => respond(&path, demo, error.into()),
    }
}
