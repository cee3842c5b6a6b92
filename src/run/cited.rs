//! The pages one memo cites, each once. A memo whose sources are listed at
//! its end makes every quote a candidate of every link: built once per
//! memo, this table turns each (quote, candidate) pair into an index, so
//! that neither the demands nor the quote verdicts parse, copy or hash a
//! URL per pair.

use super::exclusion;
use crate::model::{Link, Quote, Target, page_of};
use url::Url;

/// A memo's cited pages.
pub(super) struct CitedPages {
    /// The slot of the page each link names (`None`: no http(s) link).
    of_link: Vec<Option<usize>>,
    /// Each distinct page, in the order the memo first cites it, and
    /// whether it is fetched (some link naming it is not `--exclude`d).
    pages: Vec<(Url, bool)>,
}

impl CitedPages {
    /// The pages of a memo's `links`.
    pub(super) fn new(links: &[Link], exclude: &[regex::Regex]) -> Self {
        let mut slots: std::collections::HashMap<Url, usize> = std::collections::HashMap::new();
        let mut pages = Vec::new();
        let of_link = links
            .iter()
            .map(|link| {
                let Target::Http(url) = &link.target else {
                    return None;
                };
                let next = pages.len();
                let slot = *slots.entry(page_of(url)).or_insert_with_key(|page| {
                    pages.push((page.clone(), false));
                    next
                });
                // Fetched when any link naming it is not excluded.
                pages[slot].1 |= exclusion(url, exclude).is_none();
                Some(slot)
            })
            .collect();
        Self { of_link, pages }
    }

    /// How many distinct pages there are.
    pub(super) fn len(&self) -> usize {
        self.pages.len()
    }

    /// The page in `slot`, and whether it is fetched.
    pub(super) fn page(&self, slot: usize) -> (&Url, bool) {
        let (url, fetched) = &self.pages[slot];
        (url, *fetched)
    }

    /// The slot of link `index`'s page, when it is fetched.
    pub(super) fn fetched_slot(&self, index: usize) -> Option<usize> {
        let slot = (*self.of_link.get(index)?)?;
        self.pages[slot].1.then_some(slot)
    }

    /// The distinct pages of `quote`'s candidate links, in candidate
    /// order: the first link naming each, and the page's slot.
    pub(super) fn candidates<'a>(
        &'a self,
        quote: &'a Quote,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        let mut seen = vec![false; self.pages.len()];
        quote.candidates.iter().filter_map(move |&link| {
            let slot = (*self.of_link.get(link)?)?;
            (!std::mem::replace(&mut seen[slot], true)).then_some((link, slot))
        })
    }
}
