//! Rendering results for people (plain text for a terminal) and for scripts (one JSON document).
//!
//! Text rendering is kept apart from the commands so that snapshot tests can pin it without a process.

use std::fmt::Write as _;

use ketapath_clinical::instruments::Score;
use ketapath_clinical::safety::crisis::{Crisis, CrisisLevel};
use ketapath_clinical::screen::Screening;
use ketapath_clinical::trd::TrdStatus;
use ketapath_clinical::{InvalidInput, RULES_VERSION, Rule};
use ketapath_directory::search::SearchResponse;
use serde::Serialize;

use crate::failure::Failure;

/// Serializes one JSON document, pretty-printed.
pub fn json<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Runtime(e.into()))
}

/// A score as a person reads it in a terminal.
pub fn score_text(score: &Score, crisis: Option<&Crisis>) -> String {
    let spec = score.instrument.spec();
    let mut out = String::new();
    if let Some(crisis) = crisis {
        crisis_text(&mut out, crisis);
        let _ = writeln!(out);
    }
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "{}: {} of {} ({})", spec.name, score.total, score.total_max, score.severity_label);
    for flag in &score.flags {
        let _ = writeln!(out, "  ! {}", flag.message);
    }
    let _ = writeln!(out, "  rule {} · rules {}", score.rule, RULES_VERSION);
    if let Some(copyright) = spec.copyright {
        let _ = writeln!(out, "  {copyright}");
    }
    out
}

/// The document `ketapath screen --json` prints for invalid answers whose triage answers could be read:
/// `{"error": {"code", "message", "field"}, "crisis": {...}}`, the error as the HTTP API writes it.
#[derive(Debug, Serialize)]
pub struct InvalidWithCrisis<'a> {
    pub error: ErrorDetail<'a>,
    pub crisis: &'a Crisis,
}

/// The error part of [`InvalidWithCrisis`]; `field` is `null` when no single field is at fault.
#[derive(Debug, Serialize)]
pub struct ErrorDetail<'a> {
    pub code: &'static str,
    pub message: &'a str,
    pub field: Option<&'a str>,
}

impl<'a> InvalidWithCrisis<'a> {
    pub fn new(error: &'a InvalidInput, crisis: &'a Crisis) -> Self {
        let field = (!error.field.is_empty()).then_some(error.field.as_str());
        Self { error: ErrorDetail { code: "invalid_input", message: &error.message, field }, crisis }
    }
}

/// Crisis help on its own, as printed before an input error.
pub fn crisis_help_text(crisis: &Crisis) -> String {
    let mut out = String::new();
    crisis_text(&mut out, crisis);
    let _ = writeln!(out);
    out
}

/// The serialized code of a unit enum (`meets_definition`, `unknown`), so text and JSON use the same words.
fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

/// Crisis help, always first: prominent when the level is not `none`, a short reminder otherwise.
fn crisis_text(out: &mut String, crisis: &Crisis) {
    match crisis.level {
        CrisisLevel::None => {
            let _ = writeln!(
                out,
                "If you are ever in crisis: call or text 988 · text HOME to 741741 · call 911 in danger."
            );
            let _ = writeln!(out, "{}", crisis.message);
        }
        CrisisLevel::Urgent | CrisisLevel::Emergency => {
            let heading =
                if crisis.level == CrisisLevel::Emergency { "GET HELP NOW" } else { "PLEASE REACH OUT TODAY" };
            let _ = writeln!(out, "!!! {heading} !!!");
            let _ = writeln!(out, "{}", crisis.message);
            for resource in &crisis.resources {
                let _ = writeln!(out, "  * {}: {} ({})", resource.name, resource.contact, resource.available);
                for option in resource.options {
                    let _ = writeln!(out, "      {option}");
                }
            }
        }
    }
}

/// The self-check as a person reads it: crisis help first, then scores, trials, TRD status, findings, what to discuss.
pub fn screening_text(result: &Screening) -> String {
    let mut out = String::new();
    crisis_text(&mut out, &result.crisis);
    let _ = writeln!(out);
    let _ =
        writeln!(out, "KetaPath self-check: a summary to discuss with a clinician (rules {})", result.rules_version);
    let _ = writeln!(out);
    let phq9 = &result.phq9;
    let _ = writeln!(out, "PHQ-9 depression score: {} of 27 ({})", phq9.total, phq9.severity.replace('_', " "));
    let _ = writeln!(out, "  Item 9 (thoughts of death or self-harm): {}", phq9.item9);

    if !result.trials.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Medicines tried:");
        for trial in &result.trials {
            let kind = if trial.counted { "antidepressant trial" } else { "not counted as an antidepressant trial" };
            let _ = writeln!(
                out,
                "  - {} ({}): adequate {}, did not help enough {}",
                trial.entered_as,
                kind,
                code(&trial.adequate),
                code(&trial.failed)
            );
            for note in &trial.notes {
                let _ = writeln!(out, "      {note}");
            }
        }
    }
    let _ = writeln!(out);
    let trd = match result.trd {
        TrdStatus::MeetsDefinition => "your answers meet the common definition of treatment-resistant depression",
        TrdStatus::Possible => "your answers may meet the definition; some details are missing or unclear",
        TrdStatus::NotMet => "your answers do not meet the common definition (two failed adequate trials)",
    };
    let _ = writeln!(
        out,
        "Treatment history: {trd} ({} failed adequate trials; {} possible).",
        result.failed_adequate_trials, result.possible_failed_trials
    );
    for (title, findings) in [
        ("Conditions the esketamine label lists as contraindications", &result.contraindications),
        ("Cautions", &result.cautions),
    ] {
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{title}:");
        for finding in findings {
            let detail = finding.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
            let _ = writeln!(out, "  - {}{detail}: {}", finding.label, finding.discuss);
        }
    }
    if !result.discuss.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "To discuss with a clinician:");
        for line in &result.discuss {
            let _ = writeln!(out, "  - {line}");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "This self-check does not decide whether a treatment is right for you; a clinician does. Nothing was stored."
    );
    out
}

/// The rule catalog as the Markdown document `docs/RULES.md`.
pub fn rules_markdown(rules: &[&Rule]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# KetaPath clinical rules (rule set {RULES_VERSION})");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Generated by `ketapath rules`; a test fails when this file and the code disagree. Confidence tags: C \
         confirmed in a primary source, S secondary only, U unverified. S and U rules are configurable defaults and \
         are shown to clinicians as such. Each source names the publication, label or guideline; a leading \
         `clinical.md §` names the section of the team's clinical reference notes (kept outside this repository) \
         where the rule was checked."
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "| Rule | Version | Confidence | Configurable | What it decides | Source |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for rule in rules {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            rule.id,
            rule.version,
            rule.confidence.tag(),
            if rule.configurable { "yes" } else { "no" },
            rule.summary.replace('|', "\\|"),
            rule.source.replace('|', "\\|")
        );
    }
    out
}

/// Search results as a person reads them: how many match, then one block per clinic, nearest first.
pub fn search_text(response: &SearchResponse<'_>) -> String {
    let mut out = String::new();
    let radius = response.radius_km.map(|r| format!(" within {r} km")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} clinic(s) match{radius} of {:.4},{:.4}; showing {} from #{}",
        response.total,
        response.origin.lat,
        response.origin.lon,
        response.results.len(),
        response.offset + 1
    );
    for (n, clinic) in response.results.iter().enumerate() {
        let demo = if clinic.demo { " [demo listing]" } else { "" };
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{:>3}. {:.1} km ({:.1} mi)  {}{demo}",
            response.offset + n + 1,
            clinic.distance_km,
            clinic.distance_km / 1.609_344,
            clinic.name
        );
        let _ = writeln!(
            out,
            "     {}, {}, {} {}  [id {}]",
            clinic.street, clinic.city, clinic.state, clinic.zip, clinic.id
        );
        let _ = writeln!(out, "     offers: {}; payment: {}", clinic.offers.join(", "), clinic.payment.join(", "));
        let languages: Vec<&str> = clinic.languages.iter().map(|l| l.as_str()).collect();
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "     telehealth {}; accepting new patients {}; REMS-certified {}; languages {}",
            yes_no(clinic.telehealth),
            yes_no(clinic.accepting_new_patients),
            yes_no(clinic.rems_certified),
            languages.join(", ")
        );
        let verified = clinic.last_verified.map(|d| d.to_string()).unwrap_or_else(|| "never".to_owned());
        let phone = clinic.phone.unwrap_or("no phone listed");
        let _ = writeln!(out, "     {phone}; last verified {verified}");
    }
    out
}
