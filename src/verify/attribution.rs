//! Whether the source names the person a memo puts a quote in the mouth
//! of, where the quote stands. Pure.
//!
//! A speaker is personal when the memo names a person (titles, initials
//! and name particles allowed); organisations, roles and places ("the
//! Secretary General", "NATO", "Moscow") are left alone. Names are
//! compared by surname, folded: case, diacritics and their spelled-out
//! forms (`Rühe`, `Ruehe`, `Ruhe`), particles (`al-Assad`, `Assad`).
//!
//! On the page the quote was found in:
//! - in a comment or post: `confirmed` when the comment itself (its author
//!   or its own words, replies aside) names the speaker; `elsewhere` when
//!   only another part of the page does (another comment's author, the
//!   article); `absent` when the page never does.
//! - in the article: `confirmed` when the page's byline or author metadata
//!   names the speaker, or the text around the quote does (the quote's
//!   paragraph and its neighbours, outside comments); `elsewhere` and
//!   `absent` as above.

use super::people::People;
use crate::model::JOINED_PARTICLES;
use crate::model::NAME_PARTICLES as PARTICLES;
use crate::model::NAME_TITLES;
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;

/// Roles and ranks that may precede a personal name, beside
/// [`NAME_TITLES`]: speakers named by them alone ("the Secretary General")
/// are roles, not persons.
const ROLE_TITLES: &[&str] = &[
    "mx",
    "capt",
    "lt",
    "maj",
    "adm",
    "lady",
    "rev",
    "hon",
    "governor",
    "chancellor",
    "secretary",
    "judge",
    "justice",
    "prime",
    "foreign",
    "defence",
    "defense",
    "deputy",
    "vice",
    "chief",
    "mayor",
    "commissioner",
    "director",
    "admiral",
    "colonel",
    "captain",
    "representative",
    "congressman",
    "congresswoman",
    "speaker",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "cardinal",
    "bishop",
    "father",
    "sheikh",
    "emir",
    "former",
    "late",
];

/// How far around a quote in an article its speaker may be named, in
/// bytes of visible text (the paragraph before, the quote's, the one
/// after).
const AROUND: usize = 600;

/// Words that make a speaker an organisation, a document or a role.
const NOT_PERSONAL: &[&str] = &[
    "declaration",
    "statement",
    "report",
    "commission",
    "ministry",
    "council",
    "government",
    "office",
    "committee",
    "agency",
    "organization",
    "organisation",
    "union",
    "party",
    "court",
    "summit",
    "communique",
    "communiqué",
    "institute",
    "foundation",
    "center",
    "centre",
    "university",
    "times",
    "post",
    "news",
    "press",
    "bank",
    "alliance",
    "parliament",
    "assembly",
    "department",
    "administration",
    "kremlin",
    "pentagon",
    "house",
    "group",
    "association",
    "service",
    "services",
    "company",
    "corporation",
    "fund",
    "forum",
    "network",
    "review",
    "journal",
    "magazine",
    "agreement",
    "treaty",
    "charter",
    "resolution",
    "strategy",
    "paper",
    "guardian",
    "economist",
    "telegraph",
    "herald",
    "tribune",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "officials",
    "authorities",
    "leadership",
    "delegation",
    "embassy",
    "army",
    "navy",
    "police",
    "people",
    "voters",
    "citizens",
    "experts",
    "analysts",
    "observers",
];

/// Places often made to speak for their governments.
const PLACES: &[&str] = &[
    "russia",
    "ukraine",
    "moscow",
    "kyiv",
    "kiev",
    "washington",
    "beijing",
    "china",
    "brussels",
    "berlin",
    "germany",
    "france",
    "paris",
    "london",
    "britain",
    "america",
    "europe",
    "iran",
    "tehran",
    "israel",
    "turkey",
    "ankara",
    "poland",
    "warsaw",
    "georgia",
    "tbilisi",
    "minsk",
    "belarus",
    "tokyo",
    "japan",
    "delhi",
    "india",
    "rome",
    "italy",
    "madrid",
    "spain",
    "vienna",
    "austria",
    "ottawa",
    "canada",
    "canberra",
    "australia",
    "brazil",
    "mexico",
    "cairo",
    "egypt",
    "riyadh",
    "damascus",
    "syria",
    "baghdad",
    "iraq",
    "kabul",
    "seoul",
    "pyongyang",
    "taipei",
    "taiwan",
    "hungary",
    "budapest",
    "prague",
    "sweden",
    "stockholm",
    "norway",
    "oslo",
    "finland",
    "helsinki",
    "denmark",
    "copenhagen",
    "netherlands",
    "hague",
    "geneva",
];

/// A personal speaker a memo names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    /// The name as the memo gives it.
    pub name: String,
    /// The surname as the report shows it.
    pub surname: String,
    /// The surname folded for comparison.
    key: String,
}

impl Speaker {
    /// The speaker a memo's attribution names, when it is a person.
    pub fn personal(attribution: &str) -> Option<Self> {
        let words: Vec<&str> = attribution
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')')))
            .filter(|w| !w.is_empty())
            .collect();
        let first = words.first()?;
        if first.eq_ignore_ascii_case("the") {
            return None;
        }
        let bare = |w: &str| w.trim_end_matches('.').to_lowercase();
        let start = words.iter().position(|w| {
            let w = bare(w);
            !NAME_TITLES.contains(&w.as_str()) && !ROLE_TITLES.contains(&w.as_str())
        })?;
        let name = &words[start..];
        for word in name {
            let lower = bare(word);
            let acronym = word.len() >= 2 && word.chars().all(|c| c.is_uppercase());
            if acronym || NOT_PERSONAL.contains(&lower.as_str()) {
                return None;
            }
            let particle = PARTICLES.contains(&lower.as_str()) || is_prefixed_particle(word);
            if !particle && !word.starts_with(char::is_uppercase) {
                return None;
            }
        }
        if name.len() == 1 && PLACES.contains(&bare(name[0]).as_str()) {
            return None;
        }
        let surname = name.last()?.trim_end_matches('.');
        // An initial alone is no surname.
        if surname.chars().count() < 2 {
            return None;
        }
        let key = fold_name(surname);
        if key.is_empty() {
            return None;
        }
        Some(Self {
            name: attribution.to_owned(),
            surname: surname.to_owned(),
            key,
        })
    }

    /// Whether `text` names the speaker: a word of it is the surname.
    pub fn named_in(&self, text: &str) -> bool {
        self.places_in(text).next().is_some()
    }

    /// Where `text` names the speaker: the byte ranges of the surname.
    fn places_in<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
        name_words(text)
            .filter(move |(_, word)| fold_name(word) == self.key)
            .map(|(r, _)| r)
    }
}

/// What checking the attribution found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionVerdict {
    /// The source names the speaker beside the quote.
    Confirmed,
    /// The source names the speaker, but not where the quote is.
    Elsewhere,
    /// The source never names the speaker.
    Absent,
}

impl AttributionVerdict {
    /// The name the reports use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Elsewhere => "elsewhere",
            Self::Absent => "absent",
        }
    }

    /// Whether the attribution is in doubt (a warning).
    pub fn is_doubtful(self) -> bool {
        self != Self::Confirmed
    }
}

/// The check of a quote's attribution on one source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttributionCheck {
    /// What was found.
    pub verdict: AttributionVerdict,
    /// Where the source names the speaker, or that it does not.
    pub evidence: String,
}

impl AttributionCheck {
    fn new(verdict: AttributionVerdict, evidence: String) -> Self {
        Self { verdict, evidence }
    }

    /// The note a doubtful attribution adds to the quote's reason.
    pub fn note(&self, speaker: &str) -> Option<String> {
        self.verdict
            .is_doubtful()
            .then(|| format!("attributed to {speaker}, but {}", self.evidence))
    }
}

/// Check that the page whose visible `text` holds the quote at `at`
/// names `speaker` there; `people` is who the page names as authors.
pub fn check(
    speaker: &Speaker,
    text: &str,
    at: Range<usize>,
    people: Option<&People>,
) -> AttributionCheck {
    use AttributionVerdict::{Absent, Confirmed, Elsewhere};
    let empty = People::default();
    let people = people.unwrap_or(&empty);
    let authored = |author: &Option<String>| author.as_deref().is_some_and(|a| speaker.named_in(a));
    let places: Vec<Range<usize>> = speaker.places_in(text).collect();
    let who = &speaker.surname;
    if let Some(i) = people.comment_at(at.start) {
        let comment = &people.comments[i];
        // The reply holding the quote is itself commented on by nothing
        // inside it: its own words are the text not in a nested comment.
        let own = places
            .iter()
            .any(|p| comment.span.contains(&p.start) && people.in_own_text(i, p.start));
        if authored(&comment.author) {
            return AttributionCheck::new(
                Confirmed,
                format!(
                    "{who} is the author of {}, which holds the quote",
                    comment.label()
                ),
            );
        }
        if own {
            return AttributionCheck::new(Confirmed, format!("{} names {who}", comment.label()));
        }
        let holder = match &comment.author {
            Some(author) if comment.number.is_some() => {
                format!("{}, by {author}", comment.label())
            }
            _ => comment.label(),
        };
        if let Some(other) = people.comments.iter().find(|c| authored(&c.author)) {
            return AttributionCheck::new(
                Elsewhere,
                format!(
                    "the page names {who} as the author of {}, not of the comment that holds the \
                     quote ({holder})",
                    other.label()
                ),
            );
        }
        if let Some(place) = places.first() {
            return AttributionCheck::new(
                Elsewhere,
                format!(
                    "the page names {who} only away from the comment that holds the quote \
                     ({holder}): “{}”",
                    context(text, place.clone())
                ),
            );
        }
        if people.authors.iter().any(|a| speaker.named_in(a)) {
            return AttributionCheck::new(
                Elsewhere,
                format!(
                    "the page names {who} as its author, and the quote is in {holder}, a comment"
                ),
            );
        }
        return AttributionCheck::new(Absent, format!("the page does not name {who}"));
    }
    if people.authors.iter().any(|a| speaker.named_in(a)) {
        return AttributionCheck::new(Confirmed, format!("the page's byline names {who}"));
    }
    let near = at.start.saturating_sub(AROUND)..at.end.saturating_add(AROUND);
    let beside = places
        .iter()
        .any(|p| near.contains(&p.start) && people.comment_at(p.start).is_none());
    if beside {
        return AttributionCheck::new(Confirmed, format!("the page names {who} beside the quote"));
    }
    if let Some(other) = people.comments.iter().find(|c| authored(&c.author)) {
        return AttributionCheck::new(
            Elsewhere,
            format!(
                "the page names {who} only as the author of {}, and the quote is in the article",
                other.label()
            ),
        );
    }
    if let Some(place) = places.first() {
        return AttributionCheck::new(
            Elsewhere,
            format!(
                "the page names {who} only away from the quote: “{}”",
                context(text, place.clone())
            ),
        );
    }
    AttributionCheck::new(Absent, format!("the page does not name {who}"))
}

/// The words around `place` in `text`, for the evidence.
fn context(text: &str, place: Range<usize>) -> String {
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(place.start.saturating_sub(50));
    let end = floor((place.end + 50).min(text.len()));
    let words: Vec<&str> = text[start..end].split_whitespace().collect();
    // The first and last words may be cut.
    let inner = match words.len() {
        0..=2 => &words[..],
        n => &words[usize::from(start > 0)..n - usize::from(end < text.len())],
    };
    let mut out = inner.join(" ");
    if start > 0 {
        out.insert(0, '…');
    }
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The words of `text` that may be names, with their byte ranges.
fn name_words(text: &str) -> impl Iterator<Item = (Range<usize>, &str)> {
    let mut at = 0;
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')))
        .filter_map(move |word| {
            let start = at;
            at += word.len() + 1;
            // The separator may be wider than a byte.
            while at < text.len() && !text.is_char_boundary(at) {
                at += 1;
            }
            let word = word.trim_matches(|c: char| matches!(c, '-' | '\'' | '’'));
            // A possessive names its owner (`Assad's`).
            let word = ["'s", "’s"]
                .iter()
                .find_map(|s| word.strip_suffix(s))
                .unwrap_or(word);
            (!word.is_empty()).then(|| (start..start + word.len(), word))
        })
}

/// Whether `word` is a particle joined to a name (`al-Assad`, `d'Estaing`).
fn is_prefixed_particle(word: &str) -> bool {
    let lower = word.to_lowercase();
    JOINED_PARTICLES
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len())
}

/// A name folded for comparison: lower case, diacritics dropped and their
/// spelled-out forms too (`ü`, `ue` → `u`), a joined particle dropped
/// (`al-Assad` → `assad`), apostrophes and hyphens kept out.
pub(crate) fn fold_name(word: &str) -> String {
    let lower = word.to_lowercase();
    let lower = JOINED_PARTICLES
        .iter()
        .find_map(|p| lower.strip_prefix(p).filter(|rest| !rest.is_empty()))
        .unwrap_or(&lower);
    let spelled: String = lower
        .chars()
        .map(|c| match c {
            'ł' => 'l',
            'ø' => 'o',
            'đ' | 'ð' => 'd',
            'ı' => 'i',
            'æ' => 'a',
            'œ' => 'o',
            c => c,
        })
        .collect::<String>()
        .replace('ß', "ss");
    let plain: String = spelled
        .nfd()
        .filter(|c| c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    plain
        .replace("ae", "a")
        .replace("oe", "o")
        .replace("ue", "u")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::people::Comment;

    fn speaker(name: &str) -> Speaker {
        Speaker::personal(name).unwrap_or_else(|| panic!("{name} is a person"))
    }

    #[test]
    fn people_are_told_from_roles_organisations_and_places() {
        for person in [
            "Dr. Andreas Umland",
            "Jaap de Hoop Scheffer",
            "Sen. John McCain",
            "Volker Rühe",
            "J. Smith",
            "Kelleners",
            "President Obama",
            "Bashar al-Assad",
            "Secretary General Jaap de Hoop Scheffer",
        ] {
            assert!(Speaker::personal(person).is_some(), "{person}");
        }
        for not_a_person in [
            "the summit declaration",
            "the Secretary General",
            "Secretary General",
            "NATO",
            "Moscow",
            "The Guardian",
            "European Commission",
            "Dr.",
            "J.",
        ] {
            assert!(Speaker::personal(not_a_person).is_none(), "{not_a_person}");
        }
        assert_eq!(speaker("Jaap de Hoop Scheffer").surname, "Scheffer");
        assert_eq!(speaker("Prof. Dr. Volker Rühe").surname, "Rühe");
    }

    #[test]
    fn surnames_match_across_spellings() {
        let ruhe = speaker("Volker Rühe");
        assert!(ruhe.named_in("said Volker Ruehe, then minister"));
        assert!(ruhe.named_in("RÜHE:"));
        assert!(ruhe.named_in("Ruhe"));
        assert!(!ruhe.named_in("Ruhr valley"));
        let assad = speaker("Bashar al-Assad");
        assert!(assad.named_in("President Assad said"));
        assert!(assad.named_in("al-Assad's speech"));
        assert!(speaker("Lech Wałęsa").named_in("Walesa"));
        assert!(!speaker("Jane Roe").named_in("Roentgen"));
    }

    fn thread() -> (String, People) {
        // Two comments: 897 by Jane Roe holds the quote, 905 by Kurt Meyer.
        let c1 = "Jane Roe says: The pipeline was never about gas prices. ";
        let c2 = "Kurt Meyer says: I disagree entirely. ";
        let article = "Article by staff. ";
        let text = format!("{article}{c1}{c2}");
        let a = article.len();
        let b = a + c1.len();
        let people = People {
            authors: vec!["Staff Writer".into()],
            comments: vec![
                Comment {
                    span: a..b,
                    number: Some("comment 897".into()),
                    author: Some("Jane Roe".into()),
                },
                Comment {
                    span: b..text.len(),
                    number: Some("comment 905".into()),
                    author: Some("Kurt Meyer".into()),
                },
            ],
        };
        (text, people)
    }

    #[test]
    fn a_comment_quoted_under_its_author_is_confirmed() {
        let (text, people) = thread();
        let at = text.find("The pipeline").unwrap();
        let found = check(&speaker("Jane Roe"), &text, at..at + 20, Some(&people));
        assert_eq!(found.verdict, AttributionVerdict::Confirmed, "{found:?}");
        assert!(found.evidence.contains("comment 897"));
    }

    #[test]
    fn a_comment_put_in_another_commenters_mouth_is_elsewhere() {
        let (text, people) = thread();
        let at = text.find("The pipeline").unwrap();
        let found = check(&speaker("Kurt Meyer"), &text, at..at + 20, Some(&people));
        assert_eq!(found.verdict, AttributionVerdict::Elsewhere);
        assert_eq!(
            found.evidence,
            "the page names Meyer as the author of comment 905, not of the comment that holds \
             the quote (comment 897, by Jane Roe)"
        );
        let nobody = check(&speaker("Dr. Hans Blix"), &text, at..at + 20, Some(&people));
        assert_eq!(nobody.verdict, AttributionVerdict::Absent);
        assert_eq!(nobody.evidence, "the page does not name Blix");
    }

    #[test]
    fn an_article_quote_is_confirmed_by_its_byline_or_its_paragraph() {
        let text = "Rasmussen spoke at length. “We will not be divided,” he said. \
                    Later, far below, the page mentions Jones once.";
        let at = text.find("We will").unwrap();
        let beside = check(&speaker("Anders Fogh Rasmussen"), text, at..at + 20, None);
        assert_eq!(beside.verdict, AttributionVerdict::Confirmed);
        let byline = People {
            authors: vec!["Mary Jones".into()],
            comments: vec![],
        };
        let by = check(&speaker("Mary Jones"), text, at..at + 20, Some(&byline));
        assert_eq!(by.verdict, AttributionVerdict::Confirmed);
        assert!(by.evidence.contains("byline"));
        let far = format!(
            "“We will not be divided,” he said.{} The page thanks Mary Jones.",
            " Filler words here.".repeat(60)
        );
        let at = far.find("We will").unwrap();
        let away = check(&speaker("Mary Jones"), &far, at..at + 20, None);
        assert_eq!(away.verdict, AttributionVerdict::Elsewhere, "{away:?}");
        assert!(away.evidence.contains("Jones"), "{}", away.evidence);
    }

    #[test]
    fn evidence_context_is_whole_words() {
        let text = "one two three four five six seven eight nine ten eleven twelve Meyer \
                    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";
        let at = text.find("Meyer").unwrap();
        let shown = context(text, at..at + 5);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("twelve Meyer thirteen"));
    }
}
