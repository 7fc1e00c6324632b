//! A clinic's own changes to its listing: the fields a clinic may verify, a partial update in the public JSON's
//! shape checked field by field, the rule that keeps a field the clinic verified when a later import disagrees,
//! and the NPI check digit of a "List your clinic" request.
//!
//! The update reads the same names and shapes as the public clinic record (`GET /api/v1/clinics/{id}`): `hours`
//! is `[{"days": ["mon", …], "opens": "HH:MM", "closes": "HH:MM"}]`, codes are the contract's codes. A field left
//! out keeps its value; every fault names its field (`hours[1].closes`, `payment`) so the edge can answer 400.

use serde_json::Value;
use time::Date;

use crate::codes::{Language, Offer, Offers, Payment, Payments};
use crate::import::csv::IDENTITY_AND_PLACE;
use crate::import::fields::{ACCESSIBILITY_CODES, DAYS, check_description, check_line, check_time};
use crate::insurance::check_plans;
use crate::model::{Clinic, ClinicId, OpeningHours};

/// The fields of a listing its clinic may change and verify, in the public record's names and order.
pub const CLINIC_FIELDS: [&str; 11] = [
    "phone",
    "website",
    "offers",
    "payment",
    "insurance_plans",
    "telehealth",
    "languages",
    "accepting_new_patients",
    "hours",
    "accessibility",
    "description",
];

/// Fields of the public record beyond its identity and place ([`IDENTITY_AND_PLACE`], checked by the platform)
/// that a clinic cannot change here: where the position came from, the REMS and verification stamps (the
/// server's), and the platform's own marks.
const NOT_CHANGED_HERE: &[&str] =
    &["position_source", "rems_certified", "last_verified", "verified_by", "demo", "outcomes"];

/// Longest short description a clinic may give, in characters.
pub const DESCRIPTION_MAX: usize = 1000;

/// A refused field: its path in the document and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A partial update of a listing: `None` leaves the field as it is; for the optional texts, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingUpdate {
    pub phone: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub offers: Option<Offers>,
    pub payment: Option<Payments>,
    /// Checked by [`crate::insurance::check_plans`]; `Some(vec![])` removes every plan.
    pub insurance_plans: Option<Vec<String>>,
    pub telehealth: Option<bool>,
    pub languages: Option<Vec<Language>>,
    pub accepting_new_patients: Option<bool>,
    pub hours: Option<Vec<OpeningHours>>,
    pub accessibility: Option<Vec<String>>,
    pub description: Option<Option<String>>,
}

/// A US phone number as a clinic lists it: 10 digits (or 11 with a leading 1) written with digits, spaces,
/// brackets, dots, dashes and a leading `+`.
pub fn check_us_phone(phone: &str) -> Result<Option<String>, String> {
    let phone = check_line(phone, 40)?;
    if phone.is_empty() {
        return Ok(None);
    }
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let ten = digits.len() == 10 || (digits.len() == 11 && digits.starts_with('1'));
    if allowed && ten && phone.rfind('+').is_none_or(|at| at == 0) {
        Ok(Some(phone.to_owned()))
    } else {
        Err(format!("{phone:?} is not a US phone number; write its 10 digits, such as 212-555-0101"))
    }
}

/// A clinic's website: an `https://` address with a host name, without spaces.
pub fn check_https_url(url: &str) -> Result<Option<String>, String> {
    let url = check_line(url, 500)?;
    if url.is_empty() {
        return Ok(None);
    }
    let host = url.strip_prefix("https://").map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(host) if host.contains('.') && !url.contains(char::is_whitespace) && !host.starts_with('.') => {
            Ok(Some(url.to_owned()))
        }
        _ => Err(format!("{url:?} is not an https:// address; write it as https://www.example.org")),
    }
}

/// The opening hours of a week, each checked: known day codes, `HH:MM` times, opens before closes.
pub fn check_week(hours: &[OpeningHours]) -> Result<(), FieldError> {
    for (i, h) in hours.iter().enumerate() {
        if h.days.is_empty() {
            return Err(FieldError::new(format!("hours[{i}].days"), "name at least one day"));
        }
        if let Some(day) = h.days.iter().find(|d| !DAYS.contains(&d.as_str())) {
            let message = format!("{day:?} is not a day code; use {}", DAYS.join(", "));
            return Err(FieldError::new(format!("hours[{i}].days"), message));
        }
        let opens = check_time(&h.opens).map_err(|m| FieldError::new(format!("hours[{i}].opens"), m))?;
        let closes = check_time(&h.closes).map_err(|m| FieldError::new(format!("hours[{i}].closes"), m))?;
        if opens >= closes {
            let message = format!("{} is not after the opening time {}", h.closes, h.opens);
            return Err(FieldError::new(format!("hours[{i}].closes"), message));
        }
    }
    Ok(())
}

fn text_or_null<'a>(field: &str, value: &'a Value) -> Result<&'a str, FieldError> {
    match value {
        Value::Null => Ok(""),
        Value::String(s) => Ok(s),
        _ => Err(FieldError::new(field, "must be a text or null")),
    }
}

fn boolean(field: &str, value: &Value) -> Result<bool, FieldError> {
    value.as_bool().ok_or_else(|| FieldError::new(field, "must be true or false"))
}

fn codes<'a>(field: &str, value: &'a Value) -> Result<Vec<&'a str>, FieldError> {
    let items = value.as_array().ok_or_else(|| FieldError::new(field, "must be a list of codes"))?;
    items.iter().map(|v| v.as_str().ok_or_else(|| FieldError::new(field, "must be a list of codes"))).collect()
}

fn each_code<T, S: FromIterator<T>>(
    field: &str,
    value: &Value,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<S, FieldError> {
    codes(field, value)?.into_iter().map(|c| parse(c).map_err(|m| FieldError::new(field, m))).collect()
}

impl ListingUpdate {
    /// Reads a JSON object in the public record's shape. Unknown fields, fields a clinic does not change here,
    /// and every bad value are refused naming the field.
    pub fn from_json(document: &Value) -> Result<Self, FieldError> {
        let object = document.as_object().ok_or_else(|| FieldError::new("body", "must be a JSON object"))?;
        let mut update = ListingUpdate::default();
        for (field, value) in object {
            let f = field.as_str();
            match f {
                "phone" => {
                    update.phone = Some(check_us_phone(text_or_null(f, value)?).map_err(|m| FieldError::new(f, m))?)
                }
                "website" => {
                    update.website = Some(check_https_url(text_or_null(f, value)?).map_err(|m| FieldError::new(f, m))?)
                }
                "description" => {
                    let text = text_or_null(f, value)?;
                    if text.chars().count() > DESCRIPTION_MAX {
                        return Err(FieldError::new(f, format!("is longer than {DESCRIPTION_MAX} characters")));
                    }
                    update.description = Some(check_description(text).map_err(|m| FieldError::new(f, m))?);
                }
                "telehealth" => update.telehealth = Some(boolean(f, value)?),
                "accepting_new_patients" => update.accepting_new_patients = Some(boolean(f, value)?),
                "offers" => update.offers = Some(each_code(f, value, Offer::parse)?),
                "payment" => update.payment = Some(each_code(f, value, Payment::parse)?),
                "insurance_plans" => {
                    let plans = match value {
                        Value::Null => Vec::new(),
                        _ => codes(f, value).map_err(|_| FieldError::new(f, "must be a list of plan names"))?,
                    };
                    update.insurance_plans = Some(check_plans(plans).map_err(|m| FieldError::new(f, m))?);
                }
                "languages" => {
                    let all: Vec<Language> = each_code(f, value, Language::parse)?;
                    // A repeated language is kept once, where it first appears.
                    let mut languages = Vec::with_capacity(all.len());
                    for l in all {
                        if !languages.contains(&l) {
                            languages.push(l);
                        }
                    }
                    update.languages = Some(languages);
                }
                "accessibility" => {
                    let known = |c: &str| {
                        ACCESSIBILITY_CODES.iter().find(|k| **k == c).map(|k| (*k).to_owned()).ok_or_else(|| {
                            format!("unknown accessibility code {c:?}; known: {}", ACCESSIBILITY_CODES.join(", "))
                        })
                    };
                    update.accessibility = Some(each_code(f, value, known)?);
                }
                "hours" => {
                    let hours: Vec<OpeningHours> = serde_json::from_value(value.clone()).map_err(|e| {
                        FieldError::new(f, format!("must be a list of {{\"days\", \"opens\", \"closes\"}}: {e}"))
                    })?;
                    check_week(&hours)?;
                    update.hours = Some(hours);
                }
                _ if IDENTITY_AND_PLACE.contains(&f) || NOT_CHANGED_HERE.contains(&f) => {
                    let message = "is not changed by the clinic; ask the platform admins to correct it";
                    return Err(FieldError::new(f, message));
                }
                _ => {
                    let message = format!("is not a field of a listing; known: {}", CLINIC_FIELDS.join(", "));
                    return Err(FieldError::new(f, message));
                }
            }
        }
        Ok(update)
    }

    /// Applies the update to `clinic` and returns the fields it named, in [`CLINIC_FIELDS`] order.
    pub fn apply(&self, clinic: &mut Clinic) -> Vec<&'static str> {
        let mut named = Vec::new();
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(value) = &self.$field {
                    clinic.$field = value.clone();
                    named.push(stringify!($field));
                }
            )*};
        }
        set!(phone, website, offers, payment, insurance_plans, telehealth, languages, accepting_new_patients);
        set!(hours, accessibility, description);
        named
    }
}

/// A field's value as text, to compare a listing with an import and to report a conflict.
pub fn field_text(clinic: &Clinic, field: &str) -> String {
    let list = |items: Vec<&str>| items.join(";");
    match field {
        "phone" => clinic.phone.clone().unwrap_or_default(),
        "website" => clinic.website.clone().unwrap_or_default(),
        "offers" => clinic.offers.join(";"),
        "payment" => clinic.payment.join(";"),
        "insurance_plans" => clinic.insurance_plans.join(";"),
        "telehealth" => clinic.telehealth.to_string(),
        "languages" => list(clinic.languages.iter().map(Language::as_str).collect()),
        "accepting_new_patients" => clinic.accepting_new_patients.to_string(),
        "hours" => serde_json::to_string(&clinic.hours).unwrap_or_default(),
        "accessibility" => clinic.accessibility.join(";"),
        "description" => clinic.description.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Copies `field` of `from` into `to`.
fn copy_field(from: &Clinic, to: &mut Clinic, field: &str) {
    match field {
        "phone" => to.phone.clone_from(&from.phone),
        "website" => to.website.clone_from(&from.website),
        "offers" => to.offers = from.offers,
        "payment" => to.payment = from.payment,
        "insurance_plans" => to.insurance_plans.clone_from(&from.insurance_plans),
        "telehealth" => to.telehealth = from.telehealth,
        "languages" => to.languages.clone_from(&from.languages),
        "accepting_new_patients" => to.accepting_new_patients = from.accepting_new_patients,
        "hours" => to.hours.clone_from(&from.hours),
        "accessibility" => to.accessibility.clone_from(&from.accessibility),
        "description" => to.description.clone_from(&from.description),
        _ => {}
    }
}

/// When the clinic verified one field of its listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldVerification {
    pub field: String,
    pub verified_on: Date,
}

/// A field an import would have changed although the clinic verified it more recently: the clinic's value is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportConflict {
    pub clinic: ClinicId,
    pub field: &'static str,
    pub verified_on: Date,
    pub kept: String,
    pub imported: String,
}

/// Keeps in `imported` every field of `existing` that its clinic verified after the import's as-of date (`as_of`:
/// the row's `last_verified`, else the import's own date; `None`, an import that says nothing about its date, is
/// older than any verification) and that the import would change. Returns one conflict per kept field.
pub fn keep_clinic_verified(
    existing: &Clinic,
    imported: &mut Clinic,
    verified: &[FieldVerification],
    as_of: Option<Date>,
) -> Vec<ImportConflict> {
    let mut conflicts = Vec::new();
    for field in CLINIC_FIELDS {
        let Some(v) = verified.iter().find(|v| v.field == field) else { continue };
        if as_of.is_some_and(|as_of| as_of >= v.verified_on) {
            continue;
        }
        let (kept, new) = (field_text(existing, field), field_text(imported, field));
        if kept != new {
            copy_field(existing, imported, field);
            conflicts.push(ImportConflict {
                clinic: existing.id.clone(),
                field,
                verified_on: v.verified_on,
                kept,
                imported: new,
            });
        }
    }
    conflicts
}

/// Whether `npi` is a National Provider Identifier with a valid check digit: ten digits, the first 1 or 2, that
/// pass the Luhn algorithm once the card-issuer prefix 80840 is put in front (45 CFR 162.406; CMS, "Requirements
/// for the NPI check digit").
pub fn npi_is_valid(npi: &str) -> bool {
    let npi = npi.trim();
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) || !npi.starts_with(['1', '2']) {
        return false;
    }
    let digits = "80840".bytes().chain(npi.bytes()).map(|b| u32::from(b - b'0'));
    // Luhn from the right: every second digit, starting with the one left of the check digit, is doubled.
    let sum: u32 = digits
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clinic() -> Clinic {
        crate::demo::demo_clinics(1, 7, crate::Gazetteer::shipped()).remove(0)
    }

    #[test]
    fn known_npis_pass_and_changed_ones_fail() {
        for good in ["1234567893", "1245319599", "1003000126", " 1234567893 "] {
            assert!(npi_is_valid(good), "{good}");
        }
        for bad in ["1234567890", "1234567894", "123456789", "12345678931", "123456789a", "3234567893", ""] {
            assert!(!npi_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn an_update_names_each_bad_field() {
        let field = |doc: Value| ListingUpdate::from_json(&doc).unwrap_err().field;
        assert_eq!(field(json!({"phone": "12"})), "phone");
        assert_eq!(field(json!({"website": "http://example.org"})), "website");
        assert_eq!(field(json!({"website": "https://localhost"})), "website");
        assert_eq!(
            field(json!({"hours": [{"days": ["mon"], "opens": "17:00", "closes": "09:00"}]})),
            "hours[0].closes"
        );
        assert_eq!(field(json!({"hours": [{"days": ["mon"], "opens": "9:00", "closes": "17:00"}]})), "hours[0].opens");
        assert_eq!(
            field(json!({"hours": [{"days": ["monday"], "opens": "09:00", "closes": "17:00"}]})),
            "hours[0].days"
        );
        assert_eq!(field(json!({"hours": [{"days": [], "opens": "09:00", "closes": "17:00"}]})), "hours[0].days");
        assert_eq!(field(json!({"hours": "always"})), "hours");
        assert_eq!(field(json!({"payment": ["cash"]})), "payment");
        assert_eq!(field(json!({"insurance_plans": ["Aetna", ""]})), "insurance_plans");
        assert_eq!(field(json!({"insurance_plans": "Aetna"})), "insurance_plans");
        assert_eq!(field(json!({"insurance_plans": [1]})), "insurance_plans");
        assert_eq!(field(json!({"offers": ["psilocybin"]})), "offers");
        assert_eq!(field(json!({"languages": ["xx"]})), "languages");
        assert_eq!(field(json!({"accessibility": ["ramps"]})), "accessibility");
        assert_eq!(field(json!({"telehealth": "yes"})), "telehealth");
        assert_eq!(field(json!({"name": "New name"})), "name");
        assert_eq!(field(json!({"colour": "blue"})), "colour");
        assert_eq!(field(json!([])), "body");
    }

    #[test]
    fn an_update_changes_only_the_fields_it_names() {
        let before = clinic();
        let mut after = before.clone();
        let update = ListingUpdate::from_json(&json!({
            "phone": "(212) 555-0101",
            "hours": [{"days": ["mon", "tue"], "opens": "08:30", "closes": "17:00"}],
            "languages": ["es", "en", "es"],
            "insurance_plans": [" Aetna ", "aetna", "Medicaid (Ohio)"],
            "description": null
        }))
        .unwrap();
        assert_eq!(update.apply(&mut after), ["phone", "insurance_plans", "languages", "hours", "description"]);
        assert_eq!(after.insurance_plans, ["Aetna", "Medicaid (Ohio)"]);
        assert_eq!(after.phone.as_deref(), Some("(212) 555-0101"));
        assert_eq!(after.hours[0].days, ["mon", "tue"]);
        assert_eq!(field_text(&after, "languages"), "es;en");
        assert_eq!(after.description, None);
        assert_eq!((after.website, after.offers, after.payment), (before.website, before.offers, before.payment));
    }

    #[test]
    fn an_import_keeps_what_the_clinic_verified_later() {
        let existing = Clinic { phone: Some("212-555-0101".to_owned()), telehealth: true, ..clinic() };
        let imported = Clinic { phone: Some("212-555-0199".to_owned()), telehealth: false, ..existing.clone() };
        let verified = |d: u8| {
            let on = Date::from_calendar_date(2026, time::Month::December, d).unwrap();
            vec![FieldVerification { field: "phone".to_owned(), verified_on: on }]
        };
        let as_of = Date::from_calendar_date(2026, time::Month::December, 1).ok();
        let mut newer = imported.clone();
        let conflicts = keep_clinic_verified(&existing, &mut newer, &verified(6), as_of);
        assert_eq!(conflicts.len(), 1);
        assert_eq!((conflicts[0].field, conflicts[0].kept.as_str()), ("phone", "212-555-0101"));
        assert_eq!(conflicts[0].imported, "212-555-0199");
        assert_eq!(newer.phone, existing.phone, "the clinic's phone is kept");
        assert!(!newer.telehealth, "a field the clinic did not verify is imported");
        let mut older = imported.clone();
        assert!(keep_clinic_verified(&existing, &mut older, &verified(1), as_of).is_empty());
        assert_eq!(older.phone, imported.phone, "a verification no newer than the import's date gives way");
        let mut undated = imported.clone();
        assert_eq!(keep_clinic_verified(&existing, &mut undated, &verified(1), None).len(), 1);
    }
}
