//! FHIR R4 mapping of clinic listings, shaped after Da Vinci Plan-Net (`directory-and-interop.md` §d.2).
//!
//! A clinic becomes three resources with ids derived from its id ([`location_id`] and friends):
//! - `Location/{id}`: name, address, `position`, telecom (phone, url), `hoursOfOperation`, `description`,
//!   `managingOrganization`; Plan-Net `newpatients` (acceptingPatients `newpt`/`nopt`) and `accessibility`
//!   extensions; the KetaPath `verification` extension (below); the clinic id as an identifier.
//! - `Organization/{id}-org`: name, type `prvgrp`, address, telecom; SPRAVATO REMS certification as a
//!   Plan-Net `qualification` extension (code [`QUALIFICATION_SYSTEM`]`#spravato-rems`, status `active`).
//! - `HealthcareService/{id}-svc`: category Plan-Net `behav`; one `type` per offer in [`OFFER_SYSTEM`];
//!   `location`, `providedBy`; `communication` languages as BCP 47 codes; Plan-Net `delivery-method`
//!   (`physical`, plus `virtual` for telehealth).
//!
//! Choices where Plan-Net has no element (documented here, and the only KetaPath-specific parts):
//! - Payment accepted: `HealthcareService.characteristic`, codes of [`PAYMENT_SYSTEM`]. R4 `program` means a
//!   government or charity programme, which most payment ways (self pay, private insurance) are not.
//! - Named insurance plans ("Aetna", "Medicaid (Ohio)"): one [`INSURANCE_PLAN_URL`] extension per plan on the
//!   HealthcareService, `valueString` the plan's name as the clinic gives it. Plan-Net models a plan as an
//!   InsurancePlan resource reached through networks, which a listing's free-text plan names cannot fill;
//!   `coverageArea` is where a service is offered, and `characteristic` already holds the payment codes.
//! - `last_verified` and `verified_by`: the [`VERIFICATION_URL`] extension on the Location with `lastVerified`
//!   (valueDate) and `verifiedBy` (valueString) parts. `meta.lastUpdated` is when the resource last changed,
//!   which is not when a person last checked the listing; NDH `VerificationResult` is a resource of its own and
//!   more than a directory export needs.
//! - A position taken from the ZIP centroid carries the [`POSITION_SOURCE_URL`] extension (`zip_centroid`) on
//!   `Location.position`, so a reader can tell an approximate position from a recorded one.
//! - Demo listings carry the `meta.tag` `HTEST` (v3-ActReason "test health data") on all three resources.
//!
//! The resources follow Plan-Net's structure but do not claim its profiles in `meta.profile`: KetaPath does not
//! fill every element those profiles require (for example `Organization.address.geolocation`).

mod from_fhir;
mod to_fhir;
pub mod types;

pub use from_fhir::{BundleError, import_bundle};
pub use to_fhir::{clinic_to_resources, export_bundle, location_distance, search_bundle};
pub use types::{Bundle, HealthcareService, Location, Organization, Resource};

use crate::model::ClinicId;

pub const NEW_PATIENTS_URL: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients";
pub const ACCESSIBILITY_URL: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/accessibility";
pub const DELIVERY_METHOD_URL: &str =
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/delivery-method";
pub const QUALIFICATION_URL: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/qualification";
pub const ACCEPTING_PATIENTS_SYSTEM: &str =
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AcceptingPatientsCS";
pub const ACCESSIBILITY_SYSTEM: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AccessibilityCS";
pub const DELIVERY_METHOD_SYSTEM: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/DeliveryMethodCS";
pub const SERVICE_CATEGORY_SYSTEM: &str =
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/HealthcareServiceCategoryCS";
pub const ORG_TYPE_SYSTEM: &str = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/OrgTypeCS";
/// The standard extension for a search result's distance from the `near` point.
pub const LOCATION_DISTANCE_URL: &str = "http://hl7.org/fhir/StructureDefinition/location-distance";
pub const UCUM_SYSTEM: &str = "http://unitsofmeasure.org";
pub const BCP47_SYSTEM: &str = "urn:ietf:bcp:47";
pub const ACT_REASON_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

/// KetaPath code system for the treatments offered (the contract's offer codes, such as `iv_ketamine`).
pub const OFFER_SYSTEM: &str = "https://ketapath.org/fhir/CodeSystem/offer";
/// KetaPath code system for the payment accepted (the contract's payment codes, such as `self_pay`).
pub const PAYMENT_SYSTEM: &str = "https://ketapath.org/fhir/CodeSystem/payment";
/// KetaPath code system for qualifications; `spravato-rems` is a SPRAVATO REMS certified healthcare setting.
pub const QUALIFICATION_SYSTEM: &str = "https://ketapath.org/fhir/CodeSystem/qualification";
pub const REMS_CODE: &str = "spravato-rems";
/// KetaPath identifier system for a clinic's id as given in its record.
pub const CLINIC_ID_SYSTEM: &str = "https://ketapath.org/fhir/sid/clinic-id";
/// KetaPath extension: when and by whom a listing was last verified.
pub const VERIFICATION_URL: &str = "https://ketapath.org/fhir/StructureDefinition/verification";
/// KetaPath extension on `HealthcareService`: one named insurance plan accepted (`valueString`).
pub const INSURANCE_PLAN_URL: &str = "https://ketapath.org/fhir/StructureDefinition/insurance-plan";
/// KetaPath extension on `Location.position`: `zip_centroid` when the position is the ZIP's centroid.
pub const POSITION_SOURCE_URL: &str = "https://ketapath.org/fhir/StructureDefinition/position-source";

/// The id of a clinic's Location. FHIR ids are at most 64 characters of letters, digits, `-` and `.`; a clinic id
/// that is such an id (and leaves room for the `-org`/`-svc` suffixes) is used as it is, any other (one with `_`,
/// or longer than 60 characters) becomes `k` and a 64-bit FNV-1a hash in hex, stable across runs.
pub fn location_id(id: &ClinicId) -> String {
    let raw = id.as_str();
    if raw.len() <= 60 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
        raw.to_owned()
    } else {
        let hash =
            raw.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        format!("k{hash:016x}")
    }
}

/// The id of a clinic's Organization: `{location id}-org`.
pub fn organization_id(id: &ClinicId) -> String {
    format!("{}-org", location_id(id))
}

/// The id of a clinic's HealthcareService: `{location id}-svc`.
pub fn service_id(id: &ClinicId) -> String {
    format!("{}-svc", location_id(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_are_valid_fhir_ids() {
        let plain = ClinicId::parse("c-1.a").unwrap();
        assert_eq!(location_id(&plain), "c-1.a");
        assert_eq!(organization_id(&plain), "c-1.a-org");
        assert_eq!(service_id(&plain), "c-1.a-svc");
        let underscore = ClinicId::parse("c_1").unwrap();
        let long = ClinicId::parse(&"a".repeat(64)).unwrap();
        for id in [&underscore, &long] {
            let lid = location_id(id);
            assert_eq!(lid.len(), 17);
            assert!(lid.bytes().all(|b| b.is_ascii_alphanumeric()));
            assert_eq!(lid, location_id(id), "stable");
        }
        assert_ne!(location_id(&underscore), location_id(&ClinicId::parse("c_2").unwrap()));
    }
}
