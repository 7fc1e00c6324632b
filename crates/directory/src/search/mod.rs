//! Clinic search: the query and its parser, the in-memory index, and the response document.
//!
//! Contract: DESIGN.md, "Clinic search". Distances are great-circle on a sphere of radius 6371.0088 km;
//! results are sorted by distance, then by id; `total` counts every match within the radius.
//! The index is exact: it returns what a brute-force haversine scan returns, only faster.
//!
//! The flow every surface follows (the CLI turns its flags into the same pairs, `--telehealth` into
//! `telehealth=true`):
//! ```
//! use ketapath_directory::search::{ClinicIndex, Origin, SearchParams, SearchResponse, synthetic};
//!
//! let index = ClinicIndex::build(synthetic::clinics(1_000, 1));
//! let pairs = [("near", "40.7,-74.0"), ("offers", "iv_ketamine"), ("radius_km", "100")];
//! let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
//! let params = SearchParams::parse(&pairs)?; // A ParamError names the parameter: HTTP 400, CLI exit 2.
//! let Origin::Near(origin) = params.origin else { return Ok(()) }; // A ZIP goes to the geocoder first.
//! let query = params.query(origin);
//! let result = index.search(&query);
//! let json = serde_json::to_string(&SearchResponse::new(&query, &result))?;
//! assert!(json.starts_with(r#"{"origin":{"lat":40.7,"lon":-74.0},"radius_km":100.0,"total":"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attrs;
mod counts;
mod distance;
mod ids;
mod index;
mod query;
mod response;
pub mod synthetic;
mod tree;

pub use distance::{EARTH_RADIUS_KM, KM_PER_MILE, haversine_km};
pub use index::{ClinicIndex, Hit, SearchResult};
pub use query::{DEFAULT_LIMIT, Filter, MAX_LIMIT, MAX_OFFSET, Origin, ParamError, Query, RadiusKm, SearchParams};
pub use response::{ClinicResult, SearchResponse};
