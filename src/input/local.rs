//! Files a memo links to by a relative reference (`[annex](annex.md)`,
//! `../data/table.csv#part-2`): where they are, and what the check needs
//! of them. A file is only looked at, never reported: whether it is
//! there, and, for a Markdown or HTML file a link names a place in, its
//! text, from which the run takes its anchors.

use crate::model::MemoFormat;
use std::path::{Path, PathBuf};

/// Linked files larger than this are not read for anchors.
const MAX_LINKED_BYTES: u64 = 16 * 1024 * 1024;

/// The file a relative reference written in the memo at `memo` names:
/// the reference without its query and fragment, percent-decoded, joined
/// to the memo's folder; `None` when nothing is left of it, and for a
/// reference from a site's root (`/about`, `//host/page`), which names a
/// web page whose site the memo does not say, not a file.
pub(crate) fn linked_path(memo: &Path, written: &str) -> Option<PathBuf> {
    let reference = written.trim();
    let reference = reference.split(['#', '?']).next().unwrap_or_default();
    if reference.is_empty() || reference.starts_with(['/', '\\']) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(reference).decode_utf8_lossy();
    let folder = memo.parent().unwrap_or(Path::new(""));
    Some(folder.join(decoded.as_ref()))
}

/// What a linked file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Linked {
    /// Not there (or not readable), with why.
    Missing(String),
    /// A folder.
    Folder,
    /// A file; its text when it is Markdown or HTML and was read (the
    /// link names a place in it).
    File(Option<(MemoFormat, String)>),
}

/// Look at the file at `path`; read its text when `text` and it is
/// Markdown or HTML of a readable size.
pub(crate) fn look_at(path: &Path, text: bool) -> Linked {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Linked::Missing("no such file".to_owned());
        }
        Err(e) => return Linked::Missing(super::lower_first(&e.to_string())),
    };
    if meta.is_dir() {
        return Linked::Folder;
    }
    let format = MemoFormat::from_path(path)
        .filter(|f| matches!(f, MemoFormat::Markdown | MemoFormat::Html));
    let read = format
        .filter(|_| text && meta.len() <= MAX_LINKED_BYTES)
        .and_then(|format| {
            let bytes = std::fs::read(path).ok()?;
            let (text, _) = super::decode(&bytes).ok()?;
            Some((format, text))
        });
    Linked::File(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_against_the_memo_s_folder() {
        let memo = Path::new("docs/guide/usage.md");
        assert_eq!(
            linked_path(memo, "../annex%20one.md#part-2"),
            Some(PathBuf::from("docs/guide/../annex one.md"))
        );
        assert_eq!(
            linked_path(memo, "table.csv?raw=1"),
            Some(PathBuf::from("docs/guide/table.csv"))
        );
        assert_eq!(linked_path(memo, "?x"), None);
        assert_eq!(linked_path(memo, "/about"), None);
        assert_eq!(linked_path(memo, "//cdn.example/x.js"), None);
        assert_eq!(
            linked_path(Path::new("memo.md"), "annex.md"),
            Some(PathBuf::from("annex.md"))
        );
    }

    #[test]
    fn files_are_looked_at_and_read_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("annex.md");
        std::fs::write(&md, "# Part two\n").unwrap();
        let csv = dir.path().join("table.csv");
        std::fs::write(&csv, "a,b\n").unwrap();
        assert_eq!(
            look_at(&md, true),
            Linked::File(Some((MemoFormat::Markdown, "# Part two\n".to_owned())))
        );
        assert_eq!(look_at(&md, false), Linked::File(None));
        assert_eq!(look_at(&csv, true), Linked::File(None));
        assert_eq!(look_at(dir.path(), true), Linked::Folder);
        assert_eq!(
            look_at(&dir.path().join("gone.md"), true),
            Linked::Missing("no such file".to_owned())
        );
    }
}
