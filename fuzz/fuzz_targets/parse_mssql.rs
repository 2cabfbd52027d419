//! Reads any bytes as a Mssql migration file: see `rollsafe_fuzz::check_reading`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe::sql::Dialect;

fuzz_target!(|bytes: &[u8]| rollsafe_fuzz::check_reading(bytes, Dialect::Mssql));
