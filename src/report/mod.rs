//! The report: one model of a run's results, and pure renderers that write
//! it in each format to any `impl Write`. The model's field names are the
//! JSON contract of `docs/report-schema.md` (schema version 1): fields are
//! only ever added.

pub mod charts;
pub mod csv;
pub mod github;
pub mod history;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod markup;
pub mod sarif;
pub mod sites;
pub mod store;
pub mod terminal;
pub mod trends;

use crate::model::{Link, LinkVerdict, Problem, Quote, QuoteVerdict, Severity, Verdict};
use crate::verify::Reason;
use crate::verify::attribution::AttributionCheck;
use crate::verify::{ArchivedQuote, LinkOutcome, PreservedCapture, QuoteOutcome, Suggestion};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// The JSON report's schema version.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole run's results.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool that wrote the report.
    pub tool: Tool,
    /// Counts over the whole run.
    pub summary: Summary,
    /// One entry per memo, in the order they were given.
    pub memos: Vec<MemoReport>,
    /// Things about the run itself the user should know (a cache set
    /// aside or not used); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Whether the run was interrupted (Ctrl-C, SIGTERM) before it
    /// checked everything; absent when it was not.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Why the run's own network could not be reached, when it could not
    /// (nothing was checked); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_unreachable: Option<String>,
    /// The part of a sharded run this report covers (`K/N`, from
    /// `--shard`); absent for a whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// The tool that wrote a report.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `citecheck`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

/// `n thing` or `n things`.
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

impl Summary {
    /// What the run looked at, in the words every format uses: `2 memos,
    /// 65 links to 32 pages, 4 quotes`.
    pub fn scope(&self) -> String {
        format!(
            "{}, {} to {}, {}",
            count(self.memos, "memo"),
            count(self.links, "link"),
            count(self.unique_pages, "page"),
            count(self.quotes, "quote")
        )
    }

    /// Its findings: `1 error, 3 warnings`.
    pub fn findings(&self) -> String {
        format!(
            "{}, {}",
            count(self.errors, "error"),
            count(self.warnings, "warning")
        )
    }
}

/// Counts over the whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Memos given (readable or not).
    pub memos: usize,
    /// Link occurrences.
    pub links: usize,
    /// Distinct URLs, fragment included.
    pub unique_urls: usize,
    /// Distinct pages fetched or to fetch (URLs without fragment).
    pub unique_pages: usize,
    /// Quotations checked.
    pub quotes: usize,
    /// Findings at error level (links, quotes and memo problems).
    pub errors: usize,
    /// Findings at warning level.
    pub warnings: usize,
    /// Link occurrences by verdict.
    pub links_by_verdict: BTreeMap<&'static str, usize>,
    /// Quotes by verdict.
    pub quotes_by_verdict: BTreeMap<&'static str, usize>,
    /// Wall-clock time of the run, in milliseconds.
    pub elapsed_ms: u64,
    /// What `--preserve` did, per source (page): present only with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preservation: Option<Preservation>,
    /// Files the directories given held that are of no type citecheck
    /// reads: present only when there were some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Skipped>,
    /// The cited sites (hosts) and what their links came to, each with a
    /// diagnosis when the evidence supports one; the diagnosed first.
    /// Absent when no link was to a web address.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<sites::Site>,
}

/// Files skipped by type in directory walks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Skipped {
    /// How many of each extension (`.png`, `.doc`; `(none)` without one).
    pub by_type: BTreeMap<String, usize>,
    /// Their paths, in the order found.
    pub files: Vec<String>,
}

impl Skipped {
    /// The summary of `files`, `None` when there are none.
    pub fn of(files: &[std::path::PathBuf]) -> Option<Self> {
        if files.is_empty() {
            return None;
        }
        let mut by_type = BTreeMap::new();
        for file in files {
            let kind = file.extension().map_or_else(
                || "(none)".to_owned(),
                |e| format!(".{}", e.to_string_lossy()),
            );
            *by_type.entry(kind.to_lowercase()).or_insert(0) += 1;
        }
        Some(Self {
            by_type,
            files: files.iter().map(|f| f.display().to_string()).collect(),
        })
    }

    /// The run's notice of them: `skipped 3 files of types citecheck does
    /// not read: 2 .png, 1 .doc (-v lists them)`.
    pub fn notice(&self) -> String {
        let kinds: Vec<String> = self
            .by_type
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        let n = self.files.len();
        format!(
            "skipped {n} file{} of types citecheck does not read: {} (-v lists them)",
            if n == 1 { "" } else { "s" },
            kinds.join(", ")
        )
    }
}

/// What `--preserve` did, counted per source (a page cited by any memo;
/// a redirected link's source is where it ends).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Preservation {
    /// Sources a new capture was made of.
    pub preserved: usize,
    /// Sources that had a capture that counts already.
    pub already_preserved: usize,
    /// Sources that could not be preserved.
    pub not_preserved: usize,
    /// Why not, each reason with how many sources it stopped.
    pub why_not: BTreeMap<String, usize>,
}

/// One memo's results.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct MemoReport {
    /// The path as given, or `-` for standard input.
    pub path: String,
    /// `text`, `markdown`, `html`, `pdf`, `docx` or `odt`.
    pub format: crate::model::MemoFormat,
    /// Problems with the memo itself at error level (unreadable, binary…).
    pub errors: Vec<Problem>,
    /// Problems at warning level (fallback decoding, unterminated quote…).
    pub warnings: Vec<Problem>,
    /// The memo's date, from its metadata.
    pub date: Option<String>,
    /// One entry per link occurrence.
    pub links: Vec<LinkResult>,
    /// One entry per quotation.
    pub quotes: Vec<QuoteResult>,
    /// What changed since the previous recorded run of this memo (only
    /// with the store, and once a run was recorded before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<crate::report::history::Changes>,
    /// What `citecheck fix` changed, or would change, and what it held
    /// back (empty for `check`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<crate::model::Fix>,
    /// Whether reading the memo failed on I/O: it decides the exit code
    /// (2), so it is in JSON when true, for `citecheck merge`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub io_failed: bool,
}

/// Where an item stands in its memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Place {
    /// The page, in a PDF memo.
    pub page: Option<u32>,
    /// The part of a word processor's document (`line` is then its
    /// paragraph).
    pub part: Option<crate::model::Part>,
    /// 1-based line (on the page, in a PDF memo).
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
}

impl Place {
    /// From its parts.
    pub fn new(page: Option<u32>, line: Option<u32>, column: Option<u32>) -> Self {
        Self {
            page,
            part: None,
            line,
            column,
        }
    }

    /// The same place, in `part` of a word processor's document.
    pub fn in_part(self, part: Option<crate::model::Part>) -> Self {
        Self { part, ..self }
    }

    /// Where a memo problem stands, when it says.
    pub fn of_problem(problem: &Problem) -> Self {
        Self::new(problem.page, problem.line, problem.column).in_part(problem.part)
    }

    /// As reports write it: `line:column`, `page:line` in a PDF memo
    /// (where a column means little), `¶ 12:5` or `note 3:5` in a word
    /// processor's (paragraph, then character); `None` when unknown.
    pub fn label(&self) -> Option<String> {
        if let (Some(part), Some(line)) = (self.part, self.line) {
            let at = part.label(line);
            return Some(match self.column {
                Some(column) => format!("{at}:{column}"),
                None => at,
            });
        }
        match (self.page, self.line, self.column) {
            (Some(page), Some(line), _) => Some(format!("{page}:{line}")),
            (None, Some(line), Some(column)) => Some(format!("{line}:{column}")),
            (None, Some(line), None) => Some(line.to_string()),
            _ => None,
        }
    }
}

/// A link occurrence with its verdict.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LinkResult {
    /// The URL as written in the memo.
    pub url: String,
    /// The absolute URL it resolves to, when it resolves.
    pub resolved_url: Option<String>,
    /// The words the link is on (a PDF link annotation's words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The page, in a PDF memo (`line` then counts on the page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The part of a word processor's document (`body`, `footnote 3`):
    /// `line` then counts its paragraphs, `column` a paragraph's
    /// characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<crate::model::Part>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// How the link was written.
    pub kind: crate::model::LinkKind,
    /// The verdict.
    pub verdict: LinkVerdict,
    /// The verdict's severity.
    pub severity: Severity,
    /// The final HTTP status.
    pub http_status: Option<u16>,
    /// Where redirects ended, when not at the URL itself.
    pub final_url: Option<String>,
    /// The fragment and whether it was found.
    pub fragment: Option<FragmentResult>,
    /// Why, for every verdict but `ok`: its notes, written as one text.
    #[serde(default)]
    pub reason: Reason,
    /// A replacement URL.
    pub suggestion: Option<Box<Suggestion>>,
    /// The archived copy that preserves the page (`--preserve`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture: Option<Box<PreservedCapture>>,
    /// How the page was read when scripts build it: rendered in headless
    /// Chromium, or read from its script data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scripts: Option<String>,
    /// When the page was fetched, if a run before this one did: the
    /// verdict comes from the cache (an HTTP date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_at: Option<String>,
    /// The memo's own sentence around the link, when it stands in prose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// A link's fragment in the report.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FragmentResult {
    /// `anchor` or `text`.
    pub kind: crate::model::FragmentKind,
    /// The decoded anchor id, or the text directive as written.
    pub value: String,
    /// Whether the page holds it; `null` when not checked.
    pub found: Option<bool>,
}

/// A quotation with its verdict.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct QuoteResult {
    /// The quoted text as written (line breaks folded).
    pub text: String,
    /// The repaired text the source must hold, split at ellipses;
    /// editorial insertions in brackets.
    pub segments: Vec<String>,
    /// Words in the quote (editorial insertions excluded).
    pub words: usize,
    /// The page, in a PDF memo (`line` then counts on the page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The part of a word processor's document (`body`, `footnote 3`):
    /// `line` then counts its paragraphs, `column` a paragraph's
    /// characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<crate::model::Part>,
    /// 1-based line of the opening mark.
    pub line: u32,
    /// 1-based column of the opening mark.
    pub column: u32,
    /// The speaker the memo names, if any.
    pub attribution: Option<String>,
    /// The verdict.
    pub verdict: QuoteVerdict,
    /// The verdict's severity.
    pub severity: Severity,
    /// 1 − edits ÷ quote length for the best match.
    pub similarity: Option<f64>,
    /// The URL where it matched best.
    pub source: Option<String>,
    /// The matched text as the source has it.
    pub matched_text: Option<String>,
    /// The candidate sources, most likely first (shared with the memo's
    /// other quotes: a memo whose sources are listed at its end makes
    /// every link a candidate of every quote).
    pub candidates: Vec<Arc<str>>,
    /// How the candidates were chosen.
    pub pairing: crate::model::Pairing,
    /// The note the quote cites (`3`, or `speech` for a Markdown
    /// `[^speech]`), when it is paired by a footnote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why, for every verdict but `found`: its notes, written as one
    /// text.
    #[serde(default)]
    pub reason: Reason,
    /// The quote checked again on an archived copy of its source, when
    /// it is missing or drifted and an archived copy was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<ArchivedQuote>,
    /// Whether the source names the person the memo attributes the quote
    /// to where the quote stands: for found and approximate quotes with a
    /// personal speaker.
    #[serde(default)]
    pub attribution_check: Option<AttributionCheck>,
    /// The memo's own sentence around the quotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl LinkResult {
    /// Where the link is written.
    pub fn place(&self) -> Place {
        Place::new(self.page, Some(self.line), Some(self.column)).in_part(self.part)
    }

    /// Combine a link occurrence with its outcome.
    pub fn new(link: &Link, outcome: LinkOutcome) -> Self {
        Self {
            url: link.written.clone(),
            resolved_url: match &link.target {
                crate::model::Target::Http(url) => Some(url.to_string()),
                _ => None,
            },
            text: link.text.clone(),
            page: link.position.page,
            part: link.position.part,
            line: link.position.line,
            column: link.position.column,
            kind: link.kind,
            verdict: outcome.verdict,
            severity: outcome.verdict.default_severity(),
            http_status: outcome.http_status,
            final_url: outcome.final_url.map(String::from),
            fragment: link.fragment.as_ref().map(|f| FragmentResult {
                kind: f.kind(),
                value: f.value().to_owned(),
                found: outcome.fragment_found,
            }),
            reason: outcome.reason,
            suggestion: outcome.suggestion.map(Box::new),
            capture: outcome.capture.map(Box::new),
            scripts: outcome.scripts,
            cached_at: outcome.cached_at.map(crate::date::http_date),
            context: link.context.clone(),
        }
    }
}

impl QuoteResult {
    /// Where the opening mark stands.
    pub fn place(&self) -> Place {
        Place::new(self.page, Some(self.line), Some(self.column)).in_part(self.part)
    }

    /// Where it stands as reports write it, with the note it cites:
    /// `12:5 (note 3)`.
    pub fn at(&self) -> Option<String> {
        let label = self.place().label()?;
        Some(match &self.note {
            Some(note) => format!("{label} (note {note})"),
            None => label,
        })
    }

    /// Combine a quotation with its outcome; `links` are the memo's links
    /// as reports show them ([`shown_urls`]), which the quote's candidates
    /// index.
    pub fn new(quote: &Quote, links: &[Arc<str>], outcome: QuoteOutcome) -> Self {
        let mut reason = outcome.reason;
        let speaker = quote.attribution.as_deref().unwrap_or_default();
        if let Some(note) = outcome.attribution.as_ref().and_then(|c| c.note(speaker)) {
            reason.add(&note);
        }
        Self {
            text: quote.text.clone(),
            segments: quote
                .segments
                .iter()
                .map(crate::model::Segment::display)
                .collect(),
            words: quote.words,
            page: quote.position.page,
            part: quote.position.part,
            line: quote.position.line,
            column: quote.position.column,
            attribution: quote.attribution.clone(),
            verdict: outcome.verdict,
            severity: outcome.verdict.default_severity(),
            similarity: outcome.similarity,
            source: outcome.source.map(String::from),
            matched_text: outcome.matched_text,
            candidates: quote
                .candidates
                .iter()
                .filter_map(|&i| links.get(i).cloned())
                .collect(),
            pairing: quote.pairing,
            note: quote.note.clone(),
            reason,
            archived: outcome.archived,
            attribution_check: outcome.attribution,
            context: quote.context.clone(),
        }
    }
}

/// A memo's links as reports show them, once each, for
/// [`QuoteResult::new`].
pub fn shown_urls(links: &[Link]) -> Vec<Arc<str>> {
    links.iter().map(|l| Arc::from(l.display_url())).collect()
}

impl MemoReport {
    /// A memo entry with no items yet.
    pub fn new(path: String, format: crate::model::MemoFormat) -> Self {
        Self {
            path,
            format,
            errors: Vec::new(),
            warnings: Vec::new(),
            date: None,
            links: Vec::new(),
            quotes: Vec::new(),
            changes: None,
            fixes: Vec::new(),
            io_failed: false,
        }
    }

    /// File a problem under `errors` or `warnings` by its severity.
    pub fn add_problem(&mut self, problem: Problem) {
        match problem.severity {
            Severity::Error => self.errors.push(problem),
            Severity::Warning | Severity::Info => self.warnings.push(problem),
        }
    }
}

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at the failing level.
    Clean,
    /// Findings at the failing level.
    Findings,
    /// The tool could not read some input.
    InputError,
    /// The run was interrupted.
    Interrupted,
    /// The run's own network could not be reached: nothing was checked.
    NoNetwork,
}

/// What a run says of itself, beside its memos' results: the one input
/// of [`Report::new`] that the memos do not give.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    /// How long the run took.
    pub elapsed_ms: u64,
    /// Notices about the run itself.
    pub notices: Vec<String>,
    /// Whether it was interrupted.
    pub interrupted: bool,
    /// What `--preserve` did, when asked.
    pub preservation: Option<Preservation>,
    /// Files passed over in the folders given.
    pub skipped: Option<Skipped>,
    /// Why the run's own network could not be reached, if it could not.
    pub network_unreachable: Option<String>,
    /// The part of a sharded run it was (`K/N`).
    pub shard: Option<String>,
}

impl Report {
    /// Assemble a report from its memos and what the run says of itself;
    /// the summary is computed from them, never patched afterwards.
    pub fn new(memos: Vec<MemoReport>, run: RunFacts) -> Self {
        let RunFacts {
            elapsed_ms,
            notices,
            interrupted,
            preservation,
            skipped,
            network_unreachable,
            shard,
        } = run;
        let mut summary = Summary {
            memos: memos.len(),
            elapsed_ms,
            preservation,
            skipped,
            ..Summary::default()
        };
        let mut urls = HashSet::new();
        let mut pages = HashSet::new();
        for verdict in LinkVerdict::ALL {
            summary.links_by_verdict.insert(verdict.name(), 0);
        }
        for verdict in QuoteVerdict::ALL {
            summary.quotes_by_verdict.insert(verdict.name(), 0);
        }
        for memo in &memos {
            summary.links += memo.links.len();
            summary.quotes += memo.quotes.len();
            let severities = memo
                .links
                .iter()
                .map(|l| l.severity)
                .chain(memo.quotes.iter().map(|q| q.severity))
                .chain(memo.errors.iter().chain(&memo.warnings).map(|p| p.severity));
            for severity in severities {
                match severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => {}
                }
            }
            for link in &memo.links {
                *summary
                    .links_by_verdict
                    .entry(link.verdict.name())
                    .or_default() += 1;
                let url = link
                    .resolved_url
                    .clone()
                    .unwrap_or_else(|| link.url.clone());
                if link.resolved_url.is_some() {
                    pages.insert(url.split('#').next().unwrap_or_default().to_owned());
                }
                urls.insert(url);
            }
            for quote in &memo.quotes {
                *summary
                    .quotes_by_verdict
                    .entry(quote.verdict.name())
                    .or_default() += 1;
            }
        }
        summary.unique_urls = urls.len();
        summary.unique_pages = pages.len();
        summary.sites = sites::sites(&memos);
        Self {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            summary,
            memos,
            notices,
            interrupted,
            network_unreachable,
            shard,
        }
    }

    /// The report taken apart into its memos and what the run said of
    /// itself, to be assembled again ([`Report::new`]) once the memos
    /// changed (`fix`).
    pub fn into_parts(self) -> (Vec<MemoReport>, RunFacts) {
        let run = RunFacts {
            elapsed_ms: self.summary.elapsed_ms,
            notices: self.notices,
            interrupted: self.interrupted,
            preservation: self.summary.preservation,
            skipped: self.summary.skipped,
            network_unreachable: self.network_unreachable,
            shard: self.shard,
        };
        (self.memos, run)
    }

    /// How the run ended: an interruption first, then input errors, then
    /// findings at `fail_on`.
    pub fn status(&self, fail_on: Severity) -> Status {
        if self.interrupted {
            return Status::Interrupted;
        }
        if self.network_unreachable.is_some() {
            return Status::NoNetwork;
        }
        if self.memos.iter().any(|m| m.io_failed) {
            return Status::InputError;
        }
        let failing = match fail_on {
            Severity::Error => self.summary.errors,
            Severity::Warning => self.summary.errors + self.summary.warnings,
            Severity::Info => self.summary.errors + self.summary.warnings + 1,
        };
        if failing > 0 {
            Status::Findings
        } else {
            Status::Clean
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// A link occurrence.
    Link(&'a LinkResult),
    /// A quotation.
    Quote(&'a QuoteResult),
    /// A problem with the memo itself.
    Problem(&'a Problem),
}

/// One item of a memo, flattened for the formats that list findings.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'a> {
    /// The memo it is in.
    pub memo: &'a MemoReport,
    /// The item.
    pub item: Item<'a>,
}

impl<'a> Finding<'a> {
    /// `link`, `quote` or `memo`.
    pub fn kind(&self) -> &'static str {
        match self.item {
            Item::Link(_) => "link",
            Item::Quote(_) => "quote",
            Item::Problem(_) => "memo",
        }
    }

    /// The verdict's name (`problem` for memo problems).
    pub fn verdict(&self) -> &'static str {
        match self.item {
            Item::Link(l) => l.verdict.name(),
            Item::Quote(q) => q.verdict.name(),
            Item::Problem(_) => "problem",
        }
    }

    /// Its severity.
    pub fn severity(&self) -> Severity {
        match self.item {
            Item::Link(l) => l.severity,
            Item::Quote(q) => q.severity,
            Item::Problem(p) => p.severity,
        }
    }

    /// Where it stands as reports write it (a footnoted quote's note
    /// beside its place), when known.
    pub fn at(&self) -> Option<String> {
        match self.item {
            Item::Quote(q) => q.at(),
            _ => self.position().label(),
        }
    }

    /// Where it stands, when known.
    pub fn position(&self) -> Place {
        match self.item {
            Item::Link(l) => l.place(),
            Item::Quote(q) => q.place(),
            Item::Problem(p) => Place::of_problem(p),
        }
    }

    /// What it is about: the URL, the quotation, or the problem.
    pub fn subject(&self) -> &'a str {
        match self.item {
            Item::Link(l) => &l.url,
            Item::Quote(q) => &q.text,
            Item::Problem(p) => &p.message,
        }
    }

    /// Why, when there is a reason.
    pub fn reason(&self) -> Option<&'a Reason> {
        let reason = match self.item {
            Item::Link(l) => &l.reason,
            Item::Quote(q) => &q.reason,
            Item::Problem(_) => return None,
        };
        (!reason.is_empty()).then_some(reason)
    }

    /// When the page was fetched, for a link whose verdict comes from the
    /// cache.
    pub fn cached_at(&self) -> Option<&'a str> {
        match self.item {
            Item::Link(l) => l.cached_at.as_deref(),
            _ => None,
        }
    }

    /// A replacement URL: a link's suggestion, or a quote's archived copy.
    pub fn replacement(&self) -> Option<&'a str> {
        match self.item {
            // Only what `citecheck fix` would write.
            Item::Link(l) => l
                .suggestion
                .as_ref()
                .filter(|s| s.held.is_none())
                .map(|s| s.url.as_str()),
            Item::Quote(q) => q
                .archived
                .as_ref()
                .filter(|a| a.verdict == QuoteVerdict::Found)
                .map(|a| a.url.as_str()),
            Item::Problem(_) => None,
        }
    }

    /// One line for people: `broken: https://… (HTTP 404 …)`.
    pub fn message(&self) -> String {
        self.message_with(false)
    }

    /// [`Finding::message`] with only the reason's first clause (the
    /// evidence after it left to the reports that show it).
    pub fn brief(&self) -> String {
        self.message_with(true)
    }

    fn message_with(&self, brief: bool) -> String {
        let subject = match self.item {
            Item::Quote(q) => format!("“{}”", markup::shorten(&q.text, 200)),
            _ => markup::shorten_subject(self.subject(), 300),
        };
        let mut text = match self.item {
            Item::Problem(_) => subject,
            _ => format!("{} {}: {subject}", self.kind(), self.verdict()),
        };
        if let Some(reason) = self.reason() {
            let reason = if brief {
                // What is left out is marked, never silently dropped.
                match short_reason(reason) {
                    (first, Some(_)) => format!("{first}; …"),
                    (first, None) => first,
                }
            } else {
                reason.whole().unwrap_or_default()
            };
            text.push_str(&format!(" ({})", markup::shorten_clause(&reason, 600)));
        }
        if let Some(at) = self.cached_at() {
            text.push_str(&format!("; from the cache, fetched {at}"));
        }
        if let Some(url) = self.replacement() {
            text.push_str(&format!("; use {url}"));
        }
        text
    }
}

/// One entry of the reports people read: a finding, and every place it
/// stands (a source cited on several lines with the same verdict, reason
/// and replacement is one entry).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The first occurrence.
    pub finding: Finding<'a>,
    /// Where each occurrence stands, in memo order.
    pub places: Vec<Place>,
}

impl Entry<'_> {
    /// Where it stands: one place as [`Finding::at`] writes it, several as
    /// their lines (`191–197`, `12, 40, 77`; `2:14–16, 3:1` in a PDF).
    pub fn at(&self) -> Option<String> {
        if self.places.len() < 2 {
            return self.finding.at();
        }
        Some(places_label(&self.places))
    }
}

/// Several places as reports write them: runs of consecutive lines as
/// `first–last`, on the same page in a PDF memo.
pub fn places_label(places: &[Place]) -> String {
    type Run = ((Option<u32>, Option<crate::model::Part>), u32, u32);
    let mut runs: Vec<Run> = Vec::new();
    for place in places {
        let Some(line) = place.line else { continue };
        let region = (place.page, place.part);
        match runs.last_mut() {
            Some((last_region, _, last))
                if *last_region == region && (line == *last || line == *last + 1) =>
            {
                *last = line;
            }
            _ => runs.push((region, line, line)),
        }
    }
    runs.iter()
        .map(|&((page, part), first, last)| {
            let lines = if first == last {
                first.to_string()
            } else {
                format!("{first}–{last}")
            };
            match (page, part) {
                (_, Some(part)) if first == last => part.label(first),
                (_, Some(part)) => part.range_label(first, last),
                (Some(page), None) => format!("{page}:{lines}"),
                (None, None) => lines,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long a reason shown at once may grow, clause by clause.
const SHORT_REASON: usize = 160;

/// A reason as the reports people read show it at once, and the evidence
/// left for one level down: its notes as long as they stay within 160
/// characters (the first always), then the rest.
pub fn short_reason(reason: &Reason) -> (String, Option<String>) {
    reason.short(SHORT_REASON)
}

impl MemoReport {
    /// The link occurrences grouped by what they say: the same source
    /// (URL with its fragment), verdict, severity, reason and replacement;
    /// each group with its places, in the order of first occurrence.
    pub fn link_groups(&self) -> Vec<(&LinkResult, Vec<Place>)> {
        let mut groups: Vec<(&LinkResult, Vec<Place>)> = Vec::new();
        let mut index: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
        for link in &self.links {
            let key = (
                link.resolved_url.as_deref().unwrap_or(&link.url),
                link.verdict,
                link.severity,
                &link.reason,
                link.suggestion.as_ref().map(|s| s.url.as_str()),
                link.fragment.as_ref().and_then(|f| f.found),
            );
            match index.get(&key) {
                Some(&at) => groups[at].1.push(link.place()),
                None => {
                    index.insert(key, groups.len());
                    groups.push((link, vec![link.place()]));
                }
            }
        }
        groups
    }

    /// Every entry of the memo for the reports people read: its problems,
    /// its link groups ([`MemoReport::link_groups`]) and its quotes.
    pub fn entries(&self) -> Vec<Entry<'_>> {
        fn single<'a>(memo: &'a MemoReport, item: Item<'a>) -> Entry<'a> {
            let finding = Finding { memo, item };
            Entry {
                places: vec![finding.position()],
                finding,
            }
        }
        let mut entries: Vec<Entry<'_>> = self
            .errors
            .iter()
            .chain(&self.warnings)
            .map(|p| single(self, Item::Problem(p)))
            .collect();
        entries.extend(self.link_groups().into_iter().map(|(link, places)| Entry {
            finding: Finding {
                memo: self,
                item: Item::Link(link),
            },
            places,
        }));
        entries.extend(self.quotes.iter().map(|q| single(self, Item::Quote(q))));
        entries
    }
}

impl MemoReport {
    /// Every item of the memo: its problems, links and quotes, in that order.
    pub fn findings(&self) -> impl Iterator<Item = Finding<'_>> {
        let problems = self.errors.iter().chain(&self.warnings).map(Item::Problem);
        let links = self.links.iter().map(Item::Link);
        let quotes = self.quotes.iter().map(Item::Quote);
        problems
            .chain(links)
            .chain(quotes)
            .map(move |item| Finding { memo: self, item })
    }
}

impl MemoReport {
    /// The memo's links and quotes for the run history: the first
    /// occurrence of each URL and of each quotation.
    pub fn recorded(&self) -> Vec<crate::report::history::Recorded> {
        let mut seen = HashSet::new();
        let links = self.links.iter().map(|l| {
            (
                l.resolved_url.clone().unwrap_or_else(|| l.url.clone()),
                Verdict::Link(l.verdict),
                l.severity,
            )
        });
        let quotes = self
            .quotes
            .iter()
            .map(|q| (q.text.clone(), Verdict::Quote(q.verdict), q.severity));
        links
            .chain(quotes)
            .filter(|(subject, verdict, _)| seen.insert((verdict.kind(), subject.clone())))
            .map(
                |(subject, verdict, severity)| crate::report::history::Recorded {
                    subject,
                    verdict,
                    error: severity == Severity::Error,
                    failing_since: None,
                },
            )
            .collect()
    }

    /// Whether an item is a new finding since the previous run.
    pub fn is_new(&self, kind: crate::model::ItemKind, subject: &str) -> bool {
        self.changes.as_ref().is_some_and(|c| {
            c.new_findings
                .iter()
                .any(|n| n.kind == kind && n.subject == subject)
        })
    }
}

impl Report {
    /// Every entry of every memo ([`MemoReport::entries`]).
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.memos.iter().flat_map(MemoReport::entries)
    }

    /// Every item of every memo.
    pub fn findings(&self) -> impl Iterator<Item = Finding<'_>> {
        self.memos.iter().flat_map(MemoReport::findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_short_reasons() {
        let at = |lines: &[u32]| -> Vec<Place> {
            lines
                .iter()
                .map(|&l| Place::new(None, Some(l), Some(1)))
                .collect()
        };
        assert_eq!(places_label(&at(&[191, 192, 193, 197])), "191–193, 197");
        assert_eq!(places_label(&at(&[12, 40, 77])), "12, 40, 77");
        let pdf = [
            Place::new(Some(2), Some(14), None),
            Place::new(Some(2), Some(15), None),
            Place::new(Some(3), Some(1), None),
        ];
        assert_eq!(places_label(&pdf), "2:14–15, 3:1");
        let short = Reason::from_whole("HTTP 404; no archived copy");
        assert_eq!(
            short_reason(&short),
            ("HTTP 404; no archived copy".to_owned(), None)
        );
        let mut long = Reason::of("not in the 3 sources read");
        long.add("a".repeat(100));
        long.add("b".repeat(100));
        let (shown, rest) = short_reason(&long);
        assert_eq!(
            shown,
            format!("not in the 3 sources read; {}", "a".repeat(100))
        );
        assert_eq!(rest, Some("b".repeat(100)));
        let one = Reason::of("c".repeat(300));
        assert_eq!(short_reason(&one), ("c".repeat(300), None));
    }
}
