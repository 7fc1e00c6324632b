//! libFuzzer entry point for the `screen_input` target; the body and its properties are in `ketapath_fuzz::screen_input`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::screen_input(data));
