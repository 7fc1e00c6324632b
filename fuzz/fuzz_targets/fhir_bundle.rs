//! libFuzzer entry point for the `fhir_bundle` target; the body and its properties are in `ketapath_fuzz::fhir_bundle`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ketapath_fuzz::fhir_bundle(data));
