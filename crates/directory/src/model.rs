//! The clinic listing as the domain sees it: parsed, checked, and mappable to FHIR Plan-Net both ways.
//!
//! Field meanings follow the Plan-Net profiles (`directory-and-interop.md` §d.2): the listing is a
//! Location (address, position, hours, accessibility, new patients) with a HealthcareService carrying its
//! offers and an Organization that provides them (mapping in `fhir/mod.rs`).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{Language, Offers, Payments};

/// A clinic's identifier as given in its record (the CSV `id` column): the same in search results,
/// URLs, the API and `--clinic` options.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClinicId(String);

impl ClinicId {
    /// Ids are 1 to 64 characters of ASCII letters, digits, `-`, `_` and `.`, so that they are safe in URLs
    /// and FHIR resource ids without escaping.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = !raw.is_empty()
            && raw.len() <= 64
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(ClinicId(raw.to_owned()))
        } else {
            Err(format!("id {raw:?} must be 1-64 characters of letters, digits, '-', '_' or '.'"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClinicId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ClinicId::parse(&value)
    }
}

impl From<ClinicId> for String {
    fn from(id: ClinicId) -> Self {
        id.0
    }
}

impl std::fmt::Display for ClinicId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A WGS84 position in degrees, checked to be on the globe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

impl Position {
    pub fn new(lat: f64, lon: f64) -> Result<Self, String> {
        Ok(Position { lat: Self::check_lat(lat)?, lon: Self::check_lon(lon)? })
    }

    /// Checks a latitude alone, so that an importer can report a bad latitude and a bad longitude together.
    pub fn check_lat(lat: f64) -> Result<f64, String> {
        if lat.is_finite() && (-90.0..=90.0).contains(&lat) {
            Ok(lat)
        } else {
            Err(format!("latitude {lat} is outside -90..90"))
        }
    }

    /// Checks a longitude alone (see [`Position::check_lat`]).
    pub fn check_lon(lon: f64) -> Result<f64, String> {
        if lon.is_finite() && (-180.0..=180.0).contains(&lon) {
            Ok(lon)
        } else {
            Err(format!("longitude {lon} is outside -180..180"))
        }
    }
}

/// Where a clinic's position came from: its record, or the centroid of its ZIP code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PositionSource {
    #[default]
    Record,
    ZipCentroid,
}

/// A street address in the United States.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub city: String,
    /// USPS two-letter state or territory code, upper case.
    pub state: String,
    /// Five-digit ZIP code.
    pub zip: String,
}

/// Opening hours on some days of the week (Plan-Net `hoursOfOperation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningHours {
    /// FHIR day codes: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`.
    pub days: Vec<String>,
    /// `HH:MM` local time.
    pub opens: String,
    pub closes: String,
}

/// A clinic listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clinic {
    pub id: ClinicId,
    pub name: String,
    pub address: Address,
    pub position: Position,
    #[serde(default)]
    pub position_source: PositionSource,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub offers: Offers,
    pub payment: Payments,
    /// Named insurance plans accepted ("Aetna", "Medicaid (Ohio)"), checked by `insurance::check_plans`.
    #[serde(default)]
    pub insurance_plans: Vec<String>,
    pub telehealth: bool,
    pub languages: Vec<Language>,
    pub accepting_new_patients: bool,
    pub rems_certified: bool,
    pub last_verified: Option<Date>,
    /// Who verified the listing (a platform admin's e-mail or "self-reported").
    #[serde(default)]
    pub verified_by: Option<String>,
    #[serde(default)]
    pub hours: Vec<OpeningHours>,
    /// Plan-Net accessibility codes (for example `handiaccess`).
    #[serde(default)]
    pub accessibility: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A fictional listing from `--demo`, shown as such on every page.
    #[serde(default)]
    pub demo: bool,
}
