//! The clinic directory in FHIR R4 (Plan-Net shapes, directory-and-interop.md §d.2): `Location?near=` (nearest
//! first, with the `location-distance` extension), `Location/{id}`, `HealthcareService?location=&service-type=`,
//! `HealthcareService/{id}` and `Organization/{id}`. The resources are built by `ketapath_directory::fhir`; this
//! module parses the search parameters, pages, and maps ids back to clinics.
//!
//! Search rules (also stated in the CapabilityStatement):
//! - `near=LAT|LON|DIST|UNITS`; UNITS `km` (default), `mi` or `[mi_i]`; DIST absent means [`DEFAULT_NEAR_KM`].
//! - `_count` 0 to 100, default 20; `_offset` 0 to 10,000 for paging; `Bundle.link` carries `self` and `next`
//!   (and `previous`) with the normalized parameters.
//! - An unknown parameter is refused (400 naming it) rather than silently ignored, so a client never mistakes an
//!   unfiltered answer for a filtered one.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use ketapath_clinical::InvalidInput;
use ketapath_directory::fhir::{clinic_to_resources, location_id, search_bundle};
use ketapath_directory::model::Position;
use ketapath_directory::search::{Filter, MAX_LIMIT, MAX_OFFSET, Query, RadiusKm};
use ketapath_directory::{Clinic, ClinicId, Offer};
use serde_json::{Value, json};

use super::outcome::FhirError;
use super::{AcceptsJson, SearchParam, fhir_json};
use crate::api::clinics::{query_pairs, with_results};
use crate::error::ApiError;
use crate::state::AppState;
use ketapath_care::directory::Directory;
use ketapath_directory::search::KM_PER_MILE;

/// The search radius of `near` when the client gives no distance, in km.
pub const DEFAULT_NEAR_KM: f64 = 50.0;
/// `_count` when absent.
pub const DEFAULT_COUNT: usize = 20;

pub const LOCATION_DOCUMENTATION: &str = "Clinic sites. Search `near=LAT|LON|DIST|UNITS` (units km, mi or [mi_i]; \
     a missing distance means 50 km) returns the nearest first with the location-distance extension; without `near` \
     every Location by id; `_count` 0-100 (default 20) and `_offset` page through the matches";
pub const SERVICE_DOCUMENTATION: &str = "What each clinic offers: `type` codes from \
     https://ketapath.org/fhir/CodeSystem/offer (esketamine_nasal, iv_ketamine, ...), payment as characteristic. \
     Search by `location=Location/{id}` and/or `service-type=[system|]code` (comma = any of); sorted by id";
pub const ORGANIZATION_DOCUMENTATION: &str = "The organization that runs each clinic, with the SPRAVATO REMS \
     qualification when certified";

pub const LOCATION_PARAMS: &[SearchParam] = &[
    SearchParam {
        name: "near",
        kind: "special",
        documentation: "LAT|LON|DIST|UNITS; units km (default), mi or [mi_i]; without DIST the radius is 50 km",
    },
    SearchParam { name: "_count", kind: "number", documentation: "Page size 0-100, default 20" },
    SearchParam { name: "_offset", kind: "number", documentation: "Matches to skip, 0-10000 (paging)" },
];

pub const SERVICE_PARAMS: &[SearchParam] = &[
    SearchParam { name: "location", kind: "reference", documentation: "Location/{id}: the service at that clinic" },
    SearchParam {
        name: "service-type",
        kind: "token",
        documentation: "Offer code, optionally https://ketapath.org/fhir/CodeSystem/offer|code; comma = any of",
    },
    SearchParam { name: "_count", kind: "number", documentation: "Page size 0-100, default 20" },
    SearchParam { name: "_offset", kind: "number", documentation: "Matches to skip, 0-10000 (paging)" },
];

fn invalid(param: &str, message: impl Into<String>) -> FhirError {
    ApiError::InvalidInput(InvalidInput::new(param, format!("{param}: {}", message.into()))).into()
}

/// The search parameters given, checked against the ones a search takes (plus `_format`), no repeats.
fn params<'a>(pairs: &'a [(String, String)], known: &[&str]) -> Result<Vec<(&'a str, &'a str)>, FhirError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (name, value) in pairs {
        if name == "_format" {
            continue;
        }
        if !known.contains(&name.as_str()) {
            return Err(invalid(name, format!("unsupported search parameter; supported: {}", known.join(", "))));
        }
        if seen.iter().any(|(n, _)| n == name) {
            return Err(invalid(name, "given more than once"));
        }
        seen.push((name, value.trim()));
    }
    Ok(seen)
}

fn get<'a>(params: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).filter(|v| !v.is_empty())
}

fn count(params: &[(&str, &str)], name: &str, default: usize, max: usize) -> Result<usize, FhirError> {
    let Some(raw) = get(params, name) else { return Ok(default) };
    let n =
        raw.parse::<usize>().map_err(|_| invalid(name, format!("{raw:?} is not a whole number from 0 to {max}")))?;
    if n > max {
        return Err(invalid(name, format!("{n} is above the maximum of {max}")));
    }
    Ok(n)
}

/// `near=LAT|LON|DIST|UNITS` as an origin and a radius.
pub fn parse_near(raw: &str) -> Result<(Position, RadiusKm), String> {
    let parts: Vec<&str> = raw.split('|').map(str::trim).collect();
    if !(2..=4).contains(&parts.len()) {
        return Err(format!("{raw:?} is not LAT|LON|DIST|UNITS"));
    }
    let number = |s: &str, what: &str| s.parse::<f64>().map_err(|_| format!("{what} {s:?} is not a number"));
    let position = Position::new(number(parts[0], "latitude")?, number(parts[1], "longitude")?)?;
    let factor = match parts.get(3).copied().unwrap_or("km") {
        "km" | "" => 1.0,
        "mi" | "[mi_i]" => KM_PER_MILE,
        other => return Err(format!("units {other:?} are not km, mi or [mi_i]")),
    };
    let km = match parts.get(2).copied().filter(|d| !d.is_empty()) {
        Some(d) => number(d, "distance")? * factor,
        None => DEFAULT_NEAR_KM,
    };
    let radius = RadiusKm::new(km).map_err(|m| format!("distance: {m}"))?;
    Ok((position, radius))
}

/// A relative search URL with the normalized parameters (the `|` of `near` percent-encoded).
fn search_url(resource: &str, pairs: &[(&str, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("{}/{resource}?{}", super::BASE, query.finish())
}

/// `Bundle.link`: `self`, and `previous` / `next` when there are such pages.
fn links(resource: &str, base: &[(&str, String)], count: usize, offset: usize, total: usize) -> Value {
    let page = |offset: usize| {
        let mut pairs = base.to_vec();
        pairs.push(("_count", count.to_string()));
        pairs.push(("_offset", offset.to_string()));
        search_url(resource, &pairs)
    };
    let mut links = vec![json!({"relation": "self", "url": page(offset)})];
    if offset > 0 {
        links.push(json!({"relation": "previous", "url": page(offset.saturating_sub(count.max(1)))}));
    }
    if count > 0 && offset + count < total {
        links.push(json!({"relation": "next", "url": page(offset + count)}));
    }
    Value::Array(links)
}

fn to_value(value: &impl serde::Serialize) -> Result<Value, FhirError> {
    serde_json::to_value(value).map_err(|error| {
        tracing::error!(%error, "FHIR resource did not serialize");
        FhirError::from(ApiError::Internal)
    })
}

/// `GET /fhir/r4/Location?near=...`.
pub async fn search_locations(
    _json: AcceptsJson,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, FhirError> {
    let pairs = query_pairs(&uri);
    let params = params(&pairs, &["near", "_count", "_offset"])?;
    let limit = count(&params, "_count", DEFAULT_COUNT, MAX_LIMIT)?;
    let offset = count(&params, "_offset", 0, MAX_OFFSET)?;
    let Some(raw_near) = get(&params, "near") else {
        // No `near`: every Location, by id, a page at a time.
        let (page, total) = scan_sorted(&state.directory, |_| true, offset, limit);
        let entries = page
            .iter()
            .map(|c| Ok(json!({"resource": to_value(&clinic_to_resources(c).1)?, "search": {"mode": "match"}})))
            .collect::<Result<Vec<Value>, FhirError>>()?;
        return Ok(searchset("Location", entries, total, &[], limit, offset));
    };
    let (origin, radius) = parse_near(raw_near).map_err(|m| invalid("near", m))?;
    let query = Query { origin, radius: Some(radius), limit, offset, filter: Filter::default() };
    let (bundle, total) = with_results(&state.directory, &query, |result| {
        let hits: Vec<(&Clinic, f64)> = result.hits.iter().map(|h| (h.clinic, h.distance_km)).collect();
        (to_value(&search_bundle(&hits, result.total as u64)), result.total)
    });
    let mut bundle = bundle?;
    let near = format!("{}|{}|{}|km", origin.lat, origin.lon, radius.km());
    bundle["link"] = links("Location", &[("near", near)], limit, offset, total);
    Ok(fhir_json(StatusCode::OK, &bundle, "no-cache"))
}

/// The clinic whose Location id is `fhir_id`. Ids that are clinic ids are looked up directly; hashed ids (clinic
/// ids FHIR cannot carry, see `location_id`) need a scan of the index, which only such clinics pay for.
pub fn clinic_by_location_id(directory: &Directory, fhir_id: &str) -> Option<Clinic> {
    if let Ok(id) = ClinicId::parse(fhir_id)
        && let Some(clinic) = directory.clinic(&id)
        && location_id(&clinic.id) == fhir_id
    {
        return Some(clinic);
    }
    let hashed = fhir_id.len() == 17 && fhir_id.starts_with('k');
    hashed.then(|| directory.read(|index| index.clinics().find(|c| location_id(&c.id) == fhir_id).cloned())).flatten()
}

fn path_id(id: Result<Path<String>, PathRejection>) -> Result<String, FhirError> {
    id.map(|Path(id)| id)
        .map_err(|rejection| ApiError::BadRequest(format!("bad path: {}", rejection.body_text())).into())
}

/// `GET /fhir/r4/Location/{id}`.
pub async fn read_location(
    _json: AcceptsJson,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, FhirError> {
    let id = path_id(id)?;
    let clinic = clinic_by_location_id(&state.directory, &id).ok_or_else(|| FhirError::unknown_id("Location", &id))?;
    let (_, location, _) = clinic_to_resources(&clinic);
    Ok(fhir_json(StatusCode::OK, &to_value(&location)?, "no-cache"))
}

/// `GET /fhir/r4/HealthcareService/{id}` (`{location id}-svc`).
pub async fn read_service(
    _json: AcceptsJson,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, FhirError> {
    let clinic = clinic_by_suffixed_id(&state, id, "-svc", "HealthcareService")?;
    let (_, _, service) = clinic_to_resources(&clinic);
    Ok(fhir_json(StatusCode::OK, &to_value(&service)?, "no-cache"))
}

/// `GET /fhir/r4/Organization/{id}` (`{location id}-org`).
pub async fn read_organization(
    _json: AcceptsJson,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, FhirError> {
    let clinic = clinic_by_suffixed_id(&state, id, "-org", "Organization")?;
    let (organization, _, _) = clinic_to_resources(&clinic);
    Ok(fhir_json(StatusCode::OK, &to_value(&organization)?, "no-cache"))
}

/// The clinic behind a resource id derived from its Location id with `suffix`; an unknown id is a 404 naming `kind`.
fn clinic_by_suffixed_id(
    state: &AppState,
    id: Result<Path<String>, PathRejection>,
    suffix: &str,
    kind: &str,
) -> Result<Clinic, FhirError> {
    let id = path_id(id)?;
    id.strip_suffix(suffix)
        .and_then(|location| clinic_by_location_id(&state.directory, location))
        .ok_or_else(|| FhirError::unknown_id(kind, &id))
}

/// `service-type=[system|]code[,...]` as a set of offers (any of them matches).
fn parse_service_types(raw: &str) -> Result<Vec<Offer>, String> {
    raw.split(',')
        .map(|token| {
            let code = match token.trim().rsplit_once('|') {
                Some((system, code)) if system.is_empty() || system == ketapath_directory::fhir::OFFER_SYSTEM => code,
                Some((system, _)) => {
                    return Err(format!("system {system:?} is not {}", ketapath_directory::fhir::OFFER_SYSTEM));
                }
                None => token.trim(),
            };
            Offer::parse(code)
        })
        .collect()
}

/// `GET /fhir/r4/HealthcareService?location=Location/{id}&service-type=...`. Without `location` this scans the
/// index (every live clinic) and sorts the matches by id: fine for a directory of a national size, and the
/// request path that needs speed (`Location?near=`) uses the spatial index instead.
pub async fn search_services(
    _json: AcceptsJson,
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Response, FhirError> {
    let pairs = query_pairs(&uri);
    let params = params(&pairs, &["location", "service-type", "_count", "_offset"])?;
    let limit = count(&params, "_count", DEFAULT_COUNT, MAX_LIMIT)?;
    let offset = count(&params, "_offset", 0, MAX_OFFSET)?;
    let types =
        get(&params, "service-type").map(parse_service_types).transpose().map_err(|m| invalid("service-type", m))?;
    let wanted = |c: &Clinic| types.as_ref().is_none_or(|t| t.iter().any(|o| c.offers.contains(*o)));
    let mut matches: Vec<Clinic> = match get(&params, "location") {
        Some(reference) => {
            let id = reference.strip_prefix("Location/").unwrap_or(reference);
            clinic_by_location_id(&state.directory, id).into_iter().filter(|c| wanted(c)).collect()
        }
        None => {
            let (page, total) = scan_sorted(&state.directory, wanted, offset, limit);
            return service_bundle(&page, total, &params, limit, offset);
        }
    };
    let total = matches.len();
    matches = matches.into_iter().skip(offset).take(limit).collect();
    service_bundle(&matches, total, &params, limit, offset)
}

fn service_bundle(
    page: &[Clinic],
    total: usize,
    params: &[(&str, &str)],
    limit: usize,
    offset: usize,
) -> Result<Response, FhirError> {
    let entries = page
        .iter()
        .map(|c| Ok(json!({"resource": to_value(&clinic_to_resources(c).2)?, "search": {"mode": "match"}})))
        .collect::<Result<Vec<Value>, FhirError>>()?;
    let base: Vec<(&str, String)> = ["location", "service-type"]
        .iter()
        .filter_map(|name| get(params, name).map(|v| (*name, v.to_owned())))
        .collect();
    Ok(searchset("HealthcareService", entries, total, &base, limit, offset))
}

/// A `searchset` Bundle of `entries` with its paging links.
fn searchset(
    resource: &str,
    entries: Vec<Value>,
    total: usize,
    base: &[(&str, String)],
    limit: usize,
    offset: usize,
) -> Response {
    let mut bundle = json!({"resourceType": "Bundle", "type": "searchset", "total": total});
    bundle["link"] = links(resource, base, limit, offset, total);
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    fhir_json(StatusCode::OK, &bundle, "no-cache")
}

/// The page `offset..offset + limit` of the clinics `wanted` accepts, by id, and how many there are in all. Scans
/// every live clinic under the read lock, collecting ids only, then clones the page's clinics.
fn scan_sorted(
    directory: &Directory,
    wanted: impl Fn(&Clinic) -> bool,
    offset: usize,
    limit: usize,
) -> (Vec<Clinic>, usize) {
    let mut ids: Vec<ClinicId> =
        directory.read(|index| index.clinics().filter(|c| wanted(c)).map(|c| c.id.clone()).collect());
    ids.sort_unstable();
    let page = ids.iter().skip(offset).take(limit).filter_map(|id| directory.clinic(id)).collect();
    (page, ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_takes_two_to_four_parts_with_units() {
        let (p, r) = parse_near("40.75|-73.99|10|mi").unwrap();
        assert_eq!((p.lat, p.lon), (40.75, -73.99));
        assert!((r.km() - 16.09344).abs() < 1e-9);
        assert_eq!(parse_near("40|-73").unwrap().1.km(), DEFAULT_NEAR_KM);
        assert_eq!(parse_near("40|-73|5").unwrap().1.km(), 5.0);
        for bad in ["40", "40|x", "91|0|1|km", "40|-73|0|km", "40|-73|5|parsec", "1|2|3|km|5", "40|-73|-2"] {
            assert!(parse_near(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn service_types_accept_codes_and_the_offer_system() {
        let system = ketapath_directory::fhir::OFFER_SYSTEM;
        assert_eq!(parse_service_types("tms").unwrap(), [Offer::Tms]);
        assert_eq!(parse_service_types(&format!("{system}|ect,iv_ketamine")).unwrap(), [Offer::Ect, Offer::IvKetamine]);
        assert!(parse_service_types("http://other|tms").is_err());
        assert!(parse_service_types("acupuncture").is_err());
    }
}
