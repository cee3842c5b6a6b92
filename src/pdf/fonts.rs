//! What a font's codes stand for (PDF 32000-1 §9.6–9.10), as text
//! extraction needs it: a `ToUnicode` CMap first ([`super::cmap`]), else
//! a simple font's encoding: its base (Standard, WinAnsi, MacRoman,
//! PDFDoc, as lopdf has them, or an embedded Type 1 program's built-in
//! `/Encoding`), its `/Differences` by glyph name (the Adobe Glyph List
//! as lopdf has it, `uniXXXX`, `uXXXX[XX]`, ligature and suffixed names),
//! and pdfTeX's bitmap Type 3 fonts, whose glyphs are named by their code
//! (`/a16`), read as TeX's T1 (Cork) encoding. Ligatures come out as
//! their letters (`ﬁ` → `fi`).

use super::cmap::ToUnicode;
use super::{entry, resolve, stream_data};
use lopdf::{Dictionary, Document, Object};

/// How one font's codes become text.
pub(super) struct Decoder {
    to_unicode: Option<ToUnicode>,
    /// A simple font's text for each one-byte code.
    simple: Box<[Option<String>; 256]>,
    /// Bytes per code (2 for composite fonts).
    code_len: usize,
}

impl Decoder {
    /// The decoder of a font dictionary.
    pub(super) fn of(document: &Document, font: &Dictionary) -> Self {
        let subtype = font.get(b"Subtype").and_then(Object::as_name).ok();
        let composite = subtype == Some(b"Type0".as_slice());
        let simple = if composite {
            Box::new(std::array::from_fn(|_| None))
        } else {
            simple_encoding(document, font, subtype == Some(b"Type3".as_slice()))
        };
        Self {
            to_unicode: to_unicode(document, font),
            simple,
            code_len: if composite { 2 } else { 1 },
        }
    }

    /// Bytes per code.
    pub(super) fn code_len(&self) -> usize {
        self.code_len
    }

    /// The text of one code (empty when the font does not say).
    pub(super) fn text(&self, code: u32) -> String {
        let mapped = self.to_unicode.as_ref().and_then(|cmap| {
            let text = cmap.get(code, self.code_len)?;
            let useful = !text.is_empty() && !text.chars().all(|c| c == '\u{fffd}' || c == '\0');
            useful.then_some(text)
        });
        let text = match mapped {
            Some(text) => text,
            None if self.code_len == 1 => self
                .simple
                .get(code as usize)
                .and_then(Clone::clone)
                .unwrap_or_default(),
            None => String::new(),
        };
        expand_ligatures(text)
    }
}

/// The `ToUnicode` CMap of a font, when it has one that maps anything.
fn to_unicode(document: &Document, font: &Dictionary) -> Option<ToUnicode> {
    let stream = entry(document, font, b"ToUnicode").and_then(|o| o.as_stream().ok())?;
    let data = stream_data(stream);
    Some(ToUnicode::parse(&data)).filter(|cmap| !cmap.is_empty())
}

/// What lopdf makes of code `code` under the encoding `encoding` (a name,
/// or an encoding dictionary): its standard tables and glyph list,
/// reached through a font dictionary holding only that encoding.
fn lopdf_text(document: &Document, encoding: Object, code: u8) -> Option<String> {
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", encoding);
    let text = font
        .get_font_encoding(document)
        .ok()?
        .bytes_to_string(&[code])
        .ok()?;
    Some(text).filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
}

/// The standard encodings a simple font may name.
const STANDARD_ENCODINGS: [&[u8]; 5] = [
    b"StandardEncoding",
    b"WinAnsiEncoding",
    b"MacRomanEncoding",
    b"MacExpertEncoding",
    b"PDFDocEncoding",
];

/// Every code's text under a standard encoding (`None` for a name that is
/// none), built once per process: every font of every page starts from
/// one of these.
fn standard_table(name: &[u8]) -> Option<Box<[Option<String>; 256]>> {
    static TABLES: std::sync::OnceLock<Vec<[Option<String>; 256]>> = std::sync::OnceLock::new();
    let at = STANDARD_ENCODINGS.iter().position(|n| *n == name)?;
    let tables = TABLES.get_or_init(|| {
        let document = Document::new();
        STANDARD_ENCODINGS
            .iter()
            .map(|name| {
                let encoding = Object::Name(name.to_vec());
                std::array::from_fn(|code| lopdf_text(&document, encoding.clone(), code as u8))
            })
            .collect()
    });
    Some(Box::new(tables[at].clone()))
}

/// A simple font's text per code: its base encoding with its
/// differences.
fn simple_encoding(
    document: &Document,
    font: &Dictionary,
    type3: bool,
) -> Box<[Option<String>; 256]> {
    let encoding = entry(document, font, b"Encoding");
    let (base_name, differences) = match encoding {
        Some(Object::Name(name)) => (Some(name.as_slice()), None),
        Some(Object::Dictionary(dict)) => (
            dict.get(b"BaseEncoding").and_then(Object::as_name).ok(),
            entry(document, dict, b"Differences").and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let base: Box<[Option<String>; 256]> = match base_name.and_then(standard_table) {
        Some(table) => table,
        None => match builtin_encoding(document, font) {
            Some(builtin) => builtin,
            None => standard_table(b"StandardEncoding")
                .unwrap_or_else(|| Box::new(std::array::from_fn(|_| None))),
        },
    };
    let mut table = base;
    let Some(differences) = differences else {
        return table;
    };
    let mut named: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut code = 0usize;
    for item in differences {
        match resolve(document, item) {
            Object::Integer(n) => code = (*n).clamp(0, 255) as usize,
            Object::Name(name) => {
                if code < 256 {
                    named.push((code, name.clone()));
                }
                code += 1;
            }
            _ => {}
        }
    }
    // pdfTeX's bitmap fonts name each glyph by its code: their codes are
    // TeX's T1 encoding.
    let by_code = type3
        && !named.is_empty()
        && named.iter().all(|(_, n)| {
            n == b".notdef"
                || (n.len() > 1 && n[0] == b'a' && n[1..].iter().all(u8::is_ascii_digit))
        });
    for (code, name) in named {
        table[code] = if name == b".notdef" {
            None
        } else if by_code {
            t1_text(code)
        } else {
            glyph_text(document, &name)
        };
    }
    table
}

/// The built-in encoding of an embedded Type 1 program (`/FontFile`):
/// the `dup <code> /<name> put` lines of its clear-text part.
fn builtin_encoding(document: &Document, font: &Dictionary) -> Option<Box<[Option<String>; 256]>> {
    let descriptor = entry(document, font, b"FontDescriptor").and_then(|o| o.as_dict().ok())?;
    let stream = entry(document, descriptor, b"FontFile").and_then(|o| o.as_stream().ok())?;
    let program = stream_data(stream);
    let clear_len = entry(document, &stream.dict, b"Length1")
        .and_then(|o| o.as_i64().ok())
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(program.len())
        .min(program.len());
    let clear = String::from_utf8_lossy(&program[..clear_len]);
    if clear.contains("/Encoding StandardEncoding") {
        return None;
    }
    let mut table: Box<[Option<String>; 256]> = Box::new(std::array::from_fn(|_| None));
    let mut any = false;
    let words: Vec<&str> = clear.split_whitespace().collect();
    for window in words.windows(4) {
        if let ["dup", code, name, "put"] = window {
            let (Ok(code), Some(name)) = (code.parse::<usize>(), name.strip_prefix('/')) else {
                continue;
            };
            if code < 256 {
                table[code] = glyph_text(document, name.as_bytes());
                any = true;
            }
        }
    }
    any.then_some(table)
}

/// The text a glyph name stands for (Adobe Glyph List for New Fonts
/// rules: a suffix after `.` dropped, `_` joining components, `uniXXXX…`
/// and `uXXXX[XX]` read as code points, ligatures as their letters).
pub(super) fn glyph_text(document: &Document, name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    let mut text = String::new();
    for part in base.split('_') {
        text.push_str(&component_text(document, part)?);
    }
    Some(text)
}

fn component_text(document: &Document, part: &str) -> Option<String> {
    if let Some(text) = ligature(part) {
        return Some(text.to_owned());
    }
    if let Some(hex) = part.strip_prefix("uni") {
        if !hex.is_empty() && hex.len() % 4 == 0 {
            let units: Option<Vec<u16>> = hex
                .as_bytes()
                .chunks(4)
                .map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
                .collect();
            if let Some(units) = units {
                return Some(String::from_utf16_lossy(&units));
            }
        }
    }
    if let Some(hex) = part.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    let mut encoding = Dictionary::new();
    encoding.set("Type", Object::Name(b"Encoding".to_vec()));
    let name = Object::Name(part.as_bytes().to_vec());
    encoding.set("Differences", Object::Array(vec![Object::Integer(0), name]));
    lopdf_text(document, Object::Dictionary(encoding), 0)
}

fn ligature(name: &str) -> Option<&'static str> {
    Some(match name {
        "ff" => "ff",
        "fi" => "fi",
        "fl" => "fl",
        "ffi" => "ffi",
        "ffl" => "ffl",
        "dotlessi" => "ı",
        _ => return None,
    })
}

/// Ligature characters as their letters.
fn expand_ligatures(text: String) -> String {
    if !text.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\u{fb00}' => "ff".to_owned(),
            '\u{fb01}' => "fi".to_owned(),
            '\u{fb02}' => "fl".to_owned(),
            '\u{fb03}' => "ffi".to_owned(),
            '\u{fb04}' => "ffl".to_owned(),
            '\u{fb05}' | '\u{fb06}' => "st".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

/// TeX's T1 (Cork) encoding: codes below 32 and from 128 as they differ
/// from ASCII and Latin-1.
fn t1_text(code: usize) -> Option<String> {
    const LOW: [&str; 32] = [
        "`", "´", "ˆ", "˜", "¨", "˝", "˚", "ˇ", "˘", "¯", "˙", "¸", "˛", "‚", "‹", "›", "“", "”",
        "„", "«", "»", "–", "—", "", "", "ı", "ȷ", "ff", "fi", "fl", "ffi", "ffl",
    ];
    const HIGH: [&str; 64] = [
        "Ă", "Ą", "Ć", "Č", "Ď", "Ě", "Ę", "Ğ", "Ĺ", "Ľ", "Ł", "Ń", "Ň", "Ŋ", "Ő", "Ŕ", "Ř", "Ś",
        "Š", "Ş", "Ť", "Ţ", "Ű", "Ů", "Ÿ", "Ź", "Ž", "Ż", "Ĳ", "İ", "đ", "§", "ă", "ą", "ć", "č",
        "ď", "ě", "ę", "ğ", "ĺ", "ľ", "ł", "ń", "ň", "ŋ", "ő", "ŕ", "ř", "ś", "š", "ş", "ť", "ţ",
        "ű", "ů", "ÿ", "ź", "ž", "ż", "ĳ", "¡", "¿", "£",
    ];
    let text = match code {
        0..=31 => LOW[code].to_owned(),
        32 => " ".to_owned(),
        39 => "’".to_owned(),
        96 => "‘".to_owned(),
        127 => "-".to_owned(),
        128..=191 => HIGH[code - 128].to_owned(),
        215 => "Œ".to_owned(),
        223 => "SS".to_owned(),
        247 => "œ".to_owned(),
        255 => "ß".to_owned(),
        _ => char::from_u32(code as u32)?.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    use lopdf::{Stream, dictionary};

    /// Fonts as TeX writes them: a Type 1 font with only its program's
    /// built-in encoding (Computer Modern's OT1 quotes), a bitmap Type 3
    /// font named by code (T1), and a font whose `ToUnicode` overrides
    /// what its `/Encoding` says.
    #[test]
    fn fonts_as_producers_write_them() {
        let mut doc = Document::with_version("1.5");
        let program = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n\
            dup 12 /fi put\ndup 34 /quotedblright put\ndup 92 /quotedblleft put\ndup 97 /a put\n\
            readonly def\ncurrentfile eexec\n"
            .to_vec();
        let length = program.len() as i64;
        let file = doc.add_object(Stream::new(dictionary! { "Length1" => length }, program));
        let descriptor =
            doc.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile" => file });
        let type1 =
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "FontDescriptor" => descriptor };
        let cm = Decoder::of(&doc, &type1);
        let text: String = [92, 12, 97, 34].iter().map(|&c| cm.text(c)).collect();
        assert_eq!(text, "“fia”");
        let type3 = dictionary! {
            "Type" => "Font", "Subtype" => "Type3",
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![16.into(), Object::Name(b"a16".to_vec()), Object::Name(b"a17".to_vec()),
                    Object::Name(b".notdef".to_vec()), 83.into(), Object::Name(b"a83".to_vec())],
            },
        };
        let ec = Decoder::of(&doc, &type3);
        assert_eq!(
            [16, 83, 17].iter().map(|&c| ec.text(c)).collect::<String>(),
            "“S”"
        );
        let cmap = doc.add_object(Stream::new(
            dictionary! {},
            b"1 beginbfchar <41> <00660069> endbfchar".to_vec(),
        ));
        let mapped = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "Encoding" => "WinAnsiEncoding", "ToUnicode" => cmap,
        };
        let mapped = Decoder::of(&doc, &mapped);
        assert_eq!(mapped.text(0x41), "fi", "ToUnicode first");
        assert_eq!(mapped.text(0x93), "“", "WinAnsi for what it does not map");
    }

    #[test]
    fn glyph_names() {
        let document = Document::new();
        let text = |n: &str| glyph_text(&document, n.as_bytes());
        assert_eq!(text("quotedblleft").as_deref(), Some("“"));
        assert_eq!(text("uni201C").as_deref(), Some("“"));
        assert_eq!(text("uni00660069").as_deref(), Some("fi"));
        assert_eq!(text("u1F600").as_deref(), Some("😀"));
        assert_eq!(text("fi").as_deref(), Some("fi"));
        assert_eq!(text("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(text("a.sc").as_deref(), Some("a"));
        assert_eq!(text("a83"), None);
        assert_eq!(expand_ligatures("o\u{fb03}ce".into()), "office");
        assert_eq!(t1_text(16).as_deref(), Some("“"));
        assert_eq!(t1_text(17).as_deref(), Some("”"));
        assert_eq!(t1_text(28).as_deref(), Some("fi"));
        assert_eq!(t1_text(83).as_deref(), Some("S"));
        assert_eq!(t1_text(252).as_deref(), Some("ü"));
        assert_eq!(t1_text(255).as_deref(), Some("ß"));
        assert_eq!(t1_text(23), None);
    }
}
