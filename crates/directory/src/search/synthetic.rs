//! Deterministic synthetic clinics and query points for benchmarks and the PostGIS comparison.
//!
//! Clinics spread over the continental United States with population-like clustering: 70% around metro
//! centres (real metros plus random towns, with weights falling off by rank), 30% scattered. Attributes are
//! drawn independently, so that `offers=im_ketamine` matches about 10% of clinics and
//! `offers=esketamine_nasal&payment=medicaid&language=es` about 1% (0.30 x 0.20 x 0.17).
//! The same `(count, seed)` always gives the same data, so the criterion bench, the `synth` example (which
//! writes it as contract CSV for PostGIS) and the comparison binary all use one data set.

use crate::codes::{Language, Offer, Offers, Payment, Payments};
use crate::model::{Address, Clinic, ClinicId, Position, PositionSource};

use super::query::{Filter, Query, RadiusKm};

/// The seed of the benchmark data set (clinics and, XORed inside [`query_points`], the query points).
pub const DEFAULT_SEED: u64 = 42;

/// The continental US bounding box (south, north, west, east), in degrees.
pub const US_BOX: (f64, f64, f64, f64) = (25.0, 49.0, -124.5, -67.0);

/// A small deterministic generator (SplitMix64): no dependency, same stream on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// Large metros (latitude, longitude, relative weight), so clusters sit where people live.
const METROS: &[(f64, f64, f64)] = &[
    (40.71, -74.01, 19.0),
    (34.05, -118.24, 13.0),
    (41.88, -87.63, 9.5),
    (32.78, -96.80, 7.6),
    (29.76, -95.37, 7.1),
    (38.91, -77.04, 6.3),
    (39.95, -75.17, 6.2),
    (25.76, -80.19, 6.1),
    (33.75, -84.39, 6.0),
    (42.36, -71.06, 4.9),
    (33.45, -112.07, 4.8),
    (37.77, -122.42, 4.7),
    (34.11, -117.29, 4.6),
    (42.33, -83.05, 4.4),
    (47.61, -122.33, 4.0),
    (44.98, -93.27, 3.7),
    (32.72, -117.16, 3.3),
    (27.95, -82.46, 3.2),
    (39.74, -104.99, 3.0),
    (38.63, -90.20, 2.8),
    (39.29, -76.61, 2.8),
    (35.23, -80.84, 2.7),
    (28.54, -81.38, 2.7),
    (29.42, -98.49, 2.6),
    (45.52, -122.68, 2.5),
    (38.58, -121.49, 2.4),
    (40.44, -80.00, 2.4),
    (36.17, -115.14, 2.3),
    (30.27, -97.74, 2.3),
    (39.10, -84.51, 2.2),
];

/// Random towns added to the metros, with weights falling off as 1/sqrt(rank).
const TOWNS: usize = 470;

#[derive(Debug, Clone, Copy)]
struct Centre {
    lat: f64,
    lon: f64,
    weight: f64,
    spread_km: f64,
}

fn centres(rng: &mut SplitMix64) -> Vec<Centre> {
    let (s, n, w, e) = US_BOX;
    let mut all: Vec<Centre> = METROS
        .iter()
        .map(|&(lat, lon, weight)| Centre { lat, lon, weight, spread_km: 15.0 + 8.0 * weight.sqrt() })
        .collect();
    for rank in 1..=TOWNS {
        let weight = 2.0 / (rank as f64).sqrt();
        let (lat, lon) = (s + (n - s) * rng.unit(), w + (e - w) * rng.unit());
        all.push(Centre { lat, lon, weight, spread_km: 8.0 + 10.0 * rng.unit() });
    }
    all
}

/// Draws a position: around a weighted centre with probability 0.7, else uniform in [`US_BOX`].
fn draw_position(rng: &mut SplitMix64, centres: &[Centre], cumulative: &[f64]) -> Position {
    let (s, n, w, e) = US_BOX;
    let (lat, lon) = if rng.chance(0.7) {
        let total = cumulative.last().copied().unwrap_or(1.0);
        let pick = rng.unit() * total;
        let i = cumulative.partition_point(|&c| c <= pick).min(centres.len() - 1);
        let c = centres[i];
        let dlat = rng.normal() * c.spread_km / 111.2;
        let dlon = rng.normal() * c.spread_km / (111.2 * c.lat.to_radians().cos());
        (c.lat + dlat, c.lon + dlon)
    } else {
        (s + (n - s) * rng.unit(), w + (e - w) * rng.unit())
    };
    Position { lat: lat.clamp(-90.0, 90.0), lon: lon.clamp(-180.0, 180.0) }
}

const OFFER_P: &[(Offer, f64)] = &[
    (Offer::EsketamineNasal, 0.30),
    (Offer::IvKetamine, 0.50),
    (Offer::ImKetamine, 0.10),
    (Offer::OralKetamine, 0.15),
    (Offer::KetamineAssistedPsychotherapy, 0.20),
    (Offer::Tms, 0.25),
    (Offer::Ect, 0.05),
];

const PAYMENT_P: &[(Payment, f64)] = &[
    (Payment::PrivateInsurance, 0.60),
    (Payment::Medicare, 0.30),
    (Payment::Medicaid, 0.20),
    (Payment::SelfPay, 0.80),
    (Payment::SlidingScale, 0.15),
    (Payment::Military, 0.10),
];

const LANGUAGE_P: &[(&str, f64)] = &[
    ("en", 0.97),
    ("es", 0.17),
    ("zh", 0.03),
    ("vi", 0.02),
    ("tl", 0.015),
    ("ru", 0.015),
    ("ko", 0.01),
    ("ar", 0.01),
    ("fr", 0.01),
    ("hi", 0.01),
    ("pt", 0.008),
    ("de", 0.005),
    ("ht", 0.005),
    ("pl", 0.004),
    ("ja", 0.003),
];

/// `count` synthetic clinics with ids `syn-0000000`, `syn-0000001`, ... (zero-padded to 7 digits).
pub fn clinics(count: usize, seed: u64) -> Vec<Clinic> {
    let mut rng = SplitMix64::new(seed);
    let centres = centres(&mut rng);
    let cumulative: Vec<f64> = centres
        .iter()
        .scan(0.0, |acc, c| {
            *acc += c.weight;
            Some(*acc)
        })
        .collect();
    let languages: Vec<(Language, f64)> =
        LANGUAGE_P.iter().filter_map(|&(code, p)| Language::parse(code).ok().map(|l| (l, p))).collect();
    (0..count)
        .filter_map(|i| {
            // `syn-NNNNNNN` is always a valid id, so nothing is filtered out.
            let id = ClinicId::parse(&format!("syn-{i:07}")).ok()?;
            let position = draw_position(&mut rng, &centres, &cumulative);
            let offers: Offers = OFFER_P.iter().filter(|&&(_, p)| rng.chance(p)).map(|&(o, _)| o).collect();
            let payment: Payments = PAYMENT_P.iter().filter(|&&(_, p)| rng.chance(p)).map(|&(o, _)| o).collect();
            let spoken: Vec<Language> = languages.iter().filter(|&&(_, p)| rng.chance(p)).map(|&(l, _)| l).collect();
            let telehealth = rng.chance(0.4);
            let accepting = rng.chance(0.8);
            Some(Clinic {
                id,
                name: format!("Synthetic Clinic {i}"),
                address: Address {
                    street: format!("{} Main St", 1 + i % 9999),
                    city: format!("Town {}", i % 997),
                    // A real USPS code, so that synthetic listings import like real ones (addresses are fictional).
                    state: crate::geo::USPS_CODES[i % 51].to_owned(),
                    zip: format!("{:05}", i % 100_000),
                },
                position,
                position_source: PositionSource::Record,
                phone: None,
                website: None,
                rems_certified: offers.contains(Offer::EsketamineNasal),
                offers,
                payment,
                insurance_plans: Vec::new(),
                telehealth,
                languages: spoken,
                accepting_new_patients: accepting,
                last_verified: None,
                verified_by: None,
                hours: Vec::new(),
                accessibility: Vec::new(),
                description: None,
                demo: false,
            })
        })
        .collect()
}

/// `count` query points uniform over [`US_BOX`] ("random US points"), from their own stream.
pub fn query_points(count: usize, seed: u64) -> Vec<Position> {
    let mut rng = SplitMix64::new(seed ^ 0x5151_5151_5151_5151);
    let (s, n, w, e) = US_BOX;
    (0..count).map(|_| Position { lat: s + (n - s) * rng.unit(), lon: w + (e - w) * rng.unit() }).collect()
}

/// A benchmark query shape. The PostGIS comparison (`scripts/bench/postgis_compare.sh`) writes the same
/// filters in SQL under the same names.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub name: &'static str,
    pub what: &'static str,
    pub filter: Filter,
    pub radius_km: Option<f64>,
    /// `usize::MAX` means every clinic within the radius.
    pub limit: usize,
}

impl Scenario {
    pub fn query(&self, origin: Position) -> Query {
        Query {
            origin,
            radius: self.radius_km.and_then(|km| RadiusKm::new(km).ok()),
            limit: self.limit,
            offset: 0,
            filter: self.filter,
        }
    }
}

/// The ~10% filter: `offers=im_ketamine`.
pub fn filter_10_percent() -> Filter {
    Filter { offers: [Offer::ImKetamine].into_iter().collect(), ..Filter::default() }
}

/// The ~1% combination: `offers=esketamine_nasal&payment=medicaid&language=es`.
pub fn filter_1_percent() -> Filter {
    Filter {
        offers: [Offer::EsketamineNasal].into_iter().collect(),
        payment: [Payment::Medicaid].into_iter().collect(),
        language: Language::parse("es").ok(),
        ..Filter::default()
    }
}

/// The benchmark scenarios, in report order.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "nearest10",
            what: "nearest 10, no filter",
            filter: Filter::default(),
            radius_km: None,
            limit: 10,
        },
        Scenario {
            name: "nearest10_f10",
            what: "nearest 10, 10% filter (offers=im_ketamine)",
            filter: filter_10_percent(),
            radius_km: None,
            limit: 10,
        },
        Scenario {
            name: "nearest10_f1",
            what: "nearest 10, 1% combination (esketamine_nasal+medicaid+es)",
            filter: filter_1_percent(),
            radius_km: None,
            limit: 10,
        },
        Scenario {
            name: "within50_all",
            what: "all within 50 km, sorted",
            filter: Filter::default(),
            radius_km: Some(50.0),
            limit: usize::MAX,
        },
    ]
}
