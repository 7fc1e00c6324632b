//! CSV import: every kind of bad row is reported with its line and all its reasons, good rows still parse.

use ketapath_directory::import::{CSV_COLUMNS, Reject, parse_csv, parse_csv_with_progress, write_rejects_csv};
use ketapath_directory::model::PositionSource;
use ketapath_directory::{Gazetteer, Offer, Payment, Zip};

const HEADER: &str = "id,name,street,city,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified";

fn g() -> &'static Gazetteer {
    Gazetteer::shipped()
}

/// A valid row with some columns replaced, as a CSV line (values must not need quoting).
fn row(id: &str, changes: &[(&str, &str)]) -> String {
    let mut values = [
        id,
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
    ];
    for (column, value) in changes {
        let i = CSV_COLUMNS.iter().position(|c| c == column).expect("known column");
        values[i] = value;
    }
    values.join(",")
}

fn file(rows: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

/// The only reject of a one-row file.
fn only_reject(changes: &[(&str, &str)]) -> Reject {
    let batch = parse_csv(file(&[row("c-1", changes)]).as_bytes(), g());
    assert!(batch.clinics.is_empty(), "{:?}", batch.clinics);
    assert_eq!(batch.rejects.len(), 1);
    batch.rejects.into_iter().next().expect("one reject")
}

#[test]
fn a_good_row_parses_every_field() {
    let batch = parse_csv(file(&[row("c-1", &[])]).as_bytes(), g());
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    let (line, c) = &batch.clinics[0];
    assert_eq!(*line, 2);
    assert_eq!(c.id.as_str(), "c-1");
    assert_eq!(c.name, "Riverside Ketamine Center");
    assert_eq!(
        (c.address.city.as_str(), c.address.state.as_str(), c.address.zip.as_str()),
        ("Columbus", "OH", "43215")
    );
    assert_eq!((c.position.lat, c.position.lon), (39.9612, -82.9988));
    assert_eq!(c.position_source, PositionSource::Record);
    assert!(c.offers.contains(Offer::IvKetamine) && c.offers.contains(Offer::EsketamineNasal));
    assert!(c.payment.contains(Payment::SelfPay) && !c.payment.contains(Payment::Medicare));
    assert_eq!(c.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>(), ["en", "es"]);
    assert!(!c.telehealth && c.accepting_new_patients && c.rems_certified);
    assert_eq!(c.last_verified.map(|d| d.to_string()).as_deref(), Some("2026-10-01"));
    assert!(!c.demo);
}

#[test]
fn empty_position_is_the_zip_centroid_and_optional_fields_may_be_empty() {
    let changes = [("lat", ""), ("lon", ""), ("phone", ""), ("website", ""), ("offers", ""), ("last_verified", "")];
    let batch = parse_csv(file(&[row("c-1", &changes), row("c-2", &[("zip", "43215-1234")])]).as_bytes(), g());
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    let c = &batch.clinics[0].1;
    let centroid = g().zip(&Zip::parse("43215").unwrap()).unwrap().position;
    assert_eq!(c.position, centroid);
    assert_eq!(c.position_source, PositionSource::ZipCentroid);
    assert_eq!((c.phone.as_deref(), c.website.as_deref(), c.last_verified), (None, None, None));
    assert!(c.offers.is_empty());
    assert_eq!(batch.clinics[1].1.address.zip, "43215", "ZIP+4 is truncated");
}

#[test]
fn missing_name() {
    let r = only_reject(&[("name", "")]);
    assert_eq!(r.line, 2);
    assert_eq!(r.id.as_deref(), Some("c-1"));
    assert_eq!(r.reasons, ["name: is required"]);
    assert_eq!(r.to_string(), "line 2: name: is required");
}

#[test]
fn bad_zip() {
    let r = only_reject(&[("zip", "4321")]);
    assert_eq!(r.reasons.len(), 1);
    assert!(r.reasons[0].starts_with("zip: ZIP \"4321\" must be exactly 5 digits"), "{:?}", r.reasons);
}

#[test]
fn unknown_zip_without_coordinates() {
    let r = only_reject(&[("zip", "00000"), ("lat", ""), ("lon", "")]);
    assert_eq!(r.reasons, ["zip: ZIP 00000 is not in the shipped ZIP data; give lat and lon"]);
}

#[test]
fn latitude_91() {
    let r = only_reject(&[("lat", "91")]);
    assert_eq!(r.to_string(), "line 2: lat: latitude 91 is outside -90..90");
}

#[test]
fn lat_without_lon_and_non_numbers() {
    assert_eq!(only_reject(&[("lon", "")]).reasons, ["lon: lat and lon must both be given or both be empty"]);
    assert_eq!(only_reject(&[("lat", "north")]).reasons, ["lat: \"north\" is not a number"]);
}

#[test]
fn unknown_offer_code() {
    let r = only_reject(&[("offers", "iv_ketamine;psilocybin")]);
    assert_eq!(r.reasons.len(), 1);
    assert!(
        r.reasons[0].starts_with("offers: unknown offer \"psilocybin\"; known: esketamine_nasal"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn unknown_payment_and_language() {
    let r = only_reject(&[("payment", "cash"), ("languages", "en;xx")]);
    assert_eq!(r.reasons.len(), 2, "{:?}", r.reasons);
    assert!(r.reasons[0].starts_with("payment: unknown payment \"cash\""));
    assert_eq!(r.reasons[1], "languages: language \"xx\" is not an ISO 639-1 code");
}

#[test]
fn malformed_boolean() {
    let r = only_reject(&[("telehealth", "yes")]);
    assert_eq!(r.reasons, ["telehealth: \"yes\" is not true or false"]);
}

#[test]
fn malformed_date() {
    let r = only_reject(&[("last_verified", "10/01/2026")]);
    assert_eq!(r.reasons, ["last_verified: \"10/01/2026\" is not a date YYYY-MM-DD"]);
    assert_eq!(only_reject(&[("last_verified", "2026-02-30")]).reasons.len(), 1);
}

#[test]
fn state_website_and_phone_rules() {
    let r = only_reject(&[("state", "oh"), ("website", "www.example.org"), ("phone", "call us")]);
    assert_eq!(r.reasons.len(), 3, "{:?}", r.reasons);
    assert!(r.reasons[0].starts_with("state: state \"oh\" is not an upper-case USPS"));
    assert!(r.reasons[1].starts_with("phone: "));
    assert!(r.reasons[2].starts_with("website: website \"www.example.org\" must be an http:// or https://"));
    assert!(only_reject(&[("state", "XX")]).reasons[0].contains("\"XX\""));
}

#[test]
fn every_reason_of_a_row_is_reported() {
    let r = only_reject(&[("name", ""), ("lat", "91"), ("offers", "lsd"), ("telehealth", "1"), ("last_verified", "x")]);
    let columns: Vec<&str> = r.reasons.iter().map(|s| s.split(':').next().unwrap()).collect();
    assert_eq!(columns.len(), 5, "{:?}", r.reasons);
    for column in ["name", "lat", "offers", "telehealth", "last_verified"] {
        assert!(columns.contains(&column), "{column} missing from {:?}", r.reasons);
    }
}

#[test]
fn duplicate_id_names_the_first_line() {
    let text = file(&[row("c-1", &[]), row("c-2", &[]), row("c-1", &[("name", "Other")])]);
    let batch = parse_csv(text.as_bytes(), g());
    assert_eq!(batch.clinics.len(), 2);
    assert_eq!(batch.rejects.len(), 1);
    assert_eq!(batch.rejects[0].to_string(), "line 4: id: duplicate id \"c-1\", first on line 2");
}

#[test]
fn wrong_column_count() {
    let text = file(&[row("c-1", &[]) + ",extra", "c-2,Short Row".to_owned()]);
    let batch = parse_csv(text.as_bytes(), g());
    assert!(batch.clinics.is_empty());
    let reasons: Vec<String> = batch.rejects.iter().map(ToString::to_string).collect();
    assert_eq!(reasons, ["line 2: expected 17 columns, found 18", "line 3: expected 17 columns, found 2"]);
    assert_eq!(batch.rejects[1].id.as_deref(), Some("c-2"));
    assert_eq!(batch.rejects[1].raw, "c-2,Short Row");
}

#[test]
fn invalid_utf8_is_reported_on_its_line_and_the_rest_still_parses() {
    let mut bytes = file(&[row("c-1", &[])]).into_bytes();
    bytes.extend_from_slice(b"c-2,Bad \xff Name,");
    bytes.extend_from_slice(row("c-2", &[]).split_once(",Riverside Ketamine Center,").unwrap().1.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(row("c-3", &[]).as_bytes());
    let batch = parse_csv(&bytes, g());
    assert_eq!(batch.clinics.iter().map(|(l, c)| (*l, c.id.as_str())).collect::<Vec<_>>(), [(2, "c-1"), (4, "c-3")]);
    assert_eq!(batch.rejects.len(), 1);
    let r = &batch.rejects[0];
    assert_eq!((r.line, r.id.as_deref()), (3, Some("c-2")));
    assert_eq!(r.reasons, ["name: invalid UTF-8 at byte 4 of the field"]);
    assert!(r.raw.starts_with("c-2,Bad \u{fffd} Name,"), "{}", r.raw);
}

#[test]
fn quoted_line_breaks_keep_line_numbers_right() {
    let multi = row("c-1", &[("street", "\"12 Main St\nSuite 4\"")]);
    let text = file(&[multi, row("c-2", &[("lat", "91")]), row("c-3", &[])]);
    let batch = parse_csv(text.as_bytes(), g());
    // c-1 spans lines 2 and 3, so c-2 is on line 4 and c-3 on line 5. A street with a line break is rejected.
    let lines: Vec<(u64, Option<&str>)> = batch.rejects.iter().map(|r| (r.line, r.id.as_deref())).collect();
    assert_eq!(lines, [(2, Some("c-1")), (4, Some("c-2"))]);
    assert!(batch.rejects[0].reasons[0].starts_with("street: "), "{:?}", batch.rejects[0].reasons);
    assert_eq!(batch.clinics.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [5]);
    assert!(batch.rejects[0].raw.contains("12 Main St\nSuite 4"));
}

#[test]
fn quoted_commas_are_fine() {
    let text = file(&[row("c-1", &[("name", "\"Smith, Jones & Partners\"")])]);
    let batch = parse_csv(text.as_bytes(), g());
    assert_eq!(batch.clinics[0].1.name, "Smith, Jones & Partners");
}

#[test]
fn mixed_good_and_bad_rows_are_all_reported() {
    let text = file(&[
        row("c-1", &[]),
        row("c-2", &[("name", "")]),
        row("c-3", &[]),
        row("c-4", &[("lat", "91"), ("rems_certified", "maybe")]),
        row("c-5", &[]),
    ]);
    let batch = parse_csv(text.as_bytes(), g());
    assert_eq!(
        batch.clinics.iter().map(|(l, c)| (*l, c.id.as_str())).collect::<Vec<_>>(),
        [(2, "c-1"), (4, "c-3"), (6, "c-5")]
    );
    let rejects: Vec<String> = batch.rejects.iter().map(ToString::to_string).collect();
    assert_eq!(
        rejects,
        [
            "line 3: name: is required",
            "line 5: lat: latitude 91 is outside -90..90; rems_certified: \"maybe\" is not true or false"
        ]
    );
    assert!(batch.clone().into_atomic().is_err());
}

#[test]
fn wrong_header_is_one_clear_reject() {
    let text = HEADER.replace("street,city", "city,street") + "\n" + &row("c-1", &[]) + "\n";
    let batch = parse_csv(text.as_bytes(), g());
    assert!(batch.clinics.is_empty());
    assert_eq!(batch.rejects.len(), 1);
    let r = &batch.rejects[0];
    assert_eq!(r.line, 1);
    assert!(
        r.reasons[0]
            .starts_with("header: column 3 is \"city\", expected \"street\"; the header must be exactly id,name,"),
        "{}",
        r.reasons[0]
    );
    assert!(r.reasons[0].ends_with("; found id,name,city,street,state,zip,lat,lon,phone,website,offers,payment,telehealth,languages,accepting_new_patients,rems_certified,last_verified"), "{}", r.reasons[0]);
    assert_eq!(batch.file_fault(), Some(r), "a wrong header stops the whole file");
    let short = parse_csv(b"id,name\n", g());
    assert!(short.rejects[0].reasons[0].starts_with("header: found 2 columns, expected 17"), "{:?}", short.rejects);
    assert!(short.file_fault().is_some());
    let empty = parse_csv(b"", g());
    assert!(empty.rejects[0].reasons[0].starts_with("the file is empty"));
    assert!(empty.file_fault().is_some());
    // A bad row is not a fault of the file: --skip-invalid may import around it.
    let one_bad = HEADER.to_owned() + "\n" + &row("c-1", &[("lat", "91")]) + "\n";
    let one_bad = parse_csv(one_bad.as_bytes(), g());
    assert_eq!(one_bad.rejects.len(), 1);
    assert_eq!(one_bad.file_fault(), None);
}

#[test]
fn header_only_bom_and_crlf() {
    let header_only = parse_csv(format!("{HEADER}\n").as_bytes(), g());
    assert!(header_only.clinics.is_empty() && header_only.rejects.is_empty());
    assert_eq!(header_only.columns, CSV_COLUMNS);
    let text = format!("\u{feff}{HEADER}\r\n{}\r\n", row("c-1", &[]));
    let batch = parse_csv(text.as_bytes(), g());
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    assert_eq!(batch.clinics.len(), 1);
}

#[test]
fn rejects_file_keeps_the_original_rows_and_adds_reasons() {
    let text = file(&[row("c-1", &[]), row("c-2", &[("name", "\"Bad \"\"quoted\"\" name\""), ("lat", "91")])]);
    let batch = parse_csv(text.as_bytes(), g());
    let out = write_rejects_csv(&batch.rejects);
    let mut reader = csv::ReaderBuilder::new().from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.len(), 18);
    assert_eq!(&headers[17], "reason");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][0], "c-2");
    assert_eq!(&records[0][1], "Bad \"quoted\" name");
    assert_eq!(&records[0][17], "line 3: lat: latitude 91 is outside -90..90");
}

#[test]
fn progress_reports_rows_read() {
    let rows: Vec<String> = (0..10_000).map(|i| row(&format!("c-{i}"), &[])).collect();
    let mut calls = Vec::new();
    let batch = parse_csv_with_progress(file(&rows).as_bytes(), g(), &mut |n| calls.push(n));
    assert_eq!(batch.clinics.len(), 10_000);
    assert_eq!(calls, [4096, 8192, 10_000]);
}

/// Nanoseconds this thread has run on a CPU (Linux), so that a measurement on a shared, loaded machine is not
/// inflated by time spent waiting for a core.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Measures parsing 1,000,000 generated rows (a quarter of them placed by ZIP centroid). A measurement, not a
/// check, so it is not part of the normal run:
/// `cargo test --release -p ketapath-directory --test import_csv -- --ignored --nocapture measure_`.
#[test]
#[ignore = "measurement; run in release with --ignored"]
fn measure_csv_parse_one_million_rows() {
    let zips: Vec<&str> = g().places().iter().step_by(37).map(|p| p.zip.as_str()).collect();
    let mut text = format!("{HEADER}\n");
    for i in 0..1_000_000usize {
        let zip = zips[i % zips.len()];
        let (lat, lon) = if i % 4 == 0 {
            (String::new(), String::new())
        } else {
            (format!("{:.4}", 25.0 + (i % 2000) as f64 / 100.0), format!("{:.4}", -120.0 + (i % 5000) as f64 / 100.0))
        };
        text.push_str(&row(&format!("c-{i}"), &[("zip", zip), ("lat", &lat), ("lon", &lon), ("state", "OH")]));
        text.push('\n');
    }
    for pass in 1..=3 {
        let (wall, cpu) = (std::time::Instant::now(), thread_cpu_ns());
        let batch = parse_csv(text.as_bytes(), g());
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), thread_cpu_ns().zip(cpu).map(|(b, a)| (b - a) as f64 / 1e9));
        assert_eq!(batch.clinics.len(), 1_000_000, "{:?}", batch.rejects.first());
        eprintln!(
            "parse_csv 1,000,000 rows ({} MB), pass {pass}: {wall:.3} s wall, {:.3} s on CPU",
            text.len() / 1_000_000,
            cpu.unwrap_or(f64::NAN)
        );
    }
}

#[test]
fn the_insurance_plans_column_is_optional_and_checked() {
    let with_plans = format!("{HEADER},insurance_plans\n{},Aetna; Medicaid (Ohio) ;aetna\n", row("c-1", &[]));
    let batch = parse_csv(with_plans.as_bytes(), g());
    assert!(batch.rejects.is_empty(), "{:?}", batch.rejects);
    assert_eq!(batch.clinics[0].1.insurance_plans, ["Aetna", "Medicaid (Ohio)"]);
    // Without the column a listing names no plan; a row must match its header's columns.
    let without = parse_csv(format!("{HEADER}\n{}\n", row("c-1", &[])).as_bytes(), g());
    assert!(without.clinics[0].1.insurance_plans.is_empty());
    let short = format!("{HEADER},insurance_plans\n{}\n{},{}\n", row("c-1", &[]), row("c-2", &[]), "x".repeat(81));
    let batch = parse_csv(short.as_bytes(), g());
    assert_eq!(batch.rejects.len(), 2);
    assert_eq!(batch.rejects[0].reasons, ["expected 18 columns, found 17"]);
    assert!(batch.rejects[1].reasons[0].starts_with("insurance_plans: plan 1"), "{:?}", batch.rejects[1]);
    // The rejects file keeps the input's header, so each row sits under its columns.
    assert!(batch.rejects_csv().starts_with(&format!("{HEADER},insurance_plans,reason\n")));
}
