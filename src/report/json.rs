//! The JSON report (schema version 1, `docs/report-schema.md`).

use super::Report;
use std::io::{self, Write};

/// Write the report as pretty-printed JSON followed by a newline.
pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
