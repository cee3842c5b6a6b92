//! Values packed small while the run holds them idle: their JSON (every
//! packed type reads back what it wrote; the report's own form is the one
//! `merge` already reads back exactly), compressed with LZ4, which is
//! fast enough to run on the fetch's thread. A memo waits for its pages
//! with its extraction packed, and a memo finished before the others
//! waits for the report with its entry packed: on the whole-run
//! benchmark's report, a hundred links' entry is 66 KB of JSON and packs
//! to 6.9 KB.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// A `T`, packed.
pub(super) struct Packed<T> {
    bytes: Box<[u8]>,
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned> Packed<T> {
    /// `value`, packed; `None` when it cannot be (a local path that is not
    /// UTF-8 has no JSON): the caller keeps it as it is.
    pub(super) fn pack(value: &T) -> Option<Self> {
        let json = serde_json::to_vec(value).ok()?;
        let bytes = lz4_flex::block::compress_prepend_size(&json).into_boxed_slice();
        Some(Self {
            bytes,
            of: PhantomData,
        })
    }

    /// The value as it was packed. An error only for a bug (the bytes are
    /// the run's own, never input), which the caller reports.
    pub(super) fn unpack(&self) -> Result<T, String> {
        let json = lz4_flex::block::decompress_size_prepended(&self.bytes)
            .map_err(|e| format!("internal error unpacking results: {e}"))?;
        serde_json::from_slice(&json).map_err(|e| format!("internal error unpacking results: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MemoFormat;
    use crate::report::MemoReport;

    /// Every memo of the report snapshot, and one with the fields the
    /// snapshot leaves empty, read back exactly as they were.
    #[test]
    fn a_report_entry_unpacks_to_what_was_packed() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/report.json");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut memos: Vec<MemoReport> =
            serde_json::from_value(report["memos"].clone()).expect("the snapshot's memos");
        assert!(
            memos
                .iter()
                .any(|m| !m.links.is_empty() && !m.quotes.is_empty())
        );
        let mut rich = memos[0].clone();
        rich.path = "rich.md".to_owned();
        let link = &mut rich.links[0];
        link.text = Some("the text".to_owned());
        link.page = Some(3);
        link.part = Some(crate::model::Part::Footnote(2));
        link.final_url = Some("https://example.test/moved".to_owned());
        link.scripts = Some("rendered".to_owned());
        link.cached_at = Some("2026-12-01T00:00:00Z".to_owned());
        rich.quotes[0].attribution = Some("Jane Doe".to_owned());
        rich.quotes[0].similarity = Some(0.1 + 0.2);
        memos.push(rich);
        for memo in &memos {
            let packed = Packed::pack(memo).expect("packs");
            let json = serde_json::to_string(memo).unwrap();
            assert!(packed.bytes.len() < json.len(), "packed is smaller");
            let back = serde_json::to_string(&packed.unpack().unwrap()).unwrap();
            assert_eq!(back, json);
        }
    }

    /// An extraction (links of every kind, text fragments, quotes with
    /// editorial pieces, problems, metadata) reads back equal.
    #[test]
    fn an_extraction_unpacks_to_what_was_packed() {
        let memo = "---\ndate: 2024-05-01\ntitle: T\n---\n# Intro {#intro}\n\n\
                    She said “the sky is [of] falling on us … today, again” \
                    ([a](https://a.test/x#c897), <https://b.test/y#:~:text=sky,falling>).\n\
                    See [local](notes.md), [mail](mailto:x@y.test), [top](#intro), [bad](http://[::1).\n";
        let extraction = crate::extract::extract(
            memo,
            MemoFormat::Markdown,
            &crate::extract::ExtractOptions::default(),
        );
        assert!(extraction.links.len() >= 5 && !extraction.quotes.is_empty());
        let packed = Packed::pack(&extraction).expect("packs");
        assert_eq!(packed.unpack().unwrap(), extraction);
    }

    /// Bytes that are not a packed value are an error, not a panic.
    #[test]
    fn damaged_bytes_are_an_error() {
        let packed: Packed<MemoReport> = Packed {
            bytes: Box::new([1, 2, 3]),
            of: PhantomData,
        };
        assert!(packed.unpack().unwrap_err().contains("unpacking"));
    }
}
