//! Dates and times, the one place they are parsed and written: memo dates
//! (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, RFC 3339), 14-digit archive
//! timestamps (`YYYYMMDDhhmmss`), Unix times and HTTP dates. Pure.

/// The 14-digit timestamp of the end of a date given as `YYYY`,
/// `YYYY-MM`, `YYYY-MM-DD` or an RFC 3339 date-time (the end of the day,
/// so that captures of that day count as before it); `None` if it is not
/// a date.
pub(crate) fn end_of_day(date: &str) -> Option<String> {
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

/// The day a published date names, as `YYYY-MM-DD` (or `YYYY-MM`,
/// `YYYY` when that is all it says): ISO 8601 and RFC 3339 as sitemaps,
/// Atom and page metadata write them, and RFC 822 as RSS does (`Tue, 10
/// Jun 2003 04:00:00 GMT`, the zone ignored: a day is what a memo's date
/// is for). `None` when it is neither.
pub(crate) fn day_of(text: &str) -> Option<String> {
    let text = text.trim();
    if end_of_day(text).is_some() {
        let day = text.get(..10).unwrap_or(text);
        return Some(day.to_owned());
    }
    // RFC 822: an optional weekday, then day, month name, year.
    let rest = text.split_once(',').map_or(text, |(_, rest)| rest);
    let mut words = rest.split_whitespace();
    let day: u32 = words.next()?.parse().ok()?;
    let month = words.next()?.get(..3)?.to_ascii_lowercase();
    let year: u32 = words.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    // Two-digit years, as RFC 822 allowed.
    let year = match year {
        0..=49 => 2000 + year,
        50..=99 => 1900 + year,
        _ => year,
    };
    let day_text = format!("{year:04}-{month:02}-{day:02}");
    end_of_day(&day_text).map(|_| day_text)
}

/// `s` when it is `len` ASCII digits.
fn digits(s: &str, len: usize) -> Option<&str> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// `YYYY-MM-DD` of a 14-digit timestamp (the text itself when it is not
/// one).
pub(crate) fn of_timestamp(timestamp: &str) -> String {
    match (timestamp.get(..4), timestamp.get(4..6), timestamp.get(6..8)) {
        (Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}"),
        _ => timestamp.to_owned(),
    }
}

/// The end of a date (as [`end_of_day`] reads it), UTC, as Unix time.
pub(crate) fn unix_end_of_day(date: &str) -> Option<i64> {
    let ts = end_of_day(date)?;
    let (y, m, d): (i64, i64, i64) = (
        ts[..4].parse().ok()?,
        ts[4..6].parse().ok()?,
        ts[6..8].parse().ok()?,
    );
    Some(days_from_civil(y, m, d) * 86_400 + 86_399)
}

/// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An HTTP date (`Sat, 28 Nov 2026 15:43:11 GMT`) for a Unix time.
pub(crate) fn http_date(unix: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0) as u64);
    httpdate::fmt_http_date(time)
}

/// The 14-digit timestamp of an HTTP date (RFC 1123: `Tue, 20 May 2008
/// 08:00:00 GMT`, as Memento's `datetime` has it; white space, such as a
/// line break inside it, read as one space).
pub(crate) fn timestamp_of_http_date(date: &str) -> Option<String> {
    let date = date.split_whitespace().collect::<Vec<_>>().join(" ");
    let time = httpdate::parse_http_date(&date).ok()?;
    let secs = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(timestamp_of_unix(i64::try_from(secs).ok()?))
}

/// The 14-digit timestamp of a Unix time.
pub(crate) fn timestamp_of_unix(unix: i64) -> String {
    let (days, rest) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// ISO 8601 in UTC (`2026-12-07T21:10:00Z`) for a Unix time.
pub(crate) fn iso_of_unix(unix: i64) -> String {
    let t = timestamp_of_unix(unix);
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &t[..4],
        &t[4..6],
        &t[6..8],
        &t[8..10],
        &t[10..12],
        &t[12..14]
    )
}

/// The Unix time of a timestamp of 8 to 14 digits (missing fields are
/// zero); `None` when it is not one.
pub(crate) fn unix_of_timestamp(timestamp: &str) -> Option<i64> {
    if !(8..=14).contains(&timestamp.len()) || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |at: usize| -> i64 {
        timestamp
            .get(at..at + 2)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0)
    };
    let year: i64 = timestamp[..4].parse().ok()?;
    let days = days_from_civil(year, field(4), field(6));
    Some(days * 86_400 + field(8) * 3600 + field(10) * 60 + field(12))
}

/// The civil date of a day count from 1970-01-01 (the inverse of
/// [`days_from_civil`], H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_unix_times() {
        assert_eq!(timestamp_of_unix(0), "19700101000000");
        assert_eq!(timestamp_of_unix(1_796_083_200), "20261201000000");
        assert_eq!(unix_of_timestamp("20261201000000"), Some(1_796_083_200));
        assert_eq!(unix_of_timestamp("20261201"), Some(1_796_083_200));
        let t = "20080512235959";
        assert_eq!(timestamp_of_unix(unix_of_timestamp(t).unwrap()), t);
        assert_eq!(unix_of_timestamp("2008"), None);
        assert_eq!(unix_of_timestamp("2008-05-12"), None);
    }

    #[test]
    fn published_dates_become_days() {
        assert_eq!(
            day_of("2012-03-01T10:00:00+02:00").as_deref(),
            Some("2012-03-01")
        );
        assert_eq!(day_of("2012-03").as_deref(), Some("2012-03"));
        assert_eq!(
            day_of("Tue, 10 Jun 2003 04:00:00 GMT").as_deref(),
            Some("2003-06-10")
        );
        assert_eq!(
            day_of("1 Feb 99 00:00 +0100").as_deref(),
            Some("1999-02-01")
        );
        assert_eq!(day_of("Sat, 31 Foo 2003").as_deref(), None);
        assert_eq!(day_of("32 Jan 2003").as_deref(), None);
        assert_eq!(day_of("yesterday"), None);
    }

    #[test]
    fn memo_dates_become_the_end_of_their_day() {
        assert_eq!(end_of_day("2008-06-01").as_deref(), Some("20080601235959"));
        assert_eq!(end_of_day("2008-06").as_deref(), Some("20080631235959"));
        assert_eq!(end_of_day("2008").as_deref(), Some("20081231235959"));
        assert_eq!(
            end_of_day("2008-06-01T10:00:00Z").as_deref(),
            Some("20080601235959")
        );
        assert_eq!(end_of_day("2008-13-01"), None);
        assert_eq!(end_of_day("soon"), None);
        assert_eq!(of_timestamp("20080601120000"), "2008-06-01");
    }

    #[test]
    fn dates_to_unix_time_and_back() {
        assert_eq!(unix_end_of_day("1970-01-01"), Some(86_399));
        assert_eq!(unix_end_of_day("2026-11-28"), Some(1_795_910_399));
        assert_eq!(unix_end_of_day("2000-03-01"), Some(951_955_199));
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            timestamp_of_http_date("Tue, 20 May 2008\n  08:00:00 GMT").as_deref(),
            Some("20080520080000")
        );
        assert_eq!(
            timestamp_of_http_date("Thu, 29 Feb 2024 23:59:59 GMT").as_deref(),
            Some("20240229235959")
        );
        assert_eq!(timestamp_of_http_date("yesterday"), None);
    }
}
