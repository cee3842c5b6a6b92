//! Link verdicts from a fetched page: status, redirects, bot challenges and
//! fragments.

use super::digest::PageDigest;
use super::page::PageFacts;
use super::quote::PageText;
use super::{LinkOutcome, Suggestion, SuggestionSource};
use crate::fetch::{FailureKind, Page, Response};
use crate::model::{Fragment, LinkVerdict, TextDirective};
use std::ops::RangeInclusive;

/// Statuses accepted as fine (`--accept`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept(pub Vec<RangeInclusive<u16>>);

impl Default for Accept {
    fn default() -> Self {
        Self(vec![200..=299])
    }
}

impl Accept {
    /// Parse `200-299,304` style lists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (lo, hi) = part
                .split_once(['-', '.'])
                .map_or((part, part), |(a, b)| (a, b.trim_start_matches(['.', '='])));
            let lo: u16 = lo
                .trim()
                .parse()
                .map_err(|_| format!("{part:?} is not a status or range"))?;
            let hi: u16 = hi
                .trim()
                .parse()
                .map_err(|_| format!("{part:?} is not a status or range"))?;
            if lo > hi || !(100..=999).contains(&lo) || hi > 999 {
                return Err(format!("{part:?} is not a range of HTTP statuses"));
            }
            ranges.push(lo..=hi);
        }
        if ranges.is_empty() {
            return Err("no status given".to_owned());
        }
        Ok(Self(ranges))
    }

    /// Whether `status` is accepted.
    pub fn contains(&self, status: u16) -> bool {
        self.0.iter().any(|r| r.contains(&status))
    }
}

/// The verdict on one link occurrence whose page was fetched.
pub fn link_outcome(
    page: &Page,
    digest: &PageDigest,
    fragment: Option<&Fragment>,
    accept: &Accept,
) -> LinkOutcome {
    let final_url = (!page.hops.is_empty()).then(|| page.final_url.to_string());
    let response = match &page.result {
        Ok(response) => response,
        Err(failure) => {
            let verdict = match failure.kind {
                FailureKind::Guard => LinkVerdict::Excluded,
                FailureKind::Interrupted => LinkVerdict::Unchecked,
                _ => LinkVerdict::Broken,
            };
            return LinkOutcome {
                final_url,
                ..LinkOutcome::new(verdict, failure.message.clone())
            };
        }
    };
    let mut outcome = LinkOutcome {
        verdict: LinkVerdict::Ok,
        http_status: Some(response.status),
        final_url,
        fragment_found: None,
        reason: None,
        suggestion: None,
    };
    if let Some(challenge) = &digest.challenge {
        outcome.verdict = LinkVerdict::Blocked;
        outcome.reason = Some(challenge.clone());
        return outcome;
    }
    if !accept.contains(response.status) {
        let (verdict, why) = match response.status {
            401 | 403 | 429 | 999 => (LinkVerdict::Blocked, "the site refuses automated clients"),
            _ => (LinkVerdict::Broken, "the page is gone or failing"),
        };
        outcome.verdict = verdict;
        outcome.reason = Some(format!(
            "HTTP {} {} ({why}){}",
            response.status,
            reason_phrase(response.status),
            retried(page)
        ));
        return outcome;
    }
    if let Some(why) = &digest.soft_404 {
        outcome.verdict = LinkVerdict::Soft404;
        outcome.reason = Some(format!("soft 404: {why}"));
        return outcome;
    }
    if let Some(hop) = page.hops.iter().find(|h| matches!(h.status, 301 | 308)) {
        outcome.verdict = LinkVerdict::Redirected;
        outcome.reason = Some(format!(
            "permanent redirect (HTTP {}) from {} to {}",
            hop.status, hop.url, page.final_url
        ));
        outcome.suggestion = Some(Suggestion {
            url: page.final_url.to_string(),
            source: SuggestionSource::Redirect,
            timestamp: None,
        });
    }
    if let Some(fragment) = fragment {
        match digest.fragments.get(fragment.value()) {
            Some(FragmentCheck::Found) => outcome.fragment_found = Some(true),
            Some(FragmentCheck::Unknown(why)) => {
                if outcome.reason.is_none() {
                    outcome.reason = Some(why.clone());
                }
            }
            Some(FragmentCheck::Missing(why)) => {
                outcome.fragment_found = Some(false);
                outcome.verdict = LinkVerdict::AnchorMissing;
                outcome.reason = Some(why.clone());
            }
            None => {
                if outcome.reason.is_none() {
                    outcome.reason = Some("fragment not checked".to_owned());
                }
            }
        }
    }
    if response.truncated {
        let note = "body cut at the size limit";
        outcome.reason = Some(match outcome.reason.take() {
            Some(r) => format!("{r}; {note}"),
            None => note.to_owned(),
        });
    }
    outcome
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

/// Whether a fragment is on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FragmentCheck {
    /// It is.
    Found,
    /// It is not: why.
    Missing(String),
    /// It could not be checked: why.
    Unknown(String),
}

/// Check one fragment against a page's anchors (element fragments) or its
/// visible text (text fragments).
pub fn check_fragment(
    fragment: &Fragment,
    truncated: bool,
    facts: Option<&PageFacts>,
    text: Option<&PageText>,
) -> FragmentCheck {
    match fragment {
        Fragment::Anchor { id, raw } => {
            let Some(facts) = facts.filter(|f| f.html) else {
                return FragmentCheck::Unknown(
                    "fragment not checked: the page is not HTML".to_owned(),
                );
            };
            if facts.has_anchor(id, raw) {
                FragmentCheck::Found
            } else {
                let mut why = format!("the page has no element with id or name {id:?}");
                if truncated {
                    why.push_str(" in the part read before the size limit");
                }
                why.push_str(" (anchors that only a script adds cannot be seen)");
                FragmentCheck::Missing(why)
            }
        }
        Fragment::Text { directives, .. } => {
            let Some(text) = text else {
                return FragmentCheck::Unknown(
                    "text fragment not checked: no page text".to_owned(),
                );
            };
            match directives
                .iter()
                .find(|d| !text_directive_found(d, text.normalized()))
            {
                None => FragmentCheck::Found,
                Some(d) => FragmentCheck::Missing(format!(
                    "the page's visible text does not contain the text fragment {:?}",
                    d.start
                )),
            }
        }
    }
}

/// Whether a text directive matches normalised page text.
fn text_directive_found(directive: &TextDirective, text: &str) -> bool {
    use super::normalize::normalize;
    let start = normalize(&directive.start);
    let prefix = directive.prefix.as_deref().map(normalize);
    let suffix = directive.suffix.as_deref().map(normalize);
    let end = directive.end.as_deref().map(normalize);
    let mut from = 0;
    while let Some(at) = text[from..].find(&start).map(|i| from + i) {
        from = at + start.len().max(1);
        let before_ok = prefix
            .as_ref()
            .is_none_or(|p| text[..at].trim_end().ends_with(p.as_str()));
        let mut match_end = at + start.len();
        if let Some(end) = &end {
            match text[match_end..].find(end.as_str()) {
                Some(e) => match_end += e + end.len(),
                None => continue,
            }
        }
        let after_ok = suffix
            .as_ref()
            .is_none_or(|s| text[match_end..].trim_start().starts_with(s.as_str()));
        if before_ok && after_ok {
            return true;
        }
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// A bot-protection challenge, if the response is one.
pub fn bot_challenge(response: &Response, facts: Option<&PageFacts>) -> Option<String> {
    if response
        .cf_mitigated
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("challenge"))
    {
        return Some(
            "bot challenge (cf-mitigated: challenge): the site refuses automated clients"
                .to_owned(),
        );
    }
    if !matches!(response.status, 403 | 429 | 503) {
        return None;
    }
    let server = response
        .server
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let title = facts
        .and_then(|f| f.title.as_deref())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = response.text.as_deref().unwrap_or_default();
    let signature = if server.contains("cloudflare")
        && (title.contains("just a moment") || title.contains("attention required"))
    {
        Some("Cloudflare")
    } else if body.contains("_Incapsula_Resource") || body.contains("Incapsula incident") {
        Some("Imperva Incapsula")
    } else if server.contains("akamaighost") && title.contains("access denied") {
        Some("Akamai")
    } else if body.contains("captcha-delivery.com") || server.contains("datadome") {
        Some("DataDome")
    } else if body.contains("_pxCaptcha") || body.contains("perimeterx") {
        Some("PerimeterX")
    } else if server.contains("ddos-guard") {
        Some("DDoS-Guard")
    } else {
        None
    }?;
    Some(format!(
        "bot challenge from {signature} (HTTP {}): the site refuses automated clients",
        response.status
    ))
}

fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_lists() {
        let a = Accept::parse("200-299, 304,403").unwrap();
        assert!(a.contains(204) && a.contains(304) && a.contains(403) && !a.contains(404));
        assert!(Accept::parse("abc").is_err());
        assert!(Accept::parse("300-200").is_err());
    }

    #[test]
    fn text_directives() {
        let d = |p: Option<&str>, s: &str, e: Option<&str>, x: Option<&str>| TextDirective {
            prefix: p.map(Into::into),
            start: s.into(),
            end: e.map(Into::into),
            suffix: x.map(Into::into),
        };
        let text = "energy security of the supply today and tomorrow";
        assert!(text_directive_found(
            &d(Some("energy"), "security of", Some("supply"), Some("today")),
            text
        ));
        assert!(text_directive_found(
            &d(None, "Security  Of", None, None),
            text
        ));
        assert!(!text_directive_found(
            &d(Some("water"), "security of", None, None),
            text
        ));
        assert!(!text_directive_found(
            &d(None, "security of", None, Some("yesterday")),
            text
        ));
    }
}
