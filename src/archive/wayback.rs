//! The Wayback Machine's protocol, pure: the CDX query for the captures
//! of a URL nearest a date, its answer, and the addresses of a capture.
//!
//! `GET {base}/cdx/search/cdx?url=…&output=json&fl=timestamp,original,statuscode
//! &filter=statuscode:2..&closest=YYYYMMDDhhmmss&sort=closest&limit=N`
//! answers a JSON array whose first row names the fields and whose other
//! rows are captures, nearest first (`[]`, or nothing, when none); without
//! `output=json` it answers one capture a line, fields separated by
//! spaces. The availability API (`/wayback/available`) answers the same
//! question for one capture but is rate-limited hard under load: it is
//! never used. The raw capture, without the archive's toolbar, is
//! `{base}/web/{timestamp}id_/{url}`; the one people open is
//! `{base}/web/{timestamp}/{url}`.

use url::Url;

/// How reports name the Wayback Machine (at whatever `--archive-url`).
pub(crate) const WAYBACK: &str = "wayback";

/// The default archive.
pub(crate) const DEFAULT_ARCHIVE_URL: &str = "https://web.archive.org";

/// A capture the archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// When it was made.
    pub timestamp: super::CaptureTime,
    /// The raw capture (`id_`), for checking.
    pub raw_url: Url,
    /// The capture as people view it, for the report.
    pub view_url: Url,
    /// The archive that holds it: `wayback`, or a Memento archive's host.
    pub archive: String,
}

impl Capture {
    /// The capture's date as `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        self.timestamp.date()
    }
}

/// How many captures a lookup asks for: the nearest, and the next ones
/// to fall back on when it cannot be fetched.
pub(crate) const CDX_LIMIT: usize = 3;

/// The CDX query for the 2xx captures of `url` nearest `timestamp`
/// (the newest, without one), nearest first, at most [`CDX_LIMIT`].
pub(crate) fn cdx_url(base: &Url, url: &Url, timestamp: Option<&str>) -> Url {
    let mut query = base.clone();
    let path = format!("{}/cdx/search/cdx", base.path().trim_end_matches('/'));
    query.set_path(&path);
    query.set_fragment(None);
    {
        let mut pairs = query.query_pairs_mut();
        pairs.clear();
        pairs.append_pair("url", url.as_str());
        pairs.append_pair("output", "json");
        pairs.append_pair("fl", "timestamp,original,statuscode");
        pairs.append_pair("filter", "statuscode:2..");
        pairs.append_pair("closest", timestamp.unwrap_or("99991231235959"));
        pairs.append_pair("sort", "closest");
        pairs.append_pair("limit", &CDX_LIMIT.to_string());
    }
    query
}

/// The captures a CDX answer lists for `url`, in its order (nearest
/// first), 2xx only; `Err` when the answer is not the server's JSON or
/// text output.
pub fn parse_cdx(base: &Url, url: &Url, body: &str) -> Result<Vec<Capture>, String> {
    let body = body.trim();
    let rows: Vec<Vec<String>> = if body.is_empty() {
        Vec::new()
    } else if body.starts_with('[') {
        serde_json::from_str(body)
            .map_err(|e| format!("the archive's CDX answer is not JSON rows: {e}"))?
    } else if body.starts_with('<') || body.starts_with('{') {
        return Err("the archive's CDX answer is neither JSON rows nor text lines".to_owned());
    } else {
        body.lines()
            .map(|line| line.split_whitespace().map(str::to_owned).collect())
            .collect()
    };
    // Named fields when the first row names them; else the order asked
    // for (`fl`), or the server's default of seven fields.
    let (header, rows) = match rows.split_first() {
        Some((first, rest)) if first.iter().any(|f| f == "timestamp") => (first.clone(), rest),
        _ => (Vec::new(), rows.as_slice()),
    };
    let field = |name: &str, row: &[String]| -> Option<String> {
        let at = match header.iter().position(|f| f == name) {
            Some(at) => at,
            None if row.len() >= 7 => match name {
                "timestamp" => 1,
                "original" => 2,
                _ => 4,
            },
            None => ["timestamp", "original", "statuscode"]
                .iter()
                .position(|f| *f == name)?,
        };
        row.get(at).cloned()
    };
    let mut captures: Vec<Capture> = Vec::new();
    for row in rows {
        let Some(timestamp) = field("timestamp", row) else {
            continue;
        };
        let status_ok = field("statuscode", row).is_none_or(|s| s.starts_with('2'));
        let Some(timestamp) = super::CaptureTime::parse(&timestamp) else {
            continue;
        };
        if !status_ok || captures.iter().any(|c| c.timestamp == timestamp) {
            continue;
        }
        captures.push(capture(base, url, timestamp)?);
    }
    Ok(captures)
}

/// The capture of `url` at `timestamp` in the archive at `base`.
pub(crate) fn capture(
    base: &Url,
    url: &Url,
    timestamp: super::CaptureTime,
) -> Result<Capture, String> {
    let root = base.as_str().trim_end_matches('/');
    let parse = |address: String| {
        Url::parse(&address).map_err(|e| format!("bad capture address {address}: {e}"))
    };
    Ok(Capture {
        raw_url: parse(format!("{root}/web/{timestamp}id_/{url}"))?,
        view_url: parse(format!("{root}/web/{timestamp}/{url}"))?,
        timestamp,
        archive: WAYBACK.to_owned(),
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
    fn cdx_queries_and_answers() {
        let base = url("http://127.0.0.1:9/");
        let cited = url("http://a.org/x?y=1&z=2");
        let q = cdx_url(&base, &cited, Some("20080512235959"));
        assert_eq!(
            q.as_str(),
            "http://127.0.0.1:9/cdx/search/cdx?url=http%3A%2F%2Fa.org%2Fx%3Fy%3D1%26z%3D2&output=json\
             &fl=timestamp%2Coriginal%2Cstatuscode&filter=statuscode%3A2..&closest=20080512235959\
             &sort=closest&limit=3"
        );
        let json = r#"[["timestamp","original","statuscode"],
            ["20080511000000","http://a.org/x?y=1&z=2","200"],
            ["20080601000000","http://a.org/x?y=1&z=2","302"],
            ["20080401000000","http://a.org/x?y=1&z=2","200"]]"#;
        let found = parse_cdx(&base, &cited, json).unwrap();
        let stamps: Vec<&str> = found.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(stamps, ["20080511000000", "20080401000000"]);
        let c = &found[0];
        assert_eq!(c.date(), "2008-05-11");
        assert_eq!(
            c.raw_url.as_str(),
            "http://127.0.0.1:9/web/20080511000000id_/http://a.org/x?y=1&z=2"
        );
        assert_eq!(
            c.view_url.as_str(),
            "http://127.0.0.1:9/web/20080511000000/http://a.org/x?y=1&z=2"
        );
        // Text output, with the server's seven default fields.
        let text = "org,a)/x?y=1&z=2 20070101000000 http://a.org/x text/html 200 ABC 123\n\
                    org,a)/x?y=1&z=2 20070102000000 http://a.org/x text/html 404 DEF 99\n";
        let found = parse_cdx(&base, &cited, text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].timestamp.as_str(), "20070101000000");
        assert_eq!(parse_cdx(&base, &cited, "[]"), Ok(Vec::new()));
        assert_eq!(parse_cdx(&base, &cited, ""), Ok(Vec::new()));
        assert!(parse_cdx(&base, &cited, "<html>").is_err());
        assert!(parse_cdx(&base, &cited, "[[1, 2").is_err());
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
