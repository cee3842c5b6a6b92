//! XML text as citecheck's XML readers need it (Word, OpenDocument,
//! sitemaps, feeds): entity references and attribute values. Pure.

/// The character an entity reference stands for (`amp`, `#x2019`).
pub(crate) fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// An attribute's value, unescaped (`None` when the tag lacks it).
pub(crate) fn attribute(tag: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    tag.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| unescape(&a.value))
}

/// Text with its entity references replaced.
pub(crate) fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after
            .find(';')
            .and_then(|end| Some((entity(&after[..end])?, end)))
        {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_replaced_and_bogus_ones_kept() {
        assert_eq!(unescape("a&amp;b&#x2019;&#39;&bogus"), "a&b’'&bogus");
        assert_eq!(entity("#x41"), Some('A'));
        assert_eq!(entity("nbsp"), None);
    }
}
