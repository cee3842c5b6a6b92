//! Rewriting an office memo's links (`citecheck fix`): the parts that hold
//! a changed target are written again with only those bytes replaced;
//! every other entry of the archive is copied as it was stored (same
//! bytes, same compression, same order), so the word processor opens the
//! result as it opened the original.

use super::{Edit, OfficeLink};
// Replacement URLs are written into the XML parts escaped by quick-xml (a
// URL holds no control character to drop).
use quick_xml::escape::escape;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Write};
use std::ops::Range;

/// A link of the memo and the URL it gets.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The link, as [`super::read_memo`] found it.
    pub link: &'a OfficeLink,
    /// Its new target.
    pub new: String,
}

/// `bytes` (an office document) with each change made: the document's new
/// bytes, and for each change, in order, why it could not be made (`None`
/// when it was). A change that cannot be made leaves its link alone; the
/// others are still made.
pub fn rewrite(
    bytes: &[u8],
    changes: &[Change<'_>],
) -> Result<(Vec<u8>, Vec<Option<String>>), String> {
    let mut archive = super::open(bytes)?;
    // Each part read is inflated once: for the targets stored in it, then
    // to write it again.
    let mut parts: HashMap<String, String> = HashMap::new();
    let mut replacements: HashMap<String, BTreeMap<usize, (Range<usize>, String)>> = HashMap::new();
    let mut refused = Vec::with_capacity(changes.len());
    for change in changes {
        match edits_of(&mut archive, &mut parts, change) {
            Ok(edits) => refused.push(place(&mut replacements, edits).err()),
            Err(why) => refused.push(Some(why)),
        }
    }
    if replacements.is_empty() {
        return Ok((bytes.to_vec(), refused));
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    for index in 0..archive.len() {
        let name = archive
            .by_index_raw(index)
            .map_err(|e| format!("entry {index} cannot be read: {e}"))?
            .name()
            .map_err(|e| format!("entry {index} has no readable name: {e}"))?
            .into_owned();
        let Some(edits) = replacements.get(&name) else {
            let entry = archive
                .by_index_raw(index)
                .map_err(|e| format!("{name} cannot be read: {e}"))?;
            out.raw_copy_file(entry)
                .map_err(|e| format!("{name} cannot be copied: {e}"))?;
            continue;
        };
        let xml = part_text(&mut archive, &mut parts, &name)?.to_owned();
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| format!("{name} cannot be read: {e}"))?;
        let mut options = zip::write::SimpleFileOptions::default()
            .compression_method(entry.compression())
            .large_file(false);
        if let Some(time) = entry.last_modified() {
            options = options.last_modified_time(time);
        }
        if let Some(mode) = entry.unix_mode() {
            options = options.unix_permissions(mode);
        }
        drop(entry);
        let xml = apply(xml.as_bytes(), edits).map_err(|why| format!("{name}: {why}"))?;
        out.start_file(&name, options)
            .and_then(|()| out.write_all(&xml).map_err(Into::into))
            .map_err(|e| format!("{name} cannot be written: {e}"))?;
    }
    let written = out
        .finish()
        .map_err(|e| format!("the document cannot be written: {e}"))?;
    Ok((written.into_inner(), refused))
}

/// The byte edits that make `change`: the target's pieces (the first gets
/// the new value, the rest are emptied), then the words' when they show
/// the URL.
fn edits_of(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    parts: &mut HashMap<String, String>,
    change: &Change<'_>,
) -> Result<Vec<(Edit, String)>, String> {
    let link = change.link;
    let Some(first) = link.target_at.first() else {
        return Err(
            "the document keeps this link's target where citecheck cannot rewrite it".to_owned(),
        );
    };
    let value = match &link.instruction {
        Some(instruction) => new_instruction(instruction, &link.target, &change.new)?,
        None => {
            let stored = part_text(archive, parts, &first.part)?
                .get(first.range.clone())
                .ok_or_else(|| format!("{} changed since it was read", first.part))?;
            let stored = crate::xml::unescape(stored);
            new_target(&stored, &link.target, &change.new)?
        }
    };
    let mut edits = vec![(first.clone(), escape(&value).into_owned())];
    edits.extend(
        link.target_at[1..]
            .iter()
            .map(|e| (e.clone(), String::new())),
    );
    if let Some((first, rest)) = link.words_at.split_first() {
        edits.push((first.clone(), escape(&change.new).into_owned()));
        edits.extend(rest.iter().map(|e| (e.clone(), String::new())));
    }
    Ok(edits)
}

/// Part `name` as text, inflated on first use and kept in `parts`.
fn part_text<'p>(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    parts: &'p mut HashMap<String, String>,
    name: &str,
) -> Result<&'p str, String> {
    use std::collections::hash_map::Entry;
    match parts.entry(name.to_owned()) {
        Entry::Occupied(kept) => Ok(kept.into_mut()),
        Entry::Vacant(slot) => {
            let xml = super::part(archive, name)?
                .ok_or_else(|| format!("{name} is not in the document"))?;
            Ok(slot.insert(xml))
        }
    }
}

/// The value a relationship's target (or `xlink:href`) gets. A Word
/// hyperlink keeps its fragment apart (`w:anchor`) when the stored target
/// has none: the new URL must then end with the same fragment, which
/// stays where it is.
fn new_target(stored: &str, old: &str, new: &str) -> Result<String, String> {
    if stored == old {
        return Ok(new.to_owned());
    }
    match old.strip_prefix(stored).and_then(|f| f.strip_prefix('#')) {
        Some(fragment) => new
            .strip_suffix(&format!("#{fragment}"))
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "the link's fragment #{fragment} is kept apart from its URL, and the new \
                     URL does not end with it"
                )
            }),
        None => Err("the document's target is not the URL that was checked".to_owned()),
    }
}

/// A `HYPERLINK` field's instruction with its URL replaced (a `\l`
/// location stays, when the new URL ends with it).
fn new_instruction(instruction: &str, old: &str, new: &str) -> Result<String, String> {
    let (old_url, new_url) = match old.split_once('#') {
        Some((url, fragment)) if !instruction.contains(old) => {
            let new_url = new.strip_suffix(&format!("#{fragment}")).ok_or_else(|| {
                format!(
                    "the field keeps the fragment #{fragment} apart from its URL, and the new \
                     URL does not end with it"
                )
            })?;
            (url, new_url)
        }
        _ => (old, new),
    };
    if old_url.is_empty() || !instruction.contains(old_url) {
        return Err("the field's instruction does not hold the URL as it was read".to_owned());
    }
    Ok(instruction.replacen(old_url, new_url, 1))
}

/// Add `edits` (one change's) to the document's, unless one of them
/// overlaps another change's differently (two links sharing one stored
/// target that would get different URLs): then none of them.
fn place(
    replacements: &mut HashMap<String, BTreeMap<usize, (Range<usize>, String)>>,
    edits: Vec<(Edit, String)>,
) -> Result<(), String> {
    for (edit, value) in &edits {
        let Some(part) = replacements.get(&edit.part) else {
            continue;
        };
        for (range, placed) in part.values() {
            let overlaps = range.start < edit.range.end && edit.range.start < range.end;
            if overlaps && (range != &edit.range || placed != value) {
                return Err(
                    "another link shares this link's stored target and gets another URL".to_owned(),
                );
            }
        }
    }
    for (edit, value) in edits {
        replacements
            .entry(edit.part)
            .or_default()
            .insert(edit.range.start, (edit.range, value));
    }
    Ok(())
}

/// `xml` with each range replaced, in order.
fn apply(xml: &[u8], edits: &BTreeMap<usize, (Range<usize>, String)>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(xml.len() + 256);
    let mut at = 0;
    for (range, value) in edits.values() {
        if range.start < at || range.end > xml.len() {
            return Err("the edits overlap or run past the part".to_owned());
        }
        out.extend_from_slice(&xml[at..range.start]);
        out.extend_from_slice(value.as_bytes());
        at = range.end;
    }
    out.extend_from_slice(&xml[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_instructions_get_the_new_url() {
        assert_eq!(
            new_target("http://a/x", "http://a/x", "http://b/y").unwrap(),
            "http://b/y"
        );
        assert_eq!(
            new_target("http://a/x", "http://a/x#c5", "http://b/y#c5").unwrap(),
            "http://b/y"
        );
        assert!(new_target("http://a/x", "http://a/x#c5", "http://b/y").is_err());
        assert_eq!(
            new_instruction(
                r#"HYPERLINK "http://a/x" \o "t""#,
                "http://a/x",
                "http://b/y"
            )
            .unwrap(),
            r#"HYPERLINK "http://b/y" \o "t""#
        );
        assert_eq!(
            new_instruction(
                r#"HYPERLINK "http://a/x" \l "c5""#,
                "http://a/x#c5",
                "http://b/y#c5"
            )
            .unwrap(),
            r#"HYPERLINK "http://b/y" \l "c5""#
        );
    }
}
