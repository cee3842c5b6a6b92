//! The JSON report (schema version 1, `docs/report-schema.md`): writing
//! it, and reading it back (`citecheck merge`), which takes reports of
//! this schema version only and ignores fields it does not know (a newer
//! citecheck only adds fields).

use super::{MemoReport, Preservation, Report, RunFacts, SCHEMA_VERSION, Skipped};
use serde::Deserialize;
use std::io::{self, Write};

/// Write the report as pretty-printed JSON followed by a newline.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

/// A JSON report as read back: what a merged report is made of (the
/// summary's counts are recomputed from the memos).
#[derive(Debug, Deserialize)]
pub struct Read {
    schema_version: u32,
    summary: ReadSummary,
    /// The memos, in the report's order.
    pub memos: Vec<MemoReport>,
    #[serde(default)]
    notices: Vec<String>,
    #[serde(default)]
    interrupted: bool,
    #[serde(default)]
    network_unreachable: Option<String>,
    /// The part of a sharded run (`K/N`).
    #[serde(default)]
    shard: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReadSummary {
    elapsed_ms: u64,
    #[serde(default)]
    preservation: Option<Preservation>,
    #[serde(default)]
    skipped: Option<Skipped>,
}

/// Read a JSON report (`name` says which, in errors).
pub fn read(text: &str, name: &str) -> Result<Read, String> {
    let read: Read = serde_json::from_str(text)
        .map_err(|e| format!("{name} is not a citecheck JSON report: {e}"))?;
    if read.schema_version != SCHEMA_VERSION {
        return Err(format!(
            "{name} is a report of schema version {}; this citecheck reads version {SCHEMA_VERSION}",
            read.schema_version
        ));
    }
    Ok(read)
}

/// One report of several read back (the shards of one run): every memo,
/// in path order (compared component by component: the order one walk of
/// their directory gives; a path given on the command line that could not
/// be listed sorts among them, where one run lists it first), the summary
/// counted again over them all; the
/// elapsed time is the longest part's (shards run side by side),
/// preservation counts and skipped files added up (the files in path order
/// too), notices each once.
pub fn merge(parts: Vec<(String, Read)>) -> Result<Report, String> {
    check_parts(&parts)?;
    let elapsed = parts
        .iter()
        .map(|(_, p)| p.summary.elapsed_ms)
        .max()
        .unwrap_or(0);
    let mut notices: Vec<String> = Vec::new();
    let mut interrupted = false;
    let mut preservation: Option<Preservation> = None;
    let mut skipped: Option<Skipped> = None;
    let mut network_unreachable = None;
    let mut memos = Vec::new();
    for (_, part) in parts {
        interrupted |= part.interrupted;
        network_unreachable = network_unreachable.or(part.network_unreachable);
        // A part's skipped-files notice speaks for that part: the merged
        // report gets one for all (below).
        let own = part.summary.skipped.as_ref().map(Skipped::notice);
        for notice in part.notices {
            if own.as_ref() != Some(&notice) && !notices.contains(&notice) {
                notices.push(notice);
            }
        }
        if let Some(more) = part.summary.preservation {
            let sum = preservation.get_or_insert_with(Preservation::default);
            sum.preserved += more.preserved;
            sum.already_preserved += more.already_preserved;
            sum.not_preserved += more.not_preserved;
            for (why, n) in more.why_not {
                *sum.why_not.entry(why).or_default() += n;
            }
        }
        if let Some(more) = part.summary.skipped {
            let sum = skipped.get_or_insert_with(Skipped::default);
            for (kind, n) in more.by_type {
                *sum.by_type.entry(kind).or_default() += n;
            }
            sum.files.extend(more.files);
        }
        memos.extend(part.memos);
    }
    if let Some(skipped) = &mut skipped {
        // In the order one walk finds them, as the memos.
        skipped
            .files
            .sort_by(|a, b| std::path::Path::new(a).cmp(std::path::Path::new(b)));
        notices.insert(0, skipped.notice());
    }
    memos.sort_by(|a, b| std::path::Path::new(&a.path).cmp(std::path::Path::new(&b.path)));
    Ok(Report::new(
        memos,
        RunFacts {
            elapsed_ms: elapsed,
            notices,
            interrupted,
            preservation,
            skipped,
            network_unreachable,
            shard: None,
        },
    ))
}

/// Whether `parts` (each with its name) are the parts of one run: no memo
/// in two of them, and, when they are shards (`--shard K/N` recorded in
/// each), every shard of the same count there once.
fn check_parts(parts: &[(String, Read)]) -> Result<(), String> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (name, part) in parts {
        for memo in &part.memos {
            if let Some(other) = seen.insert(&memo.path, name) {
                return Err(if other == name {
                    format!("{name} is given twice (it holds {})", memo.path)
                } else {
                    format!(
                        "{} is in both {other} and {name} (the same report given twice, or \
                         shards of different runs?)",
                        memo.path
                    )
                });
            }
        }
    }
    let shards: Vec<(&str, Option<(u32, u32)>)> = parts
        .iter()
        .map(|(name, part)| (name.as_str(), part.shard.as_deref().and_then(parse_shard)))
        .collect();
    if shards.iter().all(|(_, s)| s.is_none()) {
        return Ok(());
    }
    if let Some((name, _)) = shards.iter().find(|(_, s)| s.is_none()) {
        return Err(format!(
            "{name} is the report of a whole run, the others of shards"
        ));
    }
    let counts: std::collections::BTreeSet<u32> =
        shards.iter().filter_map(|(_, s)| Some((*s)?.1)).collect();
    if counts.len() > 1 {
        let counts: Vec<String> = counts.iter().map(|c| format!("/{c}")).collect();
        return Err(format!(
            "the reports are shards of runs split differently ({})",
            counts.join(", ")
        ));
    }
    let count = counts.into_iter().next().unwrap_or(0);
    let mut have: Vec<u32> = shards.iter().filter_map(|(_, s)| Some((*s)?.0)).collect();
    have.sort_unstable();
    if let Some(w) = have.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("shard {}/{count} is given twice", w[0]));
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| !have.contains(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        let got: Vec<String> = have.iter().map(|k| format!("{k}/{count}")).collect();
        return Err(format!(
            "shard{} {} {} missing (merge got {})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            got.join(", ")
        ));
    }
    Ok(())
}

/// `K/N` as numbers.
fn parse_shard(text: &str) -> Option<(u32, u32)> {
    let (k, n) = text.split_once('/')?;
    Some((k.trim().parse().ok()?, n.trim().parse().ok()?))
}
