//! Link fragments: element anchors (`#comment897`) and text directives
//! (`#:~:text=[prefix-,]start[,end][,-suffix]`, WICG Text Fragments).

use crate::model::{Fragment, TextDirective};
use percent_encoding::percent_decode_str;

/// Parse a fragment as written (without `#`); `None` when it is empty.
pub fn parse(raw: &str) -> Option<Fragment> {
    if raw.is_empty() {
        return None;
    }
    let Some(at) = raw.find(":~:") else {
        return Some(Fragment::Anchor {
            id: decode(raw),
            raw: raw.to_owned(),
        });
    };
    let element = (at > 0).then(|| decode(&raw[..at]));
    let directives: Vec<TextDirective> = raw[at + 3..]
        .split('&')
        .filter_map(|d| d.strip_prefix("text="))
        .filter_map(parse_text_directive)
        .collect();
    if directives.is_empty() {
        // A fragment directive with no text directive we understand: the
        // browser falls back to the element id, so do the same.
        return element.map(|id| Fragment::Anchor {
            id,
            raw: raw[..at].to_owned(),
        });
    }
    Some(Fragment::Text {
        element,
        directives,
        raw: raw.to_owned(),
    })
}

fn parse_text_directive(value: &str) -> Option<TextDirective> {
    let mut parts: Vec<&str> = value.split(',').collect();
    let prefix = match parts.first() {
        Some(p) if p.ends_with('-') && parts.len() > 1 => {
            let p = parts.remove(0);
            Some(decode(&p[..p.len() - 1]))
        }
        _ => None,
    };
    let suffix = match parts.last() {
        Some(s) if s.starts_with('-') && parts.len() > 1 => {
            let s = parts.pop().unwrap_or_default();
            Some(decode(&s[1..]))
        }
        _ => None,
    };
    let (start, end) = match parts.as_slice() {
        [start] => (decode(start), None),
        [start, end] => (decode(start), Some(decode(end))),
        _ => return None,
    };
    if start.is_empty() {
        return None;
    }
    Some(TextDirective {
        prefix,
        start,
        end,
        suffix,
    })
}

/// Percent-decode, keeping the text as written if it does not decode to
/// UTF-8.
fn decode(s: &str) -> String {
    match percent_decode_str(s).decode_utf8() {
        Ok(d) => d.into_owned(),
        Err(_) => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(p: Option<&str>, s: &str, e: Option<&str>, x: Option<&str>) -> TextDirective {
        TextDirective {
            prefix: p.map(Into::into),
            start: s.into(),
            end: e.map(Into::into),
            suffix: x.map(Into::into),
        }
    }

    #[test]
    fn anchors_are_percent_decoded() {
        assert_eq!(
            parse("caf%C3%A9"),
            Some(Fragment::Anchor {
                id: "café".into(),
                raw: "caf%C3%A9".into()
            })
        );
        assert_eq!(
            parse("comment897").map(|f| f.value().to_owned()),
            Some("comment897".into())
        );
        assert_eq!(parse(""), None);
        // Not UTF-8 once decoded: kept as written.
        assert_eq!(
            parse("%FF").map(|f| f.value().to_owned()),
            Some("%FF".into())
        );
    }

    #[test]
    fn text_directives_follow_the_spec() {
        let Some(Fragment::Text {
            element,
            directives,
            ..
        }) = parse(":~:text=an%20example,-suffix&text=pre-,start,end,-post")
        else {
            panic!("not a text fragment");
        };
        assert_eq!(element, None);
        assert_eq!(
            directives,
            [
                directive(None, "an example", None, Some("suffix")),
                directive(Some("pre"), "start", Some("end"), Some("post")),
            ]
        );
        let Some(Fragment::Text { element, .. }) = parse("top:~:text=x") else {
            panic!("not a text fragment");
        };
        assert_eq!(element.as_deref(), Some("top"));
        assert_eq!(parse(":~:text=a,b,c"), None);
        assert_eq!(
            parse("top:~:other=1"),
            Some(Fragment::Anchor {
                id: "top".into(),
                raw: "top".into()
            })
        );
    }
}
