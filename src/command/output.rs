//! Writing reports to files and standard output. Renderers are pure; this
//! is where their output meets the file system.

use crate::error::Error;
use crate::report::{self, Report, terminal::TerminalOptions};
use crate::settings::{Output, OutputSettings, ReportFormat};
use std::io::Write;

/// Render one report into bytes.
pub fn render(report: &Report, format: ReportFormat, terminal: TerminalOptions) -> Vec<u8> {
    let mut buf = Vec::new();
    let written = render_to(report, format, terminal, &mut buf);
    // Writing into a Vec cannot fail.
    debug_assert!(written.is_ok());
    buf
}

/// Render one report into a writer, as it is rendered: a large report
/// is never held whole in memory.
pub fn render_to(
    report: &Report,
    format: ReportFormat,
    terminal: TerminalOptions,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Terminal => report::terminal::render(report, out, terminal),
        ReportFormat::Json => report::json::render(report, out),
        ReportFormat::Markdown => report::markdown::render(report, out),
        ReportFormat::Html => report::html::render(report, out),
        ReportFormat::Junit => report::junit::render(report, out),
        ReportFormat::Sarif => report::sarif::render(report, out),
        ReportFormat::Github => report::github::render(report, out),
        ReportFormat::Csv => report::csv::render(report, out),
    }
}

/// Write every report the configuration asks for. Files are written to a
/// temporary file beside the target and renamed into place, so a reader
/// never sees half a report.
pub fn write_all(report: &Report, settings: &OutputSettings) -> Result<(), Error> {
    for output in &settings.outputs {
        write_one(report, output, settings)?;
    }
    Ok(())
}

fn write_one(report: &Report, output: &Output, settings: &OutputSettings) -> Result<(), Error> {
    let terminal = TerminalOptions {
        color: settings.color && output.path.is_none(),
        min_severity: settings.show,
        summary: !settings.quiet,
        quiet: settings.quiet,
    };
    match &output.path {
        None if settings.reports_to_stderr => {
            let mut out = std::io::BufWriter::new(std::io::stderr().lock());
            render_to(report, output.format, terminal, &mut out)
                .and_then(|()| out.flush())
                .map_err(Error::WriteStdout)
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match render_to(report, output.format, terminal, &mut out).and_then(|()| out.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Error::WriteStdout),
            }
        }
        Some(path) => write_atomically(path, |out| render_to(report, output.format, terminal, out))
            .map_err(|source| Error::WriteReport {
                path: path.clone(),
                source,
            }),
    }
}

/// Temporary report files being written, so that a second Ctrl-C can
/// remove them before it ends the process.
static WRITING: parking_lot::Mutex<Vec<std::path::PathBuf>> = parking_lot::Mutex::new(Vec::new());

/// Remove the temporary files of reports being written (the reports
/// themselves are only ever renamed into place whole).
pub fn remove_partial_files() {
    let writing = WRITING.lock();
    for tmp in writing.iter() {
        let _ = std::fs::remove_file(tmp);
    }
}

/// Write a file through a temporary file beside it, renamed over it: a
/// reader sees the old file or the new, never half of one (reports, and
/// the memos `citecheck fix` rewrites). A path that is not a regular file
/// (`/dev/null`, a named pipe, `/dev/stderr`) is written to as it is:
/// renaming over it would replace the device or pipe with a file.
pub(crate) fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        return std::io::Write::flush(&mut out);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    // A report's folder is made if missing (`-f html=reports/memo.html`).
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let lock = || WRITING.lock();
    lock().push(tmp.clone());
    let result = std::fs::File::create(&tmp)
        .and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut out)?;
            out.into_inner()
                .map_err(std::io::IntoInnerError::into_error)?
                .sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    lock().retain(|t| *t != tmp);
    result
}
