//! libFuzzer entry point for the `score_items` target; the body and its properties are in `ketapath_fuzz::score_items`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::score_items(data));
