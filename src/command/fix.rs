//! `citecheck fix`: the check of `citecheck check`, then each memo
//! rewritten with the replacements [`crate::repair`] verified (or, with
//! `--dry-run`, the diff of what would be written), and the reports.

use super::Exit;
use super::check::{Checked, Terminal};
use crate::cli::FixArgs;
use crate::config_file::FileConfig;
use crate::error::Error;
use crate::interrupt::Interrupt;
use crate::model::FixKind;
use crate::model::{Problem, Severity};
use crate::repair::{self, Layout};
use crate::report::{MemoReport, Report};
use std::path::Path;

/// What a fix run ended with: the check's [`Checked`], and the diff of a
/// dry run for standard output.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// How it ended, and lines for standard error.
    pub checked: Checked,
    /// The unified diff of what would be written (dry run only).
    pub diff: String,
}

/// Check, fix, report. An interrupted run writes no memo.
pub fn run(
    args: FixArgs,
    file: Option<&FileConfig>,
    terminal: Terminal,
    interrupt: &std::sync::Arc<Interrupt>,
) -> Result<Fixed, Error> {
    let config = super::check::config(args.check, file, terminal)?;
    let report = crate::run::run(&config, interrupt);
    let mut diff = String::new();
    let mut memos = report.memos;
    if !report.interrupted {
        for memo in &mut memos {
            fix_memo(memo, args.only, args.dry_run, &mut diff);
        }
    }
    let mut fixed = Report::new(memos, report.summary.elapsed_ms);
    fixed.notices = report.notices;
    fixed.interrupted = report.interrupted;
    let mut stderr: Vec<String> = fixed
        .memos
        .iter()
        .filter(|m| !m.fixes.is_empty())
        .map(|m| {
            let applied = m.fixes.iter().filter(|f| f.applied).count();
            let verb = if args.dry_run { "would fix" } else { "fixed" };
            format!(
                "{}: {verb} {applied} of {} link{}",
                m.path,
                m.fixes.len(),
                if m.fixes.len() == 1 { "" } else { "s" }
            )
        })
        .collect();
    stderr.push(crate::report::terminal::summary_line(&fixed));
    crate::output::write_all(&fixed, &config)?;
    let exit = Exit::from(fixed.status(config.fail_on));
    Ok(Fixed {
        checked: Checked { exit, stderr },
        diff,
    })
}

/// Plan and apply one memo's fixes; write it (atomically) unless
/// `dry_run`, when its diff is added to `diff` instead. A fix applied
/// takes its link off the findings.
fn fix_memo(memo: &mut MemoReport, only: Option<FixKind>, dry_run: bool, diff: &mut String) {
    let mut fixes = repair::plan(memo, only);
    if fixes.is_empty() {
        return;
    }
    let layout = match memo.format {
        "markdown" => Some(Layout::Markdown),
        "html" => Some(Layout::Html),
        "text" => Some(Layout::Text),
        _ => None,
    };
    let path = Path::new(&memo.path);
    let written = match (layout, memo.path.as_str()) {
        (None, _) => Err(
            "PDF memos are not rewritten: carry the correction into the \
                          source document"
                .to_owned(),
        ),
        (_, "-") => Err("a memo read from standard input is not rewritten".to_owned()),
        (Some(layout), _) => std::fs::read(path)
            .map_err(|e| format!("cannot read {} again: {e}", memo.path))
            .map(|bytes| {
                let new = repair::apply(&bytes, layout, &memo.links, &mut fixes);
                (bytes, new)
            }),
    };
    match written {
        Err(why) => {
            for fix in fixes.iter_mut().filter(|f| f.applied) {
                fix.applied = false;
                fix.reason = Some(why.clone());
            }
        }
        Ok((old, new)) if old != new => {
            if dry_run {
                diff.push_str(&unified_diff(&memo.path, &old, &new));
            } else if let Err(e) = write_atomically(path, &new) {
                memo.add_problem(Problem::new(
                    Severity::Error,
                    format!("cannot write the fixed memo {}: {e}", memo.path),
                ));
                for fix in fixes.iter_mut().filter(|f| f.applied) {
                    fix.applied = false;
                    fix.reason = Some("the memo could not be written".to_owned());
                }
            }
        }
        Ok(_) => {}
    }
    for fix in fixes.iter().filter(|f| f.applied) {
        if let Some(link) = memo.links.get_mut(fix.link) {
            if fix.kind != FixKind::ArchiveBeside {
                link.severity = Severity::Info;
            }
            let done = if dry_run { "would be" } else { "was" };
            let what = match fix.kind {
                FixKind::ArchiveBeside => {
                    format!("the archived copy {} {done} added beside it", fix.new)
                }
                _ => format!("it {done} replaced by {}", fix.new),
            };
            crate::verify::append_note(&mut link.reason, &format!("fixed: {what}"));
        }
    }
    memo.fixes = fixes;
}

/// Write `bytes` to `path` through a temporary file beside it, renamed
/// over it: a reader sees the old memo or the new, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    if permissions.readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of one memo (`--- a/path`, `+++ b/path`), as `patch
/// -p1` applies it.
fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> String {
    let (old, new) = (decode(old), decode(new));
    let name = path.trim_start_matches("./");
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}
