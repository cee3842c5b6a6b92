//! Inputs: paths, directories and standard input → memo text. The only
//! place memo files are read. Text that is not UTF-8 is decoded as
//! windows-1252 with a warning; a file that cannot be read becomes a
//! per-memo problem, never an abort.

use crate::model::{MemoFormat, Problem, Severity};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Memos larger than this are refused with a message.
pub const MAX_MEMO_BYTES: u64 = 256 * 1024 * 1024;

/// Where a memo comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemoSource {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl MemoSource {
    /// The name shown in reports: the path as given, or `-`.
    pub fn display(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Stdin => "-".to_owned(),
        }
    }
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

/// Expand paths into memos: files as given, directories recursively
/// (known extensions only, the others listed as skipped; hidden entries
/// passed over, symbolic-link loops detected), `-` for standard input.
/// Sorted within each directory so that reports are stable.
pub fn collect(paths: &[PathBuf], format: Option<MemoFormat>) -> Collected {
    let mut found = Collected::default();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            found.memos.push(MemoInput {
                source: MemoSource::Stdin,
                format: format.unwrap_or(MemoFormat::Text),
            });
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, format, &mut seen_dirs, &mut found),
            Ok(_) => found.memos.push(MemoInput {
                source: MemoSource::File(path.clone()),
                format: format
                    .or_else(|| MemoFormat::from_path(path))
                    .unwrap_or(MemoFormat::Text),
            }),
            Err(e) => found.problems.push(io_problem(path, &e)),
        }
    }
    found
}

fn io_problem(path: &Path, e: &std::io::Error) -> InputProblem {
    InputProblem {
        path: path.display().to_string(),
        problem: Problem::new(
            Severity::Error,
            format!(
                "cannot read {}: {}",
                path.display(),
                lower_first(&e.to_string())
            ),
        ),
        io: true,
    }
}

fn walk(
    dir: &Path,
    format: Option<MemoFormat>,
    seen: &mut HashSet<PathBuf>,
    found: &mut Collected,
) {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(canonical) {
        found.problems.push(InputProblem {
            path: dir.display().to_string(),
            problem: Problem::new(
                Severity::Warning,
                format!(
                    "skipped {}: directory already visited (symbolic-link loop?)",
                    dir.display()
                ),
            ),
            io: false,
        });
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            found.problems.push(io_problem(dir, &e));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, format, seen, found),
            Ok(_) => match MemoFormat::from_path(&path) {
                Some(known) => found.memos.push(MemoInput {
                    format: format.filter(|_| !known.is_binary()).unwrap_or(known),
                    source: MemoSource::File(path),
                }),
                None => found.skipped.push(path),
            },
            Err(e) => found.problems.push(io_problem(&path, &e)),
        }
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

/// Decode memo bytes: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else
/// windows-1252 with a warning. Binary content is refused.
pub fn decode(bytes: &[u8]) -> Result<(String, Vec<Problem>), String> {
    let mut warnings = Vec::new();
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(Problem::new(
                Severity::Warning,
                format!(
                    "text is not valid {}; undecodable bytes were replaced",
                    encoding.name()
                ),
            ));
        }
        return Ok((text.into_owned(), warnings));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Err("binary file (it contains NUL bytes), not a memo".to_owned());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            warnings.push(Problem::new(
                Severity::Warning,
                format!(
                    "text is not valid UTF-8 (first bad byte at offset {}); decoded as windows-1252",
                    e.valid_up_to()
                ),
            ));
            text.into_owned()
        }
    };
    if text.trim().is_empty() {
        warnings.push(Problem::new(Severity::Warning, "memo is empty"));
    }
    Ok((text, warnings))
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
