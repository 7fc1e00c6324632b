//! Thase-Rush staging (stage 0-V) from failed adequate trials, their drug classes and bilateral ECT.
//!
//! Source: `clinical.md` §1.5 (Koromix/rygel French clinical form [C]; medicalalgorithms [S]).
//! How the stages are read here, because the model leaves it open:
//! - Stage 0: no failed adequate trial (the model's "response to an adequate trial").
//! - Stage I: at least one failed adequate trial; stage II: failures in at least two classes.
//! - Each later stage adds a failure the earlier stages did not use: stage III needs a tricyclic failure on top of
//!   failures in two other classes, stage IV an MAOI failure on top of that (tricyclic plus two classes that are
//!   neither tricyclic nor MAOI), stage V a failed course of bilateral ECT on top of stage IV.
//! - Classes come from the dose table. "Other" is the form's remainder group, not a class, so each "Other" drug
//!   (bupropion, mirtazapine, ...) is its own class; tetracyclics count as tricyclics; RIMAs (moclobemide) are
//!   not MAOIs for stage IV. A drug missing from the table has no class and is not staged.
//!
//! The model's known limits [S]: it assumes TCAs and MAOIs are superior, ignores augmentation and does not define
//! "adequate" (KetaPath uses `trd.adequate_trial`).

use std::collections::BTreeSet;

use serde::Serialize;

use super::dose_table::DrugClass;
use super::history::{Evidence, TrdAssessment};
use crate::rule::{Confidence, Rule, RuleRef};

pub static RULE: Rule = Rule {
    id: "trd.thase_rush",
    version: 1,
    summary: "Thase-Rush stage: I one failed adequate trial, II failures in two classes, III plus a TCA, IV plus an MAOI, \
              V plus bilateral ECT; 0 without a failed adequate trial",
    source: "clinical.md §1.5 (Koromix/rygel F_Stades_Thase_rush.js; medicalalgorithms.com)",
    confidence: Confidence::Secondary,
    configurable: true,
};

/// A distinct drug with a failed adequate trial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedTrial {
    pub drug: String,
    pub class: DrugClass,
}

/// A Thase-Rush stage with the reasons for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThaseRushStage {
    /// 0-5.
    pub stage: u8,
    /// "0", "I", ... "V".
    pub roman: &'static str,
    pub reasons: Vec<String>,
    pub rule: RuleRef,
}

const ROMAN: [&str; 6] = ["0", "I", "II", "III", "IV", "V"];

impl FailedTrial {
    /// The distinct drugs of a judged history with a definite failed adequate trial. Such a drug is always in the
    /// dose table (adequacy needs it), so it always has a class.
    pub fn from_history(history: &TrdAssessment) -> Vec<FailedTrial> {
        history
            .drugs
            .iter()
            .filter(|d| d.evidence == Evidence::Definite)
            .filter_map(|d| d.class.map(|class| FailedTrial { drug: d.drug.clone(), class }))
            .collect()
    }
}

/// The class a failure stands for in the staging (see the module notes on "Other").
fn class_key(trial: &FailedTrial) -> String {
    match trial.class {
        DrugClass::Other => format!("other:{}", trial.drug),
        DrugClass::Tca | DrugClass::TcaTetracyclic => "tca".to_owned(),
        class => class.label().to_owned(),
    }
}

/// Stages a list of failed adequate trials (one per distinct drug) and whether bilateral ECT failed.
pub fn stage(failed: &[FailedTrial], bilateral_ect_failed: bool) -> ThaseRushStage {
    let classes: BTreeSet<String> = failed.iter().map(class_key).collect();
    let tca = failed.iter().any(|t| t.class.is_tricyclic());
    let maoi = failed.iter().any(|t| t.class == DrugClass::Maoi);
    let non_tca = failed.iter().filter(|t| !t.class.is_tricyclic()).map(class_key).collect::<BTreeSet<_>>().len();
    let neither = failed
        .iter()
        .filter(|t| !t.class.is_tricyclic() && t.class != DrugClass::Maoi)
        .map(class_key)
        .collect::<BTreeSet<_>>()
        .len();

    let mut reasons = Vec::new();
    let mut stage = 0u8;
    if failed.is_empty() {
        reasons.push("no failed adequate trial".to_owned());
    } else {
        stage = 1;
        reasons.push(format!("{} failed adequate trial(s) in {} class(es)", failed.len(), classes.len()));
        if classes.len() >= 2 {
            stage = 2;
        }
        if stage == 2 && tca && non_tca >= 2 {
            stage = 3;
            reasons.push("a failed tricyclic trial on top of failures in two other classes".to_owned());
        } else if tca {
            reasons.push("a failed tricyclic trial, but not on top of failures in two other classes".to_owned());
        }
        if stage == 3 && maoi && neither >= 2 {
            stage = 4;
            reasons.push("a failed MAOI trial on top of stage III".to_owned());
        } else if maoi {
            reasons.push("a failed MAOI trial, but not on top of stage III".to_owned());
        }
    }
    if bilateral_ect_failed {
        if stage == 4 {
            stage = 5;
            reasons.push("a failed course of bilateral ECT on top of stage IV".to_owned());
        } else {
            reasons.push("a failed course of bilateral ECT, but not on top of stage IV".to_owned());
        }
    }
    ThaseRushStage { stage, roman: ROMAN[usize::from(stage)], reasons, rule: RULE.reference() }
}
