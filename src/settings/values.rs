//! Option values as people write them, the one parser for each: durations
//! (`100ms`, `1s`, `24h`, `2d`), sizes (`10M`), fractions (`0.85`) and
//! failure levels. The command line and `citecheck.toml` both use these,
//! so a value means the same wherever it is written. Pure.

use crate::model::Severity;
use std::time::Duration;

/// A duration: a number with `ms`, `s`, `m`, `h` or `d`, or a bare number
/// in `unit`.
fn duration(text: &str, unit: Duration) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration"))?;
    let unit = match suffix.trim() {
        "" => unit,
        "ms" => Duration::from_millis(1),
        "s" => Duration::from_secs(1),
        "m" | "min" => Duration::from_secs(60),
        "h" => Duration::from_secs(3600),
        "d" => Duration::from_secs(86_400),
        other => return Err(format!("unknown unit {other:?} (use ms, s, m, h or d)")),
    };
    Ok(unit.mul_f64(value))
}

/// A duration where a bare number is milliseconds.
pub(crate) fn millis(text: &str) -> Result<Duration, String> {
    duration(text, Duration::from_millis(1))
}

/// A duration where a bare number is seconds.
pub(crate) fn seconds(text: &str) -> Result<Duration, String> {
    duration(text, Duration::from_secs(1))
}

/// A number from 0 to 1.
pub(crate) fn fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

/// The level of findings that fails a run: `error` or `warning`.
pub(crate) fn fail_level(text: &str) -> Result<Severity, String> {
    match text {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        _ => Err(format!("{text:?} is not error or warning")),
    }
}

/// A shard, `K/N` with 1 ≤ K ≤ N.
pub(crate) fn shard(text: &str) -> Result<crate::input::Shard, String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not K/N (as 2/4)"))?;
    let parse = |n: &str| n.trim().parse::<u32>().ok().filter(|n| *n > 0);
    match (parse(index), parse(count)) {
        (Some(index), Some(count)) if index <= count => Ok(crate::input::Shard { index, count }),
        _ => Err(format!("{text:?} is not K/N with 1 ≤ K ≤ N (as 2/4)")),
    }
}

/// When pages are rendered in a browser: `never`, `auto` or `always`.
pub(crate) fn render_mode(text: &str) -> Result<crate::fetch::render::RenderMode, String> {
    use crate::fetch::render::RenderMode;
    match text {
        "never" => Ok(RenderMode::Never),
        "auto" => Ok(RenderMode::Auto),
        "always" => Ok(RenderMode::Always),
        _ => Err(format!("{text:?} is not never, auto or always")),
    }
}

/// A size in bytes with an optional `k`, `M` or `G` suffix (powers of 1024).
pub(crate) fn size(text: &str) -> Result<usize, String> {
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
        .map_err(|_| format!("{text:?} is not a size"))
}

/// A shared store's URL (`postgres://…` or `postgresql://…`).
pub(crate) fn store_url(text: &str) -> Result<String, String> {
    let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") if url::Url::parse(text).is_ok() => Ok(text.to_owned()),
        _ => Err(
            "expected a postgres:// URL (the embedded SQLite store is chosen with --cache-dir)"
                .to_owned(),
        ),
    }
}

/// A date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), checked and kept as written.
pub(crate) fn date(text: &str) -> Result<String, String> {
    crate::date::end_of_day(text)
        .map(|_| text.to_owned())
        .ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_sizes_and_fractions() {
        assert_eq!(millis("250"), Ok(Duration::from_millis(250)));
        assert_eq!(millis("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(seconds("20"), Ok(Duration::from_secs(20)));
        assert_eq!(seconds("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(seconds("1.5m"), Ok(Duration::from_secs(90)));
        assert!(seconds("soon").is_err());
        assert!(seconds("3 weeks").is_err());
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
