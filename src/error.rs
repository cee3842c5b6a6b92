//! The library's error type: failures of the tool itself (an unwritable
//! report, a bad option). A dead link or a missing quote is a verdict in
//! the report, never an `Error`.

pub use crate::store::{Doing, StoreError};
use std::path::PathBuf;

/// A failure of the tool, with the context needed to act on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A report file could not be written.
    #[error("cannot write report to {path}")]
    WriteReport {
        /// The report's path.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// Writing a report to standard output failed.
    #[error("cannot write report to standard output")]
    WriteStdout(#[source] std::io::Error),
    /// A configuration file could not be read.
    #[error("cannot read the configuration file {path}")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// A configuration file says something unusable.
    #[error("{}:{line}: {}{message}", path.display(), if key.is_empty() { String::new() } else { format!("{key}: ") })]
    Config {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: u32,
        /// The key (`host-interval`, `severity.broken`), empty for syntax errors.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The reports given to merge are not the parts of one run.
    #[error("cannot merge the reports: {0}")]
    Merge(String),
    /// A report to merge could not be read.
    #[error("cannot read the report {path}: {reason}")]
    ReadReport {
        /// The report's path.
        path: PathBuf,
        /// Why (I/O, not JSON, another schema version).
        reason: String,
    },
    /// The store (the page cache and history) cannot be used.
    #[error(transparent)]
    Cache(#[from] crate::store::StoreError),
    /// No memo was named, on the command line or in the settings file.
    #[error(
        "no memo to check: name files or folders (citecheck check memos/), - for standard input, \
         URLs of memos, sitemaps or feeds, a site to crawl (--crawl URL), or list them in \
         citecheck.toml as paths = [\"memos/\"]"
    )]
    NoPaths,
    /// An option's value is unusable.
    #[error("invalid value for {option}: {reason}")]
    InvalidOption {
        /// The option, as the user wrote it (`--base-url`).
        option: &'static str,
        /// Why the value does not work.
        reason: String,
    },
}
