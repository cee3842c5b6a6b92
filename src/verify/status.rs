//! A link occurrence's verdict from its fetched page: the status against
//! the accepted ones, redirects, bot challenges, soft 404s and the
//! fragment's check. Pure.

use super::digest::PageDigest;
use super::fragment::FragmentCheck;
use super::{LinkOutcome, Reason, Suggestion, SuggestionSource};
use crate::fetch::{FailureKind, Page};
use crate::model::{Accept, Fragment, LinkVerdict};

/// The verdict on one link occurrence whose page was fetched.
pub(crate) fn link_outcome(
    page: &Page,
    digest: &PageDigest,
    fragment: Option<&Fragment>,
    accept: &Accept,
) -> LinkOutcome {
    let final_url = (!page.hops.is_empty()).then(|| page.final_url.clone());
    let response = match &page.result {
        Ok(response) => response,
        Err(failure) => {
            let verdict = match failure.kind {
                FailureKind::Guard => LinkVerdict::Excluded,
                FailureKind::Interrupted => LinkVerdict::Unchecked,
                // The run's own network failed: nothing is known of the
                // page.
                FailureKind::Network => LinkVerdict::Unchecked,
                // It answered 429 and asked to wait too long: it refuses
                // automated clients for now, which says nothing of the page.
                FailureKind::RateLimited => LinkVerdict::Blocked,
                _ => LinkVerdict::Broken,
            };
            // A failure's message may hold notes of its own (plain words,
            // then what the HTTP library said).
            return LinkOutcome {
                final_url,
                reason: crate::verify::Reason::from_whole(&failure.message),
                ..LinkOutcome::new(verdict, "")
            };
        }
    };
    let mut outcome = LinkOutcome {
        verdict: LinkVerdict::Ok,
        http_status: Some(response.status),
        final_url,
        fragment_found: None,
        reason: Reason::default(),
        suggestion: None,
        capture: None,
        scripts: digest.scripts.clone(),
        cached_at: None,
    };
    if let Some(challenge) = &digest.challenge {
        outcome.verdict = LinkVerdict::Blocked;
        outcome.reason = Reason::of(challenge.clone());
        return outcome;
    }
    if !accept.contains(response.status) {
        let (verdict, why) = match response.status {
            401 | 403 | 429 | 999 => (LinkVerdict::Blocked, "the site refuses automated clients"),
            _ => (LinkVerdict::Broken, "the page is gone or failing"),
        };
        outcome.verdict = verdict;
        outcome.reason = Reason::of(format!(
            "HTTP {} {} ({why}){}",
            response.status,
            reason_phrase(response.status),
            retried(page)
        ));
        return outcome;
    }
    if let Some(why) = &digest.soft_404 {
        outcome.verdict = LinkVerdict::Soft404;
        outcome.reason = Reason::of(format!("soft 404: {why}"));
        return outcome;
    }
    if let Some(hop) = page.hops.iter().find(|h| matches!(h.status, 301 | 308)) {
        outcome.verdict = LinkVerdict::Redirected;
        outcome.reason = Reason::of(format!(
            "permanent redirect (HTTP {}) from {} to {}",
            hop.status, hop.url, page.final_url
        ));
        outcome.suggestion = Some(Suggestion {
            url: page.final_url.to_string(),
            source: SuggestionSource::Redirect,
            timestamp: None,
            archive: None,
            held: None,
        });
    }
    if let Some(fragment) = fragment {
        check_fragment(&mut outcome, digest, fragment);
    }
    if response.truncated {
        outcome.add_note("body cut at the size limit");
    }
    outcome
}

/// The fragment's check on a page that is fine: found, missing (the
/// verdict becomes `anchor_missing`) or unknown (a reason, unless one is
/// there already).
fn check_fragment(outcome: &mut LinkOutcome, digest: &PageDigest, fragment: &Fragment) {
    match digest.fragments.get(fragment.value()) {
        Some(FragmentCheck::Found) => outcome.fragment_found = Some(true),
        Some(FragmentCheck::Unknown(why)) => {
            if outcome.reason.is_empty() {
                outcome.reason = Reason::of(why.clone());
            }
        }
        Some(FragmentCheck::Missing(why)) => {
            outcome.fragment_found = Some(false);
            outcome.verdict = LinkVerdict::AnchorMissing;
            outcome.reason = Reason::of(why.clone());
        }
        None => {
            if outcome.reason.is_empty() {
                outcome.reason = Reason::of("fragment not checked");
            }
        }
    }
}

fn retried(page: &Page) -> String {
    let extra = page.requests.saturating_sub(1 + page.hops.len() as u32);
    if extra > 0 {
        format!(
            ", after {extra} retr{}",
            if extra == 1 { "y" } else { "ies" }
        )
    } else {
        String::new()
    }
}

/// The standard phrase of an HTTP status (`Not Found`), or nothing.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
