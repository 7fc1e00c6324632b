//! Sending a self-check summary to a clinic: `POST /check/send` (choose a clinic, then give contact details and
//! agree to what is sent) and `POST /check/send/confirm` (store the referral in the clinic's inbox).
//!
//! Both take the answers in the POST body, as the check's steps do, and never trust them: the answers are parsed
//! again with the check's own parser ([`CheckForm::check`]) and the screening is recomputed, so a tampered hidden
//! field is refused (400) and the summary stored is always the one the rules give for those answers. Nothing is
//! put in a URL or a `Location`, no cookie is set, and every page is `no-store`.
//!
//! Only clinics that can read their inbox are offered: those with an active clinic admin, prescriber or nurse
//! account ([`ketapath_store::Store::receiving_clinics`]). The list is sorted by distance from a typed ZIP or
//! "City, ST" with the directory's own place lookup and the search's great-circle distance, shown in miles first;
//! it starts from the ZIP the person searched clinics from (`zip`, carried from the finder through the check) when
//! there is one. Each clinic says whether it is taking new patients and offers ketamine care, and only those taking
//! new patients are listed unless the person asks for all.
//!
//! The referral keeps the summary, the contact details and the message, and nothing else: the store audits it
//! with the channel (`public web`), not the person's address ([`ketapath_store::Store::submit_public_referral`]).
//! A repeat from the same contact within 24 hours is merged into the earlier referral and answered with the same
//! page as a new one; once the clinic has its daily cap of public referrals, nothing is stored and the page (429)
//! gives the clinic's phone number and the crisis services instead.
//! The confirmation is a state change from a public page, so it is guarded like the listing report
//! ([`crate::pages::clinic::is_same_origin`]).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ketapath_care::referrals;
use ketapath_clinical::InvalidInput;
use ketapath_clinical::safety::crisis::CrisisLevel;
use ketapath_clinical::screen::{Screening, ScreeningInput, screen};
use ketapath_directory::{Clinic, ClinicId, Gazetteer, Offer, Place};
use ketapath_store::StoreError;
use ketapath_store::domain::PublicDelivery;

use super::crisis::{self, ResourceView};
use super::form::{CheckForm, FieldError};
use super::send_form::{MESSAGE_MAX, SendForm};
use super::steps::ErrorLink;
use super::summary::{Summary, SummaryView};
use super::{FormBody, PATH, no_store};
use crate::error::{ApiError, respond};
use crate::extract::Db;
use crate::i18n::{Lang, Tr};
use crate::pages::clinic::{is_same_origin, tel_href};
use crate::pages::distance::miles_first;
use crate::pages::{self, Layout};
use crate::state::AppState;

/// The path of the send page.
pub const SEND_PATH: &str = "/check/send";

/// The path of the confirmation.
pub const CONFIRM_PATH: &str = "/check/send/confirm";

/// Most clinics offered at once; a place search brings the nearest ones to the top.
const MAX_CHOICES: usize = 25;

/// A clinic as the list offers it.
#[derive(Debug, Clone)]
pub struct ClinicChoice {
    pub id: String,
    pub name: String,
    pub address: String,
    /// "12.3 mi (19.8 km)" from the person's ZIP or place, when one is known.
    pub distance: Option<String>,
    pub accepting: bool,
    pub ketamine: bool,
    pub phone: Option<String>,
    pub checked: bool,
}

/// A text field with what was typed and its message.
#[derive(Debug, Clone)]
pub struct Field {
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "check_send.html")]
struct SendPage {
    layout: Layout,
    errors: Vec<ErrorLink>,
    /// The answers (and `to`), carried in hidden fields.
    hidden: Vec<(String, String)>,
    /// Contact details typed before the clinic was changed, carried while choosing.
    contact_hidden: Vec<(String, String)>,
    level: String,
    crisis_message: String,
    resources: Vec<ResourceView>,
    /// The chosen clinic; `None` shows the list to choose from.
    chosen: Option<ClinicChoice>,
    choices: Vec<ClinicChoice>,
    more_clinics: bool,
    /// Clinics left out of the list because they are not taking new patients (shown when `all` is ticked).
    hidden_not_accepting: usize,
    all: bool,
    place: Field,
    clinic_error: Option<String>,
    name: Field,
    phone: Field,
    email: Field,
    message: Field,
    contact_error: Option<String>,
    consent: bool,
    consent_error: Option<String>,
    message_max: usize,
    summary: SummaryView,
}

#[derive(Template)]
#[template(path = "check_sent.html")]
struct SentPage {
    layout: Layout,
    level: String,
    crisis_message: String,
    resources: Vec<ResourceView>,
    clinic_name: String,
    /// The clinic's phone number from its listing, to call it directly; `None` when the listing has none.
    clinic_phone: Option<String>,
    clinic_phone_href: Option<String>,
    clinic_id: String,
    by_phone: bool,
    by_email: bool,
}

/// The page a sender sees when the clinic has received its daily cap of public referrals: nothing was stored, and
/// the clinic's phone number (when its listing has one) and the crisis services are there instead.
#[derive(Template)]
#[template(path = "check_send_full.html")]
struct FullPage {
    layout: Layout,
    level: String,
    crisis_message: String,
    resources: Vec<ResourceView>,
    clinic_name: String,
    clinic_id: String,
    phone: Option<String>,
    phone_href: Option<String>,
}

/// The answers of a send request, re-checked, with their screening and summary.
struct Checked {
    form: CheckForm,
    screening: Screening,
    summary: Summary,
    /// The language of the pages the person answered on, which the send pages keep and the summary records.
    lang: Lang,
}

/// Parses and re-checks the answers in `body`; an answer that does not pass the check's own parser is a 400
/// naming the first field at fault (a real browser only sends answers the check accepted).
fn recheck(state: &AppState, lang: Lang, body: &[u8], today: time::Date) -> Result<Checked, ApiError> {
    let form = CheckForm::parse(body);
    let input: ScreeningInput = form.check().map_err(|errors| {
        let first = errors.into_iter().next().unwrap_or_else(|| FieldError::new("phq9_1", "missing answers"));
        let message = format!(
            "The self-check answers sent with this page could not be read: {} ({}). Please do the self-check \
             again; nothing was sent.",
            first.field, first.message
        );
        ApiError::InvalidInput(InvalidInput::new(first.field, message))
    })?;
    let screening = screen(&input, &state.screen);
    let mut summary = Summary::build(&input, &screening, state.screen.trd.required_failed_trials(), today);
    summary.language = Some(lang.code().to_owned());
    Ok(Checked { form, screening, summary, lang })
}

/// The clinics that receive summaries, as listings ([`referrals::receiving`]).
async fn receiving(state: &AppState, store: &ketapath_store::Store) -> Result<Vec<Clinic>, ApiError> {
    Ok(referrals::receiving(store, &state.directory).await?)
}

fn address(c: &Clinic) -> String {
    format!("{}, {}, {} {}", c.address.street, c.address.city, c.address.state, c.address.zip)
}

/// Whether a listing offers ketamine or esketamine care of any kind (TMS and ECT alone do not count).
fn offers_ketamine(c: &Clinic) -> bool {
    [
        Offer::EsketamineNasal,
        Offer::IvKetamine,
        Offer::ImKetamine,
        Offer::OralKetamine,
        Offer::KetamineAssistedPsychotherapy,
    ]
    .into_iter()
    .any(|offer| c.offers.contains(offer))
}

fn choice(c: &Clinic, distance_km: Option<f64>, checked: bool) -> ClinicChoice {
    ClinicChoice {
        id: c.id.as_str().to_owned(),
        name: c.name.clone(),
        address: address(c),
        distance: distance_km.map(miles_first),
        accepting: c.accepting_new_patients,
        ketamine: offers_ketamine(c),
        phone: c.phone.clone(),
        checked,
    }
}

/// Everything a send page shows besides the list and the chosen clinic.
struct PageState<'a> {
    checked: &'a Checked,
    send: &'a SendForm,
    errors: Vec<FieldError>,
}

/// The message for `field` in `t`'s language.
fn error_for(errors: &[FieldError], field: &str, t: Tr) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message_in(t))
}

fn field(value: &str, errors: &[FieldError], name: &str, t: Tr) -> Field {
    Field { value: value.to_owned(), error: error_for(errors, name, t) }
}

fn level_code(level: CrisisLevel) -> String {
    super::summary::level_code(level)
}

/// Renders the send page: the list when `chosen` is `None`, else the contact form for that clinic.
fn send_page(state: &AppState, page: PageState<'_>, chosen: Option<&Clinic>, list: Listed) -> SendPage {
    let PageState { checked, send, errors } = page;
    let (lang, t) = (checked.lang, checked.lang.tr());
    let title = match chosen {
        Some(c) => t.a("send-title-clinic", [("clinic", c.name.clone())]),
        None => t.m("send-title-choose"),
    };
    let title = if errors.is_empty() { title } else { format!("{} {title}", t.m("send-title-errors")) };
    SendPage {
        layout: Layout::localized(lang, title, state.config.demo, PATH, PATH),
        errors: errors.iter().map(|e| ErrorLink { field: e.field.clone(), message: e.message_in(t) }).collect(),
        hidden: checked.form.pairs(),
        contact_hidden: if chosen.is_none() { send.contact_pairs() } else { Vec::new() },
        level: level_code(checked.screening.crisis.level),
        crisis_message: crisis::message(checked.screening.crisis.level, &checked.screening.crisis.message, t),
        resources: crisis::views_in(&checked.screening.crisis.resources, t),
        chosen: chosen.map(|c| choice(c, None, true)),
        choices: list.choices,
        more_clinics: list.more,
        hidden_not_accepting: list.not_accepting,
        all: send.all,
        place: field(&send.place, &errors, "place", t),
        clinic_error: error_for(&errors, "clinic", t),
        name: field(&send.name, &errors, "name", t),
        phone: field(&send.phone, &errors, "phone", t),
        email: field(&send.email, &errors, "email", t),
        message: field(&send.message, &errors, "message", t),
        contact_error: error_for(&errors, "contact", t),
        consent: send.consent,
        consent_error: error_for(&errors, "consent", t),
        message_max: MESSAGE_MAX,
        summary: SummaryView::of_in(&checked.summary, t, Some(&checked.screening)),
    }
}

/// The clinics a list page shows.
#[derive(Debug, Default)]
struct Listed {
    choices: Vec<ClinicChoice>,
    /// More clinics than [`MAX_CHOICES`] matched.
    more: bool,
    /// Clinics left out because they are not taking new patients.
    not_accepting: usize,
}

/// The list of receiving clinics, nearest to `place` first when one is given (else by name), with the one whose
/// id is `selected` ticked. Only clinics taking new patients are listed unless `all` (the ticked one always is).
/// An unknown place is the message for the `place` field.
fn choices(clinics: &[Clinic], place: &str, selected: &str, all: bool) -> Result<Listed, FieldError> {
    let origin = if place.is_empty() {
        None
    } else {
        let position = Place::locate(place, Gazetteer::shipped()).map_err(|e| {
            FieldError::keyed_with(
                "place",
                format!("We could not find that place: {e}. Check the spelling, or try a ZIP code."),
                "error-send-place",
                Vec::new(),
            )
        })?;
        Some(position)
    };
    let (listed, left_out): (Vec<_>, Vec<_>) = referrals::in_choice_order(clinics, origin)
        .into_iter()
        .partition(|(c, _)| all || c.accepting_new_patients || c.id.as_str() == selected);
    let more = listed.len() > MAX_CHOICES;
    // A ticked clinic stays in the list even when it is not among the nearest shown.
    let kept: Vec<ClinicChoice> = listed
        .iter()
        .enumerate()
        .filter(|(i, (c, _))| *i < MAX_CHOICES || c.id.as_str() == selected)
        .map(|(_, (c, d))| choice(c, *d, c.id.as_str() == selected))
        .collect();
    Ok(Listed { choices: kept, more, not_accepting: left_out.len() })
}

/// The receiving clinic named `id`, if it is one.
fn find<'a>(clinics: &'a [Clinic], id: &str) -> Option<&'a Clinic> {
    ClinicId::parse(id).ok().and_then(|id| clinics.iter().find(|c| c.id == id))
}

/// The message of a chosen clinic that does not receive summaries.
fn not_receiving() -> FieldError {
    FieldError::coded("clinic", "error-send-not-receiving", Vec::new())
}

/// Renders the list with `errors` (a 400 when there are any).
fn list_page(
    state: &AppState,
    checked: &Checked,
    send: &SendForm,
    clinics: &[Clinic],
    errors: Vec<FieldError>,
) -> Response {
    let mut errors = errors;
    let list = match choices(clinics, &send.place, &send.clinic, send.all) {
        Ok(found) => found,
        Err(place_error) => {
            errors.push(place_error);
            choices(clinics, "", &send.clinic, send.all).unwrap_or_default()
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = send_page(state, PageState { checked, send, errors }, None, list);
    no_store(pages::render(status, &page))
}

/// `POST /check/send`: the list of clinics (sorted by a typed place), or, once one is chosen (or preselected by
/// `to` from a clinic's page), the contact form with the consent and the preview of the summary.
pub async fn send(State(state): State<AppState>, Db(store): Db, lang: Lang, FormBody(body): FormBody) -> Response {
    let path = lang.href(SEND_PATH);
    let checked = match recheck(&state, lang, &body, store.now().date()) {
        Ok(checked) => checked,
        Err(error) => return no_store(respond(&path, state.config.demo, error)),
    };
    let mut send = SendForm::parse(&body);
    // Arriving from the result page, the list starts from the ZIP the person searched clinics from, if any.
    if send.action.is_empty() && send.place.is_empty() {
        send.place.clone_from(&checked.form.zip);
    }
    let clinics = match receiving(&state, &store).await {
        Ok(clinics) => clinics,
        Err(error) => return no_store(respond(&path, state.config.demo, error)),
    };
    match send.action.as_str() {
        "search" | "change" => list_page(&state, &checked, &send, &clinics, Vec::new()),
        "choose" => match find(&clinics, &send.clinic) {
            Some(clinic) => contact_page(&state, &checked, &send, clinic, Vec::new()),
            None if send.clinic.is_empty() => list_page(
                &state,
                &checked,
                &send,
                &clinics,
                vec![FieldError::coded("clinic", "error-send-choose-clinic", Vec::new())],
            ),
            None => list_page(&state, &checked, &send, &clinics, vec![not_receiving()]),
        },
        // Arriving from the result page: the clinic of `/check?to=...` when it receives summaries, else the list.
        _ => match find(&clinics, &checked.form.to) {
            Some(clinic) => contact_page(&state, &checked, &send, clinic, Vec::new()),
            None => list_page(&state, &checked, &send, &clinics, Vec::new()),
        },
    }
}

fn contact_page(
    state: &AppState,
    checked: &Checked,
    send: &SendForm,
    clinic: &Clinic,
    errors: Vec<FieldError>,
) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = send_page(state, PageState { checked, send, errors }, Some(clinic), Listed::default());
    no_store(pages::render(status, &page))
}

/// `POST /check/send/confirm`: re-checks the answers, the clinic, the contact details and the consent, stores
/// the referral, and says to whom it went. Any problem shows the page again with the field named (400).
pub async fn confirm(
    State(state): State<AppState>,
    Db(store): Db,
    lang: Lang,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let demo = state.config.demo;
    let path = lang.href(CONFIRM_PATH);
    let t = lang.tr();
    if !is_same_origin(&headers) {
        let refused = ApiError::Forbidden(
            "This summary did not come from KetaPath's own page, so it was not sent. Please use the self-check's \
             send page."
                .to_owned(),
        );
        return no_store(respond(&path, demo, refused));
    }
    let checked = match recheck(&state, lang, &body, store.now().date()) {
        Ok(checked) => checked,
        Err(error) => return no_store(respond(&path, demo, error)),
    };
    let send = SendForm::parse(&body);
    let clinics = match receiving(&state, &store).await {
        Ok(clinics) => clinics,
        Err(error) => return no_store(respond(&path, demo, error)),
    };
    let Some(clinic) = find(&clinics, &send.clinic).cloned() else {
        return list_page(&state, &checked, &send, &clinics, vec![not_receiving()]);
    };
    let contact = match send.contact() {
        Ok(contact) => contact,
        Err(errors) => return contact_page(&state, &checked, &send, &clinic, errors),
    };
    let (by_phone, by_email) = (contact.phone.is_some(), contact.email.is_some());
    let level = checked.screening.crisis.level;
    let crisis_message = crisis::message(level, &checked.screening.crisis.message, t);
    let resources = crisis::views_in(&checked.screening.crisis.resources, t);
    match referrals::submit(&store, &clinic.id, contact, checked.summary.to_json(), level).await {
        Ok(PublicDelivery::OverCap { .. }) => {
            let page = FullPage {
                layout: Layout::localized(
                    lang,
                    t.a("send-full-title", [("clinic", clinic.name.clone())]),
                    demo,
                    PATH,
                    PATH,
                ),
                level: level_code(level),
                crisis_message,
                resources,
                clinic_name: clinic.name.clone(),
                clinic_id: clinic.id.as_str().to_owned(),
                phone: clinic.phone.clone(),
                phone_href: clinic.phone.as_deref().map(tel_href),
            };
            no_store(pages::render(StatusCode::TOO_MANY_REQUESTS, &page))
        }
        // A repeat merged into the earlier referral shows the same page as a new one: the page must not tell
        // whoever typed an e-mail address or phone number whether its owner already wrote to this clinic.
        Ok(PublicDelivery::Created(_) | PublicDelivery::Merged(_)) => {
            let page = SentPage {
                layout: Layout::localized(lang, t.a("sent-title", [("clinic", clinic.name.clone())]), demo, PATH, PATH),
                level: level_code(checked.screening.crisis.level),
                crisis_message,
                resources,
                clinic_name: clinic.name.clone(),
                clinic_phone: clinic.phone.clone(),
                clinic_phone_href: clinic.phone.as_deref().map(tel_href),
                clinic_id: clinic.id.as_str().to_owned(),
                by_phone,
                by_email,
            };
            no_store(pages::render(StatusCode::OK, &page))
        }
        // The clinic stopped receiving (or was removed) between the list and the confirmation.
        Err(StoreError::NotFound { .. } | StoreError::Invalid { .. }) => {
            let clinics: Vec<Clinic> = clinics.into_iter().filter(|c| c.id != clinic.id).collect();
            list_page(&state, &checked, &send, &clinics, vec![not_receiving()])
        }
        Err(error) => {
            // The error names no answer or contact detail: store errors carry fields and codes, not values.
            tracing::error!(%error, "a self-check referral could not be stored");
            no_store(respond(&path, demo, ApiError::Internal))
        }
    }
}
