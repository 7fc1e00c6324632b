//! libFuzzer entry point for the `dose_table_csv` target; the body and its properties are in `ketapath_fuzz::dose_table_csv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::dose_table_csv(data));
