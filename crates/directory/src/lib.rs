//! Pure clinic directory: the clinic model, its codes, geocoding from shipped data, search and import/export.
//!
//! Architecture invariant: no I/O, no database, HTTP or async crate. Files are read by the caller and passed
//! in as bytes or strings; the store persists what this crate parses.

pub mod codes;
pub mod demo;
pub mod export;
pub mod fhir;
pub mod geo;
pub mod import;
pub mod insurance;
pub mod languages;
pub mod listing;
pub mod model;
pub mod search;
pub mod spreadsheet;
pub mod text;
pub mod zip;

pub use codes::{Language, Offer, Offers, Payment, Payments};
pub use geo::{Gazetteer, Place, ZipPlace};
pub use import::{EntryBatch, EntryReject, ImportBatch, Reject};
pub use model::{Clinic, ClinicId};
pub use zip::Zip;
