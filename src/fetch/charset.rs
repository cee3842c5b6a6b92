//! Decoding a page's bytes to text: the charset in `Content-Type`, then a
//! BOM, then `<meta charset>` or `<meta http-equiv>` in the first bytes,
//! then UTF-8 with a windows-1252 fallback.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Decode `bytes` with the best charset evidence available.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()));
    if let Some((bom, len)) = Encoding::for_bom(bytes) {
        return bom
            .decode_without_bom_handling(&bytes[len..])
            .0
            .into_owned();
    }
    let encoding = declared.or_else(|| sniff_meta(&bytes[..bytes.len().min(2048)]));
    match encoding {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        },
    }
}

/// The `charset=` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
    })
}

/// A charset named by a `<meta>` tag in the first bytes of a page.
fn sniff_meta(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + at;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset=") {
            let value: Vec<u8> = tag[c + 8..]
                .iter()
                .copied()
                .skip_while(|b| *b == b'"' || *b == b'\'' || b.is_ascii_whitespace())
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                .collect();
            if let Some(enc) = Encoding::for_label(&value) {
                // A page that says UTF-16 in ASCII bytes is not UTF-16.
                return Some(if enc.name().starts_with("UTF-16") {
                    UTF_8
                } else {
                    enc
                });
            }
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_bom_then_meta_then_utf8() {
        assert_eq!(
            decode(b"caf\xe9", Some("text/html; charset=ISO-8859-1")),
            "café"
        );
        assert_eq!(
            decode(
                b"\xef\xbb\xbfcaf\xc3\xa9",
                Some("text/html; charset=latin1")
            ),
            "café"
        );
        assert_eq!(
            decode(b"<meta charset=\"windows-1252\">\x93q\x94", None),
            "<meta charset=\"windows-1252\">“q”"
        );
        assert_eq!(
            decode(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">caf\xe9", None),
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">café"
        );
        assert_eq!(decode("café".as_bytes(), None), "café");
        assert_eq!(decode(b"caf\xe9", None), "café");
    }
}
