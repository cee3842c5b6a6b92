//! `citecheck fix`: the check of `citecheck check`, then each memo
//! rewritten with the replacements [`crate::repair`] verified (or, with
//! `--dry-run`, the diff of what would be written), and the reports.

use super::Exit;
use super::check::{Checked, Terminal};
use crate::cli::FixArgs;
use crate::error::Error;
use crate::interrupt::Interrupt;
use crate::model::{FixKind, MemoFormat, Problem, Severity};
use crate::repair;
use crate::report::{MemoReport, Report};
use crate::settings::file::FileConfig;
use std::path::Path;

/// What a fix run ended with: the check's [`Checked`], and the diff of a
/// dry run for standard output.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// How it ended, and lines for standard error.
    pub checked: Checked,
    /// The unified diff of what would be written (dry run only), in each
    /// memo's own encoding, so that `patch -p1` applies it.
    pub diff: Vec<u8>,
}

/// Check, fix, report. An interrupted run writes no memo.
pub fn run(
    args: FixArgs,
    file: Option<&FileConfig>,
    terminal: Terminal,
    interrupt: &std::sync::Arc<Interrupt>,
) -> Result<Fixed, Error> {
    let mut config = super::check::config(args.check, file, terminal)?;
    // Standard output carries the diff.
    config.output.reports_to_stderr = args.dry_run;
    let report = crate::run::run(&config, interrupt);
    let mut diff = Vec::new();
    let (mut memos, run) = report.into_parts();
    if !run.interrupted {
        for memo in &mut memos {
            fix_memo(memo, args.only, args.dry_run, &mut diff);
        }
    }
    let fixed = Report::new(memos, run);
    let mut stderr: Vec<String> = fixed
        .memos
        .iter()
        .filter(|m| !m.fixes.is_empty())
        .map(|m| fixes_line(m, args.dry_run))
        .collect();
    // One summary: the terminal report's, or here when there is none.
    let terminal_report = config
        .output
        .outputs
        .iter()
        .any(|o| o.path.is_none() && o.format == crate::settings::ReportFormat::Terminal);
    if !terminal_report && !config.output.quiet {
        stderr.push(crate::report::terminal::summary_line(&fixed));
    }
    crate::command::output::write_all(&fixed, &config.output)?;
    let exit = Exit::from(fixed.status(config.fail_on));
    Ok(Fixed {
        checked: Checked {
            exit,
            stderr,
            report: fixed,
        },
        diff,
    })
}

/// `memo.md: fixed 2 of 3 links`, and why the others were held back.
fn fixes_line(memo: &MemoReport, dry_run: bool) -> String {
    let applied = memo.fixes.iter().filter(|f| f.applied).count();
    let verb = if dry_run { "would fix" } else { "fixed" };
    let total = memo.fixes.len();
    let mut line = format!(
        "{}: {verb} {applied} of {total} link{}",
        memo.path,
        if total == 1 { "" } else { "s" }
    );
    let mut why: Vec<&str> = memo
        .fixes
        .iter()
        .filter(|f| !f.applied)
        .filter_map(|f| f.reason.as_deref())
        .collect();
    why.sort_unstable();
    why.dedup();
    if !why.is_empty() {
        line.push_str(&format!(" ({})", why.join("; ")));
    }
    line
}

/// Plan and apply one memo's fixes; write it (atomically) unless
/// `dry_run`, when its diff is added to `diff` instead. A fix applied
/// takes its link off the findings.
fn fix_memo(memo: &mut MemoReport, only: Option<FixKind>, dry_run: bool, diff: &mut Vec<u8>) {
    let mut fixes = repair::plan(memo, only);
    if fixes.is_empty() {
        return;
    }
    let format = Some(memo.format);
    let path = Path::new(&memo.path);
    let written = match (format, memo.path.as_str()) {
        (Some(MemoFormat::Pdf) | None, _) => Err(repair::PDF_NOT_REWRITTEN.to_owned()),
        (_, "-") => Err("a memo read from standard input is not rewritten".to_owned()),
        (_, name) if crate::input::is_web(name) => Err(
            "a memo read from the web is not rewritten: carry the fixes into its source".to_owned(),
        ),
        (Some(format), _) => std::fs::read(path)
            .map_err(|e| format!("cannot read {} again: {e}", memo.path))
            .map(|bytes| {
                let new = repair::apply(&bytes, format, &memo.links, &mut fixes);
                (bytes, new)
            }),
    };
    match written {
        Err(why) => {
            // What cannot be written is listed for the editor to carry over.
            if dry_run {
                diff.extend(corrections(memo, &fixes).into_bytes());
            }
            for fix in fixes.iter_mut().filter(|f| f.applied) {
                fix.refuse(why.clone());
            }
        }
        Ok((old, new)) if old != new => {
            if dry_run && format.is_some_and(MemoFormat::is_binary) {
                diff.extend(corrections(memo, &fixes).into_bytes());
            } else if dry_run {
                diff.extend(unified_diff(&memo.path, &old, &new));
            } else if let Err(e) = write_memo(path, &new) {
                memo.add_problem(Problem::new(
                    Severity::Error,
                    format!("cannot write the fixed memo {}: {e}", memo.path),
                ));
                for fix in fixes.iter_mut().filter(|f| f.applied) {
                    fix.refuse("the memo could not be written");
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
            link.reason.add(format!("fixed: {what}"));
        }
    }
    memo.fixes = fixes;
}

/// A binary memo's corrections for the dry run's output, where `patch`
/// skips them (lines before a diff's `---` are not part of it): where, the
/// old URL, the new one. A PDF's are for an editor to carry into the
/// source document; a Word or OpenDocument memo's are what `fix` writes.
fn corrections(memo: &MemoReport, fixes: &[crate::model::Fix]) -> String {
    let pdf = memo.format == MemoFormat::Pdf;
    let mut out = String::new();
    for fix in fixes.iter().filter(|f| f.applied) {
        let at = match memo.links.get(fix.link) {
            Some(link) if link.part.is_some() => link.place().label().unwrap_or_default(),
            Some(crate::report::LinkResult {
                page: Some(page), ..
            }) => format!("page {page}, line {}", fix.line),
            _ => format!("line {}", fix.line),
        };
        let note = if pdf {
            " (PDF memos are not rewritten)"
        } else if memo.path == "-" {
            " (a memo read from standard input is not rewritten)"
        } else {
            ""
        };
        out.push_str(&format!(
            "# {} ({at}): replace {} with {}{note}\n",
            memo.path, fix.old, fix.new
        ));
    }
    out
}

/// Write the fixed memo over the old one, atomically, keeping its
/// permissions; a read-only memo is refused (even to a user who could
/// replace it).
fn write_memo(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    if permissions.readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    crate::command::output::write_atomically(path, |out| std::io::Write::write_all(out, bytes))?;
    std::fs::set_permissions(path, permissions)
}

/// A unified diff of one memo (`--- a/path`, `+++ b/path`), as `patch
/// -p1` applies it: lines of a memo that is not UTF-8 are compared and
/// written as the bytes they are (each byte one character meanwhile).
fn unified_diff(path: &str, old: &[u8], new: &[u8]) -> Vec<u8> {
    let utf8 = std::str::from_utf8(old).is_ok() && std::str::from_utf8(new).is_ok();
    let text = |bytes: &[u8]| -> String {
        if utf8 {
            String::from_utf8_lossy(bytes).into_owned()
        } else {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
    };
    let (old, new) = (text(old), text(new));
    let name = path.trim_start_matches("./");
    let diff = similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if utf8 {
        diff.into_bytes()
    } else {
        // Every character came from one byte, or is the diff's own ASCII.
        diff.chars()
            .map(|c| u8::try_from(c).unwrap_or(b'?'))
            .collect()
    }
}
