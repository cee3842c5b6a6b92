//! HTML memos (scraper): `a[href]`, `img[src]`, `q[cite]`,
//! `blockquote[cite]` and bare URLs in text, `<base href>` respected,
//! nothing from `script`, `style`, `noscript` or `template`. Quotes come
//! from quotation marks, from `<q>` elements and from blockquotes, and pair
//! with their element's `cite`, else with the links of their paragraph or
//! blockquote.
//!
//! The HTML parser does not report source positions, so a `Locator` walks
//! the source in document order and finds each element and text node
//! there; where it cannot (entities, implied elements) the position falls
//! back to the nearest thing it did find.

use super::{Block, Document, ExtractOptions, RawLink, urls};
use crate::model::LinkKind;
use ego_tree::iter::Edge;
use scraper::{Html, Node};
use url::Url;

/// Elements whose content is never prose.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "code", "pre", "textarea",
];

/// Elements that start a new block of prose.
const BLOCKS: &[&str] = &[
    "body",
    "p",
    "div",
    "li",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dd",
    "dt",
    "figcaption",
    "caption",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "address",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "form",
    "fieldset",
    "details",
    "summary",
    "figure",
    "blockquote",
];

/// Elements read outside a web memo's main content: the head, for the
/// title, base and metadata.
const HEAD: &[&str] = &["html", "head", "title", "base", "meta"];

pub(super) fn parse(src: &str, options: &ExtractOptions) -> Document {
    let html = Html::parse_document(src);
    // A web memo is its main content; the rest of the page is read only
    // for its head and anchors.
    let content = options
        .main_content
        .as_ref()
        .map(|how| super::main_content::choose(&html, how));
    let content_node = content.as_ref().and_then(|c| c.node);
    let mut inside = content_node.is_none();
    let mut linked_ancestors = 0;
    let mut walk = Walk {
        locator: Locator::new(src),
        doc: Document {
            base: options.base_url.clone(),
            anchors: Some(Vec::new()),
            ..Document::default()
        },
        stack: Vec::new(),
        blockquote_depth: 0,
        link_depth: 0,
        link_texts: super::LinkTexts::default(),
        q_depth: 0,
        in_head: false,
        in_title: false,
        base_seen: false,
        base_option: options.base_url.clone(),
        ids: Vec::new(),
        sup_depth: 0,
        open_ref: Vec::new(),
        date_rank: u8::MAX,
        in_content: inside,
    };
    if let Some(content) = &content {
        walk.doc.problems.push(crate::model::Problem::new(
            crate::model::Severity::Info,
            format!(
                "the memo is the page's main content: {}",
                content.description
            ),
        ));
    }
    let mut skip: Option<ego_tree::NodeId> = None;
    // Inside a web memo's content, the site's chrome it nests (a share
    // bar, a tag list) is read as outside it.
    let web = options.main_content.is_some();
    let (content_words, site_lists) = if web {
        let el = content_node
            .and_then(|id| html.tree.get(id))
            .and_then(scraper::ElementRef::wrap)
            .unwrap_or_else(|| html.root_element());
        (
            super::main_content::content_words(el),
            super::main_content::SiteLinkLists::find(el, options.base_url.as_ref()),
        )
    } else {
        (0, super::main_content::SiteLinkLists::default())
    };
    let mut chrome: Option<ego_tree::NodeId> = None;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                if web
                    && inside
                    && chrome.is_none()
                    && content_node != Some(node.id())
                    && scraper::ElementRef::wrap(node).is_some_and(|el| {
                        super::main_content::is_chrome(el, content_words, &site_lists)
                    })
                {
                    chrome = Some(node.id());
                    inside = false;
                    walk.in_content = false;
                }
                if content_node == Some(node.id()) {
                    inside = true;
                    walk.in_content = true;
                    // Content inside a link (HTML that nests a block in an
                    // `a`) is the link's text, as the whole page reads it.
                    linked_ancestors = node
                        .ancestors()
                        .filter(|a| matches!(a.value(), Node::Element(el) if el.name() == "a"))
                        .count();
                    walk.link_depth += linked_ancestors;
                }
                match node.value() {
                    Node::Element(el) if el.name() == "script" => {
                        if el
                            .attr("type")
                            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                        {
                            walk.json_ld(node);
                        }
                        skip = Some(node.id());
                    }
                    Node::Element(el) if !inside && !HEAD.contains(&el.name()) => {
                        walk.outside(el);
                    }
                    Node::Text(text) if !inside && !walk.in_head => {
                        walk.locator.text(text);
                    }
                    Node::Element(el) if SKIPPED.contains(&el.name()) => {
                        // Links inside `pre`/`code` still count; their text does not.
                        if matches!(el.name(), "pre" | "code") {
                            walk.links_in(node);
                        }
                        skip = Some(node.id());
                    }
                    Node::Element(el) => walk.open(el),
                    Node::Text(text) => walk.text(text),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    if inside || HEAD.contains(&el.name()) {
                        walk.close(el);
                    }
                }
                if content_node == Some(node.id()) {
                    inside = false;
                    walk.in_content = false;
                    walk.link_depth = walk.link_depth.saturating_sub(linked_ancestors);
                }
                if chrome == Some(node.id()) {
                    chrome = None;
                    inside = true;
                    walk.in_content = true;
                }
            }
        }
    }
    while let Some(block) = walk.stack.pop() {
        walk.doc.blocks.push(block);
    }
    walk.doc
}

struct Walk<'a> {
    locator: Locator<'a>,
    doc: Document,
    /// Open blocks, innermost last. Inside a blockquote, the blockquote's
    /// block takes all text.
    stack: Vec<Block>,
    blockquote_depth: usize,
    link_depth: usize,
    link_texts: super::LinkTexts,
    q_depth: usize,
    in_head: bool,
    in_title: bool,
    base_seen: bool,
    base_option: Option<Url>,
    /// The `id` of every open element (a note's links are those written
    /// inside the element its reference names).
    ids: Vec<Option<String>>,
    sup_depth: usize,
    /// For each open `a`: its link, when it is a note reference (its label
    /// is the link's text, known when it closes).
    open_ref: Vec<Option<usize>>,
    /// The rank of the source of the date found so far ([`DATE_SOURCES`]).
    date_rank: u8,
    /// Whether the walk is inside the memo's content (always, for a memo
    /// file; inside the main content, for a web memo).
    in_content: bool,
}

/// Where a memo's date is read from, most trusted first: the rank of
/// each. A page's own publication metadata beats the dates its body
/// shows, which beat generic metadata.
const DATE_SOURCES: &[&str] = &[
    "article:published_time",
    "json-ld",
    "time",
    "date",
    "dc.date",
    "dcterms.created",
    "dcterms.issued",
    "dc.date.issued",
    "citation_publication_date",
];

/// Whether a fragment names a note as word processors and converters
/// write them (`fn1`, `_ftn1`, `ftnt1`, `_edn2`, `endnote-3`, LibreOffice's
/// `sdfootnote1sym` and `sdendnote2sym`…).
fn looks_like_note(target: &str) -> bool {
    let target = target.strip_suffix("sym").unwrap_or(target);
    let target = target.strip_prefix("sd").unwrap_or(target);
    let stem = target.trim_end_matches(|c: char| c.is_ascii_digit());
    stem.len() < target.len()
        && matches!(
            stem.trim_end_matches(['-', '_', ':'])
                .to_ascii_lowercase()
                .as_str(),
            "fn" | "_ftn" | "ftn" | "ftnt" | "_edn" | "edn" | "note" | "footnote" | "endnote"
        )
}

impl Walk<'_> {
    fn open(&mut self, el: &scraper::node::Element) {
        let name = el.name();
        let tag_at = self.locator.tag(name);
        if name == "sup" {
            self.sup_depth += 1;
        }
        let anchor = el
            .attr("id")
            .into_iter()
            .chain(el.attr("name").filter(|_| name == "a"));
        self.doc
            .anchors
            .get_or_insert_with(Vec::new)
            .extend(anchor.map(str::to_owned));
        match name {
            "head" => self.in_head = true,
            "title" if self.in_head => self.in_title = true,
            "base" => {
                if let Some(href) = el.attr("href") {
                    self.set_base(href);
                }
            }
            "meta" => self.meta(el),
            "time" if self.in_content => {
                if let Some(datetime) = el.attr("datetime") {
                    self.date_from("time", datetime);
                }
            }
            _ => {}
        }
        if BLOCKS.contains(&name) {
            if self.blockquote_depth > 0 {
                if let Some(block) = self.stack.last_mut() {
                    if name == "footer" {
                        block.push("\n— ", tag_at.unwrap_or(0), false);
                    } else {
                        block.paragraph_break();
                    }
                }
            } else {
                self.stack.push(Block {
                    blockquote: name == "blockquote",
                    ..Block::default()
                });
            }
        }
        let attribute = match name {
            "a" => Some(("href", LinkKind::Anchor)),
            "img" => Some(("src", LinkKind::ImageSource)),
            "q" | "blockquote" => Some(("cite", LinkKind::Cite)),
            _ => None,
        };
        let link = attribute.and_then(|(attr, kind)| {
            let value = el.attr(attr)?;
            let offset = tag_at.map_or(self.locator.cursor, |at| self.locator.attribute(at, value));
            Some(self.add_link(value, kind, offset))
        });
        if name == "a" {
            self.link_depth += 1;
            self.link_texts.open(link);
            let is_ref = self.note_ref(el, tag_at.unwrap_or(self.locator.cursor));
            self.open_ref.push(link.filter(|_| is_ref));
            if let (Some(block), Some(own)) =
                (self.stack.last_mut(), el.attr("id").or(el.attr("name")))
            {
                // Word processors mark a note with an anchor inside it.
                block.note_names.push(own.to_owned());
            }
        }
        // After the `a` itself: an id on a link names its block, not the
        // link alone.
        self.ids
            .push(el.attr("id").filter(|_| name != "a").map(str::to_owned));
        if name == "blockquote" {
            if self.blockquote_depth == 0 {
                if let Some(block) = self.stack.last_mut() {
                    block.cite = link;
                }
            }
            self.blockquote_depth += 1;
        }
        if name == "q" {
            let mark = if self.q_depth == 0 { "“" } else { "‘" };
            if let Some(block) = self.stack.last_mut() {
                if self.q_depth == 0 {
                    block.q_spans.push((block.text.len(), link));
                }
                block.push(mark, tag_at.unwrap_or(self.locator.cursor), false);
            }
            self.q_depth += 1;
        }
        if name == "br" {
            if let Some(block) = self.stack.last_mut() {
                block.push("\n", tag_at.unwrap_or(0), false);
            }
        }
    }

    fn close(&mut self, el: &scraper::node::Element) {
        let name = el.name();
        self.ids.pop();
        if name == "sup" {
            self.sup_depth = self.sup_depth.saturating_sub(1);
        }
        match name {
            "head" => self.in_head = false,
            "title" => self.in_title = false,
            "a" => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.link_texts.close(&mut self.doc.links);
                if let Some(Some(link)) = self.open_ref.pop() {
                    self.label_note_ref(link);
                }
            }
            "q" => {
                self.q_depth = self.q_depth.saturating_sub(1);
                let mark = if self.q_depth == 0 { "”" } else { "’" };
                if let Some(block) = self.stack.last_mut() {
                    block.push(mark, self.locator.cursor, false);
                }
            }
            "blockquote" => self.blockquote_depth = self.blockquote_depth.saturating_sub(1),
            _ => {}
        }
        if BLOCKS.contains(&name) && self.blockquote_depth == 0 {
            // Closing a blockquote (depth now 0) or an ordinary block.
            if let Some(block) = self.stack.pop() {
                self.doc.blocks.push(block);
            }
            if let Some(parent) = self.stack.last_mut() {
                parent.paragraph_break();
            }
        }
    }

    fn text(&mut self, text: &scraper::node::Text) {
        let text: &str = text;
        if self.in_title {
            let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !title.is_empty() {
                self.doc.meta.title = Some(title);
            }
            return;
        }
        if self.in_head {
            return;
        }
        self.link_texts.text(text);
        let (at, exact) = self.locator.text(text);
        if self.link_depth == 0 {
            for found in urls::find_urls(text) {
                let offset = if exact { at + found.start } else { at };
                self.add_link(&text[found], LinkKind::Bare, offset);
            }
        }
        if let Some(block) = self.stack.last_mut() {
            block.push(text, at, exact);
        }
    }

    /// Links written inside a skipped `pre` or `code` element.
    fn links_in(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        for child in node.descendants() {
            if let Node::Element(el) = child.value() {
                if el.name() == "a" {
                    if let Some(href) = el.attr("href") {
                        let at = self.locator.tag("a");
                        let offset =
                            at.map_or(self.locator.cursor, |at| self.locator.attribute(at, href));
                        self.add_link(href, LinkKind::Anchor, offset);
                    }
                }
            }
        }
    }

    /// Record a note reference if this `a` is one (`role="doc-noteref"`,
    /// a footnote class, inside `<sup>`, or a fragment that names a note
    /// as converters and word processors write them).
    fn note_ref(&mut self, el: &scraper::node::Element, src: usize) -> bool {
        let Some(target) = el.attr("href").and_then(|h| h.trim().strip_prefix('#')) else {
            return false;
        };
        let role = el.attr("role").unwrap_or_default();
        let class = el.attr("class").unwrap_or_default().to_ascii_lowercase();
        let is_ref = role.contains("doc-noteref")
            || class.contains("footnote-ref")
            || class.contains("noteref")
            // LibreOffice's HTML export: `sdfootnoteanc`, `sdendnoteanc`.
            || class.contains("noteanc")
            || self.sup_depth > 0
            || looks_like_note(target);
        let Some(block) = self.stack.last_mut().filter(|_| is_ref) else {
            return false;
        };
        let note = percent_encoding::percent_decode_str(target)
            .decode_utf8_lossy()
            .into_owned();
        block.note_refs.push(super::NoteRef {
            at: block.text.len(),
            label: note.clone(),
            note,
            src,
        });
        true
    }

    /// A note reference closed: the memo's label for it is its text
    /// (`1`, `[2]`), brackets aside.
    fn label_note_ref(&mut self, link: usize) {
        let text = self
            .doc
            .links
            .get(link)
            .and_then(|l| l.text.clone())
            .unwrap_or_default();
        let label = text
            .trim()
            .trim_matches(['[', ']', '(', ')'])
            .trim()
            .to_owned();
        let reference = self
            .stack
            .last_mut()
            .and_then(|block| block.note_refs.last_mut());
        if let (Some(reference), false) = (reference, label.is_empty()) {
            reference.label = label;
        }
    }

    fn add_link(&mut self, written: &str, kind: LinkKind, offset: usize) -> usize {
        let index = self.doc.links.len();
        for id in self.ids.iter().flatten() {
            self.doc.notes.entry(id.clone()).or_default().push(index);
        }
        self.doc.links.push(RawLink {
            text: None,
            written: written.to_owned(),
            kind,
            offset,
        });
        if let Some(block) = self.stack.last_mut() {
            block.links.push(index);
            let at = block.text.len();
            block.link_starts.push((at..at + 1, index));
        }
        index
    }

    fn set_base(&mut self, href: &str) {
        if self.base_seen {
            return;
        }
        self.base_seen = true;
        let href = href.trim();
        let base = match Url::parse(href) {
            Ok(url) => Some(url),
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                self.base_option.as_ref().and_then(|b| b.join(href).ok())
            }
            Err(_) => None,
        };
        if base.is_some() {
            self.doc.base = base;
        }
    }

    fn meta(&mut self, el: &scraper::node::Element) {
        let key = el
            .attr("name")
            .or_else(|| el.attr("property"))
            .unwrap_or("");
        let Some(content) = el.attr("content") else {
            return;
        };
        self.date_from(&key.to_ascii_lowercase(), content);
    }

    /// Take `value` as the memo's date when it comes from a source more
    /// trusted than the one before ([`DATE_SOURCES`]) and is a date.
    fn date_from(&mut self, source: &str, value: &str) {
        let Some(rank) = DATE_SOURCES.iter().position(|s| *s == source) else {
            return;
        };
        let rank = rank as u8;
        if rank < self.date_rank && crate::date::end_of_day(value.trim()).is_some() {
            self.date_rank = rank;
            self.doc.meta.date = Some(value.trim().to_owned());
        }
    }

    /// A JSON-LD block: its `datePublished`, wherever it is (a graph, a
    /// list of things).
    fn json_ld(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        let text: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            return;
        };
        if let Some(date) = find_key(&value, "datePublished", 0) {
            self.date_from("json-ld", &date);
        }
    }

    /// An element outside a web memo's main content: only its anchor
    /// counts (the memo's own links to `#part` may name it), and the
    /// locator moves past it.
    fn outside(&mut self, el: &scraper::node::Element) {
        self.locator.tag(el.name());
        let anchor = el
            .attr("id")
            .into_iter()
            .chain(el.attr("name").filter(|_| el.name() == "a"));
        self.doc
            .anchors
            .get_or_insert_with(Vec::new)
            .extend(anchor.map(str::to_owned));
    }
}

/// The first string under `key` in a JSON value, depth first (at most 16
/// levels: JSON-LD is shallow).
fn find_key(value: &serde_json::Value, key: &str, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .and_then(|v| v.as_str().map(str::to_owned))
            .or_else(|| map.values().find_map(|v| find_key(v, key, depth + 1))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_key(v, key, depth + 1)),
        _ => None,
    }
}

/// Finds elements and text in the source, in document order.
struct Locator<'a> {
    src: &'a str,
    lower: String,
    cursor: usize,
}

impl<'a> Locator<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src,
            lower: src.to_ascii_lowercase(),
            cursor: 0,
        }
    }

    /// Offset of the next `<name` tag from the cursor; moves the cursor.
    fn tag(&mut self, name: &str) -> Option<usize> {
        let needle = format!("<{name}");
        let mut from = self.cursor;
        while let Some(found) =
            memchr::memmem::find(&self.lower.as_bytes()[from..], needle.as_bytes())
        {
            let at = from + found;
            let next = self.lower.as_bytes().get(at + needle.len()).copied();
            if next.is_none_or(|b| b.is_ascii_whitespace() || b == b'>' || b == b'/') {
                self.cursor = at + 1;
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    /// Offset of an attribute's value inside the tag at `tag_at`.
    fn attribute(&self, tag_at: usize, value: &str) -> usize {
        let end = memchr::memchr(b'>', &self.src.as_bytes()[tag_at..])
            .map_or(self.src.len(), |e| tag_at + e);
        let value = value.trim();
        if value.is_empty() {
            return tag_at;
        }
        memchr::memmem::find(&self.src.as_bytes()[tag_at..end], value.as_bytes())
            .map_or(tag_at, |v| tag_at + v)
    }

    /// Offset of a text node in the source and whether it is written there
    /// exactly as decoded; moves the cursor past it.
    fn text(&mut self, text: &str) -> (usize, bool) {
        let src = &self.src.as_bytes()[self.cursor..];
        if let Some(found) = memchr::memmem::find(src, text.as_bytes()) {
            let at = self.cursor + found;
            self.cursor = at + text.len();
            return (at, true);
        }
        // Entities or references changed the text: find its first words.
        let head: String = text
            .trim_start()
            .chars()
            .take_while(|&c| c != '&')
            .take(24)
            .collect();
        let lead = text.len() - text.trim_start().len();
        if head.len() >= 3 {
            if let Some(found) = memchr::memmem::find(src, head.as_bytes()) {
                let at = self.cursor + found;
                self.cursor = at + head.len();
                return (at.saturating_sub(lead), false);
            }
        }
        (self.cursor, false)
    }
}
