//! The checks the fuzz targets make, shared with the test that replays
//! every input they ever failed on (`tests/citecheck/bad_input.rs`).
#![allow(dead_code)] // each target uses one of them

use citecheck::extract::{ExtractOptions, extract, extract_pdf};
use citecheck::model::MemoFormat;
use citecheck::verify::quote::{PageText, PreparedQuote, find_all};

/// Memo bytes, decoded as a memo would be and extracted in `format`,
/// without a panic; every position inside the text.
pub fn extraction(data: &[u8], format: MemoFormat) {
    let Ok((text, _)) = citecheck::input::decode(data) else {
        return;
    };
    let x = extract(&text, format, &ExtractOptions::default());
    // An upper bound: `\n`, `\r\n` and a lone `\r` all end a line.
    let lines = (text.matches('\n').count() + text.matches('\r').count() + 1) as u32;
    for position in x
        .links
        .iter()
        .map(|l| l.position)
        .chain(x.quotes.iter().map(|q| q.position))
    {
        assert!(
            (1..=lines).contains(&position.line),
            "line {} of {lines}",
            position.line
        );
    }
    assert!(x.quotes.iter().all(|q| q.words > 0));
    if format == MemoFormat::Html {
        // The same page as a memo from the web: its main content only
        // (by the rules, and by a selector), never more links.
        for selector in [None, Some("div.post, article > p".to_owned())] {
            let options = ExtractOptions {
                base_url: Some(url::Url::parse("https://example.org/memos/a").unwrap()),
                main_content: Some(citecheck::extract::main_content::MainContent { selector }),
                ..ExtractOptions::default()
            };
            let web = extract(&text, format, &options);
            assert!(web.links.len() <= x.links.len());
        }
    }
}

/// PDF bytes read as a memo or as an error, never a panic; what reads
/// extracts with pages.
pub fn pdf(data: &[u8]) {
    if let Ok(memo) = citecheck::pdf::read_memo(data) {
        let x = extract_pdf(&memo, &ExtractOptions::default());
        assert!(x.links.iter().all(|l| l.position.page.is_some()));
    }
    let _ = citecheck::pdf::page_texts(data);
}

/// Word and OpenDocument memos: any bytes read as either kind or as an
/// error, and what reads extracts with a part for every link.
pub fn office(data: &[u8]) {
    for kind in [citecheck::office::Kind::Docx, citecheck::office::Kind::Odt] {
        if let Ok(memo) = citecheck::office::read_memo(data, kind) {
            let x = citecheck::extract::extract_office(&memo, &ExtractOptions::default());
            assert!(x.links.iter().all(|l| l.position.part.is_some()));
        }
    }
}

/// The quotes of the memo before the first NUL, looked for in the page
/// text after it: one answer per quote, similarities within [0, 1].
pub fn quote_match(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (memo, page) = text.split_once('\u{0}').unwrap_or((&text, &text));
    let options = ExtractOptions {
        min_quote_words: 1,
        ..ExtractOptions::default()
    };
    let x = extract(memo, MemoFormat::Text, &options);
    let prepared: Vec<PreparedQuote> = x.quotes.iter().map(PreparedQuote::new).collect();
    let quotes: Vec<&PreparedQuote> = prepared.iter().collect();
    let found = find_all(&quotes, &PageText::new(page.to_owned()));
    assert_eq!(found.len(), quotes.len());
    for m in found.into_iter().flatten() {
        assert!(
            (0.0..=1.0).contains(&m.similarity),
            "similarity {}",
            m.similarity
        );
    }
}

/// An archive's answer (the first byte picks which: a CDX server's rows,
/// a Memento TimeMap, Save Page Now's JSON): captures or an error, never
/// a panic; every capture one of the archive's with a checked time; a
/// TimeMap's captures oldest first, once each.
pub fn archive_answers(data: &[u8]) {
    use citecheck::archive::{memento, save_page_now, wayback};
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    let base = url::Url::parse("http://archive.test/").unwrap();
    let cited = url::Url::parse("http://a.org/x?y=1").unwrap();
    match which % 3 {
        0 => {
            if let Ok(captures) = wayback::parse_cdx(&base, &cited, body) {
                for c in &captures {
                    assert!(c.raw_url.as_str().starts_with("http://archive.test/web/"));
                    assert!(c.view_url.as_str().starts_with("http://archive.test/web/"));
                    assert!(c.timestamp.as_str().bytes().all(|b| b.is_ascii_digit()));
                }
                for (i, c) in captures.iter().enumerate() {
                    assert!(captures[..i].iter().all(|d| d.timestamp != c.timestamp));
                }
            }
        }
        1 => {
            if let Ok(captures) = memento::parse_timemap(body, "archive.test") {
                assert!(captures.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
            }
        }
        _ => {
            let _ = save_page_now::parse_submitted(body);
            let _ = save_page_now::parse_status(body);
            let _ = save_page_now::parse_available(body);
        }
    }
}

/// What a memo site publishes: a sitemap (gzipped or not), a feed, a
/// robots.txt, or any answer to tell apart and a page a crawl walks (the
/// first byte says which).
/// Any body is a listing or an error, never a panic; a listing holds at
/// most the entries asked for, each with a URL, and `--since` only drops.
pub fn listings(data: &[u8]) {
    use citecheck::input::{feed, published, robots, sitemap};
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let limit = 50;
    let listing = match which % 4 {
        0 => sitemap::parse(body, limit),
        1 => feed::parse(body, limit),
        2 => {
            let rules = robots::Rules::of(Ok((200, body)));
            for path in ["/", "/memos/a", "/robots.txt", "/a%20b?c=*"] {
                let url = url::Url::parse(&format!("https://example.org{path}")).unwrap();
                let _ = rules.allows(&url);
            }
            assert!(rules.crawl_delay() <= Some(robots::MAX_CRAWL_DELAY));
            return;
        }
        _ => {
            let url = url::Url::parse("https://example.org/memos/a.pdf").unwrap();
            let _ = published::kind_of(&url, Some("text/xml"), body);
            let _ = published::kind_of(&url, None, body);
            // A page a crawl walks: its links, and whether it is a memo.
            let html = String::from_utf8_lossy(body);
            let scope = citecheck::input::crawl::Scope::of(&url);
            for next in citecheck::input::crawl::links(&html, &url) {
                assert!(next.url.fragment().is_none());
                let _ = scope.holds(&next.url);
            }
            let _ = citecheck::input::crawl::is_memo(&html);
            return;
        }
    };
    if let Ok(listing) = listing {
        assert!(listing.entries.len() <= limit);
        assert!(listing.entries.iter().all(|e| !e.url.is_empty()));
        let all = listing.entries.len();
        assert!(listing.since("2012-01-01").entries.len() <= all);
    }
}
