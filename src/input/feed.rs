//! News feeds: RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom. Each item's
//! link and its date (`pubDate`, `dc:date`, Atom's `published`, else
//! `updated`). Pure: the caller fetches, this reads.

use super::published::{Entry, Listing, ListingKind};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Which element's text is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Link,
    /// A permanent-link `guid`, used when the item has no `link`.
    Guid,
    Published,
    Updated,
}

/// An item being read.
#[derive(Debug, Default)]
struct Item {
    link: String,
    guid: String,
    published: String,
    updated: String,
}

impl Item {
    fn entry(self) -> Option<Entry> {
        let url = if self.link.trim().is_empty() {
            self.guid
        } else {
            self.link
        };
        let url = url.trim().to_owned();
        let date =
            crate::date::day_of(&self.published).or_else(|| crate::date::day_of(&self.updated));
        (!url.is_empty()).then_some(Entry { url, date })
    }

    fn push(&mut self, field: Field, text: &str) {
        match field {
            Field::Link => self.link.push_str(text),
            Field::Guid => self.guid.push_str(text),
            Field::Published => self.published.push_str(text),
            Field::Updated => self.updated.push_str(text),
        }
    }
}

/// Read an RSS or Atom feed: its first `limit` items, and whether it had
/// more. A feed with no items is an error of its own (nothing to audit).
pub fn parse(bytes: &[u8], limit: usize) -> Result<Listing, String> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut root: Option<String> = None;
    let mut listing = Listing {
        kind: ListingKind::Pages,
        ..Listing::default()
    };
    let mut item: Option<Item> = None;
    let mut field: Option<Field> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not a feed: {e} at byte {}", reader.buffer_position()))?;
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let empty = matches!(event, Event::Empty(_));
                let name = tag.local_name().into_inner().to_owned();
                if root.is_none() {
                    if !matches!(name.as_str(), "rss" | "feed" | "RDF") {
                        return Err(format!(
                            "not a feed: its root element is <{}>, not <rss> or <feed>",
                            name
                        ));
                    }
                    root = Some(name);
                    continue;
                }
                match name.as_str() {
                    "item" | "entry" => item = Some(Item::default()),
                    _ if item.is_none() => {}
                    "link" => {
                        // Atom's link is an attribute; RSS's is text.
                        if let Some(href) = atom_link(tag) {
                            let item = item.as_mut().expect("inside an item");
                            if item.link.is_empty() {
                                item.link = href;
                            }
                        } else if !empty {
                            field = Some(Field::Link);
                        }
                    }
                    "guid" if !empty && is_permalink(tag) => field = Some(Field::Guid),
                    "pubDate" | "published" | "date" | "issued" if !empty => {
                        field = Some(Field::Published);
                    }
                    "updated" | "modified" if !empty => field = Some(Field::Updated),
                    _ => field = None,
                }
            }
            Event::Text(text) => {
                if let (Some(item), Some(field)) = (item.as_mut(), field) {
                    let text = text.xml10_content();
                    item.push(field, &text);
                }
            }
            Event::GeneralRef(name) => {
                if let (Some(item), Some(field), Some(c)) =
                    (item.as_mut(), field, crate::xml::entity(&name))
                {
                    item.push(field, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::CData(text) => {
                if let (Some(item), Some(field)) = (item.as_mut(), field) {
                    item.push(field, &text.into_inner());
                }
            }
            Event::End(tag) => match tag.local_name().into_inner() {
                "item" | "entry" => {
                    field = None;
                    let entry = item.take().and_then(Item::entry);
                    if entry.is_some_and(|entry| !listing.push(entry, limit)) {
                        break;
                    }
                }
                _ => field = None,
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if root.is_none() {
        return Err("not a feed: no <rss> or <feed> element".to_owned());
    }
    if listing.entries.is_empty() {
        return Err("the feed lists no items with a link".to_owned());
    }
    Ok(listing)
}

/// An Atom `link`'s `href`, when it is the entry's page (`rel` absent or
/// `alternate`).
fn atom_link(tag: &BytesStart<'_>) -> Option<String> {
    let href = crate::xml::attribute(tag, "href")?;
    let rel = crate::xml::attribute(tag, "rel");
    matches!(rel.as_deref(), None | Some("alternate")).then_some(href)
}

/// Whether an RSS `guid` is a link (`isPermaLink` absent or true).
fn is_permalink(tag: &BytesStart<'_>) -> bool {
    crate::xml::attribute(tag, "isPermaLink").is_none_or(|v| v.trim() != "false")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(listing: &Listing) -> Vec<(&str, Option<&str>)> {
        listing
            .entries
            .iter()
            .map(|e| (e.url.as_str(), e.date.as_deref()))
            .collect()
    }

    #[test]
    fn rss_items_with_links_guids_and_dates() {
        let rss = r#"<?xml version="1.0"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
              <title>Memos</title><link>https://example.org/</link>
              <item><title>A</title><link>https://example.org/a?x=1&amp;y=2</link>
                <pubDate>Thu, 01 Mar 2012 10:00:00 +0000</pubDate></item>
              <item><guid>https://example.org/b</guid><dc:date>2013-04-05</dc:date></item>
              <item><guid isPermaLink="false">tag:1</guid></item>
              <item><link><![CDATA[https://example.org/c]]></link></item>
            </channel></rss>"#;
        let listing = parse(rss.as_bytes(), 10).unwrap();
        assert_eq!(
            urls(&listing),
            [
                ("https://example.org/a?x=1&y=2", Some("2012-03-01")),
                ("https://example.org/b", Some("2013-04-05")),
                ("https://example.org/c", None),
            ],
            "the channel's own link is not an item; a guid that is no link is dropped"
        );
        let limited = parse(rss.as_bytes(), 2).unwrap();
        assert_eq!(limited.entries.len(), 2);
        assert!(limited.more);
    }

    #[test]
    fn atom_entries_take_their_alternate_link() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom">
              <link rel="self" href="https://example.org/feed.atom"/>
              <entry><link rel="edit" href="https://example.org/edit/1"/>
                <link href="https://example.org/memos/1"/>
                <updated>2014-02-02T00:00:00Z</updated></entry>
              <entry><link rel="alternate" href="https://example.org/memos/2"/>
                <published>2015-01-01T00:00:00Z</published>
                <updated>2016-01-01T00:00:00Z</updated></entry>
            </feed>"#;
        let listing = parse(atom.as_bytes(), 10).unwrap();
        assert_eq!(
            urls(&listing),
            [
                ("https://example.org/memos/1", Some("2014-02-02")),
                ("https://example.org/memos/2", Some("2015-01-01")),
            ]
        );
    }

    #[test]
    fn what_is_not_a_feed_says_so() {
        assert!(parse(b"<html></html>", 10).unwrap_err().contains("<html>"));
        let empty = "<rss><channel><title>Nothing yet</title></channel></rss>";
        assert_eq!(
            parse(empty.as_bytes(), 10).unwrap_err(),
            "the feed lists no items with a link"
        );
        assert!(parse(b"<rss><channel><item>", 10).is_err());
    }
}
