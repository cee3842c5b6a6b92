//! Office Open XML (`.docx`): the main document part found through the
//! package's relationships, its own relationships (hyperlink targets, the
//! footnote, endnote, header and footer parts), and each of those parts
//! read as WordprocessingML.
//!
//! Hyperlinks are `w:hyperlink` (an external relationship's target, with
//! `w:anchor` as its fragment, or `w:anchor` alone for a bookmark) and
//! `HYPERLINK` fields, simple (`w:fldSimple`) or complex (`w:instrText`
//! spread over runs between `w:fldChar` begin, separate and end). Notes
//! are numbered in the order the body first refers to them, as Word
//! shows them; a note nothing refers to is not read.

use super::{Building, Edit, OfficeMemo, Paragraph, attribute_range, part, resolve_part};
use crate::model::Part;
use crate::xml::{attribute, entity};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::ops::Range;

type Archive<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// A relationship of a part: its type, target, and where its target is
/// written in the relationships part.
#[derive(Debug, Clone)]
struct Relationship {
    kind: String,
    target: String,
    external: bool,
    target_at: Range<usize>,
}

/// The notes' numbers, in the order the body first refers to them.
#[derive(Debug, Default)]
struct Numbering {
    numbers: HashMap<String, u32>,
    footnotes: u32,
    endnotes: u32,
}

impl Numbering {
    /// The number of note `key` (`footnote:2`), given one on first sight.
    fn number(&mut self, key: &str, endnote: bool) -> u32 {
        if let Some(n) = self.numbers.get(key) {
            return *n;
        }
        let counter = if endnote {
            &mut self.endnotes
        } else {
            &mut self.footnotes
        };
        *counter += 1;
        self.numbers.insert(key.to_owned(), *counter);
        *counter
    }
}

pub(super) fn read(archive: &mut Archive<'_>) -> Result<OfficeMemo, String> {
    let main = main_part(archive)?;
    let body = part(archive, &main)?.ok_or_else(|| {
        format!(
            "no document body ({main}): the file is damaged, or holds only macros or a template"
        )
    })?;
    let folder = main.rsplit_once('/').map_or("", |(f, _)| f).to_owned();
    let rels_name = relationships_of(&main);
    let mut memo = OfficeMemo::default();
    let rels = match relationships(archive, &rels_name) {
        Ok(rels) => rels,
        Err(why) => {
            memo.problems.push(why);
            HashMap::new()
        }
    };
    let mut numbering = Numbering::default();
    let mut paragraphs = Vec::new();
    read_part(
        &Source {
            name: &main,
            rels_name: &rels_name,
            rels: &rels,
            part: Part::Body,
        },
        &body,
        &mut numbering,
        &mut paragraphs,
        &mut memo.bookmarks,
    )
    .map_err(|e| format!("{main} is not well-formed XML ({e})"))?;
    // The other parts, in a stable order: notes, then headers, footers.
    let mut others: Vec<(u8, String, Part)> = rels
        .values()
        .filter(|r| !r.external)
        .filter_map(|r| {
            let kind = r.kind.rsplit('/').next()?;
            let (order, part) = match kind {
                "footnotes" => (0, Part::Footnote(0)),
                "endnotes" => (1, Part::Endnote(0)),
                "header" => (2, Part::Header),
                "footer" => (3, Part::Footer),
                _ => return None,
            };
            Some((order, resolve_part(&folder, &r.target), part))
        })
        .collect();
    others.sort();
    others.dedup();
    for (_, name, kind) in others {
        let xml = match part(archive, &name) {
            Ok(Some(xml)) => xml,
            Ok(None) => continue,
            Err(why) => {
                memo.problems.push(why);
                continue;
            }
        };
        let rels_name = relationships_of(&name);
        let rels = relationships(archive, &rels_name).unwrap_or_default();
        let source = Source {
            name: &name,
            rels_name: &rels_name,
            rels: &rels,
            part: kind,
        };
        let mut found = Vec::new();
        match read_part(
            &source,
            &xml,
            &mut numbering,
            &mut found,
            &mut memo.bookmarks,
        ) {
            Ok(()) => paragraphs.extend(found),
            Err(e) => memo
                .problems
                .push(format!("{name} is not well-formed XML ({e}): not read")),
        }
    }
    // Reading order: the body, notes by number, headers, footers.
    paragraphs.sort_by_key(|p: &Paragraph| p.part);
    memo.paragraphs = paragraphs;
    Ok(memo)
}

/// The main document part, by the package's relationships.
fn main_part(archive: &mut Archive<'_>) -> Result<String, String> {
    let rels = relationships(archive, "_rels/.rels").unwrap_or_default();
    Ok(rels
        .values()
        .find(|r| r.kind.ends_with("/officeDocument") && !r.external)
        .map_or_else(
            || "word/document.xml".to_owned(),
            |r| resolve_part("", &r.target),
        ))
}

/// The relationships part of `part` (`word/_rels/document.xml.rels`).
fn relationships_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((folder, file)) => format!("{folder}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationships part, by id (empty when there is none).
fn relationships(
    archive: &mut Archive<'_>,
    name: &str,
) -> Result<HashMap<String, Relationship>, String> {
    let Some(xml) = part(archive, name)? else {
        return Ok(HashMap::new());
    };
    let mut reader = Reader::from_str(&xml);
    let mut found = HashMap::new();
    loop {
        let before = position(&reader);
        let event = reader
            .read_event()
            .map_err(|e| format!("{name} is not well-formed XML ({e})"))?;
        match event {
            Event::Start(tag) | Event::Empty(tag) if tag.name().as_ref() == "Relationship" => {
                let raw = &xml[before..position(&reader)];
                let (Some(id), Some(target)) = (attribute(&tag, "Id"), attribute(&tag, "Target"))
                else {
                    continue;
                };
                let Some(range) = attribute_range(raw, "Target") else {
                    continue;
                };
                found.insert(
                    id,
                    Relationship {
                        kind: attribute(&tag, "Type").unwrap_or_default(),
                        target,
                        external: attribute(&tag, "TargetMode")
                            .is_some_and(|m| m.eq_ignore_ascii_case("external")),
                        target_at: before + range.start..before + range.end,
                    },
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(found)
}

/// The reader's position as a byte offset.
fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// A part being read and what it needs.
struct Source<'a> {
    name: &'a str,
    rels_name: &'a str,
    rels: &'a HashMap<String, Relationship>,
    part: Part,
}

/// A field being read: its instruction so far and where its pieces are.
#[derive(Debug, Default)]
struct Field {
    instruction: String,
    pieces: Vec<Edit>,
    separated: bool,
}

/// What one WordprocessingML part holds.
#[derive(Default)]
struct State {
    stack: Vec<Building>,
    fields: Vec<Field>,
    /// Inside a deletion (`w:del`, `w:moveFrom`), or content read only by
    /// older programs (`mc:Fallback`), or a note never referred to.
    hidden: u32,
    /// Inside `w:t`: where its content starts.
    text_from: Option<usize>,
    /// Inside `w:instrText`: where its content starts.
    instruction_from: Option<usize>,
    /// The note whose paragraphs are being read: its key and part.
    note: Option<(String, Part)>,
}

fn read_part(
    source: &Source<'_>,
    xml: &str,
    numbering: &mut Numbering,
    out: &mut Vec<Paragraph>,
    bookmarks: &mut Vec<String>,
) -> Result<(), quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    loop {
        let before = position(&reader);
        let event = reader.read_event()?;
        let after = position(&reader);
        match event {
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let raw = &xml[before..after];
                start(
                    source, tag, raw, before, after, &mut state, numbering, bookmarks,
                );
                if matches!(event, Event::Empty(_)) {
                    end(source, tag.name().as_ref(), before, &mut state, out);
                }
            }
            Event::End(tag) => end(source, tag.name().as_ref(), before, &mut state, out),
            Event::Text(text) => characters(&text.xml10_content(), &mut state),
            Event::GeneralRef(name) => {
                if let Some(c) = entity(&name) {
                    characters(c.encode_utf8(&mut [0; 4]), &mut state);
                }
            }
            Event::CData(data) => {
                characters(&data.into_inner(), &mut state);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Text between tags: a run's words, or a field's instruction.
fn characters(text: &str, state: &mut State) {
    if state.hidden > 0 {
        return;
    }
    if state.instruction_from.is_some() {
        if let Some(field) = state.fields.last_mut() {
            field.instruction.push_str(text);
        }
    } else if state.text_from.is_some()
        && let Some(building) = state.stack.last_mut()
    {
        building.push(text);
    }
}

#[allow(clippy::too_many_arguments)] // one event's parts, kept apart to borrow them separately
fn start(
    source: &Source<'_>,
    tag: &BytesStart<'_>,
    raw: &str,
    before: usize,
    after: usize,
    state: &mut State,
    numbering: &mut Numbering,
    bookmarks: &mut Vec<String>,
) {
    let name = tag.name();
    let name = name.as_ref();
    if matches!(name, "w:del" | "w:moveFrom" | "mc:Fallback") {
        state.hidden += 1;
        return;
    }
    if state.hidden > 0 {
        // Deeper elements of hidden content only count for its end.
        if matches!(name, "w:footnote" | "w:endnote") {
            state.hidden += 1;
        }
        return;
    }
    match name {
        "w:footnote" | "w:endnote" => {
            let endnote = name == "w:endnote";
            let id = attribute(tag, "w:id").unwrap_or_default();
            let key = note_key(endnote, &id);
            let separator = attribute(tag, "w:type").is_some_and(|t| t != "normal");
            match numbering.numbers.get(&key) {
                Some(&n) if !separator => {
                    let part = if endnote {
                        Part::Endnote(n)
                    } else {
                        Part::Footnote(n)
                    };
                    state.note = Some((key, part));
                }
                _ => state.hidden += 1,
            }
        }
        "w:p" => {
            let (note, part) = match &state.note {
                Some((key, part)) => (Some(key.clone()), Some(*part)),
                None => (None, Some(source.part)),
            };
            state.stack.push(Building {
                note,
                part,
                ..Building::default()
            });
        }
        "w:t" => state.text_from = Some(after),
        "w:instrText" => state.instruction_from = Some(after),
        "w:tab" | "w:br" | "w:cr" => push(state, " "),
        "w:noBreakHyphen" => push(state, "-"),
        "w:softHyphen" => push(state, "\u{ad}"),
        "w:bookmarkStart" => {
            if let Some(name) = attribute(tag, "w:name") {
                bookmarks.push(name);
            }
        }
        "w:footnoteReference" | "w:endnoteReference" => {
            let endnote = name == "w:endnoteReference";
            let key = note_key(endnote, &attribute(tag, "w:id").unwrap_or_default());
            let number = numbering.number(&key, endnote);
            let custom = attribute(tag, "w:customMarkFollows").is_some_and(|v| v == "1");
            if let Some(building) = state.stack.last_mut() {
                let label = if custom {
                    String::new()
                } else {
                    number.to_string()
                };
                building
                    .note_refs
                    .push((building.text.len(), key, number.to_string()));
                building.push(&label);
            }
        }
        "w:hyperlink" => {
            let anchor = attribute(tag, "w:anchor");
            let (target, target_at) =
                match attribute(tag, "r:id").and_then(|id| source.rels.get(&id)) {
                    Some(rel) if rel.external => {
                        let target = match &anchor {
                            Some(anchor) if !rel.target.contains('#') => {
                                format!("{}#{anchor}", rel.target)
                            }
                            _ => rel.target.clone(),
                        };
                        let edit = Edit {
                            part: source.rels_name.to_owned(),
                            range: rel.target_at.clone(),
                        };
                        (Some(target), vec![edit])
                    }
                    _ => (anchor.map(|a| format!("#{a}")), Vec::new()),
                };
            open_link(state, target, target_at, None);
        }
        "w:fldSimple" => {
            let instruction = attribute(tag, "w:instr").unwrap_or_default();
            let at = attribute_range(raw, "w:instr").map(|r| Edit {
                part: source.name.to_owned(),
                range: before + r.start..before + r.end,
            });
            let target = hyperlink_target(&instruction);
            open_link(state, target, at.into_iter().collect(), Some(instruction));
        }
        "w:fldChar" => match attribute(tag, "w:fldCharType").as_deref() {
            Some("begin") => state.fields.push(Field::default()),
            Some("separate") => {
                if let Some(field) = state.fields.last_mut()
                    && !field.separated
                {
                    field.separated = true;
                    let target = hyperlink_target(&field.instruction);
                    let (pieces, instruction) = (field.pieces.clone(), field.instruction.clone());
                    open_link(state, target, pieces, Some(instruction));
                }
            }
            Some("end") => {
                if let Some(field) = state.fields.pop()
                    && field.separated
                    && let Some(building) = state.stack.last_mut()
                {
                    building.close_link();
                }
            }
            _ => {}
        },
        _ => {}
    }
}

fn end(
    source: &Source<'_>,
    name: &str,
    before: usize,
    state: &mut State,
    out: &mut Vec<Paragraph>,
) {
    if matches!(name, "w:del" | "w:moveFrom" | "mc:Fallback") {
        state.hidden = state.hidden.saturating_sub(1);
        return;
    }
    if state.hidden > 0 {
        if matches!(name, "w:footnote" | "w:endnote") {
            state.hidden -= 1;
        }
        return;
    }
    match name {
        "w:p" => {
            if let Some(building) = state.stack.pop()
                && let Some(paragraph) = building.finish(source.part)
            {
                out.push(paragraph);
            }
        }
        "w:footnote" | "w:endnote" => state.note = None,
        "w:t" => {
            if let Some(from) = state.text_from.take()
                && let Some(link) = state.stack.last_mut().and_then(|b| b.open_links.last_mut())
            {
                link.words_at.push(Edit {
                    part: source.name.to_owned(),
                    range: from..before.max(from),
                });
            }
        }
        "w:instrText" => {
            if let Some(from) = state.instruction_from.take()
                && let Some(field) = state.fields.last_mut()
            {
                field.pieces.push(Edit {
                    part: source.name.to_owned(),
                    range: from..before.max(from),
                });
            }
        }
        "w:hyperlink" | "w:fldSimple" => {
            if let Some(building) = state.stack.last_mut() {
                building.close_link();
            }
        }
        _ => {}
    }
}

/// Text a reader sees that an element stands for (a tab, a hyphen).
fn push(state: &mut State, text: &str) {
    if let Some(building) = state.stack.last_mut() {
        building.push(text);
    }
}

fn open_link(
    state: &mut State,
    target: Option<String>,
    target_at: Vec<Edit>,
    instruction: Option<String>,
) {
    if let Some(building) = state.stack.last_mut() {
        building.open_link(target, target_at, instruction);
    }
}

fn note_key(endnote: bool, id: &str) -> String {
    format!("{}:{id}", if endnote { "endnote" } else { "footnote" })
}

/// The target of a `HYPERLINK` field instruction: its URL (with `\l`'s
/// location as the fragment), or `#location` alone; `None` for any other
/// field.
pub(super) fn hyperlink_target(instruction: &str) -> Option<String> {
    let words = instruction_words(instruction);
    let mut words = words.iter();
    if !words.next()?.eq_ignore_ascii_case("HYPERLINK") {
        return None;
    }
    let mut url = None;
    let mut location = None;
    while let Some(word) = words.next() {
        match word.as_str() {
            "\\l" => location = words.next().cloned(),
            // Switches with an argument: a frame, a tooltip.
            "\\t" | "\\o" => {
                words.next();
            }
            w if w.starts_with('\\') => {}
            w if url.is_none() => url = Some(w.to_owned()),
            _ => {}
        }
    }
    match (url, location) {
        (Some(url), Some(location)) if !url.contains('#') => Some(format!("{url}#{location}")),
        (Some(url), _) => Some(url),
        (None, Some(location)) => Some(format!("#{location}")),
        (None, None) => None,
    }
}

/// A field instruction's words: quoted arguments as one word, without
/// their quotes (Word writes `\"` as a literal quote, `\\` as a backslash
/// inside them).
fn instruction_words(instruction: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = instruction.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut word = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                        word.extend(chars.next());
                    }
                    c => word.push(c),
                }
            }
            words.push(word);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            words.push(word);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_field_instructions() {
        assert_eq!(
            hyperlink_target(r#" HYPERLINK "https://a.test/x?y=1" \o "tip" "#).as_deref(),
            Some("https://a.test/x?y=1")
        );
        assert_eq!(
            hyperlink_target(r#"HYPERLINK "https://a.test/x" \l "comment897""#).as_deref(),
            Some("https://a.test/x#comment897")
        );
        assert_eq!(
            hyperlink_target(r#"HYPERLINK \l "_Conclusions""#).as_deref(),
            Some("#_Conclusions")
        );
        assert_eq!(hyperlink_target("PAGE \\* MERGEFORMAT"), None);
        assert_eq!(hyperlink_target(" "), None);
    }
}
