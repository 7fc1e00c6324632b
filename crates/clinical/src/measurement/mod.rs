//! Outcome measurement between sessions: when to send a self-report PHQ-9 link, the format of the link's token,
//! and the alert a positive item 9 raises.
//!
//! The store generates the token's random bytes, hashes and keeps them, and marks a link used; this module only
//! plans the links, checks a token's format and decides what a returned questionnaire means. Nothing here reads
//! the clock: times come in as parameters.

pub mod alert;
pub mod self_report;
pub mod token;

pub use alert::{Alert, self_report_alert, self_report_alert_with};
pub use self_report::{AnchorKind, LinkAnchor, PlannedLink, SelfReportSettings, SelfReportValues, plan_links};
pub use token::LinkToken;

use crate::rule::Rule;

/// Every rule of the measurement module, in a stable order.
pub fn rules() -> Vec<&'static Rule> {
    vec![&self_report::SCHEDULE_RULE, &self_report::EXPIRY_RULE]
}
