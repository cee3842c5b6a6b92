//! OpenDocument text (`.odt`): `content.xml` for the body, whose notes
//! (`text:note`) stand inside the paragraph that cites them, and
//! `styles.xml` for the headers and footers of its page styles.
//!
//! Links are `text:a` (`xlink:href`); deleted tracked changes live apart in
//! `text:tracked-changes`, which is left out, so the text is the document
//! as it now reads; comments (`office:annotation`) are not memo text.

use super::{Building, Edit, OfficeMemo, Paragraph, attribute_range, part};
use crate::model::Part;
use crate::xml::{attribute, entity};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

type Archive<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

const CONTENT: &str = "content.xml";
const STYLES: &str = "styles.xml";

pub(super) fn read(archive: &mut Archive<'_>) -> Result<OfficeMemo, String> {
    let content = part(archive, CONTENT)?.ok_or_else(|| {
        "no document body (content.xml): the file is damaged or not an OpenDocument text".to_owned()
    })?;
    let mut memo = OfficeMemo::default();
    let mut notes = Notes::default();
    let mut paragraphs = Vec::new();
    read_part(
        CONTENT,
        &content,
        false,
        &mut notes,
        &mut paragraphs,
        &mut memo.bookmarks,
    )
    .map_err(|e| format!("{CONTENT} is not well-formed XML ({e})"))?;
    match part(archive, STYLES) {
        Ok(Some(styles)) => {
            let mut found = Vec::new();
            match read_part(
                STYLES,
                &styles,
                true,
                &mut notes,
                &mut found,
                &mut memo.bookmarks,
            ) {
                Ok(()) => paragraphs.extend(found),
                Err(e) => memo.problems.push(format!(
                    "{STYLES} is not well-formed XML ({e}): headers and footers not read"
                )),
            }
        }
        Ok(None) => {}
        Err(why) => memo.problems.push(why),
    }
    paragraphs.sort_by_key(|p: &Paragraph| p.part);
    memo.paragraphs = paragraphs;
    Ok(memo)
}

/// Notes counted as they come, footnotes and endnotes apart.
#[derive(Debug, Default)]
struct Notes {
    footnotes: u32,
    endnotes: u32,
}

#[derive(Default)]
struct State {
    stack: Vec<Building>,
    /// Inside content that is not memo text (deletions, comments).
    hidden: u32,
    /// Inside a header or footer (`styles.xml` only reads those).
    region: Option<Part>,
    /// The notes open, innermost last: key, part, and, while its citation
    /// is read, the paragraph (depth in `stack`) that cites it.
    notes: Vec<(String, Part, Option<usize>)>,
}

fn read_part(
    name: &str,
    xml: &str,
    styles: bool,
    notes: &mut Notes,
    out: &mut Vec<Paragraph>,
    bookmarks: &mut Vec<String>,
) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    if !styles {
        state.region = Some(Part::Body);
    }
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event()?;
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let raw = &xml[before..after];
                start(name, tag, raw, before, &mut state, notes, bookmarks);
                if matches!(event, Event::Empty(_)) {
                    end(tag.name().as_ref(), &mut state, out);
                }
            }
            Event::End(tag) => end(tag.name().as_ref(), &mut state, out),
            Event::Text(text) => characters(name, &text.xml10_content(), before..after, &mut state),
            Event::GeneralRef(reference) => {
                if let Some(c) = entity(&reference) {
                    characters(name, c.encode_utf8(&mut [0; 4]), before..after, &mut state);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Text between tags, and where it is written (for words that are their
/// link's URL).
fn characters(name: &str, text: &str, at: std::ops::Range<usize>, state: &mut State) {
    if state.hidden > 0 || state.region.is_none() {
        return;
    }
    // White space between elements is layout, not text (ODF says so of
    // text outside `text:p`; inside, runs of spaces are `text:s`).
    let text = text.replace(['\n', '\r', '\t'], " ");
    if let Some(building) = state.stack.last_mut() {
        building.push(&text);
        if let Some(link) = building.open_links.last_mut() {
            link.words_at.push(Edit {
                part: name.to_owned(),
                range: at,
            });
        }
    }
}

fn start(
    name: &str,
    tag: &BytesStart<'_>,
    raw: &str,
    before: usize,
    state: &mut State,
    notes: &mut Notes,
    bookmarks: &mut Vec<String>,
) {
    let element = tag.name();
    let element = element.as_ref();
    if matches!(
        element,
        "text:tracked-changes" | "office:annotation" | "svg:title" | "svg:desc" | "office:forms"
    ) {
        state.hidden += 1;
        return;
    }
    if state.hidden > 0 {
        return;
    }
    if let Some(part) = region(element) {
        state.region = Some(part);
        return;
    }
    if state.region.is_none() {
        return;
    }
    match element {
        "text:p" | "text:h" => {
            let (note, part) = match state.notes.last() {
                Some((key, part, _)) => (Some(key.clone()), *part),
                None => (None, state.region.unwrap_or(Part::Body)),
            };
            state.stack.push(Building {
                note,
                part: Some(part),
                ..Building::default()
            });
        }
        "text:s" => {
            let count = attribute(tag, "text:c")
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(1)
                .min(1000);
            push(state, &" ".repeat(count));
        }
        "text:tab" | "text:line-break" => push(state, " "),
        "text:soft-hyphen" => push(state, "\u{ad}"),
        "text:bookmark" | "text:bookmark-start" => {
            if let Some(name) = attribute(tag, "text:name") {
                bookmarks.push(name);
            }
        }
        "text:a" => {
            let target = attribute(tag, "xlink:href");
            let at = attribute_range(raw, "xlink:href").map(|r| Edit {
                part: name.to_owned(),
                range: before + r.start..before + r.end,
            });
            if let Some(building) = state.stack.last_mut() {
                building.open_link(target, at.into_iter().collect(), None);
            }
        }
        "text:note" => {
            let endnote = attribute(tag, "text:note-class").is_some_and(|c| c == "endnote");
            let part = if endnote {
                notes.endnotes += 1;
                Part::Endnote(notes.endnotes)
            } else {
                notes.footnotes += 1;
                Part::Footnote(notes.footnotes)
            };
            let key = format!(
                "note:{}",
                attribute(tag, "text:id").unwrap_or_else(|| format!("{part:?}"))
            );
            let citing = state.stack.len().checked_sub(1);
            if let Some(building) = state.stack.last_mut() {
                let label = match part {
                    Part::Footnote(n) | Part::Endnote(n) => n.to_string(),
                    _ => String::new(),
                };
                building
                    .note_refs
                    .push((building.text.len(), key.clone(), label));
            }
            state.notes.push((key, part, citing));
        }
        // The citation's own text is the mark the body shows; the body
        // gets the note's number (as its reference) instead.
        "text:note-citation" => state.hidden += 1,
        "text:note-body" => {
            if let Some(note) = state.notes.last_mut() {
                // The citing paragraph's mark.
                if let Some(depth) = note.2.take()
                    && let Some(building) = state.stack.get_mut(depth)
                    && let Some((_, _, label)) = building.note_refs.last()
                {
                    let label = label.clone();
                    building.push(&label);
                }
            }
        }
        _ => {}
    }
}

fn end(element: &str, state: &mut State, out: &mut Vec<Paragraph>) {
    if matches!(
        element,
        "text:tracked-changes"
            | "office:annotation"
            | "svg:title"
            | "svg:desc"
            | "office:forms"
            | "text:note-citation"
    ) {
        state.hidden = state.hidden.saturating_sub(1);
        return;
    }
    if state.hidden > 0 {
        return;
    }
    if region(element).is_some() {
        state.region = None;
        return;
    }
    match element {
        "text:p" | "text:h" => {
            if let Some(building) = state.stack.pop()
                && let Some(paragraph) = building.finish(Part::Body)
            {
                out.push(paragraph);
            }
        }
        "text:a" => {
            if let Some(building) = state.stack.last_mut() {
                building.close_link();
            }
        }
        "text:note" => {
            state.notes.pop();
        }
        _ => {}
    }
}

/// The part of the document an element opens: the body's text, or a page
/// style's header or footer.
fn region(element: &str) -> Option<Part> {
    match element {
        "office:text" => Some(Part::Body),
        "style:header" | "style:header-left" | "style:header-first" => Some(Part::Header),
        "style:footer" | "style:footer-left" | "style:footer-first" => Some(Part::Footer),
        _ => None,
    }
}

fn push(state: &mut State, text: &str) {
    if state.hidden == 0
        && state.region.is_some()
        && let Some(building) = state.stack.last_mut()
    {
        building.push(text);
    }
}
