//! Word and OpenDocument memos: any bytes read as an office memo or as an
//! error, never a panic or a hang, and what reads extracts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::office(data));
