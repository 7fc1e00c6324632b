//! The self-report schedule: PHQ-9 links anchored to sessions, by default 24 hours after each dose and then weekly
//! until the next dose or the horizon, each expiring after 72 hours or when the next link falls due.
//!
//! The timings are clinic settings: no source in the reference gives them (see the rules below).

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::checked_settings::checked_settings;
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static SCHEDULE_RULE: Rule = Rule {
    id: "measurement.self_report.schedule",
    version: 1,
    summary: "Self-report PHQ-9 links are planned 24 hours after each dose and then every 7 days until the next dose \
              or the horizon; of two links closer than 48 hours, the one anchored to a dose is kept. No source gives \
              the 24-hour anchor, and the PHQ-9 asks about the last 2 weeks, so a link a day after a dose shows the \
              early change only roughly: every timing is a clinic setting",
    source: "directory-and-interop.md §d.4 (MoodMonitor: the clock resets after each treatment, rules such as every \
             7 days [S50]); clinical.md §2.1 (2-week recall); 24-hour anchor and gap [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static EXPIRY_RULE: Rule = Rule {
    id: "measurement.self_report.expiry",
    version: 1,
    summary: "A self-report link can be used once and expires 72 hours after it falls due, or when the next planned \
              link falls due if that is sooner, so that no two links of a plan are open at once",
    source: "directory-and-interop.md §d.4 (Osmind: reminders for 3 days after a scheduled survey [S2]); expiry [U]",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// The most links one plan holds; a longer horizon is planned again later, as doses are given.
pub const MAX_PLANNED_LINKS: usize = 1000;

/// The schedule settings as a clinic stores and edits them; missing keys take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelfReportValues {
    /// Hours after each dose that the first link falls due.
    pub first_after_hours: u32,
    /// Days between the repeated links after it; `None` sends only the link after each dose.
    pub repeat_every_days: Option<u32>,
    /// Links closer together than this are merged into one.
    pub min_gap_hours: u32,
    /// Hours after it falls due that a link expires.
    pub expires_after_hours: u32,
}

impl Default for SelfReportValues {
    fn default() -> Self {
        Self { first_after_hours: 24, repeat_every_days: Some(7), min_gap_hours: 48, expires_after_hours: 72 }
    }
}

checked_settings!(
    /// Checked schedule settings.
    #[derive(Copy, Eq)]
    SelfReportSettings(SelfReportValues),
    "self_report",
    check
);

/// Two weeks: the PHQ-9's recall period, and the longest any timing may be.
const MAX_HOURS: u32 = 14 * 24;

fn in_range(field: &str, value: u32, min: u32, max: u32) -> Result<(), InvalidInput> {
    if value < min || value > max {
        return Err(InvalidInput::new(field, format!("must be from {min} to {max}; got {value}")));
    }
    Ok(())
}

/// Every timing within its range: what makes [`SelfReportValues`] a [`SelfReportSettings`].
fn check(v: &SelfReportValues) -> Result<(), InvalidInput> {
    in_range("first_after_hours", v.first_after_hours, 1, MAX_HOURS)?;
    if let Some(days) = v.repeat_every_days {
        in_range("repeat_every_days", days, 1, MAX_HOURS / 24)?;
    }
    in_range("min_gap_hours", v.min_gap_hours, 0, MAX_HOURS)?;
    in_range("expires_after_hours", v.expires_after_hours, 1, MAX_HOURS)
}

/// What a link is anchored to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnchorKind {
    /// The link `first_after_hours` after the dose.
    AfterDose,
    /// The `number`th repeated link after the dose (1 for the first repeat).
    Repeat { number: u32 },
}

/// The dose a link follows and its place after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkAnchor {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub dose_at: OffsetDateTime,
    #[serde(flatten)]
    pub kind: AnchorKind,
}

/// A self-report link to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLink {
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub anchor: LinkAnchor,
    /// The rules that planned it, as `id@version`.
    pub rules: Vec<String>,
}

fn hours(h: u32) -> Duration {
    Duration::hours(i64::from(h))
}

/// Plans the links for the given doses (in any order; repeats are ignored) up to `horizon`, inclusive.
///
/// Each dose gets a link `first_after_hours` after it and repeats every `repeat_every_days`, all strictly before
/// the next dose, because the next dose starts its own links. Of two links closer than `min_gap_hours`, the one
/// anchored to a dose is kept (it measures the dose's early effect), otherwise the earlier. A plan stops at
/// [`MAX_PLANNED_LINKS`] links.
pub fn plan_links(doses: &[OffsetDateTime], horizon: OffsetDateTime, config: &SelfReportSettings) -> Vec<PlannedLink> {
    let v = config.values();
    let mut doses = doses.to_vec();
    doses.sort();
    doses.dedup();

    let mut candidates: Vec<(OffsetDateTime, LinkAnchor)> = Vec::new();
    for (index, &dose_at) in doses.iter().enumerate() {
        let next_dose = doses.get(index + 1).copied();
        let before_next = |t: OffsetDateTime| next_dose.is_none_or(|next| t < next) && t <= horizon;
        let Some(first) = dose_at.checked_add(hours(v.first_after_hours)).filter(|t| before_next(*t)) else {
            continue;
        };
        candidates.push((first, LinkAnchor { dose_at, kind: AnchorKind::AfterDose }));
        let Some(every_days) = v.repeat_every_days else { continue };
        let mut number: u32 = 1;
        while candidates.len() < MAX_PLANNED_LINKS {
            let offset = Duration::days(i64::from(every_days) * i64::from(number));
            let Some(due) = first.checked_add(offset).filter(|t| before_next(*t)) else { break };
            candidates.push((due, LinkAnchor { dose_at, kind: AnchorKind::Repeat { number } }));
            number = number.saturating_add(1);
        }
        if candidates.len() >= MAX_PLANNED_LINKS {
            break;
        }
    }

    let kept = merge_close(candidates, hours(v.min_gap_hours));
    let rules = vec![SCHEDULE_RULE.reference().to_string(), EXPIRY_RULE.reference().to_string()];
    let mut links = Vec::with_capacity(kept.len());
    for (index, &(due_at, anchor)) in kept.iter().enumerate() {
        let expiry = due_at.checked_add(hours(v.expires_after_hours)).unwrap_or(due_at);
        let expires_at = match kept.get(index + 1) {
            Some(&(next_due, _)) => expiry.min(next_due),
            None => expiry,
        };
        links.push(PlannedLink { due_at, expires_at, anchor, rules: rules.clone() });
    }
    links
}

/// Merges links closer than `gap`, keeping a dose-anchored link over a repeat, else the earlier link.
/// `candidates` are in time order, as [`plan_links`] builds them.
fn merge_close(candidates: Vec<(OffsetDateTime, LinkAnchor)>, gap: Duration) -> Vec<(OffsetDateTime, LinkAnchor)> {
    let mut kept: Vec<(OffsetDateTime, LinkAnchor)> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        match kept.last_mut() {
            Some(last) if candidate.0 - last.0 < gap => {
                // Replacing the last kept link by a later one keeps the earlier kept links at least `gap` apart.
                let last_is_repeat = matches!(last.1.kind, AnchorKind::Repeat { .. });
                if last_is_repeat && candidate.1.kind == AnchorKind::AfterDose {
                    *last = candidate;
                }
            }
            _ => kept.push(candidate),
        }
    }
    kept
}
