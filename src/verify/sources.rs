//! A quote's verdict over its candidate sources. Pure.
//!
//! Candidates come in the memo's order of preference (the paired link
//! first). The quote is `found` in the first source that holds it exactly,
//! else `approximate` at the best similarity reaching the threshold, else
//! `missing` when at least one source was read, else `unverifiable`.

use super::digest::QuoteCheck;
use super::quote::QuoteMatch;
use super::{QuoteOutcome, Reason};
use crate::model::QuoteVerdict;
use url::Url;

/// What one candidate source gave.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SourceCheck<'a> {
    /// The source was fetched and checked.
    Checked(QuoteCheck<'a>),
    /// The source was not read: why (broken, excluded, not fetched …).
    NotRead(&'a str),
}

/// The verdict on a quote from its candidates' checks, `(url, check)` in
/// order of preference.
pub(crate) fn quote_outcome(sources: &[(&Url, SourceCheck<'_>)], threshold: f64) -> QuoteOutcome {
    if sources.is_empty() {
        return QuoteOutcome::new(
            QuoteVerdict::Unverifiable,
            "the memo cites no source it could come from",
        );
    }
    let read = sources
        .iter()
        .filter(|(_, c)| matches!(c, SourceCheck::Checked(QuoteCheck::Read(_))))
        .count();
    let unread = sources.len() - read;
    // Said only when the quote is not found, so made only then.
    let searched = || {
        format!(
            "not in the {read} source{} read{}",
            if read == 1 { "" } else { "s" },
            if unread > 0 {
                format!(" ({unread} more could not be read)")
            } else {
                String::new()
            }
        )
    };
    let best = best_match(sources);
    if let Some((url, m)) = best.filter(|(_, m)| m.exact) {
        return matched(url, m, threshold, searched);
    }
    if read == 0 {
        return unreadable(sources);
    }
    // `missing` and `approximate` say what the sources hold: only once
    // every one of them was read whole. Else the quote may be in what was
    // not read.
    if unread > 0 {
        let mut outcome = unreadable(sources);
        let read_whole = format!(
            "not in the {read} source{} read whole",
            if read == 1 { "" } else { "s" }
        );
        let so_far = match best {
            Some((url, m)) => {
                let closest = matched(url, m, threshold, String::new);
                let so_far = match closest.verdict {
                    QuoteVerdict::Approximate => format!(
                        "{read_whole} word for word; in {url}: {}",
                        closest.reason.whole().unwrap_or_default()
                    ),
                    _ => format!(
                        "{read_whole} (the closest passage, similarity {:.2}, is at {url})",
                        m.similarity
                    ),
                };
                outcome.similarity = closest.similarity;
                outcome.source = closest.source;
                outcome.matched_text = closest.matched_text;
                so_far
            }
            None => read_whole,
        };
        outcome.reason = Reason::of(format!(
            "{so_far}; {unread} more could not be read, and it may be there ({})",
            unread_list(sources)
        ));
        return outcome;
    }
    if let Some((url, m)) = best {
        return matched(url, m, threshold, searched);
    }
    QuoteOutcome::new(
        QuoteVerdict::Missing,
        format!("{}: no passage shares its wording", searched()),
    )
}

/// The sources not read whole, the first three, with why.
fn unread_list(sources: &[(&Url, SourceCheck<'_>)]) -> String {
    let unread: Vec<String> = sources
        .iter()
        .filter_map(|(url, check)| match check {
            SourceCheck::Checked(QuoteCheck::Read(_)) => None,
            SourceCheck::Checked(QuoteCheck::Unreadable(why)) | SourceCheck::NotRead(why) => {
                Some(format!("{url}: {why}"))
            }
        })
        .collect();
    let mut list = unread
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if unread.len() > 3 {
        list.push_str(&format!("; and {} more", unread.len() - 3));
    }
    list
}

/// The best match among the sources read (the first of equals).
fn best_match<'a>(sources: &[(&'a Url, SourceCheck<'a>)]) -> Option<(&'a Url, &'a QuoteMatch)> {
    let mut best: Option<(&Url, &QuoteMatch)> = None;
    for (url, check) in sources {
        let SourceCheck::Checked(QuoteCheck::Read(Some(m))) = check else {
            continue;
        };
        if best.is_none_or(|(_, b)| rank(m) > rank(b)) {
            best = Some((url, m));
        }
    }
    best
}

/// The verdict from the best match: found, approximate with what
/// differs, or missing with the closest passage. `searched` says how many
/// sources were read.
fn matched(
    url: &Url,
    m: &QuoteMatch,
    threshold: f64,
    searched: impl FnOnce() -> String,
) -> QuoteOutcome {
    let mut outcome = QuoteOutcome {
        verdict: QuoteVerdict::Missing,
        similarity: Some(round(m.similarity)),
        source: Some(url.clone()),
        matched_text: Some(m.matched_text.clone()),
        reason: Reason::default(),
        archived: None,
        attribution: None,
    };
    if m.exact {
        outcome.verdict = QuoteVerdict::Found;
        outcome.attribution = m.attribution.clone();
        return outcome;
    }
    if m.similarity >= threshold && m.weakest_segment >= threshold {
        outcome.verdict = QuoteVerdict::Approximate;
        outcome.attribution = m.attribution.clone();
        outcome.reason = Reason::of(format!(
            "close but not exact (similarity {:.2}); {}",
            m.similarity,
            what_differs(m)
        ));
    } else {
        outcome.reason = Reason::of(format!(
            "{}; the closest passage (similarity {:.2}, below {threshold}) is at {url}",
            searched(),
            m.similarity
        ));
    }
    outcome
}

/// The numbers and words that differ between quote and page.
fn what_differs(m: &QuoteMatch) -> String {
    let mut why = Vec::new();
    if let Some((quoted, paged)) = &m.numbers {
        why.push(format!(
            "numbers differ: the quote has {}, the page {}",
            list(quoted),
            list(paged)
        ));
    }
    let shown: Vec<&str> = m.differences.iter().map(String::as_str).take(6).collect();
    if !shown.is_empty() {
        let more = m.differences.len() - shown.len();
        let mut diff = format!("differs: {}", shown.join("; "));
        if more > 0 {
            diff.push_str(&format!("; and {more} more"));
        }
        why.push(diff);
    }
    why.join("; ")
}

/// No source could be read: why, for the first three.
fn unreadable(sources: &[(&Url, SourceCheck<'_>)]) -> QuoteOutcome {
    let why: Vec<String> = sources
        .iter()
        .take(3)
        .map(|(url, check)| {
            let reason = match check {
                SourceCheck::Checked(QuoteCheck::Unreadable(why)) => why,
                SourceCheck::NotRead(why) => why,
                SourceCheck::Checked(QuoteCheck::Read(_)) => "read",
            };
            format!("{url}: {reason}")
        })
        .collect();
    let more = sources.len().saturating_sub(3);
    let mut reason = format!("no source could be read ({})", why.join("; "));
    if more > 0 {
        reason.push_str(&format!(" and {more} more"));
    }
    QuoteOutcome::new(QuoteVerdict::Unverifiable, reason)
}

/// Exact first, then similarity, then whether numbers agree.
fn rank(m: &QuoteMatch) -> (bool, u64, bool) {
    (m.exact, (m.similarity * 1e6) as u64, m.numbers.is_none())
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn list(words: &[String]) -> String {
    if words.is_empty() {
        "none".to_owned()
    } else {
        words.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(similarity: f64, exact: bool) -> QuoteMatch {
        QuoteMatch {
            similarity,
            weakest_segment: similarity,
            exact,
            matched_text: "text".into(),
            differences: if exact {
                vec![]
            } else {
                vec!["Kyiv → Kiev".into()]
            },
            numbers: None,
            at: 0..4,
            attribution: None,
        }
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn verdicts() {
        let (a, b) = (u("http://a.test/"), u("http://b.test/"));
        let found = matched(1.0, true);
        let close = matched(0.9, false);
        let far = matched(0.5, false);
        let (found, close, far) = (
            QuoteCheck::Read(Some(&found)),
            QuoteCheck::Read(Some(&close)),
            QuoteCheck::Read(Some(&far)),
        );
        let none = QuoteCheck::Read(None);
        let gone = QuoteCheck::Unreadable("the page answered HTTP 404");
        let o = quote_outcome(
            &[
                (&a, SourceCheck::Checked(close)),
                (&b, SourceCheck::Checked(found)),
            ],
            0.85,
        );
        assert_eq!(
            (o.verdict, o.source.as_ref()),
            (QuoteVerdict::Found, Some(&b))
        );
        let o = quote_outcome(&[(&a, SourceCheck::Checked(close))], 0.85);
        assert_eq!(o.verdict, QuoteVerdict::Approximate);
        assert!(o.reason.whole().unwrap().contains("Kyiv → Kiev"));
        let o = quote_outcome(&[(&a, SourceCheck::Checked(far))], 0.85);
        assert_eq!(o.verdict, QuoteVerdict::Missing);
        // Not in the source read, and another could not be read: it may be
        // there, so not `missing`.
        let o = quote_outcome(
            &[
                (&a, SourceCheck::Checked(none)),
                (&b, SourceCheck::Checked(gone)),
            ],
            0.85,
        );
        assert_eq!(o.verdict, QuoteVerdict::Unverifiable);
        assert_eq!(
            o.reason.whole().unwrap(),
            "not in the 1 source read whole; 1 more could not be read, and it may be there \
             (http://b.test/: the page answered HTTP 404)"
        );
        // Close on one, the other excluded: not `approximate` either, but
        // the close match is kept.
        let o = quote_outcome(
            &[
                (&a, SourceCheck::Checked(close)),
                (&b, SourceCheck::NotRead("matches --exclude b.test")),
            ],
            0.85,
        );
        assert_eq!(o.verdict, QuoteVerdict::Unverifiable);
        assert_eq!(o.similarity, Some(0.9));
        let reason = o.reason.whole().unwrap();
        assert!(
            reason.starts_with(
                "not in the 1 source read whole word for word; in http://a.test/: close but not \
                 exact (similarity 0.90)"
            ),
            "{reason}"
        );
        assert!(
            reason.ends_with("(http://b.test/: matches --exclude b.test)"),
            "{reason}"
        );
        // Found word for word is found, whatever else was not read.
        let o = quote_outcome(
            &[
                (&a, SourceCheck::NotRead("interrupted")),
                (&b, SourceCheck::Checked(found)),
            ],
            0.85,
        );
        assert_eq!(o.verdict, QuoteVerdict::Found);
        let o = quote_outcome(
            &[
                (&a, SourceCheck::NotRead("blocked")),
                (&b, SourceCheck::Checked(gone)),
            ],
            0.85,
        );
        assert_eq!(o.verdict, QuoteVerdict::Unverifiable);
        assert!(
            o.reason
                .whole()
                .unwrap()
                .contains("http://b.test/: the page answered HTTP 404")
        );
        assert_eq!(quote_outcome(&[], 0.85).verdict, QuoteVerdict::Unverifiable);
    }

    #[test]
    fn numbers_keep_a_match_approximate() {
        let check = QuoteMatch {
            similarity: 0.97,
            weakest_segment: 0.97,
            exact: false,
            matched_text: "30 percent of the budget".into(),
            differences: vec!["40 → 30".into()],
            numbers: Some((vec!["40".into()], vec!["30".into()])),
            at: 0..24,
            attribution: None,
        };
        let check = QuoteCheck::Read(Some(&check));
        let a = u("http://a.test/");
        let o = quote_outcome(&[(&a, SourceCheck::Checked(check))], 0.85);
        assert_eq!(o.verdict, QuoteVerdict::Approximate);
        assert!(
            o.reason
                .whole()
                .unwrap()
                .contains("the quote has 40, the page 30")
        );
    }
}
