//! What a fetched page offers the verifier: its element anchors, its title
//! and first heading, and the text a reader sees, read in one pass of a
//! streaming HTML tokenizer (html5gum; no tree is built, which keeps a
//! page's reading several times cheaper than a DOM parse).

use super::people::{People, PeopleReader};
use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};
use std::collections::HashSet;
use std::sync::Arc;

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// Whether the page builds its text with scripts: little visible text
    /// beside script data (hydration JSON, JSON-LD, a state object) or a
    /// root element left for scripts to fill.
    pub script_built: bool,
    /// On such a page, the text in its script data (JSON strings decoded,
    /// HTML inside them reduced to text), when the text was asked for.
    pub script_text: Option<String>,
    /// Who the page names as the authors of its words (byline, metadata,
    /// each comment's author and place in `text`), when the text was
    /// asked for and the page names anyone.
    pub people: Option<Arc<People>>,
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors(String);

const ANCHOR_SEPARATOR: char = '\u{2063}';

impl Anchors {
    /// From their joined form ([`Self::joined`]), as the store keeps it.
    pub(crate) fn from_joined(joined: String) -> Self {
        Self(joined)
    }

    /// The ids, sorted, separated by U+2063: the form the store keeps.
    pub(crate) fn joined(&self) -> &str {
        &self.0
    }

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

/// The ids of the elements client-rendered sites fill with scripts.
const APP_ROOTS: &[&[u8]] = &[
    b"__next",
    b"__nuxt",
    b"___gatsby",
    b"root",
    b"app",
    b"svelte",
];

/// Markers of a state object an inline script hands the page
/// (`window.__INITIAL_STATE__ = {…}`).
const STATE_MARKERS: &[&str] = &[
    "__INITIAL_STATE__",
    "__PRELOADED_STATE__",
    "__APOLLO_STATE__",
    "__NUXT__",
    "__remixContext",
    "__DATA__",
];

/// Below this many visible words a page with script data (or an app root)
/// is taken as built by scripts.
const THIN_PAGE_WORDS: usize = 60;

/// A thin page with at least this many words of script data is taken as
/// built by scripts.
const SCRIPT_DATA_WORDS: usize = 20;

/// Most bytes of one script's data read for its text.
const MAX_SCRIPT_DATA: usize = 4 * 1024 * 1024;

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
    /// The `type` and `id` of the start tag being read, for scripts.
    script_type: Vec<u8>,
    script_id: Vec<u8>,
    /// The script being read, when it may hold data: whether it is JSON,
    /// and its text so far.
    script: Option<(bool, String)>,
    /// Text found in script data.
    script_text: String,
    /// Whether an element is a client-rendered site's root.
    app_root: bool,
    /// Who the page names, read when the text is.
    people: PeopleReader,
}

impl Reader {
    fn event(&mut self, event: CallbackEvent<'_>) {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                self.tag.clear();
                self.tag.extend_from_slice(name);
                self.script_type.clear();
                self.script_id.clear();
                self.people.open_tag();
            }
            CallbackEvent::AttributeName { name } => {
                self.attribute.clear();
                self.attribute.extend_from_slice(name);
            }
            CallbackEvent::AttributeValue { value } => {
                if self.want_text {
                    self.people.attribute(&self.attribute, value);
                }
                if self.tag == b"script" && self.attribute == b"type" {
                    self.script_type = value.to_ascii_lowercase();
                }
                if self.attribute == b"id" {
                    if self.tag == b"script" {
                        self.script_id = value.to_vec();
                    }
                    if APP_ROOTS.contains(&value) {
                        self.app_root = true;
                    }
                }
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
                if let Some((_, data)) = self.script.as_mut() {
                    if data.len() < MAX_SCRIPT_DATA {
                        data.push_str(&value);
                    }
                }
                if self.in_title {
                    self.title.push_str(&value);
                }
                if self.in_h1 {
                    self.heading.push_str(&value);
                }
                if self.want_text && self.hidden.is_empty() && !self.in_head {
                    self.text.push_str(&value);
                    self.people.text(&value);
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
        if tag == b"script" && self.want_text {
            let json = self.script_type.ends_with(b"json") || self.script_id == b"__NEXT_DATA__";
            let code = self.script_type.is_empty() || self.script_type.ends_with(b"javascript");
            if json || code {
                self.script = Some((json, String::new()));
            }
        }
        if BREAKS.contains(&tag.as_slice()) {
            self.text.push(' ');
        }
        if self.want_text {
            self.people.start_tag(&tag, self.text.len());
        }
        self.tag = tag;
    }

    fn end_tag(&mut self, name: &[u8]) {
        if name == b"script" {
            if let Some((json, data)) = self.script.take() {
                if json && self.script_type.ends_with(b"ld+json") {
                    if let Ok(value) = serde_json::from_str(data.trim()) {
                        self.people.json_ld(&value);
                    }
                }
                script_data_text(json, &data, &mut self.script_text);
            }
        }
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
        if self.want_text {
            self.people.end_tag(name, self.text.len());
        }
    }

    fn finish(mut self) -> PageFacts {
        self.facts.anchors = Anchors::from_set(std::mem::take(&mut self.anchors));
        let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        self.facts.title = Some(collapse(&self.title)).filter(|t| !t.is_empty());
        self.facts.heading = Some(collapse(&self.heading)).filter(|t| !t.is_empty());
        if self.want_text {
            // Only whether there are fewer words than the thresholds
            // matters: counting stops there (a long page is not walked).
            let words = |text: &str, enough: usize| text.split_whitespace().take(enough).count();
            let thin = words(&self.text, THIN_PAGE_WORDS) < THIN_PAGE_WORDS;
            let data = words(&self.script_text, SCRIPT_DATA_WORDS);
            self.facts.script_built = thin && (data >= SCRIPT_DATA_WORDS || self.app_root);
            if self.facts.script_built && data > 0 {
                self.facts.script_text = Some(self.script_text);
            }
            self.facts.people = self.people.finish(self.text.len()).map(Arc::new);
            self.facts.text = Some(self.text);
        }
        self.facts
    }
}

/// The text in one script's data: a JSON script's strings, or the state
/// object an inline script hands the page, each string of three words or
/// more (ids, URLs and class names are not prose), HTML in them reduced to
/// its visible text.
fn script_data_text(json: bool, data: &str, out: &mut String) {
    let value: Option<serde_json::Value> = if json {
        serde_json::from_str(data.trim()).ok()
    } else {
        STATE_MARKERS.iter().find_map(|marker| {
            let after = &data[data.find(marker)? + marker.len()..];
            let start = after.find('=')? + 1;
            let object = after[start..].trim_start();
            serde_json::Deserializer::from_str(object)
                .into_iter::<serde_json::Value>()
                .next()?
                .ok()
        })
    };
    let Some(value) = value else {
        return;
    };
    let mut stack = vec![&value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::String(text) if text.split_whitespace().nth(2).is_some() => {
                let text = if text.contains('<') && text.contains('>') {
                    PageFacts::from_html(text, true).text.unwrap_or_default()
                } else {
                    text.clone()
                };
                out.push_str(&text);
                out.push_str("\n\n");
            }
            serde_json::Value::Array(items) => stack.extend(items.iter().rev()),
            serde_json::Value::Object(map) => stack.extend(map.values().rev()),
            _ => {}
        }
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
    fn pages_built_by_scripts_are_known_and_their_data_read() {
        let next = PageFacts::from_html(
            "<div id=\"__next\"></div><script id=\"__NEXT_DATA__\" type=\"application/json\">\
             {\"props\":{\"title\":\"x\",\"body\":\"<p>Words of the <b>article</b> here.</p>\"}}\
             </script>",
            true,
        );
        assert!(next.script_built);
        assert_eq!(
            normalize(next.script_text.as_deref().unwrap()),
            "words of the article here."
        );
        let state = PageFacts::from_html(
            "<div id=root></div><script>var a = 1; window.__INITIAL_STATE__ = \
             {\"s\": [\"one two three four\"]}; start();</script>",
            true,
        );
        assert!(state.script_built);
        assert!(state.script_text.unwrap().contains("one two three four"));
        // A page with its article in view and JSON-LD beside it is an
        // ordinary page.
        let article = format!(
            "<p>{}</p><script type=\"application/ld+json\">{{\"articleBody\": \"a b c d\"}}</script>",
            "word ".repeat(200)
        );
        let ordinary = PageFacts::from_html(&article, true);
        assert!(!ordinary.script_built);
        assert!(ordinary.script_text.is_none());
        // Broken data is no text, and no panic.
        let broken = PageFacts::from_html(
            "<div id=app></div><script type=\"application/json\">{\"a\": [</script>",
            true,
        );
        assert!(broken.script_built, "an app root left empty");
        assert!(broken.script_text.is_none());
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

    /// Comments with their authors and places; a lone `post` is the
    /// article; list items HTML closes without an end tag close here too.
    #[test]
    fn people_the_page_names() {
        let facts = PageFacts::from_html(
            "<head><meta name=author content='Mary Jones'></head>\
             <article class='post' id='post-1'><p>Body text.</p></article>\
             <ul><li id=comment-7 class=comment><span class=author>Ann Lee</span> first\
             <li id=comment-8 class=comment><cite>Bo Chan</cite> says: second</ul>",
            true,
        );
        let text = facts.text.unwrap();
        let people = facts.people.unwrap();
        assert_eq!(people.authors, ["Mary Jones"]);
        let comments: Vec<(&str, Option<&str>, &str)> = people
            .comments
            .iter()
            .map(|c| {
                (
                    c.number.as_deref().unwrap(),
                    c.author.as_deref(),
                    text[c.span.clone()].trim(),
                )
            })
            .collect();
        assert_eq!(
            comments,
            [
                ("comment 7", Some("Ann Lee"), "Ann Lee first"),
                ("comment 8", Some("Bo Chan"), "Bo Chan says: second"),
            ]
        );
        let plain = PageFacts::from_html("<p>Nobody named.</p>", true);
        assert!(plain.people.is_none());
        assert!(
            PageFacts::from_html("<meta name=author content=X>", false)
                .people
                .is_none()
        );
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
