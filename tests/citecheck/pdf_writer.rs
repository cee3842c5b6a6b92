//! A small PDF writer for the tests (lopdf underneath): lines of text in
//! Helvetica (WinAnsi, no `/Widths`, as many producers write the standard
//! fonts), 12 pt on 14 pt leading from (72, 760), and link annotations
//! whose rectangles are computed from the same Helvetica widths the reader
//! falls back on. The fixtures in `fixtures/pdf/` are written by it
//! (`UPDATE_FIXTURES=1`).

use citecheck::pdf::helvetica_width;
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

const LEFT: f32 = 72.0;
const TOP: f32 = 760.0;
const LEADING: f32 = 14.0;
const SIZE: f32 = 12.0;

/// A link annotation over words of the memo.
#[derive(Debug, Clone)]
pub struct Annot {
    /// 0-based page.
    pub page: usize,
    /// 0-based line on the page.
    pub line: usize,
    /// The words it covers: a substring of the line.
    pub words: String,
    /// Where it goes.
    pub uri: String,
    /// More words on a later line of the same page, covered by the same
    /// annotation as a second box (`/QuadPoints`).
    pub and: Option<(usize, String)>,
}

impl Annot {
    pub fn new(page: usize, line: usize, words: &str, uri: &str) -> Self {
        Self {
            page,
            line,
            words: words.to_owned(),
            uri: uri.to_owned(),
            and: None,
        }
    }
}

/// A document to write.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Lines of every page.
    pub pages: Vec<Vec<String>>,
    pub annots: Vec<Annot>,
    /// Annotations written inside the page's `/Annots` array rather than
    /// as objects of their own.
    pub inline: bool,
    /// A user password: the document is encrypted (RC4, 128 bits).
    pub password: Option<String>,
    /// The document information's `/CreationDate` (`D:20150301120000Z`).
    pub created: Option<String>,
}

impl Doc {
    /// Lines split into pages of `per_page`.
    pub fn from_text(text: &str, per_page: usize) -> Self {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        Self {
            pages: lines.chunks(per_page).map(<[String]>::to_vec).collect(),
            ..Self::default()
        }
    }
}

fn winansi(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "not in WinAnsi: {text}");
    bytes.into_owned()
}

fn width(text: &str) -> f32 {
    winansi(text)
        .iter()
        .map(|&b| helvetica_width(u32::from(b)))
        .sum::<f32>()
        * SIZE
        / 1000.0
}

/// The box of `words` on `line` of `lines`.
fn word_box(lines: &[String], line: usize, words: &str) -> [f32; 4] {
    let text = &lines[line];
    let at = text
        .find(words)
        .unwrap_or_else(|| panic!("{words:?} is not on line {line}: {text:?}"));
    let x0 = LEFT + width(&text[..at]);
    let x1 = x0 + width(words);
    let y = TOP - LEADING * line as f32;
    [x0 - 0.5, y - 3.0, x1 + 0.5, y + 10.0]
}

fn reals(values: &[f32]) -> Object {
    Object::Array(values.iter().map(|&v| Object::Real(v)).collect())
}

fn annotation(doc: &Doc, annot: &Annot) -> Dictionary {
    let lines = &doc.pages[annot.page];
    let first = word_box(lines, annot.line, &annot.words);
    let mut boxes = vec![first];
    if let Some((line, words)) = &annot.and {
        boxes.push(word_box(lines, *line, words));
    }
    let rect = [
        boxes.iter().map(|b| b[0]).fold(f32::INFINITY, f32::min),
        boxes.iter().map(|b| b[1]).fold(f32::INFINITY, f32::min),
        boxes.iter().map(|b| b[2]).fold(f32::NEG_INFINITY, f32::max),
        boxes.iter().map(|b| b[3]).fold(f32::NEG_INFINITY, f32::max),
    ];
    let mut dict = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Link",
        "Rect" => reals(&rect),
        "Border" => vec![0.into(), 0.into(), 0.into()],
        "A" => dictionary! {
            "S" => "URI",
            "URI" => Object::string_literal(annot.uri.as_str()),
        },
    };
    if boxes.len() > 1 {
        let quads: Vec<f32> = boxes
            .iter()
            .flat_map(|b| [b[0], b[3], b[2], b[3], b[0], b[1], b[2], b[1]])
            .collect();
        dict.set("QuadPoints", reals(&quads));
    }
    dict
}

/// Write the document.
/// The operations that draw one line. Plain lines are one `Tj`; a line
/// starting with `~ ` is a footnote, set at 8 pt; `^{…}` is a superscript
/// (7 pt, raised 4 pt), as word processors set note references.
fn line_operations(line: &str) -> Vec<Operation> {
    let show = |text: &str| {
        Operation::new(
            "Tj",
            vec![Object::String(winansi(text), lopdf::StringFormat::Literal)],
        )
    };
    let font = |size: f32| Operation::new("Tf", vec!["F1".into(), size.into()]);
    let (line, size) = match line.strip_prefix("~ ") {
        Some(note) => (note, 8.0),
        None => (line, SIZE),
    };
    if size == SIZE && !line.contains("^{") {
        return vec![show(line)];
    }
    let mut ops = vec![font(size)];
    let mut rest = line;
    while let Some(at) = rest.find("^{") {
        let end = rest[at..].find('}').map_or(rest.len(), |e| at + e);
        ops.push(show(&rest[..at]));
        ops.extend([
            font(7.0),
            Operation::new("Ts", vec![4.0.into()]),
            show(&rest[at + 2..end]),
            Operation::new("Ts", vec![0.into()]),
            font(size),
        ]);
        rest = &rest[(end + 1).min(rest.len())..];
    }
    ops.push(show(rest));
    if size != SIZE {
        ops.push(font(SIZE));
    }
    ops
}

pub fn write(spec: &Doc) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for (p, lines) in spec.pages.iter().enumerate() {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), SIZE.into()]),
            Operation::new("TL", vec![LEADING.into()]),
            Operation::new("Td", vec![LEFT.into(), TOP.into()]),
        ];
        for line in lines {
            operations.extend(line_operations(line));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(
            dictionary! {},
            content.encode().expect("content encodes"),
        ));
        let annots: Vec<Object> = spec
            .annots
            .iter()
            .filter(|a| a.page == p)
            .map(|a| {
                let dict = annotation(spec, a);
                if spec.inline {
                    Object::Dictionary(dict)
                } else {
                    doc.add_object(dict).into()
                }
            })
            .collect();
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        };
        if !annots.is_empty() {
            page.set("Annots", Object::Array(annots));
        }
        kids.push(doc.add_object(page).into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    if let Some(created) = &spec.created {
        let info = doc.add_object(dictionary! {
            "CreationDate" => Object::string_literal(created.as_str()),
        });
        doc.trailer.set("Info", info);
    }
    if let Some(password) = &spec.password {
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal("citecheck-fixture"),
                Object::string_literal("citecheck-fixture"),
            ],
        );
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: password,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .expect("encryption state");
        doc.encrypt(&state).expect("the document encrypts");
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("the PDF is written");
    bytes
}
