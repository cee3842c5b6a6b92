//! Paths, directories and `-` → the memos to read.

use super::{Collected, InputProblem, MemoInput, MemoSource, lower_first};
use crate::model::{MemoFormat, Problem, Severity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Expand paths into memos: files as given, directories recursively
/// (known extensions only, the others listed as skipped; hidden entries
/// passed over, symbolic-link loops detected), glob patterns the shell
/// left alone (`'memos/**/*.md'`, expanded here, in order), `-` for
/// standard input. Sorted within each directory so that reports are
/// stable; a memo named twice (or inside a folder also named) is read
/// once.
pub fn collect(paths: &[PathBuf], format: Option<MemoFormat>) -> Collected {
    let mut found = Collected::default();
    let mut seen_dirs = HashSet::new();
    let mut stdin = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if !std::mem::replace(&mut stdin, true) {
                found.memos.push(MemoInput {
                    source: MemoSource::Stdin,
                    format: format.unwrap_or(MemoFormat::Text),
                });
            }
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
            Err(e) => match pattern(path) {
                Some(pattern) => expand(pattern, path, format, &mut seen_dirs, &mut found),
                None => found.problems.push(io_problem(path, &e)),
            },
        }
    }
    once_each(&mut found.memos);
    found
}

/// A path that is not a file but a glob pattern (`*`, `?`, `[`).
fn pattern(path: &Path) -> Option<&str> {
    path.to_str().filter(|p| p.contains(['*', '?', '[']))
}

/// The files and folders a glob pattern matches, as if named one by one;
/// one that matches nothing is an error of its own.
fn expand(
    pattern: &str,
    path: &Path,
    format: Option<MemoFormat>,
    seen_dirs: &mut HashSet<PathBuf>,
    found: &mut Collected,
) {
    let problem = |message: String| InputProblem {
        path: pattern.to_owned(),
        problem: Problem::new(Severity::Error, message),
        io: true,
    };
    let matches = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(e) => {
            found.problems.push(problem(format!(
                "cannot read {pattern}: not a file, and not a usable pattern ({})",
                e.msg
            )));
            return;
        }
    };
    let mut any = false;
    for entry in matches {
        let matched = match entry {
            Ok(matched) => matched,
            Err(e) => {
                found.problems.push(io_problem(e.path(), e.error()));
                continue;
            }
        };
        let hidden = matched.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
        });
        if hidden {
            continue;
        }
        any = true;
        if matched.is_dir() {
            walk(&matched, format, seen_dirs, found);
        } else {
            found.memos.push(MemoInput {
                format: format
                    .or_else(|| MemoFormat::from_path(&matched))
                    .unwrap_or(MemoFormat::Text),
                source: MemoSource::File(matched),
            });
        }
    }
    if !any {
        found.problems.push(problem(format!(
            "cannot read {}: no file matches this pattern",
            path.display()
        )));
    }
}

/// Keep the first of memos that are one file (named twice, or named and
/// inside a folder named too).
fn once_each(memos: &mut Vec<MemoInput>) {
    let mut seen = HashSet::new();
    memos.retain(|memo| match &memo.source {
        MemoSource::File(path) => {
            seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        }
        _ => true,
    });
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
