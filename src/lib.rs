//! citecheck checks what memos cite: every URL, comment anchor and
//! quotation.
//!
//! The flow is memo → extract → fetch → verify → report:
//!
//! - [`input`] reads memo files and standard input into text;
//! - [`extract`] turns text into [`model::Link`]s and [`model::Quote`]s
//!   (pure);
//! - `fetch` (the only module that touches the network) gets each page
//!   once;
//! - [`verify`] turns pages into verdicts (pure), [`pdf`] reads PDF text;
//! - [`report`] renders a [`report::Report`] in each format (pure), and
//!   [`output`] writes it.
//!
//! [`run::run`] sequences the stages. A dead link is a verdict in the
//! report, not an [`Error`].
//!
//! ```
//! use citecheck::{extract, model::MemoFormat};
//! let memo = "As Jane Doe says: “the sky is not falling yet”, see https://example.org/a#c1.";
//! let found = extract::extract(memo, MemoFormat::Text, &extract::ExtractOptions::default());
//! assert_eq!(found.links[0].written, "https://example.org/a#c1");
//! assert_eq!(found.quotes[0].attribution.as_deref(), Some("Jane Doe"));
//! ```

pub mod cli;
pub mod config;
pub mod config_file;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod history;
pub mod input;
pub mod interrupt;
pub mod model;
pub mod output;
pub mod pdf;
pub mod report;
pub mod run;
pub mod store;
pub mod verify;
pub mod wayback;

pub use error::Error;
