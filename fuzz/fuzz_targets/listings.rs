//! What a memo site publishes: sitemaps (gzipped or not), RSS and Atom
//! feeds, robots.txt, and the sniffing that tells a memo from a listing.
//! Any body is a listing or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::listings(data));
