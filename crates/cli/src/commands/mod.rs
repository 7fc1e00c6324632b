//! One module per command; each parses its arguments, calls a library and renders the result.

pub mod accounts;
pub mod clinics;
pub mod research;
pub mod rules;
pub mod score;
pub mod screen;
pub mod secrets;
pub mod serve;
pub mod store;
