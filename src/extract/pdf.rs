//! PDF memos: the lines of every page become the memo's text (a line per
//! line, pages in order), so quotes are found as in plain text. Links come
//! from two places, merged: URLs printed in the text (a URL cut at a line's
//! end is rejoined with the start of the next line when it plainly goes
//! on) and link annotations, whose covered words become the link's text.
//! An annotation over a printed URL with the same target is one
//! occurrence; when the two disagree, both are reported with a warning.

use super::{Block, Document, ExtractOptions, RawLink, TextMap, urls};
use crate::model::{LinkKind, Problem, Severity};
use crate::pdf::PdfMemo;
use std::collections::HashMap;
use std::ops::Range;

/// What a PDF memo gives: the document, its text, where each page's lines
/// start, and warnings at offsets of the text (placed by the caller's one
/// line index).
pub(super) struct Parsed {
    pub(super) doc: Document,
    pub(super) text: String,
    pub(super) pages: Vec<(usize, u32)>,
    pub(super) warnings: Vec<(usize, String)>,
}

pub(super) fn parse(memo: &PdfMemo, options: &ExtractOptions) -> Parsed {
    let (text, pages, line_starts) = memo_text(memo);
    let annotations = annotations(memo, &line_starts);
    let uris: Vec<&str> = annotations.iter().map(|a| a.uri.as_str()).collect();
    let shapes = LineShapes::of(memo, &line_starts);
    let printed = printed_urls(&text, &uris, &shapes);
    let (mut links, warnings) = merge(annotations, printed, &text);
    links.sort_by_key(|(link, _)| link.offset);
    let (note_refs, note_spans) = notes(memo, &line_starts);
    let notes = note_spans
        .into_iter()
        .map(|(note, spans)| {
            let inside = links
                .iter()
                .enumerate()
                .filter(|(_, (link, _))| spans.iter().any(|s| s.contains(&link.offset)))
                .map(|(i, _)| i)
                .collect();
            (note, inside)
        })
        .collect();
    let on_words = links
        .iter()
        .enumerate()
        .flat_map(|(i, (_, spans))| spans.iter().flatten().map(move |span| (span.clone(), i)))
        .collect();
    let mut doc = Document {
        links: links.into_iter().map(|(link, _)| link).collect(),
        blocks: vec![Block {
            text: text.clone(),
            map: TextMap::identity(),
            memo_scope: true,
            on_words,
            note_refs,
            ..Block::default()
        }],
        base: options.base_url.clone(),
        notes,
        ..Document::default()
    };
    for why in &memo.problems {
        doc.problems
            .push(Problem::new(Severity::Warning, why.clone()));
    }
    Parsed {
        doc,
        text,
        pages,
        warnings,
    }
}

/// The memo's text (a line per line, pages in order), where each page's
/// lines start (line index, page number), and each line's offset, per
/// page.
fn memo_text(memo: &PdfMemo) -> (String, Vec<(usize, u32)>, Vec<Vec<usize>>) {
    let mut text = String::new();
    let mut pages = Vec::new();
    let mut line_starts: Vec<Vec<usize>> = Vec::new();
    let mut line_count = 0;
    for page in &memo.pages {
        pages.push((line_count, page.number));
        let mut starts = Vec::with_capacity(page.lines.len());
        for (i, line) in page.lines.iter().enumerate() {
            starts.push(text.len());
            // The page's number at its foot is no part of the prose (a
            // quote that goes on on the next page must not take it in, nor
            // stop at a blank line): it is left out of the text, the last
            // line of its page, so no other line changes its number.
            let footer = i + 1 == page.lines.len() && i > 0 && is_page_number(&line.text);
            if footer {
                continue;
            }
            text.push_str(&line.text);
            text.push('\n');
            line_count += 1;
        }
        line_starts.push(starts);
    }
    (text, pages, line_starts)
}

/// Each line of the memo's text with the size of its glyphs and where its
/// first word starts: what tells whether two lines are one note or list
/// item (a URL cut at the first goes on on the second).
#[derive(Default)]
struct LineShapes {
    /// (offset in the text, glyph size, left edge), in text order.
    lines: Vec<(usize, f32, f32)>,
}

impl LineShapes {
    fn of(memo: &PdfMemo, line_starts: &[Vec<usize>]) -> Self {
        let mut lines = Vec::new();
        let mut last = None;
        for (page, starts) in memo.pages.iter().zip(line_starts) {
            for (line, &start) in page.lines.iter().zip(starts) {
                // A page's foot number left out of the text starts where
                // the next line does: the next line stands for the offset.
                if last == Some(start) {
                    lines.pop();
                }
                let left = line.words.first().map_or(0.0, |w| w.rect.x0);
                lines.push((start, line.size, left));
                last = Some(start);
            }
        }
        Self { lines }
    }

    /// Whether the line holding offset `at` and the line starting at
    /// `next` are one note or list item: lines next to each other, set in
    /// the same size, the second not left of the first.
    fn one_item(&self, at: usize, next: usize) -> bool {
        let line = |offset: usize| self.lines.partition_point(|l| l.0 <= offset).checked_sub(1);
        let (Some(a), Some(b)) = (line(at), line(next)) else {
            return false;
        };
        let ((_, size_a, left_a), (start_b, size_b, left_b)) = (self.lines[a], self.lines[b]);
        b == a + 1 && start_b == next && (size_a - size_b).abs() < 0.5 && left_b >= left_a - 1.0
    }
}

/// Whether a line is only a page number (`7`, `- 7 -`, `Page 7`,
/// `7 of 12`).
fn is_page_number(line: &str) -> bool {
    let line = line
        .trim()
        .trim_matches(|c: char| matches!(c, '-' | '–' | '—' | ' '));
    let line = line
        .strip_prefix("Page ")
        .or_else(|| line.strip_prefix("page "))
        .unwrap_or(line);
    let number = line.split(" of ").next().unwrap_or(line).trim();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    digits(number)
        && line
            .split(" of ")
            .nth(1)
            .is_none_or(|total| digits(total.trim()))
}

/// A note marker: a superscript, or a number opening a footnote line;
/// digits, or one of the symbols footnotes use.
fn note_marker(word: &str) -> Option<&str> {
    let word = word.trim_matches(|c: char| matches!(c, '.' | ')' | '(' | '[' | ']'));
    let digits = !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit());
    (digits || matches!(word, "*" | "†" | "‡" | "§")).then_some(word)
}

/// The note references of a PDF memo (superscript markers in the body)
/// and the notes themselves: the lines set smaller than the page's body
/// text that start with a marker, with the small lines after them (on the
/// next page too, where a note goes on), as spans of the memo's text.
fn notes(
    memo: &PdfMemo,
    line_starts: &[Vec<usize>],
) -> (
    Vec<super::NoteRef>,
    std::collections::HashMap<String, Vec<Range<usize>>>,
) {
    let mut refs = Vec::new();
    let mut notes: std::collections::HashMap<String, Vec<Range<usize>>> = Default::default();
    // The note being read, and the last one of the page before (a note
    // goes on at the foot of the next page).
    let mut current: Option<String> = None;
    let body = body_size(memo);
    for (page, starts) in memo.pages.iter().zip(line_starts) {
        let mut carried = current.take();
        for (line, &start) in page.lines.iter().zip(starts) {
            let end = start + line.text.len();
            let small = line.size < 0.9 * body;
            let first = line.words.first().map(|w| &line.text[w.range.clone()]);
            match (small, first.and_then(note_marker)) {
                (true, Some(marker)) => {
                    current = Some(marker.to_owned());
                    notes.entry(marker.to_owned()).or_default().push(start..end);
                }
                (true, None) => {
                    if let Some(note) = current.as_ref().or(carried.as_ref()) {
                        notes.entry(note.clone()).or_default().push(start..end);
                    }
                }
                (false, _) => {
                    if current.take().is_some() {
                        carried = None;
                    }
                    for word in line.words.iter().filter(|w| w.raised) {
                        let at = start + word.range.start;
                        // `²,¹` cites two notes.
                        for marker in line.text[word.range.clone()].split(',') {
                            let Some(marker) = note_marker(marker) else {
                                continue;
                            };
                            refs.push(super::NoteRef {
                                at,
                                note: marker.to_owned(),
                                label: marker.to_owned(),
                                src: at,
                            });
                        }
                    }
                }
            }
        }
    }
    // Superscripts in a memo without notes are something else (`m²`).
    if notes.is_empty() {
        refs.clear();
    }
    // Markers set side by side read as one (`²¹`): a number that names no
    // note but whose digits each do is those notes.
    let refs = refs
        .into_iter()
        .flat_map(|r| {
            let split = !notes.contains_key(&r.note)
                && r.note.len() > 1
                && r.note.chars().all(|c| notes.contains_key(&c.to_string()));
            if !split {
                return vec![r];
            }
            r.note
                .chars()
                .map(|c| super::NoteRef {
                    note: c.to_string(),
                    label: c.to_string(),
                    ..r.clone()
                })
                .collect()
        })
        .collect();
    (refs, notes)
}

/// The size most of a memo's words are set in (its body text).
fn body_size(memo: &PdfMemo) -> f32 {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for line in memo.pages.iter().flat_map(|p| &p.lines) {
        let size = (line.size * 2.0).round() as i32;
        match counts.iter_mut().find(|(s, _)| *s == size) {
            Some((_, n)) => *n += line.words.len(),
            None => counts.push((size, line.words.len())),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(size, n)| (n, size))
        .map_or(0.0, |(size, _)| size as f32 / 2.0)
}

/// A link with the spans of the words it stands on (an annotation's
/// words, a printed URL's own span).
type OnWords = (RawLink, Option<Vec<Range<usize>>>);

/// Annotations and printed URLs as the memo's links: an annotation over a
/// printed URL with the same target is one occurrence; one that disagrees
/// is kept beside it with a warning at the printed URL.
fn merge(
    annotations: Vec<Placed>,
    mut printed: Vec<(String, Range<usize>)>,
    text: &str,
) -> (Vec<OnWords>, Vec<(usize, String)>) {
    let mut warnings = Vec::new();
    let mut links: Vec<OnWords> = Vec::new();
    // Printed URLs already taken by an annotation, with their link.
    let mut taken: Vec<(Range<usize>, usize)> = Vec::new();
    let overlaps = |spans: &[Range<usize>], span: &Range<usize>| {
        spans
            .iter()
            .any(|s| s.start < span.end && s.end > span.start)
    };
    for annotation in annotations {
        // Another piece of a link already read (a URL that goes on on the
        // next page, under an annotation of its own there).
        let piece = taken.iter().find(|(span, link)| {
            overlaps(&annotation.spans, span)
                && same_target(&annotation.uri, &links[*link].0.written)
        });
        if let Some(&(_, link)) = piece {
            if let Some(spans) = &mut links[link].1 {
                spans.extend(annotation.spans);
            }
            continue;
        }
        let over = printed
            .iter()
            .position(|(_, span)| overlaps(&annotation.spans, span));
        // A printed URL the reader could not follow to its end (cut at a
        // line's end) that the annotation over it goes on from is the
        // annotation's own printing, not a second link.
        let cut_short = |(written, span): &(String, Range<usize>)| {
            let after = text[span.end..].trim_start_matches(['.', ',', ';', ':']);
            after.starts_with('\n') && annotation.uri.starts_with(written.as_str())
        };
        let (written, offset) = match over {
            Some(i) if cut_short(&printed[i]) => {
                let (_, span) = printed.remove(i);
                taken.push((span.clone(), links.len()));
                (annotation.uri, span.start)
            }
            Some(i) if same_target(&annotation.uri, &printed[i].0) => {
                // One occurrence: the printed URL, known to be a link.
                let (written, span) = printed.remove(i);
                taken.push((span.clone(), links.len()));
                (written, span.start)
            }
            over => {
                if let Some(i) = over {
                    warnings.push((
                        printed[i].1.start,
                        format!(
                            "the link on “{}” goes to {}, but the text shows {}",
                            annotation.text.as_deref().unwrap_or_default(),
                            annotation.uri,
                            printed[i].0
                        ),
                    ));
                }
                let offset = annotation
                    .spans
                    .first()
                    .map_or(annotation.page_start, |s| s.start);
                (annotation.uri, offset)
            }
        };
        let link = RawLink {
            written,
            kind: LinkKind::Annotation,
            offset,
            text: annotation.text,
        };
        links.push((link, Some(annotation.spans)));
    }
    for (written, span) in printed {
        let link = RawLink {
            written,
            kind: LinkKind::Bare,
            offset: span.start,
            text: None,
        };
        // A printed URL stands on itself: a quote in its sentence pairs
        // with it as with a link on the sentence's words.
        links.push((link, Some(vec![span])));
    }
    (links, warnings)
}

/// A link annotation placed in the memo's text.
struct Placed {
    uri: String,
    /// The covered words' spans in the text, in reading order.
    spans: Vec<Range<usize>>,
    /// The covered words, joined by spaces.
    text: Option<String>,
    /// Where the page starts (for an annotation over no words).
    page_start: usize,
}

/// Every page's annotations placed in the text; one that continues the
/// previous one (same URI, the next words, neither a whole printed URL: a
/// link that wraps, written as two annotations) is merged into it.
fn annotations(memo: &PdfMemo, line_starts: &[Vec<usize>]) -> Vec<Placed> {
    // Each with its last word (page, line, word).
    let mut placed: Vec<(Placed, Option<WordAt>)> = Vec::new();
    for (p, page) in memo.pages.iter().enumerate() {
        let page_start = line_starts[p].first().copied().unwrap_or(0);
        // Producers list annotations in any order; the pieces of a link
        // that wraps are found next to each other in reading order.
        let mut in_order: Vec<&crate::pdf::PageLink> = page.links.iter().collect();
        in_order.sort_by_key(|link| link.words.first().copied().unwrap_or((usize::MAX, 0)));
        for link in in_order {
            let words: Vec<(Range<usize>, &str)> = link
                .words
                .iter()
                .filter_map(|&(l, w)| {
                    let line = page.lines.get(l)?;
                    let word = line.words.get(w)?;
                    let start = line_starts[p][l] + word.range.start;
                    Some((
                        start..start + word.range.len(),
                        &line.text[word.range.clone()],
                    ))
                })
                .collect();
            let first = link.words.first().map(|&(l, w)| (p, l, w));
            let last = link.words.last().map(|&(l, w)| (p, l, w));
            let text = words.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" ");
            // A link cut in two, not two printings of the same URL.
            let whole = |t: &str| same_target(t, &link.annotation.uri);
            let follows = match (placed.last(), first) {
                (Some((previous, Some(end))), Some(start)) => {
                    previous.uri == link.annotation.uri
                        && next_word(memo, *end, start)
                        && !whole(&text)
                        && !previous.text.as_deref().is_some_and(whole)
                }
                _ => false,
            };
            if follows {
                if let Some((previous, end)) = placed.last_mut() {
                    previous.spans.extend(words.into_iter().map(|(s, _)| s));
                    if let Some(t) = &mut previous.text {
                        t.push(' ');
                        t.push_str(&text);
                    }
                    *end = last;
                }
                continue;
            }
            placed.push((
                Placed {
                    uri: link.annotation.uri.clone(),
                    spans: words.into_iter().map(|(s, _)| s).collect(),
                    text: (!text.is_empty()).then_some(text),
                    page_start,
                },
                last,
            ));
        }
    }
    placed.into_iter().map(|(p, _)| p).collect()
}

/// A word of the memo: page, line and word indices.
type WordAt = (usize, usize, usize);

/// Whether word `b` comes right after word `a`.
fn next_word(memo: &PdfMemo, a: WordAt, b: WordAt) -> bool {
    let words_in = |p: usize, l: usize| memo.pages[p].lines.get(l).map_or(0, |x| x.words.len());
    let (p, l, w) = a;
    if (p, l, w + 1) == b {
        return true;
    }
    if w + 1 < words_in(p, l) {
        return false;
    }
    if l + 1 < memo.pages[p].lines.len() {
        return b == (p, l + 1, 0);
    }
    b == (p + 1, 0, 0)
}

/// URLs printed in the text, with their spans; a URL cut at a line's end
/// takes the start of the next line when an annotation's URI says so, or
/// when the URL ends as only a cut URL does (`/`, `-`, `?`, `=`…) or the
/// next line starts with a path-like word (`2019.pdf`, `a/b`, `x=1`).
fn printed_urls(text: &str, uris: &[&str], shapes: &LineShapes) -> Vec<(String, Range<usize>)> {
    let found: Vec<(String, Range<usize>, Vec<usize>)> = urls::find_urls(text)
        .into_iter()
        .map(|range| {
            let mut url = text[range.clone()].to_owned();
            let mut end = range.end;
            // Where a hyphen ended a line inside the URL: the producer's
            // or the URL's own, which the other printings may tell.
            let mut breaks = Vec::new();
            // A URL may run over several lines (a narrow column).
            loop {
                let rest = &text[end..];
                // Whether the line after the break (`dot` bytes on, then a
                // line feed) starts with a digit in the same note or item.
                let next = |dot: usize| {
                    let at = end + dot + 1;
                    text.get(end + dot..).is_some_and(|r| r.starts_with('\n'))
                        && text[at..].starts_with(|c: char| c.is_ascii_digit())
                        && shapes.one_item(end, at)
                };
                let joined = match continuation(&url, rest, uris, next(0)) {
                    Some(joined) => Some((joined, 0)),
                    // A dot the URL's own at the line's end reads as the
                    // sentence's (`www.example-review.` / `org/…`): it
                    // goes on only into a path or an annotation's URI.
                    None if rest.starts_with(".\n") => {
                        continuation(&format!("{url}."), &rest[1..], uris, next(1))
                            .filter(|(_, _, why)| *why != Why::Cut)
                            .map(|joined| (joined, 1))
                    }
                    None => None,
                };
                let Some(((piece, len, _), dot)) = joined else {
                    break;
                };
                if url.ends_with('-') && piece.starts_with(url.as_str()) {
                    breaks.push(url.len() - 1);
                }
                url = piece;
                end += dot + 1 + len;
            }
            (url, range.start..end, breaks)
        })
        .collect();
    let printings: Vec<Vec<Reading>> = found
        .iter()
        .map(|(url, _, breaks)| readings(url, breaks))
        .collect();
    // Every reading, with the printings that read so and what each left
    // out: one lookup per candidate, not a scan of every printing.
    let mut by_reading: HashMap<&str, Vec<(usize, &[usize])>> = HashMap::new();
    for (j, readings) in printings.iter().enumerate() {
        for (reading, dropped) in readings {
            by_reading.entry(reading).or_default().push((j, dropped));
        }
    }
    found
        .iter()
        .enumerate()
        .map(|(i, (url, span, _))| {
            // A reading without some break hyphens is the URL when another
            // printing of the memo reads the same without dropping a hyphen
            // at the same place (it was printed whole there), or an
            // annotation's URI says so.
            let agreed = printings[i].iter().skip(1).find(|(candidate, dropped)| {
                uris.iter().any(|u| same_target(u, candidate))
                    || by_reading.get(candidate.as_str()).is_some_and(|others| {
                        others
                            .iter()
                            .any(|(j, d)| *j != i && d.iter().all(|p| !dropped.contains(p)))
                    })
            });
            (agreed.map_or(url, |(r, _)| r).clone(), span.clone())
        })
        .collect()
}

/// A reading of a printed URL, with where it left a hyphen out (offsets
/// in the reading).
type Reading = (String, Vec<usize>);

/// A URL as printed, then its readings with some of the hyphens at
/// `breaks` left out (every subset, for up to four breaks; all of them
/// out first).
fn readings(url: &str, breaks: &[usize]) -> Vec<Reading> {
    let breaks = &breaks[..breaks.len().min(4)];
    let mut out = vec![(url.to_owned(), Vec::new())];
    for mask in (1..1u32 << breaks.len()).rev() {
        let mut reading = url.to_owned();
        let mut dropped = Vec::new();
        for (k, &at) in breaks.iter().enumerate().rev() {
            if mask & (1 << k) != 0 {
                reading.remove(at);
                dropped.push(at);
            }
        }
        // Offsets in the reading: each moves back by the hyphens left out
        // before it.
        dropped.sort_unstable();
        let dropped = dropped.iter().enumerate().map(|(n, &at)| at - n).collect();
        out.push((reading, dropped));
    }
    out
}

/// Why a URL goes on onto the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// An annotation's URI says so.
    Annotated,
    /// The URL ends as only a cut URL does (`/`, `-`, `=`…).
    Cut,
    /// The next line starts with a path-like word (`2019.pdf`, `a/b`).
    PathLike,
}

/// The URL `url` joined with the start of the next line, when that
/// plainly goes on with it, how much of the text it took, and why.
/// `same_item`: the next line is in the same note or list item, so a lone
/// number after a cut (`…#section-` / `4`) goes on too.
fn continuation(
    url: &str,
    rest: &str,
    uris: &[&str],
    same_item: bool,
) -> Option<(String, usize, Why)> {
    let mut next = rest.strip_prefix('\n')?;
    // A page's number at its foot stands between the pieces of a URL
    // that goes on on the next page: it is stepped over, never joined.
    let mut skipped = 0;
    if let Some((line, after)) = next.split_once('\n') {
        if is_page_number(line) {
            skipped = line.len() + 1;
            next = after;
        }
    }
    let len = urls::continuation_len(next);
    let piece = &next[..len];
    let cut = url.ends_with(['/', '-', '_', '.', '?', '=', '&', '#', '%', '~']);
    // The next line's own URL is not a continuation, nor a lone number
    // (a page or list number) unless the line is the same item's.
    let own_url = urls::find_urls(piece).first().is_some_and(|r| r.start == 0);
    let number = piece.bytes().all(|b| b.is_ascii_digit());
    let numbered_item = number && !(cut && same_item && skipped == 0 && lone_token(next, len));
    if len == 0 || own_url || numbered_item {
        return None;
    }
    let len = len + skipped;
    let joined = format!("{url}{piece}");
    // A hyphen the producer added at the break is not the URL's.
    if let Some(bare) = url.strip_suffix('-') {
        let unhyphenated = format!("{bare}{piece}");
        if uris.iter().any(|u| same_target(u, &unhyphenated))
            && !uris.iter().any(|u| same_target(u, &joined))
        {
            return Some((unhyphenated, len, Why::Annotated));
        }
    }
    let annotated = uris
        .iter()
        .any(|u| same_target(u, &joined) || u.starts_with(joined.as_str()));
    let path_like = piece.contains(['/', '=', '?', '&', '#', '_', '%', '~'])
        || piece
            .split_once('.')
            .is_some_and(|(a, b)| !a.is_empty() && b.starts_with(char::is_alphanumeric));
    let why = if annotated {
        Why::Annotated
    } else if path_like {
        Why::PathLike
    } else if cut {
        Why::Cut
    } else {
        return None;
    };
    Some((joined, len, why))
}

/// Whether the token of `len` bytes at the start of `line` is all the
/// line holds but sentence punctuation (`4.`), not a list's number
/// before its words (`4. Another source`).
fn lone_token(line: &str, len: usize) -> bool {
    let line = line.split('\n').next().unwrap_or_default();
    line[len..]
        .trim()
        .chars()
        .all(|c| matches!(c, '.' | ',' | ';' | ':' | ')'))
}

/// Whether two written URLs name the same target (a trailing slash and
/// the case of scheme and host aside).
fn same_target(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        url::Url::parse(s.trim())
            .map(|u| u.to_string().trim_end_matches('/').to_owned())
            .unwrap_or_else(|_| s.trim().trim_end_matches('/').to_owned())
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A producer that hyphenates a URL at a line's end (troff) prints
    /// the same URL differently in two places: the reading both agree on
    /// wins; a hyphen no other printing removes stays.
    #[test]
    fn hyphens_a_producer_added_are_dropped_when_printings_agree() {
        let text = "see https://www.atlantic-commu-\nnity.org/index/Vi-\nsion here and\n\
                    https://www.atlantic-community.org/index/Vision\n\
                    and https://a.org/well-\nknown/x\n\
                    https://b.org/east-\nwest and https://b.org/east-\nwest\n";
        let urls: Vec<String> = printed_urls(text, &[], &LineShapes::default())
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        assert_eq!(
            urls,
            [
                "https://www.atlantic-community.org/index/Vision",
                "https://www.atlantic-community.org/index/Vision",
                "https://a.org/well-known/x",
                // Broken at the same hyphen twice: no evidence against it.
                "https://b.org/east-west",
                "https://b.org/east-west"
            ]
        );
    }

    /// A URL cut after `#section-` goes on onto a lone number on the next
    /// line of the same note (same size, not left of it), never onto a
    /// list's next number or a line of another size; one cut after its own
    /// dot goes on into a path, never into the next sentence.
    #[test]
    fn cut_urls_go_on_onto_a_number_of_the_same_item_and_past_their_own_dot() {
        let urls = |text: &str, shapes: &[(usize, f32, f32)]| -> Vec<String> {
            let shapes = LineShapes {
                lines: shapes.to_vec(),
            };
            printed_urls(text, &[], &shapes)
                .into_iter()
                .map(|(u, _)| u)
                .collect()
        };
        let note = "https://r.org/review#section-\n4.\n";
        assert_eq!(
            urls(note, &[(0, 8.0, 80.0), (30, 8.0, 80.0)]),
            ["https://r.org/review#section-4"]
        );
        // The body's size on the next line: another block.
        assert_eq!(
            urls(note, &[(0, 8.0, 80.0), (30, 11.0, 80.0)]),
            ["https://r.org/review#section-"]
        );
        // A list's next item: its number, then its words.
        let list = "3. https://r.org/review#section-\n4. Another source\n";
        assert_eq!(
            urls(list, &[(0, 8.0, 72.0), (33, 8.0, 72.0)]),
            ["https://r.org/review#section-"]
        );
        assert_eq!(
            urls(
                "see http://www.example-review.\norg/reports/a.html now\n",
                &[]
            ),
            ["http://www.example-review.org/reports/a.html"]
        );
        assert_eq!(
            urls("see https://a.org/x.\nThe next sentence.\n", &[]),
            ["https://a.org/x"]
        );
    }

    #[test]
    fn page_numbers() {
        for yes in ["7", "- 7 -", "– 12 –", "Page 3", "3 of 12", "page 2 of 9"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["7 days", "1990s", "See page 3", "", "Section 2"] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn cut_urls_are_rejoined_only_when_they_go_on() {
        let urls = |text: &str, uris: &[&str]| -> Vec<String> {
            printed_urls(text, uris, &LineShapes::default())
                .into_iter()
                .map(|(u, _)| u)
                .collect()
        };
        assert_eq!(
            urls(
                "see https://a.org/reports/\n2019/energy.pdf for more\n",
                &[]
            ),
            ["https://a.org/reports/2019/energy.pdf"]
        );
        assert_eq!(
            urls("see https://a.org/report\n2019.pdf.\n", &[]),
            ["https://a.org/report2019.pdf"]
        );
        assert_eq!(
            urls("see https://a.org/report\nThe next sentence.\n", &[]),
            ["https://a.org/report"]
        );
        assert_eq!(
            urls(
                "see https://a.org/rep\nort and more\n",
                &["https://a.org/report"]
            ),
            ["https://a.org/report"]
        );
        assert_eq!(
            urls("https://a.org/x/\nhttps://b.org/y\n", &[]),
            ["https://a.org/x/", "https://b.org/y"]
        );
        assert!(same_target("HTTP://A.org/x/", "http://a.org/x"));
        assert!(!same_target("http://a.org/x", "http://a.org/y"));
    }
}
