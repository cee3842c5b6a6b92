//! The one normalisation applied to quotes and page text alike: Unicode
//! NFKC (splits ligatures), case folding, quotation marks and apostrophes
//! folded to one, dashes folded to one, soft hyphens and zero-width
//! characters removed, white space collapsed.

use unicode_normalization::UnicodeNormalization;

/// Normalise text for comparison.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let c = match c {
            '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => continue,
            '“' | '”' | '„' | '‟' | '«' | '»' | '"' | '‘' | '’' | '‚' | '‛' | '\'' | '‹' | '›'
            | '`' | '´' => '\'',
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_typography() {
        assert_eq!(
            normalize("The “ﬁrst”\u{a0} step—it’s\nhere"),
            "the 'first' step-it's here"
        );
        assert_eq!(
            normalize("soft\u{ad}hyphen zero\u{200b}width"),
            "softhyphen zerowidth"
        );
        assert_eq!(normalize("  ÉLAN  "), "élan");
    }
}
