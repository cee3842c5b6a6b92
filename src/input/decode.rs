//! Memo bytes → text: UTF-8, UTF-16 with a BOM, else windows-1252.

use crate::model::{Problem, Severity};

/// Decode memo bytes: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else
/// windows-1252 with a warning. Binary content is refused.
pub fn decode(bytes: &[u8]) -> Result<(String, Vec<Problem>), String> {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(Problem::new(
                Severity::Warning,
                format!(
                    "text is not valid {}; undecodable bytes were replaced",
                    encoding.name()
                ),
            ));
        }
        return Ok((text.into_owned(), warnings));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary file (it contains NUL bytes), not a memo".to_owned());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(Problem::new(
                Severity::Warning,
                format!(
                    "text is not valid UTF-8 (first bad byte at offset {}); decoded as windows-1252",
                    e.valid_up_to()
                ),
            ));
            text.into_owned()
        }
    };
    if text.trim().is_empty() {
        warnings.push(Problem::new(Severity::Warning, "memo is empty"));
    }
    Ok((text, warnings))
}
