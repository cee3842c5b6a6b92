//! Markdown for pull-request comments and `$GITHUB_STEP_SUMMARY`: a
//! summary table, then only what needs attention, memo by memo.

use super::Report;
use super::markup::{markdown as md, shorten};
use crate::model::Severity;
use std::io::{self, Write};

/// Write the summary and the findings at warning level and above.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(out, "## citecheck\n")?;
    let (errors, warnings) = (
        super::count(s.errors, "error"),
        super::count(s.warnings, "warning"),
    );
    writeln!(out, "{}: **{errors}**, {warnings}.\n", s.scope())?;
    writeln!(out, "| | verdict | count |\n|---|---|---:|")?;
    for (name, count) in s.links_by_verdict.iter().filter(|(_, n)| **n > 0) {
        writeln!(out, "| links | `{name}` | {count} |")?;
    }
    for (name, count) in s.quotes_by_verdict.iter().filter(|(_, n)| **n > 0) {
        writeln!(out, "| quotes | `{name}` | {count} |")?;
    }
    sites(report, out)?;
    scripts(report, out)?;
    preservation(report, out)?;
    let mut any = false;
    for memo in &report.memos {
        let entries: Vec<_> = memo
            .entries()
            .into_iter()
            .filter(|e| e.finding.severity() >= Severity::Warning)
            .collect();
        if entries.is_empty() {
            continue;
        }
        if !any {
            writeln!(out, "\n### Needs attention")?;
            any = true;
        }
        writeln!(out, "\n#### `{}`\n", memo.path.replace('`', "'"))?;
        for entry in entries {
            let f = entry.finding;
            let at = entry.at().unwrap_or_else(|| "-".to_owned());
            let icon = if f.severity() == Severity::Error {
                "❌"
            } else {
                "⚠️"
            };
            let subject = match f.kind() {
                "quote" => format!("“{}”", md(&shorten(f.subject(), 160))),
                "memo" => md(f.subject()),
                _ => format!("<{}>", f.subject().replace(['<', '>', ' '], "")),
            };
            write!(out, "- {icon} {at} **{}** {subject}", f.verdict())?;
            if let Some(reason) = f.reason() {
                let (first, _) = super::short_reason(reason);
                write!(
                    out,
                    " — {}",
                    md(&super::markup::shorten_clause(&first, 400))
                )?;
            }
            if let Some(at) = f.cached_at() {
                write!(out, " — from the cache, fetched {}", md(at))?;
            }
            if let Some(url) = f.replacement() {
                write!(
                    out,
                    " — replacement: <{}>",
                    url.replace(['<', '>', ' '], "")
                )?;
            }
            writeln!(out)?;
        }
    }
    if !any {
        writeln!(out, "\nNothing needs attention.")?;
    }
    Ok(())
}

/// The sites diagnosed or with dead links, first thing after the counts.
fn sites(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let (shown, more) = super::sites::shown(&report.summary.sites);
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n### Sites\n\n| site | memos | links | dead | diagnosis |\n|---|---:|---:|---:|---|"
    )?;
    for site in shown {
        let diagnosis = site
            .diagnosis
            .as_ref()
            .map_or_else(|| "-".to_owned(), |d| md(&d.detail));
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {diagnosis} |",
            site.host.replace('`', "'"),
            site.memos,
            site.links,
            site.dead()
        )?;
    }
    if more > 0 {
        writeln!(
            out,
            "\n{more} more sites with findings are in the JSON report (`summary.sites`)."
        )?;
    }
    Ok(())
}

/// How many cited pages scripts build, and how they were read.
fn scripts(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let mut pages = std::collections::HashMap::new();
    for memo in &report.memos {
        for link in &memo.links {
            if let (Some(how), Some(url)) = (&link.scripts, &link.resolved_url) {
                let page = url.split('#').next().unwrap_or(url);
                pages.insert(page, how.starts_with("rendered"));
            }
        }
    }
    if pages.is_empty() {
        return Ok(());
    }
    let rendered = pages.values().filter(|r| **r).count();
    let from_data = pages.len() - rendered;
    writeln!(
        out,
        "\n{} page{} built by scripts or rendered: {rendered} rendered in headless Chromium, \
         {from_data} read from {} script data{}.",
        pages.len(),
        plural(pages.len()),
        if from_data == 1 { "its" } else { "their" },
        if from_data > 0 && rendered == 0 {
            " (run with `--render auto` to render them)"
        } else {
            ""
        }
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What `--preserve` did: the counts, why sources were not preserved, and
/// each new capture once.
fn preservation(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let Some(p) = &report.summary.preservation else {
        return Ok(());
    };
    writeln!(
        out,
        "\n### Preservation\n\n{} source{} preserved, {} already preserved, {} not preserved.",
        p.preserved,
        plural(p.preserved),
        p.already_preserved,
        p.not_preserved
    )?;
    for (why, n) in &p.why_not {
        writeln!(out, "- not preserved ({n}): {}", md(&shorten(why, 300)))?;
    }
    let mut seen = std::collections::HashSet::new();
    for link in report.memos.iter().flat_map(|m| &m.links) {
        let Some(capture) = link.capture.as_ref().filter(|c| c.created) else {
            continue;
        };
        if seen.insert(capture.url.as_str()) {
            writeln!(
                out,
                "- preserved <{}> as <{}>",
                link.final_url
                    .as_deref()
                    .unwrap_or(&link.url)
                    .replace(['<', '>', ' '], ""),
                capture.url.replace(['<', '>', ' '], "")
            )?;
        }
    }
    Ok(())
}
