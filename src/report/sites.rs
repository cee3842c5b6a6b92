//! The run's links by site: grouped by host across the memos, each site
//! with a diagnosis when its links' evidence supports one — the domain
//! gone, parked or taken over, moved under one rewrite rule, blocking
//! automated clients, dead, partly dead. Pure; computed from the memos'
//! results alone, so a merged report (`citecheck merge`) computes it again
//! and gets the same.

use super::{LinkResult, MemoReport};
use crate::model::LinkVerdict;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use url::Url;

/// One site (a host, with its port when the URL names one) and what its
/// links came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// The host (`www.example.org`, `127.0.0.1:8080`).
    pub host: String,
    /// Memos citing it.
    pub memos: usize,
    /// Link occurrences to it.
    pub links: usize,
    /// Its link occurrences by verdict (only verdicts it has).
    pub verdicts: BTreeMap<&'static str, usize>,
    /// What is wrong with the site as a whole, when the evidence says.
    pub diagnosis: Option<Diagnosis>,
}

/// What the evidence of a site's links says of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// `domain_gone`, `parked`, `blocking`, `moved`, `dead` or
    /// `partly_dead`.
    pub kind: &'static str,
    /// In words: `moved: 3 of 4 checked links redirect under one rule, …`.
    pub detail: String,
    /// The rewrite a moved site's links follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

/// A rewrite of a moved site's addresses: every link under `from` now
/// lives under `to`, the rest of its address unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// The old prefix (`http://partner.example/articles/`).
    pub from: String,
    /// The new prefix (`https://www.partner.example/en/analysis/`).
    pub to: String,
    /// Links that follow it.
    pub links: usize,
}

impl Site {
    /// Its dead link occurrences (broken, soft 404, anchor missing).
    pub fn dead(&self) -> usize {
        LinkVerdict::ALL
            .iter()
            .filter(|v| v.is_dead())
            .map(|v| self.verdicts.get(v.name()).copied().unwrap_or(0))
            .sum()
    }
}

/// Rows the reports' "Sites" sections show at most; the JSON has every
/// site.
pub const SHOWN: usize = 20;

/// The sites a person needs to see: those diagnosed or with a dead link,
/// in report order, at most [`SHOWN`]; and how many more there are (the
/// JSON lists every site).
pub fn shown(sites: &[Site]) -> (Vec<&Site>, usize) {
    let mut notable: Vec<&Site> = sites
        .iter()
        .filter(|site| site.diagnosis.is_some() || site.dead() > 0)
        .collect();
    let more = notable.len().saturating_sub(SHOWN);
    notable.truncate(SHOWN);
    (notable, more)
}

/// The sites the memos cite, the diagnosed first, then by dead links,
/// then by links, then by host.
pub fn sites(memos: &[MemoReport]) -> Vec<Site> {
    let mut tally = Tally::default();
    for memo in memos {
        tally.add(memo);
    }
    tally.sites()
}

/// What the sites need to be diagnosed, gathered memo by memo: a few
/// counts per host and the rewrite rules its redirects follow, not the
/// links themselves, so a run streamed memo by memo can add each memo and
/// drop it.
#[derive(Debug, Default)]
pub struct Tally {
    hosts: HashMap<String, HostTally>,
    memos: usize,
}

/// One host's counts.
#[derive(Debug, Default)]
struct HostTally {
    memos: usize,
    last_memo: usize,
    links: usize,
    verdicts: BTreeMap<&'static str, usize>,
    /// Links that say something of the page (not excluded, unchecked).
    checked: usize,
    dns_failed: usize,
    parked: usize,
    every_path: usize,
    soft_404: usize,
    blocked: usize,
    dead: usize,
    alive: usize,
    /// Links that answer elsewhere, and the rewrite rules they follow.
    redirected: usize,
    rules: HashMap<(String, String), usize>,
}

impl Tally {
    /// Add one memo's links.
    pub fn add(&mut self, memo: &MemoReport) {
        self.memos += 1;
        for link in &memo.links {
            let Some(host) = link.resolved_url.as_deref().and_then(host_of) else {
                continue;
            };
            if !self.hosts.contains_key(host) {
                self.hosts.insert(host.to_owned(), HostTally::default());
            }
            let Some(site) = self.hosts.get_mut(host) else {
                continue;
            };
            if site.last_memo != self.memos {
                site.memos += 1;
                site.last_memo = self.memos;
            }
            site.add(link);
        }
    }

    /// The sites, diagnosed, in report order.
    pub fn sites(self) -> Vec<Site> {
        let mut sites: Vec<Site> = self
            .hosts
            .into_iter()
            .map(|(host, tally)| Site {
                diagnosis: tally.diagnose(),
                host,
                memos: tally.memos,
                links: tally.links,
                verdicts: tally.verdicts,
            })
            .collect();
        sites.sort_by(|a, b| {
            (b.diagnosis.is_some(), b.dead(), b.links)
                .cmp(&(a.diagnosis.is_some(), a.dead(), a.links))
                .then_with(|| a.host.cmp(&b.host))
        });
        sites
    }
}

impl HostTally {
    fn add(&mut self, link: &LinkResult) {
        self.links += 1;
        *self.verdicts.entry(link.verdict.name()).or_insert(0) += 1;
        if matches!(link.verdict, LinkVerdict::Excluded | LinkVerdict::Unchecked) {
            return;
        }
        self.checked += 1;
        let noted = |start: &str| link.reason.notes().iter().any(|n| n.contains(start));
        match link.verdict {
            LinkVerdict::Broken if noted(crate::fetch::DNS_FAILED) => self.dns_failed += 1,
            LinkVerdict::Soft404 => {
                self.soft_404 += 1;
                self.parked += usize::from(noted(crate::verify::soft404::PARKED));
                self.every_path += usize::from(noted(crate::verify::soft404::EVERY_PATH));
            }
            LinkVerdict::Blocked => self.blocked += 1,
            _ => {}
        }
        if link.verdict.is_dead() {
            self.dead += 1;
        }
        if is_alive(link) {
            self.alive += 1;
            if let (Some(from), Some(to)) =
                (link.resolved_url.as_deref(), link.final_url.as_deref())
            {
                self.redirected += 1;
                if let Some(rule) = rule_of(from, to) {
                    *self.rules.entry(rule).or_insert(0) += 1;
                }
            }
        }
    }

    /// The diagnosis from the counts, the strongest evidence first; `None`
    /// for a healthy site, or when the evidence says nothing of the site as
    /// a whole.
    fn diagnose(&self) -> Option<Diagnosis> {
        let n = self.checked;
        if n == 0 {
            return None;
        }
        let links = super::count(n, "checked link");
        let said = |kind, detail: String| {
            Some(Diagnosis {
                kind,
                detail,
                rule: None,
            })
        };
        if self.dns_failed == n {
            return said(
                "domain_gone",
                format!("domain gone: its name does not resolve ({links}, every one)"),
            );
        }
        if self.parked == n {
            return said(
                "parked",
                format!("parked or for sale: every page answers a parking page ({links})"),
            );
        }
        if n >= MIN_SITE_LINKS && self.soft_404 == n && self.every_path == n {
            return said(
                "parked",
                format!(
                    "parked or taken over: every path answers the same page ({links}, every one)"
                ),
            );
        }
        if n >= MIN_SITE_LINKS && self.blocked == n {
            return said(
                "blocking",
                format!("blocks automated clients: every page refuses or challenges ({links})"),
            );
        }
        if let Some(rule) = self.rule() {
            let detail = format!(
                "moved: {} of {links} redirect under one rule, {} → {}",
                rule.links, rule.from, rule.to
            );
            return Some(Diagnosis {
                kind: "moved",
                detail,
                rule: Some(rule),
            });
        }
        if n >= MIN_SITE_LINKS && self.dead == n {
            return said("dead", format!("dead: every cited page is gone ({links})"));
        }
        if self.dead > 0 && self.alive > 0 {
            return said(
                "partly_dead",
                format!("partly dead: {} of {links} are gone", self.dead),
            );
        }
        None
    }

    /// The rewrite most of the redirected links follow, when at least two
    /// follow one and they are at least half of those redirected.
    fn rule(&self) -> Option<Rule> {
        let ((from, to), &count) = self
            .rules
            .iter()
            .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| b.cmp(a)))?;
        (count >= MIN_SITE_LINKS && count * 2 >= self.redirected).then(|| Rule {
            from: from.clone(),
            to: to.clone(),
            links: count,
        })
    }
}

/// The site of a resolved URL (as the url crate writes it: the host in
/// lower case, a default port left out): its host, with its port when it
/// names one. Sliced from the text, so gathering a million links
/// allocates nothing per link.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!host.is_empty()).then_some(host)
}

/// Least links that show something of a whole site beyond a page's own
/// verdict (all blocked, all dead, a rewrite rule).
const MIN_SITE_LINKS: usize = 2;

/// Whether a link's page answers (its own or where it redirects).
fn is_alive(link: &LinkResult) -> bool {
    matches!(link.verdict, LinkVerdict::Ok | LinkVerdict::Redirected)
}

/// The rewrite that takes `from` to `to`: the two addresses' prefixes
/// before the path segments (and query) they end with alike
/// (`http://a.example/articles/x` → `https://a.example/en/x` is
/// `http://a.example/articles/` → `https://a.example/en/`). `None` when
/// they end differently.
fn rule_of(from: &str, to: &str) -> Option<(String, String)> {
    let (from, to) = (Url::parse(from).ok()?, Url::parse(to).ok()?);
    let segments = |u: &Url| -> Vec<String> {
        let mut s: Vec<String> = u
            .path_segments()
            .map(|s| s.map(str::to_owned).collect())
            .unwrap_or_default();
        if s.last().is_some_and(String::is_empty) {
            s.pop();
        }
        if let (Some(last), Some(query)) = (s.last_mut(), u.query()) {
            last.push('?');
            last.push_str(query);
        }
        s
    };
    let (a, b) = (segments(&from), segments(&to));
    let same = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if same == 0 {
        return None;
    }
    let prefix = |u: &Url, s: &[String]| {
        let head = &s[..s.len() - same];
        let mut p = format!("{}/", u.origin().ascii_serialization());
        for segment in head {
            p.push_str(segment);
            p.push('/');
        }
        p
    };
    let rule = (prefix(&from, &a), prefix(&to, &b));
    (rule.0 != rule.1).then_some(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Reason;

    fn link(url: &str, verdict: LinkVerdict, final_url: Option<&str>, note: &str) -> LinkResult {
        LinkResult {
            url: url.to_owned(),
            resolved_url: Some(url.to_owned()),
            text: None,
            page: None,
            part: None,
            line: 1,
            column: 1,
            kind: crate::model::LinkKind::Bare,
            verdict,
            severity: verdict.default_severity(),
            http_status: None,
            final_url: final_url.map(str::to_owned),
            fragment: None,
            reason: Reason::of(note),
            suggestion: None,
            capture: None,
            scripts: None,
            cached_at: None,
            context: None,
        }
    }

    fn memo(links: Vec<LinkResult>) -> MemoReport {
        let mut memo = MemoReport::new("m.md".into(), crate::model::MemoFormat::Markdown);
        memo.links = links;
        memo
    }

    fn kind_of(sites: &[Site], host: &str) -> Option<&'static str> {
        let site = sites.iter().find(|s| s.host == host).expect("the site");
        site.diagnosis.as_ref().map(|d| d.kind)
    }

    #[test]
    fn hosts_with_their_ports() {
        assert_eq!(host_of("https://www.a.example/x?y"), Some("www.a.example"));
        assert_eq!(host_of("http://127.0.0.2:8080#top"), Some("127.0.0.2:8080"));
        assert_eq!(host_of("http://user@a.example/"), Some("a.example"));
        assert_eq!(host_of("mailto:x@a.example"), None);
    }

    #[test]
    fn rules_are_the_prefixes_before_a_common_ending() {
        assert_eq!(
            rule_of(
                "http://a.example/articles/2011/gas",
                "https://www.a.example/en/analysis/gas"
            ),
            Some((
                "http://a.example/articles/2011/".into(),
                "https://www.a.example/en/analysis/".into()
            ))
        );
        assert_eq!(
            rule_of("http://a.example/x/", "https://a.example/x"),
            Some(("http://a.example/".into(), "https://a.example/".into()))
        );
        assert_eq!(rule_of("http://a.example/a", "http://a.example/b"), None);
    }

    #[test]
    fn each_diagnosis_from_its_evidence_and_none_for_a_healthy_site() {
        use LinkVerdict::*;
        let dns = format!("{} gone.example: no such host", crate::fetch::DNS_FAILED);
        let parked = format!(
            "soft 404: {}: its title says “x”",
            crate::verify::soft404::PARKED
        );
        let memos = [
            memo(vec![
                link("http://gone.example/a", Broken, None, &dns),
                link("http://parked.example/", Soft404, None, &parked),
                link(
                    "http://moved.example/articles/a",
                    Redirected,
                    Some("https://moved.example/en/a"),
                    "permanent",
                ),
                link(
                    "http://moved.example/articles/b",
                    Redirected,
                    Some("https://moved.example/en/b"),
                    "permanent",
                ),
                link("http://moved.example/articles/c", Broken, None, "HTTP 404"),
                link("https://walled.example/1", Blocked, None, "challenge"),
                link("https://walled.example/2", Blocked, None, "challenge"),
                link("https://healthy.example/1", Ok, None, ""),
                link(
                    "https://healthy.example/2",
                    Redirected,
                    Some("https://healthy.example/two"),
                    "permanent",
                ),
                link("https://some.example/1", Ok, None, ""),
                link("https://some.example/2", Broken, None, "HTTP 404"),
            ]),
            memo(vec![
                link("https://healthy.example/1", Ok, None, ""),
                link("https://one.example/1", Broken, None, "HTTP 404"),
            ]),
        ];
        let sites = sites(&memos);
        assert_eq!(kind_of(&sites, "gone.example"), Some("domain_gone"));
        assert_eq!(kind_of(&sites, "parked.example"), Some("parked"));
        assert_eq!(kind_of(&sites, "moved.example"), Some("moved"));
        assert_eq!(kind_of(&sites, "walled.example"), Some("blocking"));
        assert_eq!(kind_of(&sites, "some.example"), Some("partly_dead"));
        assert_eq!(kind_of(&sites, "healthy.example"), None);
        assert_eq!(
            kind_of(&sites, "one.example"),
            None,
            "one dead page is its own verdict"
        );
        let moved = sites.iter().find(|s| s.host == "moved.example").unwrap();
        assert_eq!(
            moved.diagnosis.as_ref().unwrap().rule,
            Some(Rule {
                from: "http://moved.example/articles/".into(),
                to: "https://moved.example/en/".into(),
                links: 2
            })
        );
        let healthy = sites.iter().find(|s| s.host == "healthy.example").unwrap();
        assert_eq!((healthy.memos, healthy.links), (2, 3));
        assert!(
            sites[..5].iter().all(|s| s.diagnosis.is_some()),
            "diagnosed first"
        );
    }
}
