//! Tests of the minimum-dose table: the embedded file, lookup by name and alias, and clinic-supplied tables.

use ketapath_clinical::rule::{Confidence, find};
use ketapath_clinical::trd::{DoseTable, DrugClass, DrugRole};

fn min(name: &str) -> f64 {
    DoseTable::embedded().lookup(name).unwrap_or_else(|| panic!("{name} not in table")).min_mg_per_day
}

#[test]
fn embedded_table_parses_every_row_of_the_reference() {
    let text = include_str!("../data/min_doses.csv");
    let table = DoseTable::parse_csv(text).expect("embedded table parses");
    // §1.2 lists 41 rows: 40 antidepressants and quetiapine as an adjunct.
    assert_eq!(table.entries().len(), 41);
    assert_eq!(table.entries().len(), text.lines().filter(|l| !l.trim().is_empty()).count() - 1);
    for entry in table.entries() {
        assert!(entry.min_mg_per_day > 0.0, "{}", entry.drug);
        assert_eq!(entry.confidence, Confidence::Secondary, "{}", entry.drug);
        assert!(entry.source.contains("clinical.md §1.2"), "{}", entry.drug);
        assert!(entry.source.contains("CyrusODN/Pre-Screening"), "{}", entry.drug);
    }
}

#[test]
fn reference_rows() {
    let cases = [
        ("citalopram", 20.0, DrugClass::Ssri),
        ("escitalopram", 10.0, DrugClass::Ssri),
        ("paroxetine", 20.0, DrugClass::Ssri),
        ("sertraline", 50.0, DrugClass::Ssri),
        ("vortioxetine", 10.0, DrugClass::SerotoninModulator),
        ("venlafaxine", 150.0, DrugClass::Snri),
        ("duloxetine", 60.0, DrugClass::Snri),
        ("bupropion", 300.0, DrugClass::Other),
        ("tianeptine", 37.5, DrugClass::Other),
        ("reboxetine", 4.0, DrugClass::Other),
        ("nortriptyline", 75.0, DrugClass::Tca),
        ("amitriptyline", 150.0, DrugClass::Tca),
        ("maprotiline", 150.0, DrugClass::TcaTetracyclic),
        ("phenelzine", 45.0, DrugClass::Maoi),
        ("tranylcypromine", 30.0, DrugClass::Maoi),
        ("selegiline transdermal", 6.0, DrugClass::Maoi),
        ("moclobemide", 300.0, DrugClass::Rima),
    ];
    for (drug, dose, class) in cases {
        let m = DoseTable::embedded().lookup(drug).unwrap_or_else(|| panic!("{drug}"));
        assert_eq!(m.min_mg_per_day, dose, "{drug}");
        assert_eq!(m.entry.class, class, "{drug}");
        assert_eq!(m.entry.role, DrugRole::Antidepressant, "{drug}");
    }
}

#[test]
fn lookup_is_case_insensitive_by_generic_or_alias() {
    let table = DoseTable::embedded();
    for name in ["Zoloft", "  zoloft ", "ZOLOFT", "Sertraline", "sertraline"] {
        assert_eq!(table.lookup(name).map(|m| m.entry.drug.as_str()), Some("sertraline"), "{name:?}");
    }
    assert_eq!(table.lookup("Emsam").map(|m| m.entry.drug.as_str()), Some("selegiline transdermal"));
    assert_eq!(table.lookup("selegiline   Transdermal").map(|m| m.entry.drug.as_str()), Some("selegiline transdermal"));
    assert_eq!(table.lookup("Zoloft").and_then(|m| m.matched_alias), Some("Zoloft"));
    assert!(table.lookup("sertraline").and_then(|m| m.matched_alias).is_none());
    assert!(table.lookup("aripiprazole").is_none());
    assert!(table.lookup("").is_none());
    // Oral selegiline is not the transdermal MAOI of the form.
    assert!(table.lookup("selegiline").is_none());
}

#[test]
fn paroxetine_cr_has_its_own_minimum() {
    assert_eq!(min("paroxetine"), 20.0);
    assert_eq!(min("Paxil"), 20.0);
    assert_eq!(min("Paxil CR"), 25.0);
    assert_eq!(min("paroxetine cr"), 25.0);
    let cr = DoseTable::embedded().lookup("Paxil CR").expect("alias");
    assert_eq!(cr.entry.drug, "paroxetine", "CR counts as the same drug");
}

#[test]
fn release_suffixes_are_ignored_when_the_name_is_not_known() {
    assert_eq!(DoseTable::embedded().lookup("venlafaxine XR").map(|m| m.entry.drug.as_str()), Some("venlafaxine"));
    assert_eq!(DoseTable::embedded().lookup("Effexor XR").and_then(|m| m.matched_alias), Some("Effexor XR"));
    assert!(DoseTable::embedded().lookup("venlafaxine fast").is_none());
}

#[test]
fn quetiapine_is_augmentation_only() {
    let m = DoseTable::embedded().lookup("Seroquel").expect("quetiapine");
    assert_eq!(m.entry.drug, "quetiapine");
    assert_eq!(m.entry.role, DrugRole::Augmentation);
    assert_eq!(m.min_mg_per_day, 150.0);
}

#[test]
fn dose_table_is_a_configurable_secondary_rule() {
    let rule = find("trd.min_dose_table").expect("rule registered");
    assert_eq!(rule.confidence, Confidence::Secondary);
    assert!(rule.configurable);
    assert!(rule.source.contains("clinical.md §1.2"));
}

const HEADER: &str = "drug,class,min_mg_per_day,aliases,source,confidence,role,notes\n";

#[test]
fn a_clinic_table_replaces_the_default() {
    let text = format!("{HEADER}sertraline,SSRI,100,Zoloft,clinical.md §1.2; clinic policy,S,antidepressant,\n");
    let table = DoseTable::parse_csv(&text).expect("parses");
    assert_eq!(table.lookup("zoloft").map(|m| m.min_mg_per_day), Some(100.0));
    assert!(table.lookup("citalopram").is_none());
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(DoseTable::parse_csv(&with_bom).expect("BOM is ignored"), table);
}

#[test]
fn bad_tables_name_line_and_column() {
    let cases = [
        ("", "line 1"),
        ("drug,class\n", "line 1"),
        (HEADER, "line 2"),
        (&format!("{HEADER}sertraline,SSRI,-5,,clinical.md §1.2,S,antidepressant,\n") as &str, "line 2.min_mg_per_day"),
        (&format!("{HEADER}sertraline,SSRI,abc,,clinical.md §1.2,S,antidepressant,\n"), "line 2.min_mg_per_day"),
        (&format!("{HEADER}sertraline,Xyz,50,,clinical.md §1.2,S,antidepressant,\n"), "line 2.class"),
        (&format!("{HEADER}sertraline,SSRI,50,,somewhere,S,antidepressant,\n"), "line 2.source"),
        (&format!("{HEADER}sertraline,SSRI,50,,clinical.md §1.2,Q,antidepressant,\n"), "line 2.confidence"),
        (&format!("{HEADER}sertraline,SSRI,50,,clinical.md §1.2,S,pill,\n"), "line 2.role"),
        (&format!("{HEADER},SSRI,50,,clinical.md §1.2,S,antidepressant,\n"), "line 2.drug"),
        (&format!("{HEADER}sertraline,SSRI,50,Zoloft=x,clinical.md §1.2,S,antidepressant,\n"), "line 2.aliases"),
        (&format!("{HEADER}sertraline,SSRI,50,,clinical.md §1.2,S,antidepressant\n"), "line 2"),
        (&format!("{HEADER}sertraline,SSRI,50,Sertraline,clinical.md §1.2,S,antidepressant,\n"), "line 2.aliases"),
        (&format!("{HEADER}sertraline,SSRI,50,Zoloft;zoloft,clinical.md §1.2,S,antidepressant,\n"), "line 2.aliases"),
        (
            &format!(
                "{HEADER}sertraline,SSRI,50,Zoloft,clinical.md §1.2,S,antidepressant,\n\
                 citalopram,SSRI,20,zoloft,clinical.md §1.2,S,antidepressant,\n"
            ),
            "line 3.aliases",
        ),
    ];
    for (text, field) in cases {
        let err = DoseTable::parse_csv(text).expect_err(text);
        assert_eq!(err.field, field, "{text:?}: {err}");
    }
}
