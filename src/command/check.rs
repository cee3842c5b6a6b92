//! `citecheck check`: build the run's [`Config`] from the arguments and
//! the configuration file, run the check, write every report, and say how
//! it ended.

use super::Exit;
use crate::archive::{ArchiveSettings, Archives};
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::extract::ExtractOptions;
use crate::fetch::render::RenderSettings;
use crate::fetch::{self, FetchSettings};
use crate::interrupt::Interrupt;
use crate::model::Severity;
use crate::settings::file::FileConfig;
use crate::settings::{
    CacheSettings, Checks, Config, Output, OutputSettings, PreserveSettings, ReportFormat,
    StoreLocation,
};
use std::path::PathBuf;

/// What the process's terminals take.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    /// Standard output takes colour.
    pub color: bool,
    /// Standard error takes a progress bar.
    pub progress: bool,
}

/// How a check ended: its exit, and lines for standard error (the
/// summary, when standard output carries no terminal report).
#[derive(Debug, Clone)]
pub struct Checked {
    /// How the run ended.
    pub exit: Exit,
    /// Lines to show on standard error.
    pub stderr: Vec<String>,
    /// The report, written already: the caller decides how to let it go
    /// (the binary, about to exit, leaks it rather than free a large
    /// report piece by piece).
    pub report: crate::report::Report,
}

/// Check the memos the arguments name, write the reports, and say how it
/// ended. `Err` only when the tool itself failed (a bad option, an
/// unwritable report); a dead link is in the report.
pub fn run(
    args: CheckArgs,
    file: Option<&FileConfig>,
    terminal: Terminal,
    interrupt: &std::sync::Arc<Interrupt>,
) -> Result<Checked, Error> {
    let config = config(args, file, terminal)?;
    let report = crate::run::run(&config, interrupt);
    let terminal_on_stdout = config
        .output
        .outputs
        .iter()
        .any(|o| o.path.is_none() && o.format == ReportFormat::Terminal);
    let mut stderr = Vec::new();
    if !terminal_on_stdout && !config.output.quiet && config.output.show < Severity::Error {
        stderr.extend(report.notices.iter().map(|n| format!("note: {n}")));
        stderr.push(crate::report::terminal::summary_line(&report));
    }
    crate::command::output::write_all(&report, &config.output)?;
    let exit = Exit::from(report.status(config.fail_on));
    Ok(Checked {
        exit,
        stderr,
        report,
    })
}

/// The run's configuration: the arguments (the configuration file's
/// options were merged into them by [`crate::cli::parse`]), and what the
/// file adds beyond options.
pub fn config(
    args: CheckArgs,
    file: Option<&FileConfig>,
    terminal: Terminal,
) -> Result<Config, Error> {
    if args.paths.is_empty() && args.crawl.is_empty() {
        return Err(Error::NoPaths);
    }
    let outputs = outputs(args.format.clone(), args.output.clone())?;
    let headers = args.headers.clone();
    // Quiet shows what fails the run, and nothing else.
    let show = if args.quiet {
        args.fail_on
    } else if args.verbose {
        Severity::Info
    } else {
        Severity::Warning
    };
    let mut config = Config {
        input_format: args.input_format,
        shard: args.shard,
        extract: ExtractOptions {
            base_url: args.base_url.clone(),
            min_quote_words: args.min_quote_words,
            main_content: None,
        },
        offline: args.offline,
        output: OutputSettings {
            outputs,
            show,
            quiet: args.quiet,
            color: terminal.color,
            reports_to_stderr: false,
        },
        fetch: fetch_settings(&args),
        checks: Checks {
            accept: args.accept.clone(),
            exclude: args.exclude.clone(),
            quote_threshold: args.quote_threshold,
            severity: Default::default(),
        },
        fail_on: args.fail_on,
        cache: (!args.no_cache).then(|| CacheSettings {
            location: StoreLocation::of(args.store.as_deref(), &args.cache_dir),
            claim_ttl: args.claim_ttl,
            ttl: args.cache_ttl,
            failure_ttl: args.cache_failure_ttl,
            keep_history: args.keep_history,
        }),
        archive: ArchiveSettings {
            enabled: !args.no_archive,
            archives: Archives {
                wayback: args.archive_url.clone(),
                memento: args.memento_archives.clone(),
            },
            as_of: args.as_of.clone(),
            budget: args.archive_budget,
            quote_pages: args.archive_quote_pages,
        },
        preserve: preserve(&args)?,
        render: RenderSettings {
            mode: args.render,
            browser: args.browser.clone(),
            timeout: args.render_timeout,
            concurrency: args.render_concurrency.max(1),
        },
        progress: terminal.progress && !args.quiet,
        paths: args.paths,
        published: crate::settings::PublishedSettings {
            content: crate::extract::main_content::MainContent {
                selector: args.content_selector.clone(),
            },
            since: args.since.clone(),
            limit: args.crawl_limit,
            crawl: args.crawl.clone(),
            crawl_depth: args.crawl_depth,
        },
    };
    if let Some(file) = file {
        file.apply(&mut config);
    }
    // After the file's hosts, which they add to.
    for (host, name, value) in headers {
        config.fetch.hosts.add_header(&host, (name, value));
    }
    Ok(config)
}

/// `--preserve`'s settings, with the keys this environment gives; without
/// keys, a usage error that says how to get them.
fn preserve(args: &CheckArgs) -> Result<Option<PreserveSettings>, Error> {
    if !args.preserve {
        return Ok(None);
    }
    let invalid = |reason: String| Error::InvalidOption {
        option: "--preserve",
        reason,
    };
    if args.no_archive || args.offline {
        let other = if args.offline {
            "--offline"
        } else {
            "--no-archive"
        };
        return Err(invalid(format!("it cannot be used with {other}")));
    }
    let keys = crate::archive::keys::Keys::find(|name| std::env::var(name).ok())
        .map_err(|why| invalid(format!("{why}; {}", crate::archive::keys::HOW_TO_GET_KEYS)))?
        .ok_or_else(|| invalid(crate::archive::keys::HOW_TO_GET_KEYS.to_owned()))?;
    Ok(Some(PreserveSettings {
        keys,
        within: args.preserve_within,
        wait: args.preserve_wait,
    }))
}

/// How pages are fetched, from the network options.
fn fetch_settings(args: &CheckArgs) -> FetchSettings {
    FetchSettings {
        host_concurrency: args.host_concurrency.max(1),
        host_interval: args.host_interval,
        max_concurrency: args.max_concurrency.max(1),
        max_retries: args.max_retries,
        max_retry_wait: args.max_retry_wait,
        timeout: args.timeout,
        connect_timeout: args.connect_timeout,
        max_body: args.max_body,
        user_agent: args
            .user_agent
            .clone()
            .unwrap_or_else(fetch::default_user_agent),
        allow_private: args.allow_private,
        proxy: args
            .proxy
            .clone()
            .map(|proxy| (proxy, args.no_proxy.clone())),
        max_redirects: args.max_redirects,
        ..FetchSettings::default()
    }
}

/// The outputs: `--format`s (terminal by default), `--output` giving the
/// file of the one without a path.
pub(crate) fn outputs(
    mut formats: Vec<Output>,
    output: Option<PathBuf>,
) -> Result<Vec<Output>, Error> {
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
