//! Markdown (CommonMark, pulldown-cmark): inline, reference-style and auto
//! links, images and bare URLs in text; nothing from code spans or fenced
//! code; YAML front matter read as metadata (`date:`, `title:`), not text.
//! Quotes pair with the links of their paragraph, list item or blockquote.

use super::{Block, Document, ExtractOptions, RawLink, urls};
use crate::model::LinkKind;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

pub(super) fn parse(src: &str, options: &ExtractOptions) -> Document {
    let mut doc = Document {
        base: options.base_url.clone(),
        anchors: Some(Vec::new()),
        ..Document::default()
    };
    let opts = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut state = State::default();
    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => state.start(tag, range, src, &mut doc),
            Event::End(TagEnd::HtmlBlock) => {
                // An HTML block is read as HTML, where it stands.
                if let Some(block) = state.html_block.take() {
                    let part = super::html::parse(&src[block.clone()], options);
                    doc.absorb(part, block.start);
                }
            }
            Event::End(tag) => state.end(tag, &mut doc),
            Event::Text(text) => {
                if state.in_metadata {
                    read_front_matter(&text, &mut doc);
                } else if state.in_code == 0 {
                    state.heading_text(&text);
                    state.text(&text, range, src, &mut doc);
                }
            }
            Event::Code(code) => state.heading_text(&code),
            Event::FootnoteReference(label) => {
                if let Some(block) = state.block.as_mut() {
                    block.note_refs.push(super::NoteRef {
                        at: block.text.len(),
                        note: label.to_string(),
                        label: label.to_string(),
                        src: range.start,
                    });
                }
            }
            Event::Html(html) => {
                html_anchors(&html, &mut doc);
                state.html_block = Some(match state.html_block.take() {
                    Some(block) => block.start..range.end,
                    None => range,
                });
            }
            Event::InlineHtml(html) => {
                html_anchors(&html, &mut doc);
                state.inline_html(&html, range.start, &mut doc);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(block) = state.block.as_mut() {
                    block.push("\n", range.start, false);
                }
            }
            // Code spans, HTML and the rest carry no prose or links we read.
            _ => {}
        }
    }
    if let Some(block) = state.block.take() {
        doc.blocks.push(block);
    }
    doc
}

#[derive(Default)]
struct State {
    /// The block being filled, owned by the outermost unit that opened it.
    block: Option<Block>,
    /// Nesting depth of units; the block closes when it returns to zero.
    unit_depth: usize,
    in_code: usize,
    in_metadata: bool,
    /// Inside a link or image: its text is not scanned for bare URLs.
    in_link: usize,
    /// The words of the links being read.
    link_texts: super::LinkTexts,
    /// The text of the heading being read, when it has no `{#id}`.
    heading: Option<String>,
    /// Heading ids given so far, for GitHub's `-1`, `-2` on repeats.
    slugs: std::collections::HashMap<String, usize>,
    /// The footnote being defined: its links are the note's.
    note: Option<String>,
    /// The source of the HTML block being read.
    html_block: Option<Range<usize>>,
    /// Inline `<a>` and `<q>` elements open: for a `<q>`, whether a
    /// quotation mark was opened.
    inline_open: Vec<&'static str>,
}

impl State {
    fn start(&mut self, tag: Tag<'_>, range: Range<usize>, src: &str, doc: &mut Document) {
        let image = matches!(tag, Tag::Image { .. });
        match tag {
            Tag::MetadataBlock(_) => self.in_metadata = true,
            Tag::Heading { ref id, .. } => {
                match id {
                    Some(id) => doc
                        .anchors
                        .get_or_insert_with(Vec::new)
                        .push(id.to_string()),
                    None => self.heading = Some(String::new()),
                }
                self.open_unit(false);
            }
            Tag::CodeBlock(_) => self.in_code += 1,
            Tag::FootnoteDefinition(label) => {
                self.note = Some(label.to_string());
                doc.notes.entry(label.to_string()).or_default();
                self.open_unit(false);
            }
            Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::BlockQuote(_) => {
                self.open_unit(matches!(tag, Tag::BlockQuote(_)));
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                self.in_link += 1;
                let kind = match link_type {
                    _ if image => LinkKind::Image,
                    LinkType::Inline => LinkKind::Inline,
                    LinkType::Autolink | LinkType::Email => LinkKind::Angle,
                    _ => LinkKind::Reference,
                };
                let written = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                let offset = locate_destination(src, &range, &dest_url, link_type);
                let index = self.add_link(doc, written, kind, offset);
                self.link_texts.open(Some(index));
            }
            _ => {}
        }
    }

    /// A unit of prose opens: a block of its own at the top level, a
    /// paragraph of its parent's inside one.
    fn open_unit(&mut self, blockquote: bool) {
        if self.unit_depth == 0 {
            self.block = Some(Block {
                blockquote,
                ..Block::default()
            });
        } else if let Some(block) = self.block.as_mut() {
            block.paragraph_break();
        }
        self.unit_depth += 1;
    }

    /// Text inside a heading with no `{#id}` makes its id.
    fn heading_text(&mut self, text: &str) {
        if let Some(heading) = self.heading.as_mut() {
            heading.push_str(text);
        }
    }

    fn end(&mut self, tag: TagEnd, doc: &mut Document) {
        if let (TagEnd::Heading(_), Some(text)) = (tag, self.heading.take()) {
            let slug = github_slug(&text);
            let n = self.slugs.entry(slug.clone()).or_insert(0);
            let id = if *n == 0 {
                slug.clone()
            } else {
                format!("{slug}-{n}")
            };
            *n += 1;
            doc.anchors.get_or_insert_with(Vec::new).push(id);
        }
        match tag {
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            TagEnd::CodeBlock => self.in_code = self.in_code.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {
                self.in_link = self.in_link.saturating_sub(1);
                self.link_texts.close(&mut doc.links);
            }
            TagEnd::FootnoteDefinition => {
                self.note = None;
                self.close_unit(doc);
            }
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::BlockQuote(_) => self.close_unit(doc),
            _ => {}
        }
    }

    /// A unit of prose closes: at the top level, its block is done.
    fn close_unit(&mut self, doc: &mut Document) {
        self.unit_depth = self.unit_depth.saturating_sub(1);
        if self.unit_depth == 0 {
            if let Some(mut block) = self.block.take() {
                unresolved_note_refs(&mut block);
                doc.blocks.push(block);
            }
        }
    }

    fn text(&mut self, text: &str, range: Range<usize>, src: &str, doc: &mut Document) {
        // pulldown-cmark hands over decoded text; where it equals the
        // source, offsets map one to one.
        let exact = src.get(range.clone()) == Some(text);
        let base = self.block.as_ref().map(|b| b.text.len());
        let mut bare = Vec::new();
        if self.in_link == 0 {
            for found in urls::find_urls(text) {
                let offset = if exact {
                    range.start + found.start
                } else {
                    range.start
                };
                let at = found.start;
                let index = self.add_link(doc, text[found].to_owned(), LinkKind::Bare, offset);
                bare.push((index, at));
            }
        }
        if self.in_link > 0 {
            self.link_texts.text(text);
        }
        if let Some(block) = self.block.as_mut() {
            block.push(text, range.start, exact);
            // A bare URL starts where it stands in the text, not where the
            // text does.
            for (index, at) in bare {
                let start = base.unwrap_or(0) + at;
                if let Some(entry) = block.link_starts.iter_mut().find(|(_, l)| *l == index) {
                    entry.0 = start..start + 1;
                }
            }
        }
    }

    /// Inline HTML in a paragraph: `<a href>` and `<q cite>` as the HTML
    /// extractor reads them (a link, with the words it is on; a quotation
    /// between marks, paired with its `cite`), at `at` in the source.
    fn inline_html(&mut self, tag: &str, at: usize, doc: &mut Document) {
        let Some((name, closing, attrs)) = inline_tag(tag) else {
            return;
        };
        match (name.as_str(), closing) {
            ("a", false) => {
                let link = attrs
                    .iter()
                    .find(|(k, ..)| k == "href")
                    .map(|(_, v, off)| self.add_link(doc, v.clone(), LinkKind::Anchor, at + off));
                self.in_link += 1;
                self.link_texts.open(link);
                self.inline_open.push("a");
            }
            ("a", true) if self.inline_open.last() == Some(&"a") => {
                self.inline_open.pop();
                self.in_link = self.in_link.saturating_sub(1);
                self.link_texts.close(&mut doc.links);
            }
            ("q", false) => {
                let cite = attrs
                    .iter()
                    .find(|(k, ..)| k == "cite")
                    .map(|(_, v, off)| self.add_link(doc, v.clone(), LinkKind::Cite, at + off));
                if let Some(block) = self.block.as_mut() {
                    block.q_spans.push((block.text.len(), cite));
                    block.push("“", at, false);
                }
                self.inline_open.push("q");
            }
            ("q", true) if self.inline_open.last() == Some(&"q") => {
                self.inline_open.pop();
                if let Some(block) = self.block.as_mut() {
                    block.push("”", at, false);
                }
            }
            _ => {}
        }
    }

    fn add_link(
        &mut self,
        doc: &mut Document,
        written: String,
        kind: LinkKind,
        offset: usize,
    ) -> usize {
        let index = doc.links.len();
        doc.links.push(RawLink {
            text: None,
            written,
            kind,
            offset,
        });
        if let Some(block) = self.block.as_mut() {
            block.links.push(index);
            let at = block.text.len();
            block.link_starts.push((at..at + 1, index));
        }
        if let Some(note) = &self.note {
            doc.notes.entry(note.clone()).or_default().push(index);
        }
        index
    }
}

/// Where a link's destination is written: the URL itself for inline and
/// auto links, the start of the `[text][ref]` use for reference links.
fn locate_destination(src: &str, range: &Range<usize>, dest: &str, kind: LinkType) -> usize {
    let Some(written) = src.get(range.clone()) else {
        return range.start;
    };
    let found = match kind {
        LinkType::Inline => written
            .rfind("](")
            .and_then(|at| written[at..].find(dest).map(|d| at + d)),
        LinkType::Autolink | LinkType::Email => written.find(dest),
        _ => None,
    };
    range.start + found.unwrap_or(0)
}

/// `key: value` lines of YAML front matter; only `date` and `title` matter.
fn read_front_matter(text: &str, doc: &mut Document) {
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim();
        if value.is_empty() {
            continue;
        }
        match key.trim() {
            "date" => doc.meta.date = Some(value.to_owned()),
            "title" => doc.meta.title = Some(value.to_owned()),
            _ => {}
        }
    }
}

/// An attribute of an inline tag: its lower-case name, its value, and the
/// value's offset in the tag.
type Attribute = (String, String, usize);

/// A tag of inline HTML: its lower-case name, whether it closes, and its
/// attributes.
fn inline_tag(tag: &str) -> Option<(String, bool, Vec<Attribute>)> {
    let inner = tag.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    if name.is_empty() {
        return None;
    }
    let mut attrs = Vec::new();
    let mut rest = &inner[name_len..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let key_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len());
        if key_len == 0 {
            break;
        }
        let key = rest[..key_len].to_ascii_lowercase();
        rest = rest[key_len..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            attrs.push((key, String::new(), tag.len() - rest.len()));
            continue;
        };
        let after = after.trim_start();
        let (value, quote) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => (&after[1..], Some(q)),
            _ => (after, None),
        };
        let end = match quote {
            Some(q) => value.find(q).unwrap_or(value.len()),
            None => value
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(value.len()),
        };
        let offset = tag.len() - value.len();
        attrs.push((key, decode_entities(&value[..end]), offset));
        rest = &value[(end + usize::from(quote.is_some())).min(value.len())..];
    }
    Some((name, closing, attrs))
}

/// The few character references attribute values carry.
fn decode_entities(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// `[^label]` left as text: a reference to a note the memo does not
/// define (pulldown-cmark parses only references to defined notes). It is
/// recorded as a reference, so that the memo is warned about it.
fn unresolved_note_refs(block: &mut Block) {
    let mut from = 0;
    while let Some(at) = block.text[from..].find("[^").map(|i| from + i) {
        let rest = &block.text[at + 2..];
        let Some(end) = rest.find(']') else {
            break;
        };
        let label = &rest[..end];
        if !label.is_empty() && !label.contains(char::is_whitespace) {
            block.note_refs.push(super::NoteRef {
                at,
                note: label.to_owned(),
                label: format!("[^{label}]"),
                src: block.map.to_source(at),
            });
        }
        from = at + 2;
    }
}

/// A heading's id as GitHub makes it: lower case, every character that is
/// not a letter, digit, space, hyphen or underscore dropped, each space a
/// hyphen.
fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The `id`s and `name`s of raw HTML in the Markdown (`<a id="x">`).
fn html_anchors(html: &str, doc: &mut Document) {
    let mut rest = html;
    while let Some(at) = rest.find(['i', 'n']) {
        let here = &rest[at..];
        let before = rest[..at].chars().next_back();
        let key = ["id", "name"]
            .into_iter()
            .find(|k| here.starts_with(k) && before.is_some_and(char::is_whitespace));
        let Some(key) = key else {
            rest = &rest[at + 1..];
            continue;
        };
        let after = here[key.len()..].trim_start();
        let Some(value) = after.strip_prefix('=') else {
            rest = &rest[at + 1..];
            continue;
        };
        let value = value.trim_start();
        let (quoted, end) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => (&value[1..], q),
            _ => (value, ' '),
        };
        let stop = quoted
            .find(|c: char| c == end || (end == ' ' && (c.is_whitespace() || c == '>')))
            .unwrap_or(quoted.len());
        if stop > 0 {
            doc.anchors
                .get_or_insert_with(Vec::new)
                .push(quoted[..stop].to_owned());
        }
        rest = &quoted[stop..];
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn heading_ids_as_github_makes_them() {
        assert_eq!(
            super::github_slug("Summary of Findings"),
            "summary-of-findings"
        );
        assert_eq!(super::github_slug("What's next? (2024)"), "whats-next-2024");
        assert_eq!(super::github_slug("Kyiv – Kiev"), "kyiv--kiev");
        let mut doc = super::Document::default();
        super::html_anchors(
            "<a id=\"one\"></a> <span name='two'> <a id=three>",
            &mut doc,
        );
        assert_eq!(doc.anchors.unwrap(), ["one", "two", "three"]);
    }
}
