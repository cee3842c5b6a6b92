//! Byte offsets → 1-based line and column, for every format's locations.

use crate::model::{Part, Position};

/// Line starts of a text, for turning byte offsets into positions.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// For a PDF memo: (index of the page's first line, page number).
    pages: Vec<(usize, u32)>,
    /// For a word processor's memo: (index of the part's first line, the
    /// part); a line is a paragraph.
    parts: Vec<(usize, Part)>,
}

impl<'a> LineIndex<'a> {
    /// Index `text`; `\n`, `\r\n` and lone `\r` all end a line.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next);
            i = next;
            if i >= bytes.len() {
                break;
            }
        }
        Self {
            text,
            starts,
            pages: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Count lines per page: `pages` holds, in order, the 0-based index
    /// of each page's first line and the page's number.
    pub fn with_pages(mut self, pages: Vec<(usize, u32)>) -> Self {
        self.pages = pages;
        self
    }

    /// Count lines (paragraphs) per part of a word processor's document:
    /// `parts` holds, in order, the 0-based index of each part's first
    /// line and the part.
    pub fn with_parts(mut self, parts: Vec<(usize, Part)>) -> Self {
        self.parts = parts;
        self
    }

    /// The position of byte `offset` (clamped to the text, moved back to a
    /// character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        let (page, first) = match self.pages.partition_point(|&(first, _)| first <= line) {
            0 => (None, 0),
            i => (Some(self.pages[i - 1].1), self.pages[i - 1].0),
        };
        let (part, first) = match self.parts.partition_point(|&(first, _)| first <= line) {
            0 => (None, first),
            i => (Some(self.parts[i - 1].1), self.parts[i - 1].0),
        };
        Position {
            page,
            part,
            line: u32::try_from(line - first + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(text: &str, offset: usize) -> (u32, u32) {
        let p = LineIndex::new(text).position(offset);
        (p.line, p.column)
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(pos("abc", 0), (1, 1));
        assert_eq!(pos("abc\ndef", 4), (2, 1));
        assert_eq!(pos("abc\r\ndef", 6), (2, 2));
        assert_eq!(pos("a\rb", 2), (2, 1));
        assert_eq!(pos("“ab” x", "“ab” ".len()), (1, 6));
        assert_eq!(pos("ab", 99), (1, 3));
        let paged = LineIndex::new("a\nb\nc\nd\n").with_pages(vec![(0, 1), (2, 2)]);
        let p = paged.position(4);
        assert_eq!((p.page, p.line, p.column), (Some(2), 1, 1));
        assert_eq!(paged.position(2).page, Some(1));
    }
}
