//! The Wayback Machine's protocol, pure: the availability query for a URL
//! near a date, its answer, and the address of a raw capture.
//!
//! `GET {base}/wayback/available?url=…&timestamp=YYYYMMDDhhmmss` answers
//! `{"archived_snapshots": {"closest": {"available": true, "status": "200",
//! "timestamp": "…", "url": "…"}}}`, or no `closest` when nothing is
//! archived. The raw capture, without the archive's toolbar, is
//! `{base}/web/{timestamp}id_/{url}`; the one people open is
//! `{base}/web/{timestamp}/{url}`.

use url::Url;

/// The default archive.
pub(crate) const DEFAULT_ARCHIVE_URL: &str = "https://archive.org";

/// A capture the archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Capture {
    /// `YYYYMMDDhhmmss`.
    pub timestamp: String,
    /// The raw capture (`id_`), for checking.
    pub raw_url: Url,
    /// The capture as people view it, for the report.
    pub view_url: String,
}

impl Capture {
    /// The capture's date as `YYYY-MM-DD`.
    pub(crate) fn date(&self) -> String {
        crate::date::of_timestamp(&self.timestamp)
    }
}

/// The availability query for `url` near `timestamp` (newest without).
pub(crate) fn availability_url(base: &Url, url: &Url, timestamp: Option<&str>) -> Url {
    let mut query = base.clone();
    let path = format!("{}/wayback/available", base.path().trim_end_matches('/'));
    query.set_path(&path);
    query.set_fragment(None);
    {
        let mut pairs = query.query_pairs_mut();
        pairs.clear();
        pairs.append_pair("url", url.as_str());
        if let Some(ts) = timestamp {
            pairs.append_pair("timestamp", ts);
        }
    }
    query
}

/// The capture an availability answer names, `Ok(None)` when there is
/// none (or it is not a 2xx capture), `Err` when the answer is not the
/// API's JSON.
pub(crate) fn parse_availability(
    base: &Url,
    url: &Url,
    body: &str,
) -> Result<Option<Capture>, String> {
    let json: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the archive's answer is not JSON: {e}"))?;
    let snapshots = json
        .get("archived_snapshots")
        .ok_or("the archive's answer has no archived_snapshots")?;
    let Some(closest) = snapshots.get("closest") else {
        return Ok(None);
    };
    let available = closest
        .get("available")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let status_ok = closest
        .get("status")
        .and_then(serde_json::Value::as_str)
        .is_none_or(|s| s.starts_with('2'));
    let Some(timestamp) = closest.get("timestamp").and_then(serde_json::Value::as_str) else {
        return Err("the archive's answer has no timestamp".to_owned());
    };
    if !available || !status_ok {
        return Ok(None);
    }
    if timestamp.len() < 8 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the archive's timestamp {timestamp:?} is not one"));
    }
    Ok(Some(capture(base, url, timestamp)?))
}

fn capture(base: &Url, url: &Url, timestamp: &str) -> Result<Capture, String> {
    let root = base.as_str().trim_end_matches('/');
    let raw = format!("{root}/web/{timestamp}id_/{url}");
    let raw_url = Url::parse(&raw).map_err(|e| format!("bad capture address {raw}: {e}"))?;
    Ok(Capture {
        timestamp: timestamp.to_owned(),
        raw_url,
        view_url: format!("{root}/web/{timestamp}/{url}"),
    })
}

/// The raw capture of a capture cited as people view it
/// (`{base}/web/{timestamp}/{url}` → `{base}/web/{timestamp}id_/{url}`);
/// `None` for any other URL.
pub(crate) fn raw_of_view(base: &Url, url: &Url) -> Option<Url> {
    let root = base.as_str().trim_end_matches('/');
    let rest = url.as_str().strip_prefix(root)?.strip_prefix("/web/")?;
    let (timestamp, original) = rest.split_once('/')?;
    let digits = timestamp.len() >= 8 && timestamp.bytes().all(|b| b.is_ascii_digit());
    if !digits || !original.starts_with("http") {
        return None;
    }
    Url::parse(&format!("{root}/web/{timestamp}id_/{original}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn availability_queries_and_answers() {
        let base = url("http://127.0.0.1:9/");
        let cited = url("http://a.org/x?y=1&z=2");
        let q = availability_url(&base, &cited, Some("20080512235959"));
        assert_eq!(
            q.as_str(),
            "http://127.0.0.1:9/wayback/available?url=http%3A%2F%2Fa.org%2Fx%3Fy%3D1%26z%3D2&timestamp=20080512235959"
        );
        let body = r#"{"url": "a.org/x", "archived_snapshots": {"closest": {"status": "200",
            "available": true, "url": "http://web.archive.org/web/20080511000000/http://a.org/x",
            "timestamp": "20080511000000"}}}"#;
        let c = parse_availability(&base, &cited, body).unwrap().unwrap();
        assert_eq!(c.date(), "2008-05-11");
        assert_eq!(
            c.raw_url.as_str(),
            "http://127.0.0.1:9/web/20080511000000id_/http://a.org/x?y=1&z=2"
        );
        assert_eq!(
            c.view_url,
            "http://127.0.0.1:9/web/20080511000000/http://a.org/x?y=1&z=2"
        );
        assert_eq!(
            parse_availability(&base, &cited, r#"{"archived_snapshots": {}}"#),
            Ok(None)
        );
        let redirect = r#"{"archived_snapshots": {"closest": {"status": "302", "available": true,
            "timestamp": "20080511000000", "url": "x"}}}"#;
        assert_eq!(parse_availability(&base, &cited, redirect), Ok(None));
        assert!(parse_availability(&base, &cited, "<html>").is_err());
        assert!(parse_availability(&base, &cited, "{}").is_err());
    }

    #[test]
    fn captures_cited_as_viewed_are_fetched_raw() {
        let base = url("http://127.0.0.1:9/");
        let raw = |s: &str| raw_of_view(&base, &url(s)).map(|u| u.to_string());
        assert_eq!(
            raw("http://127.0.0.1:9/web/20080511000000/http://a.org/x?y=1"),
            Some("http://127.0.0.1:9/web/20080511000000id_/http://a.org/x?y=1".into())
        );
        assert_eq!(
            raw("http://127.0.0.1:9/web/20080511000000id_/http://a.org/"),
            None
        );
        assert_eq!(raw("http://127.0.0.1:9/about"), None);
        assert_eq!(raw("http://a.org/web/20080511000000/http://a.org/"), None);
    }
}
