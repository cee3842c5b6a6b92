//! Settings for one run, as the library takes them. The binary builds a
//! `Config` from the command line.

use crate::extract::ExtractOptions;
use crate::fetch::FetchSettings;
use crate::model::Verdict;
use crate::model::{MemoFormat, Severity};
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// Statuses accepted as fine (`--accept`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept(pub Vec<RangeInclusive<u16>>);

impl Default for Accept {
    fn default() -> Self {
        Self(vec![200..=299])
    }
}

impl Accept {
    /// Parse `200-299,304` style lists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (lo, hi) = part
                .split_once(['-', '.'])
                .map_or((part, part), |(a, b)| (a, b.trim_start_matches(['.', '='])));
            let lo: u16 = lo
                .trim()
                .parse()
                .map_err(|_| format!("{part:?} is not a status or range"))?;
            let hi: u16 = hi
                .trim()
                .parse()
                .map_err(|_| format!("{part:?} is not a status or range"))?;
            if lo > hi || !(100..=999).contains(&lo) || hi > 999 {
                return Err(format!("{part:?} is not a range of HTTP statuses"));
            }
            ranges.push(lo..=hi);
        }
        if ranges.is_empty() {
            return Err("no status given".to_owned());
        }
        Ok(Self(ranges))
    }

    /// Whether `status` is accepted.
    pub fn contains(&self, status: u16) -> bool {
        self.0.iter().any(|r| r.contains(&status))
    }
}

/// Default `--quote-threshold`: a quote whose best match reaches this
/// similarity is `approximate`, below it `missing`.
pub const DEFAULT_QUOTE_THRESHOLD: f64 = 0.85;

/// The store's folder, relative to the working directory.
pub const DEFAULT_STORE_DIR: &str = ".citecheck";

/// Where the store is.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded SQLite store, in this folder (the default).
    Folder(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL, shared by every
    /// process given the same URL.
    Postgres(String),
}

impl StoreLocation {
    /// The store of these options: `--store` when given, else the folder.
    pub fn of(store: Option<&str>, folder: &std::path::Path) -> Self {
        match store {
            Some(url) => Self::Postgres(url.to_owned()),
            None => Self::Folder(folder.to_owned()),
        }
    }
}

impl std::fmt::Debug for StoreLocation {
    /// A URL's password is never shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Folder(dir) => f.debug_tuple("Folder").field(dir).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redacted(url)).finish(),
        }
    }
}

/// A store URL as it may be shown: its password starred out.
pub(crate) fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(a URL that cannot be read)".to_owned(),
    }
}

/// How long cached pages stay fresh, and where they are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    /// The store.
    pub location: StoreLocation,
    /// With a shared store, how long a page another process claimed is
    /// waited for (its claim's life) before this one fetches it itself.
    pub claim_ttl: std::time::Duration,
    /// Freshness of a fine page.
    pub ttl: std::time::Duration,
    /// Freshness of a failure, an error status or a bot challenge.
    pub failure_ttl: std::time::Duration,
    /// Runs older than this are forgotten.
    pub keep_history: std::time::Duration,
}

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
    /// Check only this part of the memos (`--shard`).
    pub shard: Option<crate::input::Shard>,
    /// What extraction finds.
    pub extract: ExtractOptions,
    /// Extract and report without touching the network.
    pub offline: bool,
    /// The reports to write.
    pub outputs: Vec<Output>,
    /// Reports without a file go to standard error instead of standard
    /// output (which carries a `fix --dry-run` diff).
    pub reports_to_stderr: bool,
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
    /// Severities that replace a verdict's default.
    pub severity: std::collections::HashMap<Verdict, Severity>,
    /// Statuses that count as fine from particular hosts (and their
    /// subdomains).
    pub host_accept: Vec<(String, Accept)>,
    /// Look up archived copies of dead sources and drifted quotes.
    pub archive: bool,
    /// The Wayback Machine's base URL.
    pub archive_url: url::Url,
    /// The most time the archive stage may take.
    pub archive_budget: std::time::Duration,
    /// The most sources of one drifted quote whose captures are looked up.
    pub archive_quote_pages: usize,
    /// Memento archives' TimeMap prefixes, asked after the Wayback Machine.
    pub memento_archives: Vec<url::Url>,
    /// Look for captures near this date (`YYYY-MM-DD`) instead of each
    /// memo's own date.
    pub as_of: Option<String>,
    /// Preserve the sources with Save Page Now, when asked to.
    pub preserve: Option<PreserveSettings>,
    /// Which pages are rendered in a browser, and how.
    pub render: crate::fetch::render::RenderSettings,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// The page cache, when used.
    pub cache: Option<CacheSettings>,
}

impl Config {
    /// The archives the run asks: the Wayback Machine, then each Memento
    /// archive.
    pub fn archives(&self) -> impl Iterator<Item = &url::Url> {
        std::iter::once(&self.archive_url).chain(&self.memento_archives)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            input_format: None,
            extract: ExtractOptions::default(),
            offline: false,
            reports_to_stderr: false,
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
            quote_threshold: DEFAULT_QUOTE_THRESHOLD,
            severity: Default::default(),
            host_accept: Vec::new(),
            archive: true,
            archive_budget: std::time::Duration::from_secs(60),
            archive_quote_pages: 3,
            memento_archives: Vec::new(),
            archive_url: url::Url::parse(crate::wayback::DEFAULT_ARCHIVE_URL)
                .expect("the default archive URL parses"),
            as_of: None,
            shard: None,
            preserve: None,
            render: crate::fetch::render::RenderSettings::default(),
            progress: false,
            cache: None,
        }
    }
}

/// How `--preserve` asks for captures.
#[derive(Debug, Clone)]
pub struct PreserveSettings {
    /// The Internet Archive keys Save Page Now is called with.
    pub keys: crate::keys::Keys,
    /// A capture this close to the memo's date (today's, undated) counts.
    pub within: std::time::Duration,
    /// How long to wait for the captures asked for.
    pub wait: std::time::Duration,
}

impl Config {
    /// The statuses that count as fine for a URL's host.
    pub fn accept_for(&self, url: &url::Url) -> &Accept {
        let host = url.host_str().unwrap_or_default();
        self.host_accept
            .iter()
            .find(|(key, _)| crate::fetch::host_matches(host, key))
            .map_or(&self.accept, |(_, accept)| accept)
    }

    /// A verdict's severity: the configured one, else its default.
    pub fn severity_of(&self, verdict: Verdict) -> Severity {
        self.severity
            .get(&verdict)
            .copied()
            .unwrap_or_else(|| verdict.default_severity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_lists() {
        let a = Accept::parse("200-299, 304,403").unwrap();
        assert!(a.contains(204) && a.contains(304) && a.contains(403) && !a.contains(404));
        assert!(Accept::parse("abc").is_err());
        assert!(Accept::parse("300-200").is_err());
    }
}
