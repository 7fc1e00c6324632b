//! A clinic's settings for its Patient Monitoring Forms: which reading counts as the 40-minute blood pressure, and
//! the adverse-effect questions of the current form. Both rest on unverified facts, so both are configurable.
//!
//! Parse, don't validate: [`RemsFormSettings`] can only be built from checked [`RemsFormValues`].

use serde::{Deserialize, Serialize};

use super::form::AdverseEffectQuestion;
use crate::checked_settings::checked_settings;
use crate::error::InvalidInput;
use crate::protocols::rems::REMS_MINIMUM_MINUTES;

/// The minute after the first device that the form's "40 minutes post-administration" names.
pub const POST_DOSE_TARGET_MINUTE: u32 = 40;

/// The minutes after the first device within which a reading may stand for the 40-minute reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BpWindow {
    pub from_minutes: u32,
    pub to_minutes: u32,
}

impl Default for BpWindow {
    fn default() -> Self {
        Self { from_minutes: 30, to_minutes: 50 }
    }
}

/// The settings document as a clinic stores and edits it; missing keys take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemsFormValues {
    pub post_40_min_window: BpWindow,
    pub adverse_effects: Vec<AdverseEffectQuestion>,
}

impl Default for RemsFormValues {
    fn default() -> Self {
        Self { post_40_min_window: BpWindow::default(), adverse_effects: AdverseEffectQuestion::defaults() }
    }
}

checked_settings!(
    /// Checked form settings.
    #[derive(Eq)]
    RemsFormSettings(RemsFormValues),
    "rems_form",
    check
);

impl RemsFormSettings {
    pub fn post_40_min_window(&self) -> BpWindow {
        self.0.post_40_min_window
    }

    pub fn adverse_effects(&self) -> &[AdverseEffectQuestion] {
        &self.0.adverse_effects
    }
}

const MAX_QUESTIONS: usize = 20;
const MAX_CODE_CHARS: usize = 40;
const MAX_TEXT_CHARS: usize = 300;

fn check(values: &RemsFormValues) -> Result<(), InvalidInput> {
    let window = values.post_40_min_window;
    // The window must contain minute 40, and must close before the REMS two hours, when the session's last
    // reading is taken.
    if window.from_minutes == 0 || window.from_minutes > POST_DOSE_TARGET_MINUTE {
        return Err(InvalidInput::new(
            "post_40_min_window.from_minutes",
            format!("must be from 1 to {POST_DOSE_TARGET_MINUTE}; got {}", window.from_minutes),
        ));
    }
    if window.to_minutes < POST_DOSE_TARGET_MINUTE || window.to_minutes >= REMS_MINIMUM_MINUTES {
        return Err(InvalidInput::new(
            "post_40_min_window.to_minutes",
            format!(
                "must be from {POST_DOSE_TARGET_MINUTE} to {}; got {}",
                REMS_MINIMUM_MINUTES - 1,
                window.to_minutes
            ),
        ));
    }
    let questions = &values.adverse_effects;
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(InvalidInput::new(
            "adverse_effects",
            format!("must hold from 1 to {MAX_QUESTIONS} questions; got {}", questions.len()),
        ));
    }
    for (index, question) in questions.iter().enumerate() {
        let field = format!("adverse_effects[{index}]");
        let code = question.code.as_str();
        let well_formed = !code.is_empty()
            && code.len() <= MAX_CODE_CHARS
            && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            return Err(InvalidInput::new(
                format!("{field}.code"),
                format!("must be 1 to {MAX_CODE_CHARS} lowercase letters, digits or '_'; got {code:?}"),
            ));
        }
        if questions[..index].iter().any(|q| q.code == question.code) {
            return Err(InvalidInput::new(format!("{field}.code"), format!("{code:?} is used by an earlier question")));
        }
        let text = question.text.trim();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return Err(InvalidInput::new(
                format!("{field}.text"),
                format!("must be 1 to {MAX_TEXT_CHARS} characters"),
            ));
        }
    }
    Ok(())
}
