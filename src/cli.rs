//! The command line (clap derive). The doc comments here are the `--help`
//! text; turning arguments into a [`Config`] is the only logic.

use crate::config::{Config, Output, ReportFormat};
use crate::error::Error;
use crate::extract::{DEFAULT_MIN_QUOTE_WORDS, ExtractOptions};
use crate::model::{MemoFormat, Severity};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    #[command(after_help = EXAMPLES)]
    Check(CheckArgs),
}

/// Options of `citecheck check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Memo files, directories (searched recursively), or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Extract and report without touching the network.
    #[arg(long)]
    pub offline: bool,

    /// Report format.
    #[arg(short = 'f', long, value_enum, default_value = "terminal")]
    pub format: ReportFormat,

    /// Write the report to this file instead of standard output.
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

    /// Show only errors and no summary.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Show every item, including those that are fine.
    #[arg(short, long)]
    pub verbose: bool,
}

impl CheckArgs {
    /// Build the run's configuration; `color` says whether standard output
    /// takes colour.
    pub fn into_config(self, color: bool) -> Result<Config, Error> {
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
            outputs: vec![Output {
                format: self.format,
                path: self.output,
            }],
            show,
            color,
            ..Config::default()
        })
    }
}
