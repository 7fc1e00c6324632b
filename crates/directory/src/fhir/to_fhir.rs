//! Clinic to FHIR: the three resources of a listing, export bundles, and the search distance extension.

use super::types::*;
use super::*;
use crate::import::fields::format_date;
use crate::model::{Clinic, PositionSource};

fn coding(system: &str, code: &str) -> Coding {
    Coding { system: Some(system.to_owned()), code: Some(code.to_owned()), display: None }
}

fn concept(system: &str, code: &str) -> CodeableConcept {
    CodeableConcept { coding: vec![coding(system, code)], text: None }
}

fn reference(kind: &str, id: String) -> Reference {
    Reference { reference: Some(format!("{kind}/{id}")), display: None }
}

fn meta(clinic: &Clinic) -> Option<Meta> {
    clinic.demo.then(|| Meta {
        last_updated: None,
        tag: vec![Coding { display: Some("test health data".to_owned()), ..coding(ACT_REASON_SYSTEM, "HTEST") }],
    })
}

fn telecom(clinic: &Clinic) -> Vec<ContactPoint> {
    let phone = clinic.phone.iter().map(|p| ContactPoint { system: Some("phone".to_owned()), value: Some(p.clone()) });
    let url = clinic.website.iter().map(|w| ContactPoint { system: Some("url".to_owned()), value: Some(w.clone()) });
    phone.chain(url).collect()
}

fn address(clinic: &Clinic) -> Address {
    let a = &clinic.address;
    Address {
        line: if a.street.is_empty() { Vec::new() } else { vec![a.street.clone()] },
        city: Some(a.city.clone()),
        state: Some(a.state.clone()),
        postal_code: Some(a.zip.clone()),
        country: Some("US".to_owned()),
    }
}

/// The Organization, Location and HealthcareService of a clinic (see the module documentation for the mapping).
pub fn clinic_to_resources(clinic: &Clinic) -> (Organization, Location, HealthcareService) {
    (organization(clinic), location(clinic), service(clinic))
}

fn organization(clinic: &Clinic) -> Organization {
    let mut extension = Vec::new();
    if clinic.rems_certified {
        extension.push(Extension {
            url: QUALIFICATION_URL.to_owned(),
            extension: vec![
                Extension {
                    url: "code".to_owned(),
                    value_codeable_concept: Some(CodeableConcept {
                        coding: vec![Coding {
                            display: Some("SPRAVATO REMS certified healthcare setting".to_owned()),
                            ..coding(QUALIFICATION_SYSTEM, REMS_CODE)
                        }],
                        text: None,
                    }),
                    ..Extension::default()
                },
                Extension { url: "status".to_owned(), value_code: Some("active".to_owned()), ..Extension::default() },
            ],
            ..Extension::default()
        });
    }
    Organization {
        resource_type: "Organization".to_owned(),
        id: Some(organization_id(&clinic.id)),
        meta: meta(clinic),
        extension,
        active: Some(true),
        kind: vec![concept(ORG_TYPE_SYSTEM, "prvgrp")],
        name: Some(clinic.name.clone()),
        telecom: telecom(clinic),
        address: vec![address(clinic)],
    }
}

fn location(clinic: &Clinic) -> Location {
    let accepting = if clinic.accepting_new_patients { "newpt" } else { "nopt" };
    let mut extension = vec![Extension {
        url: NEW_PATIENTS_URL.to_owned(),
        extension: vec![Extension {
            url: "acceptingPatients".to_owned(),
            value_codeable_concept: Some(concept(ACCEPTING_PATIENTS_SYSTEM, accepting)),
            ..Extension::default()
        }],
        ..Extension::default()
    }];
    extension.extend(clinic.accessibility.iter().map(|code| Extension {
        url: ACCESSIBILITY_URL.to_owned(),
        value_codeable_concept: Some(concept(ACCESSIBILITY_SYSTEM, code)),
        ..Extension::default()
    }));
    let mut verification = Vec::new();
    if let Some(date) = clinic.last_verified {
        verification.push(Extension {
            url: "lastVerified".to_owned(),
            value_date: Some(format_date(date)),
            ..Extension::default()
        });
    }
    if let Some(by) = &clinic.verified_by {
        verification.push(Extension {
            url: "verifiedBy".to_owned(),
            value_string: Some(by.clone()),
            ..Extension::default()
        });
    }
    if !verification.is_empty() {
        extension.push(Extension { url: VERIFICATION_URL.to_owned(), extension: verification, ..Extension::default() });
    }
    let position_extension = match clinic.position_source {
        PositionSource::Record => Vec::new(),
        PositionSource::ZipCentroid => vec![Extension {
            url: POSITION_SOURCE_URL.to_owned(),
            value_code: Some("zip_centroid".to_owned()),
            ..Extension::default()
        }],
    };
    Location {
        resource_type: "Location".to_owned(),
        id: Some(location_id(&clinic.id)),
        meta: meta(clinic),
        extension,
        identifier: vec![Identifier {
            system: Some(CLINIC_ID_SYSTEM.to_owned()),
            value: Some(clinic.id.as_str().to_owned()),
        }],
        status: Some("active".to_owned()),
        name: Some(clinic.name.clone()),
        description: clinic.description.clone(),
        telecom: telecom(clinic),
        address: Some(address(clinic)),
        position: Some(LocationPosition {
            extension: position_extension,
            longitude: clinic.position.lon,
            latitude: clinic.position.lat,
        }),
        managing_organization: Some(reference("Organization", organization_id(&clinic.id))),
        hours_of_operation: clinic
            .hours
            .iter()
            .map(|h| HoursOfOperation {
                days_of_week: h.days.clone(),
                all_day: None,
                opening_time: Some(format!("{}:00", h.opens)),
                closing_time: Some(format!("{}:00", h.closes)),
            })
            .collect(),
    }
}

fn service(clinic: &Clinic) -> HealthcareService {
    let delivery = |method: &str| Extension {
        url: DELIVERY_METHOD_URL.to_owned(),
        extension: vec![Extension {
            url: "type".to_owned(),
            value_codeable_concept: Some(concept(DELIVERY_METHOD_SYSTEM, method)),
            ..Extension::default()
        }],
        ..Extension::default()
    };
    let mut extension = vec![delivery("physical")];
    if clinic.telehealth {
        extension.push(delivery("virtual"));
    }
    extension.extend(clinic.insurance_plans.iter().map(|plan| Extension {
        url: INSURANCE_PLAN_URL.to_owned(),
        value_string: Some(plan.clone()),
        ..Extension::default()
    }));
    HealthcareService {
        resource_type: "HealthcareService".to_owned(),
        id: Some(service_id(&clinic.id)),
        meta: meta(clinic),
        extension,
        active: Some(true),
        provided_by: Some(reference("Organization", organization_id(&clinic.id))),
        category: vec![concept(SERVICE_CATEGORY_SYSTEM, "behav")],
        kind: clinic.offers.iter().map(|o| concept(OFFER_SYSTEM, o.code())).collect(),
        location: vec![reference("Location", location_id(&clinic.id))],
        name: Some(clinic.name.clone()),
        communication: clinic.languages.iter().map(|l| concept(BCP47_SYSTEM, l.as_str())).collect(),
        characteristic: clinic.payment.iter().map(|p| concept(PAYMENT_SYSTEM, p.code())).collect(),
    }
}

/// A `collection` bundle with the three resources of every clinic, in the clinics' order
/// (Organization, Location, HealthcareService for each). `fullUrl` is left to the caller, who knows the base URL.
pub fn export_bundle(clinics: &[Clinic]) -> Bundle {
    let entry = clinics
        .iter()
        .flat_map(|clinic| {
            let (org, loc, svc) = clinic_to_resources(clinic);
            [Resource::Organization(org), Resource::Location(loc), Resource::HealthcareService(svc)]
        })
        .map(|resource| BundleEntry { full_url: None, resource, search: None })
        .collect();
    Bundle { resource_type: "Bundle".to_owned(), kind: "collection".to_owned(), total: None, entry }
}

/// The FHIR `location-distance` extension for a search result entry (`Bundle.entry.search.extension`):
/// the distance from the `near` point in kilometres, UCUM code `km`.
pub fn location_distance(distance_km: f64) -> Extension {
    Extension {
        url: LOCATION_DISTANCE_URL.to_owned(),
        value_distance: Some(Quantity {
            value: Some(distance_km),
            unit: Some("km".to_owned()),
            system: Some(UCUM_SYSTEM.to_owned()),
            code: Some("km".to_owned()),
        }),
        ..Extension::default()
    }
}

/// A `searchset` bundle of Locations for a `Location?near=` search: one `match` entry per result, in the order
/// given (nearest first), each with its distance; `total` counts every match, not only this page.
pub fn search_bundle(results: &[(&Clinic, f64)], total: u64) -> Bundle {
    let entry = results
        .iter()
        .map(|(clinic, distance_km)| BundleEntry {
            full_url: None,
            resource: Resource::Location(location(clinic)),
            search: Some(BundleEntrySearch {
                extension: vec![location_distance(*distance_km)],
                mode: Some("match".to_owned()),
            }),
        })
        .collect();
    Bundle { resource_type: "Bundle".to_owned(), kind: "searchset".to_owned(), total: Some(total), entry }
}
