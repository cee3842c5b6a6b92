//! Quotations in prose: finding double-quoted spans, repairing PDF
//! artefacts in their text (line-break hyphens, ellipses, editorial
//! brackets), and naming the speaker when the sentence does.

use crate::model::{Piece, Segment};
use std::ops::Range;

/// Longest quotation, in bytes, that is checked against its sources; a
/// longer one that closes is reported as too long to check.
pub(super) const MAX_QUOTE_BYTES: usize = 6000;

/// How far past its opening mark a closing mark is looked for (within the
/// paragraph): beyond it, the mark is taken to be unterminated.
const MAX_SCAN_BYTES: usize = 64 * 1024;

/// A quotation mark span found in a block of prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// A complete quotation: the opening mark's offset and the inner text.
    Quote {
        /// Byte offset of the opening mark.
        open: usize,
        /// The text between the marks.
        inner: Range<usize>,
    },
    /// An opening mark with no closing mark in the same paragraph.
    Unterminated {
        /// Byte offset of the opening mark.
        open: usize,
    },
    /// A quotation that closes, longer than [`MAX_QUOTE_BYTES`].
    TooLong {
        /// Byte offset of the opening mark.
        open: usize,
        /// The text between the marks.
        inner: Range<usize>,
    },
}

/// Where a closing mark was found after an opening one.
enum Closing {
    /// After this many bytes.
    At(usize),
    /// None before the paragraph (or the scan) ended, this many bytes on.
    Never(usize),
}

/// Find double-quoted spans (“…”, "…", «…», „…“, »…«) in `text`. A quote
/// never crosses a blank line; single quotes are not quotations.
pub(super) fn scan(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    // Per set of closers, where the last fruitless search for one ended.
    let mut dead: Vec<(&[char], usize)> = Vec::new();
    while let Some((at, c)) = iter.next() {
        let closers: &[char] = match c {
            '“' => &['”'],
            '«' => &['»'],
            '„' => &['“', '”'],
            '»' => &['«'],
            '"' => {
                let next = iter.peek().map(|&(_, n)| n);
                let opens = !prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(|n| !n.is_whitespace());
                if opens { &['"'] } else { &[] }
            }
            _ => &[],
        };
        prev = Some(c);
        if closers.is_empty() {
            continue;
        }
        let body = at + c.len_utf8();
        // An opening mark inside a stretch already seen to hold none of
        // its closers is unterminated at once (no quadratic rescans).
        if dead.iter().any(|(c, end)| *c == closers && body < *end) {
            out.push(Found::Unterminated { open: at });
            continue;
        }
        match find_closer(&text[body..], closers) {
            Closing::At(len) => {
                let inner = body..body + len;
                out.push(if len > MAX_QUOTE_BYTES {
                    Found::TooLong { open: at, inner }
                } else {
                    Found::Quote { open: at, inner }
                });
                // Resume after the closing mark.
                while iter.peek().is_some_and(|&(i, _)| i <= body + len) {
                    prev = iter.next().map(|(_, ch)| ch);
                }
            }
            Closing::Never(len) => {
                dead.retain(|(c, _)| *c != closers);
                dead.push((closers, body + len));
                out.push(Found::Unterminated { open: at });
            }
        }
    }
    out
}

/// The text before the first closer, unless a blank line or the scan's
/// limit comes first.
fn find_closer(text: &str, closers: &[char]) -> Closing {
    let mut newline_seen = false;
    for (i, c) in text.char_indices() {
        if i > MAX_SCAN_BYTES {
            return Closing::Never(i);
        }
        if closers.contains(&c) {
            return Closing::At(i);
        }
        match c {
            '\n' if newline_seen => return Closing::Never(i),
            '\n' => newline_seen = true,
            ' ' | '\t' | '\r' => {}
            _ => newline_seen = false,
        }
    }
    Closing::Never(text.len())
}

/// The quoted text as written, with line breaks and runs of white space
/// folded to one space.
pub(super) fn as_written(inner: &str) -> String {
    inner.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Repair the quoted text and split it into segments at ellipses, with
/// bracketed editorial text as optional pieces.
pub(super) fn segments(inner: &str) -> Vec<Segment> {
    let joined = join_line_break_hyphens(inner);
    let folded = as_written(&joined)
        .replace("[…]", "…")
        .replace("[...]", "…")
        .replace("(…)", "…")
        .replace("(...)", "…")
        .replace(". . .", "…")
        .replace("...", "…");
    folded
        .split('…')
        .map(pieces)
        .filter(|s| !s.pieces.is_empty())
        .collect()
}

/// Number of words the source must hold (editorial insertions excluded).
pub(super) fn word_count(segments: &[Segment]) -> usize {
    segments
        .iter()
        .flat_map(|s| &s.pieces)
        .filter_map(|p| match p {
            Piece::Words(w) => Some(w),
            Piece::Editorial(_) => None,
        })
        .flat_map(|w| w.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn pieces(segment: &str) -> Segment {
    let mut pieces = Vec::new();
    let mut rest = segment;
    let push_words = |pieces: &mut Vec<Piece>, words: &str| {
        let words = words.trim();
        if !words.is_empty() {
            pieces.push(Piece::Words(words.to_owned()));
        }
    };
    while let Some(open) = rest.find('[') {
        let Some(len) = rest[open..].find(']') else {
            break;
        };
        push_words(&mut pieces, &rest[..open]);
        let editorial = rest[open + 1..open + len].trim();
        if !editorial.is_empty() {
            pieces.push(Piece::Editorial(editorial.to_owned()));
        }
        rest = &rest[open + len + 1..];
    }
    push_words(&mut pieces, rest);
    Segment { pieces }
}

/// Join words hyphenated at a line break (`instru-\nment` → `instrument`);
/// a hyphen before a capital or digit is a real compound and stays
/// (`East-\nWest` → `East-West`).
pub fn join_line_break_hyphens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if (c == '-' || c == '\u{AD}') && out.chars().next_back().is_some_and(char::is_alphabetic) {
            let rest = &text[i + c.len_utf8()..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
            let after_gap = &rest[gap..];
            if let Some(after_break) = after_gap.strip_prefix('\n') {
                let next_text = after_break.trim_start_matches([' ', '\t', '\r']);
                if let Some(next) = next_text.chars().next() {
                    if next.is_lowercase() {
                        // instru-␤ment: drop the hyphen and the break.
                    } else {
                        out.push('-');
                    }
                    let skip_to = text.len() - next_text.len();
                    while chars.peek().is_some_and(|&(j, _)| j < skip_to) {
                        chars.next();
                    }
                    continue;
                }
            }
            if c == '\u{AD}' {
                continue;
            }
        }
        if c == '\u{AD}' {
            continue;
        }
        out.push(c);
    }
    out
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "prof", "mr", "mrs", "ms", "st", "jr", "sr", "gen", "sen", "rep", "gov", "col", "lt",
    "capt", "vs", "etc", "e.g", "i.e", "no", "mt", "rev", "hon", "amb", "pres", "u.s", "u.k",
    "e.v", "inc", "ltd", "co", "corp", "dept", "univ", "fr", "frhr",
];

/// Titles that may open a name.
use crate::model::NAME_TITLES as TITLES;

/// Capitalised words that do not start a name.
const NOT_NAMES: &[&str] = &[
    "as",
    "the",
    "a",
    "an",
    "in",
    "on",
    "but",
    "and",
    "while",
    "when",
    "yet",
    "so",
    "also",
    "however",
    "furthermore",
    "moreover",
    "this",
    "that",
    "these",
    "those",
    "according",
    "then",
    "here",
    "there",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "our",
    "his",
    "her",
    "their",
    "meanwhile",
    "still",
    "indeed",
    "finally",
    "similarly",
    "likewise",
    "thus",
    "therefore",
    "for",
    "if",
    "after",
    "before",
    "since",
    "because",
    "although",
    "even",
    "only",
    "one",
    "some",
    "many",
    "most",
    "other",
    "others",
    "both",
    "all",
    "every",
    "each",
    "his",
    "its",
];

/// Words that may stand between a speaker and the verb.
const FILLERS: &[&str] = &[
    "therefore",
    "further",
    "also",
    "additionally",
    "then",
    "later",
    "once",
    "recently",
    "and",
    "has",
    "had",
    "have",
    "rightly",
    "again",
    "even",
    "still",
    "too",
    "already",
    "subsequently",
    "now",
    "similarly",
    "likewise",
    "thus",
    "aptly",
    "bluntly",
    "simply",
];

/// Verb stems that introduce speech.
const SPEECH_VERBS: &[&str] = &[
    "say",
    "write",
    "argue",
    "explain",
    "note",
    "add",
    "emphasize",
    "emphasise",
    "stress",
    "suggest",
    "state",
    "claim",
    "point",
    "warn",
    "insist",
    "observe",
    "remark",
    "comment",
    "elaborate",
    "tell",
    "ask",
    "conclude",
    "describe",
    "declare",
    "recall",
    "admit",
    "acknowledge",
    "contend",
    "maintain",
    "assert",
    "believe",
    "fear",
    "predict",
    "put",
    "reply",
    "replie",
    "answer",
    "caution",
    "agree",
    "summarize",
    "summarise",
    "urge",
    "underline",
    "highlight",
    "propose",
    "recommend",
    "mention",
    "observe",
    "counter",
];

const IRREGULAR_SPEECH: &[&str] = &["said", "wrote", "written", "told", "thought", "put"];

fn is_speech_verb(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    if IRREGULAR_SPEECH.contains(&w.as_str()) {
        return true;
    }
    let candidates = [
        Some(w.as_str()),
        w.strip_suffix('s'),
        w.strip_suffix("es"),
        w.strip_suffix('d'),
        w.strip_suffix("ed"),
    ];
    candidates
        .into_iter()
        .flatten()
        .any(|stem| SPEECH_VERBS.contains(&stem))
}

/// A word of the sentence around a quote, stripped of surrounding
/// punctuation (a title's period is kept).
#[derive(Debug)]
struct Word<'a> {
    text: &'a str,
}

impl Word<'_> {
    fn bare(&self) -> &str {
        self.text.trim_end_matches('.')
    }

    fn is_title(&self) -> bool {
        TITLES.contains(&self.bare().to_lowercase().as_str())
    }

    fn is_name_part(&self) -> bool {
        // A particle joined to a name (`al-Assad`, `d'Estaing`) is part of
        // it.
        let text = crate::model::JOINED_PARTICLES
            .iter()
            .find_map(|p| self.text.strip_prefix(p))
            .unwrap_or(self.text);
        let mut chars = text.chars();
        let starts_upper = chars.next().is_some_and(char::is_uppercase);
        starts_upper
            && self
                .text
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    }

    fn lower(&self) -> String {
        self.bare().to_lowercase()
    }

    /// A name particle (`de`, `van`, `al`), which stands inside a name in
    /// lower case.
    fn is_particle(&self) -> bool {
        crate::model::NAME_PARTICLES.contains(&self.text)
    }
}

/// How many words of `ws` from the start are a name: name words, and
/// particles between them (`Jaap de Hoop Scheffer`).
fn name_run(ws: &[Word<'_>]) -> usize {
    let mut n = 0;
    while n < ws.len() {
        let particles = ws[n..].iter().take_while(|w| w.is_particle()).count();
        if ws[n].is_name_part() {
            n += 1;
        } else if n > 0 && particles > 0 && ws.get(n + particles).is_some_and(Word::is_name_part) {
            n += particles + 1;
        } else {
            break;
        }
    }
    n
}

/// Where the name ending at `end` (exclusive) in `ws` starts: back over
/// name words, and particles between them.
fn name_start(ws: &[Word<'_>], end: usize) -> usize {
    let mut start = end;
    while start > 0 {
        let particles = ws[..start]
            .iter()
            .rev()
            .take_while(|w| w.is_particle())
            .count();
        if ws[start - 1].is_name_part() {
            start -= 1;
        } else if start < end
            && particles > 0
            && start > particles
            && ws[start - particles - 1].is_name_part()
        {
            start -= particles + 1;
        } else {
            break;
        }
    }
    start
}

fn words(text: &str) -> Vec<Word<'_>> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    ',' | ':'
                        | ';'
                        | '('
                        | ')'
                        | '"'
                        | '“'
                        | '”'
                        | '«'
                        | '»'
                        | '„'
                        | '—'
                        | '–'
                        | '!'
                        | '?'
                )
            })
        })
        .filter(|w| !w.is_empty())
        .map(|text| Word { text })
        .collect()
}

/// Trim a run of name words to the name itself.
fn name_from(run: &[Word<'_>]) -> Option<String> {
    let mut run = run;
    while let Some(first) = run.first() {
        if NOT_NAMES.contains(&first.lower().as_str()) {
            run = &run[1..];
        } else {
            break;
        }
    }
    let run = &run[run.len().saturating_sub(6)..];
    // A run of titles alone ("Dr.") is not a name.
    if run.iter().all(Word::is_title) {
        return None;
    }
    let mut parts: Vec<&str> = run.iter().map(|w| w.text).collect();
    if let Some(last) = parts.last_mut() {
        *last = last.trim_end_matches('.');
    }
    Some(parts.join(" "))
}

/// The speaker of the quote at `quote` in `text`, when the same sentence
/// names one: "As Dr. Andreas Umland explains: “…”", "“…” says Dr. Kelleners".
pub(super) fn attribution(text: &str, quote: Range<usize>, inner: &str) -> Option<String> {
    // A name hyphenated at a line's end (`Sec-⏎retary General`) is read
    // whole.
    let before = join_line_break_hyphens(&text[sentence_start(text, quote.start)..quote.start]);
    let after_end = sentence_end(text, quote.end);
    let after = join_line_break_hyphens(&text[quote.end..after_end]);
    let ends_sentence = inner.trim_end().ends_with(['.', '!', '?']);
    after_rule(&after, ends_sentence).or_else(|| before_rule(&before))
}

/// “…,” says Dr. Kelleners / “…,” Kelleners said.
fn after_rule(after: &str, quote_ends_sentence: bool) -> Option<String> {
    let ws = words(after);
    let first = ws.first()?;
    if is_speech_verb(first.text) && first.text.starts_with(char::is_lowercase) {
        let run = name_run(&ws[1..]);
        if run == 0 {
            return None;
        }
        return name_from(&ws[1..1 + run]);
    }
    if quote_ends_sentence {
        return None;
    }
    let run_len = name_run(&ws);
    if run_len > 0 && ws.get(run_len).is_some_and(|w| is_speech_verb(w.text)) {
        return name_from(&ws[..run_len]);
    }
    None
}

/// As Dr. Umland explains: “…” / Kelleners therefore suggests that … “…”.
fn before_rule(before: &str) -> Option<String> {
    let ws = words(before);
    if let Some(at) = ws
        .windows(2)
        .rposition(|p| p[0].lower() == "according" && p[1].lower() == "to")
    {
        let run = name_run(&ws[at + 2..]);
        if run > 0 {
            return name_from(&ws[at + 2..at + 2 + run]);
        }
    }
    let verb = ws
        .iter()
        .rposition(|w| is_speech_verb(w.text) && w.text.starts_with(char::is_lowercase))?;
    let mut end = verb;
    let mut skipped = 0;
    while end > 0 && skipped < 4 {
        let w = &ws[end - 1];
        let lower = w.lower();
        let filler = FILLERS.contains(&lower.as_str())
            || (lower.ends_with("ly") && w.text.starts_with(char::is_lowercase))
            || (is_speech_verb(w.text) && w.text.starts_with(char::is_lowercase));
        if !filler {
            break;
        }
        end -= 1;
        skipped += 1;
    }
    let start = name_start(&ws, end);
    if start == end {
        return None;
    }
    name_from(&ws[start..end])
}

/// Byte offset where the sentence holding `at` starts.
pub(super) fn sentence_start(text: &str, at: usize) -> usize {
    let floor = floor_boundary(text, at.saturating_sub(600));
    let window = &text[floor..at];
    // The last sentence end or blank line before `at`, looked for from
    // `at` backwards (a quote's sentence is short; the window is not).
    window
        .char_indices()
        .rev()
        .find(|&(i, c)| is_sentence_end(window, i, c) || c == '\n' && window[..i].ends_with('\n'))
        .map_or(floor, |(i, c)| floor + i + c.len_utf8())
}

/// Byte offset where the sentence holding `at` ends.
pub(super) fn sentence_end(text: &str, at: usize) -> usize {
    let ceiling = floor_boundary(text, (at + 300).min(text.len()));
    let window = &text[at..ceiling];
    for (i, c) in window.char_indices() {
        if is_sentence_end(window, i, c) {
            return at + i;
        }
    }
    ceiling
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether `c` at `i` ends a sentence: `.`, `!` or `?` followed by white
/// space, not after an abbreviation or an initial.
fn is_sentence_end(text: &str, i: usize, c: char) -> bool {
    if !matches!(c, '.' | '!' | '?') {
        return false;
    }
    let rest = &text[i + 1..];
    let rest = rest.trim_start_matches(['”', '"', '’', '»', ')']);
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    if c != '.' {
        return true;
    }
    // Past the separator, which may be wider than a byte (a no-break
    // space: found by fuzzing).
    let word_start = text[..i]
        .char_indices()
        .rfind(|&(_, ch)| ch.is_whitespace() || ch == '(')
        .map_or(0, |(p, ch)| p + ch.len_utf8());
    let word = text[word_start..i].to_lowercase();
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    !(is_initial || ABBREVIATIONS.contains(&word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_particles_are_read_whole() {
        let speaker = |text: &str| {
            let open = text.find('“').unwrap();
            let close = text.find('”').unwrap() + '”'.len_utf8();
            let inner = &text[open + '“'.len_utf8()..close - '”'.len_utf8()];
            attribution(text, open..close, inner)
        };
        assert_eq!(
            speaker("Jaap de Hoop Scheffer declared: “We stand together.”").as_deref(),
            Some("Jaap de Hoop Scheffer")
        );
        assert_eq!(
            speaker("“The door is open,” said Ursula von der Leyen in Brussels.").as_deref(),
            Some("Ursula von der Leyen")
        );
        assert_eq!(
            speaker("According to Bashar al-Assad, “the war is over.”").as_deref(),
            Some("Bashar al-Assad")
        );
        // A particle opening the sentence is no part of a name.
        assert_eq!(
            speaker("De Gaulle warned: “Europe will be made.”").as_deref(),
            Some("De Gaulle")
        );
    }

    #[test]
    fn a_no_break_space_before_a_word_is_no_trouble() {
        let text = "So said\u{a0}Meyer. Then";
        let at = text.find('.').unwrap();
        assert!(is_sentence_end(text, at, '.'));
        let text = "So said\u{a0}Dr. Meyer";
        assert!(!is_sentence_end(text, text.find('.').unwrap(), '.'));
    }

    #[test]
    fn a_sentence_starts_after_the_last_end_before_it() {
        // The rule read forwards over the whole window, as it was first
        // written: the last end (or blank line) wins.
        let forwards = |text: &str, at: usize| {
            let floor = floor_boundary(text, at.saturating_sub(600));
            let window = &text[floor..at];
            let mut start = floor;
            for (i, c) in window.char_indices() {
                if is_sentence_end(window, i, c) || c == '\n' && window[..i].ends_with('\n') {
                    start = floor + i + c.len_utf8();
                }
            }
            start
        };
        let long = "Words and more words. ".repeat(40);
        for text in [
            "First one. Dr. Meyer said “so” here.",
            "No end at all before “this”",
            "A line.\n\nAnother para\u{a0}graph? Yes! “Quote”.",
            "Ends with “quote.” Then J. R. Smith (b. 1950) wrote “more”",
            long.as_str(),
        ] {
            for (at, _) in text.char_indices() {
                assert_eq!(
                    sentence_start(text, at),
                    forwards(text, at),
                    "{text:?} at {at}"
                );
            }
        }
        assert_eq!(sentence_start("One. Two", 8), 4);
    }

    fn quotes(text: &str) -> Vec<String> {
        scan(text)
            .into_iter()
            .map(|f| match f {
                Found::Quote { inner, .. } => text[inner].to_owned(),
                Found::Unterminated { open } => format!("UNTERMINATED@{open}"),
                Found::TooLong { open, .. } => format!("TOO-LONG@{open}"),
            })
            .collect()
    }

    fn speaker(text: &str) -> Option<String> {
        let Some(Found::Quote { open, inner }) = scan(text).into_iter().next() else {
            panic!("no quote in {text:?}");
        };
        let close = inner.end + text[inner.end..].chars().next().map_or(0, char::len_utf8);
        attribution(text, open..close, &text[inner])
    }

    fn shown(inner: &str) -> Vec<String> {
        segments(inner).iter().map(Segment::display).collect()
    }

    #[test]
    fn quote_marks_of_every_kind() {
        assert_eq!(quotes("a “b c” d"), ["b c"]);
        assert_eq!(quotes("a \"b c\" d"), ["b c"]);
        assert_eq!(quotes("a «b c» d „e f“"), ["b c", "e f"]);
        assert_eq!(quotes("a “b\nc” d"), ["b\nc"]);
        assert_eq!(quotes("it's 'single' quoted"), Vec::<String>::new());
        assert_eq!(quotes("a 5\" screen"), Vec::<String>::new());
        assert_eq!(quotes("“a “b” c"), ["a “b"]);
    }

    #[test]
    fn unterminated_quotes_stop_at_a_blank_line() {
        assert_eq!(quotes("a “b c\n\nd” e"), ["UNTERMINATED@2"]);
        assert_eq!(quotes("x “never closed"), ["UNTERMINATED@2"]);
        assert_eq!(quotes("“ok” and “broken"), ["ok", "UNTERMINATED@13"]);
    }

    /// A long quotation that closes is too long to check, not
    /// unterminated; openers in a long paragraph without closers are each
    /// unterminated without rescanning it.
    #[test]
    fn a_long_quotation_that_closes_is_too_long_not_unterminated() {
        let long = "word ".repeat(3000);
        assert_eq!(quotes(&format!("a “{long}” b")), ["TOO-LONG@2"]);
        let openers = "“x ".repeat(20_000);
        let found = quotes(&openers);
        assert_eq!(found.len(), 20_000);
        assert!(found.iter().all(|f| f.starts_with("UNTERMINATED@")));
    }

    #[test]
    fn a_speaker_hyphenated_at_a_line_end() {
        assert_eq!(
            speaker("Speaking, the Sec-\nretary General said that “the door is open”.").as_deref(),
            Some("Secretary General")
        );
    }

    #[test]
    fn line_break_hyphens_join_but_compounds_stay() {
        assert_eq!(join_line_break_hyphens("instru-\nment"), "instrument");
        assert_eq!(join_line_break_hyphens("instru- \n  ment"), "instrument");
        assert_eq!(join_line_break_hyphens("East-\nWest"), "East-West");
        assert_eq!(join_line_break_hyphens("East-West"), "East-West");
        assert_eq!(join_line_break_hyphens("soft\u{AD}hyphen"), "softhyphen");
        assert_eq!(join_line_break_hyphens("1990-\n2000"), "1990-\n2000");
    }

    #[test]
    fn ellipses_split_and_brackets_are_editorial() {
        assert_eq!(shown("a b … c d"), ["a b", "c d"]);
        assert_eq!(shown("a b ... c d"), ["a b", "c d"]);
        assert_eq!(shown("a b [...] c d"), ["a b", "c d"]);
        assert_eq!(shown("… a b"), ["a b"]);
        assert_eq!(
            shown("Russia\nhas no intention [of] joining NATO"),
            ["Russia has no intention [of] joining NATO"]
        );
        let segs = segments("no intention [of] joining [sic]");
        assert_eq!(
            segs[0].pieces,
            [
                Piece::Words("no intention".into()),
                Piece::Editorial("of".into()),
                Piece::Words("joining".into()),
                Piece::Editorial("sic".into()),
            ]
        );
        assert_eq!(word_count(&segs), 3);
        assert_eq!(word_count(&segments("prevent the East-West ice age")), 5);
    }

    #[test]
    fn speakers_before_and_after() {
        assert_eq!(
            speaker("threats. As Dr.\nAndreas Umland explains: “the roots lie in Kyiv.”")
                .as_deref(),
            Some("Dr. Andreas Umland")
        );
        assert_eq!(
            speaker(
                "region. Dr. Hans\nGiessmann emphasizes that we must “prevent the ice age” from"
            )
            .as_deref(),
            Some("Dr. Hans Giessmann")
        );
        assert_eq!(
            speaker("when the US “hope to move on from the era” says Dr. Kelleners. Next")
                .as_deref(),
            Some("Dr. Kelleners")
        );
        assert_eq!(
            speaker("reserves. Kelleners\ntherefore suggests that NATO should “carve out a role”")
                .as_deref(),
            Some("Kelleners")
        );
        assert_eq!(
            speaker("partnership. Lukas Vitalius further elaborates and writes: “Russia has no intention. It is.” Ilyas Mohsin suggests").as_deref(),
            Some("Lukas Vitalius")
        );
        assert_eq!(
            speaker("While most commenters believe Russia is needed, they also point out that “Russia is doing everything”").as_deref(),
            None
        );
        assert_eq!(
            speaker("“We will not go back,” Angela Merkel said.").as_deref(),
            Some("Angela Merkel")
        );
        assert_eq!(
            speaker("According to Jane Doe, “the sky is falling today”.").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            speaker("The report said “nothing at all here”.").as_deref(),
            None
        );
    }
}
