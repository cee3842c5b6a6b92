//! What citecheck knows of web archives, pure: the Wayback Machine's CDX
//! queries and capture addresses ([`wayback`]), Memento TimeMaps
//! ([`memento`]), Save Page Now 2's requests and answers
//! ([`save_page_now`]), the Internet Archive keys it is called with
//! ([`keys`]), the capture type ([`Capture`]), and the run's archives
//! ([`Archives`]), the one place that answers "is this URL a capture,
//! what is its raw form, which archives are asked".
//!
//! Nothing here touches the network: the run's archive and preservation
//! stages (`run::archive`, `run::preserve`) send what these modules build
//! through the fetcher and hand the answers back to their parsers.

pub mod keys;
pub mod memento;
pub mod save_page_now;
pub mod wayback;

use url::Url;

/// When a capture was made: its archive's timestamp (`YYYYMMDDhhmmss`, 8
/// to 14 digits, the missing fields zero), checked, with the time it
/// names. The digits are kept as the archive wrote them (they are part
/// of the capture's address); captures compare by time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaptureTime {
    digits: String,
    unix: i64,
}

impl CaptureTime {
    /// A timestamp of 8 to 14 digits, when it is one.
    pub fn parse(digits: &str) -> Option<Self> {
        Some(Self {
            unix: crate::date::unix_of_timestamp(digits)?,
            digits: digits.to_owned(),
        })
    }

    /// The time as Unix time.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        crate::date::of_timestamp(&self.digits)
    }

    /// The digits, as the archive wrote them.
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

impl Ord for CaptureTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.unix, &self.digits).cmp(&(other.unix, &other.digits))
    }
}

impl PartialOrd for CaptureTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for CaptureTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.digits)
    }
}

/// The archive stage's settings: whether it runs, the archives it asks,
/// how long it may take, how many sources of a drifted quote it looks
/// up, and the date it looks near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSettings {
    /// Look up archived copies of dead sources and drifted quotes
    /// (`--no-archive` turns it off).
    pub enabled: bool,
    /// The archives asked.
    pub archives: Archives,
    /// The most time the stage may take (`--archive-budget`).
    pub budget: std::time::Duration,
    /// The most sources of one drifted quote whose captures are looked
    /// up (`--archive-quote-pages`).
    pub quote_pages: usize,
    /// Look for captures near this date (`YYYY-MM-DD`, `--as-of`)
    /// instead of each memo's own date.
    pub as_of: Option<String>,
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            archives: Archives::default(),
            budget: std::time::Duration::from_secs(60),
            quote_pages: 3,
            as_of: None,
        }
    }
}

/// The archives a run asks: the Wayback Machine (`--archive-url`), then
/// each Memento archive by its TimeMap prefix (`--memento-archive`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archives {
    /// The Wayback Machine's base URL: its CDX server, its captures and
    /// Save Page Now.
    pub wayback: Url,
    /// Memento archives' TimeMap prefixes, asked after the Wayback
    /// Machine.
    pub memento: Vec<Url>,
}

impl Default for Archives {
    fn default() -> Self {
        Self {
            wayback: Url::parse(wayback::DEFAULT_ARCHIVE_URL)
                .expect("the default archive URL parses"),
            memento: Vec::new(),
        }
    }
}

impl Archives {
    /// Every archive the run asks, the Wayback Machine first.
    pub fn all(&self) -> impl Iterator<Item = &Url> {
        std::iter::once(&self.wayback).chain(&self.memento)
    }

    /// The raw form (`id_`, without the archive's toolbar) of a Wayback
    /// capture cited as people view it; `None` for any other URL.
    pub fn raw_capture(&self, url: &Url) -> Option<Url> {
        wayback::raw_of_view(&self.wayback, url)
    }

    /// Whether `url` is a Wayback capture cited as people view it (it is
    /// fetched raw, and is never preserved again).
    pub fn is_capture(&self, url: &Url) -> bool {
        self.raw_capture(url).is_some()
    }

    /// Whether `url` is served by one of the run's archives (its pages
    /// are read as the archive kept them: never rendered in a browser,
    /// whose scripts would reach the live site).
    pub fn serves(&self, url: &Url) -> bool {
        self.all().any(|archive| archive.origin() == url.origin())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn capture_times_are_checked_and_compared_by_time() {
        let day = CaptureTime::parse("20080401").unwrap();
        let later = CaptureTime::parse("20080401120000").unwrap();
        assert_eq!(later.unix() - day.unix(), 12 * 3600);
        assert_eq!(later.date(), "2008-04-01");
        assert_eq!(later.to_string(), "20080401120000");
        assert!(CaptureTime::parse("2008").is_none());
        assert!(CaptureTime::parse("2008040112000x").is_none());
    }

    #[test]
    fn a_capture_is_known_by_its_archive() {
        let archives = Archives {
            wayback: u("https://web.archive.org"),
            memento: vec![u("https://arquivo.pt/wayback/timemap/link/")],
        };
        let view = u("https://web.archive.org/web/20080401000000/https://news.test/story");
        assert_eq!(
            archives.raw_capture(&view).unwrap().as_str(),
            "https://web.archive.org/web/20080401000000id_/https://news.test/story"
        );
        assert!(archives.is_capture(&view));
        assert!(!archives.is_capture(&u("https://news.test/web/2008/https://x.test/")));
        assert!(archives.serves(&u("https://arquivo.pt/wayback/20080401/https://x.test/")));
        assert!(archives.serves(&view));
        assert!(!archives.serves(&u("https://news.test/story")));
        assert_eq!(archives.all().count(), 2);
    }
}
