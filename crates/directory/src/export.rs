//! Export of clinics as CSV and JSON records, the inverses of the importers in [`crate::import`].
//!
//! A clinic placed at its ZIP's centroid is exported with empty (CSV) or null (JSON) `lat`/`lon`, exactly as such
//! a record is imported, so that an export re-imports to equal clinics and keeps saying where the position came
//! from. The CSV carries the 17 contract columns and `insurance_plans`; the JSON record adds the extended fields when set.

use serde::Serialize;

use crate::codes::{Language, Offers, Payments};
use crate::import::CSV_COLUMNS_WITH_PLANS;
use crate::import::fields::format_date;
use crate::model::{Clinic, OpeningHours, PositionSource};
use crate::spreadsheet::neutralise;

/// A clinic as a JSON record: the fields of a search result entry without `distance_km`, in contract order,
/// plus the extended fields when they carry something.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicRecord<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub street: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Where the position came from; present only in [`ClinicRecord::resolved`] records, for readers (the API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_source: Option<PositionSource>,
    pub phone: Option<&'a str>,
    pub website: Option<&'a str>,
    pub offers: Offers,
    pub payment: Payments,
    /// Named insurance plans accepted, `[]` when the listing names none.
    pub insurance_plans: &'a [String],
    pub telehealth: bool,
    pub languages: &'a [Language],
    pub accepting_new_patients: bool,
    pub rems_certified: bool,
    #[cfg_attr(feature = "openapi", schema(format = Date, required = true))]
    pub last_verified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub hours: &'a [OpeningHours],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub accessibility: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl<'a> From<&'a Clinic> for ClinicRecord<'a> {
    fn from(c: &'a Clinic) -> Self {
        let recorded = c.position_source == PositionSource::Record;
        ClinicRecord {
            id: c.id.as_str(),
            name: &c.name,
            street: &c.address.street,
            city: &c.address.city,
            state: &c.address.state,
            zip: &c.address.zip,
            lat: recorded.then_some(c.position.lat),
            lon: recorded.then_some(c.position.lon),
            position_source: None,
            phone: c.phone.as_deref(),
            website: c.website.as_deref(),
            offers: c.offers,
            payment: c.payment,
            insurance_plans: &c.insurance_plans,
            telehealth: c.telehealth,
            languages: &c.languages,
            accepting_new_patients: c.accepting_new_patients,
            rems_certified: c.rems_certified,
            last_verified: c.last_verified.map(format_date),
            verified_by: c.verified_by.as_deref(),
            hours: &c.hours,
            accessibility: &c.accessibility,
            description: c.description.as_deref(),
            demo: c.demo,
        }
    }
}

impl<'a> ClinicRecord<'a> {
    /// The record for readers rather than re-import: the position always given (a ZIP centroid included), with
    /// `position_source` saying which it is. `GET /api/v1/clinics/{id}` answers this.
    pub fn resolved(c: &'a Clinic) -> Self {
        ClinicRecord {
            lat: Some(c.position.lat),
            lon: Some(c.position.lon),
            position_source: Some(c.position_source),
            ..ClinicRecord::from(c)
        }
    }
}

/// The clinics as a JSON array of records (pretty-printed, one record after another in the given order).
pub fn clinics_to_json(clinics: &[Clinic]) -> String {
    let records: Vec<ClinicRecord<'_>> = clinics.iter().map(ClinicRecord::from).collect();
    // Serializing plain strings, numbers and lists into memory cannot fail.
    serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".to_owned())
}

/// Writes the clinics as CSV with the contract header and `insurance_plans` to `out`, one record at a time, so a
/// million listings stream to a file without being held twice in memory. The other extended fields have no column.
pub fn write_csv<'a, W: std::io::Write>(clinics: impl IntoIterator<Item = &'a Clinic>, out: W) -> csv::Result<W> {
    let mut writer = csv::WriterBuilder::new().from_writer(out);
    writer.write_record(CSV_COLUMNS_WITH_PLANS)?;
    for c in clinics {
        let recorded = c.position_source == PositionSource::Record;
        let (lat, lon) = if recorded {
            (c.position.lat.to_string(), c.position.lon.to_string())
        } else {
            (String::new(), String::new())
        };
        let languages = c.languages.iter().map(Language::as_str).collect::<Vec<_>>().join(";");
        let last_verified = c.last_verified.map(format_date).unwrap_or_default();
        // Free text goes behind a `'` where a spreadsheet would run it as a formula (`spreadsheet` module).
        writer.write_record([
            c.id.as_str(),
            &neutralise(&c.name),
            &neutralise(&c.address.street),
            &neutralise(&c.address.city),
            &c.address.state,
            &c.address.zip,
            &lat,
            &lon,
            &neutralise(c.phone.as_deref().unwrap_or("")),
            &neutralise(c.website.as_deref().unwrap_or("")),
            &c.offers.join(";"),
            &c.payment.join(";"),
            bool_text(c.telehealth),
            &languages,
            bool_text(c.accepting_new_patients),
            bool_text(c.rems_certified),
            &last_verified,
            &neutralise(&c.insurance_plans.join(";")),
        ])?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// The clinics as CSV with the contract header, in memory.
pub fn clinics_to_csv(clinics: &[Clinic]) -> String {
    // Writing records into a Vec cannot fail.
    let bytes = write_csv(clinics, Vec::with_capacity(clinics.len() * 160 + 256)).unwrap_or_default();
    // Every field written is a Rust string, so the output is UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}
