//! Trends across recorded runs (`citecheck history --format
//! json|markdown|html`): per run, the findings at error level by verdict,
//! and how many were new, fixed and standing against each memo's run
//! before. Pure: computed from what the history recorded, which the
//! store reads.

use super::history::Recorded;
use super::markup::{markdown as md, xml};
use crate::model::ItemKind;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Write};

/// One memo's recorded runs, oldest first: each run's id, its time (Unix)
/// and what it recorded for the memo.
#[derive(Debug, Clone)]
pub struct MemoRuns {
    /// The memo's path as recorded.
    pub memo: String,
    /// Its runs, oldest first.
    pub runs: Vec<(i64, i64, Vec<Recorded>)>,
}

/// The trends of the recorded runs.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    /// The store read (its folder or redacted URL).
    pub store: String,
    /// One entry per recorded run, oldest first.
    pub runs: Vec<RunTrend>,
}

/// What one recorded run found, over the memos it checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunTrend {
    /// The run's id in the store.
    pub run: i64,
    /// When it ran (ISO 8601, UTC).
    pub at: String,
    /// Memos it checked.
    pub memos: usize,
    /// Its findings at error level.
    pub findings: usize,
    /// Those by verdict.
    pub by_verdict: BTreeMap<&'static str, usize>,
    /// Findings not at error level in the memo's run before (all of a
    /// memo's findings in its first recorded run).
    pub new: usize,
    /// Findings of the memo's run before that are not now.
    pub fixed: usize,
    /// Findings in both.
    pub standing: usize,
}

/// The trends of `memos`' recorded runs, one entry per run, oldest first.
pub fn trends(store: &str, memos: &[MemoRuns]) -> Trends {
    let mut runs: BTreeMap<i64, RunTrend> = BTreeMap::new();
    for memo in memos {
        let mut before: HashSet<(ItemKind, &str)> = HashSet::new();
        for (run, at, recorded) in &memo.runs {
            let trend = runs.entry(*run).or_insert_with(|| RunTrend {
                run: *run,
                at: crate::date::iso_of_unix(*at),
                ..RunTrend::default()
            });
            trend.memos += 1;
            let now: HashSet<(ItemKind, &str)> = recorded
                .iter()
                .filter(|r| r.error)
                .map(|r| (r.kind(), r.subject.as_str()))
                .collect();
            for r in recorded.iter().filter(|r| r.error) {
                *trend.by_verdict.entry(r.verdict.name()).or_insert(0) += 1;
            }
            trend.findings += now.len();
            trend.new += now.difference(&before).count();
            trend.fixed += before.difference(&now).count();
            trend.standing += now.intersection(&before).count();
            before = now;
        }
    }
    Trends {
        store: store.to_owned(),
        runs: runs.into_values().collect(),
    }
}

/// The trends as JSON.
pub fn render_json(trends: &Trends, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, trends)?;
    out.write_all(b"\n")
}

/// The trends as a Markdown table, a row per run.
pub fn render_markdown(trends: &Trends, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "## citecheck history\n")?;
    if trends.runs.is_empty() {
        return writeln!(out, "No recorded runs in {}.", md(&trends.store));
    }
    writeln!(
        out,
        "| run | at | memos | findings | new | fixed | standing | by verdict |\n\
         |---:|---|---:|---:|---:|---:|---:|---|"
    )?;
    for r in &trends.runs {
        let mut cells = r.cells();
        cells[7] = md(&cells[7]);
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

impl RunTrend {
    /// Its cells in the tables' order: run, at, memos, findings, new,
    /// fixed, standing, by verdict.
    fn cells(&self) -> [String; 8] {
        [
            self.run.to_string(),
            self.at.clone(),
            self.memos.to_string(),
            self.findings.to_string(),
            self.new.to_string(),
            self.fixed.to_string(),
            self.standing.to_string(),
            by_verdict(&self.by_verdict),
        ]
    }
}

fn by_verdict(counts: &BTreeMap<&'static str, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(v, n)| format!("{n} {v}")).collect();
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The lines of the chart: findings, new, fixed; with their colours.
const SERIES: [(&str, &str); 3] = [
    ("findings", "#1d1d1f"),
    ("new", "#b3261e"),
    ("fixed", "#2e7d32"),
];

/// The trends as one self-contained HTML page: a line chart (inline SVG,
/// no script) of findings, new and fixed per run, and the same numbers as
/// a table.
pub fn render_html(trends: &Trends, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>citecheck history</title><style>body{{font:15px/1.45 system-ui,sans-serif;\
         margin:1em 2em;color:#1d1d1f}} table{{border-collapse:collapse}} th,td{{border:1px solid \
         #e3e3e3;padding:.3em .5em;text-align:left}} th{{background:#f3f3f3}}</style></head>\
         <body><main><h1>citecheck history</h1><p>{} recorded in {}.</p>",
        super::count(trends.runs.len(), "run"),
        xml(&trends.store)
    )?;
    if !trends.runs.is_empty() {
        out.write_all(chart(&trends.runs).as_bytes())?;
        write!(
            out,
            "<table data-chart=\"history\"><caption>Findings per recorded run</caption><tr>\
             <th scope=\"col\">run</th><th scope=\"col\">at</th><th scope=\"col\">memos</th>\
             <th scope=\"col\">findings</th><th scope=\"col\">new</th><th scope=\"col\">fixed\
             </th><th scope=\"col\">standing</th><th scope=\"col\">by verdict</th></tr>"
        )?;
        for r in &trends.runs {
            let cells = r.cells();
            write!(
                out,
                "<tr data-run=\"{}\"><th scope=\"row\">{}</th>",
                r.run, cells[0]
            )?;
            for cell in &cells[1..] {
                write!(out, "<td>{}</td>", xml(cell))?;
            }
            write!(out, "</tr>")?;
        }
        write!(out, "</table>")?;
    }
    writeln!(out, "</main></body></html>")
}

/// The line chart: a point per run for each series.
fn chart(runs: &[RunTrend]) -> String {
    const W: u32 = 640;
    const H: u32 = 240;
    const LEFT: u32 = 40;
    const BOTTOM: u32 = 30;
    let most = runs
        .iter()
        .map(|r| r.findings.max(r.new).max(r.fixed))
        .max()
        .unwrap_or(1)
        .max(1);
    let step = if runs.len() > 1 {
        (W - LEFT - 20) / (runs.len() as u32 - 1)
    } else {
        0
    };
    let x = |i: usize| LEFT + 10 + step * i as u32;
    let y = |n: usize| H - BOTTOM - (n as u64 * u64::from(H - BOTTOM - 20) / most as u64) as u32;
    let last = runs.last().expect("runs are not empty");
    let desc = format!(
        "{} recorded runs; the latest, {}, has {} findings ({} new, {} fixed, {} standing).",
        runs.len(),
        last.at,
        last.findings,
        last.new,
        last.fixed,
        last.standing
    );
    let mut svg = format!(
        "<figure><svg role=\"img\" aria-labelledby=\"history-title history-desc\" viewBox=\"0 0 \
         {W} {H}\" width=\"100%\" style=\"max-width:{W}px\"><title id=\"history-title\">Findings \
         per recorded run</title><desc id=\"history-desc\">{}</desc>\
         <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{W}\" y2=\"{}\" stroke=\"#999\"/>\
         <text x=\"4\" y=\"24\" font-size=\"12\">{most}</text>\
         <text x=\"4\" y=\"{}\" font-size=\"12\">0</text>",
        xml(&desc),
        H - BOTTOM,
        H - BOTTOM,
        H - BOTTOM
    );
    for (name, colour) in SERIES {
        let value = |r: &RunTrend| match name {
            "findings" => r.findings,
            "new" => r.new,
            _ => r.fixed,
        };
        let points: Vec<String> = runs
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{},{}", x(i), y(value(r))))
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\" \
             data-series=\"{name}\" data-values=\"{}\"/>",
            points.join(" "),
            runs.iter()
                .map(|r| value(r).to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    for (i, (name, colour)) in SERIES.iter().enumerate() {
        let lx = LEFT + 10 + i as u32 * 110;
        let _ = write!(
            svg,
            "<rect x=\"{lx}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{name}</text>",
            H - 18,
            lx + 16,
            H - 7
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkVerdict, Verdict};

    fn broken(url: &str) -> Recorded {
        Recorded {
            subject: url.to_owned(),
            verdict: Verdict::Link(LinkVerdict::Broken),
            error: true,
            failing_since: None,
        }
    }

    #[test]
    fn new_fixed_and_standing_against_each_memos_run_before() {
        let memos = [
            MemoRuns {
                memo: "a.md".into(),
                runs: vec![
                    (1, 0, vec![broken("x")]),
                    (2, 60, vec![broken("x"), broken("y")]),
                    (3, 120, vec![broken("y")]),
                ],
            },
            MemoRuns {
                memo: "b.md".into(),
                runs: vec![(2, 60, vec![broken("x")])],
            },
        ];
        let t = trends("store", &memos);
        let row = |r: &RunTrend| (r.memos, r.findings, r.new, r.fixed, r.standing);
        assert_eq!(t.runs.len(), 3);
        assert_eq!(row(&t.runs[0]), (1, 1, 1, 0, 0));
        assert_eq!(row(&t.runs[1]), (2, 3, 2, 0, 1));
        assert_eq!(row(&t.runs[2]), (1, 1, 0, 1, 1));
        assert_eq!(t.runs[1].by_verdict["broken"], 3);
        assert_eq!(t.runs[0].at, "1970-01-01T00:00:00Z");
    }
}
