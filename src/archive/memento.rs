//! The Memento protocol (RFC 7089), pure: a web archive's TimeMap of a URL
//! in `application/link-format` and the mementos it lists.
//!
//! A TimeMap is a list of links, `<URI>; rel="…"; datetime="…"`, separated
//! by commas and often spread over lines; the mementos are the links whose
//! `rel` holds the `memento` token (`"memento"`, `"first memento"`,
//! `"last memento"`, `"prev memento"`…), their `datetime` in RFC 1123
//! form. Archives that run pywb or OpenWayback serve a memento raw
//! (without their banner and rewriting) at its URL with `id_` after the
//! 14-digit timestamp.

use crate::archive::wayback::Capture;
use url::Url;

/// The TimeMap address of `url` at an archive: its prefix with the URL
/// appended (`https://arquivo.pt/wayback/timemap/link/` + URL).
pub(crate) fn timemap_url(prefix: &Url, url: &Url) -> Option<Url> {
    Url::parse(&format!("{}{}", prefix.as_str(), url.as_str())).ok()
}

/// The mementos a TimeMap lists, as captures (`archive` names their
/// archive), oldest first; `Err` when the body is no TimeMap.
pub fn parse_timemap(body: &str, archive: &str) -> Result<Vec<Capture>, String> {
    let body = body.trim();
    if body.is_empty() {
        return Ok(Vec::new());
    }
    if !body.starts_with('<') || body.starts_with("<!") || body.starts_with("<html") {
        return Err("the archive's TimeMap is not link-format".to_owned());
    }
    let mut captures = Vec::new();
    for entry in entries(body) {
        let Some((target, params)) = link(&entry) else {
            continue;
        };
        let rel = param(params, "rel").unwrap_or_default();
        if !rel.split_whitespace().any(|r| r == "memento") {
            continue;
        }
        let Some(timestamp) = param(params, "datetime")
            .and_then(|d| crate::date::timestamp_of_http_date(&d))
            .and_then(|digits| super::CaptureTime::parse(&digits))
        else {
            continue;
        };
        let Ok(view) = Url::parse(&target) else {
            continue;
        };
        captures.push(Capture {
            raw_url: raw(&view, timestamp.as_str()).unwrap_or_else(|| view.clone()),
            view_url: view,
            timestamp,
            archive: archive.to_owned(),
        });
    }
    captures.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
    captures.dedup_by(|a, b| a.timestamp == b.timestamp);
    Ok(captures)
}

/// The entries of a link-format body: split at commas outside `<…>` and
/// quoted strings.
fn entries(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut in_uri, mut in_quote) = (false, false);
    for c in body.chars() {
        match c {
            '<' if !in_quote => in_uri = true,
            '>' if !in_quote => in_uri = false,
            '"' if !in_uri => in_quote = !in_quote,
            ',' if !in_uri && !in_quote => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out
}

/// An entry's target URI and the text of its parameters.
fn link(entry: &str) -> Option<(String, &str)> {
    let entry = entry.trim();
    let rest = entry.strip_prefix('<')?;
    let end = rest.find('>')?;
    let target: String = rest[..end].split_whitespace().collect();
    Some((target, &rest[end + 1..]))
}

/// A parameter's value (quotes removed), by name.
fn param(params: &str, name: &str) -> Option<String> {
    let mut rest = params;
    while let Some(at) = rest.find(';') {
        rest = &rest[at + 1..];
        let (key, value) = rest.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case(name) {
            continue;
        }
        let value = value.trim_start();
        return Some(match value.strip_prefix('"') {
            Some(quoted) => quoted[..quoted.find('"').unwrap_or(quoted.len())].to_owned(),
            None => value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        });
    }
    None
}

/// The raw form of a memento at a pywb or OpenWayback archive
/// (`…/<timestamp>/<url>` → `…/<timestamp>id_/<url>`).
fn raw(view: &Url, timestamp: &str) -> Option<Url> {
    let text = view.as_str();
    let marker = format!("/{timestamp}/");
    let at = text.find(&marker)?;
    let end = at + marker.len() - 1;
    Url::parse(&format!("{}id_{}", &text[..end], &text[end..])).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timemaps_in_every_shape() {
        let body = r#"<http://a.org/x>; rel="original",
<http://arch.test/timemap/link/http://a.org/x>; rel="self"; type="application/link-format",
<http://arch.test/wayback/20080520080000/http://a.org/x>; rel="first memento";
    datetime="Tue, 20 May 2008 08:00:00 GMT",
<http://arch.test/wayback/20060101000000/http://a.org/x>;datetime="Sun, 01 Jan 2006 00:00:00 GMT";rel="memento",
<http://arch.test/wayback/20100101120000/http://a.org/x>; rel="last memento"; datetime="Fri, 01 Jan 2010 12:00:00 GMT""#;
        let found = parse_timemap(body, "arch.test").unwrap();
        let stamps: Vec<&str> = found.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(
            stamps,
            ["20060101000000", "20080520080000", "20100101120000"]
        );
        assert_eq!(
            found[1].raw_url.as_str(),
            "http://arch.test/wayback/20080520080000id_/http://a.org/x"
        );
        assert_eq!(
            found[1].view_url.as_str(),
            "http://arch.test/wayback/20080520080000/http://a.org/x"
        );
        assert_eq!(found[1].archive, "arch.test");
        assert_eq!(parse_timemap("", "a"), Ok(Vec::new()));
        assert!(parse_timemap("<html><body>Not found</body></html>", "a").is_err());
    }
}
