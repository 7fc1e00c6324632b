//! The clinic's own listing, `/portal/clinic/listing` (clinic admins): a form with every field a clinic verifies
//! (phone, website, the weekly hours as a grid of opening and closing times per day, treatments, payment,
//! languages and accessibility as checkboxes in words, the named insurance plans one per line, new patients,
//! telehealth, a short description). A post is
//! turned into the JSON document `PUT /api/v1/clinic/listing` takes and checked by the same
//! `ListingUpdate::from_json`, then saved through `ketapath_care::listing::save`; a refusal shows the form again
//! (400) naming the field, with what was typed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_directory::insurance::{PLAN_NAME_MAX, PLANS_MAX};
use ketapath_directory::listing::{DESCRIPTION_MAX, ListingUpdate};
use ketapath_directory::model::OpeningHours;
use ketapath_directory::{Clinic, Language, Offer, Payment};
use serde_json::{Value, json};

use super::csrf::{Fields, PortalForm};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::pages::find::labels;
use crate::pages::{Layout, render};
use crate::state::AppState;

pub const PATH: &str = "/portal/clinic/listing";

/// The days of the hours grid: FHIR code and name.
const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// The Plan-Net accessibility codes in words.
const ACCESSIBILITY: [(&str, &str); 7] = [
    ("handiaccess", "Wheelchair accessible"),
    ("adacomp", "Meets the ADA accessibility standards"),
    ("mobility", "Help for people with limited mobility"),
    ("cognitive", "Support for people with cognitive disabilities"),
    ("anssrvc", "Service animals welcome"),
    ("cultcomp", "Culturally competent care"),
    ("pubtrans", "Near public transport"),
];

/// Languages every form offers, beside those some listing already names: the most spoken in the United States.
const COMMON_LANGUAGES: [&str; 12] = ["en", "es", "zh", "tl", "vi", "ar", "fr", "ko", "ru", "ht", "pt", "de"];

/// One checkbox: its value, its words, whether it is ticked.
pub struct Choice {
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// One day of the hours grid (empty times: closed).
pub struct Day {
    pub code: &'static str,
    pub name: &'static str,
    pub opens: String,
    pub closes: String,
}

#[derive(Template)]
#[template(path = "portal_listing.html")]
struct ListingPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    name: String,
    public_href: String,
    verified: String,
    error: Option<String>,
    phone: String,
    website: String,
    description: String,
    description_max: usize,
    /// The named insurance plans, one per line.
    insurance_plans: String,
    plans_max: usize,
    plan_name_max: usize,
    accepting: bool,
    telehealth: bool,
    days: Vec<Day>,
    offers: Vec<Choice>,
    payment: Vec<Choice>,
    languages: Vec<Choice>,
    accessibility: Vec<Choice>,
    /// Hours the grid cannot show (a day open twice), said in words so that saving does not drop them unseen.
    split_hours: bool,
}

/// The opening and closing time of `day` in `hours` (the first entry naming it).
fn day_times(hours: &[OpeningHours], day: &str) -> (String, String) {
    hours
        .iter()
        .find(|h| h.days.iter().any(|d| d == day))
        .map(|h| (h.opens.clone(), h.closes.clone()))
        .unwrap_or_default()
}

fn choices(all: impl Iterator<Item = (String, String)>, checked: &dyn Fn(&str) -> bool) -> Vec<Choice> {
    all.map(|(code, label)| Choice { checked: checked(&code), code, label }).collect()
}

/// The languages the form offers: the common ones, those the directory's listings name, and the clinic's own.
fn language_codes(state: &AppState, clinic: &Clinic) -> Vec<String> {
    let mut codes: Vec<String> = COMMON_LANGUAGES.iter().map(|c| (*c).to_owned()).collect();
    for language in state.directory.languages().iter().chain(&clinic.languages) {
        let code = language.as_str().to_owned();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn page(
    state: &AppState,
    staff: &PortalStaff,
    clinic: &Clinic,
    typed: Option<&Fields>,
    error: Option<String>,
) -> ListingPage {
    let text = |name: &str, saved: Option<&str>| match typed {
        Some(fields) => fields.get(name).unwrap_or_default().to_owned(),
        None => saved.unwrap_or_default().to_owned(),
    };
    let ticked = |name: &str, code: &str, saved: bool| match typed {
        Some(fields) => fields.all(name).contains(&code),
        None => saved,
    };
    let yes = |name: &str, saved: bool| match typed {
        Some(fields) => fields.get(name) == Some("yes"),
        None => saved,
    };
    let days = DAYS
        .iter()
        .map(|(code, name)| {
            let (opens, closes) = match typed {
                Some(fields) => (
                    fields.get(&format!("opens_{code}")).unwrap_or_default().to_owned(),
                    fields.get(&format!("closes_{code}")).unwrap_or_default().to_owned(),
                ),
                None => day_times(&clinic.hours, code),
            };
            Day { code, name, opens, closes }
        })
        .collect();
    // Staff pages are English.
    let t = crate::i18n::Lang::En.tr();
    let offers = Offer::ALL.iter().map(|o| (o.code().to_owned(), labels::offer(*o, t)));
    let payment = Payment::ALL.iter().map(|p| (p.code().to_owned(), labels::payment(*p, t)));
    let languages = language_codes(state, clinic).into_iter().map(|c| {
        let label = labels::language(&c, t);
        (c, label)
    });
    let accessibility = ACCESSIBILITY.iter().map(|(c, l)| ((*c).to_owned(), (*l).to_owned()));
    ListingPage {
        layout: layout("Your clinic's listing", state.config.demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        name: clinic.name.clone(),
        public_href: crate::pages::find::clinic_path(clinic.id.as_str()),
        verified: crate::pages::clinic::verified_line(clinic, t),
        error,
        phone: text("phone", clinic.phone.as_deref()),
        website: text("website", clinic.website.as_deref()),
        description: text("description", clinic.description.as_deref()),
        description_max: DESCRIPTION_MAX,
        insurance_plans: text("insurance_plans", Some(&clinic.insurance_plans.join("\n"))),
        plans_max: PLANS_MAX,
        plan_name_max: PLAN_NAME_MAX,
        accepting: yes("accepting_new_patients", clinic.accepting_new_patients),
        telehealth: yes("telehealth", clinic.telehealth),
        days,
        offers: choices(offers, &|c| ticked("offers", c, Offer::parse(c).is_ok_and(|o| clinic.offers.contains(o)))),
        payment: choices(payment, &|c| {
            ticked("payment", c, Payment::parse(c).is_ok_and(|p| clinic.payment.contains(p)))
        }),
        languages: choices(languages, &|c| {
            ticked("languages", c, Language::parse(c).is_ok_and(|l| clinic.languages.contains(&l)))
        }),
        accessibility: choices(accessibility, &|c| {
            ticked("accessibility", c, clinic.accessibility.iter().any(|a| a == c))
        }),
        split_hours: DAYS
            .iter()
            .any(|(code, _)| clinic.hours.iter().filter(|h| h.days.iter().any(|d| d == code)).count() > 1),
    }
}

/// The weekly grid as the record's hours: days with the same times together, in week order; a day with both times
/// empty is closed, a day with one of them is sent as typed so that the check names it.
fn hours_of(fields: &Fields) -> Value {
    let mut hours: Vec<(String, String, Vec<&str>)> = Vec::new();
    for (code, _) in DAYS {
        let opens = fields.get(&format!("opens_{code}")).unwrap_or_default().to_owned();
        let closes = fields.get(&format!("closes_{code}")).unwrap_or_default().to_owned();
        if opens.is_empty() && closes.is_empty() {
            continue;
        }
        match hours.iter_mut().find(|(o, c, _)| *o == opens && *c == closes) {
            Some((_, _, days)) => days.push(code),
            None => hours.push((opens, closes, vec![code])),
        }
    }
    Value::Array(
        hours
            .into_iter()
            .map(|(opens, closes, days)| json!({"days": days, "opens": opens, "closes": closes}))
            .collect(),
    )
}

/// The form as the JSON document of `PUT /api/v1/clinic/listing`: every field, since the form shows every field.
pub fn document_of(fields: &Fields) -> Value {
    let text = |name: &str| match fields.get(name).unwrap_or_default() {
        "" => Value::Null,
        typed => Value::from(typed),
    };
    json!({
        "phone": text("phone"),
        "website": text("website"),
        "description": text("description"),
        "offers": fields.all("offers"),
        "payment": fields.all("payment"),
        // One plan per line; blank lines are left out.
        "insurance_plans": fields
            .get("insurance_plans")
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect::<Vec<_>>(),
        "languages": fields.all("languages"),
        "accessibility": fields.all("accessibility"),
        "accepting_new_patients": fields.get("accepting_new_patients") == Some("yes"),
        "telehealth": fields.get("telehealth") == Some("yes"),
        "hours": hours_of(fields),
    })
}

/// The clinic admin's own listing, or the answer to give instead.
async fn own_listing(state: &AppState, staff: &PortalStaff) -> Result<Clinic, Response> {
    let demo = state.config.demo;
    let found = async {
        let id = ketapath_care::listing::listing_clinic(staff.actor(), None)?;
        staff.store().clinic(&id).await?.ok_or(ketapath_store::StoreError::NotFound { entity: "clinic" })
    };
    found.await.map_err(|error| respond(PATH, demo, ApiError::from(error)))
}

/// `GET /portal/clinic/listing`.
pub async fn show(State(state): State<AppState>, staff: PortalStaff) -> Response {
    match own_listing(&state, &staff).await {
        Ok(clinic) => render(StatusCode::OK, &page(&state, &staff, &clinic, None, None)),
        Err(response) => response,
    }
}

/// `POST /portal/clinic/listing`: saves every field as typed, stamped verified today by the clinic.
pub async fn save(State(state): State<AppState>, form: PortalForm) -> Response {
    let clinic = match own_listing(&state, &form.staff).await {
        Ok(clinic) => clinic,
        Err(response) => return response,
    };
    let refused = |message: String| {
        render(StatusCode::BAD_REQUEST, &page(&state, &form.staff, &clinic, Some(&form.fields), Some(message)))
    };
    let update = match ListingUpdate::from_json(&document_of(&form.fields)) {
        Ok(update) => update,
        Err(error) => return refused(format!("{} ({}): {}", field_words(&error.field), error.field, error.message)),
    };
    match ketapath_care::listing::save(form.staff.store(), form.staff.actor(), &clinic.id, &update).await {
        Ok(_) => see_other(PATH),
        Err(ketapath_store::StoreError::Invalid { field, message }) => {
            refused(format!("{} ({field}): {message}", field_words(&field)))
        }
        Err(error) => respond(PATH, state.config.demo, error.into()),
    }
}

/// A field's name as the form labels it.
fn field_words(field: &str) -> &'static str {
    match field.split(['[', '.']).next().unwrap_or_default() {
        "phone" => "Phone",
        "website" => "Website",
        "description" => "Description",
        "offers" => "Treatments",
        "payment" => "Payment",
        "insurance_plans" => "Insurance plans",
        "languages" => "Languages",
        "accessibility" => "Accessibility",
        "hours" => "Opening hours",
        _ => "Listing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_groups_days_with_the_same_times() {
        let fields = Fields::parse(
            b"opens_mon=09:00&closes_mon=17:00&opens_tue=09:00&closes_tue=17:00&opens_sat=10:00&closes_sat=13:00&opens_sun=&closes_sun=",
        );
        let hours = hours_of(&fields);
        assert_eq!(
            hours,
            json!([
                {"days": ["mon", "tue"], "opens": "09:00", "closes": "17:00"},
                {"days": ["sat"], "opens": "10:00", "closes": "13:00"}
            ])
        );
        let half = hours_of(&Fields::parse(b"opens_wed=09:00"));
        let refused = ListingUpdate::from_json(&json!({"hours": half})).unwrap_err();
        assert_eq!(refused.field, "hours[0].closes");
    }
}
