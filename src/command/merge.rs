//! `citecheck merge`: the JSON reports of a sharded run read back
//! ([`crate::report::json::read`]), combined into one report
//! ([`crate::report::json::merge`]) and written in every format asked for,
//! with the exit code one run over every memo would have had.

use super::Exit;
use super::check::{Checked, Terminal, outputs};
use crate::cli::MergeArgs;
use crate::error::Error;
use crate::model::Severity;
use crate::settings::{OutputSettings, ReportFormat};

/// Merge the reports `args` names and write the result.
pub fn run(args: &MergeArgs, terminal: Terminal) -> Result<Checked, Error> {
    let mut parts = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let text = std::fs::read_to_string(path).map_err(|e| Error::ReadReport {
            path: path.clone(),
            reason: e.to_string().to_lowercase(),
        })?;
        let part =
            crate::report::json::read(&text, &path.display().to_string()).map_err(|reason| {
                Error::ReadReport {
                    path: path.clone(),
                    reason,
                }
            })?;
        parts.push((path.display().to_string(), part));
    }
    let report = crate::report::json::merge(parts).map_err(Error::Merge)?;
    let output = OutputSettings {
        outputs: outputs(args.format.clone(), args.output.clone())?,
        show: if args.verbose {
            Severity::Info
        } else {
            Severity::Warning
        },
        quiet: false,
        color: terminal.color,
        reports_to_stderr: false,
    };
    let mut stderr = Vec::new();
    let terminal_on_stdout = output
        .outputs
        .iter()
        .any(|o| o.path.is_none() && o.format == ReportFormat::Terminal);
    if !terminal_on_stdout {
        stderr.push(crate::report::terminal::summary_line(&report));
    }
    crate::command::output::write_all(&report, &output)?;
    Ok(Checked {
        exit: Exit::from(report.status(args.fail_on)),
        stderr,
        report,
    })
}
