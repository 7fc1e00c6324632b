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
        assert!(stdout(&output).is_empty(), "nothing on stdout on failure");
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
