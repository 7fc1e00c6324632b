//! The bodies of KetaPath's fuzz targets: each feeds untrusted bytes to one parser and checks properties beyond
//! "no panic" (round trips, named fields, consistent results). A failed property panics, which libFuzzer reports
//! as a crash with the input that caused it.
//!
//! The bodies live in a library so that `fuzz_targets/*.rs` stay one line each and `tests/corpus_replay.rs` runs
//! the same checks over the committed corpus on a stable `cargo test`, without libFuzzer.

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::{Instrument, Items, score};
use ketapath_clinical::protocols::observation::{ObservationRecord, parse_observations};
use ketapath_clinical::protocols::settings::ProtocolSettings;
use ketapath_clinical::rems::settings::RemsFormSettings;
use ketapath_clinical::safety::crisis::CrisisLevel;
use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};
use ketapath_clinical::trd::DoseTable;
use ketapath_directory::export::{clinics_to_csv, clinics_to_json};
use ketapath_directory::fhir::{export_bundle, import_bundle};
use ketapath_directory::import::{parse_csv, parse_json};
use ketapath_directory::{Clinic, Gazetteer, Place, Zip};
use serde_json::Value;

/// A target's body: one input, a panic when a property fails.
pub type Body = fn(&[u8]);

/// Every target, by the name `cargo fuzz run` and `fuzz/corpus/<name>/` use, with its body.
pub const TARGETS: [(&str, Body); 10] = [
    ("screen_input", screen_input),
    ("score_items", score_items),
    ("dose_table_csv", dose_table_csv),
    ("clinic_csv", clinic_csv),
    ("clinic_json", clinic_json),
    ("fhir_bundle", fhir_bundle),
    ("place_parse", place_parse),
    ("protocol_settings_json", protocol_settings_json),
    ("rems_settings_json", rems_settings_json),
    ("search_params", search_params),
];

/// The JSON document in `data`, as the CLI and the web surface read it (`serde_json::from_slice`, whose recursion
/// limit keeps deep nesting out), or `None` when it is not JSON: the surfaces answer that before any parser runs.
fn json(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// An input error must say what is wrong, and name the field whenever the document is an object (a fault in the
/// document's own type is the only one without a field). An unknown key is named as given, so the keys `""` and
/// `"   "` give an empty or blank field: allowed, and reported to the lead, since the message then does not say
/// which key is unknown.
fn assert_named(error: &InvalidInput, document: &Value) {
    assert!(!error.message.trim().is_empty(), "error without a message: {error:?}");
    if let Some(object) = document.as_object() {
        let named = !error.field.trim().is_empty() || object.contains_key(&error.field);
        assert!(named, "error on an object without a field: {error:?}");
    }
}

/// The self-check: a parsed input screens, serialises, and puts item 9 above zero into crisis.
pub fn screen_input(data: &[u8]) {
    let Some(document) = json(data) else { return };
    match ScreeningInput::parse(&document) {
        Ok(input) => {
            let result = screen(&input, &ScreenConfig::default());
            assert!(serde_json::to_string(&result).is_ok(), "a screening result must serialise");
            if input.phq9.item(9) > 0 {
                assert_ne!(result.crisis.level, CrisisLevel::None, "item 9 above zero must raise a crisis level");
            }
            assert!(!result.crisis.resources.is_empty(), "crisis resources are always present");
            assert!(result.failed_adequate_trials <= result.possible_failed_trials);
        }
        Err(error) => assert_named(&error, &document),
    }
}

/// Instrument scoring: the first byte picks the instrument, the rest is the `{"items": [...]}` document.
pub fn score_items(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let instrument = Instrument::ALL[usize::from(pick) % Instrument::ALL.len()];
    let Some(document) = json(rest) else { return };
    match Items::from_document(instrument, &document) {
        Ok(items) => {
            let result = score(&items);
            assert_eq!(items.values().len(), instrument.spec().items.len());
            assert!(result.total <= result.total_max, "total {} above maximum {}", result.total, result.total_max);
            assert!(serde_json::to_string(&result).is_ok(), "a score must serialise");
        }
        Err(error) => {
            assert_named(&error, &document);
            if document.is_object() {
                assert!(error.field.starts_with("items"), "a scoring error names the items: {error:?}");
            }
        }
    }
}

/// The minimum-dose table: every parsed row is found again by its own name; errors name a line.
pub fn dose_table_csv(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match DoseTable::parse_csv(&text) {
        Ok(table) => {
            assert!(!table.entries().is_empty());
            for entry in table.entries() {
                let found = table.lookup(&entry.drug).unwrap_or_else(|| panic!("row {:?} not found", entry.drug));
                assert_eq!(found.entry.drug, entry.drug);
            }
        }
        Err(error) => assert!(error.field.starts_with("line "), "a dose table error names its line: {error:?}"),
    }
}

/// Clinic CSV: the clinics read are written back and read again unchanged; every reject has a reason.
pub fn clinic_csv(data: &[u8]) {
    let gazetteer = Gazetteer::shipped();
    let batch = parse_csv(data, gazetteer);
    for reject in &batch.rejects {
        assert!(reject.reasons.iter().any(|r| !r.trim().is_empty()), "a reject without a reason: {reject:?}");
    }
    let clinics: Vec<Clinic> = batch.clinics.into_iter().map(|(_, c)| c).collect();
    if clinics.is_empty() {
        return;
    }
    let again = parse_csv(clinics_to_csv(&clinics).as_bytes(), gazetteer);
    assert!(again.rejects.is_empty(), "re-exported clinics rejected: {:?}", again.rejects);
    let again: Vec<Clinic> = again.clinics.into_iter().map(|(_, c)| c).collect();
    assert_eq!(again, clinics, "CSV export then import changed the clinics");
}

/// Clinic JSON records: the same round trip; rejects name their record.
pub fn clinic_json(data: &[u8]) {
    let gazetteer = Gazetteer::shipped();
    let Ok(batch) = parse_json(data, gazetteer) else { return };
    for reject in &batch.rejects {
        assert!(!reject.reasons.is_empty(), "a reject without a reason: {reject:?}");
        let prefix = format!("[{}]", reject.index);
        assert!(reject.reasons.iter().all(|r| r.starts_with(&prefix)), "reasons must name {prefix}: {reject:?}");
    }
    let clinics: Vec<Clinic> = batch.clinics.into_iter().map(|(_, c)| c).collect();
    if clinics.is_empty() {
        return;
    }
    let again = parse_json(clinics_to_json(&clinics).as_bytes(), gazetteer).expect("an exported array parses");
    assert!(again.rejects.is_empty(), "re-exported clinics rejected: {:?}", again.rejects);
    let again: Vec<Clinic> = again.clinics.into_iter().map(|(_, c)| c).collect();
    assert_eq!(again, clinics, "JSON export then import changed the clinics");
}

/// FHIR Bundles: the listings read are exported as a Bundle and read again unchanged.
pub fn fhir_bundle(data: &[u8]) {
    let gazetteer = Gazetteer::shipped();
    let Some(document) = json(data) else { return };
    let Ok(batch) = import_bundle(&document, gazetteer) else { return };
    for reject in &batch.rejects {
        assert!(!reject.reasons.is_empty(), "a reject without a reason: {reject:?}");
    }
    let clinics: Vec<Clinic> = batch.clinics.into_iter().map(|(_, c)| c).collect();
    if clinics.is_empty() {
        return;
    }
    let exported = serde_json::to_value(export_bundle(&clinics)).expect("a bundle serialises");
    let again = import_bundle(&exported, gazetteer).expect("an exported bundle reads");
    assert!(again.rejects.is_empty(), "re-exported listings rejected: {:?}", again.rejects);
    let again: Vec<Clinic> = again.clinics.into_iter().map(|(_, c)| c).collect();
    assert_eq!(again, clinics, "FHIR export then import changed the clinics");
}

/// Typed places and ZIP codes: a parsed ZIP prints as five digits that parse to itself, coordinates are in range,
/// and resolving against the shipped gazetteer never panics.
pub fn place_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(zip) = Zip::parse(&text) {
        assert_eq!(zip.as_str().len(), 5);
        assert_eq!(Zip::parse(zip.as_str()), Ok(zip));
    }
    match Place::parse(&text) {
        Ok(Place::Zip(zip)) => assert_eq!(Zip::parse(zip.as_str()), Ok(zip)),
        Ok(Place::Coordinates(p)) => {
            assert!((-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon), "{p:?} out of range")
        }
        Ok(Place::City { name, state }) => assert!(!name.is_empty() && state.len() == 2, "{name:?}, {state:?}"),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    let _ = Place::locate(&text, Gazetteer::shipped());
}

/// Protocol settings and session observations: checked settings survive a round trip through JSON, as do checked
/// observations; errors name their field.
pub fn protocol_settings_json(data: &[u8]) {
    let Some(document) = json(data) else { return };
    match ProtocolSettings::from_json(&document) {
        Ok(settings) => {
            let value = serde_json::to_value(&settings).expect("settings serialise");
            assert_eq!(ProtocolSettings::from_json(&value).as_ref(), Ok(&settings), "settings round trip");
        }
        Err(error) => assert_named(&error, &document),
    }
    let Ok(records) = serde_json::from_value::<Vec<ObservationRecord>>(document) else { return };
    match parse_observations(&records) {
        Ok(observations) => {
            let value = serde_json::to_value(&observations).expect("observations serialise");
            let back: Vec<ObservationRecord> = serde_json::from_value(value).expect("observations read back");
            assert_eq!(parse_observations(&back).as_deref(), Ok(observations.as_slice()), "observations round trip");
        }
        Err(error) => assert!(error.field.starts_with("observations["), "names the record: {error:?}"),
    }
}

/// REMS form settings: checked settings survive a round trip through JSON; errors name their field.
pub fn rems_settings_json(data: &[u8]) {
    let Some(document) = json(data) else { return };
    match RemsFormSettings::from_json(&document) {
        Ok(settings) => {
            let value = serde_json::to_value(&settings).expect("settings serialise");
            assert_eq!(RemsFormSettings::from_json(&value).as_ref(), Ok(&settings), "settings round trip");
        }
        Err(error) => assert_named(&error, &document),
    }
}

/// The clinic search's query-string parser (`GET /api/v1/clinics`, `ketapath clinics search`): the input is split
/// into `name=value` pairs on `&` as the web layer hands them over (already decoded). A parsed query stays within
/// its bounds and parses again to the same value; a refused one names a parameter that was given or the required
/// `near`; resolving a ZIP either finds it or names `zip`.
pub fn search_params(data: &[u8]) {
    use ketapath_directory::search::{MAX_LIMIT, MAX_OFFSET, SearchParams};
    let text = String::from_utf8_lossy(data);
    let pairs: Vec<(String, String)> = text
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (name.to_owned(), value.to_owned())
        })
        .collect();
    match SearchParams::parse(&pairs) {
        Ok(params) => {
            assert!(params.limit <= MAX_LIMIT && params.offset <= MAX_OFFSET, "bounds: {params:?}");
            assert_eq!(SearchParams::parse(&pairs).as_ref(), Ok(&params), "parsing is deterministic");
            match params.resolve(Gazetteer::shipped()) {
                Ok(query) => {
                    assert_eq!((query.limit, query.offset), (params.limit, params.offset));
                }
                Err(error) => assert_eq!(error.param, "zip", "only a ZIP can fail to resolve: {error:?}"),
            }
        }
        Err(error) => {
            assert!(!error.message.trim().is_empty(), "error without a message: {error:?}");
            let given = pairs.iter().any(|(name, _)| *name == error.param);
            assert!(given || error.param == "near", "the error names a parameter that was not given: {error:?}");
        }
    }
}
