//! Hostile input for the clinic importers (CSV, JSON records, FHIR Bundles): SQL and HTML injection strings in every
//! text field, invalid UTF-8, NUL bytes, megabyte fields, deep JSON, CRLF line ends and a byte-order mark.
//!
//! The rule under test: a value is either kept verbatim as data (and survives export and import unchanged) or the
//! row is rejected with reasons that name the field. Nothing here is executed or stored; that is the store's job.

use ketapath_directory::export::{clinics_to_csv, clinics_to_json};
use ketapath_directory::fhir::{export_bundle, import_bundle};
use ketapath_directory::import::{CSV_COLUMNS, ImportBatch, parse_csv, parse_json};
use ketapath_directory::{Clinic, Gazetteer};
use serde_json::{Value, json};

/// SQL, HTML, template, path and spreadsheet-formula injection strings. None has a control character or surrounding
/// spaces, so wherever free text is allowed they must come back exactly as given.
const INJECTIONS: [&str; 9] = [
    "'; DROP TABLE clinics; --",
    "\" OR \"1\"=\"1",
    "Robert'); DELETE FROM clinics WHERE ('1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "\"><svg/onload=alert(1)>",
    "{{7*7}} ${7*7} %s%n",
    "../../../../etc/passwd",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
];

/// Text columns of the CSV whose rules allow any line of text.
const FREE_TEXT: [&str; 3] = ["name", "street", "city"];

/// Every text column of the CSV (the rest are numbers, codes, booleans and a date).
const TEXT_COLUMNS: [&str; 8] = ["id", "name", "street", "city", "state", "zip", "phone", "website"];

fn g() -> &'static Gazetteer {
    Gazetteer::shipped()
}

fn valid_values() -> Vec<String> {
    [
        "c-1",
        "Riverside Ketamine Center",
        "12 Main St",
        "Columbus",
        "OH",
        "43215",
        "39.9612",
        "-82.9988",
        "614-555-0100",
        "https://riverside.example",
        "iv_ketamine;esketamine_nasal",
        "self_pay;private_insurance",
        "false",
        "en;es",
        "true",
        "true",
        "2026-10-01",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A CSV file (header and one row) written by the csv crate, so any value is quoted as CSV requires.
fn csv_file(changes: &[(&str, &[u8])]) -> Vec<u8> {
    let mut values: Vec<Vec<u8>> = valid_values().into_iter().map(String::into_bytes).collect();
    for (column, value) in changes {
        let i = CSV_COLUMNS.iter().position(|c| c == column).expect("known column");
        values[i] = value.to_vec();
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).expect("header");
    writer.write_record(&values).expect("row");
    writer.into_inner().expect("in memory")
}

fn only_clinic(batch: ImportBatch) -> Result<Clinic, Vec<String>> {
    match batch.into_atomic() {
        Ok(mut clinics) if clinics.len() == 1 => Ok(clinics.remove(0)),
        Ok(clinics) => panic!("expected one clinic, got {}", clinics.len()),
        Err(rejects) => Err(rejects.into_iter().flat_map(|r| r.reasons).collect()),
    }
}

fn field<'a>(clinic: &'a Clinic, column: &str) -> &'a str {
    match column {
        "id" => clinic.id.as_str(),
        "name" => &clinic.name,
        "street" => &clinic.address.street,
        "city" => &clinic.address.city,
        "state" => &clinic.address.state,
        "zip" => &clinic.address.zip,
        "phone" => clinic.phone.as_deref().unwrap_or(""),
        "website" => clinic.website.as_deref().unwrap_or(""),
        other => panic!("not a text column: {other}"),
    }
}

fn assert_reasons_name(reasons: &[String], column: &str) {
    assert!(!reasons.is_empty());
    for reason in reasons {
        assert!(reason.starts_with(&format!("{column}:")), "reason {reason:?} does not name {column}");
    }
}

fn csv_round_trip(clinic: &Clinic) {
    let again = only_clinic(parse_csv(clinics_to_csv(std::slice::from_ref(clinic)).as_bytes(), g()));
    assert_eq!(again.as_ref(), Ok(clinic), "CSV export then import");
}

#[test]
fn injection_strings_in_every_csv_text_column_are_kept_verbatim_or_rejected_by_column() {
    for column in TEXT_COLUMNS {
        for injection in INJECTIONS {
            // The website column also gets the injection behind a valid scheme, where it is an allowed address.
            let behind_scheme = format!("https://x.example/{}", injection.replace(' ', "%20"));
            let values: Vec<&str> = if column == "website" { vec![injection, &behind_scheme] } else { vec![injection] };
            for value in values {
                match only_clinic(parse_csv(&csv_file(&[(column, value.as_bytes())]), g())) {
                    Ok(clinic) => {
                        assert_eq!(field(&clinic, column), value, "{column} changed");
                        csv_round_trip(&clinic);
                    }
                    Err(reasons) => {
                        assert!(!FREE_TEXT.contains(&column), "{column} rejected {value:?}: {reasons:?}");
                        assert_reasons_name(&reasons, column);
                    }
                }
            }
        }
    }
}

#[test]
fn injection_strings_in_every_json_string_field_are_kept_verbatim_or_rejected_by_field() {
    let clinic = only_clinic(parse_csv(&csv_file(&[]), g())).expect("the valid row");
    let base: Value = serde_json::from_str(&clinics_to_json(&[clinic])).expect("an exported array");
    let string_fields =
        ["id", "name", "street", "city", "state", "zip", "phone", "website", "verified_by", "description"];
    for key in string_fields {
        for injection in INJECTIONS {
            let mut document = base.clone();
            document[0][key] = json!(injection);
            let bytes = serde_json::to_vec(&document).expect("serialises");
            let batch = parse_json(&bytes, g()).expect("an array");
            match batch.into_atomic() {
                Ok(clinics) => {
                    let back: Value = serde_json::from_str(&clinics_to_json(&clinics)).expect("exports");
                    assert_eq!(back[0][key], json!(injection), "{key} changed");
                    let again = parse_json(clinics_to_json(&clinics).as_bytes(), g()).expect("re-reads");
                    assert_eq!(again.into_atomic().as_ref(), Ok(&clinics));
                }
                Err(rejects) => {
                    let reasons: Vec<String> = rejects.into_iter().flat_map(|r| r.reasons).collect();
                    let prefix = format!("[0].{key}");
                    assert!(reasons.iter().all(|r| r.starts_with(&prefix)), "{key}: {reasons:?}");
                    assert!(!["name", "street", "city", "verified_by", "description"].contains(&key), "{reasons:?}");
                }
            }
        }
    }
}

#[test]
fn injection_strings_in_a_fhir_name_survive_export_and_import() {
    let clinic = only_clinic(parse_csv(&csv_file(&[]), g())).expect("the valid row");
    for injection in INJECTIONS {
        let mut hostile = clinic.clone();
        hostile.name = injection.to_owned();
        hostile.address.city = injection.to_owned();
        let bundle = serde_json::to_value(export_bundle(std::slice::from_ref(&hostile))).expect("serialises");
        let batch = import_bundle(&bundle, g()).expect("a bundle");
        assert_eq!(batch.into_atomic(), Ok(vec![hostile]));
    }
}

#[test]
fn invalid_utf8_in_any_column_rejects_that_row_by_column_and_keeps_the_others() {
    for (i, column) in CSV_COLUMNS.iter().enumerate() {
        let mut file = csv_file(&[(column, b"ab\xff\xfecd")]);
        let good: Vec<String> =
            valid_values().into_iter().map(|v| if v == "c-1" { "c-2".to_owned() } else { v }).collect();
        file.extend_from_slice(format!("{}\n", good.join(",")).as_bytes());
        let batch = parse_csv(&file, g());
        assert_eq!(batch.clinics.len(), 1, "{column}: the other row still reads");
        assert_eq!(batch.rejects.len(), 1, "{column}");
        let reject = &batch.rejects[0];
        assert_eq!(reject.line, 2);
        assert_reasons_name(&reject.reasons, column);
        assert!(reject.reasons[0].contains("invalid UTF-8 at byte 2"), "{:?}", reject.reasons);
        // The rejects file shows the raw line with the bad bytes replaced, never dropped silently.
        assert!(reject.raw.contains('\u{fffd}'), "column {i}: {:?}", reject.raw);
    }
}

#[test]
fn invalid_utf8_in_the_header_or_a_json_document_is_reported() {
    let mut file = csv_file(&[]);
    file[1] = 0xff;
    let batch = parse_csv(&file, g());
    assert!(batch.clinics.is_empty());
    assert_eq!(batch.rejects.len(), 1);
    assert_eq!(batch.rejects[0].line, 1);
    let json = b"[{\"id\": \"c-1\", \"name\": \"a\xffb\"}]";
    assert!(parse_json(json, g()).is_err());
}

#[test]
fn nul_bytes_are_control_characters_rejected_by_column() {
    for column in TEXT_COLUMNS {
        let batch = parse_csv(&csv_file(&[(column, b"Main\0St 5550100")]), g());
        let reasons = only_clinic(batch).expect_err(column);
        assert_reasons_name(&reasons, column);
    }
    let batch = parse_csv(b"\0\0\0", g());
    assert_eq!((batch.clinics.len(), batch.rejects.len(), batch.rejects[0].line), (0, 1, 1));
}

#[test]
fn names_of_only_invisible_characters_are_rejected_by_column() {
    // Zero-width spaces, a Hangul filler, a braille blank: a clinic listed under one would look nameless.
    for blank in ["\u{200B}\u{200B}", "\u{3164}", "\u{2800}", "\u{200D}\u{FEFF}"] {
        for column in ["name", "city"] {
            let batch = parse_csv(&csv_file(&[(column, blank.as_bytes())]), g());
            let reasons = only_clinic(batch).expect_err(column);
            assert_reasons_name(&reasons, column);
            assert!(reasons[0].contains("only invisible characters"), "{reasons:?}");
        }
    }
    // A visible name around a zero-width character is still a name.
    let batch = parse_csv(&csv_file(&[("name", "Clinic\u{200B}One".as_bytes())]), g());
    assert_eq!(only_clinic(batch).expect("kept").name, "Clinic\u{200B}One");
}

#[test]
fn megabyte_fields_are_rejected_by_column_without_echoing_them() {
    let megabyte = "x".repeat(1 << 20);
    for column in CSV_COLUMNS {
        let reasons = only_clinic(parse_csv(&csv_file(&[(column, megabyte.as_bytes())]), g())).expect_err(column);
        assert_reasons_name(&reasons, column);
        // A reason is read by a person: it says what is wrong, it does not repeat a megabyte back (a few
        // columns quote the value they cannot read; those are capped by the other rules first).
        for reason in &reasons {
            assert!(reason.len() < (1 << 20) + 200, "{column}: a {} byte reason", reason.len());
        }
    }
    let reasons = only_clinic(parse_csv(&csv_file(&[("name", megabyte.as_bytes())]), g())).expect_err("name");
    assert!(reasons.iter().all(|r| r.len() < 200), "{reasons:?}");
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_read_as_plain_csv() {
    let plain = String::from_utf8(csv_file(&[])).expect("utf-8").replace("\r\n", "\n");
    let expected = parse_csv(plain.as_bytes(), g());
    assert!(expected.rejects.is_empty(), "{:?}", expected.rejects);
    let crlf = plain.replace('\n', "\r\n");
    for file in [crlf.clone(), format!("\u{feff}{plain}"), format!("\u{feff}{crlf}"), crlf.trim_end().to_owned()] {
        let batch = parse_csv(file.as_bytes(), g());
        assert_eq!(batch.clinics, expected.clinics, "{file:?}");
        assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    }
    // A byte-order mark anywhere but the start is part of a value: here the id, which its rule rejects.
    let inside = plain.replace("\nc-1,", "\n\u{feff}c-1,");
    let reasons = only_clinic(parse_csv(inside.as_bytes(), g())).expect_err("a BOM inside the id");
    assert_reasons_name(&reasons, "id");
}

#[test]
fn line_numbers_are_physical_lines_with_any_line_end() {
    let row =
        |id: &str| valid_values().into_iter().map(|v| if v == "c-1" { id.to_owned() } else { v }).collect::<Vec<_>>();
    let bad = |id: &str| row(id).into_iter().map(|v| if v == "OH" { "Ohio".to_owned() } else { v }).collect::<Vec<_>>();
    // Lines: 1 header, 2 good, 3 bad, 4 blank, 5 bad, 6-7 a good row with a quoted line break, 8 bad.
    let lines = [
        CSV_COLUMNS.join(","),
        row("a").join(","),
        bad("b").join(","),
        String::new(),
        bad("c").join(","),
        row("d").join(",").replace("12 Main St", "\"12 Main St\nSuite 4\""),
        bad("e").join(","),
    ];
    for end in ["\n", "\r\n", "\r"] {
        let text = lines.join("\n").replace('\n', end);
        let batch = parse_csv(text.as_bytes(), g());
        let rejected: Vec<(u64, Option<String>)> = batch.rejects.iter().map(|r| (r.line, r.id.clone())).collect();
        let expected = [(3, "b"), (5, "c"), (6, "d"), (8, "e")].map(|(line, id)| (line, Some(id.to_owned())));
        assert_eq!(rejected, expected, "line end {end:?}");
        assert_eq!(batch.clinics.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![2], "line end {end:?}");
        for reject in &batch.rejects {
            assert!(!reject.raw.starts_with(['\r', '\n']), "line end {end:?}: raw {:?}", reject.raw);
        }
    }
}

#[test]
fn a_line_break_inside_a_quoted_name_is_rejected_by_column_with_the_right_line() {
    let mut file = csv_file(&[("name", b"Riverside\r\nKetamine")]);
    let second: Vec<String> =
        valid_values().into_iter().map(|v| if v == "c-1" { "c-2".to_owned() } else { v }).collect();
    file.extend_from_slice(format!("{}\r\n", second.join(",")).as_bytes());
    let batch = parse_csv(&file, g());
    assert_eq!(batch.rejects.len(), 1);
    assert_eq!(batch.rejects[0].line, 2);
    assert_reasons_name(&batch.rejects[0].reasons, "name");
    assert_eq!(batch.clinics.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![4]);
}

/// `depth` nested arrays around a zero, as text.
fn nested(depth: usize) -> String {
    format!("{}0{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn ten_thousand_nested_arrays_are_a_syntax_error_not_a_stack_overflow() {
    for document in [nested(10_000), format!("[{{\"name\": {}}}]", nested(10_000)), "[{\"a\":".repeat(5_000)] {
        let error = parse_json(document.as_bytes(), g()).expect_err("too deep");
        assert!(error.to_string().contains("recursion limit"), "{error}");
        assert!(serde_json::from_slice::<Value>(document.as_bytes()).is_err(), "the FHIR surface reads the same way");
    }
}

#[test]
fn the_deepest_accepted_value_in_any_field_is_rejected_by_name() {
    let mut limit = 1;
    while serde_json::from_slice::<Value>(nested(limit + 1).as_bytes()).is_ok() {
        limit += 1;
    }
    // Two levels are the record array and the record object, so the field's value may have the rest.
    let deep: Value = serde_json::from_str(&nested(limit - 2)).expect("accepted");
    let clinic = only_clinic(parse_csv(&csv_file(&[]), g())).expect("the valid row");
    let base: Value = serde_json::from_str(&clinics_to_json(std::slice::from_ref(&clinic))).expect("an exported array");
    let keys: Vec<String> = base[0].as_object().expect("a record").keys().cloned().collect();
    for key in &keys {
        let mut document = base.clone();
        document[0][key] = deep.clone();
        let text = serde_json::to_string(&document).expect("serialises");
        let batch = parse_json(text.as_bytes(), g()).expect("still an array");
        let reasons: Vec<String> = batch.rejects.into_iter().flat_map(|r| r.reasons).collect();
        assert!(reasons.iter().any(|r| r.starts_with(&format!("[0].{key}"))), "{key}: {reasons:?}");
    }
    // The same value in every field of every resource of a bundle: rejected or read, never a crash.
    let bundle = serde_json::to_value(export_bundle(&[clinic])).expect("serialises");
    let entries = bundle["entry"].as_array().expect("entries").len();
    for entry in 0..entries {
        let fields: Vec<String> =
            bundle["entry"][entry]["resource"].as_object().expect("a resource").keys().cloned().collect();
        for key in fields {
            let mut document = bundle.clone();
            document["entry"][entry]["resource"][&key] = deep.clone();
            if let Ok(batch) = import_bundle(&document, g()) {
                for reject in &batch.rejects {
                    assert!(reject.reasons.iter().all(|r| r.starts_with("entry[")), "{key}: {:?}", reject.reasons);
                }
            }
        }
    }
}

/// Exports never hand a spreadsheet a formula: free-text cells that start with `=`, `+`, `-` or `@` are written
/// behind a `'`, and importing the export gives back the original value.
#[test]
fn csv_exports_neutralise_spreadsheet_formulas() {
    for column in ["name", "street", "city"] {
        let value = "=HYPERLINK(\"http://evil.example\",\"x\")";
        let clinic = only_clinic(parse_csv(&csv_file(&[(column, value.as_bytes())]), g())).expect("a formula is text");
        let exported = clinics_to_csv(std::slice::from_ref(&clinic));
        assert!(exported.contains("'=HYPERLINK"), "{column}: {exported}");
        assert!(!exported.contains(",=") && !exported.contains(",\"="), "{column}: a cell starts with = in {exported}");
        csv_round_trip(&clinic);
    }
}
