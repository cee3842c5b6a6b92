//! Verification: turning what was fetched into verdicts. Pure: every
//! function here takes data and returns data; the network is the fetch
//! layer's business (verification reads the `Page`s it hands over).

pub mod attribution;
pub(crate) mod challenge;

use attribution::AttributionCheck;
pub(crate) mod digest;
pub(crate) mod fragment;
pub mod normalize;
pub mod page;
pub mod people;
pub mod quote;
mod reason;
pub mod soft404;
pub(crate) mod sources;
pub(crate) mod status;

use crate::model::{Link, LinkVerdict, QuoteVerdict, Target};
use url::Url;

pub use reason::Reason;

/// Where a suggested replacement URL comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    /// The end of a permanent redirect.
    Redirect,
    /// An archived copy.
    Archive,
}

/// A replacement for a link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    /// The URL to use instead.
    pub url: String,
    /// Where it comes from.
    pub source: SuggestionSource,
    /// For an archived copy: when it was captured (`YYYYMMDDhhmmss`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// For an archived copy: which archive holds it (`wayback`, or a
    /// Memento archive's host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Why `citecheck fix` would not write it (the capture lacks a quote
    /// taken from the page, the redirect's end lacks the anchor): then no
    /// report offers it as a replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<String>,
}

/// An archived copy that preserves a link's page (`--preserve`): one made
/// by this run, or one that already counted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreservedCapture {
    /// The capture, as people view it.
    pub url: String,
    /// When it was captured (`YYYYMMDDhhmmss`).
    pub timestamp: String,
    /// Which archive holds it (`wayback`, or a Memento archive's host).
    pub archive: String,
    /// Whether this run asked for it (`false`: it was there already).
    pub created: bool,
}

/// A quote checked again on an archived copy of its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArchivedQuote {
    /// The archived copy, as people view it.
    pub url: String,
    /// The cited page whose capture it is.
    pub page: String,
    /// When it was captured (`YYYYMMDDhhmmss`).
    pub timestamp: String,
    /// `found`, `approximate` or `missing` in the archived copy.
    pub verdict: QuoteVerdict,
    /// The best match's similarity there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// The verdict on one link occurrence with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOutcome {
    /// The verdict.
    pub verdict: LinkVerdict,
    /// The final HTTP status, when a response came.
    pub http_status: Option<u16>,
    /// The URL the redirects ended at, when it differs from the link.
    pub final_url: Option<Url>,
    /// Whether the fragment was found (`None`: not checked or none).
    pub fragment_found: Option<bool>,
    /// Why, for every verdict but `ok`.
    pub reason: Reason,
    /// A replacement, when one is known.
    pub suggestion: Option<Suggestion>,
    /// The capture that preserves its page, with `--preserve`.
    pub capture: Option<PreservedCapture>,
    /// How its page was read when scripts build it (rendered in a browser,
    /// or from its script data).
    pub scripts: Option<String>,
    /// When its page was fetched, if a run before this one did (the
    /// verdict comes from the store; Unix seconds).
    pub cached_at: Option<i64>,
}

impl LinkOutcome {
    /// The outcome, answered from a page a run before this one fetched
    /// at `at` (Unix seconds), when it was.
    pub fn cached(mut self, at: Option<i64>) -> Self {
        self.cached_at = at;
        self
    }

    /// An outcome with only a verdict and a reason.
    pub fn new(verdict: LinkVerdict, reason: impl Into<String>) -> Self {
        Self {
            verdict,
            http_status: None,
            final_url: None,
            fragment_found: None,
            reason: Reason::of(reason),
            suggestion: None,
            capture: None,
            scripts: None,
            cached_at: None,
        }
    }

    /// Add a note to the reason.
    pub fn add_note(&mut self, note: &str) {
        self.reason.add(note);
    }

    /// The same outcome with no reason (a verdict that needs none).
    fn without_reason(mut self) -> Self {
        self.reason = Reason::default();
        self
    }
}

/// The verdict on one quotation with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteOutcome {
    /// The verdict.
    pub verdict: QuoteVerdict,
    /// 1 − edits ÷ quote length, for the best match.
    pub similarity: Option<f64>,
    /// The URL where the quote matched best.
    pub source: Option<Url>,
    /// The matched text as the source has it.
    pub matched_text: Option<String>,
    /// Why, for every verdict but `found`.
    pub reason: Reason,
    /// The quote checked on an archived copy of its source.
    pub archived: Option<ArchivedQuote>,
    /// Whether the source that holds the quote names its speaker there.
    pub attribution: Option<AttributionCheck>,
}

impl QuoteOutcome {
    /// An outcome with only a verdict and a reason.
    pub fn new(verdict: QuoteVerdict, reason: impl Into<String>) -> Self {
        Self {
            verdict,
            similarity: None,
            source: None,
            matched_text: None,
            reason: Reason::of(reason),
            archived: None,
            attribution: None,
        }
    }

    /// Add a note to the reason.
    pub fn add_note(&mut self, note: &str) {
        self.reason.add(note);
    }
}

/// The verdict on a link that is never fetched (another scheme, a
/// relative link with no base, an invalid URL, a place in the memo itself,
/// checked against the memo's `anchors`), or `None` for an http(s) link
/// that must be fetched and a local file the run must look at
/// ([`local_outcome`]).
pub fn without_fetch(link: &Link, anchors: Option<&[String]>) -> Option<LinkOutcome> {
    match &link.target {
        Target::InMemo => Some(in_memo(link.fragment.as_ref(), anchors)),
        Target::Http(_) | Target::Local(_) => None,
        Target::OtherScheme(scheme) => Some(LinkOutcome::new(
            LinkVerdict::Excluded,
            format!("{scheme}: links are not checked"),
        )),
        Target::Relative => Some(LinkOutcome::new(
            LinkVerdict::Excluded,
            "relative link with nothing to resolve it against; pass --base-url",
        )),
        Target::Invalid(reason) => Some(LinkOutcome::new(LinkVerdict::Broken, reason.clone())),
    }
}

/// What the run found at the local file a link names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalFile<'a> {
    /// It is not there, or cannot be read: why.
    Missing(&'a str),
    /// It is there; its anchors when it is Markdown or HTML and the link
    /// names a place in it.
    Present(Option<&'a [String]>),
}

/// The verdict on a link to a local file (`[annex](annex.md#part-2)`):
/// `broken` when the file is missing, `anchor_missing` when a Markdown or
/// HTML file lacks the place named, else `ok`. `shown` names the file
/// in the reason.
pub fn local_outcome(
    fragment: Option<&crate::model::Fragment>,
    shown: &str,
    file: LocalFile<'_>,
) -> LinkOutcome {
    match file {
        LocalFile::Missing(why) => LinkOutcome::new(LinkVerdict::Broken, format!("{why}: {shown}")),
        LocalFile::Present(Some(anchors)) => anchor_outcome(fragment, anchors, shown),
        LocalFile::Present(None) => LinkOutcome::new(LinkVerdict::Ok, "").without_reason(),
    }
}

/// A link to a place in the memo itself, against the memo's anchors.
fn in_memo(fragment: Option<&crate::model::Fragment>, anchors: Option<&[String]>) -> LinkOutcome {
    let Some(anchors) = anchors else {
        return LinkOutcome::new(
            LinkVerdict::Excluded,
            "a link to a place in the memo, which a plain-text memo cannot name",
        );
    };
    if let Some(crate::model::Fragment::Text { .. }) = fragment {
        return LinkOutcome::new(
            LinkVerdict::Excluded,
            "text fragments into the memo itself are not checked",
        );
    }
    anchor_outcome(fragment, anchors, "the memo")
}

/// A link's fragment against the sorted `anchors` of a document the
/// reason calls `whose`.
fn anchor_outcome(
    fragment: Option<&crate::model::Fragment>,
    anchors: &[String],
    whose: &str,
) -> LinkOutcome {
    use crate::model::Fragment;
    match fragment {
        Some(Fragment::Anchor { id, raw }) => {
            let has = |name: &str| anchors.binary_search_by(|a| a.as_str().cmp(name)).is_ok();
            if has(id) || has(raw) {
                LinkOutcome {
                    fragment_found: Some(true),
                    ..LinkOutcome::new(LinkVerdict::Ok, "")
                }
                .without_reason()
            } else {
                LinkOutcome {
                    fragment_found: Some(false),
                    ..LinkOutcome::new(
                        LinkVerdict::AnchorMissing,
                        format!("{whose} has no element with id or name {id:?}"),
                    )
                }
            }
        }
        Some(Fragment::Text { .. }) => LinkOutcome::new(
            LinkVerdict::Excluded,
            format!("text fragments into {whose} are not checked"),
        ),
        None => LinkOutcome::new(LinkVerdict::Ok, "").without_reason(),
    }
}
