//! `citecheck history`: per memo, what changed between recorded runs,
//! read from the store alone.

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::error::Error;
use crate::report::store::MemoHistory;
use crate::report::trends::MemoRuns;
use crate::settings::StoreLocation;
use crate::store::Store;

/// The text to show.
pub fn run(args: &HistoryArgs) -> Result<String, Error> {
    // `--since` was checked as a date by its parser.
    let since = args.since.as_deref().and_then(crate::date::unix_end_of_day);
    let location = StoreLocation::of(args.store.as_deref(), &args.cache_dir);
    if let Some(file) = Store::missing(&location) {
        return Ok(format!("{}\n", crate::report::store::no_store(&file)));
    }
    let (store, notices) = Store::open(&location)?;
    if args.format != HistoryFormat::Text {
        return Ok(trends(&store, args));
    }
    let memos: Vec<MemoHistory> = store
        .memos()
        .into_iter()
        .filter(|m| args.path.as_deref().is_none_or(|p| m.starts_with(p)))
        .filter_map(|memo| {
            let (run, at) = store.latest_run(&memo)?;
            Some(MemoHistory {
                changes: store.changes(&memo, run, since),
                path: memo,
                last_run: at,
            })
        })
        .collect();
    Ok(super::to_text(|out| {
        crate::report::store::render_history(&notices, store.name(), &memos, out)
    }))
}

/// The trends across every recorded run of the memos asked for, in the
/// format asked for.
fn trends(store: &Store, args: &HistoryArgs) -> String {
    let memos: Vec<MemoRuns> = store
        .memos()
        .into_iter()
        .filter(|m| args.path.as_deref().is_none_or(|p| m.starts_with(p)))
        .map(|memo| {
            // Walk back from the latest run, then put them oldest first.
            let mut runs = Vec::new();
            let mut next = store.latest_run(&memo);
            while let Some((run, at)) = next {
                runs.push((run, at, store.results(run, &memo)));
                next = store.previous_run(&memo, run, None);
            }
            runs.reverse();
            MemoRuns { memo, runs }
        })
        .collect();
    let trends = crate::report::trends::trends(store.name(), &memos);
    super::to_text(|out| match args.format {
        HistoryFormat::Json => crate::report::trends::render_json(&trends, out),
        HistoryFormat::Markdown => crate::report::trends::render_markdown(&trends, out),
        HistoryFormat::Html | HistoryFormat::Text => {
            crate::report::trends::render_html(&trends, out)
        }
    })
}
