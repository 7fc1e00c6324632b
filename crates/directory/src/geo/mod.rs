//! Offline geocoding from shipped data: ZIP centroids, place names, USPS state codes and free-form places.
//!
//! Everything here resolves against `data/us_zips.tsv` (GeoNames, CC BY 4.0; see `data/README.md`).
//! An input that cannot be resolved is an error that says so; there is never a silent default location.

mod gazetteer;
mod place;
mod states;

pub use gazetteer::{CityPlace, Gazetteer, GazetteerError, ZipPlace};
pub use place::{Place, PlaceError};
pub use states::{USPS_CODES, is_usps_code};
