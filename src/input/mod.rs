//! Inputs: paths, directories and standard input → memo text. The only
//! place memo files are read. Text that is not UTF-8 is decoded as
//! windows-1252 with a warning; a file that cannot be read becomes a
//! per-memo problem, never an abort.
//!
//! [`files`] turns paths into memos to read, [`decode`] bytes into text,
//! [`local`] looks at the files memos link to. Memos published on the web
//! are fetched by the run (`run::published`); what their answers are is
//! decided here, purely: [`published`] (a memo, a sitemap, a feed),
//! [`sitemap`], [`feed`], [`robots`] and [`crawl`] (the links a crawl
//! follows, memo pages told from listings).

pub mod crawl;
mod decode;
pub mod feed;
mod files;
pub(crate) mod local;
pub mod published;
pub mod robots;
pub mod sitemap;

pub use decode::decode;
pub use files::collect;

use crate::model::{MemoFormat, Problem, Severity};
use std::io::Read;
use std::path::PathBuf;

/// Memos larger than this are refused with a message.
pub const MAX_MEMO_BYTES: u64 = 256 * 1024 * 1024;

/// Where a memo comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoSource {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A page published on the web, as fetched.
    Web(Box<WebMemo>),
}

/// A memo published on the web, fetched whole (`run::published`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebMemo {
    /// The URL as given or listed: the memo's name in reports.
    pub url: url::Url,
    /// Where its redirects ended: what its relative links resolve
    /// against.
    pub final_url: url::Url,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// The body as it came.
    pub body: Vec<u8>,
    /// The date a sitemap or feed gave it: its date when the page gives
    /// none.
    pub listed_date: Option<String>,
}

impl MemoSource {
    /// The name shown in reports: the path as given, `-`, or the URL.
    pub fn display(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Stdin => "-".to_owned(),
            Self::Web(memo) => memo.url.to_string(),
        }
    }
}

/// Whether a memo's name (a path as given) is a URL: a memo published on
/// the web, a sitemap or a feed.
pub fn is_web(name: &str) -> bool {
    let lower = name.get(..8).unwrap_or(name).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The paths that are URLs (`http://`, `https://`): memos published on
/// the web, sitemaps and feeds; and the others, in order.
pub fn urls_among(paths: &[PathBuf]) -> (Vec<url::Url>, Vec<InputProblem>, Vec<PathBuf>) {
    let (mut urls, mut problems, mut files) = (Vec::new(), Vec::new(), Vec::new());
    for path in paths {
        let text = path.to_string_lossy();
        if !is_web(&text) {
            files.push(path.clone());
            continue;
        }
        match url::Url::parse(&text) {
            Ok(url) if !urls.contains(&url) => urls.push(url),
            Ok(_) => {}
            Err(e) => problems.push(InputProblem {
                path: text.to_string(),
                problem: Problem::new(Severity::Error, format!("{text} is not a valid URL: {e}")),
                io: true,
            }),
        }
    }
    (urls, problems, files)
}

/// One memo to check, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoInput {
    /// Where it comes from.
    pub source: MemoSource,
    /// Its format: the override, else the extension, else plain text.
    pub format: MemoFormat,
}

/// A problem met while listing inputs, with the path it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The path as given or found.
    pub path: String,
    /// What went wrong.
    pub problem: Problem,
    /// Whether it was an I/O failure (a missing path, a denied directory).
    pub io: bool,
}

/// What the paths given hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    /// The memos, in order.
    pub memos: Vec<MemoInput>,
    /// Paths that could not be listed or read.
    pub problems: Vec<InputProblem>,
    /// Files a directory walk found that are of no type citecheck reads
    /// (by extension), in order: never passed over in silence.
    pub skipped: Vec<PathBuf>,
}

/// One of `count` deterministic parts of a memo set (`--shard K/N`, for a
/// CI matrix): the part a path falls in depends on the path alone, so
/// adding memos never moves the others to another part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1.
    pub index: u32,
    /// How many parts.
    pub count: u32,
}

impl Shard {
    /// Whether `path` (as given or found) is in this part: by the first
    /// eight bytes of its SHA-256. Standard input is in the first.
    pub fn holds(self, path: &str) -> bool {
        use sha2::Digest as _;
        if path == "-" {
            return self.index == 1;
        }
        let digest = sha2::Sha256::digest(path.as_bytes());
        let mut head = [0; 8];
        head.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(head) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl Collected {
    /// Only what is in `shard`: memos, problems and skipped files alike.
    pub fn shard(mut self, shard: Shard) -> Self {
        self.memos
            .retain(|memo| shard.holds(&memo.source.display()));
        self.problems.retain(|problem| shard.holds(&problem.path));
        self.skipped
            .retain(|file| shard.holds(&file.display().to_string()));
        self
    }
}

/// A memo's text, decoded, with any warnings about the decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoText {
    /// The decoded text (empty for a PDF memo).
    pub text: String,
    /// The bytes of a memo in a binary format (PDF, Word, OpenDocument),
    /// read by [`crate::pdf::read_memo`] or [`crate::office::read_memo`].
    pub pdf: Option<Vec<u8>>,
    /// Warnings (fallback decoding, empty memo).
    pub warnings: Vec<Problem>,
}

/// Why a memo could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    /// The message for the report.
    pub problem: Problem,
    /// Whether the failure was I/O (the file could not be opened or read)
    /// rather than its content.
    pub io: bool,
}

/// Read a memo and decode its text.
pub fn read(input: &MemoInput) -> Result<MemoText, ReadFailure> {
    let name = input.source.display();
    let bytes = match &input.source {
        MemoSource::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_MEMO_BYTES + 1)
                .read_to_end(&mut buf)
                .map(|_| buf)
        }
        MemoSource::File(path) => std::fs::File::open(path).and_then(|f| {
            let mut buf = Vec::new();
            f.take(MAX_MEMO_BYTES + 1)
                .read_to_end(&mut buf)
                .map(|_| buf)
        }),
        MemoSource::Web(memo) => {
            if input.format.is_binary() {
                return Ok(MemoText {
                    text: String::new(),
                    pdf: Some(memo.body.clone()),
                    warnings: Vec::new(),
                });
            }
            // A page is decoded as its charset says (header, BOM, meta).
            let text = crate::fetch::charset::decode(&memo.body, memo.content_type.as_deref());
            let warnings = if text.trim().is_empty() {
                vec![Problem::new(
                    Severity::Warning,
                    format!("{name}: memo is empty"),
                )]
            } else {
                Vec::new()
            };
            return Ok(MemoText {
                text,
                pdf: None,
                warnings,
            });
        }
    };
    let bytes = bytes.map_err(|e| ReadFailure {
        problem: Problem::new(
            Severity::Error,
            format!("cannot read {name}: {}", lower_first(&e.to_string())),
        ),
        io: true,
    })?;
    if bytes.len() as u64 > MAX_MEMO_BYTES {
        return Err(content_failure(format!(
            "{name} is larger than {} MiB; split it or extract the relevant part",
            MAX_MEMO_BYTES / (1024 * 1024)
        )));
    }
    if input.format.is_binary() {
        return Ok(MemoText {
            text: String::new(),
            pdf: Some(bytes),
            warnings: Vec::new(),
        });
    }
    decode(&bytes)
        .map_err(|reason| content_failure(format!("{name}: {reason}")))
        .map(|(text, mut warnings)| {
            for w in &mut warnings {
                w.message = format!("{name}: {}", w.message);
            }
            MemoText {
                text,
                pdf: None,
                warnings,
            }
        })
}

fn content_failure(message: String) -> ReadFailure {
    ReadFailure {
        problem: Problem::new(Severity::Error, message),
        io: false,
    }
}
/// Lower-case the first letter of an OS error message.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_falls_back_to_windows_1252() {
        let (text, warnings) = decode(b"caf\xe9 \x93quoted\x94").unwrap();
        assert_eq!(text, "café “quoted”");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("windows-1252"), "{warnings:?}");
    }

    #[test]
    fn boms_and_binary() {
        assert_eq!(decode(b"\xef\xbb\xbfhi").unwrap().0, "hi");
        assert_eq!(decode(b"\xff\xfeh\0i\0").unwrap().0, "hi");
        assert!(
            decode(b"PK\x03\x04\0\0binary")
                .unwrap_err()
                .contains("binary")
        );
        let (_, warnings) = decode(b"  \n").unwrap();
        assert_eq!(warnings[0].message, "memo is empty");
    }
}
