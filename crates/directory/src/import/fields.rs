//! The one validator behind every import format: field rules, the position rule, and assembly of a [`Clinic`].
//!
//! A format reader (CSV, JSON, FHIR) converts types it owns (text to number, JSON value to list) and reports
//! those failures itself; it then fills a [`RawClinic`] and calls [`validate`], which applies the rules the
//! contract states (DESIGN.md, "Clinic records") and names each fault with the reader's own path for the field.

use time::Date;
use time::macros::format_description;

use crate::codes::{Language, Offer, Offers, Payment, Payments};
use crate::geo::{Gazetteer, is_usps_code};
use crate::model::{Address, Clinic, ClinicId, OpeningHours, Position, PositionSource};
use crate::zip::Zip;

/// The fields of a listing, named as in the CSV header and the JSON record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Id,
    Name,
    Street,
    City,
    State,
    Zip,
    Lat,
    Lon,
    Phone,
    Website,
    VerifiedBy,
    Hours,
    Accessibility,
    Description,
    InsurancePlans,
}

impl Field {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Street => "street",
            Field::City => "city",
            Field::State => "state",
            Field::Zip => "zip",
            Field::Lat => "lat",
            Field::Lon => "lon",
            Field::Phone => "phone",
            Field::Website => "website",
            Field::VerifiedBy => "verified_by",
            Field::Hours => "hours",
            Field::Accessibility => "accessibility",
            Field::Description => "description",
            Field::InsurancePlans => crate::insurance::INSURANCE_PLANS,
        }
    }
}

/// A coordinate as read: absent, a number, or already reported as unreadable by the format reader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Coord {
    Absent,
    Given(f64),
    Invalid,
}

/// A listing as a format reader found it, with the types the reader owns already converted.
/// Empty text means "not given" for optional fields.
#[derive(Debug, Default)]
pub(crate) struct RawClinic<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub street: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub lat: Option<Coord>,
    pub lon: Option<Coord>,
    pub phone: &'a str,
    pub website: &'a str,
    pub offers: Offers,
    pub payment: Payments,
    /// The plans as given; [`validate`] checks them.
    pub insurance_plans: Vec<&'a str>,
    pub telehealth: bool,
    pub languages: Vec<Language>,
    pub accepting_new_patients: bool,
    pub rems_certified: bool,
    pub last_verified: Option<Date>,
    pub verified_by: &'a str,
    pub hours: Vec<OpeningHours>,
    pub accessibility: Vec<String>,
    pub description: &'a str,
    pub demo: bool,
}

/// Plan-Net AccessibilityCS codes (`directory-and-interop.md` §d.2).
pub(crate) const ACCESSIBILITY_CODES: [&str; 7] =
    ["adacomp", "anssrvc", "cognitive", "cultcomp", "handiaccess", "mobility", "pubtrans"];

/// FHIR `days-of-week` codes, Monday first.
pub(crate) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Checks a raw listing; on success returns the clinic, else appends every fault to `problems` as
/// `"{path}: {reason}"`, with `path` naming the field the way the reader's input does. A clinic is returned
/// only when `problems` is empty at the end, so faults the reader reported earlier also prevent it.
pub(crate) fn validate(
    raw: &RawClinic<'_>,
    gazetteer: &Gazetteer,
    path: &dyn Fn(Field) -> String,
    problems: &mut Vec<String>,
) -> Option<Clinic> {
    let mut report = |field: Field, message: String| problems.push(format!("{}: {message}", path(field)));

    let id = ClinicId::parse(raw.id.trim()).map_err(|m| report(Field::Id, m)).ok();
    let name = required_line(raw.name, 200).map_err(|m| report(Field::Name, m)).ok();
    let street = optional_line(raw.street, 200).map_err(|m| report(Field::Street, m)).ok();
    let city = required_line(raw.city, 100).map_err(|m| report(Field::City, m)).ok();
    let state = check_state(raw.state).map_err(|m| report(Field::State, m)).ok();
    let zip = Zip::parse(raw.zip).map_err(|e| report(Field::Zip, e.to_string())).ok();
    let phone = check_phone(raw.phone).map_err(|m| report(Field::Phone, m)).ok();
    let website = check_website(raw.website).map_err(|m| report(Field::Website, m)).ok();
    let verified_by = optional_line(raw.verified_by, 200).map_err(|m| report(Field::VerifiedBy, m)).ok();
    let description = check_description(raw.description).map_err(|m| report(Field::Description, m)).ok();
    let insurance_plans = crate::insurance::check_plans(raw.insurance_plans.iter().copied())
        .map_err(|m| report(Field::InsurancePlans, m))
        .ok();
    let _ = check_hours(&raw.hours).map_err(|m| report(Field::Hours, m));
    let _ = check_accessibility(&raw.accessibility).map_err(|m| report(Field::Accessibility, m));

    let lat = raw.lat.unwrap_or(Coord::Absent);
    let lon = raw.lon.unwrap_or(Coord::Absent);
    let position = match (lat, lon) {
        (Coord::Given(lat), Coord::Given(lon)) => {
            let lat = Position::check_lat(lat).map_err(|m| report(Field::Lat, m));
            let lon = Position::check_lon(lon).map_err(|m| report(Field::Lon, m));
            match (lat, lon) {
                (Ok(lat), Ok(lon)) => Some((Position { lat, lon }, PositionSource::Record)),
                _ => None,
            }
        }
        (Coord::Absent, Coord::Absent) => match zip {
            Some(zip) => match gazetteer.zip(&zip) {
                Some(place) => Some((place.position, PositionSource::ZipCentroid)),
                None => {
                    report(Field::Zip, format!("ZIP {zip} is not in the shipped ZIP data; give lat and lon"));
                    None
                }
            },
            // The ZIP's own fault is already reported; there is nothing to place the clinic with.
            None => None,
        },
        (Coord::Given(_), Coord::Absent) => {
            report(Field::Lon, "lat and lon must both be given or both be empty".to_owned());
            None
        }
        (Coord::Absent, Coord::Given(_)) => {
            report(Field::Lat, "lat and lon must both be given or both be empty".to_owned());
            None
        }
        // An unreadable coordinate is already reported by the reader.
        _ => None,
    };

    // Any fault, here or reported earlier by the reader, keeps the clinic out.
    if !problems.is_empty() {
        return None;
    }
    let (id, name, street, city, state, zip, phone, website, verified_by, description, (position, position_source)) =
        (id?, name?, street?, city?, state?, zip?, phone?, website?, verified_by?, description?, position?);
    let insurance_plans = insurance_plans?;
    Some(Clinic {
        id,
        name,
        address: Address { street: street.unwrap_or_default(), city, state, zip: zip.as_str().to_owned() },
        position,
        position_source,
        phone,
        website,
        offers: raw.offers,
        payment: raw.payment,
        insurance_plans,
        telehealth: raw.telehealth,
        languages: raw.languages.clone(),
        accepting_new_patients: raw.accepting_new_patients,
        rems_certified: raw.rems_certified,
        last_verified: raw.last_verified,
        verified_by,
        hours: raw.hours.clone(),
        accessibility: raw.accessibility.clone(),
        description,
        demo: raw.demo,
    })
}

pub(crate) fn check_line(text: &str, max_chars: usize) -> Result<&str, String> {
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return Err(format!("{text:?} contains a control character (such as a line break or tab)"));
    }
    if text.chars().count() > max_chars {
        return Err(format!("is longer than {max_chars} characters"));
    }
    Ok(text)
}

fn required_line(text: &str, max_chars: usize) -> Result<String, String> {
    match check_line(text, max_chars)? {
        "" => Err("is required".to_owned()),
        text if crate::text::shows_nothing(text) => {
            Err("holds only invisible characters (such as zero-width spaces); give a visible value".to_owned())
        }
        text => Ok(text.to_owned()),
    }
}

fn optional_line(text: &str, max_chars: usize) -> Result<Option<String>, String> {
    Ok(Some(check_line(text, max_chars)?).filter(|t| !t.is_empty()).map(str::to_owned))
}

fn check_state(state: &str) -> Result<String, String> {
    let state = state.trim();
    if is_usps_code(state) {
        Ok(state.to_owned())
    } else {
        Err(format!("state {state:?} is not an upper-case USPS state or territory code (such as OH, DC, PR)"))
    }
}

pub(crate) fn check_phone(phone: &str) -> Result<Option<String>, String> {
    let Some(phone) = optional_line(phone, 40)? else { return Ok(None) };
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    if (7..=20).contains(&digits) {
        Ok(Some(phone))
    } else {
        Err(format!("phone {phone:?} must contain 7 to 20 digits"))
    }
}

fn check_website(website: &str) -> Result<Option<String>, String> {
    let Some(website) = optional_line(website, 500)? else { return Ok(None) };
    let rest = website.strip_prefix("https://").or_else(|| website.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(Some(website)),
        _ => Err(format!("website {website:?} must be an http:// or https:// address without spaces")),
    }
}

pub(crate) fn check_description(description: &str) -> Result<Option<String>, String> {
    let description = description.trim();
    if description.chars().any(|c| c.is_control() && c != '\n') {
        return Err("contains a control character other than a line break".to_owned());
    }
    if description.chars().count() > 2000 {
        return Err("is longer than 2000 characters".to_owned());
    }
    Ok(Some(description).filter(|d| !d.is_empty()).map(str::to_owned))
}

fn check_hours(hours: &[OpeningHours]) -> Result<(), String> {
    let mut faults = Vec::new();
    for (i, h) in hours.iter().enumerate() {
        if h.days.is_empty() {
            faults.push(format!("[{i}].days is empty"));
        }
        for day in &h.days {
            if !DAYS.contains(&day.as_str()) {
                faults.push(format!("[{i}].days: {day:?} is not one of {}", DAYS.join(", ")));
            }
        }
        let opens = check_time(&h.opens).map_err(|m| faults.push(format!("[{i}].opens: {m}"))).ok();
        let closes = check_time(&h.closes).map_err(|m| faults.push(format!("[{i}].closes: {m}"))).ok();
        if let (Some(opens), Some(closes)) = (opens, closes)
            && opens >= closes
        {
            faults.push(format!("[{i}]: opens {} is not before closes {}", h.opens, h.closes));
        }
    }
    if faults.is_empty() { Ok(()) } else { Err(faults.join(", ")) }
}

/// Minutes after midnight of an `HH:MM` time.
pub(crate) fn check_time(time: &str) -> Result<u16, String> {
    let b = time.as_bytes();
    let digit = |i: usize| -> Option<u16> { b.get(i).filter(|c| c.is_ascii_digit()).map(|c| u16::from(c - b'0')) };
    if b.len() == 5
        && b[2] == b':'
        && let (Some(h1), Some(h2), Some(m1), Some(m2)) = (digit(0), digit(1), digit(3), digit(4))
    {
        let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
        if hours < 24 && minutes < 60 {
            return Ok(hours * 60 + minutes);
        }
    }
    Err(format!("{time:?} is not a time HH:MM (00:00 to 23:59)"))
}

fn check_accessibility(codes: &[String]) -> Result<(), String> {
    let unknown: Vec<&str> =
        codes.iter().map(String::as_str).filter(|c| ACCESSIBILITY_CODES.binary_search(c).is_err()).collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!("unknown accessibility code {:?}; known: {}", unknown.join(", "), ACCESSIBILITY_CODES.join(", ")))
    }
}

/// Reads a contract boolean: exactly `true` or `false`.
pub(crate) fn parse_bool(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("{other:?} is not true or false")),
    }
}

/// Reads `YYYY-MM-DD`; empty text is no date.
pub(crate) fn parse_date(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let date = if shape_ok { Date::parse(text, format_description!("[year]-[month]-[day]")).ok() } else { None };
    date.map(Some).ok_or_else(|| format!("{text:?} is not a date YYYY-MM-DD"))
}

/// Formats a date as `YYYY-MM-DD` (the inverse of [`parse_date`]).
pub(crate) fn format_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Reads a coordinate written as text; empty text is absent.
pub(crate) fn parse_coord(text: &str) -> Result<Coord, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Coord::Absent);
    }
    text.parse::<f64>().map(Coord::Given).map_err(|_| format!("{text:?} is not a number"))
}

/// Reads offer codes, reporting every unknown code at once.
pub(crate) fn parse_offers<'a>(codes: impl Iterator<Item = &'a str>) -> Result<Offers, String> {
    collect_codes(codes, Offer::parse)
}

/// Reads payment codes, reporting every unknown code at once.
pub(crate) fn parse_payments<'a>(codes: impl Iterator<Item = &'a str>) -> Result<Payments, String> {
    collect_codes(codes, Payment::parse)
}

/// Reads language codes in order, dropping repeats, reporting every invalid code at once.
pub(crate) fn parse_languages<'a>(codes: impl Iterator<Item = &'a str>) -> Result<Vec<Language>, String> {
    let mut languages = Vec::new();
    let mut faults = Vec::new();
    for code in codes.map(str::trim).filter(|c| !c.is_empty()) {
        match Language::parse(code) {
            Ok(language) if !languages.contains(&language) => languages.push(language),
            Ok(_) => {}
            Err(fault) => faults.push(fault),
        }
    }
    if faults.is_empty() { Ok(languages) } else { Err(faults.join("; ")) }
}

fn collect_codes<'a, C, S: FromIterator<C>>(
    codes: impl Iterator<Item = &'a str>,
    parse: fn(&str) -> Result<C, String>,
) -> Result<S, String> {
    let mut faults = Vec::new();
    let set = codes
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .filter_map(|c| parse(c).map_err(|fault| faults.push(fault)).ok())
        .collect();
    if faults.is_empty() { Ok(set) } else { Err(faults.join("; ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessibility_codes_are_sorted_for_binary_search() {
        assert!(ACCESSIBILITY_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn small_parsers() {
        assert_eq!(check_time("09:30"), Ok(570));
        for bad in ["9:30", "24:00", "12:60", "ab:cd", "12-30", ""] {
            assert!(check_time(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_date("2026-02-28").unwrap().map(format_date).as_deref(), Some("2026-02-28"));
        for bad in ["2026-02-30", "26-02-01", "2026/02/01", "+2026-02-0", "2026-2-01x"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_date(" "), Ok(None));
        assert_eq!(parse_bool("true"), Ok(true));
        assert!(parse_bool("TRUE").is_err() && parse_bool("1").is_err());
        let err = parse_offers(["tms", "lsd", "", "psilocybin"].into_iter()).unwrap_err();
        assert!(err.contains("\"lsd\"") && err.contains("\"psilocybin\""), "{err}");
        let langs = parse_languages(["en", "ES", "en"].into_iter()).unwrap();
        assert_eq!(langs.iter().map(|l| l.as_str()).collect::<Vec<_>>(), ["en", "es"]);
    }
}
