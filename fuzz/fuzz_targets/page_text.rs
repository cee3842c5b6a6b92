//! The page reader: any HTML gives anchors, title, visible text and who
//! the page names (its comments' places inside the text), its text
//! normalises with a map back to the original that stays inside, and an
//! attribution checked anywhere in it gives a verdict, and its title and
//! heading give the soft-404 evidence (parked, not found) without panic.
#![no_main]

use citecheck::verify::attribution::{self, Speaker};
use citecheck::verify::normalize::normalize_mapped;
use citecheck::verify::page::PageFacts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let facts = PageFacts::from_html(&html, true);
    let text = facts.text.unwrap_or_default();
    if let Some(people) = facts.people.as_deref() {
        for comment in &people.comments {
            assert!(comment.span.start <= comment.span.end, "{comment:?}");
            assert!(comment.span.end <= text.len(), "{comment:?}");
        }
        let speaker = Speaker::personal("Dr. Jörg de Rühe").unwrap();
        let at = text.len() / 2;
        let _ = attribution::check(&speaker, &text, at..text.len(), Some(people));
    }
    let _ = normalize_mapped(&text);
    let cited = url::Url::parse("http://a.example/news/2010/x").unwrap();
    let _ = citecheck::verify::soft404::cheap_evidence(
        &cited,
        &cited,
        facts.title.as_deref(),
        facts.heading.as_deref(),
    );
});
