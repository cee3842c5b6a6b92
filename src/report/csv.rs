//! A spreadsheet of the audit: one row per item of every memo (each link
//! and quote occurrence, and each problem of a memo), RFC 4180 CSV in
//! UTF-8 with a header row. A cell a spreadsheet would read as a formula
//! (one that begins with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! is written with a leading `'`, so opening the file never runs it;
//! control characters other than tab and line ends are left out.

use super::{Finding, Item, Report};
use std::io::{self, Write};

/// The header row.
const HEADER: [&str; 10] = [
    "memo",
    "memo date",
    "place",
    "kind",
    "verdict",
    "severity",
    "url or quote",
    "suggestion",
    "archived copy",
    "reason",
];

/// Write the report as CSV.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    csv.write_record(HEADER)?;
    for finding in report.findings() {
        csv.write_record(row(&finding).iter().map(|cell| inert(cell).into_owned()))?;
    }
    csv.flush()
}

/// The cells of one finding, in the header's order.
fn row(finding: &Finding<'_>) -> [String; 10] {
    let archived = match finding.item {
        Item::Link(l) => l.capture.as_ref().map(|c| c.url.clone()).or_else(|| {
            l.suggestion
                .as_ref()
                .filter(|s| s.source == crate::verify::SuggestionSource::Archive)
                .map(|s| s.url.clone())
        }),
        Item::Quote(q) => q.archived.as_ref().map(|a| a.url.clone()),
        Item::Problem(_) => None,
    };
    [
        finding.memo.path.clone(),
        finding.memo.date.clone().unwrap_or_default(),
        place(finding),
        finding.kind().to_owned(),
        finding.verdict().to_owned(),
        finding.severity().name().to_owned(),
        finding.subject().to_owned(),
        finding.replacement().unwrap_or_default().to_owned(),
        archived.unwrap_or_default(),
        finding.reason().and_then(|r| r.whole()).unwrap_or_default(),
    ]
}

/// Where the finding stands, in words a spreadsheet keeps as text: `line
/// 3:9`, `page 2:14` (a bare `3:9` would become the time 03:09).
fn place(finding: &Finding<'_>) -> String {
    let Some(at) = finding.at() else {
        return String::new();
    };
    if !at.starts_with(|c: char| c.is_ascii_digit()) {
        return at;
    }
    if finding.position().page.is_some() {
        format!("page {at}")
    } else {
        format!("line {at}")
    }
}

/// `cell` as a spreadsheet shows it and never evaluates it; control
/// characters other than tab and line ends (a terminal's colour codes in
/// a page's title) are left out.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let cell: std::borrow::Cow<'_, str> = if cell.contains(control) {
        cell.chars()
            .filter(|c| !control(*c))
            .collect::<String>()
            .into()
    } else {
        cell.into()
    };
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_inert() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+1"), "'+1");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("https://example.org/a=b"), "https://example.org/a=b");
        assert_eq!(inert(""), "");
        assert_eq!(inert("red \u{1b}[31m"), "red [31m");
    }
}
