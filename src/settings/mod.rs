//! Settings for one run, as the library takes them. The binary builds a
//! `Config` from the command line.

pub mod file;
pub(crate) mod values;

pub use values::ValueError;

use crate::extract::ExtractOptions;
use crate::fetch::FetchSettings;
pub use crate::model::Accept;
use crate::model::Verdict;
use crate::model::{MemoFormat, Severity};
pub use crate::store::{CacheSettings, DEFAULT_STORE_DIR, StoreLocation};
use std::path::PathBuf;

/// Default `--quote-threshold`: a quote whose best match reaches this
/// similarity is `approximate`, below it `missing`.
pub const DEFAULT_QUOTE_THRESHOLD: f64 = 0.85;

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
    /// A spreadsheet: one row per link, quote and memo problem (RFC 4180).
    Csv,
}

impl Output {
    /// Parse `FORMAT` or `FORMAT=PATH` (`json=report.json`).
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        use clap::ValueEnum;
        let (name, path) = match text.split_once('=') {
            Some((name, path)) if !path.is_empty() => (name, Some(PathBuf::from(path))),
            Some((_, _)) => return Err(ValueError::NoFileAfterEquals(text.to_owned())),
            None => (text, None),
        };
        let format = ReportFormat::from_str(name.trim(), true).map_err(|_| {
            let names: Vec<String> = ReportFormat::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
                .collect();
            ValueError::UnknownFormat {
                name: name.to_owned(),
                known: names.join(", "),
            }
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

/// Which reports to write, where, and how the terminal one shows: the
/// settings of the report output (`command::output`).
#[derive(Debug, Clone)]
pub struct OutputSettings {
    /// The reports to write.
    pub outputs: Vec<Output>,
    /// Reports without a file go to standard error instead of standard
    /// output (which carries a `fix --dry-run` diff).
    pub reports_to_stderr: bool,
    /// Terminal reports show items at this severity and above.
    pub show: Severity,
    /// `-q`: terminal reports show the findings that fail the run and
    /// nothing else (no summary, memo headings, history or notes, but the
    /// note that the run's own network was down, which fails it too).
    pub quiet: bool,
    /// Whether terminal reports on standard output use colour.
    pub color: bool,
}

impl Default for OutputSettings {
    fn default() -> Self {
        Self {
            outputs: vec![Output {
                format: ReportFormat::Terminal,
                path: None,
            }],
            reports_to_stderr: false,
            show: Severity::Warning,
            quiet: false,
            color: false,
        }
    }
}

/// Everything one run needs to know: each stage's own settings, and the
/// few the run itself decides by.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files, directories, `-` for standard input, or URLs of published
    /// memos, sitemaps and feeds.
    pub paths: Vec<PathBuf>,
    /// How memos published on the web (URLs among `paths`) are read.
    pub published: PublishedSettings,
    /// Read every memo in this format instead of guessing from extensions.
    pub input_format: Option<MemoFormat>,
    /// Check only this part of the memos (`--shard`).
    pub shard: Option<crate::input::Shard>,
    /// What extraction finds.
    pub extract: ExtractOptions,
    /// Extract and report without touching the network.
    pub offline: bool,
    /// The reports to write, and how.
    pub output: OutputSettings,
    /// Findings at this severity and above fail the run.
    pub fail_on: Severity,
    /// How pages are fetched.
    pub fetch: FetchSettings,
    /// How verdicts are reached and weighed.
    pub checks: Checks,
    /// Whether and where archived copies are looked up, and within what.
    pub archive: crate::archive::ArchiveSettings,
    /// Preserve the sources with Save Page Now, when asked to.
    pub preserve: Option<PreserveSettings>,
    /// Which pages are rendered in a browser, and how.
    pub render: crate::fetch::render::RenderSettings,
    /// Show a progress bar on standard error.
    pub progress: bool,
    /// The page cache, when used.
    pub cache: Option<CacheSettings>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            paths: Vec::new(),
            published: PublishedSettings::default(),
            input_format: None,
            extract: ExtractOptions::default(),
            offline: false,
            output: OutputSettings::default(),
            fail_on: Severity::Error,
            fetch: FetchSettings::default(),
            checks: Checks::default(),
            archive: Default::default(),
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
    pub keys: crate::archive::keys::Keys,
    /// A capture this close to the memo's date (today's, undated) counts.
    pub within: std::time::Duration,
    /// How long to wait for the captures asked for.
    pub wait: std::time::Duration,
}

/// The most pages read from sitemaps, feeds and a crawl, by default.
pub const DEFAULT_CRAWL_LIMIT: usize = 1000;

/// How many links deep a crawl goes, by default.
pub const DEFAULT_CRAWL_DEPTH: usize = 3;

/// How memos published on the web are found and read.
#[derive(Debug, Clone)]
pub struct PublishedSettings {
    /// Which part of a memo page is the memo.
    pub content: crate::extract::main_content::MainContent,
    /// Only listed pages dated on or after this day (`--since`).
    pub since: Option<String>,
    /// The most pages read from listings and each crawl
    /// (`--crawl-limit`).
    pub limit: usize,
    /// Where to start crawling (`--crawl`).
    pub crawl: Vec<url::Url>,
    /// How many links deep a crawl goes (`--crawl-depth`).
    pub crawl_depth: usize,
}

impl Default for PublishedSettings {
    fn default() -> Self {
        Self {
            content: Default::default(),
            since: None,
            limit: DEFAULT_CRAWL_LIMIT,
            crawl: Vec::new(),
            crawl_depth: DEFAULT_CRAWL_DEPTH,
        }
    }
}

/// How verdicts are reached and weighed: the settings of verification
/// and of the severities the report gives.
#[derive(Debug, Clone)]
pub struct Checks {
    /// Statuses that count as fine where a host has no list of its own
    /// (`FetchSettings::hosts`).
    pub accept: Accept,
    /// Links whose URL matches one of these are not checked.
    pub exclude: Vec<regex::Regex>,
    /// Similarity from which an inexact quote is `approximate`.
    pub quote_threshold: f64,
    /// Severities that replace a verdict's default.
    pub severity: std::collections::HashMap<Verdict, Severity>,
}

impl Default for Checks {
    fn default() -> Self {
        Self {
            accept: Accept::default(),
            exclude: Vec::new(),
            quote_threshold: DEFAULT_QUOTE_THRESHOLD,
            severity: Default::default(),
        }
    }
}

impl Checks {
    /// What the run history records of these settings and of `hosts`'
    /// accepted statuses, so that a later run tells a verdict the
    /// settings changed from one the web did
    /// ([`crate::report::history::settings_fingerprint`]).
    pub fn fingerprint(&self, hosts: &crate::fetch::Hosts) -> String {
        let mut pairs = vec![
            ("accept".to_owned(), self.accept.to_string()),
            (
                "exclude".to_owned(),
                self.exclude
                    .iter()
                    .map(regex::Regex::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            (
                "quote-threshold".to_owned(),
                self.quote_threshold.to_string(),
            ),
        ];
        pairs.extend(self.severity.iter().map(|(verdict, severity)| {
            (
                format!("severity.{}", verdict.name()),
                severity.name().to_owned(),
            )
        }));
        pairs.extend(
            hosts
                .accept_lists()
                .map(|(host, accept)| (format!("host.{host}.accept"), accept.to_string())),
        );
        crate::report::history::settings_fingerprint(&pairs)
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
    use crate::fetch::HostSettings;

    /// Accepted statuses follow the one host rule: the most specific host
    /// wins, whatever the order the hosts were given in.
    #[test]
    fn the_most_specific_host_decides_what_is_accepted() {
        let accepting = |list: &str| HostSettings {
            accept: Some(Accept::parse(list).unwrap()),
            ..Default::default()
        };
        let mut config = Config::default();
        let accept_for = |config: &Config, url: &url::Url| {
            config
                .fetch
                .hosts
                .accept_for(url, &config.checks.accept)
                .clone()
        };
        for order in [
            ["news.test", "www.news.test"],
            ["www.news.test", "news.test"],
        ] {
            config.fetch.hosts = order
                .iter()
                .map(|host| {
                    let list = if host.starts_with("www") {
                        "200-299"
                    } else {
                        "200-299,403"
                    };
                    (host.to_string(), accepting(list))
                })
                .collect();
            let url = |u: &str| url::Url::parse(u).unwrap();
            let accepts_403 = |u: &str| accept_for(&config, &url(u)).contains(403);
            assert!(!accepts_403("https://www.news.test/a"));
            assert!(accepts_403("https://news.test/a"));
            assert!(accepts_403("https://m.news.test/a"));
            assert!(!accepts_403("https://other.test/a"));
        }
    }
}
