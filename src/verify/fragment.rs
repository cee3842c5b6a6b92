//! Fragments checked against a page: an element anchor (`#comment897`)
//! against the page's `id`s and `a[name]`s, a text directive
//! (`#:~:text=…`) against its visible text. Pure.

use super::page::PageFacts;
use super::quote::PageText;
use crate::model::{Fragment, TextDirective};

/// Whether a fragment is on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FragmentCheck {
    /// It is.
    Found,
    /// It is not: why.
    Missing(String),
    /// It could not be checked: why.
    Unknown(String),
}

/// Check one fragment against a page's anchors (element fragments) or its
/// visible text (text fragments).
pub(crate) fn check(
    fragment: &Fragment,
    truncated: bool,
    facts: Option<&PageFacts>,
    text: Option<&PageText>,
) -> FragmentCheck {
    match fragment {
        Fragment::Anchor { id, raw } => {
            let Some(facts) = facts.filter(|f| f.html) else {
                return FragmentCheck::Unknown(
                    "fragment not checked: the page is not HTML".to_owned(),
                );
            };
            if facts.has_anchor(id, raw) {
                FragmentCheck::Found
            } else {
                let mut why = format!("the page has no element with id or name {id:?}");
                if truncated {
                    why.push_str(" in the part read before the size limit");
                }
                why.push_str(" (anchors that only a script adds cannot be seen)");
                FragmentCheck::Missing(why)
            }
        }
        Fragment::Text { directives, .. } => {
            let Some(text) = text else {
                return FragmentCheck::Unknown(
                    "text fragment not checked: no page text".to_owned(),
                );
            };
            match directives
                .iter()
                .find(|d| !text_directive_found(d, text.normalized()))
            {
                None => FragmentCheck::Found,
                Some(d) => FragmentCheck::Missing(format!(
                    "the page's visible text does not contain the text fragment {:?}",
                    d.start
                )),
            }
        }
    }
}

/// Whether a text directive matches normalised page text.
fn text_directive_found(directive: &TextDirective, text: &str) -> bool {
    use super::normalize::normalize;
    let start = normalize(&directive.start);
    let prefix = directive.prefix.as_deref().map(normalize);
    let suffix = directive.suffix.as_deref().map(normalize);
    let end = directive.end.as_deref().map(normalize);
    let mut from = 0;
    while let Some(at) = text[from..].find(&start).map(|i| from + i) {
        from = at + start.len().max(1);
        let before_ok = prefix
            .as_ref()
            .is_none_or(|p| text[..at].trim_end().ends_with(p.as_str()));
        let mut match_end = at + start.len();
        if let Some(end) = &end {
            match text[match_end..].find(end.as_str()) {
                Some(e) => match_end += e + end.len(),
                None => continue,
            }
        }
        let after_ok = suffix
            .as_ref()
            .is_none_or(|s| text[match_end..].trim_start().starts_with(s.as_str()));
        if before_ok && after_ok {
            return true;
        }
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_directives() {
        let d = |p: Option<&str>, s: &str, e: Option<&str>, x: Option<&str>| TextDirective {
            prefix: p.map(Into::into),
            start: s.into(),
            end: e.map(Into::into),
            suffix: x.map(Into::into),
        };
        let text = "energy security of the supply today and tomorrow";
        assert!(text_directive_found(
            &d(Some("energy"), "security of", Some("supply"), Some("today")),
            text
        ));
        assert!(text_directive_found(
            &d(None, "Security  Of", None, None),
            text
        ));
        assert!(!text_directive_found(
            &d(Some("water"), "security of", None, None),
            text
        ));
        assert!(!text_directive_found(
            &d(None, "security of", None, Some("yesterday")),
            text
        ));
    }
}
