//! The terminal report: findings grouped by memo, each as
//! `path:line:column  verdict  what  (reason)`, then one summary line.

use super::markup::{shorten, shorten_subject, terminal as clean};
use super::{LinkResult, MemoReport, Place, QuoteResult, Report};
use crate::model::ItemKind;
use crate::model::Problem;
use crate::model::Severity;
use std::io::{self, Write};

/// What the terminal report shows.
#[derive(Debug, Clone, Copy)]
pub struct TerminalOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Show items at this severity and above.
    pub min_severity: Severity,
    /// Print the summary line.
    pub summary: bool,
    /// Only the findings shown, each on its line (no memo headings,
    /// history or notes but the one that the run's network was down).
    pub quiet: bool,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        Self {
            color: false,
            min_severity: Severity::Warning,
            summary: true,
            quiet: false,
        }
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, severity: Severity, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "33",
            Severity::Info => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    fn bold(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// Write the terminal report.
pub fn render(report: &Report, out: &mut impl Write, options: TerminalOptions) -> io::Result<()> {
    let painter = Painter {
        color: options.color,
    };
    let notices = report
        .notices
        .iter()
        .filter(|_| !options.quiet || report.network_unreachable.is_some());
    for notice in notices {
        writeln!(
            out,
            "{}: {}",
            painter.paint(Severity::Warning, "note"),
            clean(notice)
        )?;
    }
    if let Some(skipped) = report
        .summary
        .skipped
        .as_ref()
        .filter(|_| options.min_severity == Severity::Info)
    {
        for file in &skipped.files {
            writeln!(out, "skipped: {}", clean(file))?;
        }
    }
    for memo in &report.memos {
        render_memo(memo, out, options, &painter)?;
    }
    if options.summary {
        writeln!(out, "{}", summary_line(report))?;
    }
    Ok(())
}

fn render_memo(
    memo: &MemoReport,
    out: &mut impl Write,
    options: TerminalOptions,
    painter: &Painter,
) -> io::Result<()> {
    let shown = |severity: Severity| severity >= options.min_severity;
    let problems = memo
        .errors
        .iter()
        .chain(&memo.warnings)
        .filter(|p| shown(p.severity))
        .map(|p| problem_line(memo, p, painter));
    // Everything shown is the long form: each reason whole.
    let whole = options.min_severity == Severity::Info;
    let links = memo
        .link_groups()
        .into_iter()
        .filter(|(l, _)| shown(l.severity))
        .map(|(l, places)| link_line(memo, l, &places, whole, painter));
    let quotes = memo
        .quotes
        .iter()
        .filter(|q| shown(q.severity))
        .map(|q| quote_line(memo, q, whole, painter));
    let mut lines: Vec<(Place, String)> = problems.chain(links).chain(quotes).collect();
    if lines.is_empty() {
        return Ok(());
    }
    lines.sort_by_key(|(place, _)| *place);
    if options.quiet {
        for (_, line) in lines {
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{} ({}): {}, {}",
        painter.bold(&memo.path),
        memo.format,
        super::count(memo.links.len(), "link"),
        super::count(memo.quotes.len(), "quote")
    )?;
    for (_, line) in lines {
        writeln!(out, "{line}")?;
    }
    // Only what changed, once per memo.
    if let Some(changes) = memo.changes.as_ref().filter(|c| {
        !c.new_findings.is_empty()
            || !c.fixed.is_empty()
            || c.settings_changed
                .as_ref()
                .is_some_and(|s| !s.no_longer_failing.is_empty() || !s.now_failing.is_empty())
    }) {
        writeln!(out, "{}", changes_text(changes, false))?;
    }
    Ok(())
}

/// A memo problem: where, its severity, what.
fn problem_line(memo: &MemoReport, problem: &Problem, painter: &Painter) -> (Place, String) {
    let place = Place::of_problem(problem);
    let at = match place.label() {
        Some(label) => format!("{}:{label}", memo.path),
        None => memo.path.clone(),
    };
    let line = format!(
        "  {at}  {}  {}",
        painter.paint(problem.severity, problem.severity.name()),
        clean(&problem.message)
    );
    (place, line)
}

/// A reason as the terminal shows it: whole with `-v`, else its first
/// clause (with `…` when there is more).
fn reason_text(reason: &crate::verify::Reason, whole: bool) -> String {
    match super::short_reason(reason) {
        (first, Some(_)) if !whole => format!("{}; …", clean(&first)),
        _ => clean(&reason.whole().unwrap_or_default()),
    }
}

/// A link (every occurrence of a source that says the same): where, its
/// verdict, the URL and reason, then its suggestion and the words it is
/// on.
fn link_line(
    memo: &MemoReport,
    link: &LinkResult,
    places: &[Place],
    whole: bool,
    painter: &Painter,
) -> (Place, String) {
    let subject = link.resolved_url.as_deref().unwrap_or(&link.url);
    let place = link.place();
    let at = if places.len() > 1 {
        super::places_label(places)
    } else {
        place.label().unwrap_or_default()
    };
    let mut line = format!(
        "  {}:{}  {}{}  {}",
        memo.path,
        at,
        new_mark(memo, ItemKind::Link, subject),
        painter.paint(link.severity, link.verdict.name()),
        clean(&link.url)
    );
    if !link.reason.is_empty() {
        line.push_str(&format!("  ({})", reason_text(&link.reason, whole)));
    }
    line.push_str(&failing_mark(memo, ItemKind::Link, subject));
    if let Some(s) = &link.suggestion {
        let what = match &s.timestamp {
            Some(ts) => format!("archived copy of {}", crate::date::of_timestamp(ts)),
            None => "suggestion".to_owned(),
        };
        line.push_str(&format!("\n      {what}: {}", clean(&s.url)));
    }
    if let Some(c) = &link.capture {
        let new = if c.created { "new " } else { "" };
        line.push_str(&format!(
            "\n      preserved by the {new}archived copy of {}: {}",
            crate::date::of_timestamp(&c.timestamp),
            clean(&c.url)
        ));
    }
    if let Some(scripts) = &link.scripts {
        line.push_str(&format!("\n      page {}", clean(scripts)));
    }
    if let Some(at) = &link.cached_at {
        line.push_str(&format!("\n      from the cache: fetched {}", clean(at)));
    }
    if let Some(text) = link.text.as_ref().filter(|t| **t != link.url) {
        line.push_str(&format!(
            "\n      on the words “{}”",
            clean(&shorten(text, 90))
        ));
    }
    (place, line)
}

/// A quotation: where, its verdict, the quote and speaker, then the
/// reason, the source's wording and the archived copy.
fn quote_line(
    memo: &MemoReport,
    quote: &QuoteResult,
    whole: bool,
    painter: &Painter,
) -> (Place, String) {
    let place = quote.place();
    let mut line = format!(
        "  {}:{}  {}  “{}”",
        memo.path,
        place.label().unwrap_or_default(),
        new_mark(memo, ItemKind::Quote, &quote.text).to_owned()
            + &painter.paint(quote.severity, &format!("quote {}", quote.verdict.name())),
        clean(&shorten(&quote.text, 90))
    );
    if let Some(who) = &quote.attribution {
        line.push_str(&format!(" — {}", clean(who)));
    }
    if let Some(note) = &quote.note {
        line.push_str(&format!(" (note {})", clean(note)));
    }
    line.push_str(&failing_mark(memo, ItemKind::Quote, &quote.text));
    if !quote.reason.is_empty() {
        line.push_str(&format!("\n      {}", reason_text(&quote.reason, whole)));
    }
    if let (Some(text), Some(source)) = (&quote.matched_text, &quote.source) {
        if quote.verdict == crate::model::QuoteVerdict::Found {
            line.push_str(&format!("\n      found at {}", clean(source)));
        } else {
            line.push_str(&format!(
                "\n      the source says: “{}” ({})",
                clean(&shorten(text, 120)),
                clean(source)
            ));
        }
    }
    if let Some(archived) = &quote.archived {
        line.push_str(&format!(
            "\n      archived copy of {} ({}): {}",
            crate::date::of_timestamp(&archived.timestamp),
            archived.verdict.name(),
            clean(&archived.url)
        ));
    }
    (place, line)
}

/// What changed since the previous run, in a few lines: how many
/// findings are new and fixed, each fixed one (the findings themselves
/// are listed above it, new ones marked `NEW`, the others with since when
/// they fail), what a change of settings changed, and, with `failing`,
/// since when each finding has failed (`citecheck history`, which lists
/// no findings).
pub fn changes_text(changes: &crate::report::history::Changes, failing: bool) -> String {
    let mut text = format!(
        "  since the run of {}: {} new, {} fixed",
        changes.since_run,
        changes.new_findings.len(),
        changes.fixed.len()
    );
    for fixed in &changes.fixed {
        text.push_str(&format!(
            "\n    fixed: {} {} (was {})",
            fixed.kind,
            clean(&shorten_subject(&fixed.subject, 100)),
            fixed.was.map_or("-", crate::model::Verdict::name)
        ));
    }
    if let Some(settings) = &changes.settings_changed {
        text.push_str(&format!(
            "\n    settings changed ({}): {} no longer failing, {} now failing",
            settings.settings.join(", "),
            settings.no_longer_failing.len(),
            settings.now_failing.len()
        ));
        let lists = [
            ("no longer failing", &settings.no_longer_failing),
            ("now failing", &settings.now_failing),
        ];
        for (what, list) in lists {
            for change in list {
                text.push_str(&format!(
                    "\n      {what}: {} {} ({}, was {})",
                    change.kind,
                    clean(&shorten_subject(&change.subject, 100)),
                    change.verdict.name(),
                    change.was.map_or("-", crate::model::Verdict::name)
                ));
            }
        }
    }
    for failing in changes.failing_since.iter().filter(|_| failing) {
        text.push_str(&format!(
            "\n    failing since {}: {} {}",
            failing.since,
            failing.kind,
            clean(&shorten_subject(&failing.subject, 100))
        ));
    }
    text
}

/// ` (failing since …)` after a finding an earlier run had too.
fn failing_mark(memo: &MemoReport, kind: ItemKind, subject: &str) -> String {
    let since = memo.changes.as_ref().and_then(|c| {
        c.failing_since
            .iter()
            .find(|f| f.kind == kind && f.subject == subject)
    });
    match since {
        Some(f) if !memo.is_new(kind, subject) => format!("  [failing since {}]", f.since),
        _ => String::new(),
    }
}

/// `NEW ` before a finding the previous recorded run did not have.
fn new_mark(memo: &MemoReport, kind: ItemKind, subject: &str) -> &'static str {
    if memo.is_new(kind, subject) {
        "NEW "
    } else {
        ""
    }
}

/// One line: memos, links by verdict, quotes by verdict, findings, time.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let by = |counts: &std::collections::BTreeMap<&'static str, usize>| {
        let parts: Vec<String> = counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(v, n)| format!("{n} {v}"))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    };
    // After `fix`: how many of the links counted were fixed (their
    // findings, fixed, are no longer errors or warnings).
    let fixed: usize = report
        .memos
        .iter()
        .flat_map(|m| &m.fixes)
        .filter(|f| f.applied)
        .count();
    let fixed = if fixed > 0 {
        format!(", {fixed} with a verified fix")
    } else {
        String::new()
    };
    format!(
        "{}, {} to {}{}{fixed}, {}{}; {}; {:.2} s",
        super::count(s.memos, "memo"),
        super::count(s.links, "link"),
        super::count(s.unique_pages, "page"),
        by(&s.links_by_verdict),
        super::count(s.quotes, "quote"),
        by(&s.quotes_by_verdict),
        s.findings(),
        s.elapsed_ms as f64 / 1000.0
    ) + &preservation_line(report)
        + &sites_lines(report)
}

/// A line per diagnosed site, after the summary: `site
/// partner.example (12 memos): moved: 40 of 41 checked links redirect
/// under one rule, http://… → https://…`.
fn sites_lines(report: &Report) -> String {
    let diagnosed: Vec<_> = report
        .summary
        .sites
        .iter()
        .filter_map(|site| Some((site, site.diagnosis.as_ref()?)))
        .collect();
    let mut lines = String::new();
    for (site, diagnosis) in diagnosed.iter().take(super::sites::SHOWN) {
        lines.push_str(&format!(
            "\nsite {} ({}): {}",
            clean(&site.host),
            super::count(site.memos, "memo"),
            clean(&diagnosis.detail)
        ));
    }
    if diagnosed.len() > super::sites::SHOWN {
        lines.push_str(&format!(
            "\n{} more sites diagnosed (JSON summary.sites)",
            diagnosed.len() - super::sites::SHOWN
        ));
    }
    lines
}

/// What `--preserve` did, after the summary: `sources: 3 preserved,
/// 5 already preserved, 1 not preserved (error:no-access: 1)`.
fn preservation_line(report: &Report) -> String {
    let Some(p) = &report.summary.preservation else {
        return String::new();
    };
    let mut line = format!(
        "\nsources: {} preserved, {} already preserved, {} not preserved",
        p.preserved, p.already_preserved, p.not_preserved
    );
    if !p.why_not.is_empty() {
        let why: Vec<String> = p
            .why_not
            .iter()
            .map(|(why, n)| format!("{}: {n}", clean(why)))
            .collect();
        line.push_str(&format!(" ({})", why.join("; ")));
    }
    line
}
