//! libFuzzer entry point for the `search_params` target; the body and its properties are in `ketapath_fuzz::search_params`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::search_params(data));
