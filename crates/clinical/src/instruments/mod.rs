//! Rating instruments: item definitions, parsing of item scores, totals, severity bands and safety flags.
//!
//! Each instrument lives in its own file and exposes a `SPEC` (items, ranges, bands, codes, licence line)
//! plus its scoring rule. This file holds what they share: the [`Instrument`] name, parsing of raw JSON
//! item lists into checked [`Items`] (parse, don't validate), and [`score`].
//!
//! Licensed instruments (QIDS-SR16, MADRS, CADSS, BPRS) carry item names and numbers only, never their texts
//! (DESIGN.md, "Clinical safety principles"; `clinical.md` §2.3–2.7).

pub mod bprs;
pub mod cadss;
pub mod gad7;
pub mod madrs;
pub mod moaas;
pub mod phq9;
pub mod qids;

use std::marker::PhantomData;

use serde::Serialize;
use serde_json::Value;

use crate::error::InvalidInput;
use crate::rule::{Rule, RuleRef};
use crate::safety::crisis::Crisis;
use crate::safety::suicide_items::suicide_item_crisis;

/// The instruments KetaPath scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Phq9,
    Gad7,
    QidsSr16,
    Madrs,
    Cadss,
    Moaas,
    BprsPositive,
}

impl Instrument {
    pub const ALL: [Instrument; 7] = [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::QidsSr16,
        Instrument::Madrs,
        Instrument::Cadss,
        Instrument::Moaas,
        Instrument::BprsPositive,
    ];

    /// The code used in URLs, JSON and the CLI (`phq9`, `qids_sr16`, …).
    pub fn code(self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::QidsSr16 => "qids_sr16",
            Instrument::Madrs => "madrs",
            Instrument::Cadss => "cadss",
            Instrument::Moaas => "moaas",
            Instrument::BprsPositive => "bprs_positive",
        }
    }

    /// Parses an instrument code; the error lists the known codes.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        InvalidInput::from_code(&Instrument::ALL, Instrument::code, code, "instrument", "instrument")
    }

    pub fn spec(self) -> &'static InstrumentSpec {
        match self {
            Instrument::Phq9 => &phq9::SPEC,
            Instrument::Gad7 => &gad7::SPEC,
            Instrument::QidsSr16 => &qids::SPEC,
            Instrument::Madrs => &madrs::SPEC,
            Instrument::Cadss => &cadss::SPEC,
            Instrument::Moaas => &moaas::SPEC,
            Instrument::BprsPositive => &bprs::SPEC,
        }
    }
}

impl std::fmt::Display for Instrument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One item of an instrument. `text` is `None` for licensed instruments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub number: u8,
    pub name: &'static str,
    pub text: Option<&'static str>,
    pub loinc: Option<&'static str>,
}

impl Item {
    /// The items of a licensed instrument, known by name and number only (numbered from 1 in the order given):
    /// their texts are not ours to ship, so no text or LOINC code can be set by mistake.
    pub(crate) const fn names_only<const N: usize>(names: [&'static str; N]) -> [Item; N] {
        const UNNAMED: Item = Item { number: 0, name: "", text: None, loinc: None };
        let mut items = [UNNAMED; N];
        let mut index = 0;
        while index < N {
            // Instruments have far fewer than 255 items, so the number cannot wrap.
            items[index] = Item { number: index as u8 + 1, name: names[index], text: None, loinc: None };
            index += 1;
        }
        items
    }
}

/// An answer option with its LOINC answer code, where the instrument has them (PHQ-9, GAD-7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerOption {
    pub score: u8,
    pub label: &'static str,
    pub loinc: Option<&'static str>,
}

/// A severity band: totals from `min` to `max` inclusive are `severity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Band {
    pub min: u16,
    pub max: u16,
    /// Machine code, for example `moderately_severe`.
    pub severity: &'static str,
    /// Plain-language label, for example `Moderately severe`.
    pub label: &'static str,
}

/// The band of totals from `min` to `max` inclusive, which are `severity`: a code and its label (see [`severity`]).
pub(crate) const fn band(min: u16, max: u16, severity: (&'static str, &'static str)) -> Band {
    Band { min, max, severity: severity.0, label: severity.1 }
}

/// The severity words (code, label) the depression and anxiety scales share, written once so that a code reads the
/// same whichever instrument's band it names.
pub(crate) mod severity {
    pub const NONE: (&str, &str) = ("none", "None");
    pub const MINIMAL: (&str, &str) = ("minimal", "Minimal");
    pub const MILD: (&str, &str) = ("mild", "Mild");
    pub const MODERATE: (&str, &str) = ("moderate", "Moderate");
    pub const MODERATELY_SEVERE: (&str, &str) = ("moderately_severe", "Moderately severe");
    pub const SEVERE: (&str, &str) = ("severe", "Severe");
    pub const VERY_SEVERE: (&str, &str) = ("very_severe", "Very severe");
}

/// Everything static about an instrument.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentSpec {
    pub instrument: Instrument,
    pub name: &'static str,
    pub recall: &'static str,
    pub items: &'static [Item],
    pub item_min: u8,
    pub item_max: u8,
    pub total_max: u16,
    pub bands: &'static [Band],
    pub answers: &'static [AnswerOption],
    pub loinc_panel: Option<&'static str>,
    pub loinc_total: Option<&'static str>,
    /// Copyright or licence line to show with the texts; `None` when no text is shown.
    pub copyright: Option<&'static str>,
    /// The rule that defines the items, scoring and bands.
    pub rule: &'static Rule,
}

impl InstrumentSpec {
    /// A Pfizer screener (PHQ-9, GAD-7): texts shown with the Pfizer line, the PHQ answer options with their LOINC
    /// answer codes, items rated 0-3 over the last 2 weeks, and a total that is the item sum.
    pub(crate) const fn pfizer(
        instrument: Instrument,
        name: &'static str,
        items: &'static [Item],
        bands: &'static [Band],
        loinc_panel: &'static str,
        loinc_total: &'static str,
        rule: &'static Rule,
    ) -> Self {
        InstrumentSpec {
            instrument,
            name,
            recall: "last 2 weeks",
            items,
            item_min: 0,
            item_max: 3,
            // The cast cannot truncate: the screeners have 7 and 9 items.
            total_max: 3 * items.len() as u16,
            bands,
            answers: &phq9::ANSWERS,
            loinc_panel: Some(loinc_panel),
            loinc_total: Some(loinc_total),
            copyright: Some(phq9::COPYRIGHT),
            rule,
        }
    }

    /// A licensed instrument (QIDS-SR16, MADRS, CADSS, BPRS): items known by name and number only, rated from 0,
    /// with no answer labels, no LOINC codes and no licence line, since none of its text is shown. The highest
    /// total is where the last band ends, so the two cannot disagree.
    pub(crate) const fn licensed(
        instrument: Instrument,
        name: &'static str,
        recall: &'static str,
        items: &'static [Item],
        item_max: u8,
        bands: &'static [Band],
        rule: &'static Rule,
    ) -> Self {
        InstrumentSpec {
            instrument,
            name,
            recall,
            items,
            item_min: 0,
            item_max,
            total_max: bands[bands.len() - 1].max,
            bands,
            answers: &[],
            loinc_panel: None,
            loinc_total: None,
            copyright: None,
            rule,
        }
    }

    /// The band a total falls in. Totals come from [`score`], so they are always within a band;
    /// the fallback to the last band only guards against a table typo, which the band tests catch.
    pub fn band(&self, total: u16) -> &'static Band {
        let bands = self.bands;
        bands.iter().find(|b| total >= b.min && total <= b.max).unwrap_or(&bands[bands.len() - 1])
    }
}

/// Item scores that have been checked against their instrument: right count, integers, in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Items {
    instrument: Instrument,
    values: Vec<u8>,
}

impl Items {
    /// Parses a JSON array of item scores. `field` names the array in error messages (`items`, `phq9`).
    pub fn parse(instrument: Instrument, raw: &Value, field: &str) -> Result<Self, InvalidInput> {
        let spec = instrument.spec();
        let Some(array) = raw.as_array() else {
            return Err(InvalidInput::new(field, format!("must be an array of {} item scores", spec.items.len())));
        };
        if array.len() != spec.items.len() {
            return Err(InvalidInput::new(
                field,
                format!("{} has {} items; got {}", spec.name, spec.items.len(), array.len()),
            ));
        }
        let mut values = Vec::with_capacity(array.len());
        for (index, value) in array.iter().enumerate() {
            let item = &spec.items[index];
            let in_range = value
                .as_i64()
                .filter(|v| (i64::from(spec.item_min)..=i64::from(spec.item_max)).contains(v))
                .and_then(|v| u8::try_from(v).ok());
            match in_range {
                Some(v) => values.push(v),
                None => {
                    return Err(InvalidInput::new(
                        format!("{field}[{index}]"),
                        format!(
                            "item {} ({}) must be an integer from {} to {}; got {}",
                            item.number, item.name, spec.item_min, spec.item_max, value
                        ),
                    ));
                }
            }
        }
        Ok(Self { instrument, values })
    }

    /// Parses the scoring document `{"items": [...]}`.
    pub fn from_document(instrument: Instrument, document: &Value) -> Result<Self, InvalidInput> {
        let Some(object) = document.as_object() else {
            return Err(InvalidInput::new("", "expected a JSON object with an \"items\" array"));
        };
        let Some(raw) = object.get("items") else {
            return Err(InvalidInput::new("items", "is required"));
        };
        Self::parse(instrument, raw, "items")
    }

    /// Checks integer item scores given by typed callers (the portal, tests).
    pub fn from_values(instrument: Instrument, values: &[i64]) -> Result<Self, InvalidInput> {
        let raw = Value::Array(values.iter().map(|v| Value::from(*v)).collect());
        Self::parse(instrument, &raw, "items")
    }

    pub fn instrument(&self) -> Instrument {
        self.instrument
    }

    pub fn values(&self) -> &[u8] {
        &self.values
    }

    /// The score of item `number` (1-based, as instruments number them).
    pub fn item(&self, number: u8) -> u8 {
        self.values[usize::from(number) - 1]
    }
}

/// A safety or clinical flag raised by an instrument (for example PHQ-9 item 9 above zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    pub code: &'static str,
    /// The item that raised it, 1-based, when one did.
    pub item: Option<u8>,
    pub message: String,
    pub rule: RuleRef,
}

/// The scored result of one administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Named apart from the report, which the API serves and documents as `Score` (see `openapi` below).
#[cfg_attr(feature = "openapi", schema(as = ScoreFields))]
pub struct Score {
    /// The rule set that produced the score, so a stored or printed score says which rules it came from.
    pub rules_version: &'static str,
    pub instrument: Instrument,
    pub total: u16,
    pub total_max: u16,
    pub severity: &'static str,
    pub severity_label: &'static str,
    pub flags: Vec<Flag>,
    pub rule: RuleRef,
}

/// Scores checked items.
pub fn score(items: &Items) -> Score {
    let instrument = items.instrument;
    let spec = instrument.spec();
    let values = items.values();
    // Every total but the QIDS-SR16's is the plain item sum (see [`qids::total`]).
    let total = if instrument == Instrument::QidsSr16 { qids::total(values) } else { sum(values) };
    let flags = match instrument {
        Instrument::Phq9 => phq9::flags(values),
        Instrument::QidsSr16 => qids::flags(values),
        Instrument::Madrs => madrs::flags(values),
        Instrument::Moaas => moaas::flags(values),
        // The GAD-7 has no item that calls for a safety flag.
        Instrument::Gad7 => Vec::new(),
        // The CADSS raises no flag from one administration: whether a high total is dissociation depends on the
        // pre-dose total, which [`cadss::dissociation`] takes.
        Instrument::Cadss => Vec::new(),
        // No flags: the BPRS positive subscale has no published threshold, and a change from pre-dose is for the
        // clinician to judge.
        Instrument::BprsPositive => Vec::new(),
    };
    let band = spec.band(total);
    Score {
        rules_version: crate::rule::RULES_VERSION,
        instrument,
        total,
        total_max: spec.total_max,
        severity: band.severity,
        severity_label: band.label,
        flags,
        rule: spec.rule.reference(),
    }
}

/// A score with the crisis block that its suicide item calls for: the document of `ketapath score --json` and of
/// `POST /api/v1/instruments/{instrument}/score`. `crisis` (the self-check's shape) is present only when the
/// suicide item is positive ([`crate::safety::suicide_items`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreReport {
    #[serde(flatten)]
    pub score: Score,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<Crisis>,
}

impl std::ops::Deref for ScoreReport {
    type Target = Score;

    fn deref(&self) -> &Score {
        &self.score
    }
}

/// The report's schema as the JSON is sent: one object with the score's fields and the optional crisis block
/// beside them. A derive would describe the flattened score as `allOf`, which leaves `crisis` out of the
/// properties a reader of `Score` looks at; building it from [`Score`]'s own derived schema keeps every field
/// derived from the real type.
#[cfg(feature = "openapi")]
mod openapi {
    use std::borrow::Cow;

    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::{Score, ScoreReport};
    use crate::safety::Crisis;

    impl PartialSchema for ScoreReport {
        fn schema() -> RefOr<Schema> {
            let mut schema = Score::schema();
            if let RefOr::T(Schema::Object(object)) = &mut schema {
                let mut crisis = Ref::from_schema_name(Crisis::name());
                crisis.description = "Present only when the instrument's suicide item is positive".to_owned();
                object.properties.insert("crisis".to_owned(), crisis.into());
            }
            schema
        }
    }

    impl ToSchema for ScoreReport {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Score")
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            Score::schemas(schemas);
            schemas.push((Crisis::name().into_owned(), Crisis::schema()));
            Crisis::schemas(schemas);
        }
    }
}

/// Scores checked items and adds the crisis block of their suicide item.
pub fn score_report(items: &Items) -> ScoreReport {
    ScoreReport { score: score(items), crisis: suicide_item_crisis(items) }
}

/// Parses `{"items": [...]}` for `instrument` and scores it: the contract of `ketapath score` and
/// `POST /api/v1/instruments/{instrument}/score`.
pub fn score_document(instrument: Instrument, document: &Value) -> Result<ScoreReport, InvalidInput> {
    Ok(score_report(&Items::from_document(instrument, document)?))
}

/// Sum of item scores: the total of every instrument but the QIDS-SR16.
pub(crate) fn sum(values: &[u8]) -> u16 {
    values.iter().map(|v| u16::from(*v)).sum()
}

/// The score of item `number` (1-based) in checked item values, or 0 when the slice is too short.
///
/// Instrument modules receive the values of an [`Items`], whose length is checked, so the fallback never
/// applies to real input; it exists so that a public scoring function cannot panic on a hand-made slice.
pub(crate) fn item_score(values: &[u8], number: u8) -> u8 {
    usize::from(number).checked_sub(1).and_then(|index| values.get(index)).copied().unwrap_or(0)
}

/// Checks a clinic-configured flag threshold against the range it may take, so that a typo in a clinic's
/// settings can neither switch a safety flag off nor raise it for every administration.
pub(crate) fn checked_threshold(
    field: &str,
    value: u8,
    allowed: std::ops::RangeInclusive<u8>,
) -> Result<u8, InvalidInput> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(InvalidInput::new(field, format!("must be from {} to {}; got {value}", allowed.start(), allowed.end())))
    }
}

/// A suicide item whose score at or above a clinic's threshold raises a flag (MADRS item 10, QIDS-SR16 item 12).
/// The instruments differ only in these constants; [`ItemThreshold`] holds the check and the flag once.
pub trait SuicideItem {
    /// The item, 1-based.
    const ITEM: u8;
    /// The setting's name, as an error names it (`madrs.item10_threshold`).
    const SETTING: &'static str;
    /// The default threshold, which is also the highest allowed: the urgent cut-off of the crisis levels
    /// (`crate::safety::suicide_items`), so that the flag and the crisis block appear together.
    const DEFAULT_THRESHOLD: u8;
    /// The flag's code and rule.
    const FLAG: (&'static str, &'static Rule);

    /// The flag's message for an item score at or above the threshold.
    fn message(score: u8, threshold: u8) -> String;
}

/// A clinic's threshold for the flag of suicide item `I`, from 1 to its default: zero would flag every
/// administration, and above the default the flag would be less sensitive than the crisis levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub struct ItemThreshold<I> {
    threshold: u8,
    #[serde(skip)]
    item: PhantomData<I>,
}

impl<I: SuicideItem> ItemThreshold<I> {
    pub fn new(threshold: u8) -> Result<Self, InvalidInput> {
        let threshold = checked_threshold(I::SETTING, threshold, 1..=I::DEFAULT_THRESHOLD)?;
        Ok(Self { threshold, item: PhantomData })
    }

    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// The item's flag, when its score reaches the threshold.
    pub fn flags(&self, values: &[u8]) -> Vec<Flag> {
        let score = item_score(values, I::ITEM);
        if score < self.threshold {
            return Vec::new();
        }
        let (code, rule) = I::FLAG;
        vec![Flag { code, item: Some(I::ITEM), message: I::message(score, self.threshold), rule: rule.reference() }]
    }
}

impl<I: SuicideItem> Default for ItemThreshold<I> {
    fn default() -> Self {
        Self { threshold: I::DEFAULT_THRESHOLD, item: PhantomData }
    }
}

/// The rules that define the instruments.
pub fn rules() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Instrument::ALL.iter().map(|i| i.spec().rule).collect();
    all.extend(phq9::EXTRA_RULES);
    all.extend(gad7::EXTRA_RULES);
    all.extend(qids::EXTRA_RULES);
    all.extend(madrs::EXTRA_RULES);
    all.extend(cadss::EXTRA_RULES);
    all.extend(moaas::EXTRA_RULES);
    all.extend(bprs::EXTRA_RULES);
    all
}
