//! Soft 404s: pages that answer "200 OK" but are not the page cited. Pure.
//!
//! Three kinds of evidence, each named in the reason:
//! - the redirects end at the site's root, or at a path that names an error
//!   page (`/404`, `/not-found`, `/error`), when the cited URL was not the
//!   root itself;
//! - the title or first heading says the page was not found (English,
//!   German, French, Spanish, Italian, Portuguese, Russian, Polish, Dutch);
//! - the random-path probe (Bar-Yossef et al., "Sic Transit Gloria Telae",
//!   2004): a made-up name under the same parent path also answers 2xx, and
//!   the cited page ends at the same URL as the probe or reads nearly the
//!   same (word-shingle similarity ≥ [`SHINGLE_SIMILARITY`]).
//!
//! A site's root is never a soft 404.

use super::normalize::normalize;
use std::collections::HashSet;
use url::Url;

/// Shingle similarity from which a page reads as the probe's page.
pub(crate) const SHINGLE_SIMILARITY: f64 = 0.9;
/// Words per shingle.
const SHINGLE: usize = 4;
/// Letters in the probe's made-up name.
pub(crate) const PROBE_NAME_LEN: usize = 25;

/// Whether a URL is its site's root (`/`, no query).
pub(crate) fn is_root(url: &Url) -> bool {
    matches!(url.path(), "" | "/") && url.query().is_none_or(str::is_empty)
}

/// Path segments that name an error page.
const ERROR_SEGMENTS: &[&str] = &[
    "404",
    "error",
    "errors",
    "error404",
    "error-404",
    "404error",
    "404-error",
    "notfound",
    "not-found",
    "not_found",
    "pagenotfound",
    "page-not-found",
    "page_not_found",
];

/// Evidence from the redirect chain: the cited URL led to the site's root
/// or to an error page.
pub(crate) fn redirect_evidence(cited: &Url, final_url: &Url) -> Option<String> {
    if is_root(cited) || cited == final_url {
        return None;
    }
    if is_root(final_url) {
        return Some(format!(
            "the redirects end at the site's home page {final_url}: the page cited is gone"
        ));
    }
    let names_error = final_url
        .path_segments()
        .into_iter()
        .flatten()
        .map(|s| {
            let s = s.to_ascii_lowercase();
            match s.rsplit_once('.') {
                Some((stem, _)) => stem.to_owned(),
                None => s,
            }
        })
        .any(|s| ERROR_SEGMENTS.contains(&s.as_str()));
    names_error.then(|| format!("the redirects end at an error page {final_url}"))
}

/// Phrases that say "not found" in a title or heading (normalised).
const NOT_FOUND: &[&str] = &[
    // English
    "page not found",
    "not found",
    "page cannot be found",
    "page can't be found",
    "page could not be found",
    "page doesn't exist",
    "page does not exist",
    "page no longer exists",
    "no longer available",
    "nothing was found",
    "nothing found",
    // German
    "seite nicht gefunden",
    "nicht gefunden",
    "seite existiert nicht",
    "seite wurde nicht gefunden",
    // French
    "page introuvable",
    "page non trouvée",
    "introuvable",
    "cette page n'existe pas",
    // Spanish
    "página no encontrada",
    "no encontrada",
    "no se encontró",
    "la página no existe",
    // Italian
    "pagina non trovata",
    "non trovata",
    "pagina inesistente",
    // Portuguese
    "página não encontrada",
    "não encontrada",
    "página não existe",
    // Russian
    "страница не найдена",
    "не найдена",
    "страница не существует",
    // Polish
    "nie znaleziono",
    "strona nie istnieje",
    "strony nie znaleziono",
    // Dutch
    "pagina niet gevonden",
    "niet gevonden",
];

/// Words that, with `404`, make a title an error page's.
const ERROR_WORDS: &[&str] = &[
    "error",
    "page",
    "fehler",
    "seite",
    "erreur",
    "página",
    "pagina",
    "errore",
    "erro",
    "ошибка",
    "страница",
    "błąd",
    "strona",
    "fout",
];

/// Evidence from a 2xx page's title or first heading.
pub(crate) fn title_evidence(title: Option<&str>, heading: Option<&str>) -> Option<String> {
    for (what, text) in [("title", title), ("first heading", heading)] {
        let Some(text) = text else { continue };
        // Dashes separate a title's parts here (`Not found – Site`); the
        // shared normalisation would join the words around them.
        let spaced: String = text
            .chars()
            .map(|c| match c {
                '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' => ' ',
                c => c,
            })
            .collect();
        let n = normalize(&spaced);
        let words: Vec<&str> = n
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .collect();
        let says_404 = words.contains(&"404")
            && (words.len() == 1 || words.iter().any(|w| ERROR_WORDS.contains(w)));
        let phrase = says_not_found(text);
        if says_404 || phrase {
            return Some(format!(
                "the page answers 2xx but its {what} says “{}”",
                text.trim()
            ));
        }
    }
    None
}

/// Whether a title or heading says "not found": one of its parts (split
/// at `|`, `–`, `—`, `:`, `·` and ` - `, as sites join a page's name and
/// their own) holds a not-found phrase and is little more than it (three
/// words at most besides: `Oops! That page can't be found.`). A headline
/// that only mentions the words ("Weapons not found in warehouse,
/// officials say") is a real page.
fn says_not_found(text: &str) -> bool {
    let parts = text
        .split(" - ")
        .flat_map(|part| part.split(['|', '–', '—', ':', '·', '»', '«']));
    parts.into_iter().any(|part| {
        let n = normalize(part);
        let words = n
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .count();
        NOT_FOUND
            .iter()
            .any(|phrase| contains_phrase(&n, phrase) && words <= phrase.split(' ').count() + 3)
    })
}

/// Whether `phrase` is in `text` on word boundaries.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// How a soft 404's note begins when the cited domain is parked: the
/// sites' diagnosis reads it (`report::sites`).
pub(crate) const PARKED: &str = "the domain is parked";

/// What the note of the random-path probe's evidence says, whichever
/// way the site answers made-up paths: the sites' diagnosis reads it.
pub(crate) const EVERY_PATH: &str = "every path";

/// Phrases of a parking page's title or first heading (normalised): a
/// domain for sale or parked with a registrar.
const PARKING_PHRASES: &[&str] = &[
    "buy this domain",
    "domain for sale",
    "domain is for sale",
    "domain may be for sale",
    "domain name is for sale",
    "domain names for sale",
    "domain is parked",
    "domain parking",
    "parked domain",
    "parked free",
    "this domain has been registered",
    "make an offer on this domain",
    "inquire about this domain",
    "diese domain kaufen",
    "domain zu verkaufen",
    "domain steht zum verkauf",
    "domaine à vendre",
    "ce domaine est à vendre",
    "dominio en venta",
    "este dominio está en venta",
];

/// Hosts of parking and domain-sale services, where a parked domain's
/// every page is sent.
const PARKING_HOSTS: &[&str] = &[
    "above.com",
    "afternic.com",
    "bodis.com",
    "buydomains.com",
    "dan.com",
    "domainmarket.com",
    "hugedomains.com",
    "parkingcrew.net",
    "parklogic.com",
    "perfectdomain.com",
    "sedo.com",
    "sedoparking.com",
    "undeveloped.com",
];

/// Evidence that the cited domain is parked or for sale: the redirects
/// end at a parking service, or the page's title or first heading says
/// the domain is for sale (`example.org is for sale!`). Unlike the other
/// evidence it holds for a site's root too: a parked domain's home page is
/// not the page cited either.
pub(crate) fn parking_evidence(
    cited: &Url,
    final_url: &Url,
    title: Option<&str>,
    heading: Option<&str>,
) -> Option<String> {
    // The url crate writes hosts in lower case.
    let (cited_host, final_host) = (
        cited.host_str().unwrap_or_default(),
        final_url.host_str().unwrap_or_default(),
    );
    let under = |host: &str, service: &str| {
        host.strip_suffix(service)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    };
    if cited_host != final_host {
        let service = PARKING_HOSTS
            .iter()
            .find(|service| under(final_host, service) && !under(cited_host, service));
        if let Some(service) = service {
            return Some(format!(
                "{PARKED}: the redirects end at {final_url}, a domain-sale service ({service})"
            ));
        }
    }
    for (what, text) in [("title", title), ("first heading", heading)] {
        let Some(text) = text else { continue };
        let lower = text.to_lowercase();
        // Every phrase holds one of these: most pages are passed over here.
        if !["domain", "dominio", "parked", "for sale"]
            .iter()
            .any(|word| lower.contains(word))
        {
            continue;
        }
        // `closed-institute.org is for sale`: a domain's name for sale; a
        // headline that a company is for sale is not one.
        let name_for_sale = lower.split_once(" is for sale").is_some_and(|(before, _)| {
            before
                .split_whitespace()
                .next_back()
                .is_some_and(|w| w.contains('.') && !w.ends_with('.'))
        });
        let n = normalize(text);
        if name_for_sale
            || PARKING_PHRASES
                .iter()
                .any(|phrase| contains_phrase(&n, phrase))
        {
            return Some(format!("{PARKED}: its {what} says “{}”", text.trim()));
        }
    }
    None
}

/// The evidence a page gives of itself, without a probe: the domain
/// parked, the redirects ending at the home page or an error page, a title
/// or heading that says not found; the first that holds.
pub fn cheap_evidence(
    cited: &Url,
    final_url: &Url,
    title: Option<&str>,
    heading: Option<&str>,
) -> Option<String> {
    parking_evidence(cited, final_url, title, heading)
        .or_else(|| redirect_evidence(cited, final_url))
        .or_else(|| title_evidence(title, heading))
}

/// The URL of the random-path probe for a cited URL: its parent path plus
/// `name`. `None` for a site's root.
pub(crate) fn probe_url(cited: &Url, name: &str) -> Option<Url> {
    if is_root(cited) {
        return None;
    }
    let path = cited.path();
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let parent = &trimmed[..trimmed.rfind('/').map_or(0, |i| i + 1)];
    let mut probe = cited.clone();
    probe.set_fragment(None);
    probe.set_query(None);
    probe.set_path(&format!(
        "{}{name}",
        if parent.is_empty() { "/" } else { parent }
    ));
    Some(probe)
}

/// The key that shares one probe among the cited URLs it serves: scheme,
/// host, port and parent path.
pub(crate) fn probe_key(probe: &Url) -> String {
    let path = probe.path();
    format!(
        "{}://{}:{}{}",
        probe.scheme(),
        probe.host_str().unwrap_or_default(),
        probe.port_or_known_default().unwrap_or(0),
        &path[..path.rfind('/').map_or(0, |i| i + 1)]
    )
}

/// A page's word shingles (hashed), for near-duplicate comparison.
pub(crate) fn shingles(normalized: &str) -> HashSet<u64> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() < SHINGLE {
        return HashSet::from([hash(&words.join(" "))]);
    }
    words.windows(SHINGLE).map(|w| hash(&w.join(" "))).collect()
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Jaccard similarity of two shingle sets.
pub(crate) fn similarity(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

/// What the probe of a parent path found, when it answered 2xx.
/// What a probe found: its facts when it answered 2xx with text, and
/// whether its fetch failed (a failure is kept for the shorter TTL).
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe {
    /// The probe's facts, when it answered 2xx with text.
    pub(crate) facts: Option<std::sync::Arc<ProbeFacts>>,
    /// Whether its fetch failed.
    pub(crate) failed: bool,
    /// Taken from the store, or not to be stored (interrupted, or its
    /// host given up): either way not written to it.
    pub(crate) kept_out_of_store: bool,
}

/// What the probe of a parent path got, when it answered 2xx with text.
#[derive(Debug, Clone)]
pub(crate) struct ProbeFacts {
    /// The made-up URL requested.
    pub url: Url,
    /// Where its redirects ended.
    pub final_url: Url,
    /// Its visible text's shingles.
    pub shingles: HashSet<u64>,
}

/// Evidence from the probe: the cited page is the page any made-up name
/// gets.
pub(crate) fn probe_evidence(
    cited: &Url,
    final_url: &Url,
    page_shingles: &HashSet<u64>,
    probe: &ProbeFacts,
) -> Option<String> {
    if is_root(cited) {
        return None;
    }
    if final_url == &probe.final_url && final_url != cited {
        return Some(format!(
            "the site sends {EVERY_PATH} to {final_url} (a made-up URL, {}, ends there too)",
            probe.url
        ));
    }
    let s = similarity(page_shingles, &probe.shingles);
    (s >= SHINGLE_SIMILARITY).then(|| {
        format!(
            "the site answers {EVERY_PATH} with this page (it reads the same as a made-up \
             URL, {}, similarity {s:.2})",
            probe.url
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn parked_domains_by_their_title_or_their_service() {
        let cited = url("http://closed-institute.org/");
        assert!(
            parking_evidence(
                &cited,
                &cited,
                Some("closed-institute.org is for sale!"),
                None
            )
            .is_some_and(|why| why.starts_with(PARKED))
        );
        assert!(parking_evidence(&cited, &cited, None, Some("Buy this domain")).is_some());
        assert!(
            parking_evidence(
                &cited,
                &url("https://www.sedo.com/search/?domain=x"),
                None,
                None
            )
            .is_some()
        );
        assert!(
            parking_evidence(
                &cited,
                &cited,
                Some("Cyprus gas field for sale to Gazprom"),
                None
            )
            .is_none()
        );
        let sedo = url("https://sedo.com/about");
        assert!(parking_evidence(&sedo, &sedo, None, None).is_none());
    }

    #[test]
    fn redirects_to_root_or_error_pages() {
        let cited = url("http://a.org/news/2008/story.html");
        assert!(redirect_evidence(&cited, &url("https://www.a.org/")).is_some());
        assert!(redirect_evidence(&cited, &url("http://a.org/errors/404.html")).is_some());
        assert!(redirect_evidence(&cited, &url("http://a.org/page-not-found")).is_some());
        assert!(redirect_evidence(&cited, &url("http://a.org/news/story")).is_none());
        assert!(redirect_evidence(&cited, &url("http://a.org/error-correction-codes")).is_none());
        assert!(redirect_evidence(&cited, &url("http://a.org/?p=12")).is_none());
        // The root is never a soft 404.
        assert!(redirect_evidence(&url("http://a.org/"), &url("https://a.org/")).is_none());
    }

    #[test]
    fn titles_in_many_languages() {
        for title in [
            "404 - Page Not Found",
            "Error 404",
            "404",
            "Seite nicht gefunden",
            "Page introuvable | Le Monde",
            "Página no encontrada",
            "Pagina non trovata",
            "Página não encontrada",
            "Страница не найдена",
            "Nie znaleziono strony",
            "Oops! That page can’t be found.",
            "Page not found – Example",
            "Error 404: page not found",
            "Example Institute | Page not found",
        ] {
            assert!(title_evidence(Some(title), None).is_some(), "{title}");
        }
        for title in [
            "Route 404 reopens after repairs",
            "Found: the missing papers",
            "NATO and Russia Need a Shared Vision",
            "Weapons not found in warehouse, officials say",
            "Not found them two midor the all her to although the its to in",
        ] {
            assert!(title_evidence(Some(title), None).is_none(), "{title}");
        }
        assert!(title_evidence(Some("Archive"), Some("Sorry, page not found")).is_some());
    }

    #[test]
    fn probe_urls_share_a_parent() {
        let name = "a".repeat(PROBE_NAME_LEN);
        let p = probe_url(&url("http://a.org/index/articles/view/NATO?x=1#c"), &name).unwrap();
        assert_eq!(
            p.as_str(),
            format!("http://a.org/index/articles/view/{name}")
        );
        let q = probe_url(&url("http://a.org/index/articles/view/other/"), &name).unwrap();
        assert_eq!(
            q.as_str(),
            format!("http://a.org/index/articles/view/{name}")
        );
        assert_eq!(probe_key(&p), probe_key(&q));
        let top = probe_url(&url("http://a.org/about"), &name).unwrap();
        assert_eq!(top.as_str(), format!("http://a.org/{name}"));
        assert!(probe_url(&url("http://a.org/"), &name).is_none());
    }

    #[test]
    fn shingles_tell_near_duplicates() {
        let a = shingles("sorry we could not find that page try the search box or go home now");
        let b = shingles("sorry we could not find that page try the search box or go home now");
        let c = shingles("the committee heard evidence on energy security and supply chains today");
        assert_eq!(similarity(&a, &b), 1.0);
        assert!(similarity(&a, &c) < 0.1);
        let probe = ProbeFacts {
            url: url("http://a.org/x/zzz"),
            final_url: url("http://a.org/x/zzz"),
            shingles: a.clone(),
        };
        let cited = url("http://a.org/x/story");
        assert!(probe_evidence(&cited, &cited, &b, &probe).is_some());
        assert!(probe_evidence(&cited, &cited, &c, &probe).is_none());
        let both = ProbeFacts {
            final_url: url("http://a.org/search"),
            ..probe
        };
        assert!(probe_evidence(&cited, &url("http://a.org/search"), &c, &both).is_some());
    }
}
