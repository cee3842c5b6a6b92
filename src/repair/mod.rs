//! Repairing memos: which replacements the results verify ([`plan`]) and
//! the memo's bytes with them applied ([`apply`]). Pure: the `fix`
//! command reads and writes the files.
//!
//! Only what was verified is rewritten: a permanent redirect's end when
//! the final page still has the cited anchor; a dead link's archived
//! capture when it has the anchor and holds every quote that belongs to
//! the link; and beside a live link whose quote drifted, the capture that
//! still holds it. Everything outside the URL spans replaced (or the text
//! added) is left byte for byte as it was: the rewriting works on the
//! memo's bytes, not on a re-encoding of its text.

mod apply;
mod plan;

pub(crate) use apply::{PDF_NOT_REWRITTEN, apply};
pub(crate) use plan::plan;

/// `YYYY-MM-DD` of a capture's `YYYYMMDDhhmmss`.
fn capture_date(timestamp: Option<&str>) -> String {
    timestamp
        .filter(|t| t.len() >= 8 && t.bytes().all(|b| b.is_ascii_digit()))
        .map_or_else(|| "an unknown date".to_owned(), crate::date::of_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_dates() {
        assert_eq!(capture_date(Some("20080401000000")), "2008-04-01");
        assert_eq!(capture_date(Some("2008")), "an unknown date");
        assert_eq!(capture_date(None), "an unknown date");
    }
}
