//! Crisis triage from PHQ-9 item 9 and a direct question, and the crisis resources shown with every result.
//!
//! Sources: `clinical.md` §2.1 (item 9: any answer above "not at all" needs follow-up; a zero is not "safe"),
//! §5.1-5.3 (988, Crisis Text Line, 911) and §5.5 (routing, a design proposal that a clinician must approve).
//! Levels: item 9 >= 1 is at least `urgent`; `acting_on_thoughts` makes it `emergency`, with or without item 9,
//! because someone who says they may act on thoughts of self-harm needs immediate help whatever they scored.

use serde::Serialize;
use time::Date;
use time::macros::date;

use crate::rule::{Confidence, Rule, RuleRef};

pub static TRIAGE_RULE: Rule = Rule {
    id: "crisis.triage",
    version: 2,
    summary: "PHQ-9 item 9 >= 1 makes the crisis level at least urgent; acting on thoughts of self-harm makes it emergency; \
              a zero on item 9 is never presented as the absence of risk; the words say what the person can do and \
              never promise a clinician's call",
    source: "clinical.md §2.1 (item 9 handling), §5.5 (routing design proposal)",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static RESOURCES_RULE: Rule = Rule {
    id: "crisis.resources",
    version: 1,
    summary: "Crisis resources shown with every result: 988 Suicide & Crisis Lifeline, Crisis Text Line, 911",
    source: "clinical.md §5.1 (988; Press 3 ended 17 July 2025), §5.2 (911), §5.3 (Crisis Text Line)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// When the resource texts were last checked against `clinical.md` §5.
pub const LAST_REVIEWED: Date = date!(2026 - 11 - 27);

/// How soon someone should get help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CrisisLevel {
    None,
    Urgent,
    Emergency,
}

/// A crisis service and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrisisResource {
    pub name: &'static str,
    /// The one line to act on ("Call or text 988").
    pub contact: &'static str,
    /// Other ways in and menu options.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub options: &'static [&'static str],
    pub available: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'static str>,
    pub source: &'static str,
    #[serde(serialize_with = "crate::dates::serialize_iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_reviewed: Date,
}

/// The 988 Suicide & Crisis Lifeline (§5.1). The retired Press 3 option is deliberately absent.
pub static LIFELINE_988: CrisisResource = CrisisResource {
    name: "988 Suicide & Crisis Lifeline",
    contact: "Call or text 988",
    options: &[
        "Chat at 988lifeline.org",
        "Veterans: call 988 and press 1, or text 838255",
        "Spanish: call 988 and press 2",
        "ASL: use ASL Now on 988lifeline.org",
    ],
    available: "24/7, free and confidential",
    url: Some("https://988lifeline.org"),
    source: "clinical.md §5.1",
    last_reviewed: LAST_REVIEWED,
};

/// Crisis Text Line (§5.3).
pub static CRISIS_TEXT_LINE: CrisisResource = CrisisResource {
    name: "Crisis Text Line",
    contact: "Text HOME to 741741",
    options: &["Canada: text 686868", "UK: text 85258"],
    available: "24/7, free",
    url: None,
    source: "clinical.md §5.3",
    last_reviewed: LAST_REVIEWED,
};

/// Emergency services (§5.2).
pub static EMERGENCY_911: CrisisResource = CrisisResource {
    name: "Emergency services (911)",
    contact: "Call 911 or go to the nearest emergency department if you are in immediate danger",
    options: &[],
    available: "24/7",
    url: None,
    source: "clinical.md §5.2",
    last_reviewed: LAST_REVIEWED,
};

/// The result of triage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Crisis {
    // Inline, so that the document lists the levels where a reader of the crisis block looks.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub level: CrisisLevel,
    /// What to do now, in plain words.
    pub message: String,
    /// Always present: 988 first, then the Crisis Text Line, then 911; 911 first at `emergency`.
    pub resources: Vec<CrisisResource>,
    pub rules: Vec<RuleRef>,
}

/// Triage from PHQ-9 item 9 (0-3) and whether the person says they might act on thoughts of self-harm.
///
/// The words say what the person can do now. They never promise that a clinician will call: the anonymous
/// self-check notifies nobody, and the surfaces that do notify a clinic (self-report links) say so themselves.
pub fn triage(item9: u8, acting_on_thoughts: bool) -> Crisis {
    let level = if acting_on_thoughts {
        CrisisLevel::Emergency
    } else if item9 >= 1 {
        CrisisLevel::Urgent
    } else {
        CrisisLevel::None
    };
    let message = match level {
        CrisisLevel::Emergency => {
            "If you might act on thoughts of ending your life or hurting yourself, get help now: call 911 or go to \
             the nearest emergency department, or call or text 988. If you can, stay with someone you trust."
        }
        CrisisLevel::Urgent => {
            "You said you have had thoughts that you would be better off dead or of hurting yourself. Please talk to \
             someone today: call or text 988, or text HOME to 741741, and tell a clinician or someone you trust how \
             you feel. If you might act on these thoughts, call 911."
        }
        CrisisLevel::None => {
            "A zero on the question about thoughts of death or self-harm does not rule out risk: thoughts can change, \
             and other warning signs still matter. If things get worse, call or text 988 at any time."
        }
    };
    at_level(level, message.to_owned(), vec![TRIAGE_RULE.reference()])
}

/// A crisis block at `level` with `message`: the resources in the order the level calls for (911 first at
/// `emergency`, 988 first otherwise) and the resources rule after `rules`. Every crisis block is built here, so
/// the self-check, scores and alerts all have the same shape and the same resources.
pub fn at_level(level: CrisisLevel, message: String, mut rules: Vec<RuleRef>) -> Crisis {
    let resources = match level {
        CrisisLevel::Emergency => vec![EMERGENCY_911.clone(), LIFELINE_988.clone(), CRISIS_TEXT_LINE.clone()],
        CrisisLevel::Urgent | CrisisLevel::None => {
            vec![LIFELINE_988.clone(), CRISIS_TEXT_LINE.clone(), EMERGENCY_911.clone()]
        }
    };
    rules.push(RESOURCES_RULE.reference());
    Crisis { level, message, resources, rules }
}
