//! Reading a fetched page once for everything asked of it, then keeping
//! only the answers. Each page's body is read here (HTML, plain text or
//! PDF), its fragments and candidate quotes are checked, and the body is
//! dropped: a run's memory holds digests, not pages.

use super::attribution;
use super::challenge;
use super::fragment::{self, FragmentCheck};
use super::page::PageFacts;
use super::people::People;
use super::quote::{self, PageText, PreparedQuote, QuoteMatch};
use super::soft404::{self, ProbeFacts};
use crate::fetch::{Page, Response};
use crate::model::Accept;
use crate::model::{Fragment, QuoteId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use url::Url;

/// The quotes some page of the run holds word for word: other pages need
/// not align them approximately (their verdict is `found` whatever those
/// pages hold). A flag per quote of the run, by memo and quote: pages ask
/// it about every quote demanded of them, from many tasks at once, so it
/// takes no lock and hashes nothing.
#[derive(Debug)]
pub(crate) struct ExactFound(Vec<Box<[AtomicBool]>>);

impl ExactFound {
    /// Flags for a run whose memos have these numbers of quotes (by
    /// memo index). A quote outside them is never taken as found.
    pub(crate) fn new(quotes_per_memo: impl IntoIterator<Item = usize>) -> Self {
        Self(
            quotes_per_memo
                .into_iter()
                .map(|n| (0..n).map(|_| AtomicBool::new(false)).collect())
                .collect(),
        )
    }

    fn flag(&self, id: QuoteId) -> Option<&AtomicBool> {
        let memo = self.0.get(usize::try_from(id.memo).ok()?)?;
        memo.get(usize::try_from(id.quote).ok()?)
    }

    /// Whether quote `id` was found word for word on some page.
    pub(crate) fn contains(&self, id: QuoteId) -> bool {
        // A flag read late only costs an approximate search the run
        // settles anyway, and a memo finished early reads the flags its
        // pages' tasks set after joining them (which orders them): no
        // ordering with other memory is needed.
        self.flag(id).is_some_and(|f| f.load(Ordering::Relaxed))
    }

    fn insert(&self, id: QuoteId) {
        if let Some(flag) = self.flag(id) {
            flag.store(true, Ordering::Relaxed);
        }
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
    /// The page's place in the order the run's memos first cite their
    /// pages: pages are fetched in that order (host by host), so a memo's
    /// pages come in together and its quotes are settled early.
    pub order: usize,
}

impl Demand {
    /// Add a fragment unless an equal one is there.
    pub(crate) fn add_fragment(&mut self, fragment: &Fragment) {
        if !self.fragments.iter().any(|f| f == fragment) {
            // Most pages are cited with one fragment: no room for four
            // kept with every page waiting to be fetched.
            self.fragments.reserve_exact(1);
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

/// Why a quote a script-built page does not hold word for word is
/// `unverifiable`, not `missing`.
const SCRIPT_BUILT: &str = "the page builds its text with scripts: run with --render to check it";

/// A quote checked against one page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum QuoteCheck<'a> {
    /// The page was read; the best match, if the page shares any words.
    Read(Option<&'a QuoteMatch>),
    /// The page could not be read as text: why.
    Unreadable(&'a str),
}

/// What a page answered for the quotes demanded of it. Most quotes of a
/// memo are not on most of its pages: only matches are kept, so a page
/// costs nothing for a quote it does not hold.
#[derive(Debug, Clone, Default)]
pub(crate) enum QuoteChecks {
    /// No quote was checked (the fetch failed: the link's verdict says
    /// why).
    #[default]
    NotChecked,
    /// The page could not be read as text, for every quote alike: why.
    Unreadable(String),
    /// The page was read: the quotes it holds (or nearly), in
    /// [`QuoteId`] order; a quote demanded and not listed shares nothing
    /// with the page.
    Read(Vec<(QuoteId, QuoteMatch)>),
}

/// What verification keeps of a page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageDigest {
    /// A bot challenge, if the response is one.
    pub challenge: Option<String>,
    /// Each demanded fragment's check, by [`Fragment::value`].
    pub fragments: HashMap<String, FragmentCheck>,
    /// What the demanded quotes found.
    pub quotes: QuoteChecks,
    /// Why the page is a soft 404, if it is one.
    pub soft_404: Option<String>,
    /// The text kept for the approximate search, until [`Self::settle`].
    pub deferred: Option<Box<Deferred>>,
    /// Why a quote the page does not hold is no verdict, when the page
    /// builds its text with scripts (its text without them is not all
    /// there is).
    pub script_built: Option<String>,
    /// How the page's text was had when scripts build it (rendered, or
    /// read from its script data), for the report.
    pub scripts: Option<String>,
    /// The quotes found only in the page's script data (not in its
    /// visible text), in [`QuoteId`] order.
    pub in_script_data: Vec<QuoteId>,
    /// Why a quote the page does not hold word for word is no verdict,
    /// when the page was cut at the body limit (only its first part was
    /// read).
    pub cut: Option<String>,
}

/// A page's text kept for the approximate search of the quotes it does
/// not hold word for word. Whether a quote needs that search at all is
/// known only once every page of the run has been searched exactly: a
/// quote some page holds is `found` whatever the others hold, so most
/// quotes never need it, and the cost follows pages plus quotes, not
/// pages times quotes.
#[derive(Debug, Clone)]
pub(crate) struct Deferred {
    /// The page's visible text.
    text: String,
    /// Who the page names, for the attributions of what is found.
    people: Option<Arc<People>>,
    /// The quotes demanded of the page and not found on it word for word.
    quotes: Vec<(QuoteId, Arc<PreparedQuote>)>,
    /// The run's quotes found word for word (on any page).
    exact: Arc<ExactFound>,
}

impl Deferred {
    /// Whether some quote still needs the approximate search.
    fn is_wanted(&self) -> bool {
        self.quotes.iter().any(|(id, _)| !self.exact.contains(*id))
    }
}

impl PageDigest {
    /// The bytes of text kept for [`Self::settle`].
    pub(crate) fn deferred_size(&self) -> usize {
        self.deferred.as_ref().map_or(0, |d| d.text.len())
    }

    /// Drop the kept text if every quote it was kept for has been found
    /// word for word elsewhere since.
    pub(crate) fn prune(&mut self) {
        if self.deferred.as_ref().is_some_and(|d| !d.is_wanted()) {
            self.deferred = None;
        }
    }

    /// Finish the quote checks: the approximate search of the kept text
    /// for the quotes no page of the run holds word for word (run it once
    /// every page has been searched exactly).
    pub(crate) fn settle(&mut self) {
        let Some(deferred) = self.deferred.take() else {
            return;
        };
        let QuoteChecks::Read(matches) = &mut self.quotes else {
            return;
        };
        let wanted: Vec<&(QuoteId, Arc<PreparedQuote>)> = deferred
            .quotes
            .iter()
            .filter(|(id, _)| !deferred.exact.contains(*id))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let text = PageText::new(deferred.text);
        let quotes: Vec<&PreparedQuote> = wanted.iter().map(|(_, q)| &**q).collect();
        let mut found = quote::find_all(&quotes, &text);
        attribute(&quotes, &mut found, text.raw(), deferred.people.as_deref());
        matches.extend(
            wanted
                .iter()
                .zip(found)
                .filter_map(|((id, _), m)| Some((*id, m?))),
        );
        matches.sort_by_key(|(id, _)| *id);
    }

    /// Whether the quote `id` was found only in the page's script data.
    pub(crate) fn in_script_data(&self, id: QuoteId) -> bool {
        self.in_script_data.binary_search(&id).is_ok()
    }

    /// The check of a quote demanded of this page (`None` when no quote
    /// was checked).
    pub(crate) fn quote(&self, id: QuoteId) -> Option<QuoteCheck<'_>> {
        match &self.quotes {
            QuoteChecks::NotChecked => None,
            QuoteChecks::Unreadable(why) => Some(QuoteCheck::Unreadable(why)),
            QuoteChecks::Read(found) => {
                let matched = found
                    .binary_search_by_key(&id, |(q, _)| *q)
                    .ok()
                    .map(|at| &found[at].1);
                match (matched, &self.script_built, &self.cut) {
                    (Some(m), ..) if m.exact => Some(QuoteCheck::Read(Some(m))),
                    // Not all of a script-built page's text was read: what
                    // it shares nothing with is unknown, not absent.
                    (None, Some(why), _) => Some(QuoteCheck::Unreadable(why)),
                    // Only the first part of a page cut at the body limit
                    // was read: the quote may be further on.
                    (_, _, Some(why)) => Some(QuoteCheck::Unreadable(why)),
                    (m, ..) => Some(QuoteCheck::Read(m)),
                }
            }
        }
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// Whether the page was rendered in a browser (`--render`), or why
    /// rendering it failed.
    pub rendering: Option<Rendering>,
}

/// A page rendered in a browser, or tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rendering {
    /// Rendered: what was read is the document once its scripts ran; the
    /// hosts of the requests it made that the address guard refused.
    Rendered {
        /// Hosts refused, once each.
        refused: Vec<String>,
    },
    /// Rendering failed: why (the page is read as the server sent it).
    Failed(String),
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
        rendering: None,
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
    let (title, heading) =
        facts.map_or((None, None), |f| (f.title.as_deref(), f.heading.as_deref()));
    let cheap = soft404::cheap_evidence(origin.cited, origin.final_url, title, heading);
    if cheap.is_some() {
        return Ok(cheap);
    }
    let Some(probe) = origin.probe else {
        return Ok(None);
    };
    let Some(facts) = facts else {
        return Ok(None);
    };
    // Two script shells read alike whatever their addresses: that alone
    // says nothing of the page.
    if facts.script_built {
        return Ok(None);
    }
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
    let script_built = read.facts.as_ref().is_some_and(|f| f.script_built);
    let script_data = read
        .facts
        .as_ref()
        .and_then(|f| f.script_text.as_deref())
        .filter(|_| script_built);
    // A script-built page's quotes are looked for in its script data too.
    let text = read
        .text()
        .filter(|_| demand.needs_text())
        .map(|text| match script_data {
            Some(data) => PageText::new(format!("{text}\n\n{data}")),
            None => PageText::new(text.to_owned()),
        });
    let failed = match &read.rendering {
        Some(Rendering::Failed(why)) => Some(why.as_str()),
        _ => None,
    };
    let mut digest = PageDigest {
        challenge: read.challenge.clone(),
        soft_404: soft_404.map(str::to_owned),
        script_built: script_built.then(|| match &read.rendering {
            Some(Rendering::Failed(why)) => {
                format!("the page builds its text with scripts, and rendering it failed ({why})")
            }
            Some(Rendering::Rendered { .. }) => {
                "the page builds its text with scripts and showed little of it even when rendered"
                    .to_owned()
            }
            None => SCRIPT_BUILT.to_owned(),
        }),
        scripts: scripts_note(read, script_built),
        cut: read.truncated.then(|| {
            "only its first part was read (the body limit, --max-body): the quote may be \
             further on"
                .to_owned()
        }),
        ..PageDigest::default()
    };
    for fragment in &demand.fragments {
        let mut check =
            fragment::check(fragment, read.truncated, read.facts.as_ref(), text.as_ref());
        if script_built && matches!(check, FragmentCheck::Missing(_)) {
            check = FragmentCheck::Unknown(match failed {
                Some(why) => format!(
                    "the page builds its content with scripts, which may add the anchor, \
                     and rendering it failed ({why})"
                ),
                None => "the page builds its content with scripts, which may add the anchor: \
                         run with --render to check it"
                    .to_owned(),
            });
        }
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
    digest.quotes = match (not_read, text) {
        _ if demand.quotes.is_empty() => QuoteChecks::NotChecked,
        (Some(why), _) => QuoteChecks::Unreadable(why),
        (None, None) => QuoteChecks::Unreadable("the page has no text".to_owned()),
        (None, Some(text)) => {
            let people = read.facts.as_ref().and_then(|f| f.people.clone());
            let (found, deferred) = find_quotes(demand, text, people);
            digest.deferred = deferred;
            if script_data.is_some() {
                digest.in_script_data = only_in_script_data(read.text(), &found);
            }
            QuoteChecks::Read(found)
        }
    };
    digest
}

/// What the report says of how a page built by scripts was read, if it
/// is one (or was rendered).
fn scripts_note(read: &PageRead, script_built: bool) -> Option<String> {
    match &read.rendering {
        Some(Rendering::Rendered { refused }) if refused.is_empty() => {
            Some("rendered in headless Chromium".to_owned())
        }
        Some(Rendering::Rendered { refused }) => Some(format!(
            "rendered in headless Chromium; the address guard refused its requests to {}",
            refused.join(", ")
        )),
        Some(Rendering::Failed(why)) if script_built => Some(format!(
            "built by scripts; rendering failed ({why}), so it was read from its script data"
        )),
        _ if script_built => {
            Some("built by scripts: read from the server's HTML and its script data".to_owned())
        }
        _ => None,
    }
}

/// The quotes of `found` whose passage is not in the page's visible
/// `text`: they were found in its script data.
fn only_in_script_data(text: Option<&str>, found: &[(QuoteId, QuoteMatch)]) -> Vec<QuoteId> {
    if found.is_empty() {
        return Vec::new();
    }
    let visible = super::normalize::normalize(text.unwrap_or_default());
    found
        .iter()
        .filter(|(_, m)| {
            !m.matched_text
                .split(" … ")
                .all(|part| visible.contains(&super::normalize::normalize(part)))
        })
        .map(|(id, _)| *id)
        .collect()
}

/// The demanded quotes `text` holds, or nearly, in [`QuoteId`] order.
/// In a run (a demand with the run's [`ExactFound`]) only exact matches
/// are looked for here, and the text is kept for the approximate search
/// of the quotes not found word for word ([`PageDigest::settle`]);
/// otherwise both are done at once.
fn find_quotes(
    demand: &Demand,
    text: PageText,
    people: Option<Arc<People>>,
) -> (Vec<(QuoteId, QuoteMatch)>, Option<Box<Deferred>>) {
    let quotes: Vec<&PreparedQuote> = demand.quotes.iter().map(|(_, q)| &**q).collect();
    let Some(exact) = &demand.exact else {
        let mut found = quote::find_all(&quotes, &text);
        attribute(&quotes, &mut found, text.raw(), people.as_deref());
        return (matched(demand, found), None);
    };
    let mut found = quote::find_all_exact(&quotes, &text);
    attribute(&quotes, &mut found, text.raw(), people.as_deref());
    let pending: Vec<(QuoteId, Arc<PreparedQuote>)> = demand
        .quotes
        .iter()
        .zip(&found)
        .filter(|((id, _), m)| m.is_none() && !exact.contains(*id))
        .map(|(quote, _)| quote.clone())
        .collect();
    let matches = matched(demand, found);
    for (id, _) in &matches {
        exact.insert(*id);
    }
    let deferred = (!pending.is_empty()).then(|| {
        Box::new(Deferred {
            text: text.into_raw(),
            people,
            quotes: pending,
            exact: exact.clone(),
        })
    });
    (matches, deferred)
}

/// Check, for each quote found that names a personal speaker, that the
/// page names the speaker where the quote is.
fn attribute(
    quotes: &[&PreparedQuote],
    found: &mut [Option<QuoteMatch>],
    text: &str,
    people: Option<&People>,
) {
    for (quote, found) in quotes.iter().zip(found) {
        if let (Some(speaker), Some(m)) = (quote.speaker(), found.as_mut()) {
            m.attribution = Some(attribution::check(speaker, text, m.at.clone(), people));
        }
    }
}

/// The demanded quotes with a match, in [`QuoteId`] order (demands are
/// built in run order; sorting keeps [`PageDigest::quote`] right whatever
/// order a caller used).
fn matched(demand: &Demand, found: Vec<Option<QuoteMatch>>) -> Vec<(QuoteId, QuoteMatch)> {
    let mut matches: Vec<(QuoteId, QuoteMatch)> = demand
        .quotes
        .iter()
        .zip(found)
        .filter_map(|((id, _), m)| Some((*id, m?)))
        .collect();
    matches.sort_by_key(|(id, _)| *id);
    // Kept with the page for the rest of the run: collected through a
    // filter, it has room for at least four.
    matches.shrink_to_fit();
    matches
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
    /// The match, or why the page could not be read.
    fn check(html: &str, quote: &[&str]) -> Result<Option<QuoteMatch>, String> {
        let response = Response {
            status: 200,
            content_type: Some("text/html".into()),
            text: Some(html.into()),
            html: true,
            ..Response::default()
        };
        let demand = Demand {
            fragments: vec![],
            order: 0,
            exact: None,
            quotes: vec![(
                QuoteId::new(0, 7),
                Arc::new(PreparedQuote::from_segments(quote)),
            )],
        };
        let digest = digest(&response, &demand, &Accept::default());
        owned(
            digest
                .quote(QuoteId::new(0, 7))
                .expect("the quote was checked"),
        )
    }

    fn owned(check: QuoteCheck<'_>) -> Result<Option<QuoteMatch>, String> {
        match check {
            QuoteCheck::Read(m) => Ok(m.cloned()),
            QuoteCheck::Unreadable(why) => Err(why.to_owned()),
        }
    }

    fn exact(html: &str, quote: &[&str]) -> bool {
        matches!(check(html, quote), Ok(Some(m)) if m.exact)
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
        assert_eq!(check(page, &["the hidden sentence is here"]), Ok(None));
    }

    #[test]
    fn ellipsis_and_changed_words() {
        let page = "<p>We will defend the alliance. We will also, in time, reform it.</p>";
        assert!(exact(page, &["we will defend the alliance", "reform it"]));
        let Ok(Some(m)) = check(page, &["we will defend the union"]) else {
            panic!("expected a match");
        };
        assert!(!m.exact);
        assert_eq!(m.differences, vec!["union → alliance"]);
    }

    #[test]
    fn the_approximate_search_waits_for_every_exact_one() {
        let page = |text: &str| {
            read(
                &Response {
                    status: 200,
                    content_type: Some("text/plain".into()),
                    text: Some(text.into()),
                    ..Response::default()
                },
                true,
            )
        };
        let exact = Arc::new(ExactFound::new([2]));
        let (held, nearly) = (QuoteId::new(0, 0), QuoteId::new(0, 1));
        let demand = Demand {
            fragments: vec![],
            order: 0,
            exact: Some(exact.clone()),
            quotes: vec![
                (
                    held,
                    Arc::new(PreparedQuote::from_segments(&[
                        "we will defend the alliance",
                    ])),
                ),
                (
                    nearly,
                    Arc::new(PreparedQuote::from_segments(&[
                        "the budget grows by ten percent",
                    ])),
                ),
            ],
        };
        let accept = Accept::default();
        // The first page holds both nearly: nothing is aligned yet, its
        // text is kept for later.
        let mut first = answer(
            &page("We will defend the union. The budget grows by nine percent."),
            None,
            &demand,
            &accept,
        );
        assert_eq!(first.quote(held), Some(QuoteCheck::Read(None)));
        assert!(first.deferred_size() > 0);
        // The second holds the first quote word for word.
        let mut second = answer(
            &page("As promised: we will defend the alliance."),
            None,
            &demand,
            &accept,
        );
        assert!(matches!(second.quote(held), Some(QuoteCheck::Read(Some(m))) if m.exact));
        // Kept for the other quote only, which it turns out not to hold.
        assert!(second.deferred_size() > 0);
        second.settle();
        assert_eq!(second.quote(nearly), Some(QuoteCheck::Read(None)));
        // Settling aligns only the quote no page holds word for word.
        first.settle();
        assert_eq!(first.deferred_size(), 0);
        assert_eq!(first.quote(held), Some(QuoteCheck::Read(None)));
        let Some(QuoteCheck::Read(Some(m))) = first.quote(nearly) else {
            panic!("the near quote is aligned: {:?}", first.quote(nearly));
        };
        assert_eq!(m.differences, vec!["ten → nine"]);
        // A page kept only for quotes found since is dropped unread.
        let mut third = answer(&page("Nothing in common here."), None, &demand, &accept);
        exact.insert(nearly);
        third.prune();
        assert_eq!(third.deferred_size(), 0);
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
            order: 0,
            exact: None,
            quotes: vec![(
                QuoteId::new(0, 0),
                Arc::new(PreparedQuote::from_segments(&["the words are here"])),
            )],
        };
        let digest = digest(&response, &demand, &Accept::default());
        assert_eq!(
            digest.quote(QuoteId::new(0, 0)),
            Some(QuoteCheck::Unreadable("the page answered HTTP 404"))
        );
    }

    #[test]
    fn unreadable_pdfs_and_other_types() {
        let demand = Demand {
            fragments: vec![],
            order: 0,
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
        let read = digest(&pdf, &demand, &Accept::default());
        let Some(QuoteCheck::Unreadable(why)) = read.quote(QuoteId::new(0, 0)) else {
            panic!("a malformed PDF is unreadable");
        };
        assert!(why.starts_with("the PDF could not be read"), "{why}");
        let image = Response {
            status: 200,
            content_type: Some("image/png".into()),
            ..Response::default()
        };
        assert_eq!(
            digest(&image, &demand, &Accept::default()).quote(QuoteId::new(0, 0)),
            Some(QuoteCheck::Unreadable("the page is not text (image/png)"))
        );
    }
}
