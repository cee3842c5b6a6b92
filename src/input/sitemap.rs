//! Sitemaps (sitemaps.org): a `urlset` lists pages, a `sitemapindex`
//! lists other sitemaps; each entry's `loc` and `lastmod`. Gzipped
//! sitemaps are inflated here, up to the protocol's 50 MB. Pure: the
//! caller fetches, this reads.

use super::published::{Entry, Listing, ListingKind, is_gzip};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::Read;

/// The largest sitemap read, inflated (the protocol's limit).
pub const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// `bytes` inflated when they are gzip's, up to [`MAX_SITEMAP_BYTES`].
pub fn inflate(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if !is_gzip(bytes) {
        return Ok(bytes.into());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_SITEMAP_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot inflate the gzipped sitemap: {e}"))?;
    if out.len() as u64 > MAX_SITEMAP_BYTES {
        return Err(format!(
            "the sitemap inflates to more than {} MB, the protocol's limit",
            MAX_SITEMAP_BYTES / (1024 * 1024)
        ));
    }
    Ok(out.into())
}

/// Read a sitemap or sitemap index (gzipped or not): its first `limit`
/// entries, and whether it had more.
pub fn parse(bytes: &[u8], limit: usize) -> Result<Listing, String> {
    let bytes = inflate(bytes)?;
    let mut reader = Reader::from_reader(&bytes[..]);
    reader.config_mut().trim_text(true);
    let mut kind = None;
    let mut listing = Listing::default();
    // The entry being read, and which of its fields the text is for.
    let mut entry: Option<Entry> = None;
    let mut field: Option<&'static str> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not a sitemap: {e} at byte {}", reader.buffer_position()))?;
        match event {
            Event::Start(tag) => {
                let name = tag.local_name();
                let name = name.into_inner();
                match (kind, name) {
                    (None, "urlset") => kind = Some(ListingKind::Pages),
                    (None, "sitemapindex") => kind = Some(ListingKind::Sitemaps),
                    (None, _) => {
                        return Err(format!(
                            "not a sitemap: its root element is <{}>, not <urlset> or \
                             <sitemapindex>",
                            name
                        ));
                    }
                    (Some(ListingKind::Pages), "url")
                    | (Some(ListingKind::Sitemaps), "sitemap") => {
                        entry = Some(Entry::default());
                    }
                    (Some(_), "loc") if entry.is_some() => field = Some("loc"),
                    (Some(_), "lastmod") if entry.is_some() => field = Some("lastmod"),
                    _ => field = None,
                }
            }
            Event::Text(text) => {
                let (Some(entry), Some(field)) = (entry.as_mut(), field) else {
                    continue;
                };
                let text = text.xml10_content();
                push_field(entry, field, &text);
            }
            Event::GeneralRef(name) => {
                if let (Some(entry), Some(field), Some(c)) =
                    (entry.as_mut(), field, crate::xml::entity(&name))
                {
                    push_field(entry, field, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::CData(text) => {
                if let (Some(entry), Some(field)) = (entry.as_mut(), field) {
                    push_field(entry, field, &text.into_inner());
                }
            }
            Event::End(tag) => {
                let name = tag.local_name();
                match name.into_inner() {
                    "url" | "sitemap" => {
                        let done = entry.take().filter(|e| !e.url.is_empty());
                        if done.is_some_and(|done| !listing.push(done, limit)) {
                            break;
                        }
                    }
                    _ => field = None,
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    listing.kind = kind.ok_or("not a sitemap: no <urlset> or <sitemapindex> element")?;
    Ok(listing)
}

fn push_field(entry: &mut Entry, field: &str, text: &str) {
    match field {
        "loc" => entry.url.push_str(text.trim()),
        _ => entry.date = crate::date::day_of(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlsets_and_indexes_gzipped_or_not() {
        let urlset = r#"<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>https://example.org/memos/a?x=1&amp;y=2</loc>
                   <lastmod>2012-03-01T10:00:00+00:00</lastmod></url>
              <url><loc> https://example.org/memos/b </loc></url>
              <url><lastmod>2012-01-01</lastmod></url>
            </urlset>"#;
        let listing = parse(urlset.as_bytes(), 10).unwrap();
        assert_eq!(listing.kind, ListingKind::Pages);
        assert_eq!(listing.entries.len(), 2, "an entry without loc is dropped");
        assert_eq!(
            listing.entries[0].url,
            "https://example.org/memos/a?x=1&y=2"
        );
        assert_eq!(listing.entries[0].date.as_deref(), Some("2012-03-01"));
        assert_eq!(listing.entries[1].url, "https://example.org/memos/b");
        assert!(!listing.more);

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, urlset.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(parse(&gz, 10).unwrap(), listing);

        let limited = parse(urlset.as_bytes(), 1).unwrap();
        assert_eq!(limited.entries.len(), 1);
        assert!(limited.more);

        let index = "<sitemapindex><sitemap><loc>https://example.org/s1.xml.gz</loc>\
                     <lastmod>2020-05-05</lastmod></sitemap></sitemapindex>";
        let listing = parse(index.as_bytes(), 10).unwrap();
        assert_eq!(listing.kind, ListingKind::Sitemaps);
        assert_eq!(listing.entries[0].url, "https://example.org/s1.xml.gz");
    }

    #[test]
    fn what_is_not_a_sitemap_says_so() {
        let html = parse(b"<html><body>hi</body></html>", 10).unwrap_err();
        assert!(html.contains("<html>"), "{html}");
        assert!(parse(b"", 10).unwrap_err().starts_with("not a sitemap"));
        assert!(parse(b"<urlset><url><loc>a</loc></urlset", 10).is_err());
        assert!(
            parse(&[0x1f, 0x8b, 0, 1, 2], 10)
                .unwrap_err()
                .contains("inflate")
        );
    }
}
