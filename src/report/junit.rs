//! JUnit XML: one test suite per memo, one test case per link and per
//! quote (and one per problem with the memo itself). Errors are failures;
//! excluded and unchecked links are skipped; the rest pass, with their
//! reason as output, so CI dashboards list what was checked.

use super::markup::xml;
use super::{Item, Report};
use crate::model::{LinkVerdict, Severity};
use std::io::{self, Write};

/// Write the JUnit XML document.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let total =
        |f: &dyn Fn(&super::Finding<'_>) -> bool| report.findings().filter(|x| f(x)).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="citecheck" tests="{}" failures="{}" errors="0" time="{:.3}">"#,
        total(&|_| true),
        total(&|f| f.severity() == Severity::Error),
        report.summary.elapsed_ms as f64 / 1000.0
    )?;
    for memo in &report.memos {
        let findings: Vec<_> = memo.findings().collect();
        let failures = findings
            .iter()
            .filter(|f| f.severity() == Severity::Error)
            .count();
        let skipped = findings.iter().filter(|f| is_skipped(f.item)).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}">"#,
            xml(&memo.path),
            findings.len()
        )?;
        for f in &findings {
            let at = f.at().map(|l| l + " ").unwrap_or_default();
            let name = format!(
                "{at}{} {}",
                f.kind(),
                super::markup::shorten_subject(f.subject(), 200)
            );
            write!(
                out,
                r#"    <testcase classname="{}" name="{}">"#,
                xml(&memo.path),
                xml(&name)
            )?;
            if f.severity() == Severity::Error {
                write!(
                    out,
                    r#"<failure type="{}" message="{}">{}</failure>"#,
                    f.verdict(),
                    xml(&super::markup::shorten(&f.message(), 1000)),
                    xml(&f.message())
                )?;
            } else if is_skipped(f.item) {
                write!(
                    out,
                    r#"<skipped message="{}"/>"#,
                    xml(&f
                        .reason()
                        .and_then(crate::verify::Reason::whole)
                        .unwrap_or_else(|| f.verdict().to_owned()))
                )?;
            } else if f.severity() == Severity::Warning {
                write!(out, "<system-out>{}</system-out>", xml(&f.message()))?;
            }
            writeln!(out, "</testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn is_skipped(item: Item<'_>) -> bool {
    matches!(
        item,
        Item::Link(l) if matches!(l.verdict, LinkVerdict::Excluded | LinkVerdict::Unchecked)
    )
}
