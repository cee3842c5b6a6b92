//! A polite crawl of a memo site, as far as deciding goes: which links of
//! a page lead on (within the start's host and path prefix), which are a
//! listing's further pages (`rel="next"`, `?page=2`: not a step deeper),
//! and whether a page is a memo or a listing the crawl walks through.
//! Pure: the run fetches (`run::published`), this decides.

use scraper::{Html, Selector};
use url::Url;

/// Query parameters that number a listing's pages.
const PAGE_PARAMS: &[&str] = &["page", "p", "paged", "pg", "start", "offset"];

/// Words of paragraph prose from which a lone article is a memo.
const MIN_MEMO_WORDS: usize = 40;

/// `@type`s of JSON-LD that say a page is one piece of writing.
const WRITING_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "BlogPosting",
    "Report",
    "ScholarlyArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "TechArticle",
];

/// The part of a site a crawl stays in: the start's scheme, host and
/// port, and its folder (`/memos/` for `/memos/` or `/memos/index.html`;
/// `/memos/` for `/memos` too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    origin: String,
    prefix: String,
}

impl Scope {
    /// The scope of a crawl that starts at `start` (where its redirects
    /// ended).
    pub fn of(start: &Url) -> Self {
        let path = start.path();
        let last = path.rsplit('/').next().unwrap_or("");
        let prefix = if path.ends_with('/') {
            path.to_owned()
        } else if last.contains('.') {
            path[..path.len() - last.len()].to_owned()
        } else {
            format!("{path}/")
        };
        Self {
            origin: start.origin().ascii_serialization(),
            prefix,
        }
    }

    /// Whether `url` is inside: same origin, under the folder (the folder
    /// without its slash too).
    pub fn holds(&self, url: &Url) -> bool {
        url.origin().ascii_serialization() == self.origin
            && (url.path().starts_with(&self.prefix)
                || url.path() == self.prefix.trim_end_matches('/'))
    }

    /// The folder, for messages.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// A link a page leads on to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// Where, without fragment.
    pub url: Url,
    /// Whether it is the same listing's next page (`rel="next"`, or the
    /// page's own URL with another page number): no deeper than the page.
    pub same_listing: bool,
}

/// The links on an HTML page (`a[href]`, `link[rel=next]`), resolved
/// against `base` (and the page's `<base href>`), http(s) only, without
/// fragments, each once, in order.
pub fn links(html: &str, base: &Url) -> Vec<Next> {
    let doc = Html::parse_document(html);
    let select = |css| Selector::parse(css).expect("a valid built-in selector");
    let base = doc
        .select(&select("base[href]"))
        .next()
        .and_then(|b| base.join(b.value().attr("href")?).ok())
        .unwrap_or_else(|| base.clone());
    let mut out: Vec<Next> = Vec::new();
    for el in doc.select(&select("a[href], link[rel][href]")) {
        let el = el.value();
        let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
        if el.name() == "link" && !rel.split_whitespace().any(|r| r == "next") {
            continue;
        }
        let Some(mut url) = el.attr("href").and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        url.set_fragment(None);
        let same_listing =
            rel.split_whitespace().any(|r| r == "next") || is_another_page(&base, &url);
        match out.iter_mut().find(|n| n.url == url) {
            Some(seen) => seen.same_listing |= same_listing,
            None => out.push(Next { url, same_listing }),
        }
    }
    out
}

/// Whether `to` is `from` with another page number (`?page=2`).
fn is_another_page(from: &Url, to: &Url) -> bool {
    if from.path() != to.path() || from.origin() != to.origin() {
        return false;
    }
    let numbered = |url: &Url| -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !PAGE_PARAMS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        pairs
    };
    let has_number = to
        .query_pairs()
        .any(|(k, v)| PAGE_PARAMS.contains(&k.as_ref()) && v.chars().all(|c| c.is_ascii_digit()));
    has_number && numbered(from) == numbered(to)
}

/// Whether an HTML page is a memo (one piece of writing) rather than a
/// listing or index: its metadata says so (`og:type` article,
/// `article:published_time`, JSON-LD of an article or report), or it has
/// one `<article>` with prose in it.
pub fn is_memo(html: &str) -> bool {
    let doc = Html::parse_document(html);
    let select = |css| Selector::parse(css).expect("a valid built-in selector");
    let meta = |key: &str| {
        doc.select(&select("meta")).any(|m| {
            let m = m.value();
            m.attr("property").or(m.attr("name")) == Some(key)
                && m.attr("content").is_some_and(|c| !c.trim().is_empty())
        })
    };
    let og_article = doc.select(&select("meta[property='og:type']")).any(|m| {
        m.value()
            .attr("content")
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("article"))
    });
    if og_article || meta("article:published_time") {
        return true;
    }
    let json_ld = doc
        .select(&select("script[type='application/ld+json']"))
        .any(|s| {
            let text: String = s.text().collect();
            serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| writing_type(&v, 0))
        });
    if json_ld {
        return true;
    }
    let articles: Vec<_> = doc.select(&select("article")).collect();
    let [article] = articles.as_slice() else {
        return false;
    };
    crate::extract::main_content::prose_words(*article) >= MIN_MEMO_WORDS
}

/// Whether a JSON-LD value (or a thing in its graph) is of a writing type.
fn writing_type(value: &serde_json::Value, depth: usize) -> bool {
    use serde_json::Value;
    if depth > 8 {
        return false;
    }
    match value {
        Value::Object(map) => {
            let typed = match map.get("@type") {
                Some(Value::String(t)) => WRITING_TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| WRITING_TYPES.contains(&t))),
                _ => false,
            };
            typed
                || map
                    .get("@graph")
                    .is_some_and(|g| writing_type(g, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| writing_type(v, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_scope_is_the_start_folder_on_its_host() {
        for start in [
            "https://i.org/memos/",
            "https://i.org/memos",
            "https://i.org/memos/index.html",
        ] {
            let scope = Scope::of(&url(start));
            assert_eq!(scope.prefix(), "/memos/", "{start}");
            assert!(scope.holds(&url("https://i.org/memos/2012/gas")));
            assert!(scope.holds(&url("https://i.org/memos")));
            assert!(!scope.holds(&url("https://i.org/memoses")));
            assert!(!scope.holds(&url("https://i.org/about")));
            assert!(!scope.holds(&url("http://i.org/memos/a")), "another scheme");
            assert!(!scope.holds(&url("https://www.i.org/memos/a")));
        }
    }

    #[test]
    fn links_and_the_pages_of_a_listing() {
        let page = r#"<html><head><base href="/memos/">
            <link rel="next" href="?page=2"><link rel="stylesheet" href="/s.css"></head>
            <body><a href="2012/gas#top">Gas</a> <a href="2012/gas">again</a>
            <a href="mailto:x@i.org">mail</a> <a href="?page=3&amp;sort=new">3</a>
            <a href="?page=3">3</a></body></html>"#;
        let got = links(page, &url("https://i.org/memos/?page=1"));
        let shown: Vec<(&str, bool)> = got
            .iter()
            .map(|n| (n.url.as_str(), n.same_listing))
            .collect();
        assert_eq!(
            shown,
            [
                ("https://i.org/memos/?page=2", true),
                ("https://i.org/memos/2012/gas", false),
                ("https://i.org/memos/?page=3&sort=new", false),
                ("https://i.org/memos/?page=3", true),
            ]
        );
    }

    #[test]
    fn memos_and_listings_tell_apart() {
        let prose = "<p>".to_owned() + &"word ".repeat(50) + "</p>";
        assert!(is_memo(&format!("<article>{prose}</article>")));
        assert!(!is_memo(&format!(
            "<article>{prose}</article><article>{prose}</article>"
        )));
        assert!(!is_memo("<main><ul><li><a href=a>A</a></li></ul></main>"));
        assert!(is_memo(
            "<meta property='og:type' content='article'><p>x</p>"
        ));
        assert!(is_memo(
            r#"<script type="application/ld+json">{"@graph":[{"@type":"Report"}]}</script>"#
        ));
        assert!(!is_memo(
            r#"<script type="application/ld+json">{"@type":"CollectionPage"}</script>"#
        ));
    }
}
