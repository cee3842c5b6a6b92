//! SARIF 2.1.0, for GitHub code scanning and other static-analysis
//! dashboards: one rule per verdict (`link/broken`, `quote/missing`, …),
//! one result per finding at warning level and above, located by
//! `physicalLocation` line and column in the memo.

use super::Report;
use crate::model::{LinkVerdict, QuoteVerdict, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The rules: id, short description, default level.
fn rules() -> Vec<(String, &'static str, Severity)> {
    let mut rules: Vec<(String, &'static str, Severity)> = LinkVerdict::ALL
        .iter()
        .map(|v| {
            (
                format!("link/{}", v.name()),
                link_text(*v),
                v.default_severity(),
            )
        })
        .collect();
    rules.extend(QuoteVerdict::ALL.iter().map(|v| {
        (
            format!("quote/{}", v.name()),
            quote_text(*v),
            v.default_severity(),
        )
    }));
    rules.push((
        "memo/problem".to_owned(),
        "The memo could not be read as it should",
        Severity::Error,
    ));
    rules
}

fn link_text(v: LinkVerdict) -> &'static str {
    match v {
        LinkVerdict::Ok => "The cited page answers",
        LinkVerdict::Redirected => "The cited URL moved permanently",
        LinkVerdict::Broken => "The cited page is gone or failing",
        LinkVerdict::Soft404 => "The cited page answers but is a not-found page",
        LinkVerdict::AnchorMissing => "The cited anchor or text fragment is not on the page",
        LinkVerdict::Blocked => "The site refuses automated clients",
        LinkVerdict::Excluded => "The link is not checked",
        LinkVerdict::Unchecked => "The link was not checked",
    }
}

fn quote_text(v: QuoteVerdict) -> &'static str {
    match v {
        QuoteVerdict::Found => "The quotation is in its source",
        QuoteVerdict::Approximate => "The source says something close to the quotation",
        QuoteVerdict::Missing => "The source no longer holds the quotation",
        QuoteVerdict::Unverifiable => "No source of the quotation could be read",
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let rules = rules();
    let results: Vec<Value> = report
        .findings()
        .filter(|f| f.severity() >= Severity::Warning)
        .map(|f| {
            let id = if f.kind() == "memo" {
                "memo/problem".to_owned()
            } else {
                format!("{}/{}", f.kind(), f.verdict())
            };
            let index = rules.iter().position(|r| r.0 == id).unwrap_or(0);
            let mut region = serde_json::Map::new();
            let place = f.position();
            region.insert("startLine".into(), json!(place.line.unwrap_or(1).max(1)));
            if let Some(column) = place.column {
                region.insert("startColumn".into(), json!(column.max(1)));
            }
            // In a PDF memo the line counts on its page; in a word
            // processor's, the paragraphs of its part.
            if let Some(page) = place.page {
                region.insert("properties".into(), json!({"page": page}));
            }
            if let Some(part) = place.part {
                region.insert(
                    "properties".into(),
                    json!({"part": part.name(), "place": place.label()}),
                );
            }
            json!({
                "ruleId": id,
                "ruleIndex": index,
                "level": level(f.severity()),
                "message": {"text": f.message()},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.memo.path)},
                        "region": region,
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                "rules": rules.iter().map(|(id, text, severity)| json!({
                    "id": id,
                    "name": id.replace('/', "-"),
                    "shortDescription": {"text": text},
                    "defaultConfiguration": {"level": level(*severity)},
                })).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}

/// A memo path as a relative URI reference (forward slashes, spaces and
/// other reserved characters percent-encoded).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    percent_encoding::utf8_percent_encode(path, URI_RESERVED).to_string()
}

const URI_RESERVED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'^');

/// Write the SARIF log.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
    out.write_all(b"\n")
}
