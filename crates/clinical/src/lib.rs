//! Pure clinical rules for KetaPath: instruments, TRD staging, crisis triage, contraindications, protocols, outcomes,
//! the REMS Patient Monitoring Form and the self-report measurement schedule.
//!
//! Architecture invariant: this crate does no I/O and depends on no database, HTTP or async runtime crate.
//! Time comes in as a parameter (`time::OffsetDateTime` values), never from the clock.
//! Every computed result carries the [`rule::RuleRef`] of the rule that produced it, and every rule cites
//! its source section in `reference/clinical.md` with a confidence tag (see [`rule::Confidence`]).

mod checked_settings;
pub mod dates;
pub mod error;
pub mod instruments;
pub mod measurement;
pub mod outcomes;
pub mod protocols;
pub mod rems;
pub mod rule;
pub mod safety;
pub mod screen;
pub mod screen_sentences;
pub mod sentence;
pub mod trd;

pub use error::InvalidInput;
pub use rule::{Confidence, RULES_VERSION, Rule, RuleRef};
