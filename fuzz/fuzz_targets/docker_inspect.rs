#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flightdeck::fuzzing::docker_inspect(data));
