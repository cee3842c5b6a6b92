//! What a fetched HTML page offers the verifier: its element anchors, its
//! title and first heading, and its visible text, computed once per page.

use super::normalize::normalize;
use ego_tree::iter::Edge;
use scraper::{Html, Node};
use std::collections::HashSet;

/// Elements whose text a reader never sees.
const INVISIBLE: &[&str] = &["script", "style", "noscript", "template", "head"];

/// Elements that separate words (block-level and line breaks).
const BREAKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "td",
    "th",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "dd",
    "dt",
    "dl",
    "pre",
    "hr",
    "figure",
    "figcaption",
    "form",
    "address",
    "body",
    "title",
    "option",
];

/// Facts about one HTML page.
#[derive(Debug, Clone, Default)]
pub struct PageFacts {
    /// Every `id` and every `<a name>`.
    pub anchors: HashSet<String>,
    /// The `<title>`, white space collapsed.
    pub title: Option<String>,
    /// The first `<h1>`, white space collapsed.
    pub heading: Option<String>,
    /// The visible text, normalised.
    pub text: String,
}

impl PageFacts {
    /// Read a page's HTML.
    pub fn from_html(html: &str) -> Self {
        let doc = Html::parse_document(html);
        let mut facts = Self::default();
        let mut raw = String::new();
        let mut skip: Option<ego_tree::NodeId> = None;
        let mut in_title = false;
        let mut in_h1 = false;
        let mut title = String::new();
        let mut heading = String::new();
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => {
                        if let Some(id) = el.attr("id") {
                            facts.anchors.insert(id.to_owned());
                        }
                        if el.name() == "a" {
                            if let Some(name) = el.attr("name") {
                                facts.anchors.insert(name.to_owned());
                            }
                        }
                        match el.name() {
                            "title" => in_title = true,
                            "h1" if facts.heading.is_none() && heading.is_empty() => in_h1 = true,
                            _ => {}
                        }
                        if skip.is_none() && INVISIBLE.contains(&el.name()) {
                            skip = Some(node.id());
                        }
                        if BREAKS.contains(&el.name()) {
                            raw.push(' ');
                        }
                    }
                    Node::Text(text) => {
                        if in_title {
                            title.push_str(text);
                        }
                        if in_h1 {
                            heading.push_str(text);
                        }
                        if skip.is_none() {
                            raw.push_str(text);
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    if skip == Some(node.id()) {
                        skip = None;
                    }
                    if let Node::Element(el) = node.value() {
                        match el.name() {
                            "title" => in_title = false,
                            "h1" => in_h1 = false,
                            _ => {}
                        }
                        if BREAKS.contains(&el.name()) {
                            raw.push(' ');
                        }
                    }
                }
            }
        }
        let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        facts.title = Some(collapse(&title)).filter(|t| !t.is_empty());
        facts.heading = Some(collapse(&heading)).filter(|t| !t.is_empty());
        facts.text = normalize(&raw);
        facts
    }

    /// Whether the page has an element anchor for `id` (decoded) or `raw`
    /// (as written in the link).
    pub fn has_anchor(&self, id: &str, raw: &str) -> bool {
        self.anchors.contains(id) || self.anchors.contains(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_title_and_visible_text() {
        let facts = PageFacts::from_html(
            "<html><head><title> A  page </title><script>var x = 'hidden text'</script></head>\
             <body><h1>Head</h1><p id=\"café\">in<span>strument</span> &amp; more</p>\
             <a name=\"comment897\"></a><div>next block</div></body></html>",
        );
        assert!(facts.has_anchor("café", "caf%C3%A9"));
        assert!(facts.has_anchor("comment897", "comment897"));
        assert!(!facts.has_anchor("missing", "missing"));
        assert_eq!(facts.title.as_deref(), Some("A page"));
        assert_eq!(facts.heading.as_deref(), Some("Head"));
        assert_eq!(facts.text, "head instrument & more next block");
    }
}
