//! The self-check form as it travels between the steps: raw field values from a form body, the step they belong
//! to, the hidden fields that carry earlier answers, and the conversion to the DESIGN.md input document.
//!
//! The form layer only turns text into JSON values (a number that is not a number is its error). Every rule about
//! the values (ranges, known drugs and conditions, what is required) is the engine's: the document goes through
//! `ScreeningInput::parse`, and its errors, which name a JSON field (`trials[0].weeks`), are mapped back to the
//! form field they came from (`trial1_weeks`).

use crate::i18n::{Lang, Tr};
use ketapath_clinical::InvalidInput;
use ketapath_clinical::safety::conditions;
use ketapath_clinical::screen::{DIASTOLIC_RANGE, MAX_AGE, MAX_EPISODE_MONTHS, SYSTOLIC_RANGE, ScreeningInput};
use ketapath_clinical::trd::trial::{MAX_DOSE_MG_PER_DAY, MAX_WEEKS};
use serde_json::{Map, Value, json};

/// Rows of past antidepressants the form can hold.
pub const MAX_TRIALS: usize = 6;

/// Rows of past antidepressants shown at first; "Add another medicine" shows one more at a time, up to
/// [`MAX_TRIALS`], so that the page starts short and a long history still fits.
pub const FIRST_TRIAL_ROWS: usize = 3;

/// Longest value kept from any field; longer input is cut, since no answer needs more.
const MAX_VALUE_CHARS: usize = 200;

/// Most condition checkboxes read (the catalog has fewer; more is not a real browser).
const MAX_CONDITIONS: usize = 64;

/// The steps of the form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Phq9,
    /// Only when PHQ-9 item 9 is above 0: crisis help first, then "are you thinking about acting on these thoughts?".
    FollowUp,
    /// Only after "yes" to the follow-up: the get-help-now page (911 first), with a button to continue the check.
    /// No field belongs to it, so every answer travels through it in hidden fields.
    HelpNow,
    Trials,
    About,
}

impl Step {
    const CODES: [(&'static str, Step); 5] = [
        ("phq9", Step::Phq9),
        ("followup", Step::FollowUp),
        ("helpnow", Step::HelpNow),
        ("trials", Step::Trials),
        ("about", Step::About),
    ];

    pub fn code(self) -> &'static str {
        Self::CODES.iter().find(|(_, s)| *s == self).map_or("phq9", |(c, _)| c)
    }

    pub fn parse(code: &str) -> Option<Step> {
        Self::CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
    }
}

/// How much a medicine helped, as offered on the form: the engine's improvement codes with plain labels.
pub const IMPROVEMENT_CHOICES: [(&str, &str); 4] = [
    ("unknown", "Not sure"),
    ("none", "Little or not at all (less than 25% better)"),
    ("partial", "Somewhat (25 to 49% better)"),
    ("response", "A lot (50% better or more)"),
];

/// One row of past antidepressants, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrialRow {
    pub drug: String,
    pub dose: String,
    pub weeks: String,
    pub improvement: String,
    pub augmentation: bool,
}

impl TrialRow {
    /// A row with nothing typed in it is skipped (the improvement menu always has a value, so it does not count).
    pub fn is_blank(&self) -> bool {
        self.drug.is_empty() && self.dose.is_empty() && self.weeks.is_empty() && !self.augmentation
    }
}

/// A message for one form field (`age`, `trial2_weeks`, `phq9_3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    /// The message in English.
    pub message: String,
    /// The catalogue id of the message and its arguments (`$n`, a question or row number; `$min` and `$max` of a
    /// range), for the Spanish pages; `None` for messages that are only ever shown in English.
    pub key: Option<(&'static str, Vec<(&'static str, String)>)>,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), key: None }
    }

    /// A message the catalogue holds as `id`, with `n` for its `$n`.
    fn keyed(field: impl Into<String>, message: impl Into<String>, id: &'static str, n: usize) -> Self {
        Self::keyed_with(field, message, id, vec![("n", n.to_string())])
    }

    /// A message the catalogue holds as `id`, with `args` for its placeables.
    pub(crate) fn keyed_with(
        field: impl Into<String>,
        message: impl Into<String>,
        id: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> Self {
        Self { key: Some((id, args)), ..Self::new(field, message) }
    }

    /// A message that only the catalogue holds, as `id` with `args`: its English words are the `en-US` message.
    pub(crate) fn coded(field: impl Into<String>, id: &'static str, args: Vec<(&'static str, String)>) -> Self {
        let english = Lang::En.tr().a(id, &args);
        Self::keyed_with(field, english, id, args)
    }

    /// The message in `t`'s language: English is `message` itself.
    pub fn message_in(&self, t: Tr) -> String {
        match (t.lang(), &self.key) {
            (Lang::Es, Some((id, args))) => t.a(id, args),
            _ => self.message.clone(),
        }
    }

    /// The step whose page shows the field.
    pub fn step(&self) -> Step {
        step_of(&self.field)
    }
}

/// The step a form field belongs to.
pub fn step_of(field: &str) -> Step {
    if field.starts_with("phq9_") {
        Step::Phq9
    } else if field == "acting" {
        Step::FollowUp
    } else if field.starts_with("trial") {
        Step::Trials
    } else {
        Step::About
    }
}

/// Every answer given so far, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckForm {
    /// The step whose page was submitted.
    pub step: Option<Step>,
    pub phq9: [String; 9],
    /// `yes`, `no` or empty.
    pub acting: String,
    pub trials: Vec<TrialRow>,
    pub conditions: Vec<String>,
    pub age: String,
    pub systolic: String,
    pub diastolic: String,
    pub episode_months: String,
    /// The id of the clinic the person came from (`/check?to=...`), to preselect on the send page. With `zip`, the
    /// only value that may travel in a URL; it carries no answer.
    pub to: String,
    /// The ZIP code the person searched clinics from (`/check?zip=...` from the finder), so that the send page lists
    /// the nearest clinics first without asking again. Only a five-digit ZIP is kept.
    pub zip: String,
    /// The step a Back button asks for: that step is shown with every answer kept, nothing checked.
    pub go: Option<Step>,
    /// Medicine rows the medicines page showed (its hidden `rows` field), and whether "Add another medicine" was
    /// pressed; neither is an answer.
    pub rows: usize,
    pub add_row: bool,
}

impl Default for CheckForm {
    fn default() -> Self {
        Self {
            step: None,
            phq9: Default::default(),
            acting: String::new(),
            trials: vec![TrialRow::default(); MAX_TRIALS],
            conditions: Vec::new(),
            age: String::new(),
            systolic: String::new(),
            diastolic: String::new(),
            episode_months: String::new(),
            to: String::new(),
            zip: String::new(),
            go: None,
            rows: 0,
            add_row: false,
        }
    }
}

/// `trial3_dose` -> (row index 2, "dose").
fn trial_field(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("trial")?;
    let (number, part) = rest.split_once('_')?;
    let number: usize = number.parse().ok()?;
    (1..=MAX_TRIALS).contains(&number).then_some((number - 1, part))
}

impl CheckForm {
    /// Reads an `application/x-www-form-urlencoded` body. Unknown fields are ignored; values are trimmed and capped.
    pub fn parse(body: &[u8]) -> Self {
        let mut form = CheckForm::default();
        for (key, value) in form_urlencoded::parse(body) {
            let value: String = value.trim().chars().take(MAX_VALUE_CHARS).collect();
            match key.as_ref() {
                "step" => form.step = Step::parse(&value),
                "acting" => form.acting = value,
                "condition" if form.conditions.len() < MAX_CONDITIONS => {
                    if !form.conditions.contains(&value) {
                        form.conditions.push(value);
                    }
                }
                "age" => form.age = value,
                "systolic" => form.systolic = value,
                "diastolic" => form.diastolic = value,
                "episode_months" => form.episode_months = value,
                "to" => form.to = clinic_id_or_empty(&value),
                "zip" => form.zip = zip_or_empty(&value),
                "go" => form.go = Step::parse(&value),
                "rows" => form.rows = value.parse::<usize>().map_or(0, |n| n.min(MAX_TRIALS)),
                "add_row" => form.add_row = !value.is_empty(),
                other => {
                    if let Some(slot) = other
                        .strip_prefix("phq9_")
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|n| n.checked_sub(1))
                        .and_then(|i| form.phq9.get_mut(i))
                    {
                        *slot = value;
                    } else if let Some((row, part)) = trial_field(other) {
                        let row = &mut form.trials[row];
                        match part {
                            "drug" => row.drug = value.split_whitespace().collect::<Vec<_>>().join(" "),
                            "dose" => row.dose = value,
                            "weeks" => row.weeks = value,
                            "improvement" => row.improvement = value,
                            "augmentation" => row.augmentation = !value.is_empty(),
                            _ => {}
                        }
                    }
                }
            }
        }
        form
    }

    /// The PHQ-9 item 9 answer, when it is a valid one.
    pub fn item9(&self) -> Option<u8> {
        phq9_value(&self.phq9[8])
    }

    /// The crisis block that the answers given so far call for, read leniently from PHQ-9 item 9 and the follow-up
    /// answer by the engine's triage pre-read, whatever else is wrong with the form; `None` when item 9 is not
    /// answered and the follow-up is not "yes".
    pub fn triage(&self) -> Option<ketapath_clinical::safety::Crisis> {
        let items: Vec<Value> = self.phq9.iter().map(|raw| phq9_value(raw).map_or(Value::Null, |v| json!(v))).collect();
        let acting = self.acting == "yes";
        ketapath_clinical::safety::triage_pre_read(&json!({"phq9": items, "acting_on_thoughts": acting}))
    }

    /// Every non-empty answer as (field name, value), in form order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, value) in self.phq9.iter().enumerate() {
            out.push((format!("phq9_{}", i + 1), value.clone()));
        }
        out.push(("acting".to_owned(), self.acting.clone()));
        for (i, row) in self.trials.iter().enumerate() {
            let n = i + 1;
            out.push((format!("trial{n}_drug"), row.drug.clone()));
            out.push((format!("trial{n}_dose"), row.dose.clone()));
            out.push((format!("trial{n}_weeks"), row.weeks.clone()));
            if !row.is_blank() {
                out.push((format!("trial{n}_improvement"), row.improvement.clone()));
            }
            if row.augmentation {
                out.push((format!("trial{n}_augmentation"), "yes".to_owned()));
            }
        }
        for code in &self.conditions {
            out.push(("condition".to_owned(), code.clone()));
        }
        for (name, value) in [
            ("age", &self.age),
            ("systolic", &self.systolic),
            ("diastolic", &self.diastolic),
            ("episode_months", &self.episode_months),
        ] {
            out.push((name.to_owned(), value.clone()));
        }
        out.push(("to".to_owned(), self.to.clone()));
        out.push(("zip".to_owned(), self.zip.clone()));
        out.retain(|(_, value)| !value.is_empty());
        out
    }

    /// The answers of every step but `shown`, to carry forward in hidden fields, and the clinic and ZIP the check
    /// is for.
    pub fn hidden_for(&self, shown: Step) -> Vec<(String, String)> {
        self.pairs().into_iter().filter(|(name, _)| is_carried(name) || step_of(name) != shown).collect()
    }

    /// The clinic id and ZIP of `/check?to=...&zip=...` from a raw query string; anything that is not a clinic id
    /// or a ZIP is dropped.
    pub fn from_query(query: Option<&str>) -> Self {
        let value = |name: &str| {
            query
                .and_then(|q| {
                    form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
                })
                .unwrap_or_default()
        };
        CheckForm {
            to: clinic_id_or_empty(value("to").trim()),
            zip: zip_or_empty(value("zip").trim()),
            ..CheckForm::default()
        }
    }

    /// How many medicine rows the medicines page shows: at least [`FIRST_TRIAL_ROWS`], every row with something
    /// typed in it, as many as the page showed before, and one more after "Add another medicine".
    pub fn trial_rows_shown(&self) -> usize {
        let last_filled = self.trials.iter().rposition(|row| !row.is_blank()).map_or(0, |i| i + 1);
        let asked = self.rows + usize::from(self.add_row);
        FIRST_TRIAL_ROWS.max(last_filled).max(asked).min(MAX_TRIALS)
    }

    /// Checks every answer: form-level problems first (a missing PHQ-9 answer, text where a number belongs), then
    /// the engine's own parse of the document. Errors name form fields.
    pub fn check(&self) -> Result<ScreeningInput, Vec<FieldError>> {
        let (document, rows) = self.document()?;
        ScreeningInput::parse(&document).map_err(|e| vec![map_engine_error(&e, &rows)])
    }

    /// The DESIGN.md input document, and for each entry of its `trials` the form row it came from.
    pub fn document(&self) -> Result<(Value, Vec<usize>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut doc = Map::new();

        let mut items = Vec::with_capacity(9);
        for (i, raw) in self.phq9.iter().enumerate() {
            match phq9_value(raw) {
                Some(v) => items.push(json!(v)),
                None => errors.push(FieldError::coded(
                    format!("phq9_{}", i + 1),
                    "error-phq9-answer",
                    vec![("n", (i + 1).to_string())],
                )),
            }
        }
        doc.insert("phq9".into(), Value::Array(items));

        match (self.acting.as_str(), self.item9()) {
            ("yes", _) => {
                doc.insert("acting_on_thoughts".into(), json!(true));
            }
            ("no", _) => {
                doc.insert("acting_on_thoughts".into(), json!(false));
            }
            ("", Some(0) | None) => {}
            _ => errors.push(FieldError::keyed("acting", "Please choose yes or no.", "error-yes-no", 0)),
        }

        let mut trials = Vec::new();
        let mut rows = Vec::new();
        for (i, row) in self.trials.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
            let n = i + 1;
            let mut trial = Map::new();
            if row.drug.is_empty() {
                errors.push(FieldError::keyed(
                    format!("trial{n}_drug"),
                    "Please enter the name of the medicine, or clear this row.",
                    "error-trial-drug",
                    n,
                ));
            }
            trial.insert("drug".into(), json!(row.drug));
            match milligrams(&row.dose) {
                Ok(value) => {
                    trial.insert("dose_mg_per_day".into(), value);
                }
                Err(()) => errors.push(FieldError::keyed(
                    format!("trial{n}_dose"),
                    format!(
                        "Medicine {n}, dose: please write the milligrams a day as a number, for example 300 or \
                         300 mg, or leave it empty."
                    ),
                    "error-trial-dose",
                    n,
                )),
            }
            match number(&row.weeks) {
                Ok(value) => {
                    trial.insert("weeks".into(), value);
                }
                Err(()) => errors.push(FieldError::keyed(
                    format!("trial{n}_weeks"),
                    format!(
                        "Medicine {n}, weeks: please write the number of weeks as a number, for example 8, or \
                         leave it empty."
                    ),
                    "error-trial-weeks",
                    n,
                )),
            }
            let improvement = if row.improvement.is_empty() { "unknown" } else { row.improvement.as_str() };
            trial.insert("improvement".into(), json!(improvement));
            trial.insert("augmentation".into(), json!(row.augmentation));
            trials.push(Value::Object(trial));
            rows.push(i);
        }
        if !trials.is_empty() {
            doc.insert("trials".into(), Value::Array(trials));
        }

        let known = conditions::input_codes();
        if let Some(unknown) = self.conditions.iter().find(|c| !known.contains(&c.as_str())) {
            errors.push(FieldError::keyed(
                "conditions",
                format!("Unknown condition {unknown:?}: please choose from the list."),
                "error-condition",
                0,
            ));
        }
        if !self.conditions.is_empty() {
            doc.insert("conditions".into(), json!(self.conditions));
        }

        for (name, raw, key, hint, id) in [
            (
                "age",
                &self.age,
                "age",
                "Please enter your age in whole years, for example 34, or leave it empty.",
                "error-age",
            ),
            (
                "episode_months",
                &self.episode_months,
                "episode_months",
                "Please enter the number of months, for example 18, or leave it empty.",
                "error-episode-months",
            ),
        ] {
            match number(raw) {
                Ok(Value::Null) => {}
                Ok(value) => {
                    doc.insert(key.into(), value);
                }
                Err(()) => errors.push(FieldError::keyed(name, hint, id, 0)),
            }
        }

        match (number(&self.systolic), number(&self.diastolic)) {
            (Ok(Value::Null), Ok(Value::Null)) => {}
            (Ok(Value::Null), Ok(_)) => {
                errors.push(FieldError::keyed(
                    "systolic",
                    "Please enter the upper number too, or leave both empty.",
                    "error-systolic-missing",
                    0,
                ));
            }
            (Ok(_), Ok(Value::Null)) => {
                errors.push(FieldError::keyed(
                    "diastolic",
                    "Please enter the lower number too, or leave both empty.",
                    "error-diastolic-missing",
                    0,
                ));
            }
            (Ok(systolic), Ok(diastolic)) => {
                doc.insert("blood_pressure".into(), json!({"systolic": systolic, "diastolic": diastolic}));
            }
            (systolic, diastolic) => {
                let hint = "Please enter a number of mmHg, for example 120, or leave both empty.";
                if systolic.is_err() {
                    errors.push(FieldError::keyed("systolic", hint, "error-mmhg", 0));
                }
                if diastolic.is_err() {
                    errors.push(FieldError::keyed("diastolic", hint, "error-mmhg", 0));
                }
            }
        }

        if errors.is_empty() { Ok((Value::Object(doc), rows)) } else { Err(errors) }
    }
}

/// `raw` when it is a well-formed clinic id, else empty: a bad `to` is ignored, never an error on the check.
fn clinic_id_or_empty(raw: &str) -> String {
    ketapath_directory::ClinicId::parse(raw).map(|id| id.as_str().to_owned()).unwrap_or_default()
}

/// `raw` when it is a five-digit ZIP code, else empty: a bad `zip` is ignored, and the send page asks for one.
fn zip_or_empty(raw: &str) -> String {
    ketapath_directory::Zip::parse(raw).map(|zip| zip.as_str().to_owned()).unwrap_or_default()
}

/// Fields that travel on every page (the clinic and ZIP the check is for), whatever step is shown.
fn is_carried(name: &str) -> bool {
    name == "to" || name == "zip"
}

/// Ways people write "a day" after a dose in milligrams, longest first so that "mg/day" is not read as "mg".
const DOSE_UNITS: [&str; 6] = ["milligrams a day", "milligrams", "mg per day", "mg a day", "mg/day", "mg"];

/// A dose as people type it: "300", "300 mg", "300mg", "300 mg/day". The unit is dropped and the number read as
/// [`number`] reads it; a unit alone or any other text is refused.
fn milligrams(raw: &str) -> Result<Value, ()> {
    let lower = raw.to_lowercase();
    let bare = DOSE_UNITS.iter().find_map(|unit| lower.strip_suffix(unit)).unwrap_or(&lower).trim_end();
    if bare.is_empty() && !raw.is_empty() {
        return Err(());
    }
    number(bare)
}

/// A PHQ-9 answer from a form field: 0 to 3, or `None`.
pub(crate) fn phq9_value(raw: &str) -> Option<u8> {
    raw.parse::<u8>().ok().filter(|v| *v <= 3)
}

/// Empty text is `null` (not known); whole numbers stay integers so the engine's integer fields accept them.
fn number(raw: &str) -> Result<Value, ()> {
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    if let Ok(whole) = raw.parse::<i64>() {
        return Ok(json!(whole));
    }
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(json!(value)),
        _ => Err(()),
    }
}

/// Maps an engine error on the JSON document back to the form field the value came from, with the catalogue
/// message that says the same in other languages (English keeps the engine's own sentence).
fn map_engine_error(error: &InvalidInput, rows: &[usize]) -> FieldError {
    let field = error.field.as_str();
    let message = sentence(&error.message);
    let range = |min: &dyn ToString, max: &dyn ToString| vec![("min", min.to_string()), ("max", max.to_string())];
    let (form_field, id, args) = if let Some(rest) = field.strip_prefix("phq9") {
        let index = rest.trim_start_matches('[').split(']').next().and_then(|i| i.parse::<usize>().ok()).unwrap_or(0);
        (format!("phq9_{}", index + 1), "error-phq9-answer", vec![("n", (index + 1).to_string())])
    } else if field == "acting_on_thoughts" {
        ("acting".to_owned(), "error-yes-no", Vec::new())
    } else if let Some(rest) = field.strip_prefix("trials") {
        let mut parts = rest.trim_start_matches('[').splitn(2, ']');
        let entry = parts.next().and_then(|i| i.parse::<usize>().ok()).unwrap_or(0);
        let part = parts.next().unwrap_or_default().trim_start_matches('.');
        let row = rows.get(entry).copied().unwrap_or(0) + 1;
        let n = ("n", row.to_string());
        let (part, id, args) = match part {
            "dose_mg_per_day" => ("dose", "error-trial-dose-range", vec![n, ("max", MAX_DOSE_MG_PER_DAY.to_string())]),
            "weeks" => ("weeks", "error-trial-weeks-range", vec![n, ("max", MAX_WEEKS.to_string())]),
            "improvement" => ("improvement", "error-trial-row", vec![n]),
            "augmentation" => ("augmentation", "error-trial-row", vec![n]),
            _ => ("drug", "error-trial-row", vec![n]),
        };
        (format!("trial{row}_{part}"), id, args)
    } else if field.starts_with("conditions") {
        ("conditions".to_owned(), "error-condition", Vec::new())
    } else if field == "blood_pressure.diastolic" {
        // The engine checks the diastolic range before the order of the two numbers; its order message is the
        // only one that names the other number.
        if error.message.contains("systolic") {
            ("diastolic".to_owned(), "error-bp-order", Vec::new())
        } else {
            ("diastolic".to_owned(), "error-diastolic-range", range(DIASTOLIC_RANGE.start(), DIASTOLIC_RANGE.end()))
        }
    } else if field.starts_with("blood_pressure") {
        ("systolic".to_owned(), "error-systolic-range", range(SYSTOLIC_RANGE.start(), SYSTOLIC_RANGE.end()))
    } else if field == "episode_months" {
        ("episode_months".to_owned(), "error-episode-range", vec![("max", MAX_EPISODE_MONTHS.to_string())])
    } else {
        ("age".to_owned(), "error-age-range", vec![("max", MAX_AGE.to_string())])
    };
    FieldError::keyed_with(form_field, message, id, args)
}

/// The engine's message as a sentence: capitalised, with a full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(pairs: &[(&str, &str)]) -> Vec<u8> {
        form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish().into_bytes()
    }

    const ANSWERS: [(&str, &str); 9] = [
        ("phq9_1", "1"),
        ("phq9_2", "2"),
        ("phq9_3", "0"),
        ("phq9_4", "3"),
        ("phq9_5", "1"),
        ("phq9_6", "0"),
        ("phq9_7", "2"),
        ("phq9_8", "1"),
        ("phq9_9", "0"),
    ];

    #[test]
    fn a_complete_form_becomes_the_engine_input() {
        let mut pairs = ANSWERS.to_vec();
        pairs.extend([
            ("trial2_drug", "  Zoloft "),
            ("trial2_dose", "100"),
            ("trial2_weeks", "8.5"),
            ("trial2_improvement", "none"),
            ("trial1_improvement", "unknown"),
            ("condition", "pregnancy"),
            ("condition", "pregnancy"),
            ("age", "34"),
            ("systolic", "150"),
            ("diastolic", "95"),
        ]);
        let form = CheckForm::parse(&body(&pairs));
        let input = form.check().unwrap();
        assert_eq!(input.phq9.values(), &[1, 2, 0, 3, 1, 0, 2, 1, 0]);
        assert_eq!(input.trials.len(), 1, "blank rows are skipped");
        assert_eq!(input.trials[0].drug, "Zoloft");
        assert_eq!(input.trials[0].weeks, Some(8.5));
        assert_eq!(input.conditions.len(), 1);
        assert_eq!(input.age, Some(34));
        assert!(input.blood_pressure.is_some());
    }

    #[test]
    fn engine_errors_come_back_to_the_row_they_came_from() {
        let mut pairs = ANSWERS.to_vec();
        pairs.extend([("trial3_drug", "sertraline"), ("trial3_dose", "0")]);
        let errors = CheckForm::parse(&body(&pairs)).check().unwrap_err();
        assert_eq!(errors[0].field, "trial3_dose", "{errors:?}");
        assert_eq!(errors[0].step(), Step::Trials);
        assert!(errors[0].message.starts_with('M') && errors[0].message.ends_with('.'), "{errors:?}");

        let mut pairs = ANSWERS.to_vec();
        pairs.extend([("age", "130")]);
        assert_eq!(CheckForm::parse(&body(&pairs)).check().unwrap_err()[0].field, "age");
        let mut pairs = ANSWERS.to_vec();
        pairs.extend([("systolic", "90"), ("diastolic", "120")]);
        assert_eq!(CheckForm::parse(&body(&pairs)).check().unwrap_err()[0].field, "diastolic");
    }

    #[test]
    fn form_level_errors_are_all_reported() {
        let pairs = [("phq9_1", "4"), ("phq9_9", "2"), ("trial1_dose", "lots"), ("systolic", "120"), ("age", "x")];
        let errors = CheckForm::parse(&body(&pairs)).check().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for expected in ["phq9_1", "phq9_2", "phq9_8", "acting", "trial1_drug", "trial1_dose", "diastolic", "age"] {
            assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
        }
        assert!(!fields.contains(&"phq9_9"));
    }

    #[test]
    fn doses_are_read_with_or_without_their_unit() {
        for typed in ["300", "300 mg", "300mg", "300 MG", "300 mg/day"] {
            assert_eq!(milligrams(typed), Ok(json!(300)), "{typed}");
        }
        assert_eq!(milligrams("37.5 mg"), Ok(json!(37.5)));
        assert_eq!(milligrams(""), Ok(Value::Null));
        for junk in ["mg", "lots", "300 pills", "mg300", "3OO mg"] {
            assert_eq!(milligrams(junk), Err(()), "{junk}");
        }
        let mut pairs = ANSWERS.to_vec();
        pairs.extend([("trial2_drug", "sertraline"), ("trial2_dose", "a lot")]);
        let errors = CheckForm::parse(&body(&pairs)).check().unwrap_err();
        assert_eq!(errors[0].field, "trial2_dose");
        assert!(errors[0].message.starts_with("Medicine 2, dose:"), "{errors:?}");
    }

    #[test]
    fn rows_start_at_three_and_grow_one_at_a_time() {
        assert_eq!(CheckForm::default().trial_rows_shown(), FIRST_TRIAL_ROWS);
        assert_eq!(CheckForm::parse(b"rows=3&add_row=yes").trial_rows_shown(), 4);
        assert_eq!(CheckForm::parse(b"trial5_drug=x").trial_rows_shown(), 5, "a filled row is never hidden");
        assert_eq!(CheckForm::parse(b"rows=6&add_row=yes").trial_rows_shown(), MAX_TRIALS);
    }

    #[test]
    fn hidden_fields_carry_every_other_step_and_round_trip() {
        let mut pairs = ANSWERS.to_vec();
        pairs.extend([
            ("acting", "no"),
            ("trial1_drug", "bupropion"),
            ("trial1_augmentation", "yes"),
            ("age", "70"),
            ("to", "clinic-a"),
        ]);
        let form = CheckForm::parse(&body(&pairs));
        let hidden = form.hidden_for(Step::Trials);
        assert!(hidden.iter().all(|(name, _)| name == "to" || step_of(name) != Step::Trials));
        assert!(form.hidden_for(Step::About).iter().any(|(name, value)| name == "to" && value == "clinic-a"));
        assert!(hidden.iter().any(|(name, value)| name == "phq9_4" && value == "3"));
        assert!(hidden.iter().any(|(name, value)| name == "age" && value == "70"));
        let again =
            CheckForm::parse(&body(&form.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>()));
        assert_eq!(again, form);
    }
}
