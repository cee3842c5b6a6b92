//! The quote normaliser and matcher: quotes found in the first part of the
//! input (a memo) are looked for in the second (a page's text).
#![no_main]

use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::MemoFormat;
use citecheck::verify::quote::{PageText, PreparedQuote, find_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (memo, page) = text.split_once('\u{0}').unwrap_or((&text, &text));
    let options = ExtractOptions {
        min_quote_words: 1,
        ..ExtractOptions::default()
    };
    let x = extract(memo, MemoFormat::Text, &options);
    let prepared: Vec<PreparedQuote> = x.quotes.iter().map(PreparedQuote::new).collect();
    let quotes: Vec<&PreparedQuote> = prepared.iter().collect();
    let page = PageText::new(page.to_owned());
    let found = find_all(&quotes, &page);
    assert_eq!(found.len(), quotes.len());
    for m in found.into_iter().flatten() {
        assert!((0.0..=1.0).contains(&m.similarity));
    }
});
