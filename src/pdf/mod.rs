//! PDF documents (lopdf): the text of a source page by page, and a memo's
//! laid-out lines with its link annotations. PDFs come from anyone, so
//! every entry point is guarded: a panic inside the parser becomes an
//! error, never the end of the run. Pure: bytes in, structure out.

mod cmap;
mod fonts;
mod layout;
mod links;

pub use layout::{Line, Rect, Word, helvetica_width};
pub use links::LinkAnnotation;

use std::panic::{AssertUnwindSafe, catch_unwind};

/// An object, or what it refers to when it is a reference (itself when
/// the reference leads nowhere).
fn resolve<'a>(document: &'a lopdf::Document, object: &'a lopdf::Object) -> &'a lopdf::Object {
    document.dereference(object).map_or(object, |(_, o)| o)
}

/// A dictionary's entry, references followed.
fn entry<'a>(
    document: &'a lopdf::Document,
    dict: &'a lopdf::Dictionary,
    key: &[u8],
) -> Option<&'a lopdf::Object> {
    dict.get(key).ok().map(|o| resolve(document, o))
}

/// A stream's data, decoded by its filters (as stored when it has none
/// or they fail).
fn stream_data(stream: &lopdf::Stream) -> Vec<u8> {
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

/// A PDF memo as read: its pages in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfMemo {
    /// The pages, first to last.
    pub pages: Vec<PdfPage>,
    /// Pages that could not be read, with why (`page 3: …`).
    pub problems: Vec<String>,
    /// The day its document information says it was created
    /// (`/CreationDate`), as `YYYY-MM-DD`.
    pub created: Option<String>,
}

/// One page of a PDF memo.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfPage {
    /// The page's number, from 1.
    pub number: u32,
    /// Its lines, top to bottom.
    pub lines: Vec<Line>,
    /// Its link annotations, each with the words it covers.
    pub links: Vec<PageLink>,
}

/// A link annotation and the words under it.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLink {
    /// The annotation.
    pub annotation: LinkAnnotation,
    /// The words it covers, as (line, word) indices into the page, in
    /// reading order.
    pub words: Vec<(usize, usize)>,
}

/// Read a PDF memo: every page's lines and link annotations.
pub fn read_memo(bytes: &[u8]) -> Result<PdfMemo, String> {
    catch_unwind(AssertUnwindSafe(|| memo(bytes)))
        .unwrap_or_else(|_| Err("the PDF parser failed on this document".to_owned()))
}

fn load(bytes: &[u8]) -> Result<lopdf::Document, String> {
    let document =
        lopdf::Document::load_mem(bytes).map_err(|e| format!("not a readable PDF: {e}"))?;
    // A document encrypted with an empty user password (permissions
    // only) is decrypted on loading; one that needs a password is not.
    if document.is_encrypted() {
        return Err("the PDF is encrypted and needs a password".to_owned());
    }
    Ok(document)
}

/// The day of the document information's `/CreationDate`
/// (`D:YYYYMMDDHHmmSS…`; month and day when given).
fn created(document: &lopdf::Document) -> Option<String> {
    let info = match document.trailer.get(b"Info").ok()? {
        lopdf::Object::Reference(id) => document.get_dictionary(*id).ok()?,
        lopdf::Object::Dictionary(info) => info,
        _ => return None,
    };
    let lopdf::Object::String(bytes, _) = info.get(b"CreationDate").ok()? else {
        return None;
    };
    let text = String::from_utf8_lossy(bytes);
    let digits = text.trim().strip_prefix("D:").unwrap_or(text.trim());
    let field = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .filter(|f| f.bytes().all(|b| b.is_ascii_digit()))
    };
    let day = match (field(0..4)?, field(4..6), field(6..8)) {
        (y, Some(m), Some(d)) => format!("{y}-{m}-{d}"),
        (y, Some(m), None) => format!("{y}-{m}"),
        (y, None, _) => y.to_owned(),
    };
    crate::date::end_of_day(&day).map(|_| day)
}

fn memo(bytes: &[u8]) -> Result<PdfMemo, String> {
    let document = load(bytes)?;
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err("the PDF has no pages".to_owned());
    }
    let mut memo = PdfMemo {
        created: created(&document),
        ..PdfMemo::default()
    };
    for (&number, &id) in &pages {
        let lines = match layout::page_lines(&document, id) {
            Ok(lines) => lines,
            Err(why) => {
                memo.problems.push(format!("page {number}: {why}"));
                Vec::new()
            }
        };
        let links = links::page_links(&document, id)
            .into_iter()
            .map(|annotation| {
                let words = lines
                    .iter()
                    .enumerate()
                    .flat_map(|(l, line)| {
                        line.words
                            .iter()
                            .enumerate()
                            .filter(|(_, w)| annotation.rects.iter().any(|r| r.covers(&w.rect)))
                            .map(move |(w, _)| (l, w))
                    })
                    .collect();
                PageLink { annotation, words }
            })
            .collect();
        memo.pages.push(PdfPage {
            number,
            lines,
            links,
        });
    }
    if memo.pages.iter().all(|p| p.lines.is_empty()) {
        return Err(match memo.problems.first() {
            Some(why) => format!("no text could be read from the PDF ({why})"),
            None => "the PDF has no text (a scan needs OCR first)".to_owned(),
        });
    }
    Ok(memo)
}

/// Whether bytes look like a PDF (`%PDF-` near the start, as readers
/// accept some leading junk).
pub fn is_pdf(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// The text of every page, in page order.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, String> {
    catch_unwind(AssertUnwindSafe(|| read(bytes)))
        .unwrap_or_else(|_| Err("the PDF parser failed on this document".to_owned()))
}

fn read(bytes: &[u8]) -> Result<Vec<String>, String> {
    let document = load(bytes)?;
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err("the PDF has no pages".to_owned());
    }
    let mut texts = Vec::with_capacity(pages.len());
    let mut failures = 0;
    // Laid out as a memo is (lines by position, spaces by spacing); a page
    // the layout cannot read falls back on lopdf's own extraction.
    for (&number, &id) in &pages {
        let laid_out = layout::page_lines(&document, id)
            .ok()
            .filter(|lines| !lines.is_empty())
            .map(|lines| {
                let mut text = String::new();
                for line in lines {
                    text.push_str(&line.text);
                    text.push('\n');
                }
                text
            });
        match laid_out.map_or_else(|| document.extract_text(&[number]).ok(), Some) {
            Some(text) => texts.push(text),
            None => {
                failures += 1;
                texts.push(String::new());
            }
        }
    }
    if failures == texts.len() {
        return Err("no text could be read from the PDF's pages".to_owned());
    }
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_pdfs_are_errors() {
        assert!(is_pdf(b"%PDF-1.4\n%junk"));
        assert!(!is_pdf(b"<html>"));
        assert!(page_texts(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF").is_err());
        assert!(page_texts(b"").is_err());
        assert!(page_texts(&[0xff; 4096]).is_err());
    }
}
