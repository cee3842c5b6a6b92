//! citecheck checks what memos cite: every URL, comment anchor and
//! quotation.
//!
//! The flow is memo → extract → fetch → verify → archive → report:
//!
//! - [`input`] reads memo files and standard input into text;
//! - [`extract`] turns text into [`model::Link`]s and [`model::Quote`]s
//!   (pure);
//! - [`fetch`] (the only module that touches the network) gets each page
//!   once;
//! - [`verify`] turns pages into verdicts (pure), [`pdf`] reads PDF text;
//! - the archive stage looks dead sources up in a web archive;
//! - [`report`] renders a [`report::Report`] in each format (pure), and
//!   [`output`] writes it.
//!
//! [`run::run`] sequences the stages; [`command`] holds the subcommands
//! the binary runs, [`cli`] their arguments. A dead link is a verdict in
//! the report, not an [`Error`].
//!
//! ```
//! use citecheck::{extract, model::MemoFormat};
//! let memo = "As Jane Doe says: “the sky is not falling yet”, see https://example.org/a#c1.";
//! let found = extract::extract(memo, MemoFormat::Text, &extract::ExtractOptions::default());
//! assert_eq!(found.links[0].written, "https://example.org/a#c1");
//! assert_eq!(found.quotes[0].attribution.as_deref(), Some("Jane Doe"));
//! ```

#![warn(unreachable_pub, unused_crate_dependencies)]

pub mod archive;
pub mod cli;
pub mod command;
mod date;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod input;
pub mod interrupt;
pub mod model;
pub mod office;
pub mod pdf;
pub(crate) mod repair;
pub mod report;
pub mod run;
pub mod settings;
mod store;
pub mod verify;
mod xml;

pub use error::Error;

// Dependencies of the binary (src/main.rs), not of the library: cargo
// hands every dependency to every target.
use ctrlc as _;
use mimalloc as _;
#[cfg(target_os = "linux")]
use rustix as _;

// Used by the integration tests and benchmarks, not by the unit tests.
#[cfg(test)]
use criterion as _;
#[cfg(test)]
use jsonschema as _;
#[cfg(test)]
use png as _;
