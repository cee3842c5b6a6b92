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
pub const DEFAULT_ARCHIVE_URL: &str = "https://archive.org";

/// A capture the archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// `YYYYMMDDhhmmss`.
    pub timestamp: String,
    /// The raw capture (`id_`), for checking.
    pub raw_url: Url,
    /// The capture as people view it, for the report.
    pub view_url: String,
}

impl Capture {
    /// The capture's date as `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        date(&self.timestamp)
    }
}

/// `YYYY-MM-DD` of a Wayback timestamp (`YYYYMMDDhhmmss`).
pub fn date(timestamp: &str) -> String {
    match (timestamp.get(..4), timestamp.get(4..6), timestamp.get(6..8)) {
        (Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}"),
        _ => timestamp.to_owned(),
    }
}

/// A Wayback timestamp for the end of a date given as `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD` or an RFC 3339 date-time (the end of the day, so that
/// captures of that day count as before it); `None` if it is not a date.
pub fn timestamp(date: &str) -> Option<String> {
    let date = date.trim().trim_matches(['"', '\'']);
    let day = date.get(..10).unwrap_or(date);
    let parts: Vec<&str> = day.split('-').collect();
    let (year, month, dom) = match parts.as_slice() {
        [y] => (digits(y, 4)?, "12", "31"),
        [y, m] => (digits(y, 4)?, digits(m, 2)?, "31"),
        [y, m, d] => (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?),
        _ => return None,
    };
    let m: u32 = month.parse().ok()?;
    let d: u32 = dom.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{year}{month}{dom}235959"))
}

/// `s` when it is `len` ASCII digits.
fn digits(s: &str, len: usize) -> Option<&str> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// The availability query for `url` near `timestamp` (newest without).
pub fn availability_url(base: &Url, url: &Url, timestamp: Option<&str>) -> Url {
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
pub fn parse_availability(base: &Url, url: &Url, body: &str) -> Result<Option<Capture>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn timestamps_from_dates() {
        assert_eq!(timestamp("2008-05-12").as_deref(), Some("20080512235959"));
        assert_eq!(
            timestamp("2008-05-12T10:00:00Z").as_deref(),
            Some("20080512235959")
        );
        assert_eq!(timestamp("2008-05").as_deref(), Some("20080531235959"));
        assert_eq!(timestamp("2008").as_deref(), Some("20081231235959"));
        assert_eq!(timestamp("May 2008"), None);
        assert_eq!(timestamp("2008-13-01"), None);
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
}
