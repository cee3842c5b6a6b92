//! Settings for one run, as the library takes them. The binary builds a
//! `Config` from the command line.

use crate::extract::ExtractOptions;
use crate::fetch::FetchSettings;
use crate::model::{MemoFormat, Severity};
use crate::verify::status::Accept;
use std::path::PathBuf;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum ReportFormat {
    /// Findings grouped by memo, for people at a terminal.
    Terminal,
    /// The schema-version-1 JSON report.
    Json,
    /// A summary and what needs attention, for pull requests and job
    /// summaries.
    Markdown,
    /// One self-contained page for editors.
    Html,
    /// JUnit XML for CI test dashboards.
    Junit,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl Output {
    /// Parse `FORMAT` or `FORMAT=PATH` (`json=report.json`).
    pub fn parse(text: &str) -> Result<Self, String> {
        use clap::ValueEnum;
        let (name, path) = match text.split_once('=') {
            Some((name, path)) if !path.is_empty() => (name, Some(PathBuf::from(path))),
            Some((_, _)) => return Err(format!("{text:?} names no file after '='")),
            None => (text, None),
        };
        let format = ReportFormat::from_str(name.trim(), true).map_err(|_| {
            let names: Vec<String> = ReportFormat::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
                .collect();
            format!("unknown format {name:?} (one of {})", names.join(", "))
        })?;
        Ok(Self { format, path })
    }
}

/// One report to write: a format and where (standard output when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The format.
    pub format: ReportFormat,
    /// The file, or standard output.
    pub path: Option<PathBuf>,
}

/// Everything one run needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files, directories, or `-` for standard input.
    pub paths: Vec<PathBuf>,
    /// Read every memo in this format instead of guessing from extensions.
    pub input_format: Option<MemoFormat>,
    /// What extraction finds.
    pub extract: ExtractOptions,
    /// Extract and report without touching the network.
    pub offline: bool,
    /// The reports to write.
    pub outputs: Vec<Output>,
    /// Terminal reports show items at this severity and above.
    pub show: Severity,
    /// Whether terminal reports on standard output use colour.
    pub color: bool,
    /// Findings at this severity and above fail the run.
    pub fail_on: Severity,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// Statuses that count as fine.
    pub accept: Accept,
    /// Links whose URL matches one of these are not checked.
    pub exclude: Vec<regex::Regex>,
    /// Similarity from which an inexact quote is `approximate`.
    pub quote_threshold: f64,
    /// Severities that replace a verdict's default, by verdict name.
    pub severity: std::collections::HashMap<String, Severity>,
    /// Statuses that count as fine from particular hosts (and their
    /// subdomains).
    pub host_accept: Vec<(String, Accept)>,
    /// Look up archived copies of dead sources and drifted quotes.
    pub archive: bool,
    /// The Wayback Machine's base URL.
    pub archive_url: url::Url,
    /// Look for captures near this date (`YYYY-MM-DD`) instead of each
    /// memo's own date.
    pub as_of: Option<String>,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// The page cache, when used.
    pub cache: Option<crate::store::CacheSettings>,
    /// Set by the binary's signal handler; stops the run gracefully.
    pub interrupt: std::sync::Arc<crate::interrupt::Interrupt>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            input_format: None,
            extract: ExtractOptions::default(),
            offline: false,
            outputs: vec![Output {
                format: ReportFormat::Terminal,
                path: None,
            }],
            show: Severity::Warning,
            color: false,
            fail_on: Severity::Error,
            fetch: FetchSettings::default(),
            accept: Accept::default(),
            exclude: Vec::new(),
            quote_threshold: crate::verify::sources::DEFAULT_QUOTE_THRESHOLD,
            severity: Default::default(),
            host_accept: Vec::new(),
            archive: true,
            archive_url: url::Url::parse(crate::wayback::DEFAULT_ARCHIVE_URL)
                .expect("the default archive URL parses"),
            as_of: None,
            progress: false,
            cache: None,
            interrupt: crate::interrupt::Interrupt::new(),
        }
    }
}

impl Config {
    /// Take what a configuration file adds beyond the options: severities
    /// and per-host settings.
    pub fn apply_file(&mut self, file: &crate::config_file::FileConfig) {
        self.severity.extend(file.severity.clone());
        for (host, settings) in &file.hosts {
            if let Some(accept) = &settings.accept {
                self.host_accept.push((host.clone(), accept.clone()));
            }
            self.fetch.hosts.push((
                host.clone(),
                crate::fetch::HostSettings {
                    concurrency: settings.concurrency,
                    interval: settings.interval,
                    headers: settings.headers.clone(),
                },
            ));
        }
    }

    /// The statuses that count as fine for a URL's host.
    pub fn accept_for(&self, url: &url::Url) -> &Accept {
        let host = url.host_str().unwrap_or_default();
        self.host_accept
            .iter()
            .find(|(key, _)| crate::fetch::host_matches(host, key))
            .map_or(&self.accept, |(_, accept)| accept)
    }

    /// A verdict's severity: the configured one, else `default`.
    pub fn severity_of(&self, verdict: &str, default: Severity) -> Severity {
        self.severity.get(verdict).copied().unwrap_or(default)
    }
}
