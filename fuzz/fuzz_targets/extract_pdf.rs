//! PDF memos: any bytes must read as a PDF memo or as an error, never a
//! panic or a hang, and what reads must extract.
#![no_main]

use citecheck::extract::{ExtractOptions, extract_pdf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(memo) = citecheck::pdf::read_memo(data) {
        let x = extract_pdf(&memo, &ExtractOptions::default());
        for link in &x.links {
            assert!(link.position.page.is_some());
        }
    }
    let _ = citecheck::pdf::page_texts(data);
});
