//! The search response document that `ketapath clinics search --json` and `GET /api/v1/clinics` both return.
//!
//! It borrows from the index, so building and serializing a page allocates little.

use serde::{Serialize, Serializer};
use time::Date;

use crate::codes::{Language, Offers, Payments};
use crate::model::Position;

use super::distance::KM_PER_MILE;
use super::index::{Hit, SearchResult};
use super::query::Query;

/// The response document (DESIGN.md, "Clinic search"), plus `limit` and `offset` for paging.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ClinicSearch))]
pub struct SearchResponse<'a> {
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub origin: Position,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub radius_km: Option<f64>,
    /// Every match within the radius, not only this page.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub results: Vec<ClinicResult<'a>>,
}

/// One clinic in the response.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClinicResult<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// Kilometres, rounded to 3 decimals.
    pub distance_km: f64,
    /// The same distance in international miles, rounded to 3 decimals.
    pub distance_mi: f64,
    pub lat: f64,
    pub lon: f64,
    pub street: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
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
    #[serde(serialize_with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date, required = true))]
    pub last_verified: Option<Date>,
    /// A fictional listing (`--demo`); present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl<'a> SearchResponse<'a> {
    /// The document for `result`, which `query` produced.
    pub fn new(query: &Query, result: &SearchResult<'a>) -> Self {
        SearchResponse {
            origin: query.origin,
            radius_km: query.radius.map(|r| r.km()),
            total: result.total,
            limit: query.limit,
            offset: query.offset,
            results: result.hits.iter().map(ClinicResult::from_hit).collect(),
        }
    }
}

impl<'a> ClinicResult<'a> {
    pub fn from_hit(hit: &Hit<'a>) -> Self {
        let c = hit.clinic;
        ClinicResult {
            id: c.id.as_str(),
            name: &c.name,
            distance_km: (hit.distance_km * 1000.0).round() / 1000.0,
            distance_mi: (hit.distance_km / KM_PER_MILE * 1000.0).round() / 1000.0,
            lat: c.position.lat,
            lon: c.position.lon,
            street: &c.address.street,
            city: &c.address.city,
            state: &c.address.state,
            zip: &c.address.zip,
            phone: c.phone.as_deref(),
            website: c.website.as_deref(),
            offers: c.offers,
            payment: c.payment,
            insurance_plans: &c.insurance_plans,
            telehealth: c.telehealth,
            languages: &c.languages,
            accepting_new_patients: c.accepting_new_patients,
            rems_certified: c.rems_certified,
            last_verified: c.last_verified,
            demo: c.demo,
        }
    }
}

/// `YYYY-MM-DD`, as in the CSV contract (the `time` crate's own serde form is a tuple).
fn iso_date<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        None => serializer.serialize_none(),
        Some(d) => serializer.collect_str(&format_args!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())),
    }
}
