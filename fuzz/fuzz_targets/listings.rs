//! What a memo site publishes: sitemaps (gzipped or not), RSS and Atom
//! feeds, robots.txt, the sniffing that tells a memo from a listing, and
//! the links a crawl follows from a page.
//! Any body is a listing or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::listings(data));
