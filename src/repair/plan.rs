//! Which replacements a memo's results verify: a permanent redirect's
//! end, a dead link's archived capture, a capture beside a live link
//! whose quote drifted; every other link held back with the reason.

use super::capture_date;
use crate::model::{Fix, FixKind, LinkVerdict, Pairing, QuoteVerdict};
use crate::report::{LinkResult, MemoReport, QuoteResult};
use crate::verify::SuggestionSource;

/// The fixes the results of `memo` support, those that may be applied
/// marked `applied` (until [`super::apply`] finds where they go), the others
/// with the reason they are held back. `only` limits the kinds
/// (`Archive` includes the captures added beside live links).
pub(crate) fn plan(memo: &MemoReport, only: Option<FixKind>) -> Vec<Fix> {
    let mut fixes = Vec::new();
    for (i, link) in memo.links.iter().enumerate() {
        let fix = match link.suggestion.as_ref().map(|s| &s.source) {
            Some(SuggestionSource::Redirect) if link.verdict == LinkVerdict::Redirected => {
                redirect(i, link)
            }
            Some(SuggestionSource::Archive) if link.verdict.is_dead() => {
                archive(i, link, &memo.quotes)
            }
            _ if link.verdict == LinkVerdict::Ok => beside(i, link, memo),
            _ => None,
        };
        let Some(fix) = fix else { continue };
        let wanted = match only {
            None => true,
            Some(FixKind::Redirect) => fix.kind == FixKind::Redirect,
            Some(_) => fix.kind != FixKind::Redirect,
        };
        if wanted {
            fixes.push(fix);
        }
    }
    fixes
}

fn fix(i: usize, link: &LinkResult, new: String, kind: FixKind) -> Fix {
    Fix {
        line: link.line,
        column: link.column,
        old: link.url.clone(),
        new,
        kind,
        applied: true,
        reason: None,
        link: i,
        timestamp: None,
    }
}

/// The fragment as written, with its `#`, if the link has one.
fn fragment(link: &LinkResult) -> Option<&str> {
    link.url.find('#').map(|at| &link.url[at..])
}

fn redirect(i: usize, link: &LinkResult) -> Option<Fix> {
    let target = &link.suggestion.as_ref()?.url;
    let target = target.split('#').next().unwrap_or(target);
    let mut new = target.to_owned();
    let mut held = None;
    if let Some(fragment) = fragment(link) {
        new.push_str(fragment);
        if link.fragment.as_ref().and_then(|f| f.found) != Some(true) {
            held = Some(format!(
                "the page the redirect ends at lacks {fragment}: the link is left alone"
            ));
        }
    }
    let mut fix = fix(i, link, new, FixKind::Redirect);
    if let Some(why) = held {
        fix.refuse(why);
    }
    Some(fix)
}

/// The quotes that belong to a link: paired with it specifically (its
/// sentence, block, footnote, `cite`), or best matched on its page. A
/// quote paired with every link of the memo belongs to none.
fn belongs<'a>(link: &'a LinkResult, quotes: &'a [QuoteResult]) -> Vec<&'a QuoteResult> {
    let url = link.resolved_url.as_deref().unwrap_or(&link.url);
    let page = url.split('#').next().unwrap_or(url);
    quotes
        .iter()
        .filter(|q| {
            let paired =
                q.pairing != Pairing::Memo && q.candidates.first().map(|c| &**c) == Some(url);
            let matched = q
                .source
                .as_deref()
                .is_some_and(|s| s.split('#').next() == Some(page));
            paired || matched
        })
        .collect()
}

fn archive(i: usize, link: &LinkResult, quotes: &[QuoteResult]) -> Option<Fix> {
    let suggestion = link.suggestion.as_ref()?;
    let mut new = suggestion.url.clone();
    if let Some(fragment) = fragment(link) {
        new.push_str(fragment);
    }
    let mut fix = fix(i, link, new, FixKind::Archive);
    fix.timestamp.clone_from(&suggestion.timestamp);
    let date = capture_date(suggestion.timestamp.as_deref());
    for quote in belongs(link, quotes) {
        if quote.verdict == QuoteVerdict::Found {
            continue;
        }
        // `archived` is the best of the captures checked for the quote:
        // found in this one, or in none of them.
        let why = match &quote.archived {
            Some(a) if a.verdict == QuoteVerdict::Found && a.url == suggestion.url => continue,
            Some(a) if a.verdict != QuoteVerdict::Found => "does not hold",
            _ => "was not checked for",
        };
        fix.refuse(format!(
            "the archived copy of {date} {why} the quote at {}:{} (“{}”): the link is left \
             alone",
            quote.line,
            quote.column,
            short(&quote.text)
        ));
        break;
    }
    Some(fix)
}

fn beside(i: usize, link: &LinkResult, memo: &MemoReport) -> Option<Fix> {
    let quote = belongs(link, &memo.quotes).into_iter().find(|q| {
        matches!(q.verdict, QuoteVerdict::Missing | QuoteVerdict::Approximate)
            && q.archived
                .as_ref()
                .is_some_and(|a| a.verdict == QuoteVerdict::Found)
    })?;
    let archived = quote.archived.as_ref()?;
    // Only a capture of this link's own page goes beside it.
    let url = link.resolved_url.as_deref().unwrap_or(&link.url);
    if url.split('#').next() != Some(archived.page.as_str()) {
        return None;
    }
    // Already beside it (a fix made before): nothing to add.
    if memo.links.iter().any(|l| l.url == archived.url) {
        return None;
    }
    let mut fix = fix(i, link, archived.url.clone(), FixKind::ArchiveBeside);
    fix.timestamp = Some(archived.timestamp.clone());
    Some(fix)
}

fn short(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 8 {
        words.join(" ")
    } else {
        format!("{} …", words[..8].join(" "))
    }
}
