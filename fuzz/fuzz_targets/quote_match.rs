//! The quote normaliser and matcher: quotes found in the first part of the
//! input (a memo) are looked for in the second (a page's text).
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::quote_match(data));
