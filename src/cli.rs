//! The command line (clap derive). The doc comments here are the `--help`
//! text; turning arguments into a [`Config`] is the only logic.

use crate::config::{Config, Output, ReportFormat};
use crate::config_file::FileConfig;
use crate::error::Error;
use crate::extract::{DEFAULT_MIN_QUOTE_WORDS, ExtractOptions};
use crate::fetch::{self, FetchSettings};
use crate::model::{MemoFormat, Severity};
use crate::verify::status::Accept;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples:
  citecheck check memo.txt                      check one memo
  citecheck check memos/                        every .txt, .md and .html below memos/
  citecheck check --offline -f json memo.md     list what a memo cites, as JSON
  pdftotext memo.pdf - | citecheck check -      read standard input (plain text)
  citecheck check --base-url https://ex.org/ page.html

Exit codes: 0 nothing at error level, 1 findings at error level,
2 usage, configuration or I/O error.";

/// Checks that the links, comment anchors and quotations cited in memos
/// still hold.
#[derive(Debug, Parser)]
#[command(name = "citecheck", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check memos: extract every link and quote, fetch the sources, report.
    #[command(after_help = EXAMPLES, args_override_self = true)]
    Check(Box<CheckArgs>),
    /// Look after the page cache.
    Cache(CacheArgs),
    /// Show, per memo, what changed between recorded runs: new findings,
    /// fixed ones, and since when each failing item has failed.
    History(HistoryArgs),
}

/// `citecheck history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only memos whose path starts with this.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
    /// Compare the latest run with the last run at or before this date
    /// (YYYY-MM-DD) instead of the run before it.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// The store's folder.
    #[arg(long, value_name = "DIR", default_value = crate::store::DEFAULT_DIR, env = "CITECHECK_CACHE_DIR")]
    pub cache_dir: PathBuf,
}

impl HistoryArgs {
    /// The text to show.
    pub fn run(&self) -> Result<String, Error> {
        let since = match &self.since {
            Some(date) => Some(date_to_unix(date).ok_or_else(|| Error::InvalidOption {
                option: "--since",
                reason: format!("{date:?} is not a date (YYYY-MM-DD)"),
            })?),
            None => None,
        };
        let (store, mut out) = crate::store::Store::open(&self.cache_dir).map_err(Error::Cache)?;
        let memos: Vec<String> = store
            .memos()
            .into_iter()
            .filter(|m| self.path.as_deref().is_none_or(|p| m.starts_with(p)))
            .collect();
        if memos.is_empty() {
            out.push("no recorded runs".to_owned());
        }
        for memo in memos {
            let Some((run, at)) = store.latest_run(&memo) else {
                continue;
            };
            out.push(format!("{memo} (last run {})", crate::history::date(at)));
            match crate::run::changes(&store, &memo, run, since) {
                Some(changes) => {
                    out.push(crate::report::terminal::changes_text(&changes));
                    for new in &changes.new_findings {
                        out.push(format!(
                            "    new: {} {} {} (was {})",
                            new.verdict,
                            new.kind,
                            crate::report::markup::shorten(&new.subject, 100),
                            new.was.as_deref().unwrap_or("not checked")
                        ));
                    }
                }
                None => out.push("  no earlier run to compare with".to_owned()),
            }
        }
        Ok(out.join("\n") + "\n")
    }
}

/// The end of a `YYYY-MM-DD` day (UTC) as Unix time.
fn date_to_unix(date: &str) -> Option<i64> {
    let ts = crate::wayback::timestamp(date)?;
    let (y, m, d): (i64, i64, i64) = (
        ts[..4].parse().ok()?,
        ts[4..6].parse().ok()?,
        ts[6..8].parse().ok()?,
    );
    // Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + 86_399)
}

/// `citecheck cache`.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CacheAction,
    /// The cache's folder.
    #[arg(long, value_name = "DIR", default_value = crate::store::DEFAULT_DIR, env = "CITECHECK_CACHE_DIR", global = true)]
    pub cache_dir: PathBuf,
}

/// What `citecheck cache` does.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CacheAction {
    /// Count the pages stored, fresh and failed, and the store's size.
    Stats,
    /// Forget every stored page.
    Clear,
}

/// Options of `citecheck check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Memo files, directories (searched recursively), or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read settings from this file (default: citecheck.toml in the current
    /// directory, when there is one). The command line overrides it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Fail (exit code 1) on findings at this level and above.
    #[arg(long, value_name = "LEVEL", default_value = "error", value_parser = fail_level)]
    pub fail_on: Severity,

    /// Extract and report without touching the network.
    #[arg(long)]
    pub offline: bool,

    /// Report format, and optionally the file to write it to
    /// (`FORMAT[=PATH]`, repeatable: `-f json=report.json -f html=report.html
    /// -f terminal`). Formats: terminal, json, markdown, html, junit, sarif,
    /// github. Default: terminal.
    #[arg(short = 'f', long, value_name = "FORMAT[=PATH]", value_parser = Output::parse)]
    pub format: Vec<Output>,

    /// Write the report given without `=PATH` to this file instead of
    /// standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Read every memo in this format (default: from the file extension;
    /// plain text for standard input).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<MemoFormat>,

    /// Resolve relative links against this URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Check only quotations of at least this many words.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_QUOTE_WORDS)]
    pub min_quote_words: usize,

    /// A quote whose best match reaches this similarity (1 − edits ÷
    /// length) is `approximate`; below it, `missing`.
    #[arg(long, value_name = "0..1", default_value_t = crate::verify::sources::DEFAULT_QUOTE_THRESHOLD, value_parser = fraction)]
    pub quote_threshold: f64,

    /// Do not look up archived copies of dead sources and drifted quotes.
    #[arg(long, help_heading = "Archive")]
    pub no_archive: bool,

    /// The Wayback Machine to ask for archived copies.
    #[arg(long, value_name = "URL", default_value = crate::wayback::DEFAULT_ARCHIVE_URL, help_heading = "Archive")]
    pub archive_url: String,

    /// Prefer captures from before this date (YYYY-MM-DD) rather than each
    /// memo's own `date:`; without either, the newest capture.
    #[arg(long, value_name = "DATE", help_heading = "Archive")]
    pub as_of: Option<String>,

    /// Requests in flight per host.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_HOST_CONCURRENCY, help_heading = "Network")]
    pub host_concurrency: usize,

    /// Minimum interval between requests to one host (`100ms`, `1s`; a bare
    /// number is milliseconds).
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = millis, help_heading = "Network")]
    pub host_interval: Duration,

    /// Requests in flight over all hosts.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_CONCURRENCY, help_heading = "Network")]
    pub max_concurrency: usize,

    /// Retries for timeouts, connection errors, 408, 429 and 5xx (never
    /// for other 4xx), with exponential backoff and jitter.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_RETRIES, help_heading = "Network")]
    pub max_retries: u32,

    /// Longest wait for one `Retry-After` (a bare number is seconds).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = seconds, help_heading = "Network")]
    pub max_retry_wait: Duration,

    /// Timeout of a whole request (a bare number is seconds).
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = seconds, help_heading = "Network")]
    pub timeout: Duration,

    /// Timeout of connecting (a bare number is seconds).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = seconds, help_heading = "Network")]
    pub connect_timeout: Duration,

    /// Largest body read, after decompression (bytes; `k` and `M` suffixes).
    #[arg(long, value_name = "SIZE", default_value = "10M", value_parser = size, help_heading = "Network")]
    pub max_body: usize,

    /// The User-Agent header (default names citecheck, its version and home page).
    #[arg(long, value_name = "TEXT", help_heading = "Network")]
    pub user_agent: Option<String>,

    /// Fetch loopback and private addresses too (link-local and metadata
    /// addresses never are).
    #[arg(long, help_heading = "Network")]
    pub allow_private: bool,

    /// Send every request through this proxy (besides HTTP_PROXY,
    /// HTTPS_PROXY and ALL_PROXY, which are always honoured).
    #[arg(long, value_name = "URL", help_heading = "Network")]
    pub proxy: Option<String>,

    /// Hosts, domains and CIDR ranges that bypass --proxy (NO_PROXY syntax:
    /// `localhost,.corp.example,10.0.0.0/8`).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "",
        help_heading = "Network"
    )]
    pub no_proxy: String,

    /// Statuses that count as fine, as ranges (`200-299,304`).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "200-299",
        help_heading = "Network"
    )]
    pub accept: String,

    /// Do not check links whose URL matches this regular expression
    /// (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Network")]
    pub exclude: Vec<String>,

    /// Keep fetched pages here, so that reruns make no request for a
    /// source still fresh.
    #[arg(long, value_name = "DIR", default_value = crate::store::DEFAULT_DIR, env = "CITECHECK_CACHE_DIR", help_heading = "Cache")]
    pub cache_dir: PathBuf,

    /// Neither read nor write the cache.
    #[arg(long, env = "CITECHECK_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Cache")]
    pub no_cache: bool,

    /// How long a fine page stays fresh in the cache (`24h`, `30m`, `2d`).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = seconds, help_heading = "Cache")]
    pub cache_ttl: Duration,

    /// How long a failure, an error status or a bot challenge stays fresh.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = seconds, help_heading = "Cache")]
    pub cache_failure_ttl: Duration,

    /// Forget recorded runs older than this.
    #[arg(long, value_name = "DURATION", default_value = "365d", value_parser = seconds, help_heading = "Cache")]
    pub keep_history: Duration,

    /// Show only errors and no summary.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Show every item, including those that are fine.
    #[arg(short, long)]
    pub verbose: bool,
}

impl CacheArgs {
    /// Do what was asked; the text to show.
    pub fn run(&self) -> Result<String, Error> {
        let (mut store, notices) =
            crate::store::Store::open(&self.cache_dir).map_err(Error::Cache)?;
        let mut out: Vec<String> = notices;
        match self.action {
            CacheAction::Stats => {
                let s = store.stats(crate::store::now()).map_err(Error::Cache)?;
                out.push(format!(
                    "{}: {} pages ({} fresh, {} failures), {:.1} kB of records, {:.1} kB on disk",
                    store.path().display(),
                    s.pages,
                    s.fresh,
                    s.failures,
                    s.bytes as f64 / 1024.0,
                    s.file_bytes as f64 / 1024.0
                ));
            }
            CacheAction::Clear => {
                let n = store.clear().map_err(Error::Cache)?;
                out.push(format!("{}: {n} pages forgotten", store.path().display()));
            }
        }
        Ok(out.join("\n") + "\n")
    }
}

/// Parse the command line, with the configuration file of a `check` run
/// (`--config`, or `citecheck.toml` in the working directory) merged in:
/// its options go before the command line's, which override them. Usage
/// errors end the process with clap's message (exit code 2), as
/// `Cli::parse` does.
pub fn parse(raw: Vec<std::ffi::OsString>) -> Result<(Cli, Option<FileConfig>), Error> {
    use clap::CommandFactory;
    if raw.get(1).is_none_or(|a| a != "check") {
        return Ok((Cli::parse_from(raw), None));
    }
    let dir = std::env::current_dir().unwrap_or_default();
    let Some(path) = crate::config_file::locate(&raw[2..], &dir) else {
        return Ok((Cli::parse_from(raw), None));
    };
    let command = Cli::command();
    let check = command
        .find_subcommand("check")
        .expect("the check command exists");
    let file = crate::config_file::read(&path, check)?;
    // What the command line says alone decides what of the file's lists
    // it replaces.
    let alone = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(&raw)
        .ok();
    let sub = alone.as_ref().and_then(|m| m.subcommand_matches("check"));
    let given = |id: &str| {
        sub.is_some_and(|m| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    };
    let mut argv: Vec<std::ffi::OsString> = raw[..2].to_vec();
    let mut file_args = file.args.iter();
    while let Some(arg) = file_args.next() {
        if arg == "--format" && given("format") {
            file_args.next();
            continue;
        }
        argv.push(arg.clone());
    }
    argv.extend(raw[2..].iter().cloned());
    if !given("paths") {
        argv.extend(file.paths.iter().cloned());
    }
    Ok((Cli::parse_from(argv), Some(file)))
}

impl CheckArgs {
    /// Build the run's configuration; `color` says whether standard output
    /// takes colour, `progress` whether standard error takes a progress bar.
    pub fn into_config(self, color: bool, progress: bool) -> Result<Config, Error> {
        let outputs = outputs(self.format.clone(), self.output.clone())?;
        let archive_url = url::Url::parse(&self.archive_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| Error::InvalidOption {
                option: "--archive-url",
                reason: format!("{:?} is not an http(s) URL", self.archive_url),
            })?;
        if let Some(date) = &self.as_of {
            if crate::wayback::timestamp(date).is_none() {
                return Err(Error::InvalidOption {
                    option: "--as-of",
                    reason: format!("{date:?} is not a date (YYYY-MM-DD)"),
                });
            }
        }
        let accept = Accept::parse(&self.accept).map_err(|reason| Error::InvalidOption {
            option: "--accept",
            reason,
        })?;
        let exclude = self
            .exclude
            .iter()
            .map(|p| {
                regex::Regex::new(p).map_err(|e| Error::InvalidOption {
                    option: "--exclude",
                    reason: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let fetch = FetchSettings {
            host_concurrency: self.host_concurrency.max(1),
            host_interval: self.host_interval,
            max_concurrency: self.max_concurrency.max(1),
            max_retries: self.max_retries,
            max_retry_wait: self.max_retry_wait,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            max_body: self.max_body,
            user_agent: self.user_agent.unwrap_or_else(fetch::default_user_agent),
            allow_private: self.allow_private,
            proxy: match &self.proxy {
                Some(p) => Some((
                    url::Url::parse(p).map_err(|e| Error::InvalidOption {
                        option: "--proxy",
                        reason: format!("{p:?}: {e}"),
                    })?,
                    self.no_proxy.clone(),
                )),
                None => None,
            },
            ..FetchSettings::default()
        };
        let base_url = self
            .base_url
            .as_deref()
            .map(|u| {
                url::Url::parse(u).map_err(|e| Error::InvalidOption {
                    option: "--base-url",
                    reason: format!("{u}: {e}"),
                })
            })
            .transpose()?;
        let show = if self.quiet {
            Severity::Error
        } else if self.verbose {
            Severity::Info
        } else {
            Severity::Warning
        };
        Ok(Config {
            paths: self.paths,
            input_format: self.input_format,
            extract: ExtractOptions {
                base_url,
                min_quote_words: self.min_quote_words,
            },
            offline: self.offline,
            outputs,
            show,
            color,
            fetch,
            accept,
            exclude,
            quote_threshold: self.quote_threshold,
            fail_on: self.fail_on,
            cache: (!self.no_cache).then(|| crate::store::CacheSettings {
                dir: self.cache_dir.clone(),
                ttl: self.cache_ttl,
                failure_ttl: self.cache_failure_ttl,
                keep_history: self.keep_history,
            }),
            archive: !self.no_archive,
            archive_url,
            as_of: self.as_of,
            progress: progress && !self.quiet,
            ..Config::default()
        })
    }
}

/// The outputs: `--format`s (terminal by default), `--output` giving the
/// file of the one without a path.
fn outputs(mut formats: Vec<Output>, output: Option<PathBuf>) -> Result<Vec<Output>, Error> {
    if formats.is_empty() {
        formats.push(Output {
            format: ReportFormat::Terminal,
            path: None,
        });
    }
    if let Some(path) = output {
        let mut to_stdout = formats.iter_mut().filter(|o| o.path.is_none());
        match (to_stdout.next(), to_stdout.next()) {
            (Some(only), None) => only.path = Some(path),
            (None, _) => {
                return Err(Error::InvalidOption {
                    option: "--output",
                    reason: "every --format already names its file".to_owned(),
                });
            }
            (Some(_), Some(_)) => {
                return Err(Error::InvalidOption {
                    option: "--output",
                    reason: "several formats go to standard output; give each its file with \
                             --format FORMAT=PATH"
                        .to_owned(),
                });
            }
        }
    }
    if formats.iter().filter(|o| o.path.is_none()).count() > 1 {
        return Err(Error::InvalidOption {
            option: "--format",
            reason: "only one format can go to standard output; give the others a file \
                     (FORMAT=PATH)"
                .to_owned(),
        });
    }
    Ok(formats)
}

/// A duration: a number with `ms`, `s` or `m`, or a bare number in `unit`.
fn duration(text: &str, unit: Duration) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration"))?;
    let unit = match suffix.trim() {
        "" => unit,
        "ms" => Duration::from_millis(1),
        "s" => Duration::from_secs(1),
        "m" | "min" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        "d" => Duration::from_secs(86_400),
        other => return Err(format!("unknown unit {other:?} (use ms, s, m, h or d)")),
    };
    Ok(unit.mul_f64(value))
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

fn fail_level(text: &str) -> Result<Severity, String> {
    match text {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        _ => Err(format!("{text:?} is not error or warning")),
    }
}

/// A duration where a bare number is milliseconds.
pub(crate) fn millis(text: &str) -> Result<Duration, String> {
    duration(text, Duration::from_millis(1))
}

fn seconds(text: &str) -> Result<Duration, String> {
    duration(text, Duration::from_secs(1))
}

/// A size in bytes with an optional `k`, `M` or `G` suffix (powers of 1024).
fn size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (number, factor) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1024),
        Some((i, 'm' | 'M')) => (&text[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&text[..i], 1024 * 1024 * 1024),
        _ => (text, 1),
    };
    let number = number.trim_end_matches(['b', 'B', 'i']);
    number
        .parse::<usize>()
        .map(|n| n.saturating_mul(factor))
        .map_err(|_| format!("{text:?} is not a size"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_to_unix_time() {
        assert_eq!(super::date_to_unix("1970-01-01"), Some(86_399));
        assert_eq!(super::date_to_unix("2026-11-28"), Some(1_795_910_399));
        assert_eq!(super::date_to_unix("2000-03-01"), Some(951_955_199));
    }
}
