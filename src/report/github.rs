//! GitHub Actions workflow commands: one `::error` or `::warning` per
//! finding at that level, on the memo's line and column, so the job and
//! the pull request show them as annotations.

use super::Report;
use super::markup::{workflow_data, workflow_property};
use crate::model::Severity;
use std::io::{self, Write};

/// Write the annotations (findings at warning level and above): one per
/// entry, at its first place, naming the others.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    for entry in report.entries() {
        let finding = entry.finding;
        let command = match finding.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => continue,
        };
        let mut properties = vec![format!("file={}", workflow_property(&finding.memo.path))];
        let place = finding.position();
        // A PDF has no lines GitHub could show: the page and line go in
        // the message instead.
        let mut message = finding.brief();
        if entry.places.len() > 1 {
            let lines = super::places_label(&entry.places);
            message = format!("{message} (cited {} times: {lines})", entry.places.len());
        }
        match (place.page, place.label()) {
            (Some(_), Some(label)) => message = format!("page:line {label}: {message}"),
            _ => {
                if let Some(line) = place.line {
                    properties.push(format!("line={line}"));
                }
                if let Some(column) = place.column {
                    properties.push(format!("col={column}"));
                }
            }
        }
        properties.push(format!(
            "title={}",
            workflow_property(&format!(
                "citecheck: {} {}",
                finding.kind(),
                finding.verdict()
            ))
        ));
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            workflow_data(&message)
        )?;
    }
    Ok(())
}
