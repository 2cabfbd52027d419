//! The PostgreSQL fast path of the tokenizer against sqlparser's tokenizer: on
//! any text the fast path reads, every token and span must be sqlparser's.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe::sql::compare_fast_path;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    if let Err(difference) = compare_fast_path(text) {
        panic!("{text:?}: {difference}");
    }
});
