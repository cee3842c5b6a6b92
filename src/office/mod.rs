//! Word (`.docx`, Office Open XML) and OpenDocument (`.odt`) memos: the
//! zip archive and its XML parts → paragraphs with their links, note
//! references and notes. Pure: it reads bytes already in memory, as
//! [`crate::pdf`] does; `input` is what reads the file.
//!
//! What a reader sees is what is kept: text split over runs is joined as
//! written (no spaces invented between runs), tabs and breaks are white
//! space, deleted tracked changes are left out and inserted ones kept,
//! and text boxes, tables, footnotes, endnotes, headers and footers are
//! read as paragraphs of their own. Element names are matched with the
//! prefixes every producer writes (`w:` for WordprocessingML, `text:` and
//! `office:` for OpenDocument), which keeps DrawingML's own paragraphs
//! (`a:p`, in charts and shapes) out.
//!
//! Each link keeps where the document stores it ([`Edit`]s: a byte range
//! in one of the archive's parts), so `citecheck fix` can rewrite just
//! that ([`rewrite`]) and copy every other entry of the archive unchanged.

mod docx;
mod odt;
mod rewrite;

pub use rewrite::{Change, rewrite};

use crate::model::Part;
use std::io::Read;
use std::ops::Range;

/// The most one part of the archive may hold once inflated (a guard
/// against zip bombs: a memo's text is far smaller).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The two kinds of office document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML (Word).
    Docx,
    /// OpenDocument text (LibreOffice, Google Docs' export).
    Odt,
}

impl Kind {
    /// The kind of office document a memo format is, if it is one.
    pub fn of(format: crate::model::MemoFormat) -> Option<Self> {
        match format {
            crate::model::MemoFormat::Docx => Some(Self::Docx),
            crate::model::MemoFormat::Odt => Some(Self::Odt),
            _ => None,
        }
    }
}

/// An office memo as read: its paragraphs in reading order (the body,
/// then footnotes, endnotes, headers and footers), its bookmarks, and
/// what could not be read.
#[derive(Debug, Clone, Default)]
pub struct OfficeMemo {
    /// Non-empty paragraphs, in reading order.
    pub paragraphs: Vec<Paragraph>,
    /// Names of the document's bookmarks (targets of its own links).
    pub bookmarks: Vec<String>,
    /// Things not read, for the report's warnings.
    pub problems: Vec<String>,
    /// The day its document properties say it was created (`YYYY-MM-DD`):
    /// Word's `dcterms:created` in `docProps/core.xml`, OpenDocument's
    /// `meta:creation-date` in `meta.xml`. A web memo that gives no other
    /// date is dated so.
    pub created: Option<String>,
}

/// One paragraph: its text as a reader sees it, and what stands in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The part of the document it is in.
    pub part: Part,
    /// Its text on one line (breaks and tabs as spaces).
    pub text: String,
    /// Its links.
    pub links: Vec<OfficeLink>,
    /// Its note reference marks: (byte offset in `text`, note key, label).
    /// The label is in the text at the offset.
    pub note_refs: Vec<(usize, String, String)>,
    /// The key of the note it belongs to, in a note.
    pub note: Option<String>,
}

/// A hyperlink of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeLink {
    /// The words it is on, in the paragraph's text (empty for a link on
    /// no words).
    pub words: Range<usize>,
    /// Its target: a URL, or `#bookmark` for a place in the document.
    pub target: String,
    /// Where the document stores the target, to rewrite it.
    pub target_at: Vec<Edit>,
    /// For a field code: the whole instruction (`HYPERLINK "…" \o "…"`),
    /// which a rewrite writes again with the new URL in its first piece.
    pub instruction: Option<String>,
    /// Where the words are stored, when they are the URL itself (so a
    /// rewrite changes them too).
    pub words_at: Vec<Edit>,
}

/// A byte range of one part of the archive (escaped XML: an attribute's
/// value, or an element's content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The part's name in the archive (`word/_rels/document.xml.rels`).
    pub part: String,
    /// The range in its bytes.
    pub range: Range<usize>,
}

/// Read an office memo of `kind` from its bytes. Guarded: whatever the
/// bytes, an answer or an error, never a panic that ends the run.
pub fn read_memo(bytes: &[u8], kind: Kind) -> Result<OfficeMemo, String> {
    let read = || {
        let mut archive = open(bytes)?;
        let mut memo = match kind {
            Kind::Docx => docx::read(&mut archive),
            Kind::Odt => odt::read(&mut archive),
        }?;
        memo.created = match kind {
            Kind::Docx => created(&mut archive, "docProps/core.xml", "created"),
            Kind::Odt => created(&mut archive, "meta.xml", "creation-date"),
        };
        Ok(memo)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err("the office document reader failed on this file".to_owned()))
}

/// The archive of an office document, or why it is not one.
fn open(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, String> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(
            "an encrypted document, or a Word 97–2003 .doc file (an OLE compound \
                    file, not a zip archive): citecheck reads .docx and .odt; save it as \
                    .docx without a password"
                .to_owned(),
        );
    }
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable office document (its zip archive: {e})"))
}

/// The day the element `local` (its name without prefix) of the
/// document-properties part `name` gives, when the part is there and
/// says one. A damaged or missing part gives none.
fn created(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    local: &str,
) -> Option<String> {
    use quick_xml::events::Event;
    let xml = part(archive, name).ok()??;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut inside = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().into_inner() == local => inside = true,
            Event::Text(text) if inside => {
                return crate::date::day_of(text.xml10_content().trim());
            }
            Event::End(_) if inside => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One part of the archive as text, `None` when there is no such part.
fn part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) => {
            return Err(format!(
                "{name} cannot be read ({why}; an encrypted document?)"
            ));
        }
        Err(e) => return Err(format!("{name} cannot be read: {e}")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name} cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!(
            "{name} inflates to more than {} MiB: not read",
            MAX_PART_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| format!("{name} is not UTF-8 XML"))
}

/// The part's name that a relationship target names, relative to the
/// folder of the part whose relationships these are (`word/`).
fn resolve_part(folder: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_owned();
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The range of attribute `name`'s value in a start tag's raw text (what
/// lies between its quotes), if the tag has it.
fn attribute_range(tag: &str, name: &str) -> Option<Range<usize>> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(found) = tag[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if !before.is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let rest = &tag[from..];
        let eq = rest.len() - rest.trim_start().len();
        let Some(after_eq) = rest[eq..].strip_prefix('=') else {
            continue;
        };
        let quote_at = from + eq + 1 + (after_eq.len() - after_eq.trim_start().len());
        let quote = *bytes.get(quote_at)?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let start = quote_at + 1;
        let end = start + tag[start..].find(char::from(quote))?;
        return Some(start..end);
    }
    None
}

/// A paragraph being read (paragraphs nest: a text box's, a note's inside
/// the paragraph that holds it).
#[derive(Debug, Default)]
struct Building {
    text: String,
    links: Vec<OfficeLink>,
    note_refs: Vec<(usize, String, String)>,
    note: Option<String>,
    part: Option<Part>,
    /// Links open in it, innermost last.
    open_links: Vec<OpenLink>,
}

/// A link whose words are being read.
#[derive(Debug)]
struct OpenLink {
    /// Where its words start in the paragraph's text.
    start: usize,
    target: Option<String>,
    target_at: Vec<Edit>,
    instruction: Option<String>,
    /// The content of each text element read inside it.
    words_at: Vec<Edit>,
}

impl Building {
    /// Append text a reader sees.
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// A link starts here (`target` `None`: a field that is no link, whose
    /// end must still be matched).
    fn open_link(
        &mut self,
        target: Option<String>,
        target_at: Vec<Edit>,
        instruction: Option<String>,
    ) {
        self.open_links.push(OpenLink {
            start: self.text.len(),
            target,
            target_at,
            instruction,
            words_at: Vec::new(),
        });
    }

    /// Close the innermost open link at the current end of the text.
    fn close_link(&mut self) {
        let Some(open) = self.open_links.pop() else {
            return;
        };
        let Some(target) = open.target.filter(|t| !t.trim().is_empty()) else {
            return;
        };
        let words = open.start..self.text.len();
        let shows_url = self.text[words.clone()].trim() == target.trim();
        self.links.push(OfficeLink {
            words,
            target: target.trim().to_owned(),
            target_at: open.target_at,
            instruction: open.instruction,
            words_at: if shows_url { open.words_at } else { Vec::new() },
        });
    }

    /// The finished paragraph, if it has any text (links still open, as a
    /// field running over paragraphs leaves them, end with it).
    fn finish(mut self, part: Part) -> Option<Paragraph> {
        while !self.open_links.is_empty() {
            self.close_link();
        }
        // One line a paragraph: a line end a part wrote is white space.
        if self.text.contains(['\n', '\r']) {
            self.text = self.text.replace(['\n', '\r'], " ");
        }
        let trimmed_end = self.text.trim_end().len();
        self.text.truncate(trimmed_end);
        if self.text.trim().is_empty() {
            return None;
        }
        for link in &mut self.links {
            link.words.end = link.words.end.min(self.text.len());
            link.words.start = link.words.start.min(link.words.end);
        }
        self.links.sort_by_key(|l| l.words.start);
        Some(Paragraph {
            part: self.part.unwrap_or(part),
            text: self.text,
            links: self.links,
            note_refs: self.note_refs,
            note: self.note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_ranges_and_escapes() {
        let tag = r#"<Relationship Id="rId5" Target='http://a.test/?x=1&amp;y=2' TargetMode="External"/>"#;
        let range = attribute_range(tag, "Target").unwrap();
        assert_eq!(&tag[range], "http://a.test/?x=1&amp;y=2");
        assert_eq!(
            &tag[attribute_range(tag, "TargetMode").unwrap()],
            "External"
        );
        assert!(attribute_range(tag, "Type").is_none());
        assert_eq!(
            resolve_part("word", "media/../footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(
            resolve_part("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_part("word", "footnotes.xml"), "word/footnotes.xml");
        assert_eq!(resolve_part("word", "/word/x.xml"), "word/x.xml");
    }

    #[test]
    fn what_is_not_an_office_document_says_so() {
        let ole = read_memo(
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            Kind::Docx,
        )
        .unwrap_err();
        assert!(ole.contains("encrypted"), "{ole}");
        let junk = read_memo(b"PK\x03\x04 broken", Kind::Docx).unwrap_err();
        assert!(junk.contains("zip archive"), "{junk}");
    }
}
