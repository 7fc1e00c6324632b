//! libFuzzer entry point for the `place_parse` target; the body and its properties are in `ketapath_fuzz::place_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::place_parse(data));
