//! Writes the generated corpus seeds of `fuzz/corpus/` (clinic exports, settings documents) from the crates' own
//! exporters, so the seeds follow the formats as they change. Hand-picked seeds (the repository's `examples/`) are
//! copied by `scripts/fuzz --seeds`, which runs this first.
//!
//! Usage: `cargo run --manifest-path fuzz/Cargo.toml --example seeds -- fuzz/corpus`

use std::path::Path;

use ketapath_clinical::protocols::settings::ProtocolSettings;
use ketapath_clinical::rems::settings::RemsFormSettings;
use ketapath_directory::Gazetteer;
use ketapath_directory::demo::demo_clinics;
use ketapath_directory::export::{clinics_to_csv, clinics_to_json};
use ketapath_directory::fhir::export_bundle;

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(name), bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).ok_or("usage: seeds CORPUS_DIR")?;
    let root = Path::new(&root);
    // Three clinics keep the seeds small (libFuzzer's default -max_len is derived from the largest seed).
    let clinics = demo_clinics(3, 7, Gazetteer::shipped());
    write(root, "clinic_csv", "demo3.csv", clinics_to_csv(&clinics).as_bytes())?;
    write(root, "clinic_json", "demo3.json", clinics_to_json(&clinics).as_bytes())?;
    write(root, "fhir_bundle", "demo2.json", serde_json::to_string(&export_bundle(&clinics[..2]))?.as_bytes())?;
    let protocol = serde_json::to_string(&ProtocolSettings::default())?;
    write(root, "protocol_settings_json", "defaults.json", protocol.as_bytes())?;
    write(root, "protocol_settings_json", "empty.json", b"{}")?;
    let observations = r#"[{"at":"2026-11-27T10:00:00Z","systolic":150,"diastolic":95,"heart_rate":80,"spo2":97,"moaas":5,"cadss":3},{"at":"2026-11-27T10:40:00+01:00","spo2":95}]"#;
    write(root, "protocol_settings_json", "observations.json", observations.as_bytes())?;
    let rems = serde_json::to_string(&RemsFormSettings::default())?;
    write(root, "rems_settings_json", "defaults.json", rems.as_bytes())?;
    write(root, "rems_settings_json", "empty.json", b"{}")?;
    Ok(())
}
