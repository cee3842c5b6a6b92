//! Reading a fetched page once for everything asked of it, then keeping
//! only the answers. Each page's body is read here (HTML, plain text or
//! PDF), its fragments and candidate quotes are checked, and the body is
//! dropped: a run's memory holds digests, not pages.

use super::challenge;
use super::fragment::{self, FragmentCheck};
use super::page::PageFacts;
use super::quote::{self, PageText, PreparedQuote, QuoteMatch};
use super::soft404::{self, ProbeFacts};
use crate::config::Accept;
use crate::fetch::{Page, Response};
use crate::model::{Fragment, QuoteId};
use std::collections::HashMap;
use std::sync::Arc;
use url::Url;

/// The quotes some page of the run holds word for word: other pages need
/// not align them approximately (their verdict is `found` whatever those
/// pages hold).
#[derive(Debug, Default)]
pub(crate) struct ExactFound(std::sync::Mutex<std::collections::HashSet<QuoteId>>);

impl ExactFound {
    fn contains(&self, id: QuoteId) -> bool {
        self.lock().contains(&id)
    }

    fn insert(&self, id: QuoteId) {
        self.lock().insert(id);
    }

    /// A std `Mutex`: held for one set operation, never across an `.await`.
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<QuoteId>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the memos ask of one page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Demand {
    /// Fragments cited on it (deduplicated by [`Fragment::value`]).
    pub fragments: Vec<Fragment>,
    /// Quotes it is a candidate source for.
    pub quotes: Vec<(QuoteId, Arc<PreparedQuote>)>,
    /// The run's quotes found word for word so far, shared by every page.
    pub exact: Option<Arc<ExactFound>>,
}

impl Demand {
    /// Add a fragment unless an equal one is there.
    pub(crate) fn add_fragment(&mut self, fragment: &Fragment) {
        if !self.fragments.iter().any(|f| f == fragment) {
            self.fragments.push(fragment.clone());
        }
    }

    /// Whether answering it needs the page's visible text.
    pub(crate) fn needs_text(&self) -> bool {
        !self.quotes.is_empty()
            || self
                .fragments
                .iter()
                .any(|f| matches!(f, Fragment::Text { .. }))
    }
}

/// A quote checked against one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QuoteCheck {
    /// The page was read; the best match, if the page shares any words.
    Read(Option<QuoteMatch>),
    /// The page could not be read as text: why.
    Unreadable(String),
}

/// What verification keeps of a page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageDigest {
    /// A bot challenge, if the response is one.
    pub challenge: Option<String>,
    /// Each demanded fragment's check, by [`Fragment::value`].
    pub fragments: HashMap<String, FragmentCheck>,
    /// Each demanded quote's check, in [`QuoteId`] order.
    pub quotes: Vec<(QuoteId, QuoteCheck)>,
    /// Why the page is a soft 404, if it is one.
    pub soft_404: Option<String>,
}

impl PageDigest {
    /// The check of one demanded quote.
    pub(crate) fn quote(&self, id: QuoteId) -> Option<&QuoteCheck> {
        self.quotes
            .binary_search_by_key(&id, |(q, _)| *q)
            .ok()
            .map(|at| &self.quotes[at].1)
    }
}

/// Where a response came from, for the soft-404 rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// The URL cited (without fragment).
    pub cited: &'a Url,
    /// Where its redirects ended.
    pub final_url: &'a Url,
    /// What a made-up name under the same parent path got, when it
    /// answered 2xx.
    pub probe: Option<&'a ProbeFacts>,
}

/// What reading a page once gives, whatever is later asked of it: its
/// status, facts (anchors, title, heading, and the visible text when it was
/// read), and the verdict-bearing evidence. This is what the cache keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PageRead {
    /// The final HTTP status.
    pub status: u16,
    /// Whether the body was cut at the size limit.
    pub truncated: bool,
    /// What the body holds, when it could be read as HTML or text.
    pub facts: Option<PageFacts>,
    /// Why the body could not be read as text.
    pub unreadable: Option<String>,
    /// A bot challenge, if the response is one.
    pub challenge: Option<String>,
    /// Why the page is a soft 404, if it is one.
    pub soft_404: Option<String>,
}

impl PageRead {
    /// Whether the statuses in `accept` take this page and it is no bot
    /// challenge: only then is it read for anchors, quotes and soft 404s.
    pub(crate) fn is_fine(&self, accept: &Accept) -> bool {
        accept.contains(self.status) && self.challenge.is_none()
    }

    /// The visible text, when it was kept.
    pub(crate) fn text(&self) -> Option<&str> {
        self.facts.as_ref()?.text.as_deref()
    }

    /// Whether the visible text was kept.
    pub(crate) fn has_text(&self) -> bool {
        self.text().is_some()
    }

    /// Whether this read can answer `demand` as a fresh reading would: a
    /// page that is not fine, a soft 404, or a page that cannot be read as
    /// text answers every demand (no text to check); any other answers a
    /// demand for text only if its text was kept.
    pub(crate) fn answers(&self, demand: &Demand, accept: &Accept) -> bool {
        !demand.needs_text()
            || !self.is_fine(accept)
            || self.soft_404.is_some()
            || self.unreadable.is_some()
            || self.has_text()
    }
}

/// Read a response once, for no origin in particular: anchors, title,
/// heading, bot challenge, and the visible text when `wants_text`. Its
/// `soft_404` is left for [`soft_404`], which depends on the URL that was
/// cited.
pub(crate) fn read(response: &Response, wants_text: bool) -> PageRead {
    let html = response.text.as_deref().filter(|_| response.html);
    let (facts, unreadable) = if let Some(html) = html {
        (Some(PageFacts::from_html(html, wants_text)), None)
    } else if let Some(text) = &response.text {
        let facts = if wants_text {
            PageFacts::from_plain(text.clone())
        } else {
            PageFacts::default()
        };
        (Some(facts), None)
    } else if let Some(bytes) = response.pdf.as_deref().filter(|_| wants_text) {
        match crate::pdf::page_texts(bytes) {
            Ok(pages) => (Some(PageFacts::from_plain(pages.join("\n"))), None),
            Err(e) => (None, Some(format!("the PDF could not be read: {e}"))),
        }
    } else if response.pdf.is_some() {
        // A PDF read for its status alone: its text is not needed.
        (Some(PageFacts::default()), None)
    } else {
        let what = response
            .content_type
            .as_deref()
            .unwrap_or("no content type");
        (None, Some(format!("the page is not text ({what})")))
    };
    PageRead {
        status: response.status,
        truncated: response.truncated,
        challenge: challenge::detect(response, facts.as_ref()),
        unreadable,
        facts,
        soft_404: None,
    }
}

/// The page's text was not kept, and the soft-404 rules need it to compare
/// the page with its probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextNotKept;

/// Why a page cited at `origin` is a soft 404, from what reading its final
/// response gave: a redirect to the site's home or an error page, a title
/// or heading that says not found, or a page that reads like its probe.
/// `None` when it reads as a real page (or is not fine: error statuses and
/// challenges are verdicts of their own).
pub(crate) fn soft_404(
    read: &PageRead,
    origin: Origin<'_>,
    accept: &Accept,
) -> Result<Option<String>, TextNotKept> {
    if !read.is_fine(accept) {
        return Ok(None);
    }
    let facts = read.facts.as_ref();
    let cheap = soft404::redirect_evidence(origin.cited, origin.final_url).or_else(|| {
        let facts = facts?;
        soft404::title_evidence(facts.title.as_deref(), facts.heading.as_deref())
    });
    if cheap.is_some() {
        return Ok(cheap);
    }
    let Some(probe) = origin.probe else {
        return Ok(None);
    };
    let Some(facts) = facts else {
        return Ok(None);
    };
    let text = facts.text.as_deref().ok_or(TextNotKept)?;
    let shingles = soft404::shingles(&super::normalize::normalize(text));
    Ok(soft404::probe_evidence(
        origin.cited,
        origin.final_url,
        &shingles,
        probe,
    ))
}

/// A page's digest for a demand: a fetch that failed has none (the link's
/// own verdict says why); any other is answered from its read, with the
/// soft-404 evidence for the URL cited.
pub(crate) fn answer_page(
    page: &Page,
    read: &PageRead,
    soft_404: Option<&str>,
    demand: &Demand,
    accept: &Accept,
) -> PageDigest {
    match page.result {
        Ok(_) => answer(read, soft_404, demand, accept),
        Err(_) => PageDigest::default(),
    }
}

/// Answer a demand from what reading the page gave, and why the page is a
/// soft 404 for the URL cited, if it is one.
pub(crate) fn answer(
    read: &PageRead,
    soft_404: Option<&str>,
    demand: &Demand,
    accept: &Accept,
) -> PageDigest {
    let text = read
        .text()
        .filter(|_| demand.needs_text())
        .map(|text| PageText::new(text.to_owned()));
    let mut digest = PageDigest {
        challenge: read.challenge.clone(),
        soft_404: soft_404.map(str::to_owned),
        ..PageDigest::default()
    };
    for fragment in &demand.fragments {
        let check = fragment::check(fragment, read.truncated, read.facts.as_ref(), text.as_ref());
        digest.fragments.insert(fragment.value().to_owned(), check);
    }
    let fine = accept.contains(read.status) && read.challenge.is_none();
    let not_read = if !fine {
        Some(format!("the page answered HTTP {}", read.status))
    } else if let Some(why) = soft_404 {
        Some(format!("the page is a soft 404 ({why})"))
    } else {
        read.unreadable.clone()
    };
    let matches = match (&not_read, &text) {
        (None, Some(text)) => {
            let quotes: Vec<&PreparedQuote> = demand.quotes.iter().map(|(_, q)| &**q).collect();
            let fuzzy = |i: usize| {
                let id = demand.quotes[i].0;
                demand
                    .exact
                    .as_ref()
                    .is_none_or(|exact| !exact.contains(id))
            };
            let found = quote::find_all_with(&quotes, text, &fuzzy);
            if let Some(exact) = &demand.exact {
                for (m, (id, _)) in found.iter().zip(&demand.quotes) {
                    if m.as_ref().is_some_and(|m| m.exact) {
                        exact.insert(*id);
                    }
                }
            }
            found
        }
        _ => Vec::new(),
    };
    let mut matches = matches.into_iter();
    for (id, _) in &demand.quotes {
        let check = match (&not_read, &text) {
            (Some(why), _) => QuoteCheck::Unreadable(why.clone()),
            (None, Some(_)) => QuoteCheck::Read(matches.next().flatten()),
            (None, None) => QuoteCheck::Unreadable("the page has no text".to_owned()),
        };
        digest.quotes.push((*id, check));
    }
    // Demands are built in run order; sorting keeps [`PageDigest::quote`]
    // right whatever order a caller used.
    digest.quotes.sort_by_key(|(id, _)| *id);
    digest
}

/// Read a response for what `demand` asks, as no cited page (an archived
/// copy: no soft-404 rules): [`read`], then [`answer`].
#[cfg(test)]
fn digest(response: &Response, demand: &Demand, accept: &Accept) -> PageDigest {
    answer(&read(response, demand.needs_text()), None, demand, accept)
}

/// What the random-path probe of a parent path found, from its fetch and
/// its read (with text): `None` unless it answered 2xx with text.
pub(crate) fn probe_facts(page: &Page, read: &PageRead, accept: &Accept) -> Option<ProbeFacts> {
    page.result.as_ref().ok()?;
    if !accept.contains(read.status) {
        return None;
    }
    let text = read.text()?;
    Some(ProbeFacts {
        url: page.url.clone(),
        final_url: page.final_url.clone(),
        shingles: soft404::shingles(&super::normalize::normalize(text)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::quote::PreparedQuote;

    /// The check of one quote against one HTML page.
    fn check(html: &str, quote: &[&str]) -> QuoteCheck {
        let response = Response {
            status: 200,
            content_type: Some("text/html".into()),
            text: Some(html.into()),
            html: true,
            ..Response::default()
        };
        let demand = Demand {
            fragments: vec![],
            exact: None,
            quotes: vec![(
                QuoteId::new(0, 7),
                Arc::new(PreparedQuote::from_segments(quote)),
            )],
        };
        let digest = digest(&response, &demand, &Accept::default());
        assert_eq!(digest.quotes.len(), 1);
        assert_eq!(digest.quotes[0].0, QuoteId::new(0, 7));
        digest.quotes[0].1.clone()
    }

    fn exact(html: &str, quote: &[&str]) -> bool {
        matches!(check(html, quote), QuoteCheck::Read(Some(m)) if m.exact)
    }

    #[test]
    fn typography_never_decides() {
        let page = "<p>He said: &ldquo;It&rsquo;s in<span>strument</span>al to \
                    co&shy;operate&nbsp;now &mdash; and <em>hy-\nphenated</em> words too.&rdquo;</p>";
        assert!(exact(
            page,
            &["it's instrumental to cooperate now - and hyphenated words too"]
        ));
        assert!(exact(
            page,
            &["\"It's instrumental to co-operate now—and hyphenated words too.\""]
        ));
    }

    #[test]
    fn a_quote_only_in_a_script_is_not_on_the_page() {
        let page = "<html><head><script>var s = 'the hidden sentence is here';</script></head>\
                    <body><p>Visible words only.</p></body></html>";
        assert_eq!(
            check(page, &["the hidden sentence is here"]),
            QuoteCheck::Read(None)
        );
    }

    #[test]
    fn ellipsis_and_changed_words() {
        let page = "<p>We will defend the alliance. We will also, in time, reform it.</p>";
        assert!(exact(page, &["we will defend the alliance", "reform it"]));
        let QuoteCheck::Read(Some(m)) = check(page, &["we will defend the union"]) else {
            panic!("expected a match");
        };
        assert!(!m.exact);
        assert_eq!(m.differences, vec!["union → alliance"]);
    }

    #[test]
    fn error_pages_and_challenges_are_not_read() {
        let response = Response {
            status: 404,
            text: Some("<p>the words are here</p>".into()),
            html: true,
            ..Response::default()
        };
        let demand = Demand {
            fragments: vec![],
            exact: None,
            quotes: vec![(
                QuoteId::new(0, 0),
                Arc::new(PreparedQuote::from_segments(&["the words are here"])),
            )],
        };
        let digest = digest(&response, &demand, &Accept::default());
        assert_eq!(
            digest.quotes[0].1,
            QuoteCheck::Unreadable("the page answered HTTP 404".into())
        );
    }

    #[test]
    fn unreadable_pdfs_and_other_types() {
        let demand = Demand {
            fragments: vec![],
            exact: None,
            quotes: vec![(
                QuoteId::new(0, 0),
                Arc::new(PreparedQuote::from_segments(&["some words to find"])),
            )],
        };
        let pdf = Response {
            status: 200,
            content_type: Some("application/pdf".into()),
            pdf: Some(b"%PDF-1.4 garbage".to_vec()),
            ..Response::default()
        };
        let QuoteCheck::Unreadable(why) = &digest(&pdf, &demand, &Accept::default()).quotes[0].1
        else {
            panic!("a malformed PDF is unreadable");
        };
        assert!(why.starts_with("the PDF could not be read"), "{why}");
        let image = Response {
            status: 200,
            content_type: Some("image/png".into()),
            ..Response::default()
        };
        assert_eq!(
            digest(&image, &demand, &Accept::default()).quotes[0].1,
            QuoteCheck::Unreadable("the page is not text (image/png)".into())
        );
    }
}
