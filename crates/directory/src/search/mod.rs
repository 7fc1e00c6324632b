//! Clinic search: the query and its parser, the in-memory index, and the response document.
//!
//! Contract: DESIGN.md, "Clinic search". Distances are great-circle on a sphere of radius 6371.0088 km;
//! results are sorted by distance, then by id; `total` counts every match within the radius.
//! The index is exact: it returns what a brute-force haversine scan returns, only faster.

mod attrs;
mod counts;
mod distance;
mod ids;
mod index;
mod query;
mod response;
pub mod synthetic;
mod tree;

pub use distance::{EARTH_RADIUS_KM, haversine_km};
pub use index::{ClinicIndex, Hit, SearchResult};
pub use query::{DEFAULT_LIMIT, Filter, MAX_LIMIT, MAX_OFFSET, Origin, ParamError, Query, RadiusKm, SearchParams};
pub use response::{ClinicResult, SearchResponse};
