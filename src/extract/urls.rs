//! Finding bare URLs in running text (`http://`, `https://`, and the
//! `mailto:` and `tel:` links that are recorded but never fetched), where
//! nothing marks where a URL ends: trailing sentence punctuation is left
//! out, balanced parentheses are kept.

use std::ops::Range;

/// The schemes recognised in running text, and whether `//` must follow.
const SCHEMES: &[(&str, bool)] = &[
    ("https", true),
    ("http", true),
    ("mailto", false),
    ("tel", false),
];

/// Byte ranges of every URL with a scheme of [`SCHEMES`] in `text`. Colons
/// are rare in prose, so the scan jumps from colon to colon.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(rel) = memchr::memchr(b':', &bytes[from..]) {
        let colon = from + rel;
        from = colon + 1;
        let Some((start, body, slashes)) = SCHEMES.iter().find_map(|&(scheme, slashes)| {
            let start = colon.checked_sub(scheme.len())?;
            let matches = bytes[start..colon].eq_ignore_ascii_case(scheme.as_bytes())
                && (!slashes || bytes[colon + 1..].starts_with(b"//"));
            matches.then_some((start, colon + 1 + if slashes { 2 } else { 0 }, slashes))
        }) else {
            continue;
        };
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let tail = &text[body..];
        let len = tail.find(|c| !is_url_char(c)).unwrap_or(tail.len());
        let end = trim_trailing(text, body, body + len);
        // `Tel: +49…` is a label, not a link; an empty `http://` is kept
        // (and reported as an invalid URL).
        if end == body && !slashes {
            continue;
        }
        found.push(start..end);
        from = end.max(colon + 1);
    }
    found
}

/// How many bytes at the start of `text` continue a URL cut at a line's
/// end: URL characters, less trailing sentence punctuation.
pub(super) fn continuation_len(text: &str) -> usize {
    let len = text.find(|c| !is_url_char(c)).unwrap_or(text.len());
    trim_trailing(text, 0, len)
}

/// Characters that can stand in a URL as people write it in prose.
fn is_url_char(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '<' | '>'
                | '"'
                | '`'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '„'
                | '‹'
                | '›'
                | '…'
                | '\u{200B}'
        ))
}

/// Drop sentence punctuation and unbalanced closing brackets from the end.
fn trim_trailing(text: &str, start: usize, mut end: usize) -> usize {
    loop {
        let Some(last) = text[start..end].chars().next_back() else {
            return end;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' => true,
            ')' => unbalanced(&text[start..end], '(', ')'),
            ']' => unbalanced(&text[start..end], '[', ']'),
            '}' => unbalanced(&text[start..end], '{', '}'),
            _ => false,
        };
        if !drop {
            return end;
        }
        end -= last.len_utf8();
    }
}

fn unbalanced(url: &str, open: char, close: char) -> bool {
    url.chars().filter(|&c| c == close).count() > url.chars().filter(|&c| c == open).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        find_urls(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn trailing_punctuation_is_left_out() {
        assert_eq!(urls("see http://a.org/x. Then"), ["http://a.org/x"]);
        assert_eq!(urls("(see http://a.org/x), and"), ["http://a.org/x"]);
        assert_eq!(urls("at http://a.org/x?; or"), ["http://a.org/x"]);
        assert_eq!(urls("“http://a.org/q”"), ["http://a.org/q"]);
        assert_eq!(urls("'http://a.org/q'"), ["http://a.org/q"]);
        assert_eq!(urls("[http://a.org/q]"), ["http://a.org/q"]);
    }

    #[test]
    fn balanced_parentheses_are_kept() {
        assert_eq!(
            urls("http://en.wikipedia.org/wiki/Nord_Stream_(pipeline)."),
            ["http://en.wikipedia.org/wiki/Nord_Stream_(pipeline)"]
        );
        assert_eq!(urls("(http://w.org/A_(b))"), ["http://w.org/A_(b)"]);
    }

    #[test]
    fn angle_brackets_and_case() {
        assert_eq!(urls("<https://a.org/x>"), ["https://a.org/x"]);
        assert_eq!(urls("HTTPS://A.ORG/"), ["HTTPS://A.ORG/"]);
        assert_eq!(urls("xhttp://a.org"), Vec::<&str>::new());
        assert_eq!(
            urls("http://a.org\nhttp://b.org"),
            ["http://a.org", "http://b.org"]
        );
        assert_eq!(urls("http://"), ["http://"]);
        assert_eq!(urls("http:/a.org"), Vec::<&str>::new());
        assert_eq!(
            urls("mail mailto:a@b.org, or tel:+4930."),
            ["mailto:a@b.org", "tel:+4930"]
        );
        assert_eq!(urls("Tel:  +49.30.206 337 88"), Vec::<&str>::new());
    }

    #[test]
    fn non_ascii_paths_and_fragments_stay() {
        assert_eq!(urls("http://a.org/café#ü."), ["http://a.org/café#ü"]);
        assert_eq!(
            urls("http://a.org/a#comment897"),
            ["http://a.org/a#comment897"]
        );
    }
}
