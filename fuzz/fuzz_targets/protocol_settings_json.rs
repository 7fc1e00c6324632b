//! libFuzzer entry point for the `protocol_settings_json` target; the body and its properties are in `ketapath_fuzz::protocol_settings_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::protocol_settings_json(data));
