//! Tests of crisis triage and the crisis resources.

use ketapath_clinical::safety::crisis::{CrisisLevel, LAST_REVIEWED, triage};

fn names(level_item9: u8, acting: bool) -> Vec<&'static str> {
    triage(level_item9, acting).resources.iter().map(|r| r.name).collect()
}

#[test]
fn levels() {
    assert_eq!(triage(0, false).level, CrisisLevel::None);
    for item9 in 1..=3 {
        assert_eq!(triage(item9, false).level, CrisisLevel::Urgent, "item 9 = {item9}");
        assert_eq!(triage(item9, true).level, CrisisLevel::Emergency, "item 9 = {item9}");
    }
    // Saying one might act on the thoughts is an emergency whatever item 9 was.
    assert_eq!(triage(0, true).level, CrisisLevel::Emergency);
}

#[test]
fn resources_are_always_present_and_ordered() {
    let usual = ["988 Suicide & Crisis Lifeline", "Crisis Text Line", "Emergency services (911)"];
    assert_eq!(names(0, false), usual);
    assert_eq!(names(2, false), usual);
    assert_eq!(names(2, true), ["Emergency services (911)", "988 Suicide & Crisis Lifeline", "Crisis Text Line"]);
}

#[test]
fn resource_contents_match_the_reference() {
    let crisis = triage(1, false);
    let lifeline = &crisis.resources[0];
    assert_eq!(lifeline.contact, "Call or text 988");
    let options = lifeline.options.join(" | ");
    assert!(options.contains("988lifeline.org"));
    assert!(options.contains("press 1") && options.contains("838255"));
    assert!(options.contains("press 2"));
    assert!(!options.to_lowercase().contains("press 3"), "Press 3 ended on 17 July 2025");
    assert_eq!(crisis.resources[1].contact, "Text HOME to 741741");
    assert!(crisis.resources[2].contact.contains("911"));
    for r in &crisis.resources {
        assert_eq!(r.last_reviewed, LAST_REVIEWED);
        assert!(r.source.starts_with("clinical.md §5."));
    }
    assert_eq!(LAST_REVIEWED.to_string(), "2026-11-27");
}

#[test]
fn zero_on_item_9_carries_a_note_and_never_says_no_risk() {
    let none = triage(0, false);
    assert!(none.message.contains("does not rule out risk"), "{}", none.message);
    for (item9, acting) in [(0, false), (1, false), (3, true), (0, true)] {
        let json = serde_json::to_string(&triage(item9, acting)).expect("serialises");
        assert!(!json.to_lowercase().contains("no risk"), "{json}");
    }
}

#[test]
fn serialised_shape() {
    let value = serde_json::to_value(triage(1, false)).expect("serialises");
    assert_eq!(value["level"], "urgent");
    assert_eq!(value["resources"][0]["name"], "988 Suicide & Crisis Lifeline");
    assert_eq!(value["resources"][0]["contact"], "Call or text 988");
    assert_eq!(value["resources"][0]["last_reviewed"], "2026-11-27");
    assert_eq!(value["rules"][0]["id"], "crisis.triage");
    assert_eq!(serde_json::to_value(triage(0, true)).expect("serialises")["level"], "emergency");
    assert_eq!(serde_json::to_value(triage(0, false)).expect("serialises")["level"], "none");
}
