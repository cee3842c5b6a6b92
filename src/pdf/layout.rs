//! Where a PDF page's text stands: the page's content stream run through
//! the text operators (PDF 32000-1 §9.4) with the graphics state's matrix,
//! each glyph placed with its font's widths, then glyphs gathered into
//! lines (top to bottom, by baseline) and words (left to right, split at
//! spaces and at gaps wider than a fifth of the font size).
//!
//! Form XObjects (`Do`) are run with their matrix and resources, up to a
//! depth of 8; a Type 3 font's widths go through its `/FontMatrix`. Fonts
//! without `/Widths` (the standard 14) get Helvetica's or Courier's
//! widths, which is close enough to tell which words a link rectangle
//! covers.

use super::{entry, resolve, stream_data};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

/// An axis-aligned rectangle in the page's default user space (points,
/// origin bottom left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f32,
    /// Bottom.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Top.
    pub y1: f32,
}

impl Rect {
    /// From two corners in any order.
    pub fn new(ax: f32, ay: f32, bx: f32, by: f32) -> Self {
        Self {
            x0: ax.min(bx),
            y0: ay.min(by),
            x1: ax.max(bx),
            y1: ay.max(by),
        }
    }

    fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    /// Whether most of `word` lies under this rectangle: half its width
    /// and a third of its height.
    pub fn covers(&self, word: &Rect) -> bool {
        let across = (self.x1.min(word.x1) - self.x0.max(word.x0)).max(0.0);
        let up = (self.y1.min(word.y1) - self.y0.max(word.y0)).max(0.0);
        across >= 0.5 * word.width().max(0.1) && up >= 0.33 * word.height().max(0.1)
    }
}

/// A word of a line: its bytes in the line's text and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Byte range in [`Line::text`].
    pub range: std::ops::Range<usize>,
    /// Where it stands.
    pub rect: Rect,
    /// Set smaller and above the line's baseline: a superscript, such as
    /// a note reference.
    pub raised: bool,
}

/// A line of text as it reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// The line's text, words separated by single spaces.
    pub text: String,
    /// Its words, left to right.
    pub words: Vec<Word>,
    /// The size of its largest glyphs (a footnote's lines are smaller
    /// than the body's).
    pub size: f32,
}

/// One glyph as drawn.
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    x: f32,
    y: f32,
    width: f32,
    size: f32,
}

/// A 2-D affine matrix `[a b c d e f]`.
#[derive(Debug, Clone, Copy)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Self = Self([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply `self`, then `other`).
    fn then(&self, other: &Self) -> Self {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Self([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(x: f32, y: f32) -> Self {
        Self([1.0, 0.0, 0.0, 1.0, x, y])
    }

    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// How much the matrix stretches lengths along x and y.
    fn scales(&self) -> (f32, f32) {
        let [a, b, c, d, _, _] = self.0;
        ((a * a + b * b).sqrt(), (c * c + d * d).sqrt())
    }
}

/// A font as the layout needs it: how to decode codes, and their widths.
struct Font {
    decoder: super::fonts::Decoder,
    /// Bytes per code: 2 for composite (Type0) fonts.
    code_len: usize,
    widths: BTreeMap<u32, f32>,
    default_width: f32,
    /// Width by code when the font lists none (the standard 14).
    fallback: fn(u32) -> f32,
}

impl Font {
    fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or_else(|| match self.default_width {
                w if w > 0.0 => w,
                _ => (self.fallback)(code),
            })
    }

    fn decode(&self, code: u32) -> String {
        self.decoder.text(code)
    }
}

/// Widths of Helvetica's printable ASCII characters (from its AFM), in
/// thousandths of the font size.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica's width of a one-byte code (556 outside printable ASCII).
pub fn helvetica_width(code: u32) -> f32 {
    code.checked_sub(32)
        .and_then(|i| HELVETICA.get(i as usize))
        .map_or(556.0, |&w| f32::from(w))
}

fn courier_width(_: u32) -> f32 {
    600.0
}

fn number(object: &Object) -> Option<f32> {
    object.as_float().ok().filter(|v| v.is_finite())
}

fn load_font(document: &Document, dict: &Dictionary) -> Font {
    let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
    let base = dict
        .get(b"BaseFont")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
        .unwrap_or_default();
    let fallback: fn(u32) -> f32 = if base.contains("courier") || base.contains("mono") {
        courier_width
    } else {
        helvetica_width
    };
    let decoder = super::fonts::Decoder::of(document, dict);
    let mut font = Font {
        code_len: decoder.code_len(),
        decoder,
        widths: BTreeMap::new(),
        default_width: 0.0,
        fallback,
    };
    if subtype == Some(b"Type0".as_slice()) {
        font.code_len = 2;
        font.default_width = 1000.0;
        let descendant = entry(document, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| resolve(document, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(descendant) = descendant {
            if let Some(dw) = descendant.get(b"DW").ok().and_then(number) {
                font.default_width = dw;
            }
            if let Ok(w) = descendant
                .get(b"W")
                .map(|o| resolve(document, o))
                .and_then(Object::as_array)
            {
                read_cid_widths(document, w, &mut font.widths);
            }
        }
        return font;
    }
    let first = dict
        .get(b"FirstChar")
        .ok()
        .and_then(number)
        .unwrap_or(0.0)
        .max(0.0) as u32;
    if let Ok(widths) = dict
        .get(b"Widths")
        .map(|o| resolve(document, o))
        .and_then(Object::as_array)
    {
        // A Type 3 font's widths are in its glyph space (`/FontMatrix`),
        // every other's in thousandths of the font size.
        let scale = match subtype {
            Some(b"Type3") => entry(document, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|m| m.first())
                .and_then(number)
                .filter(|a| *a != 0.0)
                .map_or(1.0, |a| a.abs() * 1000.0),
            _ => 1.0,
        };
        for (i, w) in widths.iter().enumerate() {
            if let Some(w) = number(resolve(document, w)) {
                font.widths.insert(first + i as u32, w * scale);
            }
        }
    }
    font
}

/// A CID font's `/W` array: `c [w1 w2 …]` or `c_first c_last w`.
fn read_cid_widths(document: &Document, w: &[Object], out: &mut BTreeMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let Some(start) = number(resolve(document, &w[i])) else {
            return;
        };
        let start = start.max(0.0) as u32;
        match w.get(i + 1).map(|o| resolve(document, o)) {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().enumerate().take(65_536) {
                    if let Some(width) = number(width) {
                        out.insert(start + k as u32, width);
                    }
                }
                i += 2;
            }
            Some(end) => {
                let (Some(end), Some(width)) = (
                    number(end),
                    w.get(i + 2).and_then(|o| number(resolve(document, o))),
                ) else {
                    return;
                };
                let end = (end.max(0.0) as u32).min(start.saturating_add(65_536));
                for code in start..=end {
                    out.insert(code, width);
                }
                i += 3;
            }
            None => return,
        }
    }
}

/// The text state of PDF 32000-1 §9.3.
#[derive(Clone, Copy)]
struct TextState {
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    size: f32,
    rise: f32,
}

/// The lines of text of one page, top to bottom.
pub(super) fn page_lines(document: &Document, page: ObjectId) -> Result<Vec<Line>, String> {
    let content = document
        .get_page_content(page)
        .map_err(|e| format!("cannot read the page's content: {e}"))?;
    let operations = lopdf::content::Content::decode(&content)
        .map_err(|e| format!("cannot parse the page's content: {e}"))?
        .operations;
    let dicts = page_resources(document, page);
    let mut fonts: BTreeMap<Vec<u8>, Font> = BTreeMap::new();
    for dict in &dicts {
        for (name, font) in fonts_in(document, dict) {
            fonts.entry(name).or_insert(font);
        }
    }
    let forms = forms_of(document, &dicts);
    let mut painter = Painter::new(document, &fonts, &forms, 0);
    painter.run(&operations)?;
    Ok(lines(painter.glyphs))
}

/// The resource dictionaries a page draws with: its own, then those it
/// inherits from the page tree (inline or by reference: lopdf's own
/// lookup misses inline ones in a parent, as groff writes them).
fn page_resources(document: &Document, page: ObjectId) -> Vec<&Dictionary> {
    let mut dicts = Vec::new();
    let mut node = document.get_dictionary(page).ok();
    let mut seen = std::collections::HashSet::new();
    while let Some(dict) = node {
        if let Some(resources) = entry(document, dict, b"Resources").and_then(|o| o.as_dict().ok())
        {
            dicts.push(resources);
        }
        node = match dict.get(b"Parent").and_then(Object::as_reference) {
            Ok(parent) if seen.insert(parent) => document.get_dictionary(parent).ok(),
            _ => None,
        };
    }
    dicts
}

/// The fonts a resource dictionary names, loaded.
fn fonts_in(document: &Document, resources: &Dictionary) -> BTreeMap<Vec<u8>, Font> {
    let Some(fonts) = entry(document, resources, b"Font").and_then(|o| o.as_dict().ok()) else {
        return BTreeMap::new();
    };
    fonts
        .iter()
        .filter_map(|(name, font)| {
            let dict = resolve(document, font).as_dict().ok()?;
            Some((name.clone(), load_font(document, dict)))
        })
        .collect()
}

/// The Form XObjects named in resource dictionaries (the first naming
/// wins, as the page's own resources come before inherited ones).
fn forms_of<'d>(
    document: &'d Document,
    dicts: &[&'d Dictionary],
) -> BTreeMap<Vec<u8>, &'d lopdf::Stream> {
    let mut forms = BTreeMap::new();
    for dict in dicts {
        let Ok(xobjects) = dict
            .get(b"XObject")
            .map(|o| resolve(document, o))
            .and_then(Object::as_dict)
        else {
            continue;
        };
        for (name, object) in xobjects {
            let Ok(stream) = resolve(document, object).as_stream() else {
                continue;
            };
            let form = stream.dict.get(b"Subtype").and_then(Object::as_name).ok()
                == Some(b"Form".as_slice());
            if form {
                forms.entry(name.clone()).or_insert(stream);
            }
        }
    }
    forms
}

/// How deep Form XObjects are followed inside each other.
const MAX_FORM_DEPTH: usize = 8;

/// Most glyphs read from one page: a hostile page cannot exhaust memory.
const MAX_GLYPHS: usize = 2_000_000;

/// The graphics and text state while a content stream runs, and the
/// glyphs it has drawn.
struct Painter<'f> {
    document: &'f Document,
    fonts: &'f BTreeMap<Vec<u8>, Font>,
    forms: &'f BTreeMap<Vec<u8>, &'f lopdf::Stream>,
    /// How many forms this content stream is inside.
    depth: usize,
    glyphs: Vec<Glyph>,
    ctm: Matrix,
    /// Saved by `q`, restored by `Q`.
    stack: Vec<(Matrix, TextState, Option<Vec<u8>>)>,
    state: TextState,
    font_name: Option<Vec<u8>>,
    tm: Matrix,
    tlm: Matrix,
}

impl<'f> Painter<'f> {
    fn new(
        document: &'f Document,
        fonts: &'f BTreeMap<Vec<u8>, Font>,
        forms: &'f BTreeMap<Vec<u8>, &'f lopdf::Stream>,
        depth: usize,
    ) -> Self {
        Self {
            document,
            fonts,
            forms,
            depth,
            glyphs: Vec::new(),
            ctm: Matrix::IDENTITY,
            stack: Vec::new(),
            state: TextState {
                char_spacing: 0.0,
                word_spacing: 0.0,
                scale: 1.0,
                leading: 0.0,
                size: 0.0,
                rise: 0.0,
            },
            font_name: None,
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
        }
    }

    /// Run a content stream's operators.
    fn run(&mut self, operations: &[lopdf::content::Operation]) -> Result<(), String> {
        for op in operations {
            self.apply(op);
            if self.glyphs.len() > MAX_GLYPHS {
                return Err("the page draws more than two million glyphs".to_owned());
            }
        }
        Ok(())
    }

    /// `Do`: a Form XObject's content, with its matrix after the current
    /// one, its own fonts and forms (else those it is drawn with).
    fn draw_form(&mut self, name: &[u8]) {
        let Some(stream) = self.forms.get(name).copied() else {
            return;
        };
        if self.depth >= MAX_FORM_DEPTH {
            return;
        }
        let document = self.document;
        let matrix = entry(document, &stream.dict, b"Matrix")
            .and_then(|o| o.as_array().ok())
            .filter(|m| m.len() == 6)
            .map_or(Matrix::IDENTITY, |m| {
                let n = |i: usize| number(&m[i]).unwrap_or(0.0);
                Matrix([n(0), n(1), n(2), n(3), n(4), n(5)])
            });
        let Ok(decoded) = lopdf::content::Content::decode(&stream_data(stream)) else {
            return;
        };
        let resources = entry(document, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok());
        let own_fonts = resources
            .filter(|r| r.has(b"Font"))
            .map(|r| fonts_in(document, r));
        let own_forms = resources.map(|r| forms_of(document, &[r]));
        let fonts = own_fonts.as_ref().unwrap_or(self.fonts);
        let forms = own_forms.as_ref().unwrap_or(self.forms);
        let mut form = Painter::new(document, fonts, forms, self.depth + 1);
        form.ctm = matrix.then(&self.ctm);
        // A form's glyphs count against the page's limit too.
        let _ = form.run(&decoded.operations);
        let room = MAX_GLYPHS.saturating_sub(self.glyphs.len()) + 1;
        self.glyphs.extend(form.glyphs.into_iter().take(room));
    }

    /// Run one operator.
    fn apply(&mut self, op: &lopdf::content::Operation) {
        let n = |i: usize| op.operands.get(i).and_then(number).unwrap_or(0.0);
        let state = &mut self.state;
        match op.operator.as_str() {
            "q" if self.stack.len() < 256 => {
                self.stack.push((self.ctm, *state, self.font_name.clone()));
            }
            "Q" => {
                if let Some((m, s, f)) = self.stack.pop() {
                    self.ctm = m;
                    self.state = s;
                    self.font_name = f;
                }
            }
            "cm" => self.ctm = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]).then(&self.ctm),
            "BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            "Tf" => {
                self.font_name = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec);
                state.size = n(1);
            }
            "Tc" => state.char_spacing = n(0),
            "Tw" => state.word_spacing = n(0),
            "Tz" => state.scale = n(0) / 100.0,
            "TL" => state.leading = n(0),
            "Ts" => state.rise = n(0),
            "Td" => self.move_line(n(0), n(1)),
            "TD" => {
                state.leading = -n(1);
                self.move_line(n(0), n(1));
            }
            "Tm" => {
                self.tlm = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                self.tm = self.tlm;
            }
            "T*" => self.next_line(),
            "'" => {
                self.next_line();
                self.show_operands(&op.operands);
            }
            "\"" => {
                state.word_spacing = n(0);
                state.char_spacing = n(1);
                self.next_line();
                self.show_operands(&op.operands);
            }
            "Tj" | "TJ" => self.show_operands(&op.operands),
            "Do" => {
                if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                    self.draw_form(name);
                }
            }
            _ => {}
        }
    }

    /// `Td`: a new line at an offset from the start of the current one.
    fn move_line(&mut self, tx: f32, ty: f32) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    /// `T*`: the next line, one leading down.
    fn next_line(&mut self) {
        self.move_line(0.0, -self.state.leading);
    }

    /// Draw the strings among a text operator's operands (`TJ` arrays with
    /// their kerning adjustments).
    fn show_operands(&mut self, operands: &[Object]) {
        let Some(font) = self.font_name.as_ref().and_then(|f| self.fonts.get(f)) else {
            return;
        };
        for operand in operands {
            let items = match operand {
                Object::Array(items) => items.as_slice(),
                other => std::slice::from_ref(other),
            };
            for item in items {
                match item {
                    Object::String(bytes, _) => {
                        show(
                            bytes,
                            font,
                            &self.state,
                            &mut self.tm,
                            &self.ctm,
                            &mut self.glyphs,
                        );
                    }
                    other if matches!(operand, Object::Array(_)) => {
                        if let Some(adjust) = number(other) {
                            let tx = -adjust / 1000.0 * self.state.size * self.state.scale;
                            self.tm = Matrix::translate(tx, 0.0).then(&self.tm);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Draw a string: one glyph per code, advancing the text matrix.
fn show(
    bytes: &[u8],
    font: &Font,
    state: &TextState,
    tm: &mut Matrix,
    ctm: &Matrix,
    glyphs: &mut Vec<Glyph>,
) {
    for code in bytes.chunks(font.code_len) {
        let value = code.iter().fold(0u32, |v, &b| v << 8 | u32::from(b));
        let w0 = font.width(value) / 1000.0;
        let space = code.len() == 1 && value == 32;
        let tx =
            (w0 * state.size + state.char_spacing + if space { state.word_spacing } else { 0.0 })
                * state.scale;
        let to_device = tm.then(ctm);
        let (x, y) = to_device.apply(0.0, state.rise);
        let (sx, sy) = to_device.scales();
        let text = font.decode(value);
        if !text.is_empty() {
            glyphs.push(Glyph {
                text,
                x,
                y,
                width: w0 * state.size * state.scale * sx,
                size: (state.size * sy).abs().max(0.1),
            });
        }
        *tm = Matrix::translate(tx, 0.0).then(tm);
    }
}

/// Gather glyphs into lines (by baseline, top first) and words.
fn lines(mut glyphs: Vec<Glyph>) -> Vec<Line> {
    glyphs.retain(|g| g.x.is_finite() && g.y.is_finite());
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for glyph in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - glyph.y).abs() < 0.4 * row[0].size.max(glyph.size) => {
                row.push(glyph);
            }
            _ => rows.push(vec![glyph]),
        }
    }
    rows.into_iter()
        .filter_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            let line = line_of(&row);
            (!line.words.is_empty()).then_some(line)
        })
        .collect()
}

fn line_of(row: &[Glyph]) -> Line {
    let size = row.iter().map(|g| g.size).fold(0.0f32, f32::max);
    let baseline = row
        .iter()
        .find(|g| g.size >= 0.9 * size)
        .map_or(0.0, |g| g.y);
    // A superscript: smaller, and raised a fifth of the line's size.
    let raised = |g: &Glyph| g.size <= 0.85 * size && g.y >= baseline + 0.15 * size;
    let mut line = Line {
        size,
        ..Line::default()
    };
    let mut word: Option<(usize, Rect, bool)> = None;
    let mut end_x = f32::NEG_INFINITY;
    let close = |line: &mut Line, word: &mut Option<(usize, Rect, bool)>| {
        if let Some((start, rect, raised)) = word.take() {
            line.words.push(Word {
                range: start..line.text.len(),
                rect,
                raised,
            });
        }
    };
    for glyph in row {
        let blank = glyph.text.chars().all(char::is_whitespace);
        let gap = glyph.x - end_x > 0.2 * glyph.size;
        // A superscript is a word of its own (`region.”¹`).
        let shift = word.as_ref().is_some_and(|w| w.2 != raised(glyph));
        if blank || gap || shift {
            close(&mut line, &mut word);
        }
        end_x = end_x.max(glyph.x + glyph.width);
        if blank {
            continue;
        }
        let rect = Rect::new(
            glyph.x,
            glyph.y - 0.25 * glyph.size,
            glyph.x + glyph.width,
            glyph.y + 0.8 * glyph.size,
        );
        match &mut word {
            Some((_, r, _)) => {
                r.x0 = r.x0.min(rect.x0);
                r.y0 = r.y0.min(rect.y0);
                r.x1 = r.x1.max(rect.x1);
                r.y1 = r.y1.max(rect.y1);
            }
            None => {
                if !line.text.is_empty() {
                    line.text.push(' ');
                }
                word = Some((line.text.len(), rect, raised(glyph)));
            }
        }
        line.text.extend(
            glyph
                .text
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c }),
        );
    }
    close(&mut line, &mut word);
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y,
            width: 6.0,
            size: 12.0,
        }
    }

    #[test]
    fn glyphs_become_lines_and_words() {
        // Drawn out of order, the second line first, one glyph on a
        // slightly different baseline (a rounding in the producer).
        let glyphs = vec![
            glyph("d", 72.0, 686.0),
            glyph("a", 72.0, 700.0),
            glyph("b", 78.0, 700.3),
            glyph(" ", 84.0, 700.0),
            glyph("c", 90.0, 700.0),
            glyph("e", 78.0, 686.0),
            glyph("f", 100.0, 686.0),
        ];
        let lines = lines(glyphs);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["ab c", "de f"], "a wide gap is a space too");
        assert_eq!(lines[0].words.len(), 2);
        assert_eq!(&lines[0].text[lines[0].words[1].range.clone()], "c");
        let r = lines[1].words[1].rect;
        assert!(Rect::new(95.0, 680.0, 120.0, 700.0).covers(&r));
        assert!(!Rect::new(60.0, 680.0, 90.0, 700.0).covers(&r));
    }

    /// A page whose text is drawn by a Form XObject (as some producers
    /// draw headers, stamps and whole pages), moved by the page's `cm`
    /// and the form's `/Matrix`; a form that draws itself stops.
    #[test]
    fn text_inside_form_xobjects_is_read() {
        use lopdf::{Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let form_id = doc.new_object_id();
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 500.into(), 100.into()],
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 50.into()],
                "Resources" => dictionary! {
                    "Font" => dictionary! { "F9" => font },
                    "XObject" => dictionary! { "Me" => form_id },
                },
            },
            b"BT /F9 12 Tf 0 0 Td (Hello from a form) Tj ET /Me Do".to_vec(),
        );
        doc.objects.insert(form_id, Object::Stream(form));
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"q 1 0 0 1 72 600 cm /X1 Do Q".to_vec(),
        ));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X1" => form_id } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let lines = page_lines(&doc, page).unwrap();
        // The form draws itself inside itself, 50 points higher each
        // time, until the depth limit: no endless recursion.
        assert_eq!(lines.len(), MAX_FORM_DEPTH, "{lines:?}");
        assert!(
            lines.iter().all(|l| l.text == "Hello from a form"),
            "{lines:?}"
        );
        // The outermost drawing: the page's `cm`, then the form's matrix.
        let first = lines[MAX_FORM_DEPTH - 1].words[0].rect;
        assert!((first.x0 - 72.0).abs() < 0.5, "{first:?}");
        assert!(first.y0 > 640.0 && first.y0 < 652.0, "{first:?}");
    }

    #[test]
    fn matrices_compose_in_drawing_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let moved = Matrix::translate(10.0, 5.0).then(&scale);
        assert_eq!(moved.apply(1.0, 1.0), (22.0, 12.0));
        assert_eq!(helvetica_width(u32::from(b'i')), 222.0);
        assert_eq!(helvetica_width(7), 556.0);
    }
}
