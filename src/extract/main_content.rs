//! A web page's main content: the part of a published memo that is the
//! memo, without the site's navigation, related-memo lists, social and
//! footer links. In order: the element a CSS selector names
//! (`--content-selector`); the page's `<article>` (the one with the most
//! prose, when there are several); `<main>` or `role="main"`; the block
//! whose paragraphs hold the most prose (what readability tools call the
//! densest block); else the whole page. Inside it, the site's chrome that
//! pages nest in their articles (bylines, share and print tools, tag lists,
//! related-story boxes, newsletter promotions, comments, advertisements)
//! is not the memo either ([`is_chrome`]). Pure.

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

/// Element names that are a page's chrome wherever they stand.
const CHROME_ELEMENTS: &[&str] = &[
    "nav", "aside", "footer", "header", "form", "button", "menu", "noscript",
];

/// ARIA roles of chrome.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "banner",
    "search",
];

/// Words of a class or id that name chrome (`social__item`, `shareInfo`,
/// `entry-meta`, `ArticleBody-byline`).
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "advertisement",
    "also",
    "author",
    "authors",
    "badge",
    "breadcrumb",
    "breadcrumbs",
    "byline",
    "categories",
    "category",
    "cats",
    "comment",
    "comments",
    "cta",
    "discussion",
    "disqus",
    "email",
    "follow",
    "footer",
    "header",
    "info",
    "inset",
    "keywords",
    "labels",
    "livefyre",
    "menu",
    "meta",
    "nav",
    "navigation",
    "newsletter",
    "outbrain",
    "pager",
    "pagination",
    "print",
    "promo",
    "rating",
    "recommended",
    "related",
    "share",
    "sharing",
    "sidebar",
    "signup",
    "social",
    "sponsor",
    "sponsored",
    "submeta",
    "subscribe",
    "subscription",
    "taboola",
    "tag",
    "tags",
    "teaser",
    "teasers",
    "toolbar",
    "tools",
    "topic",
    "topics",
    "unrelated",
    "widget",
];

/// Words of a link's own class that name chrome (`a.author`,
/// `a.twitter-follow-button`); a tag link in the text (`a.textTag`) stays.
const CHROME_LINK_WORDS: &[&str] = &[
    "author",
    "byline",
    "comment",
    "comments",
    "email",
    "follow",
    "newsletter",
    "print",
    "share",
    "sharing",
    "social",
    "subscribe",
    "teaser",
    "topic",
];

/// Runs of words of a class or id that name chrome (`rich-link`,
/// `more_stories`).
const CHROME_RUNS: &[&str] = &[
    "mostpopular",
    "mostread",
    "morestories",
    "nextpost",
    "prevpost",
    "readmore",
    "readnext",
    "richlink",
];

/// Words of a class or id that name comments, chrome however much prose
/// they hold.
const COMMENT_WORDS: &[&str] = &["comment", "comments", "discussion", "disqus", "livefyre"];

/// How the words of a class or id that name the memo's own notes begin;
/// the notes stay the memo wherever they stand (`<footer
/// class="footnotes">`, `<ul class="sourcelist">`).
const NOTE_WORDS: &[&str] = &[
    "bibliograph",
    "citation",
    "endnote",
    "footnote",
    "note",
    "reference",
    "source",
];

/// Where share buttons, advertisements and the comment service lead: a
/// link there is never a citation.
const CHROME_LINKS: &[&str] = &[
    "ad.doubleclick.net/",
    "api.whatsapp.com/send",
    "buffer.com/add",
    "del.icio.us/post",
    "digg.com/submit",
    "disqus.com",
    "facebook.com/dialog/share",
    "facebook.com/share.php",
    "facebook.com/sharer",
    "getpocket.com/edit",
    "getpocket.com/save",
    "linkedin.com/cws/share",
    "linkedin.com/sharearticle",
    "news.ycombinator.com/submitlink",
    "newsvine.com/_wine/save",
    "pinterest.com/pin/create",
    "pinterest.com/pin/find",
    "plus.google.com/share",
    "pubads.g.doubleclick.net/",
    "reddit.com/submit",
    "share.flipboard.com/",
    "stumbleupon.com/submit",
    "t.me/share",
    "tumblr.com/share",
    "twitter.com/intent/",
    "twitter.com/share",
    "vk.com/share.php",
    "web.whatsapp.com/send",
    "x.com/intent/",
    "xing.com/social/share",
    "xing.com/social_plugins/share",
    "xing.com/spi/shares",
];

/// Whether `el`, inside a web memo's main content, is the site's chrome
/// rather than the memo: a `nav`, `aside`, `header`, `footer`, `form`,
/// `noscript`; an
/// element whose role, class or id says navigation, byline, share, tags,
/// related, comments, newsletter, advertisement…; a link to a share button
/// or an ad server. Never chrome: what holds the memo's notes (an element
/// named for footnotes, references or sources, or one holding such an
/// element), and what holds half the prose of the content (`content_words`,
/// its [`prose_words`]) or more: a layout wrapper named `l-sidebar-fixed`
/// around the article's text is the article (comments excepted).
pub(crate) fn is_chrome(el: ElementRef<'_>, content_words: usize, lists: &SiteLinkLists) -> bool {
    let e = el.value();
    let named = |words: &[String], list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if e.name() == "a" {
        // A link is chrome by where it leads or by its own class (`a.author`,
        // `a.primary-topic`), not by being a link.
        return e.attr("href").is_some_and(is_chrome_link)
            || names_of(e).any(|words| named(&words, CHROME_LINK_WORDS));
    }
    if lists.0.contains(&el.id()) {
        return !holds_notes(el);
    }
    let chrome = is_named_chrome(e) || opens_other_stories(el);
    chrome && !holds_notes(el) && (is_comments(e) || prose_words(el) * 2 < content_words)
}

/// How the heading of a box of other stories begins (`More from The
/// Verge`, `Read Other Related Stories About This:`, `Lesen Sie auch`),
/// in the languages of the corpus; compared in lower case, whole words.
const OTHER_STORIES: &[&str] = &[
    "a lire aussi",
    "à lire aussi",
    "also read",
    "around the web",
    "das könnte sie auch interessieren",
    "editor's picks",
    "from around the web",
    "latest news",
    "latest stories",
    "lesen sie auch",
    "lesen sie mehr",
    "les plus lus",
    "lire aussi",
    "lo más leído",
    "mehr aus",
    "mehr von",
    "mehr zu",
    "mehr zum thema",
    "meistgelesen",
    "more from",
    "more in",
    "more news",
    "more on",
    "more stories",
    "most popular",
    "most read",
    "most viewed",
    "más noticias",
    "noticias relacionadas",
    "read also",
    "read more",
    "read next",
    "read other",
    "recommended",
    "related",
    "sur le même sujet",
    "te puede interesar",
    "trending",
    "weitere artikel",
    "you may also",
    "you may like",
    "you might also",
    "you might like",
];

/// Whether `el` is a box of other stories: a block that opens with a
/// heading announcing them ([`OTHER_STORIES`]), before any text of its
/// own, and whose words are mostly links. A section of the memo headed
/// "Related developments" holds prose, not links, and stays.
fn opens_other_stories(el: ElementRef<'_>) -> bool {
    if !matches!(
        el.value().name(),
        "div" | "section" | "ul" | "ol" | "dl" | "table"
    ) {
        return false;
    }
    let heading = el
        .descendants()
        .skip(1)
        .find_map(|node| match node.value() {
            Node::Text(text) if !text.trim().is_empty() => Some(None),
            Node::Element(e) if matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") => {
                Some(ElementRef::wrap(node))
            }
            _ => None,
        });
    let Some(Some(heading)) = heading else {
        return false;
    };
    let title = heading
        .text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let announces = OTHER_STORIES.iter().any(|start| {
        title
            .strip_prefix(start)
            .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
    });
    if !announces {
        return false;
    }
    // Words a reader sees: a script's data is not the box's text.
    let words: usize = el
        .descendants()
        .filter(|node| {
            node.parent()
                .and_then(|p| p.value().as_element())
                .is_none_or(|p| !matches!(p.name(), "script" | "style"))
        })
        .filter_map(|node| node.value().as_text())
        .map(|t| t.split_whitespace().count())
        .sum();
    words_in(el, "a") * 2 >= words
}

/// Whether a class or the id of `e` names comments.
fn is_comments(e: &scraper::node::Element) -> bool {
    names_of(e).any(|words| words.iter().any(|w| COMMENT_WORDS.contains(&w.as_str())))
}

/// Words of paragraph prose in a web memo's content, outside its
/// comments: what [`is_chrome`] weighs a wrapper's prose against.
pub(crate) fn content_words(el: ElementRef<'_>) -> usize {
    let comments: usize = el
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|d| {
            // The outermost comments element only.
            is_comments(d.value())
                && !d
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .take_while(|a| a.id() != el.id())
                    .any(|a| is_comments(a.value()))
        })
        .map(prose_words)
        .sum();
    prose_words(el).saturating_sub(comments)
}

/// Elements of running text: one named `source` or `note` is an
/// attribution in a line (`<span class="source">(CBS)</span>`), not the
/// memo's notes.
const INLINE_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "cite", "em", "i", "label", "small", "span", "strong", "time",
];

/// Whether `el` is or holds a block named for the memo's notes.
fn holds_notes(el: ElementRef<'_>) -> bool {
    el.descendants().filter_map(ElementRef::wrap).any(|d| {
        !INLINE_ELEMENTS.contains(&d.value().name())
            && names_of(d.value()).any(|words| {
                words
                    .iter()
                    .any(|w| NOTE_WORDS.iter().any(|note| w.starts_with(note)))
            })
    })
}

/// Least links in a list of the site's own links.
const MIN_LIST_LINKS: usize = 3;

/// The blocks (`ul`, `ol`, `dl`, `div`, `section`, `table`) inside a web
/// memo's content that are lists of the site's own links: related stories,
/// topics, sections. Each holds at least three links, every one to the
/// page's own site (relative, or a host under the same domain), and their
/// words are at least 70% of its words. A list of sources on other sites is never one. Found in one pass over the content.
#[derive(Debug, Default)]
pub(crate) struct SiteLinkLists(std::collections::HashSet<NodeId>);

impl SiteLinkLists {
    /// The site's link lists inside `root`, for the page at `page`.
    pub(crate) fn find(root: ElementRef<'_>, page: Option<&url::Url>) -> Self {
        use ego_tree::iter::Edge;
        #[derive(Default)]
        struct Tally {
            words: usize,
            link_words: usize,
            links: usize,
            foreign: bool,
        }
        let site = page.and_then(|p| p.host_str()).map(site_of);
        let mut found = std::collections::HashSet::new();
        let mut stack: Vec<Tally> = Vec::new();
        let mut in_link = 0usize;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => {
                        stack.push(Tally::default());
                        if el.name() == "a" {
                            in_link += 1;
                        }
                    }
                    Node::Text(text) => {
                        if let Some(top) = stack.last_mut() {
                            let words = text.split_whitespace().count();
                            top.words += words;
                            if in_link > 0 {
                                top.link_words += words;
                            }
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    let Node::Element(el) = node.value() else {
                        continue;
                    };
                    let Some(mut tally) = stack.pop() else {
                        continue;
                    };
                    if el.name() == "a" {
                        in_link = in_link.saturating_sub(1);
                        if let Some(href) = el.attr("href") {
                            match page.and_then(|p| p.join(href.trim()).ok()) {
                                Some(to) if matches!(to.scheme(), "http" | "https") => {
                                    tally.links += 1;
                                    tally.foreign |=
                                        site.is_none() || to.host_str().map(site_of) != site;
                                }
                                _ => {}
                            }
                        }
                    }
                    if matches!(el.name(), "ul" | "ol" | "dl" | "div" | "section" | "table")
                        && tally.links >= MIN_LIST_LINKS
                        && !tally.foreign
                        && tally.link_words * 10 >= tally.words * 7
                    {
                        found.insert(node.id());
                    }
                    if let Some(parent) = stack.last_mut() {
                        parent.words += tally.words;
                        parent.link_words += tally.link_words;
                        parent.links += tally.links;
                        parent.foreign |= tally.foreign;
                    }
                }
            }
        }
        Self(found)
    }
}

/// The site a host belongs to: its last two labels, or three under a
/// country's second level (`www.bbc.co.uk` → `bbc.co.uk`).
fn site_of(host: &str) -> &str {
    let labels: Vec<&str> = host.rsplit('.').collect();
    let keep = match labels.as_slice() {
        [country, second, ..]
            if country.len() == 2
                && matches!(*second, "co" | "com" | "org" | "net" | "ac" | "gov" | "edu") =>
        {
            3
        }
        _ => 2,
    };
    let cut: usize = labels.iter().take(keep).map(|l| l.len() + 1).sum();
    &host[host.len().saturating_sub(cut.saturating_sub(1))..]
}

/// The words of each class and the id of `e`.
fn names_of(e: &scraper::node::Element) -> impl Iterator<Item = Vec<String>> + '_ {
    e.attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(str::split_whitespace)
        .map(name_words)
}

/// Whether `href` leads to a share button, an ad server, a newsletter's
/// sign-up page or the page's print version.
fn is_chrome_link(href: &str) -> bool {
    let href = href.trim().to_ascii_lowercase();
    if is_print_version(&href) {
        return true;
    }
    let Some(rest) = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))
        .or_else(|| href.strip_prefix("//"))
    else {
        return false;
    };
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    // A newsletter's sign-up page is a promotion, not a source.
    let sign_up = rest.contains("newsletter")
        && ["sign", "regist", "subscri"]
            .iter()
            .any(|w| rest.contains(w));
    sign_up || CHROME_LINKS.iter().any(|link| rest.starts_with(link))
}

/// Whether a link (lower case) asks for the page's print version
/// (`?print=true`, `?view=print`): a tool, not a source.
fn is_print_version(link: &str) -> bool {
    let query = link.split('#').next().unwrap_or("");
    let Some((_, query)) = query.split_once('?') else {
        return false;
    };
    query.split('&').any(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "print" => !matches!(value, "0" | "false" | "no"),
            "view" | "output" | "format" | "mode" | "action" | "type" => value.starts_with("print"),
            _ => false,
        }
    })
}

/// The words of a class or id, lower case: `shareInfo` → `share`, `info`;
/// `c-article__footer` → `c`, `article`, `footer`.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut last_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            last_lower = false;
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_uppercase() && last_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        last_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
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

/// Elements that run inside a line of prose; text in them is the text of
/// the block around them.
const RUNNING_ELEMENTS: &[&str] = &[
    "abbr", "b", "big", "cite", "em", "font", "i", "q", "small", "span", "strong", "sub", "sup",
    "u",
];

/// The element whose own prose holds the most words, when it holds enough
/// to be a memo. Prose is the text of its paragraphs and the text written
/// straight into it, as old pages write theirs (`<div>text<br><br>text`);
/// words inside links are navigation more than prose.
fn densest_block(html: &Html) -> Option<ElementRef<'_>> {
    let mut score: HashMap<NodeId, usize> = HashMap::new();
    for node in html.tree.nodes() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let words = text.split_whitespace().count();
        if words == 0 {
            continue;
        }
        let block = node.ancestors().find(|a| {
            a.value()
                .as_element()
                .is_none_or(|e| !RUNNING_ELEMENTS.contains(&e.name()))
        });
        let Some(block) = block else {
            continue;
        };
        let Some(element) = block.value().as_element() else {
            continue;
        };
        let holder = match element.name() {
            "p" => block.parent(),
            "div" | "td" | "section" | "blockquote" => Some(block),
            _ => None,
        };
        let in_link = node
            .ancestors()
            .take_while(|a| a.id() != block.id())
            .any(|a| a.value().as_element().is_some_and(|e| e.name() == "a"));
        if let (Some(holder), false) = (holder, in_link) {
            *score.entry(holder.id()).or_default() += words;
        }
    }
    // A block in the page's footer, sidebar or navigation is the site
    // speaking, whatever its prose: the memo is the densest block outside
    // them, when there is one.
    let (&best, _) = score
        .iter()
        .filter(|(_, words)| **words >= MIN_DENSE_WORDS)
        .max_by_key(|(id, words)| {
            let outside = html
                .tree
                .get(**id)
                .and_then(ElementRef::wrap)
                .is_some_and(|el| !in_named_chrome(el));
            (outside, **words, **id)
        })?;
    html.tree.get(best).and_then(ElementRef::wrap)
}

/// Whether `el` or an element around it is named as chrome: a `footer`,
/// `nav` or `aside`, a role of chrome, a class or id word of chrome
/// (`div#footer-left`).
fn in_named_chrome(el: ElementRef<'_>) -> bool {
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .any(|a| is_named_chrome(a.value()))
}

/// Whether `e` is named as chrome: by its element (`nav`, `footer`…), its
/// role, or the words of a class or id ([`CHROME_WORDS`], [`CHROME_RUNS`]).
fn is_named_chrome(e: &scraper::node::Element) -> bool {
    CHROME_ELEMENTS.contains(&e.name())
        || e.attr("role")
            .is_some_and(|role| CHROME_ROLES.contains(&role.trim().to_ascii_lowercase().as_str()))
        || names_of(e).any(|words| {
            words.iter().any(|w| CHROME_WORDS.contains(&w.as_str()))
                || CHROME_RUNS.iter().any(|run| words.concat().contains(run))
        })
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

    /// The links a web memo reports on `page` (read from `https://site.example/memo`).
    fn web_links(page: &str) -> Vec<String> {
        let options = crate::extract::ExtractOptions {
            base_url: Some(url::Url::parse("https://site.example/memos/m").unwrap()),
            main_content: Some(MainContent::default()),
            ..Default::default()
        };
        crate::extract::extract(page, crate::model::MemoFormat::Html, &options)
            .links
            .iter()
            .map(|l| l.display_url())
            .collect()
    }

    #[test]
    fn chrome_inside_the_article_is_not_the_memo() {
        let page = format!(
            "<body><article>\
            <header><h1>Gas</h1><p class=byline><a href=/authors/ann>Ann</a></p></header>\
            <div class=\"l-sidebar-fixed\">{PROSE}<p>As <a href=https://news.example/a>the \
            paper</a> said.</p></div>\
            <div class=share-tools><a href=/print>Print</a></div>\
            <p><a href=\"https://twitter.com/intent/tweet?url=x\">Tweet</a></p>\
            <ul class=related><li><a href=/memos/1>One</a><li><a href=/memos/2>Two</a>\
            <li><a href=/memos/3>Three</a></ul>\
            <ul><li><a href=/memos/4>Four</a><li><a href=https://www.site.example/memos/5>Five</a>\
            <li><a href=https://blog.site.example/6>Six</a></ul>\
            <ul><li><a href=/memos/7>Seven</a><li><a href=/memos/8>Eight</a>\
            <li><a href=https://other.example/9>Nine</a></ul>\
            <footer class=footnotes><p id=n1><a href=https://source.example/n1>Note</a></p></footer>\
            <footer><a href=/tags/gas>gas</a></footer>\
            <section id=comments>{PROSE}{PROSE}{PROSE}<a href=https://spam.example>x</a></section>\
            </article></body>"
        );
        assert_eq!(
            web_links(&page),
            [
                "https://news.example/a",
                "https://site.example/memos/7",
                "https://site.example/memos/8",
                "https://other.example/9",
                "https://source.example/n1",
            ],
            "the text, a list citing another site and the notes stay; the byline, tools, \
            share link, the site's own link lists, the footer and comments go"
        );
    }

    #[test]
    fn comments_named_among_other_words_are_chrome_however_long() {
        let page = format!(
            "<body><article><div class=body>{PROSE}<p><a href=https://news.example/a>a</a></p>\
            </div><div class=\"meta comments\">{PROSE}{PROSE}{PROSE}\
            <a href=https://spam.example>x</a></div></article></body>"
        );
        assert_eq!(web_links(&page), ["https://news.example/a"]);
    }

    #[test]
    fn a_box_of_other_stories_is_chrome_a_section_of_the_memo_is_not() {
        let page = format!(
            "<body><article><div class=body>{PROSE}<p><a href=https://news.example/a>a</a></p>\
            <div class=box><div><h2>More from <a href=/>the Institute</a></h2></div>\
            <a href=https://other.example/1>One story</a> <a href=https://other.example/2>Two</a>\
            <script>{{\"description\": \"a long description of the story read by no one at all\"}}</script>\
            </div>\
            <div id=relatedPosts><h3>Read other related stories:</h3><ul>\
            <li><a href=https://cbs.example/9>Quake</a> <span class=source>(<a href=https://cbs.example/>CBS</a>)</span></li>\
            </ul></div>\
            <section><h2>Related developments</h2><p>In 2013 <a href=https://news.example/b>the \
            court</a> ruled that the contract, signed in secret, bound both of the parties for ten years.</p>\
            </section>\
            <p>Print it <a href=\"?print=true\">here</a> or <a href=\"https://news.example/c?view=printable\">there</a>, \
            read <a class=sz-teaser href=https://site.example/other>another memo</a>.</p>\
            </div></article></body>"
        );
        assert_eq!(
            web_links(&page),
            ["https://news.example/a", "https://news.example/b"],
            "boxes headed as other stories go (a source named in one line is no note), \
            a section of prose with its own heading stays, print versions and teasers go"
        );
    }

    #[test]
    fn class_and_id_words() {
        assert_eq!(name_words("shareInfo"), ["share", "info"]);
        assert_eq!(name_words("c-article__footer"), ["c", "article", "footer"]);
        assert_eq!(
            name_words("ArticleBody-byline-10B7D"),
            ["article", "body", "byline", "10", "b7", "d"]
        );
        assert_eq!(site_of("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(site_of("topics.cnn.com"), "cnn.com");
        assert_eq!(site_of("localhost"), "localhost");
        assert!(is_chrome_link(
            "https://www.facebook.com/sharer/sharer.php?u=x"
        ));
        assert!(!is_chrome_link("https://www.facebook.com/akramer/posts/1"));
        assert!(is_chrome_link("https://threatpost.com/newsletter-sign/"));
        assert!(!is_chrome_link(
            "https://institute.example/newsletter/2019-05"
        ));
        assert!(is_chrome_link("?print=true"));
        assert!(is_chrome_link("https://a.example/x?id=2&output=print#top"));
        assert!(!is_chrome_link("https://a.example/spiegel/print/d-1.html"));
        assert!(!is_chrome_link("https://a.example/x?print=0"));
    }
}
