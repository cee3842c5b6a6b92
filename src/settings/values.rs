//! Option values as people write them, the one parser for each: durations
//! (`100ms`, `1s`, `24h`, `2d`), sizes (`10M`), fractions (`0.85`) and
//! failure levels. The command line and `citecheck.toml` both use these,
//! so a value means the same wherever it is written. Pure.

use crate::model::Severity;
use std::time::Duration;

/// Why a value is not one of its kind, in words that say what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Not a number with a unit.
    #[error("{0:?} is not a duration (a number and its unit: 500ms, 20s, 5m, 24h, 30d)")]
    NotADuration(String),
    /// A number other than 0 without its unit.
    #[error("{0:?} needs a unit ({0}s or {0}ms; units: ms, s, m, h, d)")]
    NoUnit(String),
    /// A duration's unit citecheck does not know.
    #[error("unknown unit {0:?} (use ms, s, m, h or d, as 500ms or 20s)")]
    UnknownUnit(String),
    /// A duration of zero where it would end every wait at once.
    #[error("{0:?} would give up at once: it must be more than 0 (as 20s)")]
    Zero(String),
    /// A count below 1.
    #[error("{0:?} is not a number of at least 1 (as 4)")]
    NotACount(String),
    /// Not a number from 0 to 1.
    #[error("{0:?} is not a number from 0 to 1")]
    NotAFraction(String),
    /// Not `error` or `warning`.
    #[error("{0:?} is not error or warning")]
    NotAFailLevel(String),
    /// Not `K/N`.
    #[error("{0:?} is not K/N (as 2/4)")]
    NotAShard(String),
    /// `K/N` without 1 ≤ K ≤ N.
    #[error("{0:?} is not K/N with 1 ≤ K ≤ N (as 2/4)")]
    ShardOutOfRange(String),
    /// Not `never`, `auto` or `always`.
    #[error("{0:?} is not never, auto or always")]
    NotARenderMode(String),
    /// Not a size.
    #[error("{0:?} is not a size")]
    NotASize(String),
    /// Not a `postgres://` URL.
    #[error("expected a postgres:// URL (the embedded SQLite store is chosen with --cache-dir)")]
    NotAStoreUrl,
    /// Not a date.
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    NotADate(String),
    /// `FORMAT=` with no file.
    #[error("{0:?} names no file after '='")]
    NoFileAfterEquals(String),
    /// A report format citecheck does not write.
    #[error("unknown format {name:?} (one of {known})")]
    UnknownFormat {
        /// The name given.
        name: String,
        /// The formats there are, comma-separated.
        known: String,
    },
    /// Not `HOST=NAME: VALUE`.
    #[error(
        "{0:?} is not HOST=NAME: VALUE (as intranet.example.org=Authorization: Bearer abc): a header names the site it is for, so that it is never sent to another"
    )]
    NotAHostHeader(String),
    /// A header value's `${` with no `}`.
    #[error("an unclosed ${{ in a header")]
    UnclosedVariable,
    /// A header value names an environment variable that is not set.
    #[error("the environment variable {0} is not set")]
    UnsetVariable(String),
}

/// A duration: a number with `ms`, `s`, `m`, `h` or `d`. A bare number
/// other than 0 is refused (`5` could mean seconds or milliseconds), with
/// both readings as examples.
pub(crate) fn duration(text: &str) -> Result<Duration, ValueError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| ValueError::NotADuration(text.to_owned()))?;
    let unit = match suffix.trim() {
        "" if value == 0.0 => Duration::ZERO,
        "" => return Err(ValueError::NoUnit(text.to_owned())),
        "ms" => Duration::from_millis(1),
        "s" => Duration::from_secs(1),
        "m" | "min" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        "d" => Duration::from_secs(86_400),
        other => return Err(ValueError::UnknownUnit(other.to_owned())),
    };
    Ok(unit.mul_f64(value))
}

/// A duration more than zero (a timeout: zero would fail every request).
pub(crate) fn positive_duration(text: &str) -> Result<Duration, ValueError> {
    match duration(text)? {
        d if d.is_zero() => Err(ValueError::Zero(text.trim().to_owned())),
        d => Ok(d),
    }
}

/// A count of at least 1 (requests in flight, pages rendered at once).
pub(crate) fn count(text: &str) -> Result<usize, ValueError> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ValueError::NotACount(text.to_owned()))
}

/// A number from 0 to 1.
pub(crate) fn fraction(text: &str) -> Result<f64, ValueError> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(ValueError::NotAFraction(text.to_owned())),
    }
}

/// The level of findings that fails a run: `error` or `warning`.
pub(crate) fn fail_level(text: &str) -> Result<Severity, ValueError> {
    match text {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        _ => Err(ValueError::NotAFailLevel(text.to_owned())),
    }
}

/// A shard, `K/N` with 1 ≤ K ≤ N.
pub(crate) fn shard(text: &str) -> Result<crate::input::Shard, ValueError> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| ValueError::NotAShard(text.to_owned()))?;
    let parse = |n: &str| n.trim().parse::<u32>().ok().filter(|n| *n > 0);
    match (parse(index), parse(count)) {
        (Some(index), Some(count)) if index <= count => Ok(crate::input::Shard { index, count }),
        _ => Err(ValueError::ShardOutOfRange(text.to_owned())),
    }
}

/// When pages are rendered in a browser: `never`, `auto` or `always`.
pub(crate) fn render_mode(text: &str) -> Result<crate::fetch::render::RenderMode, ValueError> {
    use crate::fetch::render::RenderMode;
    match text {
        "never" => Ok(RenderMode::Never),
        "auto" => Ok(RenderMode::Auto),
        "always" => Ok(RenderMode::Always),
        _ => Err(ValueError::NotARenderMode(text.to_owned())),
    }
}

/// A size in bytes with an optional `k`, `M` or `G` suffix (powers of 1024).
pub(crate) fn size(text: &str) -> Result<usize, ValueError> {
    let text = text.trim();
    let (number, factor) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1024),
        Some((i, 'm' | 'M')) => (&text[..i], 1024 * 1024),
        Some((i, 'g' | 'G')) => (&text[..i], 1024 * 1024 * 1024),
        _ => (text, 1),
    };
    let number = number.trim_end_matches(['b', 'B', 'i']);
    number
        .parse::<usize>()
        .map(|n| n.saturating_mul(factor))
        .map_err(|_| ValueError::NotASize(text.to_owned()))
}

/// A header for one site: `HOST=NAME: VALUE`, as host, name and value.
pub(crate) fn host_header(text: &str) -> Result<(String, String, String), ValueError> {
    let bad = || ValueError::NotAHostHeader(text.to_owned());
    let (host, header) = text.split_once('=').ok_or_else(bad)?;
    let (name, value) = header.split_once(':').ok_or_else(bad)?;
    let (host, name, value) = (host.trim(), name.trim(), value.trim());
    let usable_host =
        !host.is_empty() && !host.contains(['/', ' ', ':']) && url::Host::parse(host).is_ok();
    let usable = reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
        && reqwest::header::HeaderValue::from_str(value).is_ok();
    if !usable_host || !usable {
        return Err(bad());
    }
    Ok((host.to_ascii_lowercase(), name.to_owned(), value.to_owned()))
}

/// A shared store's URL (`postgres://…` or `postgresql://…`).
pub(crate) fn store_url(text: &str) -> Result<String, ValueError> {
    let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") if url::Url::parse(text).is_ok() => Ok(text.to_owned()),
        _ => Err(ValueError::NotAStoreUrl),
    }
}

/// A date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), checked and kept as written.
pub(crate) fn date(text: &str) -> Result<String, ValueError> {
    crate::date::end_of_day(text)
        .map(|_| text.to_owned())
        .ok_or_else(|| ValueError::NotADate(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_sizes_and_fractions() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(duration("0"), Ok(Duration::ZERO));
        assert_eq!(duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(duration("1.5m"), Ok(Duration::from_secs(90)));
        assert!(duration("soon").is_err());
        assert!(duration("3 weeks").is_err());
        // A bare number means different things to different people.
        assert_eq!(duration("5"), Err(ValueError::NoUnit("5".into())));
        assert_eq!(
            duration("5").unwrap_err().to_string(),
            "\"5\" needs a unit (5s or 5ms; units: ms, s, m, h, d)"
        );
        assert_eq!(positive_duration("0"), Err(ValueError::Zero("0".into())));
        assert_eq!(positive_duration("0s"), Err(ValueError::Zero("0s".into())));
        assert_eq!(
            host_header("a.org=Authorization: Bearer x"),
            Ok(("a.org".into(), "Authorization".into(), "Bearer x".into()))
        );
        assert!(host_header("Authorization: Bearer x").is_err());
        assert!(host_header("a.org=no colon").is_err());
        assert_eq!(count("2"), Ok(2));
        assert!(count("0").is_err());
        assert!(count("-1").is_err());
        assert_eq!(size("10M"), Ok(10 * 1024 * 1024));
        assert_eq!(size("64k"), Ok(64 * 1024));
        assert_eq!(size("100"), Ok(100));
        assert!(size("big").is_err());
        assert_eq!(fraction("0.85"), Ok(0.85));
        assert!(fraction("1.5").is_err());
        assert_eq!(fail_level("warning"), Ok(Severity::Warning));
        assert!(fail_level("info").is_err());
        assert_eq!(date("2008-06-01").as_deref(), Ok("2008-06-01"));
        assert!(date("June").is_err());
    }
}
