//! Fictional demo listings for `ketapath serve --demo`: clearly marked, deterministic, at real ZIP centroids.
//!
//! Every listing is unmistakably fictional (name "Demo Ketamine Clinic N — City", phone numbers in the
//! 555-0100..555-0199 range reserved for fiction, websites under the reserved `.invalid` domain, `demo: true`),
//! but sits at a real ZIP centroid so that search by ZIP or place behaves as with real data. Randomness is a
//! SplitMix64 generator seeded by the caller, so the same seed always gives the same listings.

use time::Date;

use crate::codes::{Language, Offer, Offers, Payment, Payments};
use crate::geo::Gazetteer;
use crate::model::{Address, Clinic, ClinicId, OpeningHours, PositionSource};

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and good enough to vary demo data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0); the modulo bias is irrelevant for demo data.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Languages besides English that demo clinics may list, roughly the most spoken in the US.
const OTHER_LANGUAGES: [&str; 10] = ["zh", "vi", "tl", "ar", "fr", "ko", "ru", "ht", "pt", "pl"];

/// The last day a demo listing may have been verified: day 330 of 2026 (26 November), so that no demo
/// verification date lies after the day the demo data was written.
const LAST_VERIFIED_DAY: u16 = 330;

/// `count` fictional clinics at real ZIP centroids of `gazetteer`, the same for the same `seed`.
/// Ids are `demo-1` to `demo-{count}`. An empty gazetteer gives no clinics.
pub fn demo_clinics(count: usize, seed: u64, gazetteer: &Gazetteer) -> Vec<Clinic> {
    let places = gazetteer.places();
    if places.is_empty() {
        return Vec::new();
    }
    let mut rng = SplitMix64(seed);
    (1..=count).map(|n| demo_clinic(n, &mut rng, places)).collect()
}

fn demo_clinic(n: usize, rng: &mut SplitMix64, places: &[crate::geo::ZipPlace]) -> Clinic {
    let place = places[rng.below(places.len())];
    let id = format!("demo-{n}");

    let mut offers: Offers = Offer::ALL.iter().copied().filter(|_| rng.chance(30)).collect();
    if offers.is_empty() {
        offers.insert(Offer::ALL[rng.below(Offer::ALL.len())]);
    }
    let mut payment: Payments = Payment::ALL.iter().copied().filter(|_| rng.chance(40)).collect();
    if payment.is_empty() {
        payment.insert(Payment::SelfPay);
    }
    let rems_certified = offers.contains(Offer::EsketamineNasal) && rng.chance(80);

    let mut codes = vec!["en"];
    if rng.chance(35) {
        codes.push("es");
    }
    if rng.chance(15) {
        codes.push(OTHER_LANGUAGES[rng.below(OTHER_LANGUAGES.len())]);
    }
    let languages = codes.into_iter().filter_map(|c| Language::parse(c).ok()).collect();

    let day = 1 + u16::try_from(rng.below(usize::from(LAST_VERIFIED_DAY))).unwrap_or(0);
    let last_verified = Date::from_ordinal_date(2026, day).ok();

    let weekdays = ["mon", "tue", "wed", "thu", "fri"].map(str::to_owned).to_vec();
    let mut hours = vec![OpeningHours { days: weekdays, opens: "08:00".to_owned(), closes: "17:00".to_owned() }];
    if rng.chance(30) {
        hours.push(OpeningHours {
            days: vec!["sat".to_owned()],
            opens: "09:00".to_owned(),
            closes: "13:00".to_owned(),
        });
    }
    let accessibility = if rng.chance(60) { vec!["handiaccess".to_owned()] } else { Vec::new() };

    Clinic {
        id: ClinicId::parse(&id).expect("demo-N is letters, digits and a dash: always a valid id"),
        name: format!("Demo Ketamine Clinic {n} — {}", place.city),
        address: Address {
            street: format!("{} Demo Way", 100 + rng.below(9900)),
            city: place.city.to_owned(),
            state: place.state.to_owned(),
            zip: place.zip.as_str().to_owned(),
        },
        position: place.position,
        position_source: PositionSource::ZipCentroid,
        phone: Some(format!("555-01{:02}", n % 100)),
        website: Some(format!("https://demo.invalid/clinics/{id}")),
        offers,
        payment,
        insurance_plans: Vec::new(),
        telehealth: rng.chance(40),
        languages,
        accepting_new_patients: rng.chance(75),
        rems_certified,
        last_verified,
        verified_by: Some("demo".to_owned()),
        hours,
        accessibility,
        description: Some("Fictional listing for demonstration only: this clinic does not exist.".to_owned()),
        demo: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zip::Zip;

    #[test]
    fn deterministic_fictional_and_at_real_zip_centroids() {
        let g = Gazetteer::shipped();
        let clinics = demo_clinics(300, 42, g);
        assert_eq!(clinics.len(), 300);
        assert_eq!(clinics, demo_clinics(300, 42, g), "same seed, same clinics");
        assert_ne!(clinics, demo_clinics(300, 43, g), "another seed, other clinics");
        assert!(demo_clinics(0, 42, g).is_empty());

        let mut states = std::collections::BTreeSet::new();
        for (i, c) in clinics.iter().enumerate() {
            assert_eq!(c.id.as_str(), format!("demo-{}", i + 1));
            assert!(c.demo);
            let place = g.zip(&Zip::parse(&c.address.zip).unwrap()).expect("a shipped ZIP");
            assert_eq!(c.position, place.position);
            assert_eq!(c.position_source, PositionSource::ZipCentroid);
            assert_eq!((c.address.city.as_str(), c.address.state.as_str()), (place.city, place.state));
            assert_eq!(c.name, format!("Demo Ketamine Clinic {} — {}", i + 1, place.city));
            let phone = c.phone.as_deref().unwrap();
            assert!(phone.len() == 8 && phone.starts_with("555-01"), "{phone}");
            assert!(c.website.as_deref().unwrap().starts_with("https://demo.invalid/"));
            assert!(!c.offers.is_empty() && !c.payment.is_empty());
            assert!(!c.rems_certified || c.offers.contains(Offer::EsketamineNasal), "REMS only with esketamine");
            assert_eq!(c.languages[0].as_str(), "en");
            let verified = c.last_verified.unwrap();
            assert!(verified.year() == 2026 && verified.ordinal() <= LAST_VERIFIED_DAY);
            assert_eq!(c.verified_by.as_deref(), Some("demo"));
            states.insert(c.address.state.clone());
        }
        assert!(states.len() >= 35, "spread across the US: {} states", states.len());
        // The data varies: every boolean takes both values across the set.
        for get in [|c: &Clinic| c.telehealth, |c: &Clinic| c.accepting_new_patients, |c: &Clinic| c.rems_certified] {
            assert!(clinics.iter().any(get) && !clinics.iter().all(get));
        }
        assert!(clinics.iter().any(|c| c.languages.len() > 1));
    }
}
