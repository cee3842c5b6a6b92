//! Memo extraction (html): any bytes, decoded as a memo would be, extract
//! without a panic, every position inside the text.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use citecheck::model::MemoFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::extraction(data, MemoFormat::Html));
