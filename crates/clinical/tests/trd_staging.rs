//! Tests of the clinician staging models: Maudsley (MSM) and Thase-Rush.

use ketapath_clinical::rule::{Confidence, find};
use ketapath_clinical::trd::maudsley::{self, EpisodeDuration, MaudsleyBand, MaudsleyConfig, MaudsleyInput, Severity};
use ketapath_clinical::trd::thase_rush::{FailedTrial, stage};
use ketapath_clinical::trd::{DoseTable, DrugClass, Improvement, TrdConfig, Trial, assess_history};

fn msm(months: f64, severity: Severity, meds: u32, augmentation: bool, ect: bool) -> maudsley::MaudsleyScore {
    let input = MaudsleyInput {
        episode_months: months,
        severity,
        failed_medications: meds,
        augmentation_used: augmentation,
        ect_used: ect,
    };
    maudsley::score(&input, &MaudsleyConfig::default()).expect("valid input")
}

#[test]
fn duration_boundaries() {
    for (months, duration, points) in [
        (0.0, EpisodeDuration::Acute, 1),
        (12.0, EpisodeDuration::Acute, 1),
        (12.5, EpisodeDuration::SubAcute, 2),
        (13.0, EpisodeDuration::SubAcute, 2),
        (24.0, EpisodeDuration::SubAcute, 2),
        (25.0, EpisodeDuration::Chronic, 3),
        (240.0, EpisodeDuration::Chronic, 3),
    ] {
        let s = msm(months, Severity::Mild, 1, false, false);
        assert_eq!(s.duration, duration, "{months} months");
        assert_eq!(s.duration_points, points, "{months} months");
    }
}

#[test]
fn severity_points() {
    for (severity, points) in [
        (Severity::Subsyndromal, 1),
        (Severity::Mild, 2),
        (Severity::Moderate, 3),
        (Severity::SevereWithoutPsychosis, 4),
        (Severity::SevereWithPsychosis, 5),
    ] {
        assert_eq!(msm(6.0, severity, 1, false, false).severity_points, points, "{severity:?}");
    }
}

#[test]
fn medication_level_boundaries() {
    for (meds, level) in [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5), (40, 5)] {
        let s = msm(6.0, Severity::Mild, meds, false, false);
        assert_eq!(s.medication_level, level, "{meds} medications");
        assert_eq!(s.medication_points, level, "{meds} medications");
    }
}

#[test]
fn totals_bands_and_extremes() {
    let lowest = msm(1.0, Severity::Subsyndromal, 1, false, false);
    assert_eq!((lowest.total, lowest.band), (3, MaudsleyBand::Mild));
    let highest = msm(60.0, Severity::SevereWithPsychosis, 12, true, true);
    assert_eq!((highest.total, highest.band), (15, MaudsleyBand::Severe));
    // 1 + 3 + 2 = 6 mild; one more point is moderate.
    assert_eq!(msm(12.0, Severity::Moderate, 3, false, false).band, MaudsleyBand::Mild);
    assert_eq!(msm(12.0, Severity::Moderate, 3, true, false).band, MaudsleyBand::Moderate);
    // 3 + 4 + 3 = 10 moderate; + ECT = 11 severe.
    let ten = msm(30.0, Severity::SevereWithoutPsychosis, 5, false, false);
    assert_eq!((ten.total, ten.band), (10, MaudsleyBand::Moderate));
    let eleven = msm(30.0, Severity::SevereWithoutPsychosis, 5, false, true);
    assert_eq!((eleven.total, eleven.band), (11, MaudsleyBand::Severe));
}

#[test]
fn unverified_components_list_what_contributed() {
    let plain = msm(6.0, Severity::Mild, 3, false, false);
    assert_eq!(plain.unverified_components.len(), 1);
    assert!(plain.unverified_components[0].contains("level 2 (3-4 medications)"), "{:?}", plain.unverified_components);
    let all = msm(6.0, Severity::Mild, 3, true, true);
    assert_eq!(all.unverified_components.len(), 3);
    assert!(all.unverified_components.iter().all(|c| c.ends_with("[U]")));
    let ids: Vec<&str> = all.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, ["trd.maudsley.illness", "trd.maudsley.treatment"]);
    let treatment = find("trd.maudsley.treatment").expect("registered");
    assert_eq!(treatment.confidence, Confidence::Unverified);
    assert!(treatment.configurable);
    assert_eq!(find("trd.maudsley.illness").expect("registered").confidence, Confidence::Confirmed);
}

#[test]
fn medication_levels_are_configurable() {
    let config = MaudsleyConfig::new([1, 3, 5, 8]).expect("valid");
    let input = MaudsleyInput {
        episode_months: 6.0,
        severity: Severity::Mild,
        failed_medications: 2,
        augmentation_used: false,
        ect_used: false,
    };
    assert_eq!(maudsley::score(&input, &config).expect("valid").medication_level, 2);
    assert!(MaudsleyConfig::new([0, 3, 5, 8]).is_err());
    assert!(MaudsleyConfig::new([2, 2, 5, 8]).is_err());
}

#[test]
fn invalid_msm_input_names_the_field() {
    let mut input = MaudsleyInput {
        episode_months: -1.0,
        severity: Severity::Mild,
        failed_medications: 1,
        augmentation_used: false,
        ect_used: false,
    };
    assert_eq!(maudsley::score(&input, &MaudsleyConfig::default()).expect_err("negative").field, "episode_months");
    input.episode_months = f64::NAN;
    assert_eq!(maudsley::score(&input, &MaudsleyConfig::default()).expect_err("nan").field, "episode_months");
    input.episode_months = 6.0;
    input.failed_medications = 0;
    assert_eq!(maudsley::score(&input, &MaudsleyConfig::default()).expect_err("zero").field, "failed_medications");
}

fn failed(list: &[(&str, DrugClass)]) -> Vec<FailedTrial> {
    list.iter().map(|(d, c)| FailedTrial { drug: (*d).to_owned(), class: *c }).collect()
}

#[test]
fn thase_rush_stages() {
    use DrugClass::*;
    let cases: Vec<(Vec<FailedTrial>, bool, u8)> = vec![
        (failed(&[]), false, 0),
        (failed(&[("sertraline", Ssri)]), false, 1),
        (failed(&[("sertraline", Ssri), ("citalopram", Ssri)]), false, 1),
        (failed(&[("sertraline", Ssri), ("venlafaxine", Snri)]), false, 2),
        // "Other" is a remainder group: bupropion and mirtazapine are different classes.
        (failed(&[("bupropion", Other), ("mirtazapine", Other)]), false, 2),
        // A TCA counts for stage III only on top of two other classes.
        (failed(&[("sertraline", Ssri), ("nortriptyline", Tca)]), false, 2),
        (failed(&[("sertraline", Ssri), ("venlafaxine", Snri), ("nortriptyline", Tca)]), false, 3),
        (failed(&[("sertraline", Ssri), ("venlafaxine", Snri), ("maprotiline", TcaTetracyclic)]), false, 3),
        (
            failed(&[("sertraline", Ssri), ("venlafaxine", Snri), ("nortriptyline", Tca), ("phenelzine", Maoi)]),
            false,
            4,
        ),
        // The MAOI cannot be one of the two classes under the TCA and also the stage IV failure.
        (failed(&[("sertraline", Ssri), ("phenelzine", Maoi), ("nortriptyline", Tca)]), false, 3),
        // A RIMA is not an MAOI for stage IV.
        (
            failed(&[("sertraline", Ssri), ("venlafaxine", Snri), ("nortriptyline", Tca), ("moclobemide", Rima)]),
            false,
            3,
        ),
        (failed(&[("sertraline", Ssri), ("venlafaxine", Snri), ("nortriptyline", Tca), ("phenelzine", Maoi)]), true, 5),
        // ECT counts only on top of stage IV.
        (failed(&[("sertraline", Ssri), ("venlafaxine", Snri)]), true, 2),
    ];
    for (trials, ect, expected) in cases {
        let s = stage(&trials, ect);
        assert_eq!(s.stage, expected, "{trials:?} ect={ect}: {:?}", s.reasons);
        assert_eq!(s.roman, ["0", "I", "II", "III", "IV", "V"][usize::from(expected)]);
        assert_eq!(s.rule.id, "trd.thase_rush");
    }
}

#[test]
fn thase_rush_from_a_judged_history() {
    let t = |drug: &str, dose: f64| Trial {
        drug: drug.to_owned(),
        dose_mg_per_day: Some(dose),
        weeks: Some(8.0),
        improvement: Improvement::None,
        augmentation: false,
        current_episode: true,
    };
    let h = assess_history(
        &[t("Zoloft", 100.0), t("venlafaxine", 225.0), t("nortriptyline", 100.0), t("venlafaxine", 75.0)],
        DoseTable::embedded(),
        &TrdConfig::default(),
    );
    let list = FailedTrial::from_history(&h);
    let drugs: Vec<&str> = list.iter().map(|f| f.drug.as_str()).collect();
    assert_eq!(drugs, ["sertraline", "venlafaxine", "nortriptyline"]);
    assert_eq!(stage(&list, false).stage, 3);
}
