//! Maudsley Staging Method (MSM) for treatment resistance: a 3-15 score for clinicians.
//!
//! Source: `clinical.md` §1.3 (Fekadu et al. BMC Psychiatry 2018;18:100, Table 3). Duration, severity and the
//! 3-15 bands are [C]; the medication-failure levels and the augmentation and ECT points are [U] (Fekadu 2009
//! Table 1, not verified), so they are configurable defaults and every score lists them in
//! `unverified_components` when they contributed.

use serde::Serialize;

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static ILLNESS_RULE: Rule = Rule {
    id: "trd.maudsley.illness",
    version: 1,
    summary: "MSM duration (<=12 months 1, 13-24 months 2, >24 months 3), severity (subsyndromal 1 to severe with psychosis 5) \
              and total bands (mild 3-6, moderate 7-10, severe 11-15)",
    source: "clinical.md §1.3; Fekadu A et al. BMC Psychiatry 2018;18:100, Table 3",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static TREATMENT_RULE: Rule = Rule {
    id: "trd.maudsley.treatment",
    version: 1,
    summary: "MSM treatment failures: 1-2 medications 1, 3-4 2, 5-6 3, 7-10 4, >10 5; augmentation used +1; ECT used +1 \
              (unverified defaults)",
    source: "clinical.md §1.3 (Fekadu 2009 Table 1, not verified); §6 item 1",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// Symptom severity at baseline, as the MSM rates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Subsyndromal,
    Mild,
    Moderate,
    SevereWithoutPsychosis,
    SevereWithPsychosis,
}

impl Severity {
    fn points(self) -> u8 {
        match self {
            Severity::Subsyndromal => 1,
            Severity::Mild => 2,
            Severity::Moderate => 3,
            Severity::SevereWithoutPsychosis => 4,
            Severity::SevereWithPsychosis => 5,
        }
    }
}

/// Duration of the current episode in the MSM's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EpisodeDuration {
    /// 12 months or less.
    Acute,
    /// 13-24 months.
    SubAcute,
    /// More than 24 months.
    Chronic,
}

impl EpisodeDuration {
    /// Categorises a duration in months. Fractions above a boundary fall in the next category (12.5 months is more
    /// than 12). Callers pass checked values; anything not finite or negative is treated as unknown (`None`).
    pub fn from_months(months: f64) -> Option<Self> {
        if !months.is_finite() || months < 0.0 {
            None
        } else if months <= 12.0 {
            Some(EpisodeDuration::Acute)
        } else if months <= 24.0 {
            Some(EpisodeDuration::SubAcute)
        } else {
            Some(EpisodeDuration::Chronic)
        }
    }

    fn points(self) -> u8 {
        match self {
            EpisodeDuration::Acute => 1,
            EpisodeDuration::SubAcute => 2,
            EpisodeDuration::Chronic => 3,
        }
    }
}

/// MSM total band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaudsleyBand {
    Mild,
    Moderate,
    Severe,
}

/// The [U] treatment-dimension defaults a clinic may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaudsleyConfig {
    /// Highest medication count of levels 1-4; more than the last bound is level 5.
    level_upper_bounds: [u32; 4],
}

impl Default for MaudsleyConfig {
    fn default() -> Self {
        Self { level_upper_bounds: [2, 4, 6, 10] }
    }
}

impl MaudsleyConfig {
    /// Bounds must start at 1 or more and strictly increase.
    pub fn new(level_upper_bounds: [u32; 4]) -> Result<Self, InvalidInput> {
        let increasing = level_upper_bounds.windows(2).all(|w| w[0] < w[1]);
        if level_upper_bounds[0] == 0 || !increasing {
            return Err(InvalidInput::new(
                "level_upper_bounds",
                "must be four strictly increasing medication counts starting at 1 or more",
            ));
        }
        Ok(Self { level_upper_bounds })
    }

    pub fn level_upper_bounds(&self) -> [u32; 4] {
        self.level_upper_bounds
    }

    /// Level 1-5 for a medication count of at least 1.
    fn level(&self, medications: u32) -> u8 {
        let below = self.level_upper_bounds.iter().filter(|&&bound| medications > bound).count();
        // At most 4 bounds are exceeded, so the level is 1-5 and fits a u8.
        u8::try_from(below).map_or(5, |b| b + 1)
    }

    fn level_description(&self, level: u8) -> String {
        let b = self.level_upper_bounds;
        match level {
            1 => format!("1-{} medications", b[0]),
            2 => format!("{}-{} medications", b[0] + 1, b[1]),
            3 => format!("{}-{} medications", b[1] + 1, b[2]),
            4 => format!("{}-{} medications", b[2] + 1, b[3]),
            _ => format!("more than {} medications", b[3]),
        }
    }
}

/// What the MSM needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaudsleyInput {
    /// Duration of the current episode in months.
    pub episode_months: f64,
    pub severity: Severity,
    /// Antidepressant medications that failed in the current episode (at least 1).
    pub failed_medications: u32,
    pub augmentation_used: bool,
    pub ect_used: bool,
}

/// An MSM score with its parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaudsleyScore {
    pub total: u8,
    pub band: MaudsleyBand,
    pub duration: EpisodeDuration,
    pub duration_points: u8,
    pub severity_points: u8,
    pub medication_level: u8,
    pub medication_points: u8,
    pub augmentation_points: u8,
    pub ect_points: u8,
    /// The [U] rows that contributed points, in plain words; shown to clinicians as unverified.
    pub unverified_components: Vec<String>,
    pub rules: Vec<RuleRef>,
}

/// Scores the MSM. Errors name the input field (`episode_months`, `failed_medications`).
pub fn score(input: &MaudsleyInput, config: &MaudsleyConfig) -> Result<MaudsleyScore, InvalidInput> {
    let duration = EpisodeDuration::from_months(input.episode_months).ok_or_else(|| {
        InvalidInput::new(
            "episode_months",
            format!("must be a non-negative number of months; got {}", input.episode_months),
        )
    })?;
    if input.failed_medications == 0 {
        return Err(InvalidInput::new(
            "failed_medications",
            "the Maudsley method stages treatment resistance and needs at least one failed medication",
        ));
    }
    let level = config.level(input.failed_medications);
    let mut unverified_components = vec![format!(
        "medication failures: level {level} ({}) = {level} point{} [U]",
        config.level_description(level),
        if level == 1 { "" } else { "s" }
    )];
    let augmentation_points = u8::from(input.augmentation_used);
    if input.augmentation_used {
        unverified_components.push("augmentation used = 1 point [U]".to_owned());
    }
    let ect_points = u8::from(input.ect_used);
    if input.ect_used {
        unverified_components.push("ECT used = 1 point [U]".to_owned());
    }
    let duration_points = duration.points();
    let severity_points = input.severity.points();
    let total = duration_points + severity_points + level + augmentation_points + ect_points;
    let band = match total {
        ..=6 => MaudsleyBand::Mild,
        7..=10 => MaudsleyBand::Moderate,
        _ => MaudsleyBand::Severe,
    };
    Ok(MaudsleyScore {
        total,
        band,
        duration,
        duration_points,
        severity_points,
        medication_level: level,
        medication_points: level,
        augmentation_points,
        ect_points,
        unverified_components,
        rules: vec![ILLNESS_RULE.reference(), TREATMENT_RULE.reference()],
    })
}
