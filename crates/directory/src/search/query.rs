//! The clinic search query: the checked domain type, and the one parser of query-string pairs that the CLI
//! and `GET /api/v1/clinics` share.
//!
//! Parameter rules (DESIGN.md, "Clinic search"), with the choices the contract leaves open:
//! - `near=LAT,LON` or `zip=ZIP` (five digits, or ZIP+4 which is cut to five): exactly one is required.
//! - `radius_km`: a finite number above zero; absent means no limit.
//! - `limit`: 0 to 100, default 20 (0 asks only for `total`); `offset`: 0 to [`MAX_OFFSET`], default 0.
//! - `offers`, `payment`: comma lists; every listed value must match.
//! - `telehealth`, `accepting`: `true` filters, `false` is accepted and means "no filter" (a form's unticked box).
//! - `language`: one ISO 639-1 code.
//! - An empty value counts as an absent parameter, so that an HTML form's empty fields do not fail the search.
//! - Unknown and repeated parameters are errors that name the parameter.

use thiserror::Error;

use crate::codes::{Language, Offers, Payments};
use crate::geo::Gazetteer;
use crate::model::Position;
use crate::zip::Zip;

/// Default page size.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size the contract allows.
pub const MAX_LIMIT: usize = 100;
/// Largest offset accepted: deeper pages are no use to a person and would make one request scan the whole index.
pub const MAX_OFFSET: usize = 10_000;

/// A query parameter that cannot be used, naming the parameter (`limit`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{param}: {message}")]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

impl ParamError {
    fn new(param: &str, message: impl Into<String>) -> Self {
        ParamError { param: param.to_owned(), message: message.into() }
    }
}

/// Where the search is centred, as the user gave it. Turning a ZIP into a position is the geocoder's job.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Near(Position),
    /// A five-digit ZIP code.
    Zip(String),
}

/// A search radius in kilometres: finite and above zero.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct RadiusKm(f64);

impl RadiusKm {
    pub fn new(km: f64) -> Result<Self, String> {
        if km.is_finite() && km > 0.0 { Ok(RadiusKm(km)) } else { Err(format!("{km} is not a finite number above 0")) }
    }

    pub fn km(self) -> f64 {
        self.0
    }
}

/// What a clinic must have to be found. The default filter matches every clinic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// Every listed treatment must be offered.
    pub offers: Offers,
    /// At least one of these treatments must be offered; empty asks nothing. The query string has no name for it
    /// (the API's defaults stay as they are): the /find page sets it to [`Offers::KETAMINE_CARE`] by default.
    pub any_offers: Offers,
    /// Every listed way of paying must be accepted.
    pub payment: Payments,
    pub telehealth: bool,
    pub accepting: bool,
    pub language: Option<Language>,
}

impl Filter {
    /// Whether a clinic passes the filter; the definition the index must agree with.
    pub fn matches(&self, clinic: &crate::model::Clinic) -> bool {
        clinic.offers.contains_all(self.offers)
            && clinic.offers.contains_any(self.any_offers)
            && clinic.payment.contains_all(self.payment)
            && (!self.telehealth || clinic.telehealth)
            && (!self.accepting || clinic.accepting_new_patients)
            && self.language.is_none_or(|l| clinic.languages.contains(&l))
    }
}

/// A search with a resolved origin, as the index runs it.
///
/// `limit` and `offset` are not capped here, so that trusted callers (benchmarks, exports) may ask for every
/// clinic within a radius; the public surfaces go through [`SearchParams`], which enforces the contract's caps.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub origin: Position,
    pub radius: Option<RadiusKm>,
    pub limit: usize,
    pub offset: usize,
    pub filter: Filter,
}

impl Query {
    /// The nearest [`DEFAULT_LIMIT`] clinics to `origin`, with no radius and no filter.
    pub fn near(origin: Position) -> Self {
        Query { origin, radius: None, limit: DEFAULT_LIMIT, offset: 0, filter: Filter::default() }
    }
}

/// A parsed search request, before the origin is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchParams {
    pub origin: Origin,
    pub radius: Option<RadiusKm>,
    pub limit: usize,
    pub offset: usize,
    pub filter: Filter,
}

const KNOWN: &[&str] =
    &["near", "zip", "radius_km", "limit", "offset", "offers", "payment", "telehealth", "language", "accepting"];

impl SearchParams {
    /// Parses query-string pairs (already percent-decoded). See the module documentation for the rules.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ParamError> {
        let mut seen: Vec<&str> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let Some(known) = KNOWN.iter().find(|k| **k == name.as_str()) else {
                return Err(ParamError::new(name, format!("unknown parameter; known: {}", KNOWN.join(", "))));
            };
            if seen.contains(known) {
                return Err(ParamError::new(name, "given more than once"));
            }
            seen.push(known);
        }
        // Empty values count as absent (see the module documentation).
        let get = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());

        let origin = match (get("near"), get("zip")) {
            (Some(_), Some(_)) => return Err(ParamError::new("near", "give either near or zip, not both")),
            (None, None) => return Err(ParamError::new("near", "one of near=LAT,LON or zip=ZIP is required")),
            (Some(near), None) => Origin::Near(parse_near(near).map_err(|m| ParamError::new("near", m))?),
            (None, Some(zip)) => Origin::Zip(parse_zip(zip).map_err(|m| ParamError::new("zip", m))?),
        };
        let radius = match get("radius_km") {
            None => None,
            Some(raw) => {
                let km =
                    raw.parse::<f64>().map_err(|_| ParamError::new("radius_km", format!("{raw:?} is not a number")))?;
                Some(RadiusKm::new(km).map_err(|m| ParamError::new("radius_km", m))?)
            }
        };
        let limit = parse_count(get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT)?;
        let offset = parse_count(get("offset"), "offset", 0, MAX_OFFSET)?;
        let filter = Filter {
            offers: get("offers")
                .map(|v| Offers::parse_list(v, ','))
                .transpose()
                .map_err(|m| ParamError::new("offers", m))?
                .unwrap_or_default(),
            payment: get("payment")
                .map(|v| Payments::parse_list(v, ','))
                .transpose()
                .map_err(|m| ParamError::new("payment", m))?
                .unwrap_or_default(),
            telehealth: parse_flag(get("telehealth"), "telehealth")?,
            accepting: parse_flag(get("accepting"), "accepting")?,
            language: get("language").map(Language::parse).transpose().map_err(|m| ParamError::new("language", m))?,
            // The query string has no "any of" parameter: the API's defaults and meaning stay as they were.
            any_offers: Offers::EMPTY,
        };
        Ok(SearchParams { origin, radius, limit, offset, filter })
    }

    /// The query to run once the origin is known (the given position for `near`, the geocoded ZIP for `zip`).
    pub fn query(&self, origin: Position) -> Query {
        Query { origin, radius: self.radius, limit: self.limit, offset: self.offset, filter: self.filter }
    }

    /// The query with its origin resolved: `near` as given, `zip` through the shipped ZIP data. An unknown ZIP is an
    /// error naming `zip`, never a silent default location. The CLI and the HTTP API both resolve through here.
    pub fn resolve(&self, gazetteer: &Gazetteer) -> Result<Query, ParamError> {
        let origin = match &self.origin {
            Origin::Near(position) => *position,
            Origin::Zip(raw) => {
                let zip = Zip::parse(raw).map_err(|e| ParamError::new("zip", e.to_string()))?;
                let place = gazetteer
                    .zip(&zip)
                    .ok_or_else(|| ParamError::new("zip", format!("ZIP {zip} is not in the shipped ZIP data")))?;
                place.position
            }
        };
        Ok(self.query(origin))
    }
}

fn parse_near(raw: &str) -> Result<Position, String> {
    let Some((lat, lon)) = raw.split_once(',') else {
        return Err(format!("{raw:?} is not LAT,LON"));
    };
    let number =
        |s: &str, what: &str| s.trim().parse::<f64>().map_err(|_| format!("{what} {:?} is not a number", s.trim()));
    Position::new(number(lat, "latitude")?, number(lon, "longitude")?)
}

fn parse_zip(raw: &str) -> Result<String, String> {
    let five = match raw.split_once('-') {
        Some((five, four)) if four.len() == 4 && four.bytes().all(|b| b.is_ascii_digit()) => five,
        Some(_) => return Err(format!("{raw:?} is not a ZIP code (12345 or 12345-6789)")),
        None => raw,
    };
    if five.len() == 5 && five.bytes().all(|b| b.is_ascii_digit()) {
        Ok(five.to_owned())
    } else {
        Err(format!("{raw:?} is not a ZIP code (12345 or 12345-6789)"))
    }
}

fn parse_count(raw: Option<&str>, param: &str, default: usize, max: usize) -> Result<usize, ParamError> {
    let Some(raw) = raw else { return Ok(default) };
    let n = raw
        .parse::<usize>()
        .map_err(|_| ParamError::new(param, format!("{raw:?} is not a whole number from 0 to {max}")))?;
    if n > max {
        return Err(ParamError::new(param, format!("{n} is above the maximum of {max}")));
    }
    Ok(n)
}

fn parse_flag(raw: Option<&str>, param: &str) -> Result<bool, ParamError> {
    match raw {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ParamError::new(param, format!("{other:?} is not true or false"))),
    }
}
