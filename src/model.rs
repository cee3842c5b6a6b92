//! Plain data shared by every stage: what a memo is, what it cites, and the
//! verdicts the checker can reach. Nothing here does I/O or holds behaviour
//! beyond small accessors.

use serde::Serialize;
use std::ops::RangeInclusive;
use url::Url;

/// The formats citecheck reads memos in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MemoFormat {
    /// Plain text, typically extracted from a PDF.
    Text,
    /// Markdown (CommonMark with YAML front matter).
    Markdown,
    /// HTML.
    Html,
    /// PDF, read natively (laid-out text, link annotations).
    Pdf,
    /// Word (Office Open XML), read natively: body, notes, headers,
    /// footers, hyperlinks and `HYPERLINK` fields.
    Docx,
    /// OpenDocument text, read natively.
    Odt,
}

impl MemoFormat {
    /// The format a file name implies, if citecheck knows its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Self::Text),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" | "xhtml" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            "odt" => Some(Self::Odt),
            _ => None,
        }
    }

    /// The format of a [`Self::name`].
    pub fn by_name(name: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|f| f.name() == name)
    }

    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
        }
    }

    /// Whether memos of this format are files of another kind than text
    /// (read from their bytes, not decoded as text).
    pub fn is_binary(self) -> bool {
        matches!(self, Self::Pdf | Self::Docx | Self::Odt)
    }
}

impl std::fmt::Display for MemoFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The part of a word processor's document an item stands in (`.docx`,
/// `.odt`); its `line` then counts the part's paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The body.
    Body,
    /// A footnote, by the number the document shows.
    Footnote(u32),
    /// An endnote, by its number.
    Endnote(u32),
    /// A page header.
    Header,
    /// A page footer.
    Footer,
}

impl Part {
    /// As the JSON report writes it: `body`, `footnote 3`, `header`.
    pub fn name(self) -> String {
        match self {
            Self::Body => "body".to_owned(),
            Self::Footnote(n) => format!("footnote {n}"),
            Self::Endnote(n) => format!("endnote {n}"),
            Self::Header => "header".to_owned(),
            Self::Footer => "footer".to_owned(),
        }
    }

    /// Where paragraph `paragraph` of the part stands, as a person looks
    /// for it: `¶ 12`, `note 3`, `note 3 ¶ 2`, `endnote 1`, `header ¶ 1`.
    pub fn label(self, paragraph: u32) -> String {
        match (self.prefix(), self) {
            (Some(note), Self::Footnote(_) | Self::Endnote(_)) if paragraph == 1 => note,
            (Some(prefix), _) => format!("{prefix} ¶ {paragraph}"),
            (None, _) => format!("¶ {paragraph}"),
        }
    }

    /// Paragraphs `first` to `last` of the part: `¶ 12–14`, `note 3 ¶ 1–2`.
    pub fn range_label(self, first: u32, last: u32) -> String {
        match self.prefix() {
            Some(prefix) => format!("{prefix} ¶ {first}–{last}"),
            None => format!("¶ {first}–{last}"),
        }
    }

    /// What names the part before its paragraph (none for the body).
    fn prefix(self) -> Option<String> {
        match self {
            Self::Body => None,
            Self::Footnote(n) => Some(format!("note {n}")),
            Self::Endnote(n) => Some(format!("endnote {n}")),
            Self::Header => Some("header".to_owned()),
            Self::Footer => Some("footer".to_owned()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Part {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let number = |rest: &str| rest.parse::<u32>().ok();
        match name.split_once(' ') {
            None if name == "body" => Ok(Self::Body),
            None if name == "header" => Ok(Self::Header),
            None if name == "footer" => Ok(Self::Footer),
            Some(("footnote", n)) if number(n).is_some() => {
                Ok(Self::Footnote(number(n).unwrap_or(0)))
            }
            Some(("endnote", n)) if number(n).is_some() => {
                Ok(Self::Endnote(number(n).unwrap_or(0)))
            }
            _ => Err(serde::de::Error::custom(format!(
                "{name:?} is no part of a document"
            ))),
        }
    }
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

/// A 1-based line and column (columns count Unicode characters).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, Default,
)]
pub struct Position {
    /// The page, from 1, in a PDF memo; `line` then counts on that page.
    pub page: Option<u32>,
    /// The part of a word processor's document (`.docx`, `.odt`); `line`
    /// then counts its paragraphs and `column` the characters of one.
    pub part: Option<Part>,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in Unicode scalar values.
    pub column: u32,
}

/// How a link was written in the memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkKind {
    /// A bare URL in running text.
    Bare,
    /// A URL in angle brackets (`<http://…>`).
    Angle,
    /// A Markdown inline link `[text](url)`.
    Inline,
    /// A Markdown reference-style link `[text][ref]`.
    Reference,
    /// A Markdown image.
    Image,
    /// An HTML `a[href]`.
    Anchor,
    /// An HTML `img[src]`.
    ImageSource,
    /// The `cite` attribute of an HTML `q` or `blockquote`.
    Cite,
    /// A PDF link annotation (its words are the link's `text`).
    Annotation,
    /// A word processor's hyperlink (`.docx`: a `w:hyperlink` or a
    /// `HYPERLINK` field; `.odt`: `text:a`); its words are the `text`.
    Hyperlink,
}

/// What citecheck can do with a link's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Target {
    /// An absolute http(s) URL that can be fetched.
    Http(Url),
    /// A URL with another scheme (`mailto:`, `tel:`…): recorded, never fetched.
    OtherScheme(String),
    /// A relative reference with nothing to resolve it against.
    Relative,
    /// A relative reference in a memo read from a file, without
    /// `--base-url`: the file it names, resolved against the memo's
    /// folder (`annex.md`, `../data/table.csv`).
    Local(std::path::PathBuf),
    /// A fragment alone (`#conclusions`): a place in the memo itself,
    /// checked against the memo's own anchors.
    InMemo,
    /// Text that is not a valid URL; the reason says why.
    Invalid(String),
}

/// A link's fragment: an element anchor or a text directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Fragment {
    /// `#comment897`: an element id or `<a name>`, percent-decoded.
    Anchor {
        /// The decoded id.
        id: String,
        /// The fragment as written, without `#`.
        raw: String,
    },
    /// `#:~:text=…`: one or more text directives (Text Fragments spec).
    Text {
        /// Element id written before `:~:`, if any.
        element: Option<String>,
        /// The directives, in order.
        directives: Vec<TextDirective>,
        /// The fragment as written, without `#`.
        raw: String,
    },
}

/// Which kind of fragment a link has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FragmentKind {
    /// An element id or `<a name>`.
    Anchor,
    /// Text directives.
    Text,
}

impl FragmentKind {
    /// `"anchor"` or `"text"`, as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Anchor => "anchor",
            Self::Text => "text",
        }
    }
}

impl Fragment {
    /// An anchor or text directives.
    pub fn kind(&self) -> FragmentKind {
        match self {
            Self::Anchor { .. } => FragmentKind::Anchor,
            Self::Text { .. } => FragmentKind::Text,
        }
    }

    /// The value shown in reports: the decoded id, or the raw directive.
    pub fn value(&self) -> &str {
        match self {
            Self::Anchor { id, .. } => id,
            Self::Text { raw, .. } => raw,
        }
    }
}

/// One `text=[prefix-,]start[,end][,-suffix]` directive, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct TextDirective {
    /// Text that must come right before the match.
    pub prefix: Option<String>,
    /// The start of the text (the whole text when `end` is absent).
    pub start: String,
    /// The end of a range match.
    pub end: Option<String>,
    /// Text that must come right after the match.
    pub suffix: Option<String>,
}

/// One occurrence of a link in a memo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Link {
    /// The URL as written in the memo.
    pub written: String,
    /// What the URL resolves to.
    pub target: Target,
    /// The fragment, when there is one.
    pub fragment: Option<Fragment>,
    /// How it was written.
    pub kind: LinkKind,
    /// Where it was written.
    pub position: Position,
    /// The words the link is on, when the memo says (the words under a
    /// PDF link annotation).
    pub text: Option<String>,
    /// The memo's own sentence around the link, when it stands in prose.
    pub context: Option<String>,
}

impl Link {
    /// The absolute URL as a string (with fragment), or the text as written.
    pub fn display_url(&self) -> String {
        match &self.target {
            Target::Http(url) => url.to_string(),
            _ => self.written.clone(),
        }
    }

    /// The URL that is fetched for this link: absolute, without fragment.
    pub fn page_url(&self) -> Option<Url> {
        match &self.target {
            Target::Http(url) => Some(page_of(url)),
            _ => None,
        }
    }
}

/// The page a URL names: the URL without its fragment. Pages are what is
/// fetched, and all occurrences of a page share its result.
pub fn page_of(url: &Url) -> Url {
    let mut page = url.clone();
    page.set_fragment(None);
    page
}

/// A piece of quoted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Piece {
    /// Words the source is expected to contain.
    Words(String),
    /// Bracketed editorial text (`[of]`, `[sic]`): the source may lack it.
    Editorial(String),
}

/// A run of quoted text between ellipses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Segment {
    /// The pieces in order.
    pub pieces: Vec<Piece>,
}

impl Segment {
    /// The segment as one string, editorial pieces in brackets.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            if !out.is_empty() {
                out.push(' ');
            }
            match piece {
                Piece::Words(w) => out.push_str(w),
                Piece::Editorial(e) => {
                    out.push('[');
                    out.push_str(e);
                    out.push(']');
                }
            }
        }
        out
    }
}

/// How a quote's candidate sources were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// The `cite` attribute of the quote's element.
    Cite,
    /// Links in the same paragraph or blockquote.
    Block,
    /// Every link of the memo (plain text, or nothing nearer).
    Memo,
    /// PDF link annotations on words of the quote's sentence first, then
    /// every link of the memo.
    Annotation,
    /// The links of the footnote or endnote whose reference follows the
    /// quote (in its sentence, or right after its closing mark) first, then
    /// those of its block, then the rest.
    Footnote,
}

/// A quote of a run: its memo's place among the run's memos and its
/// place among that memo's quotes. Pages are asked about quotes by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuoteId {
    /// The memo's index in the run.
    pub memo: u32,
    /// The quote's index in the memo's extraction.
    pub quote: u32,
}

impl QuoteId {
    /// The `quote`-th quote of the `memo`-th memo.
    pub fn new(memo: usize, quote: usize) -> Self {
        Self {
            memo: u32::try_from(memo).unwrap_or(u32::MAX),
            quote: u32::try_from(quote).unwrap_or(u32::MAX),
        }
    }
}

/// One quotation found in a memo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Quote {
    /// The quoted text as written, line breaks folded to spaces.
    pub text: String,
    /// The repaired text, split at ellipses.
    pub segments: Vec<Segment>,
    /// Where the opening quotation mark stands.
    pub position: Position,
    /// The speaker named in the same sentence, if any.
    pub attribution: Option<String>,
    /// Indices into the memo's links, most likely source first.
    pub candidates: Vec<usize>,
    /// How the candidates were chosen.
    pub pairing: Pairing,
    /// The note the quote cites (its number or label as the memo shows
    /// it), when it cites one.
    pub note: Option<String>,
    /// Number of words (editorial insertions excluded).
    pub words: usize,
    /// The memo's own sentence around the quotation.
    pub context: Option<String>,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing to do.
    Info,
    /// Worth a look; does not fail a run by default.
    Warning,
    /// Fails the run.
    Error,
}

impl Severity {
    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// A problem with a memo or one of its items that is not a verdict on a
/// source: unreadable file, undecodable text, unterminated quote…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Problem {
    /// Human message, lower case.
    pub message: String,
    /// The page of a PDF memo, with `line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The part of a word processor's document, with `line` (its
    /// paragraph).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    /// Where, when it concerns one spot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column, with `line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Error problems fail the run; warnings do not.
    pub severity: Severity,
}

impl Problem {
    /// A problem with no location.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            page: None,
            part: None,
            line: None,
            column: None,
            severity,
        }
    }

    /// A problem at a position.
    pub fn at(severity: Severity, position: Position, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            page: position.page,
            part: position.part,
            line: Some(position.line),
            column: Some(position.column),
            severity,
        }
    }
}

/// Metadata found in a memo (Markdown front matter, HTML head).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct MemoMeta {
    /// The memo's `date:` as written.
    pub date: Option<String>,
    /// The memo's title.
    pub title: Option<String>,
}

/// Everything extracted from one memo.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct Extraction {
    /// Every link occurrence, in document order.
    pub links: Vec<Link>,
    /// Every quote long enough to check, in document order.
    pub quotes: Vec<Quote>,
    /// Per-item problems found while extracting.
    pub problems: Vec<Problem>,
    /// Memo metadata.
    pub meta: MemoMeta,
    /// The memo's own anchors (HTML `id`s and `a[name]`s; Markdown heading
    /// ids as renderers make them, `{#id}`, inline `<a id>`), which its
    /// fragment-only links name; `None` for formats that have none.
    pub anchors: Option<Vec<String>>,
}

/// The verdict on one link occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkVerdict {
    /// The page answered with an accepted status.
    Ok,
    /// A permanent redirect led to a good page.
    Redirected,
    /// The page is gone or unreachable.
    Broken,
    /// The server answers "found" with a not-found page.
    #[serde(rename = "soft_404")]
    Soft404,
    /// The page is fine but the fragment is not on it.
    AnchorMissing,
    /// The site refuses automated clients.
    Blocked,
    /// Not checked by choice (pattern, scheme, address guard).
    Excluded,
    /// Not checked (offline run, interrupted).
    Unchecked,
}

impl LinkVerdict {
    /// Whether the link is dead: its page is gone, a soft 404, or lacks
    /// the cited anchor (what an archived copy may replace).
    pub fn is_dead(self) -> bool {
        matches!(self, Self::Broken | Self::Soft404 | Self::AnchorMissing)
    }

    /// Every verdict, in report order.
    pub const ALL: [Self; 8] = [
        Self::Ok,
        Self::Redirected,
        Self::Broken,
        Self::Soft404,
        Self::AnchorMissing,
        Self::Blocked,
        Self::Excluded,
        Self::Unchecked,
    ];

    /// The snake-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Redirected => "redirected",
            Self::Broken => "broken",
            Self::Soft404 => "soft_404",
            Self::AnchorMissing => "anchor_missing",
            Self::Blocked => "blocked",
            Self::Excluded => "excluded",
            Self::Unchecked => "unchecked",
        }
    }

    /// The default severity of this verdict.
    pub fn default_severity(self) -> Severity {
        match self {
            Self::Broken | Self::Soft404 | Self::AnchorMissing => Severity::Error,
            Self::Redirected | Self::Blocked => Severity::Warning,
            Self::Ok | Self::Excluded | Self::Unchecked => Severity::Info,
        }
    }
}

/// The verdict on one quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuoteVerdict {
    /// The source holds the quote.
    Found,
    /// The source holds something close; the reason says what differs.
    Approximate,
    /// A source was read and none holds the quote.
    Missing,
    /// No source could be read.
    Unverifiable,
}

impl QuoteVerdict {
    /// Every verdict, in report order.
    pub const ALL: [Self; 4] = [
        Self::Found,
        Self::Approximate,
        Self::Missing,
        Self::Unverifiable,
    ];

    /// The snake-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Found => "found",
            Self::Approximate => "approximate",
            Self::Missing => "missing",
            Self::Unverifiable => "unverifiable",
        }
    }

    /// The default severity of this verdict.
    pub fn default_severity(self) -> Severity {
        match self {
            Self::Missing => Severity::Error,
            Self::Approximate | Self::Unverifiable => Severity::Warning,
            Self::Found => Severity::Info,
        }
    }
}

/// A link's or a quote's verdict, as one value: what the run history
/// records and what `[severity]` settings are keyed by. Serialised as the
/// verdict's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A link occurrence's verdict.
    Link(LinkVerdict),
    /// A quotation's verdict.
    Quote(QuoteVerdict),
}

/// What a verdict is of: a link or a quotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A link occurrence.
    Link,
    /// A quotation.
    Quote,
}

impl ItemKind {
    /// `"link"` or `"quote"`, as reports and the store write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Link => "link",
            Self::Quote => "quote",
        }
    }
}

impl std::fmt::Display for ItemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Verdict {
    /// `link` or `quote`.
    pub fn kind(self) -> ItemKind {
        match self {
            Self::Link(_) => ItemKind::Link,
            Self::Quote(_) => ItemKind::Quote,
        }
    }

    /// The snake-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Link(v) => v.name(),
            Self::Quote(v) => v.name(),
        }
    }

    /// The default severity of this verdict.
    pub fn default_severity(self) -> Severity {
        match self {
            Self::Link(v) => v.default_severity(),
            Self::Quote(v) => v.default_severity(),
        }
    }

    /// The verdict of an item of `kind` (`link`, `quote`) named `name`.
    pub fn parse(kind: &str, name: &str) -> Option<Self> {
        match kind {
            "link" => LinkVerdict::ALL
                .into_iter()
                .find(|v| v.name() == name)
                .map(Self::Link),
            "quote" => QuoteVerdict::ALL
                .into_iter()
                .find(|v| v.name() == name)
                .map(Self::Quote),
            _ => None,
        }
    }

    /// The verdict named `name`, link verdicts first (no name is both).
    pub fn by_name(name: &str) -> Option<Self> {
        Self::parse("link", name).or_else(|| Self::parse("quote", name))
    }
}

impl<'de> serde::Deserialize<'de> for Verdict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::by_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("{name:?} is no verdict")))
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What a fix does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// A permanent redirect's end replaces the link.
    Redirect,
    /// A dead link's archived capture replaces it.
    Archive,
    /// A live link whose quote drifted gets the capture that holds it
    /// beside it.
    #[value(skip)]
    ArchiveBeside,
}

/// One replacement, applied or not.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Fix {
    /// The link's line.
    pub line: u32,
    /// The link's column.
    pub column: u32,
    /// The URL as written.
    pub old: String,
    /// What replaces it (or, beside, what is added).
    pub new: String,
    /// What the fix does.
    pub kind: FixKind,
    /// Whether the memo was (or, in a dry run, would be) changed.
    pub applied: bool,
    /// Why it was not applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The link it is for, among the memo's links.
    #[serde(skip)]
    pub link: usize,
    /// For a capture: its 14-digit timestamp.
    #[serde(skip)]
    pub timestamp: Option<String>,
}

impl Fix {
    /// Hold the fix back, saying why.
    pub fn refuse(&mut self, why: impl Into<String>) {
        self.applied = false;
        self.reason = Some(why.into());
    }
}

/// Statuses accepted as fine (`--accept`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept(pub Vec<RangeInclusive<u16>>);

impl Default for Accept {
    fn default() -> Self {
        Self(vec![200..=299])
    }
}

/// Why a list of statuses (`--accept`) cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AcceptError {
    /// A part that is no number or range of numbers.
    #[error("{0:?} is not a status or range (as 200-299,403)")]
    NotAStatus(String),
    /// A status or range that is empty or outside 100–599.
    #[error(
        "{0:?} is not an HTTP status or range of them: statuses run from 100 to 599 (as 200-299,403)"
    )]
    NotARange(String),
    /// Nothing at all.
    #[error("no status given (as 200-299,403)")]
    Empty,
}

impl Accept {
    /// Parse `200-299,304` style lists.
    pub fn parse(text: &str) -> Result<Self, AcceptError> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (lo, hi) = part
                .split_once(['-', '.'])
                .map_or((part, part), |(a, b)| (a, b.trim_start_matches(['.', '='])));
            let lo: u16 = lo
                .trim()
                .parse()
                .map_err(|_| AcceptError::NotAStatus(part.to_owned()))?;
            let hi: u16 = hi
                .trim()
                .parse()
                .map_err(|_| AcceptError::NotAStatus(part.to_owned()))?;
            if lo > hi || !(100..=599).contains(&lo) || hi > 599 {
                return Err(AcceptError::NotARange(part.to_owned()));
            }
            ranges.push(lo..=hi);
        }
        if ranges.is_empty() {
            return Err(AcceptError::Empty);
        }
        Ok(Self(ranges))
    }

    /// Whether `status` is accepted.
    pub fn contains(&self, status: u16) -> bool {
        self.0.iter().any(|r| r.contains(&status))
    }
}

/// The list as `--accept` takes it (`200-299,403`).
impl std::fmt::Display for Accept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, range) in self.0.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            match (range.start(), range.end()) {
                (lo, hi) if lo == hi => write!(f, "{sep}{lo}")?,
                (lo, hi) => write!(f, "{sep}{lo}-{hi}")?,
            }
        }
        Ok(())
    }
}

/// Titles that may open a personal name, lower case, without their full
/// stop (`Dr.`, `Sen.`, `President`); a run of them alone is not a name.
pub const NAME_TITLES: &[&str] = &[
    "dr",
    "prof",
    "mr",
    "mrs",
    "ms",
    "sen",
    "rep",
    "gen",
    "col",
    "sir",
    "lord",
    "dame",
    "amb",
    "gov",
    "president",
    "senator",
    "minister",
    "ambassador",
    "professor",
    "general",
];

/// Particles written joined to the name they open (`al-Assad`,
/// `d'Estaing`): the name is what follows.
pub const JOINED_PARTICLES: &[&str] = &["al-", "el-", "ad-", "as-", "ash-", "d'", "d’"];

/// Particles that stand inside personal names in lower case (`Jaap de
/// Hoop Scheffer`, `Ursula von der Leyen`, `Ibn Khaldun`).
pub const NAME_PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "la", "le",
    "ter", "ten", "al", "el", "bin", "ibn", "ben", "zu", "af", "y",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_lists() {
        let a = Accept::parse("200-299, 304,403").unwrap();
        assert_eq!(a.to_string(), "200-299,304,403");
        assert!(a.contains(204) && a.contains(304) && a.contains(403) && !a.contains(404));
        assert!(Accept::parse("abc").is_err());
        assert!(Accept::parse("300-200").is_err());
    }
}
