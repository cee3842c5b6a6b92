//! The store's own record types: what a cached page and a soft-404 probe
//! are in the store (and on the wire between a fleet's processes), apart
//! from the domain types they are made from and read back into
//! ([`crate::fetch::Page`], [`PageRead`], [`Probe`]). Those types carry no
//! serde derive: changing one cannot change what the store writes without
//! a change here.
//!
//! Records are postcard (serde's compact binary form), so fields are
//! read by position: a record type's fields are never reordered, and a
//! field added to one is added last with a new [`super::SCHEMA_VERSION`]
//! (listed in `READ_CHANGES`, so records written before are dropped and
//! refetched). Failure kinds are written as the codes of
//! [`FAILURE_KINDS`], an explicit table; a code this version does not
//! know makes the record unreadable (refetched), never another kind.
//!
//! Writing borrows from the run (`…Out` types: no text is copied);
//! reading builds owned values (`…In` types) converted into the domain
//! types. `fixtures/store/records-v6.txt` holds records written by the
//! code before these types existed, and a test reads them.

use super::CachedPage;
use crate::fetch::{Failure, FailureKind, Hop, Page, Response};
use crate::verify::digest::{PageRead, Rendering};
use crate::verify::page::{Anchors, PageFacts};
use crate::verify::people::{Comment, People};
use crate::verify::soft404::{Probe, ProbeFacts};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;
use url::Url;

/// Failure kinds by their code in a record (the position).
pub(super) const FAILURE_KINDS: [FailureKind; 13] = [
    FailureKind::Guard,
    FailureKind::Dns,
    FailureKind::Refused,
    FailureKind::Reset,
    FailureKind::Timeout,
    FailureKind::Tls,
    FailureKind::RedirectLoop,
    FailureKind::TooManyRedirects,
    FailureKind::BadRedirect,
    FailureKind::Other,
    FailureKind::Interrupted,
    FailureKind::RateLimited,
    FailureKind::Network,
];

/// A failure kind's code.
fn failure_code(kind: FailureKind) -> u32 {
    FAILURE_KINDS
        .iter()
        .position(|k| *k == kind)
        .expect("every failure kind has a code") as u32
}

/// A code's failure kind, when this version knows it.
fn failure_kind(code: u32) -> Option<FailureKind> {
    FAILURE_KINDS.get(code as usize).copied()
}

/// A cached page to write: the fetch and what reading it gave, with the
/// soft-404 evidence for the URL cited.
#[derive(Debug, Serialize)]
pub(super) struct PageOut<'a> {
    page: FetchOut<'a>,
    read: ReadOut<'a>,
}

impl<'a> PageOut<'a> {
    /// The record of `page`, read as `read`, a soft 404 for `soft_404`.
    pub(super) fn new(page: &'a Page, read: &'a PageRead, soft_404: Option<&'a str>) -> Self {
        Self {
            page: FetchOut {
                url: &page.url,
                hops: page.hops.iter().map(HopOut::new).collect(),
                final_url: &page.final_url,
                result: match &page.result {
                    Ok(response) => Ok(ResponseOut::new(response)),
                    Err(failure) => Err(FailureOut {
                        kind: failure_code(failure.kind),
                        message: &failure.message,
                    }),
                },
                requests: page.requests,
            },
            read: ReadOut {
                status: read.status,
                truncated: read.truncated,
                facts: read.facts.as_ref().map(FactsOut::new),
                unreadable: read.unreadable.as_deref(),
                challenge: read.challenge.as_deref(),
                soft_404,
                rendering: read.rendering.as_ref().map(RenderingOut::new),
            },
        }
    }
}

/// A cached page as read back.
#[derive(Debug, Deserialize)]
pub(super) struct PageIn {
    page: FetchIn,
    read: ReadIn,
}

impl PageIn {
    /// The page, when every code in it is known.
    pub(super) fn into_cached(self) -> Option<CachedPage> {
        Some(CachedPage {
            page: self.page.into_page()?,
            read: self.read.into_read(),
            // The store's row, not the record, says when.
            fetched_at: 0,
        })
    }
}

#[derive(Debug, Serialize)]
struct FetchOut<'a> {
    url: &'a Url,
    hops: Vec<HopOut<'a>>,
    final_url: &'a Url,
    result: Result<ResponseOut<'a>, FailureOut<'a>>,
    requests: u32,
}

#[derive(Debug, Deserialize)]
struct FetchIn {
    url: Url,
    hops: Vec<HopIn>,
    final_url: Url,
    result: Result<ResponseIn, FailureIn>,
    requests: u32,
}

impl FetchIn {
    fn into_page(self) -> Option<Page> {
        Some(Page {
            url: self.url,
            hops: self.hops.into_iter().map(HopIn::into_hop).collect(),
            final_url: self.final_url,
            result: match self.result {
                Ok(response) => Ok(response.into_response()),
                Err(failure) => Err(Failure {
                    kind: failure_kind(failure.kind)?,
                    message: failure.message,
                }),
            },
            requests: self.requests,
        })
    }
}

#[derive(Debug, Serialize)]
struct HopOut<'a> {
    url: &'a Url,
    status: u16,
    location: &'a Url,
}

impl<'a> HopOut<'a> {
    fn new(hop: &'a Hop) -> Self {
        Self {
            url: &hop.url,
            status: hop.status,
            location: &hop.location,
        }
    }
}

#[derive(Debug, Deserialize)]
struct HopIn {
    url: Url,
    status: u16,
    location: Url,
}

impl HopIn {
    fn into_hop(self) -> Hop {
        Hop {
            url: self.url,
            status: self.status,
            location: self.location,
        }
    }
}

/// A final response without its body.
#[derive(Debug, Serialize)]
struct ResponseOut<'a> {
    status: u16,
    content_type: Option<&'a str>,
    server: Option<&'a str>,
    cf_mitigated: Option<&'a str>,
    html: bool,
    truncated: bool,
}

impl<'a> ResponseOut<'a> {
    fn new(response: &'a Response) -> Self {
        Self {
            status: response.status,
            content_type: response.content_type.as_deref(),
            server: response.server.as_deref(),
            cf_mitigated: response.cf_mitigated.as_deref(),
            html: response.html,
            truncated: response.truncated,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ResponseIn {
    status: u16,
    content_type: Option<String>,
    server: Option<String>,
    cf_mitigated: Option<String>,
    html: bool,
    truncated: bool,
}

impl ResponseIn {
    fn into_response(self) -> Response {
        Response {
            status: self.status,
            content_type: self.content_type,
            server: self.server,
            cf_mitigated: self.cf_mitigated,
            text: None,
            html: self.html,
            truncated: self.truncated,
            ..Response::default()
        }
    }
}

#[derive(Debug, Serialize)]
struct FailureOut<'a> {
    /// A code of [`FAILURE_KINDS`].
    kind: u32,
    message: &'a str,
}

#[derive(Debug, Deserialize)]
struct FailureIn {
    kind: u32,
    message: String,
}

#[derive(Debug, Serialize)]
struct ReadOut<'a> {
    status: u16,
    truncated: bool,
    facts: Option<FactsOut<'a>>,
    unreadable: Option<&'a str>,
    challenge: Option<&'a str>,
    soft_404: Option<&'a str>,
    rendering: Option<RenderingOut<'a>>,
}

#[derive(Debug, Deserialize)]
struct ReadIn {
    status: u16,
    truncated: bool,
    facts: Option<FactsIn>,
    unreadable: Option<String>,
    challenge: Option<String>,
    soft_404: Option<String>,
    rendering: Option<RenderingIn>,
}

impl ReadIn {
    fn into_read(self) -> PageRead {
        PageRead {
            status: self.status,
            truncated: self.truncated,
            facts: self.facts.map(FactsIn::into_facts),
            unreadable: self.unreadable,
            challenge: self.challenge,
            soft_404: self.soft_404,
            rendering: self.rendering.map(RenderingIn::into_rendering),
        }
    }
}

#[derive(Debug, Serialize)]
struct FactsOut<'a> {
    html: bool,
    /// [`Anchors`] in their joined form.
    anchors: &'a str,
    title: Option<&'a str>,
    heading: Option<&'a str>,
    text: Option<&'a str>,
    script_built: bool,
    script_text: Option<&'a str>,
    /// Since schema version 7.
    people: Option<PeopleOut<'a>>,
}

/// [`People`]: the page's authors and its comments.
#[derive(Debug, Serialize)]
struct PeopleOut<'a> {
    authors: &'a [String],
    comments: Vec<CommentOut<'a>>,
}

#[derive(Debug, Serialize)]
struct CommentOut<'a> {
    start: u64,
    end: u64,
    number: Option<&'a str>,
    author: Option<&'a str>,
}

impl<'a> PeopleOut<'a> {
    fn new(people: &'a People) -> Self {
        Self {
            authors: &people.authors,
            comments: people
                .comments
                .iter()
                .map(|c| CommentOut {
                    start: c.span.start as u64,
                    end: c.span.end as u64,
                    number: c.number.as_deref(),
                    author: c.author.as_deref(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct PeopleIn {
    authors: Vec<String>,
    comments: Vec<CommentIn>,
}

#[derive(Debug, Deserialize)]
struct CommentIn {
    start: u64,
    end: u64,
    number: Option<String>,
    author: Option<String>,
}

impl PeopleIn {
    fn into_people(self) -> People {
        let at = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        People {
            authors: self.authors,
            comments: self
                .comments
                .into_iter()
                .map(|c| Comment {
                    span: at(c.start)..at(c.end),
                    number: c.number,
                    author: c.author,
                })
                .collect(),
        }
    }
}

impl<'a> FactsOut<'a> {
    fn new(facts: &'a PageFacts) -> Self {
        Self {
            html: facts.html,
            anchors: facts.anchors.joined(),
            title: facts.title.as_deref(),
            heading: facts.heading.as_deref(),
            text: facts.text.as_deref(),
            script_built: facts.script_built,
            script_text: facts.script_text.as_deref(),
            people: facts.people.as_deref().map(PeopleOut::new),
        }
    }
}

#[derive(Debug, Deserialize)]
struct FactsIn {
    html: bool,
    anchors: String,
    title: Option<String>,
    heading: Option<String>,
    text: Option<String>,
    script_built: bool,
    script_text: Option<String>,
    people: Option<PeopleIn>,
}

impl FactsIn {
    fn into_facts(self) -> PageFacts {
        PageFacts {
            html: self.html,
            anchors: Anchors::from_joined(self.anchors),
            title: self.title,
            heading: self.heading,
            text: self.text,
            script_built: self.script_built,
            script_text: self.script_text,
            people: self.people.map(|p| Arc::new(p.into_people())),
        }
    }
}

#[derive(Debug, Serialize)]
enum RenderingOut<'a> {
    Rendered { refused: &'a [String] },
    Failed(&'a str),
}

impl<'a> RenderingOut<'a> {
    fn new(rendering: &'a Rendering) -> Self {
        match rendering {
            Rendering::Rendered { refused } => Self::Rendered { refused },
            Rendering::Failed(why) => Self::Failed(why),
        }
    }
}

#[derive(Debug, Deserialize)]
enum RenderingIn {
    Rendered { refused: Vec<String> },
    Failed(String),
}

impl RenderingIn {
    fn into_rendering(self) -> Rendering {
        match self {
            Self::Rendered { refused } => Rendering::Rendered { refused },
            Self::Failed(why) => Rendering::Failed(why),
        }
    }
}

/// A soft-404 probe to write.
#[derive(Debug, Serialize)]
pub(super) struct ProbeOut<'a> {
    facts: Option<ProbeFactsOut<'a>>,
    failed: bool,
}

impl<'a> ProbeOut<'a> {
    /// The record of `probe`.
    pub(super) fn new(probe: &'a Probe) -> Self {
        Self {
            facts: probe.facts.as_deref().map(|facts| ProbeFactsOut {
                url: &facts.url,
                final_url: &facts.final_url,
                shingles: &facts.shingles,
            }),
            failed: probe.failed,
        }
    }
}

#[derive(Debug, Serialize)]
struct ProbeFactsOut<'a> {
    url: &'a Url,
    final_url: &'a Url,
    shingles: &'a HashSet<u64>,
}

/// A soft-404 probe as read back.
#[derive(Debug, Deserialize)]
pub(super) struct ProbeIn {
    facts: Option<ProbeFactsIn>,
    failed: bool,
}

impl ProbeIn {
    /// The probe.
    pub(super) fn into_probe(self) -> Probe {
        Probe {
            facts: self.facts.map(|facts| {
                Arc::new(ProbeFacts {
                    url: facts.url,
                    final_url: facts.final_url,
                    shingles: facts.shingles,
                })
            }),
            failed: self.failed,
            kept_out_of_store: false,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ProbeFactsIn {
    url: Url,
    final_url: Url,
    shingles: HashSet<u64>,
}

/// A memo page read from the web, kept to be revalidated on the next
/// run (`If-None-Match`, `If-Modified-Since`): a `304 Not Modified` is
/// answered with this body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Document {
    /// Where its redirects ended.
    pub final_url: String,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// Its `ETag`.
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    pub last_modified: Option<String>,
    /// The body as it came.
    pub body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::super::{Codec, decode};
    use super::*;

    const V6: &str = include_str!("../../fixtures/store/records-v6.txt");
    const V7: &str = include_str!("../../fixtures/store/records-v7.txt");

    /// The records of a fixture file, as `(kind, bytes)`.
    fn fixture(text: &'static str) -> Vec<(&'static str, Vec<u8>)> {
        text.lines()
            .map(|line| {
                let (kind, hex) = line.split_once(' ').unwrap();
                let bytes = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect();
                (kind, bytes)
            })
            .collect()
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// The pages the fixture was written from, as the code before the
    /// record types built them.
    fn pages() -> Vec<CachedPage> {
        let page = CachedPage {
            page: Page {
                url: u("https://news.test/old"),
                hops: vec![Hop {
                    url: u("https://news.test/old"),
                    status: 301,
                    location: u("https://news.test/new"),
                }],
                final_url: u("https://news.test/new"),
                result: Ok(Response {
                    status: 200,
                    content_type: Some("text/html; charset=utf-8".to_owned()),
                    server: Some("nginx".to_owned()),
                    cf_mitigated: None,
                    text: None,
                    html: true,
                    pdf: None,
                    truncated: false,
                    ..Response::default()
                }),
                requests: 2,
            },
            read: PageRead {
                status: 200,
                truncated: false,
                facts: Some(PageFacts {
                    html: true,
                    anchors: Anchors::from_set(["comment897".to_owned(), "top".to_owned()].into()),
                    title: Some("A title".to_owned()),
                    heading: Some("A heading".to_owned()),
                    text: Some("the visible text of the page".to_owned()),
                    script_built: true,
                    script_text: Some("script words".to_owned()),
                    people: None,
                }),
                unreadable: None,
                challenge: Some("cloudflare".to_owned()),
                soft_404: Some("it reads like a not-found page".to_owned()),
                rendering: Some(Rendering::Rendered {
                    refused: vec!["tracker.test".to_owned()],
                }),
            },
            fetched_at: 0,
        };
        let mut large = page.clone();
        large.page.result = Ok(Response {
            status: 404,
            truncated: true,
            ..Response::default()
        });
        large.read.facts.as_mut().unwrap().text = Some("many words again ".repeat(400));
        large.read.rendering = Some(Rendering::Failed("no browser".to_owned()));
        large.read.unreadable = Some("not text".to_owned());
        let mut out = vec![page, large];
        out.extend(FAILURE_KINDS.iter().map(|kind| CachedPage {
            page: Page {
                url: u("https://gone.test/a"),
                hops: Vec::new(),
                final_url: u("https://gone.test/a"),
                result: Err(Failure {
                    kind: *kind,
                    message: format!("failed: {kind:?}"),
                }),
                requests: 3,
            },
            read: PageRead::default(),
            fetched_at: 0,
        }));
        out
    }

    fn same_page(a: &Page, b: &Page) -> bool {
        let response = |r: &Result<Response, Failure>| {
            r.as_ref()
                .map(|r| {
                    let r = r.clone();
                    (
                        r.status,
                        r.content_type,
                        r.server,
                        r.cf_mitigated,
                        r.html,
                        r.truncated,
                    )
                })
                .map_err(Clone::clone)
        };
        a.url == b.url
            && a.hops == b.hops
            && a.final_url == b.final_url
            && response(&a.result) == response(&b.result)
            && a.requests == b.requests
    }

    /// The pages of `records-v7.txt`: those of version 6, the first with
    /// the people its page names.
    fn pages_v7() -> Vec<CachedPage> {
        let mut pages = pages();
        pages[0].read.facts.as_mut().unwrap().people = Some(Arc::new(People {
            authors: vec!["Jane Roe".to_owned()],
            comments: vec![
                Comment {
                    span: 4..11,
                    number: Some("comment 897".to_owned()),
                    author: Some("Kurt Meyer".to_owned()),
                },
                Comment {
                    span: 12..20,
                    number: None,
                    author: None,
                },
            ],
        }));
        pages
    }

    /// `fixtures/store/records-v7.txt` is what today's code writes for
    /// its pages (and the probes of version 6, unchanged). It was written
    /// once, when version 7 was made, by this test with
    /// `CITECHECK_WRITE_RECORDS=1`; it is never written again (a new
    /// layout gets a new version and a new file).
    #[test]
    fn write_the_v7_fixture() {
        let mut codec = Codec::new();
        let mut out = String::new();
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        for page in pages_v7() {
            let record = PageOut::new(&page.page, &page.read, page.read.soft_404.as_deref());
            out.push_str(&format!("page {}\n", hex(&codec.encode(&record).unwrap())));
        }
        for line in V6.lines().filter(|l| l.starts_with("probe ")) {
            out.push_str(line);
            out.push('\n');
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store/records-v7.txt");
        if std::env::var_os("CITECHECK_WRITE_RECORDS").is_some() {
            std::fs::write(path, &out).unwrap();
        }
        assert_eq!(out, V7, "today's code writes version 7 records differently");
    }

    /// A version 6 record of a read page lacks the people: it is no
    /// record now (the page is fetched again), never a page misread; a
    /// failure's record, which has no read, is read as before.
    #[test]
    fn records_of_version_6_are_refetched_not_misread() {
        let mut inflate = flate2::Decompress::new(false);
        let records = fixture(V6);
        let blobs = records.iter().filter(|(kind, _)| *kind == "page");
        for ((_, blob), want) in blobs.zip(&pages()) {
            let got = decode::<PageIn>(&mut inflate, blob).and_then(PageIn::into_cached);
            match &want.read.facts {
                Some(_) => assert!(got.is_none(), "{:?}", want.page.url),
                None => assert!(same_page(&got.unwrap().page, &want.page)),
            }
        }
    }

    #[test]
    fn records_of_today_are_read_and_written_alike() {
        let records = fixture(V7);
        let (page_records, probe_records): (Vec<_>, Vec<_>) =
            records.iter().partition(|(kind, _)| *kind == "page");
        let expected = pages_v7();
        assert_eq!(page_records.len(), expected.len());
        let mut inflate = flate2::Decompress::new(false);
        let mut codec = Codec::new();
        for ((_, blob), want) in page_records.iter().zip(&expected) {
            let got = decode::<PageIn>(&mut inflate, blob)
                .and_then(PageIn::into_cached)
                .expect("a record of today's stores is read");
            assert!(same_page(&got.page, &want.page), "{:?}", got.page);
            assert_eq!(got.read, want.read);
            // Written again, the same bytes: the format did not change.
            let again = codec
                .encode(&PageOut::new(
                    &want.page,
                    &want.read,
                    want.read.soft_404.as_deref(),
                ))
                .unwrap();
            assert_eq!(&again, blob, "{:?}", want.page.result);
        }
        let probes: Vec<Probe> = probe_records
            .iter()
            .map(|(_, blob)| decode::<ProbeIn>(&mut inflate, blob).unwrap().into_probe())
            .collect();
        let facts = probes[0].facts.as_ref().unwrap();
        assert_eq!(facts.url.as_str(), "https://news.test/x-made-up");
        assert_eq!(facts.final_url.as_str(), "https://news.test/");
        assert_eq!(facts.shingles, HashSet::from([7, 11, 1 << 40]));
        assert!(!probes[0].failed);
        assert!(probes[1].facts.is_none() && probes[1].failed);
    }

    #[test]
    fn a_failure_code_this_version_does_not_know_makes_no_record() {
        let mut codec = Codec::new();
        let mut inflate = flate2::Decompress::new(false);
        let page = &pages()[2];
        let mut blob = codec
            .encode(&PageOut::new(&page.page, &page.read, None))
            .unwrap();
        assert!(
            decode::<PageIn>(&mut inflate, &blob)
                .and_then(PageIn::into_cached)
                .is_some()
        );
        // The failure's code is the byte after the result's tag (1, Err)
        // that follows the fetch's URLs and (empty) hops.
        let url = "https://gone.test/a";
        let at = 1 + (1 + url.len()) + 1 + (1 + url.len()) + 1;
        assert_eq!((blob[at - 1], blob[at]), (1, 0));
        blob[at] = FAILURE_KINDS.len() as u8;
        assert!(
            decode::<PageIn>(&mut inflate, &blob)
                .and_then(PageIn::into_cached)
                .is_none()
        );
        for (code, kind) in FAILURE_KINDS.iter().enumerate() {
            assert_eq!(failure_code(*kind), code as u32);
            assert_eq!(failure_kind(code as u32), Some(*kind));
        }
    }
}
