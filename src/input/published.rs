//! Memos published on the web: what a fetched answer is (a memo in one
//! of the formats citecheck reads, a sitemap, a feed) and the listings
//! sitemaps and feeds give. Pure: the run fetches
//! (`run::published`), this decides.

use crate::model::MemoFormat;
use url::Url;

/// One page a sitemap or feed lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Its URL as written (resolved by the caller against the listing's
    /// own URL).
    pub url: String,
    /// The day it was modified or published (`lastmod`, `pubDate`…), as
    /// `YYYY-MM-DD` when given.
    pub date: Option<String>,
}

/// What a listing's entries are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListingKind {
    /// Pages (a `urlset`, a feed's items).
    #[default]
    Pages,
    /// Other sitemaps (a `sitemapindex`).
    Sitemaps,
}

/// A sitemap's or feed's entries, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// What the entries are.
    pub kind: ListingKind,
    /// The entries, up to the limit asked for.
    pub entries: Vec<Entry>,
    /// Whether there were more than the limit.
    pub more: bool,
}

impl Listing {
    /// Add `entry` unless the listing holds `limit` entries already, when
    /// it is marked as having more; whether it was added.
    pub fn push(&mut self, entry: Entry, limit: usize) -> bool {
        if self.entries.len() >= limit {
            self.more = true;
            return false;
        }
        self.entries.push(entry);
        true
    }

    /// Only the entries dated on or after `since` (`YYYY-MM-DD`); an
    /// entry with no date is kept (nothing says it is older).
    pub fn since(mut self, since: &str) -> Self {
        self.entries
            .retain(|e| e.date.as_deref().is_none_or(|d| !is_before(d, since)));
        self
    }
}

/// Whether the day `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) ends
/// before the day `since` starts.
fn is_before(date: &str, since: &str) -> bool {
    match (
        crate::date::unix_end_of_day(date),
        crate::date::unix_end_of_day(since),
    ) {
        // `since` ends 86,399 s after it starts.
        (Some(end), Some(since_end)) => end < since_end - 86_399,
        _ => false,
    }
}

/// What a fetched answer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// A memo in a format citecheck reads.
    Memo(MemoFormat),
    /// A sitemap or sitemap index (gzipped or not).
    Sitemap,
    /// An RSS or Atom feed.
    Feed,
}

/// What an answer with `content_type` and `body`, from `url`, holds: by
/// its bytes first (a PDF, a zip, the root element of XML), then its
/// type, then the URL's extension; `None` when it is none of the formats
/// citecheck reads.
pub fn kind_of(url: &Url, content_type: Option<&str>, body: &[u8]) -> Option<Published> {
    let ct = content_type
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let from_url = MemoFormat::from_path(std::path::Path::new(url.path()));
    if crate::pdf::is_pdf(body) {
        return Some(Published::Memo(MemoFormat::Pdf));
    }
    if is_gzip(body) {
        return Some(Published::Sitemap);
    }
    if body.starts_with(b"PK\x03\x04") {
        let format = match ct.as_str() {
            "application/vnd.oasis.opendocument.text" => MemoFormat::Odt,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                MemoFormat::Docx
            }
            _ => from_url.filter(|f| matches!(f, MemoFormat::Docx | MemoFormat::Odt))?,
        };
        return Some(Published::Memo(format));
    }
    match xml_root(body).as_deref() {
        Some("urlset" | "sitemapindex") => return Some(Published::Sitemap),
        Some("rss" | "feed" | "rdf") => return Some(Published::Feed),
        Some("html") => return Some(Published::Memo(MemoFormat::Html)),
        _ => {}
    }
    let by_type = match ct.as_str() {
        "text/html" | "application/xhtml+xml" => Some(MemoFormat::Html),
        "text/markdown" | "text/x-markdown" => Some(MemoFormat::Markdown),
        "text/plain" => Some(
            from_url
                .filter(|f| *f == MemoFormat::Markdown)
                .unwrap_or(MemoFormat::Text),
        ),
        _ => None,
    };
    by_type
        .or(from_url.filter(|f| !f.is_binary()))
        .map(Published::Memo)
}

/// Whether `bytes` are gzip's (a gzipped sitemap; the fetch layer has
/// already undone a gzip `Content-Encoding`).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The local name of the first element of an XML or HTML document, lower
/// case (after a BOM, white space, the XML declaration, comments,
/// processing instructions and a doctype).
fn xml_root(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            rest = after.split_once("?>")?.1.trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->")?.1.trim_start();
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = after.split_once('>')?.1.trim_start();
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix('<')?;
    let name: String = tag
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let local = name.rsplit(':').next().unwrap_or(&name);
    (!local.is_empty()).then(|| local.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, ct: Option<&str>, body: &[u8]) -> Option<Published> {
        kind_of(
            &Url::parse(&format!("https://example.org{path}")).unwrap(),
            ct,
            body,
        )
    }

    #[test]
    fn answers_are_known_by_bytes_type_and_extension() {
        use MemoFormat as F;
        use Published::*;
        assert_eq!(
            kind("/m", Some("text/html; charset=utf-8"), b"<p>hi"),
            Some(Memo(F::Html))
        );
        assert_eq!(
            kind("/m", None, b"<!DOCTYPE html><html>"),
            Some(Memo(F::Html))
        );
        assert_eq!(
            kind("/m", Some("application/octet-stream"), b"%PDF-1.4"),
            Some(Memo(F::Pdf))
        );
        let sitemap = b"<?xml version='1.0'?><!-- hi --><urlset xmlns='x'>";
        assert_eq!(kind("/sitemap", Some("text/xml"), sitemap), Some(Sitemap));
        assert_eq!(kind("/s.gz", None, &[0x1f, 0x8b, 8]), Some(Sitemap));
        assert_eq!(
            kind("/feed", Some("application/rss+xml"), b"<rss>"),
            Some(Feed)
        );
        assert_eq!(
            kind("/atom", Some("text/xml"), b"<feed xmlns='x'>"),
            Some(Feed)
        );
        assert_eq!(kind("/rdf", None, b"<rdf:RDF>"), Some(Feed));
        assert_eq!(kind("/a.docx", None, b"PK\x03\x04.."), Some(Memo(F::Docx)));
        let odt = "application/vnd.oasis.opendocument.text";
        assert_eq!(kind("/a", Some(odt), b"PK\x03\x04.."), Some(Memo(F::Odt)));
        assert_eq!(kind("/a.zip", None, b"PK\x03\x04.."), None);
        assert_eq!(
            kind("/a.md", Some("text/plain"), b"# hi"),
            Some(Memo(F::Markdown))
        );
        assert_eq!(kind("/a", Some("text/plain"), b"hi"), Some(Memo(F::Text)));
        assert_eq!(kind("/a", Some("image/png"), b"\x89PNG"), None);
    }

    #[test]
    fn since_keeps_entries_of_that_day_on_and_undated_ones() {
        let entry = |date: Option<&str>| Entry {
            url: "u".into(),
            date: date.map(str::to_owned),
        };
        let listing = Listing {
            entries: vec![
                entry(Some("2011-12-31")),
                entry(Some("2012-01-01")),
                entry(Some("2012")),
                entry(None),
            ],
            ..Listing::default()
        };
        let kept: Vec<_> = listing
            .since("2012-01-01")
            .entries
            .into_iter()
            .map(|e| e.date)
            .collect();
        assert_eq!(kept, [Some("2012-01-01".into()), Some("2012".into()), None]);
    }
}
