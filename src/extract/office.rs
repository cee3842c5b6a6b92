//! Word and OpenDocument memos: each paragraph ([`crate::office`]) is a
//! block and one line of the memo's text, counted per part (the body, each
//! note, headers, footers), so a position reads `¶ 12` or `note 3`.
//! Hyperlinks stand on their words; URLs printed in the text and on no
//! hyperlink are links too, as in plain text. A note's paragraphs name the
//! note, so a quote whose sentence cites it pairs with its links.

use super::{Block, Document, NoteRef, RawLink, TextMap, urls};
use crate::model::{LinkKind, Part};
use crate::office::OfficeMemo;
use std::ops::Range;

/// What [`parse`] makes of an office memo.
pub(super) struct Parsed {
    pub(super) doc: Document,
    /// The memo's text: a paragraph a line.
    pub(super) text: String,
    /// Where each part's paragraphs start (line index, part).
    pub(super) parts: Vec<(usize, Part)>,
}

pub(super) fn parse(memo: &OfficeMemo, options: &super::ExtractOptions) -> Parsed {
    let mut text = String::new();
    let mut parts: Vec<(usize, Part)> = Vec::new();
    let mut doc = Document {
        base: options.base_url.clone(),
        anchors: Some(memo.bookmarks.clone()),
        ..Document::default()
    };
    for (line, paragraph) in memo.paragraphs.iter().enumerate() {
        if parts.last().map(|&(_, part)| part) != Some(paragraph.part) {
            parts.push((line, paragraph.part));
        }
        let start = text.len();
        text.push_str(&paragraph.text);
        text.push('\n');
        let mut block = Block {
            text: paragraph.text.clone(),
            map: TextMap::identity().shifted(start),
            ..Block::default()
        };
        let mut found: Vec<(Range<usize>, RawLink)> = paragraph
            .links
            .iter()
            .map(|link| {
                let words = &paragraph.text[link.words.clone()];
                let raw = RawLink {
                    written: link.target.clone(),
                    kind: LinkKind::Hyperlink,
                    offset: start + link.words.start,
                    text: (!words.trim().is_empty()).then(|| words.trim().to_owned()),
                };
                (link.words.clone(), raw)
            })
            .collect();
        for range in urls::find_urls(&paragraph.text) {
            let on_a_link = paragraph
                .links
                .iter()
                .any(|l| l.words.start < range.end && range.start < l.words.end);
            if !on_a_link {
                let raw = RawLink {
                    written: paragraph.text[range.clone()].to_owned(),
                    kind: LinkKind::Bare,
                    offset: start + range.start,
                    text: None,
                };
                found.push((range, raw));
            }
        }
        found.sort_by_key(|(range, _)| range.start);
        for (range, raw) in found {
            let index = doc.links.len();
            doc.links.push(raw);
            block.links.push(index);
            block
                .link_starts
                .push((range.start..range.start + 1, index));
        }
        for (at, note, label) in &paragraph.note_refs {
            block.note_refs.push(NoteRef {
                at: *at,
                note: note.clone(),
                label: label.clone(),
                src: start + at,
            });
        }
        block.note_names.extend(paragraph.note.iter().cloned());
        doc.blocks.push(block);
    }
    for problem in &memo.problems {
        doc.problems.push(crate::model::Problem::new(
            crate::model::Severity::Warning,
            problem.clone(),
        ));
    }
    Parsed { doc, text, parts }
}
