//! The one normalisation applied to quotes and page text alike, so that
//! typography never decides a verdict:
//!
//! - UTF-8 text once mis-decoded as windows-1252 (`itâ€™s`) is repaired;
//! - Unicode NFKC (splits ligatures, folds full-width forms), case folding;
//! - every quotation mark and apostrophe folded to `'`;
//! - every hyphen and dash folded to one, which then joins its neighbours
//!   with the white space around it removed: line-break hyphenation is
//!   joined (`hyphen-⏎ation` → `hyphenation`), and `well-known`,
//!   `well-⏎known`, `East–West`, `step—it` and `step — it` each read the
//!   same however a typesetter spaced or broke them;
//! - soft hyphens and zero-width characters removed;
//! - white space collapsed to one space.
//!
//! [`normalize_mapped`] also keeps, for every byte of the normalised text,
//! where it came from in the original, so that a match can be shown as the
//! page wrote it. [`normalize_quote`] also ignores punctuation at the
//! quote's ends.

use encoding_rs::WINDOWS_1252;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Normalised text with a map back to the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// Where the offset between normalised and original text changes:
    /// from normalised byte `.0` on, original = normalised + `.1`, up to
    /// the next entry. Plain runs of text need no entries at all.
    breaks: Vec<(u32, i64)>,
    /// The original's length.
    original_len: usize,
}

impl Normalized {
    /// The original offset of the character at normalised byte `at`.
    pub(crate) fn origin(&self, at: usize) -> usize {
        if at >= self.text.len() {
            return self.original_len;
        }
        let k = self
            .breaks
            .partition_point(|&(from, _)| from as usize <= at);
        let delta = if k == 0 { 0 } else { self.breaks[k - 1].1 };
        (at as i64 + delta).clamp(0, self.original_len as i64) as usize
    }

    /// The part of `original` (the text given to [`normalize_mapped`])
    /// that produced `text[start..end]`, without the white space and
    /// invisible characters around it.
    pub fn original<'a>(&self, original: &'a str, start: usize, end: usize) -> &'a str {
        let from = self.origin(start).min(original.len());
        let to = self.origin(end).clamp(from, original.len());
        original
            .get(from..to)
            .unwrap_or_default()
            .trim_matches(|c: char| c.is_whitespace() || fold(c).is_none())
    }
}

/// Normalise text for comparison.
pub fn normalize(text: &str) -> String {
    let mut out = Builder::new(text.len(), false);
    run(text, &mut out);
    out.finish(text.len()).text
}

/// Normalise text and keep the map back to the original.
pub fn normalize_mapped(text: &str) -> Normalized {
    let mut out = Builder::new(text.len(), true);
    run(text, &mut out);
    out.finish(text.len())
}

/// Normalise a quotation: [`normalize`], then punctuation at both ends
/// dropped (a quote's closing full stop need not be the page's).
pub fn normalize_quote(text: &str) -> String {
    let normalized = normalize(text);
    normalized
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// Printable ASCII that only lower-casing changes: everything but white
/// space, control characters, quotation marks and the hyphen.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b'"' | b'\'' | b'`' | b'-');
        b += 1;
    }
    table
};

/// A byte repeated in every byte of a word.
const fn every_byte(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The top bit of each byte of `x` that is below `n` (`n` ≤ 0x80).
const fn below(x: u64, n: u8) -> u64 {
    !(((x & every_byte(0x7f)) + every_byte(0x80 - n)) | x) & every_byte(0x80)
}

/// The top bit of each byte of `x` that is zero.
const fn zero(x: u64) -> u64 {
    !(((x & every_byte(0x7f)) + every_byte(0x7f)) | x) & every_byte(0x80)
}

/// The top bit of each byte of `x` that equals `b`.
const fn equal(x: u64, b: u8) -> u64 {
    zero(x ^ every_byte(b))
}

/// The eight bytes of `bytes` from `at` as a word (byte k of the slice is
/// byte k of the word), if there are eight.
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at + 8)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// How many bytes `bytes` starts with that are ASCII (eight at a time).
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    while word_at(bytes, at).is_some_and(|x| x & every_byte(0x80) == 0) {
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len() - at)
}

/// How many bytes from the start of `bytes`, in whole words of eight, are
/// [`PLAIN`] bytes and single spaces each followed by a plain byte (the
/// byte after a word's last one is looked at too): the inner loop of
/// [`run`], which then goes on byte by byte.
fn plain_words(bytes: &[u8]) -> usize {
    let mut at = 0;
    // The byte after the word is looked at too, so nine must be there.
    while let (Some(x), Some(&after)) = (word_at(bytes, at), bytes.get(at + 8)) {
        let not_plain = below(x, 0x20)
            | ((((x & every_byte(0x7f)) + every_byte(0x01)) | x) & every_byte(0x80))
            | equal(x, b'"')
            | equal(x, b'\'')
            | equal(x, b'`')
            | equal(x, b'-');
        let spaces = equal(x, b' ');
        if not_plain != 0
            || spaces & (spaces >> 8) != 0
            || (bytes[at + 7] == b' ' && !PLAIN[usize::from(after)])
        {
            break;
        }
        at += 8;
    }
    at
}

/// Folds one character to what comparison sees, or `None` to drop it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => return None,
        '“' | '”' | '„' | '‟' | '«' | '»' | '"' | '‘' | '’' | '‚' | '‛' | '\'' | '‹' | '›'
        | '`' | '´' | 'ʼ' | '′' | '″' | '＂' | '＇' => '\'',
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹘' | '﹣' => '-',
        'ς' => 'σ',
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// Collects normalised characters, collapsing spaces and joining at
/// dashes, and records where the offset to the original changes.
struct Builder {
    text: Vec<u8>,
    breaks: Vec<(u32, i64)>,
    mapped: bool,
    /// Original minus normalised offset, as of the last character.
    delta: i64,
    /// A space is pending (collapsed; written before the next character).
    space: bool,
    /// Where the pending space started in the original.
    space_at: u32,
    /// A dash was seen: the next character joins the previous one.
    dash: bool,
}

impl Builder {
    fn new(capacity: usize, mapped: bool) -> Self {
        Self {
            text: Vec::with_capacity(capacity),
            breaks: Vec::new(),
            mapped,
            delta: 0,
            space: false,
            space_at: 0,
            dash: false,
        }
    }

    /// Note that the next character written comes from original `at`.
    #[inline]
    fn mark(&mut self, at: u32) {
        if self.mapped {
            let delta = i64::from(at) - self.text.len() as i64;
            if delta != self.delta {
                self.delta = delta;
                self.breaks.push((self.text.len() as u32, delta));
            }
        }
    }

    fn raw_push(&mut self, c: char, at: u32) {
        self.mark(at);
        let mut buf = [0u8; 4];
        self.text
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    /// A run of [`PLAIN`] ASCII bytes (with single spaces between them)
    /// from original `at`, lower-cased.
    #[inline]
    fn push_plain(&mut self, run: &[u8], at: u32) {
        let Some((&first, rest)) = run.split_first() else {
            return;
        };
        if self.space || self.dash {
            self.push(char::from(first.to_ascii_lowercase()), at);
        } else {
            self.mark(at);
            self.text.push(first.to_ascii_lowercase());
        }
        self.text.extend(rest.iter().map(u8::to_ascii_lowercase));
    }

    /// One folded character from original offset `at`.
    fn push(&mut self, c: char, at: u32) {
        if c == '-' {
            self.dash = true;
            self.space = false;
            return;
        }
        if c == ' ' {
            if !self.dash && !self.space {
                self.space_at = at;
                self.space = true;
            }
            return;
        }
        self.dash = false;
        if self.space {
            if !self.text.is_empty() {
                self.raw_push(' ', self.space_at);
            }
            self.space = false;
        }
        self.raw_push(c, at);
    }

    fn finish(self, len: usize) -> Normalized {
        Normalized {
            // Built from whole characters, so always valid.
            text: String::from_utf8(self.text).unwrap_or_default(),
            breaks: self.breaks,
            original_len: len,
        }
    }
}

/// Normalise `text` into `out`, repairing mojibake run by run.
fn run(text: &str, out: &mut Builder) {
    let mut rest = text;
    let mut base = 0usize;
    while !rest.is_empty() {
        // ASCII is its own NFKC; only lower-casing and folding apply. An
        // ASCII letter followed by a combining mark starts the next run.
        let mut ascii = ascii_prefix(rest.as_bytes());
        if ascii > 0
            && rest[ascii..]
                .chars()
                .next()
                .is_some_and(|c| canonical_combining_class(c) != 0)
        {
            ascii -= 1;
        }
        let bytes = &rest.as_bytes()[..ascii];
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            // A single space between plain bytes is its own normal form:
            // the run goes on through it (most of a page is words and
            // single spaces), eight bytes at a time where it can.
            loop {
                if i > start {
                    i += plain_words(&bytes[i..]);
                }
                if i < bytes.len()
                    && (PLAIN[usize::from(bytes[i])]
                        || bytes[i] == b' '
                            && i > start
                            && bytes.get(i + 1).is_some_and(|&b| PLAIN[usize::from(b)]))
                {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push_plain(&bytes[start..i], (base + start) as u32);
            if let Some(&b) = bytes.get(i) {
                if let Some(f) = fold(char::from(b)) {
                    out.push(f, (base + i) as u32);
                }
                i += 1;
            }
        }
        base += ascii;
        rest = &rest[ascii..];
        if rest.is_empty() {
            break;
        }
        // A run of non-ASCII characters (with the ASCII letters mojibake
        // mixes in, such as `â€™`): repaired if it was mis-decoded UTF-8.
        let run_len = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c.is_ascii())
            .map_or(rest.len(), |(i, _)| i);
        let run = &rest[..run_len];
        match repair_mojibake(run) {
            Cow::Owned(fixed) => normalize_run(&fixed, base as u32, true, out),
            Cow::Borrowed(run) => normalize_run(run, base as u32, false, out),
        }
        base += run_len;
        rest = &rest[run_len..];
    }
}

/// NFKC and folding of a non-ASCII run, cluster by cluster (a starter
/// and the combining marks after it), so each output character maps to
/// its cluster's offset. `whole` maps every character to `base`.
fn normalize_run(run: &str, base: u32, whole: bool, out: &mut Builder) {
    let mut clusters = run.char_indices().peekable();
    while let Some((start, first)) = clusters.next() {
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = clusters.peek() {
            if canonical_combining_class(c) == 0 {
                break;
            }
            end = i + c.len_utf8();
            clusters.next();
        }
        let at = if whole { base } else { base + start as u32 };
        let cluster = &run[start..end];
        for c in cluster.nfkc().flat_map(char::to_lowercase) {
            if c == 'ß' {
                out.push('s', at);
                out.push('s', at);
            } else if let Some(f) = fold(c) {
                out.push(f, at);
            }
        }
    }
}

/// UTF-8 text that was once decoded as windows-1252 (`â€™`, `Ã©`),
/// restored; anything else is returned as it is.
fn repair_mojibake(run: &str) -> Cow<'_, str> {
    // Mojibake of UTF-8 starts with a lead byte read as Â–ô (0xC2–0xF4).
    if !run.chars().any(|c| ('\u{C2}'..='\u{F4}').contains(&c)) {
        return Cow::Borrowed(run);
    }
    let (bytes, _, unmappable) = WINDOWS_1252.encode(run);
    if unmappable {
        return Cow::Borrowed(run);
    }
    match std::str::from_utf8(&bytes) {
        Ok(fixed) if fixed != run => Cow::Owned(fixed.to_owned()),
        _ => Cow::Borrowed(run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_typography() {
        assert_eq!(
            normalize("The “ﬁrst”\u{a0} step—it’s\nhere"),
            "the 'first' stepit's here"
        );
        assert_eq!(normalize("  ÉLAN  "), "élan");
        assert_eq!(normalize("Straße ＡＢＣ"), "strasse abc");
    }

    #[test]
    fn drops_soft_hyphens_and_zero_width() {
        assert_eq!(
            normalize("soft\u{ad}hyphen zero\u{200b}width"),
            "softhyphen zerowidth"
        );
    }

    #[test]
    fn joins_hyphenation_and_dashes() {
        assert_eq!(normalize("hyphen-\n  ation"), "hyphenation");
        assert_eq!(normalize("well-known"), normalize("well-\nknown"));
        assert_eq!(normalize("East–West"), normalize("East-West"));
        assert_eq!(normalize("step — it"), normalize("step—it"));
        assert_eq!(normalize("a ‐ b ‑ c ‒ d – e — f ― g − h"), "abcdefgh");
    }

    #[test]
    fn combining_marks_compose() {
        assert_eq!(normalize("cafe\u{301}"), normalize("café"));
    }

    #[test]
    fn repairs_mojibake() {
        assert_eq!(normalize("itâ€™s a â€œtestâ€\u{9d}"), "it's a 'test'");
        assert_eq!(normalize("cafÃ©"), "café");
        // Real Latin-1 text is left alone.
        assert_eq!(normalize("Ça va, Müller"), "ça va, müller");
    }

    #[test]
    fn quote_ends_ignore_punctuation() {
        assert_eq!(
            normalize_quote("“It is a power of its own.”"),
            "it is a power of its own"
        );
        assert_eq!(normalize_quote("...and then?"), "and then");
    }

    #[test]
    fn word_at_a_time_scan_takes_what_the_byte_loop_takes() {
        // The byte loop's rule: plain bytes, and spaces each followed by a
        // plain byte.
        let reference = |bytes: &[u8]| {
            let mut at = 0;
            while at < bytes.len()
                && (PLAIN[usize::from(bytes[at])]
                    || bytes[at] == b' '
                        && bytes.get(at + 1).is_some_and(|&b| PLAIN[usize::from(b)]))
            {
                at += 1;
            }
            at
        };
        let alphabet = b"aZ.  -\"'`\n\x7f\x01~";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let len = (state % 40) as usize;
            let mut bytes = Vec::with_capacity(len);
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly letters, so that long plain runs occur.
                let pick = (state >> 32) as usize % (alphabet.len() * 3);
                bytes.push(alphabet.get(pick).copied().unwrap_or(b'q'));
            }
            let words = plain_words(&bytes);
            let exact = reference(&bytes);
            assert_eq!(words % 8, 0);
            assert!(
                words <= exact,
                "{:?}: {words} > {exact}",
                String::from_utf8_lossy(&bytes)
            );
            // It stops only within the eight bytes that hold the end (or
            // where fewer than nine bytes are left).
            assert!(
                exact < words + 8 || words + 9 > bytes.len(),
                "{:?}: stopped at {words}, the run goes to {exact}",
                String::from_utf8_lossy(&bytes)
            );
        }
    }

    #[test]
    fn the_ascii_prefix_ends_at_the_first_other_byte() {
        for len in 0..20 {
            for at in 0..=len {
                let mut text = "a".repeat(len);
                if at < len {
                    text.replace_range(at..=at, "é");
                }
                assert_eq!(ascii_prefix(text.as_bytes()), at, "{text:?}");
            }
        }
    }

    #[test]
    fn specials_fold_wherever_they_fall_in_a_word() {
        let cases = [
            ("A  B", "a b"),
            ("a -  b", "ab"),
            ("a\tb", "a b"),
            ("say \"q\" it", "say 'q' it"),
            ("it`s", "it's"),
            ("well-\n known", "wellknown"),
            ("a \u{7f}b", "a \u{7f}b"),
        ];
        for pad in 0..20 {
            for (snippet, expected) in cases {
                let original = format!("{}{snippet}{}", "w".repeat(pad), "Z".repeat(pad));
                let mapped = normalize_mapped(&original);
                let want = format!("{}{expected}{}", "w".repeat(pad), "z".repeat(pad));
                assert_eq!(mapped.text, want, "{original:?}");
                assert_eq!(
                    mapped.original(&original, 0, mapped.text.len()),
                    original,
                    "{original:?}"
                );
            }
        }
    }

    #[test]
    fn maps_back_to_the_original() {
        let original = "In \n the  “Kyiv”\u{ad} years — really";
        let n = normalize_mapped(original);
        assert_eq!(n.text, "in the 'kyiv' yearsreally");
        let at = n.text.find("'kyiv'").unwrap();
        assert_eq!(n.original(original, at, at + "'kyiv'".len()), "“Kyiv”");
        assert_eq!(n.original(original, 0, n.text.len()), original);
    }
}
