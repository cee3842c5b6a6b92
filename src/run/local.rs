//! Links to local files (`[annex](annex.md#part-2)` in a memo read from
//! a file, without `--base-url`): the references resolved against the
//! memo's folder, each file looked at once per run (`input::local`), a
//! Markdown or HTML file's anchors extracted once with the memo
//! extractors, and each link's verdict from [`verify::local_outcome`].
//! Checked with `--offline` too: no network is involved.

use crate::extract::{self, ExtractOptions};
use crate::input::local::{self, Linked};
use crate::model::{Extraction, Fragment, Link, Target};
use crate::verify::{self, LinkOutcome, LocalFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The relative links of the memo at `memo` become links to the files
/// they name.
pub(super) fn resolve(extraction: &mut Extraction, memo: &Path) {
    for link in &mut extraction.links {
        if matches!(link.target, Target::Relative) {
            if let Some(path) = local::linked_path(memo, &link.written) {
                link.target = Target::Local(path);
            }
        }
    }
}

/// What the run has seen of the local files links name.
#[derive(Debug, Default)]
pub(super) struct LocalFiles {
    seen: HashMap<PathBuf, Seen>,
}

#[derive(Debug)]
enum Seen {
    Missing(String),
    /// There; its sorted anchors once read (Markdown and HTML), and
    /// whether it was read for them.
    Present {
        anchors: Option<Vec<String>>,
        read: bool,
    },
}

impl LocalFiles {
    /// The verdict on `link` to the local file at `path`.
    pub(super) fn outcome(
        &mut self,
        link: &Link,
        path: &Path,
        options: &ExtractOptions,
    ) -> LinkOutcome {
        let wants_anchors = matches!(link.fragment, Some(Fragment::Anchor { .. }));
        let stale = match self.seen.get(path) {
            None => true,
            Some(Seen::Present { read: false, .. }) => wants_anchors,
            Some(_) => false,
        };
        if stale {
            let seen = match local::look_at(path, wants_anchors) {
                Linked::Missing(why) => Seen::Missing(why),
                Linked::Folder | Linked::File(None) => Seen::Present {
                    anchors: None,
                    read: wants_anchors,
                },
                Linked::File(Some((format, text))) => Seen::Present {
                    anchors: anchors_of(&text, format, options),
                    read: true,
                },
            };
            self.seen.insert(path.to_owned(), seen);
        }
        let file = match &self.seen[path] {
            Seen::Missing(why) => LocalFile::Missing(why),
            Seen::Present { anchors, .. } => LocalFile::Present(anchors.as_deref()),
        };
        verify::local_outcome(link.fragment.as_ref(), &path.display().to_string(), file)
    }
}

/// A Markdown or HTML file's anchors (sorted), as its memo extractor
/// finds them.
fn anchors_of(
    text: &str,
    format: crate::model::MemoFormat,
    options: &ExtractOptions,
) -> Option<Vec<String>> {
    extract::extract(text, format, options).anchors
}
