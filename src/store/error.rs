//! What can go wrong with a store, as a type: it could not be opened
//! (its folder, a lock held too long, a newer schema, a damaged file, a
//! URL or TLS setting that does not work, a server that cannot be
//! reached) or a statement failed. Every message names the store, and
//! a PostgreSQL URL is named without its password.

use std::path::PathBuf;

/// A store that could not be used, or a statement that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The SQLite store's folder could not be made.
    #[error("cannot create the cache folder {}: {error}", folder.display())]
    Folder {
        /// The folder.
        folder: PathBuf,
        /// The I/O failure (in the message, not a source: the message
        /// says all).
        error: std::io::Error,
    },
    /// Another process held the SQLite store for longer than a run waits.
    #[error("the cache {} stayed busy ({why}); not used this time", file.display())]
    Busy {
        /// The database file.
        file: PathBuf,
        /// SQLite's words.
        why: String,
    },
    /// The SQLite store cannot be opened for another reason than damage
    /// (permissions, I/O).
    #[error("the cache {} cannot be used ({why})", file.display())]
    Unusable {
        /// The database file.
        file: PathBuf,
        /// SQLite's words.
        why: String,
    },
    /// A damaged SQLite store could not be set aside.
    #[error("the cache {} is corrupt and cannot be moved: {error}", file.display())]
    CannotSetAside {
        /// The database file.
        file: PathBuf,
        /// The I/O failure.
        error: std::io::Error,
    },
    /// The store was written by a newer citecheck: left untouched.
    #[error(
        "{store} was written by a newer citecheck (schema {version}, this one knows \
         {known}); it is left untouched and not used"
    )]
    Newer {
        /// `the cache <file>` or `the store <URL>`.
        store: String,
        /// Its schema version.
        version: i64,
        /// The newest version this citecheck knows.
        known: i64,
    },
    /// A `--store` URL that is no usable PostgreSQL URL.
    #[error("the store URL {store} is not a PostgreSQL URL: {why}")]
    BadUrl {
        /// The URL, without its password.
        store: String,
        /// What is wrong with it.
        why: String,
    },
    /// The certificates a TLS connection to the store needs cannot be
    /// had.
    #[error("cannot set up TLS for the store {store}: {why}")]
    Tls {
        /// The URL, without its password.
        store: String,
        /// Why (an unreadable `sslrootcert`, no platform roots).
        why: String,
    },
    /// A statement (or the connection it needs) failed.
    #[error("cannot {doing} {store}: {cause}")]
    Database {
        /// What was being done.
        doing: Doing,
        /// `the cache <file>` or `the store <URL>`.
        store: String,
        /// The database's words, with their causes.
        cause: String,
    },
    /// A record could not be encoded.
    #[error("cannot encode a record: {0}")]
    Encode(String),
}

/// What a store was doing when a statement failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    /// Connecting to a server.
    Connect,
    /// Creating or migrating the schema.
    SetUp,
    /// Joining a fleet of processes (their coordination connection).
    Use,
    /// Reading records.
    Read,
    /// Writing records.
    Write,
    /// Forgetting every page.
    Clear,
    /// Recording a run in the history.
    Record,
}

impl std::fmt::Display for Doing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect to",
            Self::SetUp => "set up",
            Self::Use => "use",
            Self::Read => "read",
            Self::Write => "write",
            Self::Clear => "clear",
            Self::Record => "record the run in",
        })
    }
}

impl StoreError {
    /// A statement of `store` that failed while `doing`, in the
    /// database's words.
    pub(crate) fn database(doing: Doing, store: &str, cause: impl std::fmt::Display) -> Self {
        Self::Database {
            doing,
            store: store.to_owned(),
            cause: cause.to_string(),
        }
    }
}
