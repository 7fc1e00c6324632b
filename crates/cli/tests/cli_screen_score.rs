//! End-to-end tests of `ketapath screen` and `ketapath score`: exit codes, stderr messages, JSON contract, text snapshots.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(args)
        .current_dir(examples())
        .env_remove("KETAPATH_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // A command that fails before reading its input closes the pipe; that is not a test failure.
    let _ = pipe.write_all(stdin.unwrap_or("").as_bytes());
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn screen_text_snapshots() {
    for example in ["screen-trd.json", "screen-crisis.json", "screen-cautions.json"] {
        let output = run(&["screen", example], None);
        assert_eq!(output.status.code(), Some(0), "{example}: {}", stderr(&output));
        insta::assert_snapshot!(example, stdout(&output));
    }
}

#[test]
fn crisis_help_comes_first_in_text_output() {
    let output = run(&["screen", "screen-crisis.json"], None);
    let text = stdout(&output);
    let first_line = text.lines().next().unwrap();
    assert!(first_line.contains("GET HELP NOW"), "first line was {first_line:?}");
    let help = text.find("911").unwrap();
    let score = text.find("PHQ-9").unwrap();
    assert!(help < score, "crisis resources must come before the score");
}

#[test]
fn screen_json_is_one_document_matching_the_contract() {
    let output = run(&["screen", "-", "--json"], Some(r#"{"phq9": [0,1,2,3,0,1,2,1,0]}"#));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["phq9"]["total"], 10);
    assert_eq!(doc["phq9"]["severity"], "moderate");
    assert_eq!(doc["phq9"]["item9"], 0);
    assert_eq!(doc["crisis"]["level"], "none");
    assert_eq!(doc["crisis"]["resources"][0]["name"], "988 Suicide & Crisis Lifeline");
    assert_eq!(doc["crisis"]["resources"][0]["contact"], "Call or text 988");
    assert_eq!(doc["trd"], "not_met");
    assert_eq!(doc["failed_adequate_trials"], 0);
    assert!(doc["rules_version"].as_str().is_some_and(|v| !v.is_empty()));
    assert!(!stdout(&output).to_lowercase().contains("eligible"));
}

#[test]
fn screen_reads_standard_input_without_an_argument() {
    let output = run(&["screen", "--json"], Some(r#"{"phq9": [3,3,3,3,3,3,3,3,1]}"#));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["crisis"]["level"], "urgent");
}

#[test]
fn invalid_input_exits_2_naming_the_field() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["screen", "-"], r#"{"phq9": [0,1,2]}"#, "phq9"),
        (&["screen", "-"], r#"{"phq9": [0,1,2,3,0,1,2,1,4]}"#, "phq9[8]"),
        (
            &["screen", "-"],
            r#"{"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"drug": "sertraline", "dose_mg_per_day": -5}]}"#,
            "trials[0].dose_mg_per_day",
        ),
        (&["screen", "-"], r#"{"phq9": [0,0,0,0,0,0,0,0,0], "conditions": ["no_such_condition"]}"#, "conditions[0]"),
        (&["screen", "-"], r#"{"phq9": [0,0,"#, "malformed JSON"),
        (&["screen", "-"], r#"{}"#, "phq9"),
        (&["score", "phq9", "-"], r#"{"items": [1,2,3]}"#, "items"),
        (&["score", "phq9", "-"], r#"{"items": [1,2,3,0,1,2,3,1,1.5]}"#, "items[8]"),
        (&["score", "gad7", "-"], r#"{"items": [1,2,3,0,1,2,9]}"#, "items[6]"),
        (&["score", "hamd", "-"], r#"{"items": []}"#, "unknown instrument"),
        (&["score", "phq9", "no-such-file.json"], "", "no-such-file.json"),
    ];
    for (args, input, needle) in cases {
        let output = run(args, Some(input));
        assert_eq!(output.status.code(), Some(2), "{args:?} {input}: stdout {}", stdout(&output));
        assert!(stderr(&output).contains(needle), "{args:?} {input}: stderr {:?} lacks {needle:?}", stderr(&output));
        // A self-check whose PHQ-9 item 9 can be read prints its crisis help first (below); nothing else does.
        let triage_readable = args[0] == "screen" && input.contains("\"phq9\": [0,0,0,0,0,0,0,0,0]");
        assert_eq!(stdout(&output).is_empty(), !triage_readable, "{args:?} {input}: stdout {}", stdout(&output));
    }
}

#[test]
fn invalid_screen_json_still_carries_the_crisis_block() {
    // The issue's example: acting on thoughts, an impossible age, 8 PHQ-9 items and an unknown condition.
    let input = r#"{"phq9": [3,3,3,3,3,3,3,3], "acting_on_thoughts": true, "age": 150, "conditions": ["nope"]}"#;
    let output = run(&["screen", "-", "--json"], Some(input));
    assert_eq!(output.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!(doc["error"]["code"], "invalid_input");
    assert_eq!(doc["error"]["field"], "phq9");
    assert_eq!(doc["crisis"]["level"], "emergency");
    assert_eq!(doc["crisis"]["resources"][0]["name"], "Emergency services (911)");
    assert!(doc["crisis"]["message"].as_str().unwrap().contains("988"));
    assert_eq!(doc.as_object().unwrap().len(), 2, "exactly error and crisis");
    assert!(stderr(&output).contains("phq9"), "the error is on stderr too");

    // Item 9 readable, another field wrong: the urgent block beside the error naming that field.
    let output = run(&["screen", "-", "--json"], Some(r#"{"phq9": [1,1,1,1,1,1,1,1,2], "age": 150}"#));
    assert_eq!(output.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!((doc["error"]["field"].as_str(), doc["crisis"]["level"].as_str()), (Some("age"), Some("urgent")));

    // Item 9 itself unreadable: no crisis block, and the error names the field.
    let output = run(&["screen", "-", "--json"], Some(r#"{"phq9": [1,1,1,1,1,1,1,1,9]}"#));
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("phq9[8]"));
}

#[test]
fn invalid_screen_text_prints_crisis_help_before_the_error() {
    let input = r#"{"phq9": [3,3,3,3,3,3,3,3], "acting_on_thoughts": true, "age": 150}"#;
    let output = run(&["screen", "-"], Some(input));
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.starts_with("!!! GET HELP NOW !!!"), "{text}");
    assert!(text.find("911").unwrap() < text.find("988").unwrap(), "911 first at emergency: {text}");
    assert!(stderr(&output).contains("invalid input: phq9"));
}

#[test]
fn score_json_carries_a_crisis_block_for_every_positive_suicide_item() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("phq9", "[0,0,0,0,0,0,0,0,0]", None),
        ("phq9", "[0,0,0,0,0,0,0,0,1]", Some("urgent")),
        ("madrs", "[0,0,0,0,0,0,0,0,0,1]", None),
        ("madrs", "[0,0,0,0,0,0,0,0,0,2]", Some("urgent")),
        ("madrs", "[0,0,0,0,0,0,0,0,0,4]", Some("urgent")),
        ("madrs", "[0,0,0,0,0,0,0,0,0,5]", Some("emergency")),
        ("madrs", "[0,0,0,0,0,0,0,0,0,6]", Some("emergency")),
        ("qids_sr16", "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]", None),
        ("qids_sr16", "[0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0]", Some("urgent")),
        ("qids_sr16", "[0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0]", Some("urgent")),
        ("qids_sr16", "[0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0]", Some("emergency")),
        ("gad7", "[3,3,3,3,3,3,3]", None),
    ];
    for (instrument, items, level) in cases {
        let output = run(&["score", instrument, "-", "--json"], Some(&format!(r#"{{"items": {items}}}"#)));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(doc["crisis"]["level"].as_str(), *level, "{instrument} {items}");
        if level.is_some() {
            assert!(doc["crisis"]["resources"].as_array().is_some_and(|r| r.len() == 3), "{instrument} {items}");
            assert!(doc["total"].is_number(), "the score's fields stay at the top level");
        }
    }
    // The PHQ-9's block is the self-check's own.
    let score = run(&["score", "phq9", "-", "--json"], Some(r#"{"items": [0,0,0,0,0,0,0,0,2]}"#));
    let check = run(&["screen", "-", "--json"], Some(r#"{"phq9": [0,0,0,0,0,0,0,0,2]}"#));
    let score: serde_json::Value = serde_json::from_str(&stdout(&score)).unwrap();
    let check: serde_json::Value = serde_json::from_str(&stdout(&check)).unwrap();
    assert_eq!(score["crisis"]["message"], check["crisis"]["message"]);
    assert_eq!(score["crisis"]["resources"], check["crisis"]["resources"]);
}

#[test]
fn score_text_puts_crisis_help_first_for_madrs_and_qids() {
    for (instrument, name, items) in
        [("madrs", "MADRS", "[0,0,0,0,0,0,0,0,0,6]"), ("qids_sr16", "QIDS-SR16", "[0,0,0,0,0,0,0,0,0,0,0,3,0,0,0,0]")]
    {
        let output = run(&["score", instrument, "-"], Some(&format!(r#"{{"items": {items}}}"#)));
        let text = stdout(&output);
        assert!(text.starts_with("!!! GET HELP NOW !!!"), "{instrument}: {text}");
        let score_line = text.find(&format!("\n{name}: ")).expect("score line");
        assert!(text.find("911").unwrap() < score_line, "help before the score: {text}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let output = run(&["score"], None);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["no-such-command"], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn score_json_contract() {
    let output = run(&["score", "madrs", "madrs.json", "--json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["instrument"], "madrs");
    assert_eq!(doc["total"], 25);
    assert_eq!(doc["severity"], "moderate");
    assert!(doc["flags"].as_array().unwrap().is_empty());
}

#[test]
fn score_text_puts_crisis_help_first_for_a_positive_item_9() {
    let output = run(&["score", "phq9", "-"], Some(r#"{"items": [1,1,1,1,1,1,1,1,2]}"#));
    let text = stdout(&output);
    assert!(text.find("988").unwrap() < text.find("PHQ-9:").unwrap());
    let output = run(&["score", "phq9", "phq9.json"], None);
    insta::assert_snapshot!("score-phq9", stdout(&output));
}

#[test]
fn docs_rules_md_is_the_output_of_ketapath_rules() {
    let output = run(&["rules"], None);
    assert_eq!(output.status.code(), Some(0));
    let doc = std::fs::read_to_string(examples().join("../docs/RULES.md")).unwrap();
    assert_eq!(stdout(&output), doc, "docs/RULES.md is stale: regenerate it with `ketapath rules > docs/RULES.md`");
    let json = run(&["rules", "--json"], None);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(parsed["rules"].as_array().unwrap().len() >= 50);
}
