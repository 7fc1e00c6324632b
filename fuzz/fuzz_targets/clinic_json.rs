//! libFuzzer entry point for the `clinic_json` target; the body and its properties are in `ketapath_fuzz::clinic_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::clinic_json(data));
