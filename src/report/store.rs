//! Text for the commands that read the store: `citecheck cache` and
//! `citecheck history`. Pure; memo and page text goes through the same
//! terminal cleaning as the `check` report.

use super::history::Changes;
use super::markup::{shorten_subject, terminal as clean};
use std::io::{self, Write};

/// Counts for `citecheck cache stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Pages stored.
    pub pages: u64,
    /// Of which still fresh.
    pub fresh: u64,
    /// Of which failures.
    pub failures: u64,
    /// Bytes of compressed records.
    pub bytes: u64,
    /// The store's size on disk (the SQLite file, or the PostgreSQL
    /// tables with their indexes).
    pub file_bytes: u64,
}

/// What `citecheck cache` did.
#[derive(Debug, Clone)]
pub enum CacheView {
    /// Counts over the store.
    Stats(Stats),
    /// Pages forgotten.
    Cleared(u64),
}

/// One memo's history: its last run and what changed since the one
/// compared with.
#[derive(Debug, Clone)]
pub struct MemoHistory {
    /// The memo's path as recorded.
    pub path: String,
    /// When it was last checked (Unix time).
    pub last_run: i64,
    /// What changed, when an earlier run is there to compare with.
    pub changes: Option<Changes>,
}

/// What a read-only command says where no store is: where it looked.
pub fn no_store(file: &std::path::Path) -> String {
    format!(
        "no store at {} (each `citecheck check` with the cache keeps one there; \
         --cache-dir or --store names another)",
        clean(&file.display().to_string())
    )
}

/// `citecheck cache`'s text.
pub fn render_cache(
    notices: &[String],
    store: &str,
    view: &CacheView,
    out: &mut impl Write,
) -> io::Result<()> {
    for notice in notices {
        writeln!(out, "{}", clean(notice))?;
    }
    let store = clean(store);
    match view {
        CacheView::Stats(s) => writeln!(
            out,
            "{store}: {} ({} fresh, {}), {:.1} kB of records, {:.1} kB on disk",
            super::count(s.pages as usize, "page"),
            s.fresh,
            super::count(s.failures as usize, "failure"),
            s.bytes as f64 / 1024.0,
            s.file_bytes as f64 / 1024.0
        ),
        CacheView::Cleared(n) => writeln!(
            out,
            "{store}: {} forgotten",
            super::count(*n as usize, "page")
        ),
    }
}

/// `citecheck history`'s text: per memo, its last run, what changed, and
/// each new finding.
pub fn render_history(
    notices: &[String],
    store: &str,
    memos: &[MemoHistory],
    out: &mut impl Write,
) -> io::Result<()> {
    for notice in notices {
        writeln!(out, "{}", clean(notice))?;
    }
    if memos.is_empty() {
        writeln!(
            out,
            "no recorded runs in {} (each `citecheck check` with the cache records one; \
             --cache-dir or --store names another store)",
            clean(store)
        )?;
    }
    for memo in memos {
        writeln!(
            out,
            "{} (last run {})",
            clean(&memo.path),
            crate::date::http_date(memo.last_run)
        )?;
        let Some(changes) = &memo.changes else {
            writeln!(out, "  no earlier run to compare with")?;
            continue;
        };
        writeln!(out, "{}", super::terminal::changes_text(changes, true))?;
        for new in &changes.new_findings {
            writeln!(
                out,
                "    new: {} {} {} (was {})",
                new.verdict.name(),
                new.kind,
                clean(&shorten_subject(&new.subject, 100)),
                new.was.map_or("not checked", crate::model::Verdict::name)
            )?;
        }
    }
    Ok(())
}
