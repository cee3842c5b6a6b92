//! `ToUnicode` CMaps (PDF 32000-1 §9.10.3), pure: `bfchar` entries and
//! `bfrange`s (a start string whose last unit counts up, or an array of
//! strings), for codes of one to four bytes. Written here because lopdf
//! keeps its parser private and the small crates that offer one panic on
//! malformed input; anything this reader does not understand is skipped.

use std::collections::HashMap;

/// A parsed `ToUnicode` CMap.
#[derive(Debug, Default)]
pub(super) struct ToUnicode {
    chars: HashMap<(usize, u32), String>,
    ranges: Vec<Range>,
}

#[derive(Debug)]
struct Range {
    len: usize,
    low: u32,
    high: u32,
    target: Target,
}

#[derive(Debug)]
enum Target {
    /// UTF-16 units of the range's first code; the last one counts up.
    Start(Vec<u16>),
    /// The text of each code in turn.
    Each(Vec<String>),
}

#[derive(Debug, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(String),
}

/// The tokens of a CMap that matter here: hex strings, array brackets
/// and the keywords between them (names, numbers, dictionaries and
/// literal strings come out as words or are skipped).
fn tokens(data: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(data.len(), |p| i + p);
                let digits: Vec<u8> = data[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes = digits
                    .chunks(2)
                    .map(|pair| {
                        let hex = std::str::from_utf8(pair).unwrap_or("0");
                        // An odd last digit is followed by 0 (§7.3.4.3).
                        let hex = if hex.len() == 1 {
                            format!("{hex}0")
                        } else {
                            hex.to_owned()
                        };
                        u8::from_str_radix(&hex, 16).unwrap_or(0)
                    })
                    .collect();
                out.push(Token::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                out.push(Token::Open);
                i += 1;
            }
            b']' => {
                out.push(Token::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings are not used for mappings here.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !b"<>[]()%/".contains(&data[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                out.push(Token::Word(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
        }
    }
    out
}

fn code_of(bytes: &[u8]) -> Option<(usize, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.len(),
        bytes.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)),
    ))
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => u16::from(*hi) << 8 | u16::from(*lo),
            [one] => u16::from(*one),
            _ => 0,
        })
        .collect()
}

impl ToUnicode {
    /// Read a CMap's mappings; what cannot be read is left out.
    pub(super) fn parse(data: &[u8]) -> Self {
        let tokens = tokens(data);
        let mut cmap = Self::default();
        let mut i = 0;
        let mut section = "";
        while i < tokens.len() {
            match &tokens[i] {
                Token::Word(word) if word.starts_with("begin") || word.starts_with("end") => {
                    section = if word == "beginbfchar" || word == "beginbfrange" {
                        if word == "beginbfchar" {
                            "char"
                        } else {
                            "range"
                        }
                    } else {
                        ""
                    };
                    i += 1;
                }
                Token::Hex(source) if section == "char" => {
                    if let (Some(code), Some(Token::Hex(target))) =
                        (code_of(source), tokens.get(i + 1))
                    {
                        cmap.chars
                            .insert(code, String::from_utf16_lossy(&utf16(target)));
                    }
                    i += 2;
                }
                Token::Hex(low) if section == "range" => {
                    let (Some((len, low)), Some(Token::Hex(high))) =
                        (code_of(low), tokens.get(i + 1))
                    else {
                        i += 1;
                        continue;
                    };
                    let Some((_, high)) = code_of(high) else {
                        i += 2;
                        continue;
                    };
                    match tokens.get(i + 2) {
                        Some(Token::Hex(start)) if high >= low => {
                            cmap.ranges.push(Range {
                                len,
                                low,
                                high,
                                target: Target::Start(utf16(start)),
                            });
                            i += 3;
                        }
                        Some(Token::Open) => {
                            let mut each = Vec::new();
                            let mut j = i + 3;
                            while let Some(Token::Hex(text)) = tokens.get(j) {
                                each.push(String::from_utf16_lossy(&utf16(text)));
                                j += 1;
                            }
                            if high >= low {
                                cmap.ranges.push(Range {
                                    len,
                                    low,
                                    high,
                                    target: Target::Each(each),
                                });
                            }
                            i = j + 1;
                        }
                        _ => i += 3,
                    }
                }
                _ => i += 1,
            }
        }
        cmap
    }

    /// The text of a code of `len` bytes, when the CMap maps it.
    pub(super) fn get(&self, code: u32, len: usize) -> Option<String> {
        if let Some(text) = self.chars.get(&(len, code)) {
            return Some(text.clone());
        }
        let range = self
            .ranges
            .iter()
            .rev()
            .find(|r| r.len == len && (r.low..=r.high).contains(&code))?;
        let offset = code - range.low;
        match &range.target {
            Target::Start(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(u16::try_from(offset).ok()?);
                Some(String::from_utf16_lossy(&units))
            }
            Target::Each(texts) => texts.get(offset as usize).cloned(),
        }
    }

    /// Whether it maps anything.
    pub(super) fn is_empty(&self) -> bool {
        self.chars.is_empty() && self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_ranges_and_arrays() {
        let cmap = ToUnicode::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              /CMapName /Adobe-Identity-UCS def % a comment <00>\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar\n\
              2 beginbfrange <0024> <0026> <0041> <0030> <0032> [<201C> <201D> <D83DDE00>]\n\
              endbfrange\n1 beginbfrange <41> <42> <0061> endbfrange\n\
              endcmap CMapName currentdict /CMap defineresource pop end end",
        );
        assert_eq!(cmap.get(0x03, 2).as_deref(), Some(" "));
        assert_eq!(cmap.get(0x11, 2).as_deref(), Some("fi"));
        assert_eq!(cmap.get(0x25, 2).as_deref(), Some("B"));
        assert_eq!(cmap.get(0x30, 2).as_deref(), Some("“"));
        assert_eq!(cmap.get(0x32, 2).as_deref(), Some("😀"));
        assert_eq!(cmap.get(0x42, 1).as_deref(), Some("b"));
        assert_eq!(cmap.get(0x42, 2), None);
        assert_eq!(cmap.get(0x99, 2), None);
        // Nonsense never panics and maps nothing.
        for bad in [
            &b"beginbfrange <01> [ <02"[..],
            b"<<>>",
            b"beginbfchar <",
            b"(((",
            b"",
        ] {
            assert!(ToUnicode::parse(bad).get(1, 1).is_none());
        }
    }
}
