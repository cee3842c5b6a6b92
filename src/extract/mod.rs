//! Extraction: memo text → every link occurrence, fragment and quotation,
//! with 1-based positions. Pure: no file or network I/O happens here.
//!
//! Each format module (`text`, `markdown`, `html`) turns the memo into the
//! same two things: the links it writes, in document order, and *blocks*
//! of prose (paragraphs, list items, blockquotes) with a map back to the
//! source. Quotes are then found in the blocks by one shared routine, so
//! that every format repairs, counts and pairs quotes the same way.

mod fragment;
mod html;
mod lines;
pub mod main_content;
mod markdown;
mod office;
mod pdf;
mod quotes;
mod text;
mod urls;

pub use fragment::parse as parse_fragment;
pub use lines::LineIndex;
pub use quotes::join_line_break_hyphens;
pub use urls::find_urls;

use crate::model::{
    Extraction, Fragment, Link, LinkKind, MemoFormat, Pairing, Problem, Quote, Severity, Target,
};
use url::Url;

/// Quotes shorter than this many words are left alone by default (scare
/// quotes such as “soft power”).
pub const DEFAULT_MIN_QUOTE_WORDS: usize = 4;

/// Settings that change what extraction finds.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Base against which relative links resolve.
    pub base_url: Option<Url>,
    /// Quotes with fewer words are not checked.
    pub min_quote_words: usize,
    /// For an HTML memo read from the web: take only its main content
    /// (the memo, not the site around it), chosen so. `None` reads the
    /// whole document, as for a memo file.
    pub main_content: Option<main_content::MainContent>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            min_quote_words: DEFAULT_MIN_QUOTE_WORDS,
            main_content: None,
        }
    }
}

/// Extract every link, fragment and quote from a memo's text.
pub fn extract(text: &str, format: MemoFormat, options: &ExtractOptions) -> Extraction {
    let doc = match format {
        MemoFormat::Markdown => markdown::parse(text, options),
        MemoFormat::Html => html::parse(text, options),
        MemoFormat::Text | MemoFormat::Pdf | MemoFormat::Docx | MemoFormat::Odt => {
            text::parse(text, options)
        }
    };
    finish(doc, &LineIndex::new(text), options)
}

/// Extract every link, fragment and quote from a PDF memo as read: the
/// text of its lines, the URLs printed in it and its link annotations,
/// with positions as page and line.
pub fn extract_pdf(memo: &crate::pdf::PdfMemo, options: &ExtractOptions) -> Extraction {
    let pdf::Parsed {
        mut doc,
        text,
        pages,
        warnings,
    } = pdf::parse(memo, options);
    let lines = LineIndex::new(&text).with_pages(pages);
    for (offset, message) in warnings {
        doc.problems.push(Problem::at(
            Severity::Warning,
            lines.position(offset),
            message,
        ));
    }
    finish(doc, &lines, options)
}

/// Extract every link, fragment and quote from a Word or OpenDocument memo
/// as read: its paragraphs, hyperlinks and notes, with positions as part
/// and paragraph.
pub fn extract_office(memo: &crate::office::OfficeMemo, options: &ExtractOptions) -> Extraction {
    let office::Parsed { doc, text, parts } = office::parse(memo, options);
    let lines = LineIndex::new(&text).with_parts(parts);
    finish(doc, &lines, options)
}

/// Resolve a format module's links and find its quotes.
fn finish(mut doc: Document, lines: &LineIndex<'_>, options: &ExtractOptions) -> Extraction {
    let mut extraction = Extraction {
        links: doc
            .links
            .iter()
            .map(|l| {
                let (target, fragment) = resolve(&l.written, doc.base.as_ref());
                Link {
                    written: l.written.clone(),
                    target,
                    fragment,
                    kind: l.kind,
                    position: lines.position(l.offset),
                    text: l.text.clone(),
                    context: None,
                }
            })
            .collect(),
        quotes: Vec::new(),
        problems: std::mem::take(&mut doc.problems),
        meta: std::mem::take(&mut doc.meta),
        anchors: doc.anchors.take().map(|mut anchors| {
            anchors.sort_unstable();
            anchors.dedup();
            anchors
        }),
    };
    // Quotes that nothing nearer pairs with take every page of the memo:
    // computed once, since a long plain-text memo has many such quotes.
    let memo_candidates = dedupe_by_page(&extraction.links, all_checkable(&extraction.links));
    let mut notes = std::mem::take(&mut doc.notes);
    for block in &doc.blocks {
        for name in &block.note_names {
            notes.entry(name.clone()).or_default().extend(&block.links);
        }
    }
    for reference in doc.blocks.iter().flat_map(|b| &b.note_refs) {
        if !notes.contains_key(&reference.note) {
            extraction.problems.push(Problem::at(
                Severity::Warning,
                lines.position(reference.src),
                format!(
                    "note reference {} names no note in the memo (quotes beside it pair \
                     with the links near them)",
                    reference.label
                ),
            ));
        }
    }
    // Each link's sentence, where its block says where it stands.
    for block in &doc.blocks {
        for (span, link) in block.link_starts.iter().chain(&block.on_words) {
            let Some(link) = extraction.links.get_mut(*link) else {
                continue;
            };
            if link.context.is_none() {
                let start = quotes::sentence_start(&block.text, span.start);
                let end = quotes::sentence_end(&block.text, span.start);
                link.context = context(&block.text, start..end, span.start);
            }
        }
    }
    let scope = Scope {
        memo: &memo_candidates,
        notes: &notes,
    };
    for block in &doc.blocks {
        quotes_in_block(block, lines, options, &scope, &mut extraction);
    }
    extraction
}

/// A link as a format module found it, before resolution.
#[derive(Debug, Clone)]
struct RawLink {
    written: String,
    kind: LinkKind,
    offset: usize,
    /// The words the link is on, when the format says (a PDF annotation).
    text: Option<String>,
}

/// A run of prose in which quotes are looked for, with the links that
/// belong to it.
#[derive(Debug, Default)]
struct Block {
    text: String,
    map: TextMap,
    /// Indices of the links written in this block.
    links: Vec<usize>,
    /// The `cite` link of the block's `blockquote`, if any.
    cite: Option<usize>,
    /// Whether the block is a blockquote: without quotation marks, its
    /// whole text is one quotation.
    blockquote: bool,
    /// Spans of `<q>` elements: (offset of the inserted opening mark, cite).
    q_spans: Vec<(usize, Option<usize>)>,
    /// Whether quotes pair with every link of the memo (plain text).
    memo_scope: bool,
    /// Links that stand on words of the text (PDF annotations): their
    /// span in the block's text and index. A quote in the same sentence
    /// pairs with them first.
    on_words: Vec<(std::ops::Range<usize>, usize)>,
    /// Where each of the block's links starts in its text (Markdown,
    /// HTML), as a one-byte span: among the block's links, those of a
    /// quote's sentence come first.
    link_starts: Vec<(std::ops::Range<usize>, usize)>,
    /// Note references: their offset in the block's text, the note they
    /// name, and the label the memo shows (`1`, `speech`).
    note_refs: Vec<NoteRef>,
    /// Names of notes this block is (`<a name="_ftn1">` or an `id` on a
    /// link inside it, as word processors write notes): its links are
    /// theirs.
    note_names: Vec<String>,
}

/// A note reference in a block: offset, the note's name, its label.
#[derive(Debug, Clone)]
struct NoteRef {
    at: usize,
    note: String,
    label: String,
    /// Where it stands in the memo's source.
    src: usize,
}

impl Block {
    fn push(&mut self, text: &str, src: usize, exact: bool) {
        self.map
            .record(self.text.len(), src, if exact { text.len() } else { 0 });
        self.text.push_str(text);
    }

    /// Separate paragraphs so that no quotation crosses them.
    fn paragraph_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push_str("\n\n");
        }
    }
}

/// The words of the links being read (innermost last), so that each link
/// gets its text when it closes (Markdown `[text](url)`, HTML `<a>text</a>`).
#[derive(Debug, Default)]
struct LinkTexts(Vec<(Option<usize>, String)>);

impl LinkTexts {
    /// A link opens; `link` is its index, if it is one citecheck checks.
    fn open(&mut self, link: Option<usize>) {
        self.0.push((link, String::new()));
    }

    /// Text inside every open link.
    fn text(&mut self, text: &str) {
        for (_, words) in &mut self.0 {
            words.push_str(text);
        }
    }

    /// The innermost link closes: its words, white space collapsed,
    /// become its text.
    fn close(&mut self, links: &mut [RawLink]) {
        if let Some((Some(link), words)) = self.0.pop() {
            let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
            if let (Some(raw), false) = (links.get_mut(link), words.is_empty()) {
                raw.text = Some(words);
            }
        }
    }
}

impl Document {
    /// Take in `part`, a document read from the source `at` bytes on (an
    /// HTML block inside Markdown): its links, blocks, notes and anchors,
    /// with their offsets and indices moved.
    fn absorb(&mut self, part: Document, at: usize) {
        let base = self.links.len();
        self.links.extend(part.links.into_iter().map(|mut link| {
            link.offset += at;
            link
        }));
        for mut block in part.blocks {
            block.map = block.map.shifted(at);
            for link in block.links.iter_mut().chain(&mut block.cite) {
                *link += base;
            }
            for (_, link) in block.link_starts.iter_mut().chain(&mut block.on_words) {
                *link += base;
            }
            for (_, cite) in &mut block.q_spans {
                if let Some(cite) = cite {
                    *cite += base;
                }
            }
            for reference in &mut block.note_refs {
                reference.src += at;
            }
            self.blocks.push(block);
        }
        for (note, links) in part.notes {
            self.notes
                .entry(note)
                .or_default()
                .extend(links.into_iter().map(|l| l + base));
        }
        if let Some(anchors) = part.anchors {
            self.anchors.get_or_insert_with(Vec::new).extend(anchors);
        }
        self.problems.extend(part.problems);
    }
}

/// What a format module hands back.
#[derive(Debug, Default)]
struct Document {
    links: Vec<RawLink>,
    blocks: Vec<Block>,
    problems: Vec<Problem>,
    meta: crate::model::MemoMeta,
    /// Base for relative links (`<base href>` or `--base-url`).
    base: Option<Url>,
    /// The memo's own anchors, for formats that have them.
    anchors: Option<Vec<String>>,
    /// The links of each footnote or endnote, by the note's name.
    notes: std::collections::HashMap<String, Vec<usize>>,
}

/// Maps byte offsets in a block's text back to the memo source.
#[derive(Debug, Default, Clone)]
struct TextMap {
    /// (offset in text, offset in source, length mapped one to one).
    runs: Vec<(usize, usize, usize)>,
}

impl TextMap {
    fn identity() -> Self {
        Self {
            runs: vec![(0, 0, usize::MAX)],
        }
    }

    fn record(&mut self, text: usize, src: usize, exact_len: usize) {
        self.runs.push((text, src, exact_len));
    }

    /// The same map for text whose source starts `by` bytes further on.
    fn shifted(mut self, by: usize) -> Self {
        for run in &mut self.runs {
            run.1 += by;
        }
        self
    }

    fn to_source(&self, at: usize) -> usize {
        let i = self.runs.partition_point(|&(t, _, _)| t <= at);
        match i.checked_sub(1).map(|i| self.runs[i]) {
            Some((t, s, len)) if at - t < len => s + (at - t),
            Some((_, s, _)) => s,
            None => 0,
        }
    }
}

/// Resolve a link as written against the base: the target and the
/// fragment as written.
fn resolve(written: &str, base: Option<&Url>) -> (Target, Option<Fragment>) {
    let trimmed = written.trim();
    let fragment = trimmed
        .split_once('#')
        .and_then(|(_, f)| fragment::parse(f));
    if trimmed.starts_with('#') {
        return (Target::InMemo, fragment);
    }
    let parsed = match Url::parse(trimmed) {
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base.join(trimmed),
            None => return (Target::Relative, fragment),
        },
        other => other,
    };
    let target = match parsed {
        Ok(url) if matches!(url.scheme(), "http" | "https") => match invalid_host(&url) {
            Some(reason) => Target::Invalid(reason),
            None => Target::Http(url),
        },
        Ok(url) => Target::OtherScheme(url.scheme().to_owned()),
        Err(e) => Target::Invalid(format!("invalid URL: {e}")),
    };
    (target, fragment)
}

/// Why a URL's host can never resolve, if it cannot: a domain label with
/// characters DNS names do not have (`bad_host!.org`).
fn invalid_host(url: &Url) -> Option<String> {
    let url::Host::Domain(domain) = url.host()? else {
        return None;
    };
    let bad = domain.split('.').find(|label| {
        !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })?;
    Some(format!(
        "invalid URL: host label {bad:?} has characters a host name cannot have"
    ))
}

/// What a quote may pair with beyond its block: every link of the memo,
/// and the links of each note.
struct Scope<'a> {
    memo: &'a [usize],
    notes: &'a std::collections::HashMap<String, Vec<usize>>,
}

/// Find the quotes of one block and pair each with its candidate sources.
fn quotes_in_block(
    block: &Block,
    lines: &LineIndex<'_>,
    options: &ExtractOptions,
    scope: &Scope<'_>,
    out: &mut Extraction,
) {
    let found = quotes::scan(&block.text);
    let marked = found
        .iter()
        .any(|f| matches!(f, quotes::Found::Quote { .. }));
    if block.blockquote && !marked {
        let (body, speaker) = split_attribution_line(&block.text);
        let start = block.text.len() - block.text.trim_start().len();
        let quote = QuoteSite {
            open: start,
            inner: body.trim(),
            attribution: speaker,
            q_cite: None,
        };
        push_quote(block, lines, options, scope, quote, out);
        return;
    }
    for f in found {
        match f {
            quotes::Found::Quote { open, inner } => {
                let close = inner.end
                    + block.text[inner.end..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8);
                let speaker =
                    quotes::attribution(&block.text, open..close, &block.text[inner.clone()]);
                let q_cite = block
                    .q_spans
                    .iter()
                    .find(|(at, _)| *at == open)
                    .map(|(_, c)| *c);
                let quote = QuoteSite {
                    open,
                    inner: &block.text[inner],
                    attribution: speaker,
                    q_cite: q_cite.flatten(),
                };
                push_quote(block, lines, options, scope, quote, out);
            }
            quotes::Found::TooLong { open, inner } => {
                let position = lines.position(block.map.to_source(open));
                let words = block.text[inner].split_whitespace().count();
                out.problems.push(Problem::at(
                    Severity::Warning,
                    position,
                    format!(
                        "a quotation of {words} words is too long to check (the longest \
                         checked is {} characters): quote a shorter passage to have it checked",
                        quotes::MAX_QUOTE_BYTES
                    ),
                ));
            }
            quotes::Found::Unterminated { open } => {
                let position = lines.position(block.map.to_source(open));
                out.problems.push(Problem::at(
                    Severity::Warning,
                    position,
                    "unterminated quotation: no closing mark before the paragraph ends",
                ));
            }
        }
    }
}

/// A blockquote whose last line starts with a dash names its speaker there.
fn split_attribution_line(text: &str) -> (&str, Option<String>) {
    let trimmed = text.trim_end();
    if let Some(at) = trimmed.rfind('\n') {
        let last = trimmed[at + 1..].trim();
        if let Some(name) = last
            .strip_prefix('—')
            .or_else(|| last.strip_prefix('―'))
            .or_else(|| last.strip_prefix("--"))
            .or_else(|| last.strip_prefix("– "))
        {
            let name = name.trim();
            return (&trimmed[..at], (!name.is_empty()).then(|| name.to_owned()));
        }
    }
    (text, None)
}

/// A quotation found in a block, before it is repaired and paired.
struct QuoteSite<'a> {
    /// Offset of the opening mark in the block's text.
    open: usize,
    /// The text between the marks.
    inner: &'a str,
    attribution: Option<String>,
    /// The `cite` of the quote's `<q>` element.
    q_cite: Option<usize>,
}

fn push_quote(
    block: &Block,
    lines: &LineIndex<'_>,
    options: &ExtractOptions,
    scope: &Scope<'_>,
    site: QuoteSite<'_>,
    out: &mut Extraction,
) {
    let memo_candidates = scope.memo;
    let QuoteSite {
        open,
        inner,
        attribution,
        q_cite,
    } = site;
    let segments = quotes::segments(inner);
    let words = quotes::word_count(&segments);
    if words < options.min_quote_words.max(1) {
        return;
    }
    let cite = q_cite.or(block.cite);
    let close = inner.as_ptr() as usize - block.text.as_ptr() as usize + inner.len();
    let on_words = links_in_sentence(block, open..close);
    let (note, note_links) = note_links(block, close, scope);
    let (candidates, pairing) = if !note_links.is_empty() {
        let mut c = note_links;
        c.extend(on_words);
        c.extend(cite);
        c.extend(block.links.iter().copied());
        c.extend_from_slice(memo_candidates);
        (dedupe_by_page(&out.links, c), Pairing::Footnote)
    } else if !on_words.is_empty() {
        let mut c = on_words;
        c.extend_from_slice(memo_candidates);
        (dedupe_by_page(&out.links, c), Pairing::Annotation)
    } else if let (Some(cite), false) = (cite, block.memo_scope) {
        let mut c = vec![cite];
        c.extend(block.links.iter().copied().filter(|&l| l != cite));
        (dedupe_by_page(&out.links, c), Pairing::Cite)
    } else if block.memo_scope || block.links.is_empty() {
        (memo_candidates.to_vec(), Pairing::Memo)
    } else {
        let mut c = in_sentence(&block.text, &block.link_starts, open..close);
        c.extend(block.links.iter().copied());
        (dedupe_by_page(&out.links, c), Pairing::Block)
    };
    let (start, end) = sentence_bounds(&block.text, open..close);
    let context = context(&block.text, start..end, open);
    out.quotes.push(Quote {
        text: quotes::as_written(inner),
        segments,
        position: lines.position(block.map.to_source(open)),
        attribution,
        candidates,
        pairing,
        note: note.filter(|_| pairing == Pairing::Footnote),
        words,
        context,
    });
}

/// The note a quote cites, by a reference that follows it in its sentence
/// or right after its closing mark (`close`): its label, and the links of
/// every note so cited, in order.
fn note_links(block: &Block, close: usize, scope: &Scope<'_>) -> (Option<String>, Vec<usize>) {
    if block.note_refs.is_empty() {
        return (None, Vec::new());
    }
    // The first reference after the quote, if no sentence ends before it
    // (one after the sentence's full stop still belongs to it: `“…”.[^1]`,
    // `…review.²`), then the references right after it (`²¹`), with no
    // words between.
    let mut cited: Vec<&NoteRef> = Vec::new();
    for r in block.note_refs.iter().filter(|r| r.at >= close) {
        let belongs = match cited.last() {
            None => {
                !ends_a_sentence_before_its_end(block.text.get(close..r.at).unwrap_or_default())
            }
            Some(previous) => {
                let gap = block.text.get(previous.at..r.at).unwrap_or_default();
                let gap = gap.strip_prefix(previous.label.as_str()).unwrap_or(gap);
                !gap.chars().any(char::is_alphabetic)
            }
        };
        if !belongs {
            break;
        }
        cited.push(r);
    }
    let label = cited.iter().map(|r| r.label.as_str()).collect::<Vec<_>>();
    let links: Vec<usize> = cited
        .iter()
        .filter_map(|r| scope.notes.get(&r.note))
        .flatten()
        .copied()
        .collect();
    ((!label.is_empty()).then(|| label.join(", ")), links)
}

/// Whether a sentence ends inside `gap` (the text between a quote and a
/// note reference) before its very end: a full stop right before the
/// reference ends the sentence the reference belongs to.
fn ends_a_sentence_before_its_end(gap: &str) -> bool {
    let kept = gap.trim_end();
    let last = kept.char_indices().next_back().map_or(0, |(i, _)| i);
    quotes::sentence_end(&format!("{kept} "), 0) < last
}

/// The links on words of the sentence around `quote` (a span of the
/// block's text), nearest first.
fn links_in_sentence(block: &Block, quote: std::ops::Range<usize>) -> Vec<usize> {
    in_sentence(&block.text, &block.on_words, quote)
}

/// Of `spans` (a link's span in `text` and its index), the links in the
/// sentence around `quote`, nearest first.
fn in_sentence(
    text: &str,
    spans: &[(std::ops::Range<usize>, usize)],
    quote: std::ops::Range<usize>,
) -> Vec<usize> {
    if spans.is_empty() {
        return Vec::new();
    }
    let (start, end) = sentence_bounds(text, quote.clone());
    let mut found: Vec<(usize, usize)> = spans
        .iter()
        .filter(|(span, _)| span.start < end && span.end > start)
        .map(|(span, link)| {
            let distance = if span.end <= quote.start {
                quote.start - span.end
            } else {
                span.start.saturating_sub(quote.end)
            };
            (distance, *link)
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, link)| link).collect()
}

/// The sentence around a quotation (a span of `text`): the same bounds as
/// speaker attribution uses; a quotation that ends its own sentence
/// (`… base.”`) ends it there, with the parenthesis right after it
/// (`… base.” (source)`).
fn sentence_bounds(text: &str, quote: std::ops::Range<usize>) -> (usize, usize) {
    let start = quotes::sentence_start(text, quote.start);
    let ends_itself = text
        .get(..quote.end)
        .is_some_and(|t| t.trim_end().ends_with(['.', '!', '?']));
    let end = if ends_itself {
        after_closing(text, quote.end)
    } else {
        quotes::sentence_end(text, quote.end)
    };
    (start, end.max(quote.end).min(text.len()))
}

/// Most characters of a sentence shown as context.
const CONTEXT_CHARS: usize = 320;

/// The memo's own words in `sentence` (a span of `text`), white space
/// folded, cut around `at` when long; `None` when it is no prose (fewer
/// than three words besides URLs: a line of a list of sources).
fn context(text: &str, sentence: std::ops::Range<usize>, at: usize) -> Option<String> {
    let raw = text.get(sentence.clone())?;
    let words: Vec<&str> = raw.split_whitespace().collect();
    let prose = words.iter().filter(|w| !w.contains("://")).count();
    if prose < 3 {
        return None;
    }
    let folded = words.join(" ");
    let chars: Vec<char> = folded.chars().collect();
    if chars.len() <= CONTEXT_CHARS {
        return Some(folded);
    }
    // Where `at` falls in the folded text, roughly: by its share of the
    // sentence.
    let share = (at.saturating_sub(sentence.start)) as f64 / raw.len().max(1) as f64;
    let centre = (share * chars.len() as f64) as usize;
    let from = centre
        .saturating_sub(CONTEXT_CHARS / 2)
        .min(chars.len() - CONTEXT_CHARS);
    let kept = &chars[from..from + CONTEXT_CHARS];
    let (before, after) = (from > 0, from + CONTEXT_CHARS < chars.len());
    // Sized exactly: a context is kept with every link of the run (a
    // string grown by its ellipses kept twice its size, 58 MB of 100,000
    // links' contexts).
    let ellipses = usize::from(before) + usize::from(after);
    let bytes = kept.iter().map(|c| c.len_utf8()).sum::<usize>() + ellipses * '…'.len_utf8();
    let mut cut = String::with_capacity(bytes);
    if before {
        cut.push('…');
    }
    cut.extend(kept);
    if after {
        cut.push('…');
    }
    Some(cut)
}

/// Where a quotation that ends its sentence stops: after its closing
/// mark (from `at`, the end of its words), and a parenthesis that
/// follows it.
fn after_closing(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or_default();
    let marks = rest.len() - rest.trim_start_matches(['”', '"', '’', '»', '\'']).len();
    let after = &rest[marks..];
    let gap = after.len() - after.trim_start().len();
    if after[gap..].starts_with('(') {
        if let Some(close) = after[gap..].find(')') {
            return at + marks + gap + close + 1;
        }
    }
    at + marks
}

/// Every link whose target can be fetched.
fn all_checkable(links: &[Link]) -> Vec<usize> {
    (0..links.len())
        .filter(|&i| matches!(links[i].target, Target::Http(_)))
        .collect()
}

/// Keep one link per distinct URL, in order.
fn dedupe_by_page(links: &[Link], candidates: Vec<usize>) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    candidates
        .into_iter()
        .filter(|&i| {
            links.get(i).is_some_and(|l| {
                matches!(l.target, Target::Http(_)) && seen.insert(l.display_url())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sentence_is_cut_around_the_link_in_a_string_of_its_own_size() {
        let words = "wörd ".repeat(200);
        let text = format!("{words}https://example.org/a {words}");
        let at = text.find("https").unwrap();
        let cut = context(&text, 0..text.len(), at).unwrap();
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert_eq!(cut.chars().count(), CONTEXT_CHARS + 2);
        assert!(cut.contains("example.org"));
        assert_eq!(cut.capacity(), cut.len());
        // Short enough: the sentence whole.
        let short = "See the report at https://example.org/a for the figures.";
        assert_eq!(context(short, 0..short.len(), 18).as_deref(), Some(short));
    }
}
