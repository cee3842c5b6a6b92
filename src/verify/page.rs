//! What a fetched page offers the verifier: its element anchors, its title
//! and first heading, and the text a reader sees, read in one pass of a
//! streaming HTML tokenizer (html5gum; no tree is built, which keeps a
//! page's reading several times cheaper than a DOM parse).

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};
use std::collections::HashSet;

/// Elements whose content a reader never sees.
const INVISIBLE: &[&[u8]] = &[b"script", b"style", b"noscript", b"template", b"title"];

/// Elements that may stand in `<head>`: any other start tag ends it.
const HEAD_CONTENT: &[&[u8]] = &[
    b"title",
    b"meta",
    b"link",
    b"style",
    b"script",
    b"noscript",
    b"base",
    b"template",
    b"head",
    b"html",
];

/// Elements that separate words (block-level, line breaks, cells).
const BREAKS: &[&[u8]] = &[
    b"p",
    b"div",
    b"br",
    b"li",
    b"ul",
    b"ol",
    b"td",
    b"th",
    b"tr",
    b"table",
    b"caption",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"blockquote",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"main",
    b"aside",
    b"nav",
    b"dd",
    b"dt",
    b"dl",
    b"pre",
    b"hr",
    b"figure",
    b"figcaption",
    b"form",
    b"address",
    b"body",
    b"option",
    b"details",
    b"summary",
    b"img",
    b"input",
    b"button",
    b"select",
    b"textarea",
    b"label",
    b"iframe",
];

/// Facts about one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageFacts {
    /// Whether the page is HTML (plain text and PDFs have no anchors).
    pub html: bool,
    /// Every `id` and every `<a name>`.
    pub anchors: Anchors,
    /// The `<title>`, white space collapsed.
    pub title: Option<String>,
    /// The first `<h1>`, white space collapsed.
    pub heading: Option<String>,
    /// The visible text as the page has it (entities decoded, blocks
    /// separated by a space), when it was asked for.
    pub text: Option<String>,
}

impl PageFacts {
    /// Read a page's HTML; `want_text` also collects its visible text.
    pub fn from_html(html: &str, want_text: bool) -> Self {
        let mut reader = Reader {
            want_text,
            facts: Self {
                html: true,
                ..Self::default()
            },
            ..Reader::default()
        };
        let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _: Span<()>| {
            reader.event(event);
            None::<()>
        });
        // Script, style, title and the like hold raw text, not markup.
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(html, emitter) {
            // Reading a `&str` cannot fail.
            let _ = token;
        }
        reader.finish()
    }

    /// A plain-text page (or a PDF's extracted text): all of it is visible.
    pub fn from_plain(text: String) -> Self {
        Self {
            text: Some(text),
            ..Self::default()
        }
    }

    /// Whether the page has an element anchor for `id` (decoded) or `raw`
    /// (as written in the link).
    pub fn has_anchor(&self, id: &str, raw: &str) -> bool {
        self.anchors.contains(id) || self.anchors.contains(raw)
    }
}

/// A page's element anchors, kept as one string of sorted, distinct ids
/// separated by U+2063 (an invisible separator no id uses, and that JSON
/// need not escape): one allocation to store, load or drop (a page may have
/// thousands), and a lookup per cited fragment is a cheap scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Anchors(String);

const ANCHOR_SEPARATOR: char = '\u{2063}';

impl Anchors {
    /// From the ids found.
    pub fn from_set(ids: HashSet<String>) -> Self {
        let mut ids: Vec<String> = ids
            .into_iter()
            .map(|id| id.replace(ANCHOR_SEPARATOR, " "))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Self(ids.join(&ANCHOR_SEPARATOR.to_string()))
    }

    /// Whether the page has this id.
    pub fn contains(&self, id: &str) -> bool {
        !id.is_empty() && self.0.split(ANCHOR_SEPARATOR).any(|a| a == id)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The tokenizer's listener.
#[derive(Default)]
struct Reader {
    want_text: bool,
    facts: PageFacts,
    anchors: HashSet<String>,
    text: String,
    title: String,
    heading: String,
    /// The start tag being read, and the attribute whose value comes next.
    tag: Vec<u8>,
    attribute: Vec<u8>,
    /// Invisible elements open around the current point.
    hidden: Vec<&'static [u8]>,
    in_head: bool,
    in_title: bool,
    in_h1: bool,
    h1_done: bool,
}

impl Reader {
    fn event(&mut self, event: CallbackEvent<'_>) {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.clear();
                self.tag.extend_from_slice(name);
            }
            CallbackEvent::AttributeName { name } => {
                self.attribute.clear();
                self.attribute.extend_from_slice(name);
            }
            CallbackEvent::AttributeValue { value } => {
                let anchor =
                    self.attribute == b"id" || (self.attribute == b"name" && self.tag == b"a");
                if anchor && !value.is_empty() {
                    self.anchors
                        .insert(String::from_utf8_lossy(value).into_owned());
                }
            }
            CallbackEvent::CloseStartTag { .. } => self.start_tag(),
            CallbackEvent::EndTag { name } => self.end_tag(name),
            CallbackEvent::String { value } => {
                let value = String::from_utf8_lossy(value);
                if self.in_title {
                    self.title.push_str(&value);
                }
                if self.in_h1 {
                    self.heading.push_str(&value);
                }
                if self.want_text && self.hidden.is_empty() && !self.in_head {
                    self.text.push_str(&value);
                }
            }
            _ => {}
        }
    }

    fn start_tag(&mut self) {
        let tag = std::mem::take(&mut self.tag);
        match tag.as_slice() {
            b"head" => self.in_head = true,
            b"title" => self.in_title = true,
            b"h1" if !self.h1_done => self.in_h1 = true,
            t if !HEAD_CONTENT.contains(&t) => self.in_head = false,
            _ => {}
        }
        if let Some(hidden) = INVISIBLE.iter().find(|h| **h == tag.as_slice()) {
            self.hidden.push(hidden);
        }
        if BREAKS.contains(&tag.as_slice()) {
            self.text.push(' ');
        }
        self.tag = tag;
    }

    fn end_tag(&mut self, name: &[u8]) {
        match name {
            b"head" => self.in_head = false,
            b"title" => self.in_title = false,
            b"h1" if self.in_h1 => {
                self.in_h1 = false;
                self.h1_done = true;
            }
            _ => {}
        }
        if let Some(at) = self.hidden.iter().rposition(|h| *h == name) {
            self.hidden.truncate(at);
        }
        if BREAKS.contains(&name) {
            self.text.push(' ');
        }
    }

    fn finish(mut self) -> PageFacts {
        self.facts.anchors = Anchors::from_set(std::mem::take(&mut self.anchors));
        let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        self.facts.title = Some(collapse(&self.title)).filter(|t| !t.is_empty());
        self.facts.heading = Some(collapse(&self.heading)).filter(|t| !t.is_empty());
        if self.want_text {
            self.facts.text = Some(self.text);
        }
        self.facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::normalize::normalize;

    fn visible(html: &str) -> String {
        normalize(&PageFacts::from_html(html, true).text.unwrap())
    }

    #[test]
    fn anchors_title_and_visible_text() {
        let facts = PageFacts::from_html(
            "<html><head><title> A  page </title><script>var x = 'hidden text'</script></head>\
             <body><h1>Head</h1><p id=\"café\">in<span>strument</span> &amp; more</p>\
             <a name=\"comment897\"></a><div>next block</div></body></html>",
            true,
        );
        assert!(facts.has_anchor("café", "caf%C3%A9"));
        assert!(facts.has_anchor("comment897", "comment897"));
        assert!(!facts.has_anchor("missing", "missing"));
        assert_eq!(facts.title.as_deref(), Some("A page"));
        assert_eq!(facts.heading.as_deref(), Some("Head"));
        assert_eq!(
            normalize(facts.text.as_deref().unwrap()),
            "head instrument & more next block"
        );
    }

    #[test]
    fn hidden_content_is_not_text() {
        assert_eq!(
            visible(
                "<p>one<script>if (a < b) { document.write('<p>two</p>') }</script> three</p>\
                 <style>p { color: red }</style><noscript>enable scripts</noscript>\
                 <template><p>later</p></template><!-- a comment --><p>four</p>"
            ),
            "one three four"
        );
    }

    #[test]
    fn a_head_left_open_ends_at_the_body() {
        let facts = PageFacts::from_html(
            "<html><head><title>Old page</title><meta charset=utf-8><p>Body text</p>",
            true,
        );
        assert_eq!(facts.title.as_deref(), Some("Old page"));
        assert_eq!(normalize(facts.text.as_deref().unwrap()), "body text");
    }

    #[test]
    fn entities_and_attributes() {
        let facts = PageFacts::from_html(
            "<p>caf&eacute;&nbsp;au&#160;lait<br>next</p><div id='x&amp;y'></div>\
             <span name=\"not-an-anchor\"></span>",
            true,
        );
        assert!(facts.anchors.contains("x&y"));
        assert!(!facts.anchors.contains("not-an-anchor"));
        assert_eq!(
            normalize(facts.text.as_deref().unwrap()),
            "café au lait next"
        );
    }
}
