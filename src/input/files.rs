//! Paths, directories and `-` → the memos to read.

use super::{Collected, InputProblem, MemoInput, MemoSource, lower_first};
use crate::model::{MemoFormat, Problem, Severity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

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
