//! The command line (clap derive): the doc comments here are the `--help`
//! text, and every value is checked by its parser here, so a command gets
//! its arguments typed. Parsing is all this module does; the commands
//! themselves are in [`crate::command`].

use crate::error::Error;
use crate::extract::DEFAULT_MIN_QUOTE_WORDS;
use crate::fetch;
use crate::model::{MemoFormat, Severity};
use crate::settings::file::FileConfig;
use crate::settings::values;
use crate::settings::{Accept, Output};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

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
    /// Check memos, then rewrite each with the replacements verified: a
    /// permanent redirect's end, a dead link's archived copy that holds
    /// its anchor and quotes, the archived copy beside a link whose quote
    /// drifted. Nothing else in the memo changes.
    #[command(args_override_self = true)]
    Fix(Box<FixArgs>),
    /// Look after the page cache.
    Cache(CacheArgs),
    /// Show, per memo, what changed between recorded runs: new findings,
    /// fixed ones, and since when each failing item has failed.
    History(HistoryArgs),
    /// Combine the JSON reports of a sharded run (`check --shard K/N`)
    /// into one report, in every format, with one exit code.
    Merge(MergeArgs),
}

/// `citecheck merge`: the shards' JSON reports and the reports to write.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The JSON reports (`check -f json=PATH`), one per shard.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Report format, and optionally the file to write it to
    /// (`FORMAT=PATH`); repeat for several.
    #[arg(short = 'f', long, value_name = "FORMAT[=PATH]", value_parser = Output::parse)]
    pub format: Vec<Output>,
    /// Write the report given without `=PATH` to this file.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit code 1) on findings at this level and above.
    #[arg(long, value_name = "LEVEL", default_value = "error", value_parser = values::fail_level)]
    pub fail_on: Severity,
    /// Show every item, including those that are fine.
    #[arg(short, long)]
    pub verbose: bool,
}

/// `citecheck fix`: the options of `check`, and how to fix.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// What is checked, and how.
    #[command(flatten)]
    pub check: CheckArgs,
    /// Change no file: print a unified diff of what would be written.
    #[arg(long)]
    pub dry_run: bool,
    /// Only fixes of this kind (`archive` includes the archived copies
    /// added beside links whose quotes drifted).
    #[arg(long, value_name = "KIND")]
    pub only: Option<crate::model::FixKind>,
}

/// `citecheck history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only memos whose path starts with this.
    #[arg(value_name = "PATH")]
    pub path: Option<String>,
    /// Compare the latest run with the last run at or before this date
    /// (YYYY-MM-DD) instead of the run before it.
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    pub since: Option<String>,
    /// `text` (per memo, what changed in its latest run) or the trends
    /// across every recorded run: new, fixed and standing findings per run,
    /// as `json`, `markdown` or `html` (with a line chart).
    #[arg(
        short = 'f',
        long,
        value_enum,
        default_value = "text",
        value_name = "FORMAT"
    )]
    pub format: HistoryFormat,
    /// The store's folder.
    #[arg(long, value_name = "DIR", default_value = crate::settings::DEFAULT_STORE_DIR, env = "CITECHECK_CACHE_DIR")]
    pub cache_dir: PathBuf,
    /// Keep the cache and the history in this PostgreSQL database
    /// instead (`postgres://user@host/db`; TLS with `?sslmode=require`),
    /// shared by every process given the same URL.
    #[arg(long, value_name = "URL", value_parser = values::store_url, env = "CITECHECK_STORE")]
    pub store: Option<String>,
}

/// What `citecheck history` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    /// Per memo, what changed in its latest run.
    Text,
    /// The trends across recorded runs, as JSON.
    Json,
    /// The trends as a Markdown table.
    Markdown,
    /// The trends as an HTML page with a line chart.
    Html,
}

/// `citecheck cache`.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CacheAction,
    /// The cache's folder.
    #[arg(long, value_name = "DIR", default_value = crate::settings::DEFAULT_STORE_DIR, env = "CITECHECK_CACHE_DIR", global = true)]
    pub cache_dir: PathBuf,
    /// Keep the cache and the history in this PostgreSQL database
    /// instead (`postgres://user@host/db`; TLS with `?sslmode=require`),
    /// shared by every process given the same URL.
    #[arg(long, value_name = "URL", value_parser = values::store_url, env = "CITECHECK_STORE", global = true)]
    pub store: Option<String>,
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
    /// Memo files, directories (searched recursively), glob patterns
    /// (`'memos/**/*.md'`), - for standard input, or URLs of published
    /// memos, sitemaps and feeds; without any, the settings file's
    /// `paths`.
    #[arg(value_name = "PATH|URL")]
    pub paths: Vec<PathBuf>,

    /// Read settings from this file (default: citecheck.toml in the current
    /// directory, when there is one). The command line overrides it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Fail (exit code 1) on findings at this level and above.
    #[arg(long, value_name = "LEVEL", default_value = "error", value_parser = values::fail_level)]
    pub fail_on: Severity,

    /// Extract and report without touching the network.
    #[arg(long)]
    pub offline: bool,

    /// Report format, and optionally the file to write it to
    /// (`FORMAT[=PATH]`, repeatable: `-f json=report.json -f html=report.html
    /// -f terminal`). Formats: terminal, json, markdown, html, junit, sarif,
    /// github, csv. Default: terminal.
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

    /// Check only the K-th of N deterministic parts of the memos (for a CI
    /// matrix; a memo's part depends on its path alone), as `2/4`; merge
    /// the parts' JSON reports with `citecheck merge`.
    #[arg(long, value_name = "K/N", value_parser = values::shard)]
    pub shard: Option<crate::input::Shard>,

    /// Resolve relative links against this URL.
    #[arg(long, value_name = "URL", value_parser = absolute_url)]
    pub base_url: Option<Url>,

    /// Of the pages a sitemap or feed lists, only those modified or
    /// published on or after this day (`YYYY-MM-DD`); undated ones are
    /// kept.
    #[arg(long, value_name = "DATE", value_parser = values::date, help_heading = "Published memos")]
    pub since: Option<String>,

    /// On a memo page read from the web, the element that is the memo
    /// (CSS, as `div.post-body`); default: its article, main element or
    /// densest block of prose.
    #[arg(long, value_name = "CSS", help_heading = "Published memos")]
    pub content_selector: Option<String>,

    /// Crawl a memo site from this page: follow its links within its host
    /// and folder, and check the pages that are memos (articles,
    /// documents), not the listings walked through. Repeatable.
    #[arg(long, value_name = "URL", value_parser = http_url, help_heading = "Published memos")]
    pub crawl: Vec<Url>,

    /// How many links deep a crawl goes from its start (a listing's
    /// further pages count as no step).
    #[arg(long, value_name = "N", default_value_t = crate::settings::DEFAULT_CRAWL_DEPTH, help_heading = "Published memos")]
    pub crawl_depth: usize,

    /// Read at most this many pages from sitemaps, feeds and each crawl.
    #[arg(long, value_name = "N", default_value_t = crate::settings::DEFAULT_CRAWL_LIMIT, value_parser = values::count, help_heading = "Published memos")]
    pub crawl_limit: usize,

    /// Check only quotations of at least this many words.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_QUOTE_WORDS)]
    pub min_quote_words: usize,

    /// A quote whose best match reaches this similarity (1 − edits ÷
    /// length) is `approximate`; below it, `missing`.
    #[arg(long, value_name = "0..1", default_value_t = crate::settings::DEFAULT_QUOTE_THRESHOLD, value_parser = values::fraction)]
    pub quote_threshold: f64,

    /// Do not look up archived copies of dead sources and drifted quotes.
    #[arg(long, help_heading = "Archive")]
    pub no_archive: bool,

    /// The Wayback Machine to ask for archived copies.
    #[arg(long, value_name = "URL", default_value = crate::archive::wayback::DEFAULT_ARCHIVE_URL, value_parser = http_url, help_heading = "Archive")]
    pub archive_url: Url,

    /// Look for captures nearest this date (YYYY-MM-DD) rather than each
    /// memo's own `date:`; without either, the newest capture.
    #[arg(long, value_name = "DATE", value_parser = values::date, help_heading = "Archive")]
    pub as_of: Option<String>,

    /// The most time archive lookups may add to a run (`60s`, `5m`): what
    /// is still waiting then is reported as "the archive did not answer in
    /// time".
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = values::duration, help_heading = "Archive")]
    pub archive_budget: Duration,

    /// For a drifted quote, the archived copies of at most this many of
    /// its sources are looked up (where it matched best first, then its
    /// paired links, then the memo's other sources, in order).
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Archive")]
    pub archive_quote_pages: usize,

    /// Also ask this Memento archive (RFC 7089): its TimeMap prefix, to
    /// which the page's URL is appended (for example
    /// `https://arquivo.pt/wayback/timemap/link/`). Repeatable.
    #[arg(long = "memento-archive", value_name = "URL", value_parser = http_url, help_heading = "Archive")]
    pub memento_archives: Vec<Url>,

    /// Preserve the sources: after the check, ask the Wayback Machine's
    /// Save Page Now for a capture of every fine link whose page has none
    /// within `--preserve-within` that holds its anchor and quotes, and
    /// check them in the new capture. Needs Internet Archive keys
    /// (`IA_ACCESS_KEY_ID` and `IA_SECRET_ACCESS_KEY`, or `ia.ini`).
    #[arg(long, help_heading = "Archive")]
    pub preserve: bool,

    /// A capture counts as preserving a source when it is this close to
    /// the memo's date (to today for an undated memo).
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = values::duration, help_heading = "Archive")]
    pub preserve_within: Duration,

    /// How long to wait for Save Page Now's captures to finish: a capture
    /// not done by then is reported as not preserved ("Save Page Now did not finish in time").
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = values::duration, help_heading = "Archive")]
    pub preserve_wait: Duration,

    /// Requests in flight per host.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_HOST_CONCURRENCY, value_parser = values::count, help_heading = "Network")]
    pub host_concurrency: usize,

    /// Minimum interval between requests to one host (`100ms`, `1s`; `0` for none).
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = values::duration, help_heading = "Network")]
    pub host_interval: Duration,

    /// Requests in flight over all hosts.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_CONCURRENCY, value_parser = values::count, help_heading = "Network")]
    pub max_concurrency: usize,

    /// Retries for timeouts, connection errors, 408, 429 and 5xx (never
    /// for other 4xx), with exponential backoff and jitter.
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_RETRIES, help_heading = "Network")]
    pub max_retries: u32,

    /// Longest wait for one `Retry-After`.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = values::duration, help_heading = "Network")]
    pub max_retry_wait: Duration,

    /// Timeout of a whole request.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = values::positive_duration, help_heading = "Network")]
    pub timeout: Duration,

    /// Timeout of connecting.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = values::positive_duration, help_heading = "Network")]
    pub connect_timeout: Duration,

    /// Largest body read, after decompression (bytes; `k` and `M` suffixes).
    #[arg(long, value_name = "SIZE", default_value = "10M", value_parser = values::size, help_heading = "Network")]
    pub max_body: usize,

    /// The User-Agent header (default names citecheck, its version and home page).
    #[arg(long, value_name = "TEXT", help_heading = "Network")]
    pub user_agent: Option<String>,

    /// Fetch loopback and private addresses too (link-local and metadata
    /// addresses never are).
    #[arg(long, help_heading = "Network")]
    pub allow_private: bool,

    /// The most redirects followed for one link; a longer chain is
    /// `broken` ("more than N redirects").
    #[arg(long, value_name = "N", default_value_t = fetch::DEFAULT_MAX_REDIRECTS, help_heading = "Network")]
    pub max_redirects: usize,

    /// Send a header to one site: `HOST=NAME: VALUE`, as
    /// `intranet.example.org=Authorization: Bearer …` (that host and its
    /// subdomains only, so never to another site, not even through a
    /// redirect). Repeatable; `[hosts."HOST"].headers` in citecheck.toml
    /// says the same.
    #[arg(long = "header", value_name = "HOST=NAME: VALUE", value_parser = values::host_header, help_heading = "Network")]
    pub headers: Vec<(String, String, String)>,

    /// Render pages in headless Chromium, for pages that build their text
    /// with scripts: `auto` renders those recognised as such (and their
    /// site's soft-404 probe), `always` every HTML page, `never` none (such
    /// pages are then read from their script data, and what they do not
    /// hold there is `unverifiable`, never `missing`).
    #[arg(long, value_name = "WHEN", default_value = "never", value_parser = values::render_mode, help_heading = "Rendering")]
    pub render: crate::fetch::render::RenderMode,

    /// The Chromium or Chrome program to render with (found on PATH as
    /// chromium, chromium-browser, google-chrome… when not given).
    #[arg(long, value_name = "PATH", help_heading = "Rendering")]
    pub browser: Option<PathBuf>,

    /// The most time rendering one page may take ; a page that takes longer is read as the server sent it.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = values::positive_duration, help_heading = "Rendering")]
    pub render_timeout: Duration,

    /// Pages rendered at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        value_parser = values::count,
        help_heading = "Rendering"
    )]
    pub render_concurrency: usize,

    /// Send every request through this proxy (besides HTTP_PROXY,
    /// HTTPS_PROXY and ALL_PROXY, which are always honoured).
    #[arg(long, value_name = "URL", value_parser = absolute_url, help_heading = "Network")]
    pub proxy: Option<Url>,

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
        value_parser = Accept::parse,
        help_heading = "Network"
    )]
    pub accept: Accept,

    /// Do not check links whose URL matches this regular expression
    /// (repeatable).
    #[arg(long, value_name = "REGEX", value_parser = regex::Regex::new, help_heading = "Network")]
    pub exclude: Vec<regex::Regex>,

    /// Keep fetched pages here, so that reruns make no request for a
    /// source still fresh.
    #[arg(long, value_name = "DIR", default_value = crate::settings::DEFAULT_STORE_DIR, env = "CITECHECK_CACHE_DIR", help_heading = "Cache")]
    pub cache_dir: PathBuf,

    /// Keep the cache and the history in this PostgreSQL database
    /// instead (`postgres://user@host/db`; TLS with `?sslmode=require`),
    /// shared by every process given the same URL.
    #[arg(long, value_name = "URL", value_parser = values::store_url, env = "CITECHECK_STORE", help_heading = "Cache")]
    pub store: Option<String>,

    /// With a shared store: how long a page another process is fetching
    /// is waited for (the life of its claim) before this one fetches it.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = values::positive_duration, help_heading = "Cache")]
    pub claim_ttl: Duration,

    /// Neither read nor write the cache.
    #[arg(long, env = "CITECHECK_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Cache")]
    pub no_cache: bool,

    /// How long a fine page stays fresh in the cache (`24h`, `30m`, `2d`).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = values::duration, help_heading = "Cache")]
    pub cache_ttl: Duration,

    /// How long a failure, an error status or a bot challenge stays fresh.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = values::duration, help_heading = "Cache")]
    pub cache_failure_ttl: Duration,

    /// Forget recorded runs older than this.
    #[arg(long, value_name = "DURATION", default_value = "365d", value_parser = values::duration, help_heading = "Cache")]
    pub keep_history: Duration,

    /// Show only errors and no summary.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Show every item, including those that are fine.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Parse the command line, with the configuration file of a `check` run
/// (`--config`, or `citecheck.toml` in the working directory) merged in:
/// its options go before the command line's, which override them. Usage
/// errors end the process with clap's message (exit code 2), as
/// `Cli::parse` does.
pub fn parse(raw: Vec<std::ffi::OsString>) -> Result<(Cli, Option<FileConfig>), Error> {
    use clap::CommandFactory;
    // `check` and `fix` take the same options, and the file's.
    let Some(name) = raw
        .get(1)
        .and_then(|a| a.to_str())
        .filter(|a| matches!(*a, "check" | "fix"))
        .map(str::to_owned)
    else {
        return Ok((Cli::parse_from(raw), None));
    };
    let dir = std::env::current_dir().unwrap_or_default();
    let Some(path) = crate::settings::file::locate(&raw[2..], &dir) else {
        return Ok((Cli::parse_from(raw), None));
    };
    let command = Cli::command();
    let check = command
        .find_subcommand(&name)
        .expect("the check and fix commands exist");
    let file = crate::settings::file::read(&path, check)?;
    // What the command line says alone decides what of the file's lists
    // it replaces.
    let alone = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(&raw)
        .ok();
    let sub = alone.as_ref().and_then(|m| m.subcommand_matches(&name));
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

/// An absolute URL.
fn absolute_url(text: &str) -> Result<Url, String> {
    Url::parse(text.trim()).map_err(|e| format!("{text:?}: {e}"))
}

/// An absolute http(s) URL.
fn http_url(text: &str) -> Result<Url, String> {
    absolute_url(text)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| format!("{text:?} is not an http(s) URL"))
}
