//! libFuzzer entry point for the `clinic_csv` target; the body and its properties are in `ketapath_fuzz::clinic_csv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::clinic_csv(data));
