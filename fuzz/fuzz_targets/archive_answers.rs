//! Web archives' answers: a CDX server's rows (JSON or text), a Memento
//! TimeMap, Save Page Now's JSON. Any body is captures or an error, never
//! a panic; every capture it gives is one of the archive's, with a
//! checked time, and a TimeMap's captures come oldest first, once each.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::archive_answers(data));
