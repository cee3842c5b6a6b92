//! A memo's bytes with its planned fixes applied: the URL spans replaced
//! (or a capture added beside), everything else byte for byte as it was.

use super::capture_date;
use crate::model::{Fix, FixKind, LinkKind, MemoFormat};
use crate::report::LinkResult;
use std::ops::Range;

/// whose link cannot be found as written is marked not applied, with the
/// reason. PDF and UTF-16 memos are not rewritten (every fix held back).
pub(crate) fn apply(
    bytes: &[u8],
    format: MemoFormat,
    links: &[LinkResult],
    fixes: &mut [Fix],
) -> Vec<u8> {
    if format == MemoFormat::Pdf {
        for fix in fixes.iter_mut().filter(|f| f.applied) {
            fix.refuse(PDF_NOT_REWRITTEN);
        }
        return bytes.to_vec();
    }
    if let Some(kind) = crate::office::Kind::of(format) {
        return apply_office(bytes, kind, links, fixes);
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        for fix in fixes.iter_mut().filter(|f| f.applied) {
            fix.refuse("UTF-16 memos are not rewritten");
        }
        return bytes.to_vec();
    }
    let memo = Memo::new(bytes);
    let mut edits: Vec<Edit> = Vec::new();
    for fix in fixes.iter_mut().filter(|f| f.applied) {
        let Some(link) = links.get(fix.link) else {
            fix.refuse("the link is not in the memo");
            continue;
        };
        match edit(&memo, format, link, fix) {
            Ok(more) => edits.extend(more),
            Err(why) => fix.refuse(why),
        }
    }
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    edits.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at {
            // Overlapping edits: the first one stands.
            continue;
        }
        out.extend_from_slice(&bytes[at..range.start]);
        out.extend_from_slice(&text);
        at = range.end;
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

/// A Word or OpenDocument memo with its fixes made: each fixed link's
/// stored target (a relationship, a field's instruction, an `xlink:href`)
/// and, where they show the URL itself, its words; every other entry of
/// the archive as it was. A URL printed in the text (on no hyperlink) and
/// a capture beside a link are held back with the reason.
fn apply_office(
    bytes: &[u8],
    kind: crate::office::Kind,
    links: &[LinkResult],
    fixes: &mut [Fix],
) -> Vec<u8> {
    use crate::office;
    let memo = match office::read_memo(bytes, kind) {
        Ok(memo) => memo,
        Err(why) => {
            for fix in fixes.iter_mut().filter(|f| f.applied) {
                fix.refuse(format!("the memo cannot be read again: {why}"));
            }
            return bytes.to_vec();
        }
    };
    let mut changes = Vec::new();
    let mut changed = Vec::new();
    for (i, fix) in fixes.iter_mut().enumerate().filter(|(_, f)| f.applied) {
        let found = links
            .get(fix.link)
            .ok_or_else(|| "the link is not in the memo".to_owned())
            .and_then(|link| office_link(&memo, link, fix));
        match found {
            Ok(link) => {
                changes.push(office::Change {
                    link,
                    new: fix.new.clone(),
                });
                changed.push(i);
            }
            Err(why) => fix.refuse(why),
        }
    }
    if changes.is_empty() {
        return bytes.to_vec();
    }
    match office::rewrite(bytes, &changes) {
        Ok((new, refused)) => {
            for (i, why) in changed.into_iter().zip(refused) {
                if let Some(why) = why {
                    fixes[i].refuse(why);
                }
            }
            new
        }
        Err(why) => {
            for i in changed {
                fixes[i].refuse(format!("the memo could not be rewritten: {why}"));
            }
            bytes.to_vec()
        }
    }
}

/// The hyperlink of an office memo a fix is for, found by its place (part,
/// paragraph, character) and URL.
fn office_link<'m>(
    memo: &'m crate::office::OfficeMemo,
    link: &LinkResult,
    fix: &Fix,
) -> Result<&'m crate::office::OfficeLink, String> {
    if fix.kind == FixKind::ArchiveBeside {
        return Err(
            "Word and OpenDocument memos get no capture beside a link: it is in the report"
                .to_owned(),
        );
    }
    if link.kind != LinkKind::Hyperlink {
        return Err(
            "a URL typed in the document's text (on no hyperlink) is not rewritten:              replace it in the document"
                .to_owned(),
        );
    }
    let paragraph = memo
        .paragraphs
        .iter()
        .filter(|p| Some(p.part) == link.part)
        .nth(
            usize::try_from(link.line)
                .unwrap_or(usize::MAX)
                .saturating_sub(1),
        )
        .ok_or(NOT_FOUND)?;
    let skip = usize::try_from(link.column.saturating_sub(1)).unwrap_or(usize::MAX);
    let at = paragraph
        .text
        .char_indices()
        .nth(skip)
        .map_or(paragraph.text.len(), |(i, _)| i);
    paragraph
        .links
        .iter()
        .find(|l| l.words.start == at && l.target == link.url)
        .ok_or_else(|| NOT_FOUND.to_owned())
}

/// A memo's bytes with what locating a link needs.
struct Memo<'a> {
    bytes: &'a [u8],
    /// Where line 1 starts (after a UTF-8 byte order mark).
    start: usize,
    /// The memo from `start` when it is UTF-8 (columns count its
    /// characters); `None` for windows-1252 (columns count bytes).
    utf8: Option<&'a str>,
}

impl<'a> Memo<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let start = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Self {
            bytes,
            start,
            utf8: std::str::from_utf8(&bytes[start..]).ok(),
        }
    }

    /// The byte offset of 1-based `line` and `column`.
    fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let mut at = self.start;
        for _ in 1..line {
            at += memchr::memchr(b'\n', &self.bytes[at..])? + 1;
        }
        let skip = usize::try_from(column.saturating_sub(1)).ok()?;
        match self.utf8 {
            Some(text) => {
                let line = text.get(at - self.start..)?;
                let (offset, _) = line.char_indices().nth(skip)?;
                Some(at + offset)
            }
            None => (at + skip < self.bytes.len()).then_some(at + skip),
        }
    }
}

/// Bytes of the memo replaced by others (an empty range inserts).
type Edit = (Range<usize>, Vec<u8>);

const NOT_FOUND: &str = "the link could not be found in the memo as written";

/// Why a PDF memo's fixes are held back.
pub(crate) const PDF_NOT_REWRITTEN: &str =
    "PDF memos are not rewritten: carry the correction into the source document";

/// The edits one fix makes.
fn edit(
    memo: &Memo<'_>,
    format: MemoFormat,
    link: &LinkResult,
    fix: &Fix,
) -> Result<Vec<Edit>, String> {
    let at = memo.offset(link.line, link.column).ok_or(NOT_FOUND)?;
    let beside = fix.kind == FixKind::ArchiveBeside;
    match link.kind {
        LinkKind::Anchor | LinkKind::ImageSource | LinkKind::Cite => {
            let value = attribute(memo.bytes, at, link.kind).ok_or(NOT_FOUND)?;
            let raw = &memo.bytes[value.span.clone()];
            if unescape(raw) != link.url.as_bytes() {
                return Err(NOT_FOUND.to_owned());
            }
            let date = version_date(fix);
            if beside {
                let extra = format!(
                    " data-versionurl=\"{}\" data-versiondate=\"{date}\"",
                    escape(&fix.new)
                );
                return Ok(vec![(value.end..value.end, extra.into_bytes())]);
            }
            let mut edits = vec![(value.span.clone(), attribute_value(&fix.new, value.quoted))];
            if fix.kind == FixKind::Archive {
                let extra = format!(
                    " data-originalurl=\"{}\" data-versiondate=\"{date}\"",
                    escape(&link.url)
                );
                edits.push((value.end..value.end, extra.into_bytes()));
            }
            Ok(edits)
        }
        LinkKind::Reference => {
            if beside {
                return Err("a reference-style link gets no capture beside it".to_owned());
            }
            let spans = definitions(memo.bytes, &link.url);
            if spans.is_empty() {
                return Err(NOT_FOUND.to_owned());
            }
            Ok(spans
                .into_iter()
                .map(|span| (span, fix.new.clone().into_bytes()))
                .collect())
        }
        LinkKind::Annotation => Err(PDF_NOT_REWRITTEN.to_owned()),
        // Word and OpenDocument memos are rewritten by `apply_office`.
        LinkKind::Hyperlink => Err(NOT_FOUND.to_owned()),
        LinkKind::Bare | LinkKind::Angle | LinkKind::Inline | LinkKind::Image => {
            let span = written_at(memo.bytes, at, &link.url).ok_or(NOT_FOUND)?;
            if !beside {
                return Ok(vec![(span, fix.new.clone().into_bytes())]);
            }
            if format == MemoFormat::Text {
                return Err(
                    "plain-text memos get no capture beside a link: it is in the report".to_owned(),
                );
            }
            let after = match link.kind {
                LinkKind::Inline | LinkKind::Image => {
                    span.end + memchr::memchr(b')', &memo.bytes[span.end..]).ok_or(NOT_FOUND)? + 1
                }
                LinkKind::Angle => span.end + 1,
                _ => span.end,
            };
            let added = format!(" ([archived {}]({}))", version_date(fix), fix.new);
            Ok(vec![(after..after, added.into_bytes())])
        }
    }
}

/// The span of `url` written at `at`, or soon after on the same line.
fn written_at(bytes: &[u8], at: usize, url: &str) -> Option<Range<usize>> {
    let end = bytes.len().min(at + 4096);
    let found = memchr::memmem::find(bytes.get(at..end)?, url.as_bytes())?;
    let start = at + found;
    Some(start..start + url.len())
}

/// The spans of `url` in Markdown reference definitions (`[label]: URL`,
/// `[label]: <URL>`).
fn definitions(bytes: &[u8], url: &str) -> Vec<Range<usize>> {
    memchr::memmem::find_iter(bytes, url.as_bytes())
        .filter(|&start| {
            let before = &bytes[..start];
            let trimmed = before
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t' && b != b'<')
                .map_or(&before[..0], |p| &before[..=p]);
            let after = bytes.get(start + url.len()).copied();
            trimmed.ends_with(b"]:") && after.is_none_or(|b| b" \t\r\n>\"'(".contains(&b))
        })
        .map(|start| start..start + url.len())
        .collect()
}

/// An HTML attribute's value: its bytes and how it was quoted.
struct Value {
    span: Range<usize>,
    /// The quote character, if any.
    quoted: Option<u8>,
    /// Where new attributes go: after the value (and its quote).
    end: usize,
}

/// The value of the link's attribute in the tag at `at`.
fn attribute(bytes: &[u8], at: usize, kind: LinkKind) -> Option<Value> {
    let name: &[u8] = match kind {
        LinkKind::Anchor => b"href",
        LinkKind::ImageSource => b"src",
        _ => b"cite",
    };
    // The position may be the tag's or its value's: start at the tag.
    let at = memchr::memrchr(b'<', bytes.get(..=at)?)?;
    let close = at + memchr::memchr(b'>', bytes.get(at..)?)?;
    let tag = &bytes[at..close];
    let mut i = 0;
    while i + name.len() <= tag.len() {
        let here = &tag[i..i + name.len()];
        let starts = i > 0 && tag[i - 1].is_ascii_whitespace();
        if starts && here.eq_ignore_ascii_case(name) {
            let mut j = i + name.len();
            while tag.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if tag.get(j) == Some(&b'=') {
                j += 1;
                while tag.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                let quote = tag.get(j).copied().filter(|&b| b == b'"' || b == b'\'');
                let from = j + usize::from(quote.is_some());
                let len = match quote {
                    Some(q) => memchr::memchr(q, &tag[from..])?,
                    None => tag[from..]
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .unwrap_or(tag.len() - from),
                };
                let span = at + from..at + from + len;
                let end = span.end + usize::from(quote.is_some());
                return Some(Value {
                    span,
                    quoted: quote,
                    end,
                });
            }
        }
        i += 1;
    }
    None
}

/// An attribute value as HTML decodes it, for the entities URLs carry.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    text.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .into_bytes()
}

fn escape(url: &str) -> String {
    url.replace('&', "&amp;").replace('"', "&quot;")
}

/// A new URL as an attribute value quoted as the old one was (an
/// unquoted value stays unquoted when it can).
fn attribute_value(url: &str, quoted: Option<u8>) -> Vec<u8> {
    let escaped = escape(url);
    match quoted {
        Some(b'\'') => escaped.replace('\'', "&#39;").into_bytes(),
        Some(_) => escaped.into_bytes(),
        None if escaped
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b"\"'=<>`".contains(&b)) =>
        {
            format!("\"{escaped}\"").into_bytes()
        }
        None => escaped.into_bytes(),
    }
}

/// `YYYY-MM-DD` of a fix's capture: its timestamp.
fn version_date(fix: &Fix) -> String {
    capture_date(fix.timestamp.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_attributes_are_found_as_written() {
        let md = b"See [a][r].\n\n[r]: <http://x.test/a> \"T\"\n[s]: http://x.test/a\nhttp://x.test/ab\n";
        let spans = definitions(md, "http://x.test/a");
        assert_eq!(spans.len(), 2);
        let html = b"<p><a class=k href='http://x.test/?a=1&amp;b=2#c'>t</a></p>";
        let value = attribute(html, 3, LinkKind::Anchor).unwrap();
        assert_eq!(value.quoted, Some(b'\''));
        assert_eq!(
            unescape(&html[value.span.clone()]),
            b"http://x.test/?a=1&b=2#c"
        );
        let unquoted = b"<a href=http://x.test/u>u</a>";
        let value = attribute(unquoted, 0, LinkKind::Anchor).unwrap();
        assert_eq!(&unquoted[value.span], b"http://x.test/u");
    }

    #[test]
    fn columns_count_characters_in_utf8_and_bytes_in_windows_1252() {
        let utf8 = Memo::new("\u{feff}a\r\n“é” http://x".as_bytes());
        let at = utf8.offset(2, 5).unwrap();
        assert_eq!(&utf8.bytes[at..], b"http://x");
        let cp1252 = Memo::new(b"\x93q\x94 http://x");
        assert_eq!(cp1252.offset(1, 5), Some(4));
    }
}
