//! robots.txt (RFC 9309) of a site whose memos are discovered: which
//! paths citecheck may fetch and how long to wait between requests
//! (`Crawl-delay`). Parsed by `texting_robots` for citecheck's product
//! token; what an unreadable file means is decided here. Pure.

use std::time::Duration;

/// The product token robots.txt groups are matched against.
pub const AGENT: &str = "citecheck";

/// The longest `Crawl-delay` honoured: a site asking for more is read at
/// this pace (and the report says so).
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

/// What a site's robots.txt allows citecheck.
#[derive(Debug)]
pub enum Rules {
    /// Everything (no robots.txt, or one that answered 4xx).
    All,
    /// Nothing: robots.txt could not be read (a 5xx answer or no answer),
    /// which RFC 9309 reads as "disallow all".
    Nothing(String),
    /// What the file says.
    File(Box<texting_robots::Robot>),
}

impl Rules {
    /// The rules from a robots.txt answer: its status and body, or why
    /// there is none.
    pub fn of(answer: Result<(u16, &[u8]), String>) -> Self {
        match answer {
            Ok((200..=299, body)) => match texting_robots::Robot::new(AGENT, body) {
                Ok(robot) => Self::File(Box::new(robot)),
                // The parser is forgiving; what it refuses is no rule.
                Err(_) => Self::All,
            },
            Ok((400..=499, _)) => Self::All,
            Ok((status, _)) => Self::Nothing(format!("robots.txt answered HTTP {status}")),
            Err(why) => Self::Nothing(format!("robots.txt could not be read: {why}")),
        }
    }

    /// Whether `url` (on the file's site) may be fetched; robots.txt
    /// itself always may.
    pub fn allows(&self, url: &url::Url) -> bool {
        match self {
            Self::All => true,
            Self::Nothing(_) => url.path() == "/robots.txt",
            Self::File(robot) => robot.allowed(url.as_str()),
        }
    }

    /// The pause the site asks for between requests, at most
    /// [`MAX_CRAWL_DELAY`].
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Self::File(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(MAX_CRAWL_DELAY.as_secs_f32()))),
            _ => None,
        }
    }

    /// The sitemaps the file names.
    pub fn sitemaps(&self) -> &[String] {
        match self {
            Self::File(robot) => &robot.sitemaps,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> url::Url {
        url::Url::parse(&format!("https://example.org{path}")).unwrap()
    }

    #[test]
    fn groups_longest_match_and_crawl_delay() {
        let txt = b"User-agent: *\nDisallow: /\n\n\
                    User-agent: citecheck\nDisallow: /drafts/\nAllow: /drafts/public\n\
                    Disallow: /*.json$\nCrawl-delay: 2\n\nSitemap: https://example.org/s.xml\n";
        let rules = Rules::of(Ok((200, txt)));
        assert!(rules.allows(&url("/memos/a")), "our group, not *");
        assert!(!rules.allows(&url("/drafts/secret")));
        assert!(
            rules.allows(&url("/drafts/public/a")),
            "the longer rule wins"
        );
        assert!(!rules.allows(&url("/data.json")));
        assert!(rules.allows(&url("/data.json?x")));
        assert_eq!(rules.crawl_delay(), Some(Duration::from_secs(2)));
        assert_eq!(rules.sitemaps(), ["https://example.org/s.xml"]);
    }

    #[test]
    fn missing_and_unreachable_files() {
        assert!(Rules::of(Ok((404, b"Disallow: /"))).allows(&url("/a")));
        let down = Rules::of(Ok((503, b"")));
        assert!(!down.allows(&url("/a")));
        assert!(down.allows(&url("/robots.txt")));
        assert!(!Rules::of(Err("timed out".into())).allows(&url("/a")));
        let slow = Rules::of(Ok((200, b"User-agent: *\nCrawl-delay: 86400\n")));
        assert_eq!(slow.crawl_delay(), Some(MAX_CRAWL_DELAY));
        assert!(Rules::of(Ok((200, b"\xff\xfe garbage \0\0"))).allows(&url("/a")));
    }
}
