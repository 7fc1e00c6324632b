//! Pure research core for KetaPath: research consent, Safe Harbor de-identified exports, registry statistics
//! with small-cell suppression, outcome transparency for the directory, and inline SVG charts.
//!
//! Architecture invariant: like `ketapath-clinical`, this crate does no I/O and depends on no database, HTTP or
//! async runtime crate. The export date and the export key come in as parameters; nothing reads the clock or the
//! environment. The store reads consenting patients into [`model::ResearchPatient`] values; the CLI and the portal
//! write the files that [`deid::Export::files`] returns.

pub mod cohort;
pub mod consent;
pub mod deid;
pub mod error;
pub mod model;
pub mod stats;
pub mod svg;

pub use consent::{Consent, ConsentStatus, eligible};
pub use deid::{
    DateForm, Export, ExportFile, ExportKey, ExportStream, ExportTotals, Format, build_export, patient_order,
};
pub use error::{ExportError, KeyError};
pub use model::{
    AdverseEvent, AdverseEventKind, Assessment, Course, Modality, Observation, ResearchPatient, Session, Sex,
};
pub use stats::input::{RegistryPatient, StatsAssessment, StatsCourse, StatsPatient, StatsSession};
pub use stats::registry::{ClinicOutcomes, Registry, RegistryBuilder, RegistryConfig, clinic_outcomes, registry};
pub use stats::suppress::{Suppressed, Threshold, Visibility};
