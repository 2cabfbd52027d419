//! Splits any bytes in the dialect the first byte picks, and checks only the
//! splitter's invariants (no parsing), so it runs many more inputs per second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe::sql::split;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, bytes)) = input.split_first() else { return };
    let file = split(bytes, rollsafe_fuzz::dialect_of(selector));
    if let Some(error) = file.coverage_error(bytes.len()) {
        panic!("{error}");
    }
});
