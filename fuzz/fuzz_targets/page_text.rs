//! The page reader: any HTML gives anchors, title and visible text, and
//! its text normalises with a map back to the original that stays inside.
#![no_main]

use citecheck::verify::normalize::normalize_mapped;
use citecheck::verify::page::PageFacts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let facts = PageFacts::from_html(&html, true);
    let text = facts.text.unwrap_or_default();
    let _ = normalize_mapped(&text);
});
