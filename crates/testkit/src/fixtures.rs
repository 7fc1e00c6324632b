//! The fixtures most store-level tests start from: the store options with a test clock, a listing, a staff account.

use std::sync::Arc;

use ketapath_directory::model::{Address, Position, PositionSource};
use ketapath_directory::{Clinic, ClinicId, Offers, Payments};
use ketapath_store::domain::{Actor, NewPatient, NewStaffUser, Origin, Role};
use ketapath_store::{SteppingClock, Store, StoreOptions};
use time::Date;
use time::macros::datetime;

/// The tests' clock starts after every time they chart (the store refuses charting ahead of its clock) and steps
/// 7 ms per reading, so that events keep their order.
pub fn test_options() -> StoreOptions {
    StoreOptions {
        clock: Arc::new(SteppingClock::new(datetime!(2026-11-28 00:00 UTC), time::Duration::milliseconds(7))),
        ..StoreOptions::default()
    }
}

/// A REMS-certified listing offering nasal esketamine and IV ketamine at (`lat`, `lon`).
pub fn clinic(id: &str, lat: f64, lon: f64) -> Clinic {
    Clinic {
        id: ClinicId::parse(id).expect("valid id"),
        name: format!("Clinic {id}"),
        address: Address {
            street: "1 Main St".to_owned(),
            city: "Springfield".to_owned(),
            state: "IL".to_owned(),
            zip: "62701".to_owned(),
        },
        position: Position::new(lat, lon).expect("valid position"),
        position_source: PositionSource::Record,
        phone: Some("555-0100".to_owned()),
        website: None,
        offers: Offers::parse_list("esketamine_nasal;iv_ketamine", ';').expect("offers"),
        payment: Payments::parse_list("self_pay", ';').expect("payment"),
        insurance_plans: Vec::new(),
        telehealth: false,
        languages: vec![ketapath_directory::Language::parse("en").expect("en")],
        accepting_new_patients: true,
        rems_certified: true,
        last_verified: Some(time::macros::date!(2026 - 10 - 01)),
        verified_by: None,
        hours: vec![],
        accessibility: vec!["handiaccess".to_owned()],
        description: None,
        demo: false,
    }
}

/// Creates a staff account (no password) through the admin handle and returns the actor for it.
pub async fn staff(store: &Store, clinic: Option<&str>, role: Role, email: &str) -> Actor {
    let user = store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: clinic.map(|c| ClinicId::parse(c).expect("clinic id")),
            email: email.to_owned(),
            display_name: email.to_owned(),
            role,
            password_hash: None,
        })
        .await
        .expect("create staff");
    Actor { user_id: user.id, clinic_id: user.clinic_id, role, origin: Origin::test() }
}

/// A patient to register with a name and a birth date and nothing else; tests set the other fields with struct
/// update syntax (`NewPatient { mrn: Some(..), ..patient(..) }`).
pub fn patient(given_name: &str, family_name: &str, birth_date: Date) -> NewPatient {
    NewPatient {
        mrn: None,
        given_name: given_name.to_owned(),
        family_name: family_name.to_owned(),
        birth_date,
        sex: None,
        phone: None,
        email: None,
        research_consent: false,
        rems_patient_id: None,
    }
}
