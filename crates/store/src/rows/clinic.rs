//! The `clinics` and `listing_reports` rows.

use ketapath_directory::codes::Language;
use ketapath_directory::model::{Address, OpeningHours, Position, PositionSource};
use ketapath_directory::{Clinic, Offers, Payments};

use super::{parse_clinic_id, parse_code, parse_id_opt};
use crate::clock::{date_from_text_opt, date_to_text, from_micros, from_micros_opt};
use crate::db::{Value, args};
use crate::domain::{ListingReport, ListingReportId, ReportStatus, StaffId};
use crate::error::{StoreError, StoreResult};

const T: &str = "clinics";

/// The columns of `clinics` in the order [`clinic_values`] binds them.
pub(crate) const CLINIC_COLUMNS: &str = "id, name, street, city, state, zip, lat, lon, position_source, phone, website, \
     offers, payment, insurance_plans, telehealth, languages, accepting_new_patients, rems_certified, last_verified, \
     verified_by, hours, accessibility, description, demo, listing_version, updated_at, deleted";
pub(crate) const CLINIC_COLUMN_COUNT: usize = 27;

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ClinicRow {
    pub id: String,
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub lat: f64,
    pub lon: f64,
    pub position_source: String,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub offers: i64,
    pub payment: i64,
    /// A JSON array of plan names.
    pub insurance_plans: String,
    pub telehealth: bool,
    pub languages: String,
    pub accepting_new_patients: bool,
    pub rems_certified: bool,
    pub last_verified: Option<String>,
    pub verified_by: Option<String>,
    pub hours: String,
    pub accessibility: String,
    pub description: Option<String>,
    pub demo: bool,
    pub deleted: bool,
}

fn position_source_code(p: PositionSource) -> &'static str {
    match p {
        PositionSource::Record => "record",
        PositionSource::ZipCentroid => "zip_centroid",
    }
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').filter(|p| !p.is_empty())
}

/// The values of one clinic row, in [`CLINIC_COLUMNS`] order.
pub(crate) fn clinic_values(c: &Clinic, version: i64, updated_at: i64) -> StoreResult<Vec<Value>> {
    let hours = serde_json::to_string(&c.hours).map_err(|e| StoreError::invalid("hours", e.to_string()))?;
    let languages = c.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(";");
    let insurance_plans =
        serde_json::to_string(&c.insurance_plans).map_err(|e| StoreError::invalid("insurance_plans", e.to_string()))?;
    Ok(Vec::from(args![
        c.id.as_str(),
        c.name.as_str(),
        c.address.street.as_str(),
        c.address.city.as_str(),
        c.address.state.as_str(),
        c.address.zip.as_str(),
        c.position.lat,
        c.position.lon,
        position_source_code(c.position_source),
        c.phone.as_deref(),
        c.website.as_deref(),
        i64::from(c.offers.bits()),
        i64::from(c.payment.bits()),
        insurance_plans,
        c.telehealth,
        languages,
        c.accepting_new_patients,
        c.rems_certified,
        c.last_verified.map(date_to_text),
        c.verified_by.as_deref(),
        hours,
        c.accessibility.join(";"),
        c.description.as_deref(),
        c.demo,
        version,
        updated_at,
        false,
    ]))
}

impl ClinicRow {
    pub(crate) fn into_clinic(self) -> StoreResult<Clinic> {
        let position_source = match self.position_source.as_str() {
            "record" => PositionSource::Record,
            "zip_centroid" => PositionSource::ZipCentroid,
            other => return Err(StoreError::corrupt(T, format!("position_source {other:?}"))),
        };
        let languages = split_list(&self.languages)
            .map(|l| Language::parse(l).map_err(|e| StoreError::corrupt(T, e)))
            .collect::<StoreResult<Vec<_>>>()?;
        let hours: Vec<OpeningHours> =
            serde_json::from_str(&self.hours).map_err(|e| StoreError::corrupt(T, format!("hours: {e}")))?;
        let insurance_plans: Vec<String> = serde_json::from_str(&self.insurance_plans)
            .map_err(|e| StoreError::corrupt(T, format!("insurance_plans: {e}")))?;
        let bits = |v: i64, what: &str| u8::try_from(v).map_err(|_| StoreError::corrupt(T, format!("{what} bits {v}")));
        Ok(Clinic {
            id: parse_clinic_id(T, &self.id)?,
            name: self.name,
            address: Address { street: self.street, city: self.city, state: self.state, zip: self.zip },
            position: Position::new(self.lat, self.lon).map_err(|e| StoreError::corrupt(T, e))?,
            position_source,
            phone: self.phone,
            website: self.website,
            offers: Offers::from_bits(bits(self.offers, "offers")?),
            payment: Payments::from_bits(bits(self.payment, "payment")?),
            insurance_plans,
            telehealth: self.telehealth,
            languages,
            accepting_new_patients: self.accepting_new_patients,
            rems_certified: self.rems_certified,
            last_verified: date_from_text_opt(T, self.last_verified.as_deref())?,
            verified_by: self.verified_by,
            hours,
            accessibility: split_list(&self.accessibility).map(str::to_owned).collect(),
            description: self.description,
            demo: self.demo,
        })
    }
}

pub(crate) const LISTING_REPORT_COLUMNS: &str =
    "id, clinic_id, reported_at, reason, details, contact, status, resolved_at, resolved_by";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ListingReportRow {
    pub id: String,
    pub clinic_id: String,
    pub reported_at: i64,
    pub reason: String,
    pub details: Option<String>,
    pub contact: Option<String>,
    pub status: String,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
}

impl ListingReportRow {
    pub(crate) fn into_domain(self) -> StoreResult<ListingReport> {
        const R: &str = "listing_reports";
        Ok(ListingReport {
            id: super::parse_id(R, &self.id, ListingReportId)?,
            clinic_id: parse_clinic_id(R, &self.clinic_id)?,
            reported_at: from_micros(R, self.reported_at)?,
            reason: self.reason,
            details: self.details,
            contact: self.contact,
            status: parse_code(R, &self.status, ReportStatus::parse)?,
            resolved_at: from_micros_opt(R, self.resolved_at)?,
            resolved_by: parse_id_opt(R, self.resolved_by.as_deref(), StaffId)?,
        })
    }
}
