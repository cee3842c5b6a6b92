//! A web page's main content: the part of a published memo that is the
//! memo, without the site's navigation, related-memo lists, social and
//! footer links. In order: the element a CSS selector names
//! (`--content-selector`); the page's `<article>` (the one with the most
//! prose, when there are several); `<main>` or `role="main"`; the block
//! whose paragraphs hold the most prose (what readability tools call the
//! densest block); else the whole page. Pure.

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashMap;

/// How a web memo's content is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MainContent {
    /// The CSS selector that names it (`--content-selector`), else the
    /// rules above.
    pub selector: Option<String>,
}

/// Words of paragraph prose from which a block counts as the page's
/// content by density alone.
const MIN_DENSE_WORDS: usize = 40;

/// The element taken as the memo, and how it was chosen (for `-v`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Chosen {
    /// The element, or `None` for the whole page.
    pub node: Option<NodeId>,
    /// What was taken: `<article class="post">, the page's article`.
    pub description: String,
}

/// Choose the main content of `html` as `how` says; an invalid or
/// unmatched selector falls back to the rules, and says so.
pub(super) fn choose(html: &Html, how: &MainContent) -> Chosen {
    let mut why_not = String::new();
    if let Some(css) = &how.selector {
        match Selector::parse(css) {
            Ok(selector) => {
                if let Some(el) = html.select(&selector).next() {
                    return chosen(el, &format!("the element --content-selector {css} names"));
                }
                why_not = format!("--content-selector {css} matched nothing; ");
            }
            Err(e) => why_not = format!("--content-selector {css} is not a CSS selector ({e}); "),
        }
    }
    let select = |css: &str| Selector::parse(css).expect("a valid built-in selector");
    let words = |el: ElementRef<'_>| prose_words(el);
    if let Some(article) = html
        .select(&select("article"))
        .filter(|a| words(*a) > 0)
        .max_by_key(|a| words(*a))
    {
        return chosen(article, &format!("{why_not}the page's article"));
    }
    if let Some(main) = html.select(&select("main, [role=main]")).next() {
        return chosen(main, &format!("{why_not}the page's main element"));
    }
    if let Some(block) = densest_block(html) {
        return chosen(block, &format!("{why_not}the block with the most prose"));
    }
    Chosen {
        node: None,
        description: format!("{why_not}the whole page (no article, main or block of prose)"),
    }
}

fn chosen(el: ElementRef<'_>, how: &str) -> Chosen {
    Chosen {
        node: Some(el.id()),
        description: format!("{}, {how}", describe(el)),
    }
}

/// `<div id="x" class="a b">`, as the element is written (short).
fn describe(el: ElementRef<'_>) -> String {
    let e = el.value();
    let mut out = format!("<{}", e.name());
    for name in ["id", "class", "role"] {
        if let Some(value) = e.attr(name) {
            let value: String = value.chars().take(40).collect();
            out.push_str(&format!(" {name}=\"{value}\""));
        }
    }
    out.push('>');
    out
}

/// Words in the paragraphs inside `el` (what prose it holds; lists of
/// links are not paragraphs).
pub(crate) fn prose_words(el: ElementRef<'_>) -> usize {
    words_in(el, "p")
}

/// Words in the text of the `name` elements inside `el`.
fn words_in(el: ElementRef<'_>, name: &str) -> usize {
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == name)
        .map(|e| {
            e.text()
                .map(|t| t.split_whitespace().count())
                .sum::<usize>()
        })
        .sum()
}

/// The element whose own paragraphs hold the most words, when they hold
/// enough to be a memo.
fn densest_block(html: &Html) -> Option<ElementRef<'_>> {
    let mut score: HashMap<NodeId, usize> = HashMap::new();
    for node in html.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if el.name() != "p" {
            continue;
        }
        let Some(parent) = node.parent() else {
            continue;
        };
        let Some(p) = ElementRef::wrap(node) else {
            continue;
        };
        // Words inside links are navigation more than prose.
        let words = words_in(p, "p").saturating_sub(words_in(p, "a"));
        *score.entry(parent.id()).or_default() += words;
    }
    let (&best, &words) = score.iter().max_by_key(|(id, words)| (**words, **id))?;
    if words < MIN_DENSE_WORDS {
        return None;
    }
    html.tree.get(best).and_then(ElementRef::wrap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(page: &str, selector: Option<&str>) -> String {
        let html = Html::parse_document(page);
        let how = MainContent {
            selector: selector.map(str::to_owned),
        };
        choose(&html, &how).description
    }

    const PROSE: &str = "<p>The minister said on Tuesday that the pipeline would be finished \
        by the end of the year, a promise the region has heard before and which the \
        opposition doubts, pointing to three earlier deadlines that passed without a \
        single section of pipe being laid in the ground.</p>";

    #[test]
    fn article_main_densest_block_or_the_whole_page() {
        let nav = "<nav><a href=/a>A</a> <a href=/b>B</a></nav><footer><p>(c)</p></footer>";
        let page = format!(
            "<body>{nav}<article class=memo>{PROSE}</article>\
            <aside><article><p>Related.</p></article></aside></body>"
        );
        assert_eq!(
            taken(&page, None),
            "<article class=\"memo\">, the page's article",
            "the article with the most prose"
        );
        let page = format!("<body>{nav}<div role=main><div>{PROSE}</div></div></body>");
        assert!(taken(&page, None).starts_with("<div role=\"main\">"));
        let page =
            format!("<body>{nav}<div id=c><div class=body>{PROSE}{PROSE}</div></div></body>");
        assert_eq!(
            taken(&page, None),
            "<div class=\"body\">, the block with the most prose"
        );
        let page = format!("<body>{nav}<p>Short.</p></body>");
        assert!(taken(&page, None).starts_with("the whole page"));
    }

    #[test]
    fn a_selector_overrides_and_a_bad_one_says_so() {
        let page = format!("<body><article>{PROSE}</article><div class=x><p>x</p></div></body>");
        assert_eq!(
            taken(&page, Some("div.x")),
            "<div class=\"x\">, the element --content-selector div.x names"
        );
        let missed = taken(&page, Some("div.y"));
        assert!(
            missed.starts_with("<article>, --content-selector div.y matched nothing"),
            "{missed}"
        );
        let bad = taken(&page, Some("div["));
        assert!(bad.contains("is not a CSS selector"), "{bad}");
    }
}
