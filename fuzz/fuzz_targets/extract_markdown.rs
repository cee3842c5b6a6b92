//! Memo extraction (markdown): any bytes, decoded as a memo would be, must
//! extract without a panic, and every position must be inside the text.
#![no_main]

use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::MemoFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = citecheck::input::decode(data) else {
        return;
    };
    let x = extract(&text, MemoFormat::Markdown, &ExtractOptions::default());
    // An upper bound: `\n`, `\r\n` and a lone `\r` all end a line.
    let lines = (text.matches('\n').count() + text.matches('\r').count() + 1) as u32;
    for link in &x.links {
        assert!(link.position.line >= 1 && link.position.line <= lines);
    }
    for quote in &x.quotes {
        assert!(quote.position.line >= 1 && quote.position.line <= lines);
        assert!(quote.words > 0);
    }
});
