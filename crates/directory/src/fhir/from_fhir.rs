//! FHIR to clinics: reads a `collection` or `searchset` Bundle back into listings, naming each fault by its path.
//!
//! Every Location is one listing. Its Organization is found through `managingOrganization` (else a service's
//! `providedBy`), its HealthcareServices through their `location` references; several services of one Location
//! are merged. References to resources outside the bundle are allowed (their facts are then unknown: not REMS
//! certified, no offers). Resources of other types are ignored. A missing `newpatients` extension reads as not
//! accepting new patients. The clinic id is the Location's KetaPath identifier, else its resource id. Faults
//! name the entry and the path in it (`entry[4].resource.position.latitude`) and reject the listing.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::Value;
use thiserror::Error;

use super::types::*;
use super::*;
use crate::geo::Gazetteer;
use crate::import::fields::{self, Coord, Field, RawClinic};
use crate::import::{EntryBatch, EntryReject, FirstSeen};
use crate::model::{OpeningHours, PositionSource};

/// A document that is not a readable bundle at all; faults in its entries are rejects instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct BundleError {
    pub path: String,
    pub message: String,
}

/// One entry's resource, or the fault (with its path) that kept it from being read, and the entry's index.
struct Parsed<T> {
    index: usize,
    resource: Result<T, String>,
}

/// Reads the listings of a FHIR R4 Bundle of type `collection` or `searchset` (see the module documentation).
pub fn import_bundle(bundle: &Value, gazetteer: &Gazetteer) -> Result<EntryBatch, BundleError> {
    let fault = |path: &str, message: String| BundleError { path: path.to_owned(), message };
    let Some(object) = bundle.as_object() else { return Err(fault("$", "expected a Bundle object".to_owned())) };
    match object.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {}
        other => return Err(fault("resourceType", format!("expected \"Bundle\", found {other:?}"))),
    }
    match object.get("type").and_then(Value::as_str) {
        Some("collection" | "searchset") => {}
        other => return Err(fault("type", format!("expected \"collection\" or \"searchset\", found {other:?}"))),
    }
    let entries = match object.get("entry") {
        None => &[][..],
        Some(Value::Array(entries)) => entries.as_slice(),
        Some(_) => return Err(fault("entry", "expected an array of entries".to_owned())),
    };

    let mut batch = EntryBatch::default();
    let mut locations: Vec<Parsed<Location>> = Vec::new();
    let mut organizations: HashMap<String, Parsed<Organization>> = HashMap::new();
    let mut services: Vec<(Vec<String>, Parsed<HealthcareService>)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let base = format!("entry[{index}].resource");
        let Some(resource) = entry.get("resource") else {
            let reasons = vec![format!("{base}: missing")];
            batch.rejects.push(EntryReject { index, id: None, reasons });
            continue;
        };
        match resource.get("resourceType").and_then(Value::as_str) {
            Some("Location") => locations.push(Parsed { index, resource: read(resource, &base) }),
            Some("Organization") => {
                let id = resource.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                organizations.insert(id, Parsed { index, resource: read(resource, &base) });
            }
            Some("HealthcareService") => {
                let refs = resource
                    .get("location")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.get("reference").and_then(Value::as_str))
                    .filter_map(|r| reference_id(r, "Location"))
                    .map(str::to_owned)
                    .collect();
                services.push((refs, Parsed { index, resource: read(resource, &base) }));
            }
            _ => {}
        }
    }

    let mut used_org = vec![false; entries.len()];
    let mut used_service = vec![false; services.len()];
    let mut first_index_of: FirstSeen<usize> = FirstSeen::default();
    for parsed in &locations {
        let index = parsed.index;
        let location = match &parsed.resource {
            Ok(location) => location,
            Err(reason) => {
                let id = entries[index]["resource"]["id"].as_str().map(str::to_owned);
                batch.rejects.push(EntryReject { index, id, reasons: vec![reason.clone()] });
                continue;
            }
        };
        let resource_id = location.id.clone().unwrap_or_default();
        let mut mine: Vec<&Parsed<HealthcareService>> = Vec::new();
        for (i, (refs, service)) in services.iter().enumerate() {
            if !resource_id.is_empty() && refs.contains(&resource_id) {
                used_service[i] = true;
                mine.push(service);
            }
        }
        let org_ref = location
            .managing_organization
            .as_ref()
            .and_then(|r| r.reference.as_deref())
            .or_else(|| mine.iter().find_map(|s| s.resource.as_ref().ok()?.provided_by.as_ref()?.reference.as_deref()))
            .and_then(|r| reference_id(r, "Organization"));
        let organization = org_ref.and_then(|id| organizations.get(id));
        if let Some(org) = organization {
            used_org[org.index] = true;
        }
        let listing = Listing { index, location, organization, services: &mine };
        let (clinic_id, clinic) = listing.read(gazetteer, &mut first_index_of);
        match clinic {
            Ok(clinic) => batch.clinics.push((index, clinic)),
            Err(reasons) => batch.rejects.push(EntryReject { index, id: clinic_id, reasons }),
        }
    }

    // A malformed Organization or HealthcareService that no Location uses is still reported, never dropped silently.
    let orphans = organizations
        .values()
        .filter(|o| !used_org[o.index])
        .filter_map(|o| o.resource.as_ref().err().map(|e| (o.index, e.clone())))
        .chain(
            services
                .iter()
                .zip(&used_service)
                .filter(|(_, used)| !**used)
                .filter_map(|((_, s), _)| s.resource.as_ref().err().map(|e| (s.index, e.clone()))),
        );
    for (index, reason) in orphans {
        let id = entries[index]["resource"]["id"].as_str().map(str::to_owned);
        batch.rejects.push(EntryReject { index, id, reasons: vec![reason] });
    }
    batch.rejects.sort_by_key(|r| r.index);
    Ok(batch)
}

fn read<T: DeserializeOwned>(value: &Value, base: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." { format!("{base}: {inner}") } else { format!("{base}.{path}: {inner}") }
    })
}

/// The id in a reference such as `Location/c-1` or `https://example.org/fhir/Location/c-1/_history/2`.
fn reference_id<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    let start = reference.rmatch_indices(kind).map(|(i, _)| i).find(|&i| {
        (i == 0 || reference.as_bytes()[i - 1] == b'/') && reference.as_bytes().get(i + kind.len()) == Some(&b'/')
    })?;
    let rest = &reference[start + kind.len() + 1..];
    Some(rest.split('/').next().unwrap_or(rest)).filter(|id| !id.is_empty())
}

/// The codes of `system` among the codings of some concepts, with each coding's path.
fn codes<'c>(concepts: &'c [CodeableConcept], system: &str, base: &str) -> Vec<(String, &'c str)> {
    let mut found = Vec::new();
    for (i, concept) in concepts.iter().enumerate() {
        for (j, c) in concept.coding.iter().enumerate() {
            if c.system.as_deref() == Some(system) {
                found.push((format!("{base}[{i}].coding[{j}].code"), c.code.as_deref().unwrap_or("")));
            }
        }
    }
    found
}

struct Listing<'a> {
    index: usize,
    location: &'a Location,
    organization: Option<&'a Parsed<Organization>>,
    services: &'a [&'a Parsed<HealthcareService>],
}

impl Listing<'_> {
    fn read(
        &self,
        gazetteer: &Gazetteer,
        first_index_of: &mut FirstSeen<usize>,
    ) -> (Option<String>, Result<crate::model::Clinic, Vec<String>>) {
        let loc = self.location;
        let base = format!("entry[{}].resource", self.index);
        let mut problems: Vec<String> = Vec::new();

        let identifier = loc.identifier.iter().position(|i| i.system.as_deref() == Some(CLINIC_ID_SYSTEM));
        let (id, id_path) = match identifier {
            Some(i) => (loc.identifier[i].value.as_deref().unwrap_or(""), format!("{base}.identifier[{i}].value")),
            None => (loc.id.as_deref().unwrap_or(""), format!("{base}.id")),
        };
        let clinic_id = Some(id.to_owned()).filter(|id| !id.is_empty());
        if let Some(first) = clinic_id.as_deref().and_then(|id| first_index_of.get(id)) {
            problems.push(format!("{id_path}: duplicate clinic id {id:?}, first in entry[{first}]"));
        } else if let Some(id) = &clinic_id {
            first_index_of.insert(id.as_str().into(), self.index);
        }

        let address = loc.address.clone().unwrap_or_default();
        let street = address.line.join(", ");
        let (lat, lon) = match &loc.position {
            Some(p) => (Coord::Given(p.latitude), Coord::Given(p.longitude)),
            None => (Coord::Absent, Coord::Absent),
        };
        let mut zip_centroid = false;
        for (i, ext) in loc.position.iter().flat_map(|p| p.extension.iter()).enumerate() {
            if ext.url == POSITION_SOURCE_URL {
                match ext.value_code.as_deref() {
                    Some("zip_centroid") => zip_centroid = true,
                    Some("record") => {}
                    other => problems.push(format!(
                        "{base}.position.extension[{i}].valueCode: {other:?} is not zip_centroid or record"
                    )),
                }
            }
        }
        let phone = loc.telecom.iter().find(|t| t.system.as_deref() == Some("phone")).and_then(|t| t.value.as_deref());
        let website = loc.telecom.iter().find(|t| t.system.as_deref() == Some("url")).and_then(|t| t.value.as_deref());

        let mut accepting = false;
        let mut accessibility = Vec::new();
        let mut last_verified = None;
        let mut verified_by = "";
        for (i, ext) in loc.extension.iter().enumerate() {
            let path = format!("{base}.extension[{i}]");
            match ext.url.as_str() {
                NEW_PATIENTS_URL => {
                    for (j, part) in ext.extension.iter().enumerate().filter(|(_, p)| p.url == "acceptingPatients") {
                        let concepts = part.value_codeable_concept.as_slice();
                        let part_path = format!("{path}.extension[{j}].valueCodeableConcept");
                        for (code_path, code) in codes(concepts, ACCEPTING_PATIENTS_SYSTEM, &part_path) {
                            match code {
                                "newpt" => accepting = true,
                                "nopt" | "existptonly" | "existptfam" => {}
                                other => {
                                    problems.push(format!("{code_path}: unknown acceptingPatients code {other:?}"))
                                }
                            }
                        }
                    }
                }
                ACCESSIBILITY_URL => {
                    let concepts = ext.value_codeable_concept.as_slice();
                    accessibility
                        .extend(codes(concepts, ACCESSIBILITY_SYSTEM, &path).into_iter().map(|(_, c)| c.to_owned()));
                }
                VERIFICATION_URL => {
                    for (j, part) in ext.extension.iter().enumerate() {
                        match (part.url.as_str(), &part.value_date, &part.value_string) {
                            ("lastVerified", Some(date), _) => match fields::parse_date(date) {
                                Ok(date) => last_verified = date,
                                Err(m) => problems.push(format!("{path}.extension[{j}].valueDate: {m}")),
                            },
                            ("verifiedBy", _, Some(by)) => verified_by = by,
                            _ => problems.push(format!(
                                "{path}.extension[{j}]: expected lastVerified (valueDate) or verifiedBy (valueString)"
                            )),
                        }
                    }
                }
                _ => {}
            }
        }

        let mut hours = Vec::new();
        for (i, h) in loc.hours_of_operation.iter().enumerate() {
            let path = format!("{base}.hoursOfOperation[{i}]");
            let time = |t: &Option<String>, name: &str, all_day: &str| -> Result<String, String> {
                match (h.all_day, t.as_deref()) {
                    (Some(true), _) => Ok(all_day.to_owned()),
                    (_, Some(t)) if t.len() == 8 && t.ends_with(":00") && t.is_ascii() => Ok(t[..5].to_owned()),
                    (_, Some(t)) if t.len() == 5 => Ok(t.to_owned()),
                    (_, other) => Err(format!("{path}.{name}: {other:?} is not a time HH:MM:00")),
                }
            };
            let opens = time(&h.opening_time, "openingTime", "00:00");
            let closes = time(&h.closing_time, "closingTime", "23:59");
            match (opens, closes) {
                (Ok(opens), Ok(closes)) => hours.push(OpeningHours { days: h.days_of_week.clone(), opens, closes }),
                (opens, closes) => problems.extend(opens.err().into_iter().chain(closes.err())),
            }
        }

        let mut rems_certified = false;
        if let Some(org) = self.organization {
            match &org.resource {
                Err(reason) => problems.push(reason.clone()),
                Ok(org) => rems_certified = org.extension.iter().any(is_active_rems),
            }
        }

        let (mut offer_codes, mut payment_codes, mut language_codes) = (Vec::new(), Vec::new(), Vec::new());
        let mut telehealth = false;
        let mut insurance_plans = Vec::new();
        for service in self.services {
            let svc = match &service.resource {
                Ok(svc) => svc,
                Err(reason) => {
                    problems.push(reason.clone());
                    continue;
                }
            };
            let svc_base = format!("entry[{}].resource", service.index);
            offer_codes.extend(codes(&svc.kind, OFFER_SYSTEM, &format!("{svc_base}.type")));
            payment_codes.extend(codes(&svc.characteristic, PAYMENT_SYSTEM, &format!("{svc_base}.characteristic")));
            for (i, concept) in svc.communication.iter().enumerate() {
                for (j, coding) in concept.coding.iter().enumerate() {
                    if matches!(coding.system.as_deref(), None | Some(BCP47_SYSTEM)) {
                        let code = coding.code.as_deref().unwrap_or("");
                        let primary = code.split('-').next().unwrap_or(code);
                        language_codes.push((format!("{svc_base}.communication[{i}].coding[{j}].code"), primary));
                    }
                }
            }
            for (i, ext) in svc.extension.iter().enumerate().filter(|(_, e)| e.url == INSURANCE_PLAN_URL) {
                match ext.value_string.as_deref() {
                    Some(plan) => insurance_plans.push(plan),
                    None => problems.push(format!("{svc_base}.extension[{i}]: an insurance plan needs a valueString")),
                }
            }
            telehealth |= svc.extension.iter().filter(|e| e.url == DELIVERY_METHOD_URL).any(|e| {
                e.extension.iter().filter(|p| p.url == "type").any(|p| {
                    codes(p.value_codeable_concept.as_slice(), DELIVERY_METHOD_SYSTEM, "")
                        .iter()
                        .any(|(_, c)| *c == "virtual")
                })
            });
        }
        let mut each = |list: &[(String, &str)], parse: &dyn Fn(&str) -> Result<(), String>| {
            for (path, code) in list {
                if let Err(m) = parse(code) {
                    problems.push(format!("{path}: {m}"));
                }
            }
        };
        each(&offer_codes, &|c| crate::codes::Offer::parse(c).map(drop));
        each(&payment_codes, &|c| crate::codes::Payment::parse(c).map(drop));
        each(&language_codes, &|c| crate::codes::Language::parse(c).map(drop));
        // Every code is now known to parse, so the sets below lose nothing.
        let offers = fields::parse_offers(offer_codes.iter().map(|(_, c)| *c)).unwrap_or_default();
        let payment = fields::parse_payments(payment_codes.iter().map(|(_, c)| *c)).unwrap_or_default();
        let languages = fields::parse_languages(language_codes.iter().map(|(_, c)| *c)).unwrap_or_default();

        let demo = loc
            .meta
            .iter()
            .flat_map(|m| m.tag.iter())
            .any(|t| t.system.as_deref() == Some(ACT_REASON_SYSTEM) && t.code.as_deref() == Some("HTEST"));

        let raw = RawClinic {
            id,
            name: loc.name.as_deref().unwrap_or(""),
            street: &street,
            city: address.city.as_deref().unwrap_or(""),
            state: address.state.as_deref().unwrap_or(""),
            zip: address.postal_code.as_deref().unwrap_or(""),
            lat: Some(lat),
            lon: Some(lon),
            phone: phone.unwrap_or(""),
            website: website.unwrap_or(""),
            offers,
            payment,
            insurance_plans,
            telehealth,
            languages,
            accepting_new_patients: accepting,
            rems_certified,
            last_verified,
            verified_by,
            hours,
            accessibility,
            description: loc.description.as_deref().unwrap_or(""),
            demo,
        };
        let path = |field: Field| -> String {
            let at = match field {
                Field::Id => return id_path.clone(),
                Field::Name => "name",
                Field::Street => "address.line",
                Field::City => "address.city",
                Field::State => "address.state",
                Field::Zip => "address.postalCode",
                Field::Lat => "position.latitude",
                Field::Lon => "position.longitude",
                Field::Phone => "telecom(phone)",
                Field::Website => "telecom(url)",
                Field::VerifiedBy => "extension(verification).verifiedBy",
                Field::Hours => "hoursOfOperation",
                Field::Accessibility => "extension(accessibility)",
                Field::Description => "description",
                Field::InsurancePlans => "extension(insurance-plan)",
            };
            format!("{base}.{at}")
        };
        match fields::validate(&raw, gazetteer, &path, &mut problems) {
            Some(mut clinic) => {
                if zip_centroid {
                    clinic.position_source = PositionSource::ZipCentroid;
                }
                (clinic_id, Ok(clinic))
            }
            None => (clinic_id, Err(problems)),
        }
    }
}

fn is_active_rems(ext: &Extension) -> bool {
    ext.url == QUALIFICATION_URL
        && ext.extension.iter().any(|p| {
            p.url == "code"
                && codes(p.value_codeable_concept.as_slice(), QUALIFICATION_SYSTEM, "")
                    .iter()
                    .any(|(_, c)| *c == REMS_CODE)
        })
        && ext.extension.iter().any(|p| p.url == "status" && p.value_code.as_deref() == Some("active"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_relative_or_absolute() {
        assert_eq!(reference_id("Location/c-1", "Location"), Some("c-1"));
        assert_eq!(reference_id("https://x.org/fhir/Location/c-1/_history/2", "Location"), Some("c-1"));
        assert_eq!(reference_id("Organization/c-1-org", "Location"), None);
        assert_eq!(reference_id("MyLocation/c-1", "Location"), None);
        assert_eq!(reference_id("Location/", "Location"), None);
    }
}
