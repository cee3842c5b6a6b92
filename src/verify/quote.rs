//! Finding a quotation in a page's text. Pure.
//!
//! Both sides go through the one [`normalize`](super::normalize)ation.
//! An exact substring search (memchr's `memmem`) settles most quotes. The
//! rest are aligned approximately: the word pairs (bigrams) of every quote
//! checked against the page go into one small table, and one pass over the
//! page's words looks each of its bigrams up; each place a quote's bigram
//! occurs votes for where the quote would start, and the best-supported
//! places are aligned with a semi-global edit distance (free start and end
//! in the page) whose traceback gives the matched text and a word-level
//! difference. A quote with a changed word keeps most of its bigrams, so a
//! long page costs one pass plus a few small alignments per quote, and no
//! index of the page is kept.
//!
//! Segments split by an ellipsis must each be found, in order, each within
//! [`SEGMENT_WINDOW`] of the previous one. An editor's bracketed insertion
//! (`[of]`) may be present or absent. A number that differs between quote
//! and page is reported and keeps the verdict from `found`.

use super::attribution::{AttributionCheck, Speaker};
use super::normalize::{Normalized, normalize_mapped};
use crate::model::{Piece, Quote};
use memchr::memmem;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// How far (in bytes of normalised text) a segment after an ellipsis may
/// start from the end of the previous one.
pub const SEGMENT_WINDOW: usize = 3_000;
/// Bigrams seen more often than this on a page do not vote (`of the`).
const FREQUENT: usize = 32;

/// One way to read a segment: its normalised text with the map back to
/// the memo's wording.
#[derive(Debug, Clone)]
struct Reading {
    original: String,
    normalized: Normalized,
    /// The exact search for the normalised text, built once for every
    /// page the quote is looked for in.
    finder: memmem::Finder<'static>,
    /// The word pairs that must point at one place of a page before the
    /// reading is aligned there ([`min_votes`]), counted once.
    min_votes: usize,
    /// The normalised text's length in characters, counted once.
    chars: usize,
}

impl Reading {
    fn new(original: String) -> Self {
        let normalized = normalize_mapped(&original);
        // Punctuation at the quote's ends does not have to be the page's:
        // keep the original from the first to the last letter or digit.
        let text = &normalized.text;
        let start = text.len()
            - text
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let end = text.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
        if start == 0 && end == text.len() {
            return Self::with_finder(original, normalized);
        }
        let kept = normalized
            .original(&original, start, end.max(start))
            .to_owned();
        let normalized = normalize_mapped(&kept);
        Self::with_finder(kept, normalized)
    }

    fn with_finder(original: String, normalized: Normalized) -> Self {
        let finder = memmem::Finder::new(normalized.text.as_bytes()).into_owned();
        let min_votes = min_votes(&normalized.text);
        let chars = normalized.text.chars().count();
        Self {
            original,
            normalized,
            finder,
            min_votes,
            chars,
        }
    }

    fn text(&self) -> &str {
        &self.normalized.text
    }
}

/// A segment of a quote: read with its editorial insertions, and without
/// them when it has any.
#[derive(Debug, Clone)]
struct PreparedSegment {
    readings: Vec<Reading>,
}

/// A quotation ready to be matched against any number of pages.
#[derive(Debug, Clone)]
pub struct PreparedQuote {
    segments: Vec<PreparedSegment>,
    /// The person the memo says spoke it, when it names one.
    speaker: Option<Speaker>,
}

impl PreparedQuote {
    /// Prepare a quote extracted from a memo.
    pub fn new(quote: &Quote) -> Self {
        let segments = quote
            .segments
            .iter()
            .map(|segment| {
                let join = |with_editorial: bool| {
                    segment
                        .pieces
                        .iter()
                        .filter_map(|p| match p {
                            Piece::Words(w) => Some(w.as_str()),
                            Piece::Editorial(e) if with_editorial => Some(e.as_str()),
                            Piece::Editorial(_) => None,
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let mut readings = vec![Reading::new(join(true))];
                if segment
                    .pieces
                    .iter()
                    .any(|p| matches!(p, Piece::Editorial(_)))
                {
                    readings.push(Reading::new(join(false)));
                }
                PreparedSegment { readings }
            })
            .filter(|s| !s.readings[0].text().is_empty())
            .collect();
        let speaker = quote.attribution.as_deref().and_then(Speaker::personal);
        Self { segments, speaker }
    }

    /// The person the memo says spoke the quote, when it names one.
    pub fn speaker(&self) -> Option<&Speaker> {
        self.speaker.as_ref()
    }

    /// A quote from plain segments (no editorial insertions).
    pub fn from_segments<S: AsRef<str>>(segments: &[S]) -> Self {
        Self {
            segments: segments
                .iter()
                .map(|s| PreparedSegment {
                    readings: vec![Reading::new(s.as_ref().to_owned())],
                })
                .filter(|s| !s.readings[0].text().is_empty())
                .collect(),
            speaker: None,
        }
    }

    /// Whether there is anything to look for.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
}

/// A page's visible text, ready for matching many quotes.
#[derive(Debug)]
pub struct PageText {
    raw: String,
    normalized: Normalized,
}

impl PageText {
    /// Prepare visible text (as the page has it).
    pub fn new(raw: String) -> Self {
        let normalized = normalize_mapped(&raw);
        Self { raw, normalized }
    }

    /// The normalised text.
    pub fn normalized(&self) -> &str {
        &self.normalized.text
    }

    /// Whether the page has no text at all.
    pub fn is_empty(&self) -> bool {
        self.normalized.text.is_empty()
    }

    /// The text as the page has it.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The page's own wording of normalised `start..end`.
    fn original(&self, start: usize, end: usize) -> &str {
        self.normalized.original(&self.raw, start, end)
    }

    /// The text as the page has it, giving up the normalised copy.
    pub fn into_raw(self) -> String {
        self.raw
    }
}

/// Numbers that differ between a quote and a page: those in the quote,
/// those on the page.
pub type Numbers = (Vec<String>, Vec<String>);

/// The best place a quote was found on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteMatch {
    /// 1 − edits ÷ quote length (in characters), over all segments.
    pub similarity: f64,
    /// The lowest similarity of any one segment.
    pub weakest_segment: f64,
    /// Every segment matched exactly.
    pub exact: bool,
    /// The matched passage as the page has it (segments joined by ` … `).
    pub matched_text: String,
    /// Word-level differences, quote → page (`Kyiv → Kiev`).
    pub differences: Vec<String>,
    /// Numbers that differ: those in the quote, those on the page.
    pub numbers: Option<Numbers>,
    /// Where the passage is in the page's text as the page has it (bytes,
    /// first segment to last).
    pub at: std::ops::Range<usize>,
    /// Whether the page names the quote's speaker there, when the memo
    /// names a personal one (filled in by the digest, which knows who the
    /// page names).
    pub attribution: Option<AttributionCheck>,
}

/// Find `quote` in `page`: the best match, or `None` when the page shares
/// nothing with the quote (no word pair of its first segment occurs).
pub fn find(quote: &PreparedQuote, page: &PageText) -> Option<QuoteMatch> {
    find_all(&[quote], page).pop().flatten()
}

/// Find each of `quotes` in `page`, sharing one scan of the page for the
/// bigrams of all of them.
pub fn find_all(quotes: &[&PreparedQuote], page: &PageText) -> Vec<Option<QuoteMatch>> {
    let hits = OnceCell::new();
    let scan = || hits.get_or_init(|| ProbeHits::scan(quotes, page.normalized()));
    quotes
        .iter()
        .map(|q| find_one(q, page, Some(&scan)))
        .collect()
}

/// Find each of `quotes` in `page` word for word only (every segment in
/// order), without the approximate alignment.
pub fn find_all_exact(quotes: &[&PreparedQuote], page: &PageText) -> Vec<Option<QuoteMatch>> {
    quotes.iter().map(|q| find_exact(q, page)).collect()
}

/// A quote found word for word, every segment in order, or nothing.
fn find_exact(quote: &PreparedQuote, page: &PageText) -> Option<QuoteMatch> {
    let found = find_one(quote, page, None)?;
    found.exact.then_some(found)
}

/// A quote's best match on a page; `scan` gives the page's word pairs for
/// the approximate alignment, and without it only exact matches are
/// looked for.
fn find_one<'a>(
    quote: &PreparedQuote,
    page: &PageText,
    scan: Option<&dyn Fn() -> &'a ProbeHits>,
) -> Option<QuoteMatch> {
    if quote.is_empty() || page.is_empty() {
        return None;
    }
    let text = page.normalized();
    let mut from = 0;
    let mut limit = text.len();
    let mut total_edits = 0usize;
    let mut total_len = 0usize;
    let mut weakest = 1.0f64;
    let mut passages = Vec::new();
    let mut differences = Vec::new();
    let mut quote_numbers = Vec::new();
    let mut page_numbers = Vec::new();
    let mut span: Option<(usize, usize)> = None;
    for (i, segment) in quote.segments.iter().enumerate() {
        let region = from..limit.min(text.len());
        let best = segment
            .readings
            .iter()
            .filter_map(|reading| {
                align_segment(reading, page, region.clone(), scan).map(|a| (reading, a))
            })
            .min_by(|(_, a), (_, b)| {
                a.similarity()
                    .partial_cmp(&b.similarity())
                    .map(std::cmp::Ordering::reverse)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let Some((reading, alignment)) = best else {
            if i == 0 {
                return None;
            }
            // A later segment is nowhere near: count it as all edits.
            let len = segment.readings[0].chars;
            total_edits += len;
            total_len += len;
            weakest = 0.0;
            differences.push(format!(
                "“{}” not found after the previous part",
                segment.readings[0].original
            ));
            continue;
        };
        total_edits += alignment.edits;
        total_len += alignment.quote_chars;
        weakest = weakest.min(alignment.similarity());
        passages.push(page.original(alignment.start, alignment.end).to_owned());
        span = Some((span.map_or(alignment.start, |s| s.0), alignment.end));
        let (diffs, numbers) = word_differences(reading, page, &alignment);
        differences.extend(diffs);
        if let Some((q, p)) = numbers {
            quote_numbers.extend(q);
            page_numbers.extend(p);
        }
        from = alignment.end;
        limit = alignment.end.saturating_add(SEGMENT_WINDOW);
    }
    // Widening a match to whole words can count more edits than the quote
    // has letters (found by fuzzing): similarity never goes below 0.
    let similarity = (1.0 - total_edits as f64 / total_len.max(1) as f64).max(0.0);
    Some(QuoteMatch {
        similarity,
        weakest_segment: weakest,
        exact: total_edits == 0,
        matched_text: passages.join(" … "),
        differences,
        numbers: (!quote_numbers.is_empty() || !page_numbers.is_empty())
            .then_some((quote_numbers, page_numbers)),
        at: span.map_or(0..0, |(start, end)| {
            page.normalized.origin(start)..page.normalized.origin(end)
        }),
        attribution: None,
    })
}

/// Where one segment aligned in the page's normalised text.
#[derive(Debug, Clone)]
struct Alignment {
    start: usize,
    end: usize,
    edits: usize,
    quote_chars: usize,
}

impl Alignment {
    fn similarity(&self) -> f64 {
        (1.0 - self.edits as f64 / self.quote_chars.max(1) as f64).max(0.0)
    }
}

fn align_segment<'a>(
    reading: &Reading,
    page: &PageText,
    region: std::ops::Range<usize>,
    scan: Option<&dyn Fn() -> &'a ProbeHits>,
) -> Option<Alignment> {
    let needle = reading.text();
    let text = page.normalized();
    let haystack = text.get(region.clone())?;
    let quote_chars = reading.chars;
    // Only whole words: a quote of `art` must not match `start`, and an
    // occurrence inside longer words does not hide one further on.
    let exact = reading
        .finder
        .find_iter(haystack.as_bytes())
        .map(|at| region.start + at)
        .find(|&start| is_word_edge(text, start, start + needle.len()));
    if let Some(start) = exact {
        return Some(Alignment {
            start,
            end: start + needle.len(),
            edits: 0,
            quote_chars,
        });
    }
    let scan = scan?;
    let mut best: Option<Alignment> = None;
    let bounded = region.start > 0;
    let windows = candidate_windows(reading, text, &region, bounded, scan());
    for window in windows {
        let candidate = semi_global(needle, text, window);
        if best.as_ref().is_none_or(|b| candidate.edits < b.edits) {
            best = Some(candidate);
        }
    }
    best.map(|b| Alignment { quote_chars, ..b })
}

fn is_word_edge(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type PrehashedMap<V> = HashMap<u64, V, BuildHasherDefault<Prehashed>>;

fn word_hash(word: &str) -> u64 {
    // FxHash's mixing step, eight bytes at a time.
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = 0u64;
    let mut chunks = word.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(eight)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

fn bigram_hash(a: u64, b: u64) -> u64 {
    (a.rotate_left(17) ^ b).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The word bigrams of a normalised text: `(byte offset, hash)`.
fn bigrams(text: &str) -> impl Iterator<Item = (usize, u64)> + '_ {
    let mut previous: Option<(usize, u64)> = None;
    let mut at = 0;
    text.split(' ').filter_map(move |word| {
        let here = (at, word_hash(word));
        at += word.len() + 1;
        let pair = previous.map(|(start, h)| (start, bigram_hash(h, here.1)));
        previous = Some(here);
        pair
    })
}

/// Where the bigrams of a set of quotes occur on one page.
#[derive(Debug, Default)]
struct ProbeHits {
    /// Bigram → its places (byte offsets), or `None` when it is too
    /// frequent to tell.
    places: PrehashedMap<Option<Vec<usize>>>,
}

impl ProbeHits {
    /// One pass over the words of `text` for the bigrams of every reading
    /// of `quotes`.
    fn scan(quotes: &[&PreparedQuote], text: &str) -> Self {
        let mut places: PrehashedMap<Option<Vec<usize>>> = PrehashedMap::default();
        for quote in quotes {
            for segment in &quote.segments {
                for reading in &segment.readings {
                    for (_, h) in bigrams(reading.text()) {
                        places.entry(h).or_insert(Some(Vec::new()));
                    }
                }
            }
        }
        if places.is_empty() {
            return Self { places };
        }
        for (at, h) in bigrams(text) {
            if let Some(slot) = places.get_mut(&h) {
                if let Some(list) = slot {
                    list.push(at);
                    if list.len() > FREQUENT {
                        *slot = None;
                    }
                }
            }
        }
        Self { places }
    }

    fn places(&self, bigram: u64) -> Option<&[usize]> {
        self.places.get(&bigram)?.as_deref()
    }
}

/// Byte windows of `text[region]` worth aligning `needle` with: around
/// the places most of its bigrams agree the quote would start.
fn candidate_windows(
    reading: &Reading,
    text: &str,
    region: &std::ops::Range<usize>,
    bounded: bool,
    hits: &ProbeHits,
) -> Vec<std::ops::Range<usize>> {
    let needle = reading.text();
    // (where the quote would start, which bigram said so)
    let mut votes: Vec<(i64, usize)> = Vec::new();
    for (k, (offset, bigram)) in bigrams(needle).enumerate() {
        let Some(places) = hits.places(bigram) else {
            continue;
        };
        votes.extend(
            places
                .iter()
                .filter(|&&at| at >= region.start && at < region.end)
                .map(|&at| (at as i64 - offset as i64, k)),
        );
    }
    if votes.is_empty() {
        // A later segment with nothing in common: align against the whole
        // window after the previous segment.
        return if bounded && region.end - region.start <= SEGMENT_WINDOW {
            vec![region.clone()]
        } else {
            Vec::new()
        };
    }
    // Places within a slack of each other are one candidate; its score is
    // the number of distinct bigrams that point at it.
    let slack = (needle.len() / 4).max(16) as i64;
    votes.sort_unstable();
    let mut clusters: Vec<(usize, i64, i64)> = Vec::new();
    let mut i = 0;
    while i < votes.len() {
        let mut j = i;
        while j + 1 < votes.len() && votes[j + 1].0 - votes[i].0 <= slack {
            j += 1;
        }
        let mut seen: Vec<usize> = votes[i..=j].iter().map(|v| v.1).collect();
        seen.sort_unstable();
        seen.dedup();
        clusters.push((seen.len(), votes[i].0, votes[j].0));
        i = j + 1;
    }
    clusters.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let best = clusters[0].0;
    // A quote is aligned only where a fair share of its word pairs stand
    // together: a quote that is on the page (or nearly) keeps most of its
    // pairs, a page it is not on shares a stray few. Without this, every
    // page of a memo whose sources are listed at the end would align every
    // quote of the memo, and the cost would grow with pages × quotes.
    if !bounded && best < reading.min_votes {
        return Vec::new();
    }
    let mut windows = Vec::new();
    for &(score, lo, hi) in clusters.iter().take(2) {
        if score * 10 < best * 7 {
            break;
        }
        let start = (lo - slack).max(region.start as i64) as usize;
        let end = ((hi + needle.len() as i64 + slack) as usize).min(region.end);
        let (start, end) = (floor_char(text, start), floor_char(text, end));
        if start < end {
            windows.push(start..end);
        }
    }
    windows
}

/// The distinct word pairs of a quote that must point at one place of a
/// page before it is aligned there: a quarter of its pairs, and at least
/// two. A quote with a word changed keeps all but two of its pairs.
fn min_votes(needle: &str) -> usize {
    let pairs = bigrams(needle).count();
    pairs.div_ceil(4).max(2).min(pairs.max(1))
}

/// The nearest character boundary at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Semi-global edit distance of `needle` against `text[window]` (free
/// start and end in the text), with the traceback's span. Ends are moved
/// to word boundaries.
fn semi_global(needle: &str, text: &str, window: std::ops::Range<usize>) -> Alignment {
    let a: Vec<char> = needle.chars().collect();
    let hay = &text[window.clone()];
    let b: Vec<(usize, char)> = hay.char_indices().collect();
    let (m, n) = (a.len(), b.len());
    let width = n + 1;
    let mut d = vec![0u32; (m + 1) * width];
    for i in 1..=m {
        d[i * width] = i as u32;
        for j in 1..=n {
            let substitute = d[(i - 1) * width + j - 1] + u32::from(a[i - 1] != b[j - 1].1);
            let delete = d[(i - 1) * width + j] + 1;
            let insert = d[i * width + j - 1] + 1;
            d[i * width + j] = substitute.min(delete).min(insert);
        }
    }
    let row = &d[m * width..];
    let (mut j, &edits) = row
        .iter()
        .enumerate()
        .min_by_key(|&(j, &e)| (e, j))
        .unwrap_or((0, &0));
    let end_j = j;
    let mut i = m;
    while i > 0 && j > 0 {
        let here = d[i * width + j];
        if here == d[(i - 1) * width + j - 1] + u32::from(a[i - 1] != b[j - 1].1) {
            i -= 1;
            j -= 1;
        } else if here == d[(i - 1) * width + j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    let byte = |j: usize| window.start + b.get(j).map_or(hay.len(), |&(at, _)| at);
    let (mut start, mut end) = (byte(j), byte(end_j));
    // Widen to whole words so the passage reads as the page has it; the
    // letters taken in count as edits (`art` is not `start`).
    let mut widened = 0;
    while let Some(c) = text[..start]
        .chars()
        .next_back()
        .filter(|c| c.is_alphanumeric())
    {
        start -= c.len_utf8();
        widened += 1;
    }
    while let Some(c) = text[end..].chars().next().filter(|c| c.is_alphanumeric()) {
        end += c.len_utf8();
        widened += 1;
    }
    Alignment {
        start,
        end,
        edits: edits as usize + widened,
        quote_chars: m,
    }
}

/// A word without the punctuation at its ends.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

fn has_digit(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
}

/// Word-level differences between a segment and its aligned passage, in
/// the quote's and the page's own wording, and the numbers that differ.
#[allow(clippy::type_complexity)]
/// The spans of the words of normalised `text` (single spaces), offset
/// by `base`.
fn word_spans(text: &str, base: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = base;
    for w in text.split(' ') {
        if !w.is_empty() {
            spans.push((at, at + w.len()));
        }
        at += w.len() + 1;
    }
    spans
}

/// The longest-common-subsequence table of two sequences of `m` and `n`
/// items (`same(i, j)` compares them), row-major with `n + 1` columns:
/// the entry at `(i, j)` is the LCS length of the suffixes from `i`, `j`.
fn lcs_table(m: usize, n: usize, same: impl Fn(usize, usize) -> bool) -> Vec<u16> {
    let mut lcs = vec![0u16; (m + 1) * (n + 1)];
    for i in (0..m).rev() {
        for j in (0..n).rev() {
            lcs[i * (n + 1) + j] = if same(i, j) {
                lcs[(i + 1) * (n + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (n + 1) + j].max(lcs[i * (n + 1) + j + 1])
            };
        }
    }
    lcs
}

fn word_differences(
    reading: &Reading,
    page: &PageText,
    alignment: &Alignment,
) -> (Vec<String>, Option<Numbers>) {
    if alignment.edits == 0 {
        return (Vec::new(), None);
    }
    let qtext = reading.text();
    let ptext = page.normalized();
    let q = word_spans(qtext, 0);
    let p = word_spans(&ptext[alignment.start..alignment.end], alignment.start);
    // Words compare without the punctuation at their ends.
    let qw = |k: usize| bare(&qtext[q[k].0..q[k].1]);
    let pw = |k: usize| bare(&ptext[p[k].0..p[k].1]);
    // Longest common subsequence of words, then the runs between.
    let (m, n) = (q.len(), p.len());
    let lcs = lcs_table(m, n, |i, j| qw(i) == pw(j));
    let quote_words = |a: usize, b: usize| {
        if a == b {
            return String::new();
        }
        reading
            .normalized
            .original(&reading.original, q[a].0, q[b - 1].1)
            .to_owned()
    };
    let page_words = |a: usize, b: usize| {
        if a == b {
            return String::new();
        }
        page.original(p[a].0, p[b - 1].1).to_owned()
    };
    let mut differences = Vec::new();
    let mut quote_numbers = Vec::new();
    let mut page_numbers = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut qi, mut pj) = (0, 0);
    loop {
        let aligned = i < m && j < n && qw(i) == pw(j);
        if aligned || i == m && j == n {
            if qi < i || pj < j {
                let (from, to) = (quote_words(qi, i), page_words(pj, j));
                differences.push(match (from.is_empty(), to.is_empty()) {
                    (false, false) => format!("{from} → {to}"),
                    (false, true) => format!("“{from}” missing"),
                    _ => format!("“{to}” added"),
                });
                quote_numbers.extend((qi..i).map(qw).filter(|w| has_digit(w)).map(String::from));
                page_numbers.extend((pj..j).map(pw).filter(|w| has_digit(w)).map(String::from));
            }
            if !aligned {
                break;
            }
            i += 1;
            j += 1;
            (qi, pj) = (i, j);
        } else if j == n || (i < m && lcs[(i + 1) * (n + 1) + j] >= lcs[i * (n + 1) + j + 1]) {
            i += 1;
        } else {
            j += 1;
        }
    }
    let numbers = (!quote_numbers.is_empty() || !page_numbers.is_empty())
        .then_some((quote_numbers, page_numbers));
    (differences, numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> PageText {
        PageText::new(text.to_owned())
    }

    fn find_in(quote: &[&str], text: &str) -> Option<QuoteMatch> {
        find(&PreparedQuote::from_segments(quote), &page(text))
    }

    #[test]
    fn exact_after_normalisation() {
        let m = find_in(
            &["“Russia is doing everything that it can to re-emerge as a major world player.”"],
            "Some text. Russia is doing everything that it can to re\u{ad}emerge as a major \
             world player, he said.",
        )
        .unwrap();
        assert!(m.exact);
        assert_eq!(m.similarity, 1.0);
        assert_eq!(
            m.matched_text,
            "Russia is doing everything that it can to re\u{ad}emerge as a major world player"
        );
    }

    #[test]
    fn a_changed_word_is_approximate_with_the_difference() {
        let m = find_in(
            &["the roots of Russian statehood lie in Kyiv and Crimea hosts a major naval base"],
            "Background. The roots of Russian statehood lie in Kiev and Crimea hosts a major \
             naval base. More text follows here.",
        )
        .unwrap();
        assert!(!m.exact);
        assert!(m.similarity > 0.9 && m.similarity < 1.0, "{}", m.similarity);
        assert_eq!(m.differences, vec!["Kyiv → Kiev"]);
        assert!(m.matched_text.starts_with("The roots") && m.matched_text.ends_with("naval base"));
        assert_eq!(m.numbers, None);
    }

    #[test]
    fn a_changed_number_is_named() {
        let m = find_in(
            &["officials said that 40 percent of the budget had been spent"],
            "In March officials said that 30 percent of the budget had been spent by then.",
        )
        .unwrap();
        assert!(!m.exact);
        assert_eq!(
            m.numbers,
            Some((vec!["40".to_owned()], vec!["30".to_owned()]))
        );
    }

    #[test]
    fn missing_when_nothing_is_shared() {
        assert!(
            find_in(
                &["entirely different words here"],
                "the page says other things"
            )
            .is_none()
        );
        let m = find_in(
            &["we must prevent the East-West ice age at all costs now"],
            "Leaders hope to prevent the return of cold war politics in Europe this year.",
        );
        assert!(m.is_none_or(|m| m.similarity < 0.85));
    }

    #[test]
    fn ellipsis_segments_in_order_within_a_window() {
        let text = "Alpha beta gamma delta epsilon. Then zeta eta theta iota kappa.";
        let m = find_in(&["alpha beta gamma", "theta iota kappa"], text).unwrap();
        assert!(m.exact);
        assert_eq!(m.matched_text, "Alpha beta gamma … theta iota kappa");
        // Out of order: the second part is not after the first.
        let m = find_in(&["theta iota kappa", "alpha beta gamma"], text).unwrap();
        assert!(!m.exact && m.weakest_segment < 0.5);
        // Too far apart.
        let far = format!(
            "alpha beta gamma {} theta iota kappa",
            "filler ".repeat(1000)
        );
        let m = find_in(&["alpha beta gamma", "theta iota kappa"], &far).unwrap();
        assert!(!m.exact);
    }

    #[test]
    fn an_occurrence_inside_longer_words_does_not_hide_a_whole_one() {
        // Every pair of this quote is frequent on the page, so only the
        // exact search can find it: it must look past the first
        // occurrence, which starts inside a word.
        let filler = "of the state of the state ".repeat(40);
        let page = format!("vikaof the state {filler} and so of the state it ends");
        let m = find_in(&["of the state"], &page).unwrap();
        assert!(m.exact);
    }

    #[test]
    fn editorial_insertions_are_optional() {
        let quote = Quote {
            text: String::new(),
            segments: vec![crate::model::Segment {
                pieces: vec![
                    Piece::Words("Russia has no intention".into()),
                    Piece::Editorial("of".into()),
                    Piece::Words("joining NATO or the EU".into()),
                ],
            }],
            position: Default::default(),
            attribution: None,
            candidates: vec![],
            pairing: crate::model::Pairing::Memo,
            note: None,
            words: 8,
            context: None,
        };
        let prepared = PreparedQuote::new(&quote);
        for text in [
            "He said Russia has no intention of joining NATO or the EU.",
            "He said Russia has no intention joining NATO or the EU.",
        ] {
            assert!(find(&prepared, &page(text)).unwrap().exact, "{text}");
        }
    }

    #[test]
    fn whole_words_only_and_non_latin() {
        let m = find_in(&["art of war"], "the start of warfare");
        assert!(m.is_none_or(|m| !m.exact));
        let m = find_in(
            &["Россия не намерена вступать в НАТО"],
            "Он сказал: «Россия не намерена вступать в НАТО».",
        )
        .unwrap();
        assert!(m.exact);
    }

    #[test]
    fn long_pages_find_the_right_place() {
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&format!(
                "Sentence {i} says nothing in particular about the topic. "
            ));
        }
        text.push_str("The committee concluded that the reforms had failed to reach rural areas. ");
        text.push_str(&"More filler words follow here. ".repeat(2000));
        let m = find_in(
            &["the committee concluded that reforms had failed to reach the rural areas"],
            &text,
        )
        .unwrap();
        assert!(m.similarity > 0.85, "{m:?}");
        assert_eq!(
            m.matched_text,
            "The committee concluded that the reforms had failed to reach rural areas"
        );
        assert_eq!(m.differences, vec!["“the” added", "“the” missing"]);
    }
}
