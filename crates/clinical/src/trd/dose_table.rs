//! The minimum adequate dose table (MGH-ATRQ study form): parsing, the embedded default and name lookup.
//!
//! Source: `clinical.md` §1.2, a third-party transcription of a study-specific MGH-ATRQ form [S]. Because it is
//! secondary, the table is a configurable rule: a clinic can load its own table with [`DoseTable::parse_csv`] and
//! every evaluation takes the table as a parameter.
//!
//! File format (`data/min_doses.csv`): `drug,class,min_mg_per_day,aliases,source,confidence,role,notes`, comma
//! separated with no quoting (no field may contain a comma). `aliases` is a `;`-separated list of other names,
//! mostly brand names; an alias written `name=25` is a formulation with its own minimum (Paxil CR, 25 mg/day).
//! `role` is `antidepressant` or `augmentation` (an agent that is only ever an adjunct, such as quetiapine).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "trd.min_dose_table",
    version: 1,
    summary: "Minimum adequate antidepressant doses (mg/day) from the MGH-ATRQ study form; a clinic may substitute its own table",
    source: "clinical.md §1.2; MGH-ATRQ study form (COMP006) via CyrusODN/Pre-Screening @2b2b7c1b",
    confidence: Confidence::Secondary,
    configurable: true,
};

/// The checked-in table, embedded at compile time so that the crate does no I/O.
const EMBEDDED_CSV: &str = include_str!("../../data/min_doses.csv");

const HEADER: [&str; 8] = ["drug", "class", "min_mg_per_day", "aliases", "source", "confidence", "role", "notes"];

/// Release-form suffixes that do not change which drug was taken ("venlafaxine XR" is venlafaxine).
///
/// They are stripped only when the full name is not itself in the table, so a formulation that has its own
/// minimum (paroxetine CR) is found by its alias first.
const RELEASE_SUFFIXES: [&str; 8] = ["xr", "er", "sr", "xl", "la", "cr", "ir", "odt"];

/// Drug class as the dose table groups drugs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DrugClass {
    Ssri,
    SerotoninModulator,
    Snri,
    /// The form's remainder group (bupropion, mirtazapine, ...): not one pharmacological class.
    Other,
    Tca,
    /// Amoxapine and maprotiline, grouped with the TCAs on the form.
    TcaTetracyclic,
    Maoi,
    /// Reversible inhibitors of monoamine oxidase A (moclobemide, pirlindole).
    Rima,
    Augmentation,
}

impl DrugClass {
    const LABELS: [(&'static str, DrugClass); 9] = [
        ("SSRI", DrugClass::Ssri),
        ("Serotonin modulator", DrugClass::SerotoninModulator),
        ("SNRI", DrugClass::Snri),
        ("Other", DrugClass::Other),
        ("TCA", DrugClass::Tca),
        ("TCA/tetracyclic", DrugClass::TcaTetracyclic),
        ("MAOI", DrugClass::Maoi),
        ("RIMA", DrugClass::Rima),
        ("Augmentation", DrugClass::Augmentation),
    ];

    /// Parses the class label used in the CSV file (case-insensitive).
    pub fn parse(label: &str) -> Option<Self> {
        Self::LABELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(label.trim())).map(|(_, c)| *c)
    }

    /// The label as the table writes it.
    pub fn label(self) -> &'static str {
        Self::LABELS.iter().find(|(_, c)| *c == self).map_or("Other", |(l, _)| l)
    }

    /// Tricyclic or tetracyclic: what Thase-Rush stage III asks for.
    pub fn is_tricyclic(self) -> bool {
        matches!(self, DrugClass::Tca | DrugClass::TcaTetracyclic)
    }
}

/// Whether a drug is an antidepressant trial or only ever an adjunct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrugRole {
    Antidepressant,
    Augmentation,
}

/// Another name for a drug; `min_mg_per_day` is set when the name is a formulation with its own minimum.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alias {
    pub name: String,
    pub min_mg_per_day: Option<f64>,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoseEntry {
    /// Canonical generic name, lower case: the key for counting distinct drugs.
    pub drug: String,
    pub class: DrugClass,
    pub min_mg_per_day: f64,
    pub aliases: Vec<Alias>,
    pub source: String,
    pub confidence: Confidence,
    pub role: DrugRole,
    pub notes: String,
}

/// The result of looking a name up: the row, and the minimum that applies to the name given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoseMatch<'a> {
    pub entry: &'a DoseEntry,
    pub min_mg_per_day: f64,
    /// The alias or formulation that matched, when the name given was not the generic name.
    pub matched_alias: Option<&'a str>,
}

/// A minimum-dose table with case-insensitive lookup by generic name or alias.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseTable {
    entries: Vec<DoseEntry>,
    /// Normalised name -> (entry index, alias index when the name is an alias).
    index: HashMap<String, (usize, Option<usize>)>,
}

impl DoseTable {
    /// The table shipped with KetaPath (`data/min_doses.csv`), parsed once.
    pub fn embedded() -> &'static DoseTable {
        static TABLE: OnceLock<DoseTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The file is part of the source tree and `embedded_table_parses` checks it, so a failure here is a
            // build defect rather than bad input.
            DoseTable::parse_csv(EMBEDDED_CSV).expect("data/min_doses.csv is checked by the dose table tests")
        })
    }

    /// Parses a table in the `min_doses.csv` format. Errors name the line and column (`line 4.min_mg_per_day`).
    pub fn parse_csv(text: &str) -> Result<Self, InvalidInput> {
        // A byte-order mark from a spreadsheet export is not part of the header.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(InvalidInput::new("line 1", "the dose table is empty"));
        };
        let header: Vec<&str> = header.split(',').map(str::trim).collect();
        if header != HEADER {
            return Err(InvalidInput::new("line 1", format!("header must be {}", HEADER.join(","))));
        }
        let mut table = DoseTable { entries: Vec::new(), index: HashMap::new() };
        for (number, line) in lines {
            let entry = parse_row(line).map_err(|e| e.within(&format!("line {}", number + 1)))?;
            table.insert(entry).map_err(|e| e.within(&format!("line {}", number + 1)))?;
        }
        if table.entries.is_empty() {
            return Err(InvalidInput::new("line 2", "the dose table has no rows"));
        }
        Ok(table)
    }

    fn insert(&mut self, entry: DoseEntry) -> Result<(), InvalidInput> {
        let position = self.entries.len();
        let mut names = vec![(normalise(&entry.drug), None, "drug")];
        for (i, alias) in entry.aliases.iter().enumerate() {
            names.push((normalise(&alias.name), Some(i), "aliases"));
        }
        for (name, alias, column) in names {
            if let Some((other, _)) = self.index.get(&name) {
                // The clash may be with this same row (a generic name repeated as its alias), which is not stored yet.
                let owner = self.entries.get(*other).map_or(entry.drug.as_str(), |e| e.drug.as_str());
                return Err(InvalidInput::new(column, format!("name {name:?} is already used by {owner}")));
            }
            self.index.insert(name, (position, alias));
        }
        self.entries.push(entry);
        Ok(())
    }

    /// Every row, in file order.
    pub fn entries(&self) -> &[DoseEntry] {
        &self.entries
    }

    /// Looks a drug up by generic name or alias: case-insensitive, surrounding and repeated spaces ignored,
    /// and a trailing release-form suffix (XR, ER, SR, ...) ignored when the full name is not known.
    pub fn lookup(&self, name: &str) -> Option<DoseMatch<'_>> {
        let key = normalise(name);
        let found = self.index.get(&key).or_else(|| {
            let (stem, suffix) = key.rsplit_once(' ')?;
            RELEASE_SUFFIXES.contains(&suffix).then(|| self.index.get(stem)).flatten()
        })?;
        let (entry_index, alias_index) = *found;
        let entry = &self.entries[entry_index];
        let alias = alias_index.and_then(|i| entry.aliases.get(i));
        Some(DoseMatch {
            entry,
            min_mg_per_day: alias.and_then(|a| a.min_mg_per_day).unwrap_or(entry.min_mg_per_day),
            matched_alias: alias.map(|a| a.name.as_str()),
        })
    }
}

impl Default for DoseTable {
    /// The embedded table (`data/min_doses.csv`).
    fn default() -> Self {
        DoseTable::embedded().clone()
    }
}

/// Lower case, trimmed, inner runs of whitespace collapsed: the form names are compared in.
pub fn normalise(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn parse_row(line: &str) -> Result<DoseEntry, InvalidInput> {
    if line.contains('"') {
        return Err(InvalidInput::new("", "quoted fields are not supported; remove the quotes"));
    }
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() != HEADER.len() {
        return Err(InvalidInput::new(
            "",
            format!("expected {} comma-separated fields, got {}", HEADER.len(), fields.len()),
        ));
    }
    let drug = normalise(fields[0]);
    if drug.is_empty() {
        return Err(InvalidInput::new("drug", "is empty"));
    }
    let class = DrugClass::parse(fields[1])
        .ok_or_else(|| InvalidInput::new("class", format!("unknown class {:?}", fields[1])))?;
    let min_mg_per_day = parse_dose(fields[2]).map_err(|m| InvalidInput::new("min_mg_per_day", m))?;
    let aliases = parse_aliases(fields[3])?;
    let source = fields[4].to_owned();
    if !source.contains("clinical.md §") {
        return Err(InvalidInput::new("source", "must cite a section of clinical.md (\"clinical.md §x.y\")"));
    }
    let confidence = match fields[5] {
        "C" => Confidence::Confirmed,
        "S" => Confidence::Secondary,
        "U" => Confidence::Unverified,
        other => return Err(InvalidInput::new("confidence", format!("must be C, S or U; got {other:?}"))),
    };
    let role = match fields[6] {
        "antidepressant" => DrugRole::Antidepressant,
        "augmentation" => DrugRole::Augmentation,
        other => {
            return Err(InvalidInput::new("role", format!("must be antidepressant or augmentation; got {other:?}")));
        }
    };
    Ok(DoseEntry { drug, class, min_mg_per_day, aliases, source, confidence, role, notes: fields[7].to_owned() })
}

fn parse_dose(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("must be a positive number of mg/day; got {raw:?}")),
    }
}

fn parse_aliases(raw: &str) -> Result<Vec<Alias>, InvalidInput> {
    let mut aliases = Vec::new();
    for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let alias = match part.split_once('=') {
            Some((name, dose)) => Alias {
                name: name.trim().to_owned(),
                min_mg_per_day: Some(
                    parse_dose(dose).map_err(|m| InvalidInput::new("aliases", format!("alias {name:?}: {m}")))?,
                ),
            },
            None => Alias { name: part.to_owned(), min_mg_per_day: None },
        };
        if normalise(&alias.name).is_empty() {
            return Err(InvalidInput::new("aliases", format!("empty alias name in {part:?}")));
        }
        aliases.push(alias);
    }
    Ok(aliases)
}
