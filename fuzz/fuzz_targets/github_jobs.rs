#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flightdeck::fuzzing::github_jobs(data));
