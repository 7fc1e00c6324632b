//! De-identification following HIPAA Safe Harbor (45 CFR 164.514(b)(2)): keyed pseudonyms, no calendar dates by
//! default (offsets from each patient's first event and its year) or, on request, per-patient date shifting,
//! grouped ages, three-digit ZIP codes, and output records that have no place for free text.

pub mod bounds;
pub mod export;
pub mod key;
pub mod pseudonym;
pub mod records;
pub mod shift;
pub mod write;
pub mod zip;

pub use export::{Export, ExportFile, ExportStream, ExportTotals, build_export, patient_order};
pub use key::ExportKey;
pub use pseudonym::{Kind, pseudonym};
pub use records::DateForm;
pub use write::Format;
