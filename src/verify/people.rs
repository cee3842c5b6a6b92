//! Who a page names as the authors of its words: the page's own byline and
//! author metadata (`<meta name="author">`, Dublin Core, JSON-LD
//! `author`), and each comment or forum post with its author and its
//! place in the page's visible text. Read in the same tokenizer pass as
//! the rest of the page ([`super::page`] feeds [`PeopleReader`]). Pure.
//!
//! A comment is an element whose class is `comment` or `reply`, or whose
//! id is `comment-897`, `comment897`, `div-comment-897` (WordPress and most
//! blog engines); an element of class `post` or id `post-123`/`p123`
//! (phpBB, Disqus exports) is a comment only when the page has two or
//! more of them (a lone `post` is the article itself). Its author is the
//! text of its first element marked as one (`author`, `fn`, `username`,
//! `byline`, `itemprop="author"`, `rel="author"`, or a `<cite>`).

use std::ops::Range;

/// Most bytes of one name kept.
const NAME_LIMIT: usize = 120;

/// Most names kept from the page's byline and metadata.
const AUTHORS_LIMIT: usize = 8;

/// Elements that hold no content (never closed).
const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];

/// Who a page names as the authors of its words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct People {
    /// The page's authors: its byline and author metadata.
    pub authors: Vec<String>,
    /// Its comments and posts, in page order.
    pub comments: Vec<Comment>,
}

impl People {
    /// Whether the page names nobody and has no comments.
    pub fn is_empty(&self) -> bool {
        self.authors.is_empty() && self.comments.is_empty()
    }

    /// The innermost comment holding byte `at` of the visible text.
    pub fn comment_at(&self, at: usize) -> Option<usize> {
        self.comments
            .iter()
            .enumerate()
            .filter(|(_, c)| c.span.contains(&at))
            .min_by_key(|(_, c)| c.span.len())
            .map(|(i, _)| i)
    }

    /// Whether byte `at` lies in comment `index` itself, not in a comment
    /// nested in it (a reply).
    pub fn in_own_text(&self, index: usize, at: usize) -> bool {
        self.comment_at(at) == Some(index)
    }
}

/// A comment or forum post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its bytes in the page's visible text (replies nested in it
    /// included).
    pub span: Range<usize>,
    /// What its id calls it: `comment 897` (`comment-897`), `post 4521`
    /// (`p4521`), when it has a numbered id.
    pub number: Option<String>,
    /// Its author, as the page shows it.
    pub author: Option<String>,
}

impl Comment {
    /// How the report names it: "comment 897", "the comment by Jane Roe",
    /// or "a comment".
    pub fn label(&self) -> String {
        match (&self.number, &self.author) {
            (Some(n), _) => n.clone(),
            (None, Some(author)) => format!("the comment by {author}"),
            (None, None) => "a comment".to_owned(),
        }
    }
}

/// What an open element is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    /// A comment (its index), `weak` when only a `post` class or id says
    /// so.
    Comment(usize),
    /// Its text names the author of the innermost comment, or the page's
    /// author outside comments.
    Author,
}

/// An open element: its name (cut to 12 bytes: enough to match end tags)
/// and role.
#[derive(Debug, Clone, Copy)]
struct Open {
    name: [u8; 12],
    role: Role,
}

fn key(name: &[u8]) -> [u8; 12] {
    let mut out = [0u8; 12];
    let n = name.len().min(12);
    out[..n].copy_from_slice(&name[..n]);
    out
}

/// The attributes of the start tag being read that matter here.
#[derive(Debug, Default)]
struct Attributes {
    class: String,
    id: String,
    itemprop: String,
    rel: String,
    name: String,
    property: String,
    content: String,
}

/// Reads [`People`] from the tokenizer's events, told where in the
/// visible text each one happens.
#[derive(Debug, Default)]
pub struct PeopleReader {
    people: People,
    /// Whether each comment was taken from a `post` class or id only.
    weak: Vec<bool>,
    stack: Vec<Open>,
    attributes: Attributes,
    /// The author text being read, and for which comment (`None`: the
    /// page's byline).
    capture: Option<(Option<usize>, String)>,
}

impl PeopleReader {
    /// A start tag opens: forget the previous tag's attributes (keeping
    /// their room: a page has thousands of tags).
    pub fn open_tag(&mut self) {
        let a = &mut self.attributes;
        for slot in [
            &mut a.class,
            &mut a.id,
            &mut a.itemprop,
            &mut a.rel,
            &mut a.name,
            &mut a.property,
            &mut a.content,
        ] {
            slot.clear();
        }
    }

    /// One attribute of the start tag being read.
    pub fn attribute(&mut self, name: &[u8], value: &[u8]) {
        let slot = match name {
            b"class" => &mut self.attributes.class,
            b"id" => &mut self.attributes.id,
            b"itemprop" => &mut self.attributes.itemprop,
            b"rel" => &mut self.attributes.rel,
            b"name" => &mut self.attributes.name,
            b"property" => &mut self.attributes.property,
            b"content" => &mut self.attributes.content,
            _ => return,
        };
        slot.clear();
        slot.push_str(&String::from_utf8_lossy(value));
    }

    /// The start tag `name` is complete; `at` is the visible text's length.
    pub fn start_tag(&mut self, name: &[u8], at: usize) {
        if name == b"meta" {
            self.meta();
            return;
        }
        if VOID.contains(&name) {
            return;
        }
        // What HTML closes without an end tag: a list item by the next
        // one of its list, a paragraph by the next.
        if matches!(name, b"li" | b"p" | b"dd" | b"dt") {
            let stop: &[&[u8]] = if name == b"p" {
                &[b"div", b"li", b"td", b"blockquote", b"article", b"section"]
            } else {
                &[b"ul", b"ol", b"dl"]
            };
            let open = self
                .stack
                .iter()
                .rposition(|o| o.name == key(name) || stop.iter().any(|s| o.name == key(s)));
            if let Some(i) = open.filter(|&i| self.stack[i].name == key(name)) {
                self.close_from(i, at);
            }
        }
        let role = self.role_of(name, at);
        self.stack.push(Open {
            name: key(name),
            role,
        });
    }

    /// The end tag `name`; `at` is the visible text's length.
    pub fn end_tag(&mut self, name: &[u8], at: usize) {
        if let Some(i) = self.stack.iter().rposition(|o| o.name == key(name)) {
            self.close_from(i, at);
        }
    }

    /// Visible text, as it is added to the page's text.
    pub fn text(&mut self, text: &str) {
        if let Some((_, name)) = &mut self.capture {
            if name.len() < NAME_LIMIT * 2 {
                name.push_str(text);
            }
        }
    }

    /// Names a JSON-LD block gives as its `author` or `creator`.
    pub fn json_ld(&mut self, value: &serde_json::Value) {
        let mut stack = vec![value];
        let mut names = Vec::new();
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        if matches!(k.as_str(), "author" | "creator") {
                            names_in(v, &mut names);
                        } else {
                            stack.push(v);
                        }
                    }
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        for name in names {
            self.add_author(name);
        }
    }

    /// What was read; `at` is the visible text's final length.
    pub fn finish(mut self, at: usize) -> Option<People> {
        self.close_from(0, at);
        // A lone `post` is the article, not a comment of a thread.
        let weak = self.weak.iter().filter(|w| **w).count();
        if weak < 2 {
            let mut keep = self.weak.iter().map(|w| !w);
            self.people.comments.retain(|_| keep.next().unwrap_or(true));
        }
        (!self.people.is_empty()).then_some(self.people)
    }

    fn meta(&mut self) {
        let a = &self.attributes;
        let named = |n: &str| a.name.eq_ignore_ascii_case(n) || a.property.eq_ignore_ascii_case(n);
        let author = ["author", "dc.creator", "dcterms.creator", "article:author"]
            .iter()
            .any(|n| named(n));
        if author && !a.content.contains("://") {
            let content = a.content.clone();
            self.add_author(content);
        }
    }

    fn role_of(&mut self, name: &[u8], at: usize) -> Role {
        let a = &self.attributes;
        // Most tags have neither class nor id: nothing to allocate.
        let class = |c: &str| {
            a.class
                .split_ascii_whitespace()
                .any(|k| k.eq_ignore_ascii_case(c))
        };
        let id = a.id.to_ascii_lowercase();
        let strong = class("comment") || class("reply") || comment_number(&id).is_some();
        let weak = class("post") || post_number(&id).is_some();
        if strong || weak {
            let number = comment_number(&id)
                .map(|n| format!("comment {n}"))
                .or_else(|| post_number(&id).map(|n| format!("post {n}")));
            self.people.comments.push(Comment {
                span: at..at,
                number,
                author: None,
            });
            self.weak.push(!strong);
            return Role::Comment(self.people.comments.len() - 1);
        }
        if self.capture.is_some() {
            return Role::Plain;
        }
        let marks_author = a.class.split_ascii_whitespace().any(|c| {
            c.eq_ignore_ascii_case("fn")
                || ["author", "username", "user-name", "byline"]
                    .iter()
                    .any(|part| contains_ignoring_case(c, part))
        }) || a.itemprop.eq_ignore_ascii_case("author")
            || a.itemprop.eq_ignore_ascii_case("creator")
            || a.rel.eq_ignore_ascii_case("author")
            || name == b"cite";
        if !marks_author {
            return Role::Plain;
        }
        let comment = self.stack.iter().rev().find_map(|o| match o.role {
            Role::Comment(i) => Some(i),
            _ => None,
        });
        match comment {
            Some(i) if self.people.comments[i].author.is_some() => Role::Plain,
            // A `<cite>` outside comments is a title, not a byline.
            None if name == b"cite" => Role::Plain,
            _ => {
                self.capture = Some((comment, String::new()));
                Role::Author
            }
        }
    }

    /// Close the open elements from `i` up.
    fn close_from(&mut self, i: usize, at: usize) {
        while self.stack.len() > i {
            let Some(open) = self.stack.pop() else {
                break;
            };
            match open.role {
                Role::Comment(c) => self.people.comments[c].span.end = at,
                Role::Author => {
                    if let Some((comment, text)) = self.capture.take() {
                        let name = clean_name(&text);
                        if name.is_empty() {
                            continue;
                        }
                        match comment {
                            Some(c) => self.people.comments[c].author = Some(name),
                            None => self.add_author(name),
                        }
                    }
                }
                Role::Plain => {}
            }
        }
    }

    fn add_author(&mut self, name: String) {
        let name = clean_name(&name);
        let authors = &mut self.people.authors;
        if !name.is_empty() && authors.len() < AUTHORS_LIMIT && !authors.contains(&name) {
            authors.push(name);
        }
    }
}

/// Whether `hay` contains `needle` (ASCII lower case), in any case.
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The number of a comment id: `comment-897`, `comment897`,
/// `div-comment-897`, `li-comment-897`, `comment_897`.
fn comment_number(id: &str) -> Option<String> {
    let rest = id
        .strip_prefix("div-")
        .or_else(|| id.strip_prefix("li-"))
        .unwrap_or(id)
        .strip_prefix("comment")?;
    let digits = rest.trim_start_matches(['-', '_']);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_owned())
}

/// The number of a post id: `post-123`, `p123` (phpBB).
fn post_number(id: &str) -> Option<String> {
    let digits = id
        .strip_prefix("post-")
        .or_else(|| id.strip_prefix("post"))
        .or_else(|| id.strip_prefix('p'))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_owned())
}

/// Names in a JSON-LD `author` value: a string, an object's `name`, or a
/// list of them.
fn names_in(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if !s.contains("://") => out.push(s.clone()),
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(s)) = map.get("name") {
                out.push(s.clone());
            }
        }
        serde_json::Value::Array(items) => {
            for item in items.iter().take(AUTHORS_LIMIT) {
                names_in(item, out);
            }
        }
        _ => {}
    }
}

/// A name as shown: white space collapsed, "By " and a trailing "says:"
/// dropped, cut to [`NAME_LIMIT`] bytes.
fn clean_name(text: &str) -> String {
    let mut name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for ending in [" says:", " said:", " wrote:", " says", " wrote", ":"] {
        if let Some(stripped) = name.strip_suffix(ending) {
            name = stripped.to_owned();
        }
    }
    for opening in ["By ", "by ", "Posted by ", "posted by "] {
        if let Some(stripped) = name.strip_prefix(opening) {
            name = stripped.to_owned();
        }
    }
    if name.len() > NAME_LIMIT {
        let mut end = NAME_LIMIT;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_and_post_numbers() {
        assert_eq!(comment_number("comment-897").as_deref(), Some("897"));
        assert_eq!(comment_number("comment897").as_deref(), Some("897"));
        assert_eq!(comment_number("div-comment-12").as_deref(), Some("12"));
        assert_eq!(comment_number("comments"), None);
        assert_eq!(comment_number("comment-form"), None);
        assert_eq!(post_number("p4521").as_deref(), Some("4521"));
        assert_eq!(post_number("post-3").as_deref(), Some("3"));
        assert_eq!(post_number("page"), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("  Jane   Roe\n says:"), "Jane Roe");
        assert_eq!(
            clean_name("By Jaap de Hoop Scheffer"),
            "Jaap de Hoop Scheffer"
        );
        assert_eq!(clean_name(&"é".repeat(100)).len(), NAME_LIMIT);
    }
}
