//! Inline SVG charts for the clinic's pages: server-rendered, no script and no style attribute (the CSP allows
//! neither), deterministic, and accessible (`role="img"`, a title, and a description that lists every number).

pub mod outcome;

pub use outcome::{OutcomeChart, outcome_svg};
