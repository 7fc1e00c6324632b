//! Pure clinic directory: the clinic model, its codes, geocoding from shipped data, search and import/export.
//!
//! Architecture invariant: no I/O, no database, HTTP or async crate. Files are read by the caller and passed
//! in as bytes or strings; the store persists what this crate parses.

pub mod codes;
pub mod model;
pub mod search;

pub use codes::{Language, Offer, Offers, Payment, Payments};
pub use model::{Clinic, ClinicId};
