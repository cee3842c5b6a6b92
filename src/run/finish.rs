//! Memos finished while the run still fetches. A memo whose every page is
//! in (and whose quotes were all found word for word, so no approximate
//! search can change them) is verified at once; unless a later stage needs
//! its outcomes (the archive for a dead link or a drifted quote, the
//! preservation for every source), it becomes its report entry there and
//! its extraction goes. A page no unverified memo cites leaves the run's
//! pages and the page table. So what the run holds follows the pages in
//! flight and the memos waiting for them, not every page of the run; the
//! verdicts are the ones the end of the run would reach (pages are final
//! when they land, and nothing is finished before some page has answered,
//! which is when the run's network is known to work).

use super::cited::CitedPages;
use super::local::LocalFiles;
use super::packed::Packed;
use super::pages::Arrivals;
use super::{MemoRun, Pages, Verifying};
use crate::model::{MemoFormat, QuoteId};
use crate::report::MemoReport;
use crate::verify::digest::ExactFound;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Arc;
use url::Url;

/// What is kept of a memo verified early for the stages after the fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Nothing: no stage follows, the memo becomes its report entry.
    Nothing,
    /// Its outcomes, when the archive stage looks any of them up (a dead
    /// link, a drifted quote); else it becomes its report entry.
    Archived,
    /// Its outcomes: preservation reads every memo's.
    Outcomes,
}

/// The memos being finished as their pages come in.
pub(super) struct Finishing<'a> {
    memos: &'a mut [MemoRun],
    verifying: Verifying<'a>,
    local_files: &'a mut LocalFiles,
    exact: Arc<ExactFound>,
    exclude: &'a [regex::Regex],
    keep: Keep,
    /// For each page not yet done with (by a hash of its URL: a collision
    /// only delays a memo, see [`Finishing::try_finish`]), the memos
    /// citing it that are not verified yet.
    waiting: HashMap<u64, Vec<u32>>,
    /// For each memo (by its place in `memos`), how many of its pages are
    /// not in yet.
    missing: Vec<u32>,
    /// Memos whose pages are in, waiting for some page to answer.
    ready: Vec<u32>,
}

/// The hash a page is waited for by (fixed keys: the same in every run).
pub(super) fn key(url: &Url) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(url.as_str())
}

impl<'a> Finishing<'a> {
    /// Ready to finish `memos` as the pages they cite come in.
    /// `fetched` has, for each memo, the keys ([`key`]) of the pages it
    /// has fetched.
    pub(super) fn new(
        memos: &'a mut [MemoRun],
        fetched: &[Vec<u64>],
        (verifying, local_files): (Verifying<'a>, &'a mut LocalFiles),
        exact: Arc<ExactFound>,
        keep: Keep,
    ) -> Self {
        let exclude = &verifying.checks.exclude[..];
        let mut waiting: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut missing = vec![0; memos.len()];
        for (place, keys) in fetched.iter().enumerate().take(memos.len()) {
            let Ok(place) = u32::try_from(place) else {
                break;
            };
            for &key in keys {
                waiting.entry(key).or_default().push(place);
                missing[place as usize] += 1;
            }
        }
        Self {
            memos,
            verifying,
            local_files,
            exact,
            exclude,
            keep,
            waiting,
            missing,
            ready: Vec::new(),
        }
    }

    /// Finish the memo in `place` if its pages are all in `pages` and no
    /// approximate search is still to come for its quotes; then let go of
    /// the pages no other memo waits for.
    fn try_finish(&mut self, place: usize, pages: &mut Pages, forget: &mut Vec<Url>) {
        let memo = &mut self.memos[place];
        if memo.outcomes.is_some() {
            return;
        }
        // Unpacked for good: a memo that cannot be finished now waits for
        // the end, which needs its extraction too.
        memo.unpack();
        let memo = &self.memos[place];
        let Some(extraction) = &memo.extraction else {
            return;
        };
        let found = |i: usize| self.exact.contains(QuoteId::new(memo.index, i));
        if !(0..extraction.quotes.len()).all(found) {
            return;
        }
        let cited: Vec<Url> = pages_of(memo, self.exclude);
        if !cited.iter().all(|page| pages.contains_key(page)) {
            // A hash shared with another page counted it in too early.
            return;
        }
        let memo = &mut self.memos[place];
        memo.verify(self.verifying, Ok(pages), self.local_files);
        let wanted = match self.keep {
            Keep::Nothing => false,
            Keep::Outcomes => true,
            Keep::Archived => memo.outcomes.as_ref().is_some_and(super::archive::wanted),
        };
        for page in cited {
            let Some(memos) = self.waiting.get_mut(&key(&page)) else {
                continue;
            };
            memos.retain(|&m| m as usize != place);
            if memos.is_empty() {
                self.waiting.remove(&key(&page));
                pages.remove(&page);
                forget.push(page);
            }
        }
        if !wanted {
            let index = memo.index;
            let placeholder = MemoReport::new(String::new(), MemoFormat::Text);
            let placeholder = MemoRun::unread(index, placeholder);
            let report = std::mem::replace(memo, placeholder).into_report(self.verifying);
            // Packed while other memos still wait for pages (the run's
            // last memo is read back at once: no use packing it).
            let packed = match self.waiting.is_empty() {
                true => None,
                false => Packed::pack(&report),
            };
            *memo = match packed {
                Some(packed) => MemoRun::finished(index, report.path, packed),
                None => MemoRun::unread(index, report),
            };
        }
    }
}

impl Arrivals for Finishing<'_> {
    fn arrived(&mut self, url: &Url, pages: &mut Pages, answered: bool, forget: &mut Vec<Url>) {
        if let Some(memos) = self.waiting.get(&key(url)) {
            for &place in memos {
                let missing = &mut self.missing[place as usize];
                *missing = missing.saturating_sub(1);
                if *missing == 0 {
                    self.ready.push(place);
                }
            }
        }
        if !answered {
            return;
        }
        for place in std::mem::take(&mut self.ready) {
            self.try_finish(place as usize, pages, forget);
        }
    }
}

/// The pages `memo` has fetched, each once, in citation order.
fn pages_of(memo: &MemoRun, exclude: &[regex::Regex]) -> Vec<Url> {
    let Some(extraction) = &memo.extraction else {
        return Vec::new();
    };
    let cited = CitedPages::new(&extraction.links, exclude);
    (0..cited.len())
        .map(|slot| cited.page(slot))
        .filter(|(_, fetched)| *fetched)
        .map(|(page, _)| page.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::ExtractOptions;
    use crate::fetch::{Hosts, Page, Response};
    use crate::settings::Checks;
    use crate::verify::digest::{PageDigest, PageRead};

    /// A memo of `text` (Markdown) in place `index`, extracted.
    fn memo(index: usize, text: &str) -> MemoRun {
        let extraction =
            crate::extract::extract(text, MemoFormat::Markdown, &ExtractOptions::default());
        let mut run = MemoRun::unread(
            index,
            MemoReport::new(format!("m{index}.md"), MemoFormat::Markdown),
        );
        run.extraction = Some(extraction);
        run
    }

    /// `url` answered with `status`.
    fn land(pages: &mut Pages, url: &str, status: u16) -> Url {
        let url = Url::parse(url).unwrap();
        let mut page = Page::new(&url);
        page.result = Ok(Response {
            status,
            html: true,
            ..Response::default()
        });
        let fetched = super::super::table::Fetched {
            page,
            read: Arc::new(PageRead::default()),
            released: false,
            cached_at: None,
        };
        pages.insert(
            url.clone(),
            Box::new((Arc::new(fetched), PageDigest::default())),
        );
        url
    }

    /// Memos are finished as their pages come in, not before some page
    /// answered; a page goes once no unverified memo cites it; a memo
    /// the archive stage wants keeps its outcomes; a memo with a quote not
    /// found word for word waits for the end.
    #[test]
    fn memos_are_finished_as_their_pages_come_in() {
        let (checks, hosts, options) = (
            Checks::default(),
            Hosts::default(),
            ExtractOptions::default(),
        );
        let verifying = Verifying {
            checks: &checks,
            hosts: &hosts,
            extract: &options,
            offline: false,
            unreachable: false,
        };
        let mut memos = vec![
            memo(0, "See [a](http://a.test/1) and [b](http://b.test/2).\n"),
            memo(1, "See [b](http://b.test/2) and [dead](http://c.test/3).\n"),
            memo(
                2,
                "She said “the sky is falling on our heads today” [d](http://d.test/4).\n",
            ),
        ];
        let exact = Arc::new(ExactFound::new([0, 0, 1]));
        let mut local_files = LocalFiles::default();
        for memo in &mut memos {
            memo.pack();
        }
        let (_, _, fetched) = super::super::demands(&[], &memos);
        let mut finishing = Finishing::new(
            &mut memos,
            &fetched,
            (verifying, &mut local_files),
            exact,
            Keep::Archived,
        );
        let (mut pages, mut forget) = (Pages::new(), Vec::new());

        let a = land(&mut pages, "http://a.test/1", 200);
        finishing.arrived(&a, &mut pages, true, &mut forget);
        let b = land(&mut pages, "http://b.test/2", 200);
        finishing.arrived(&b, &mut pages, false, &mut forget);
        let waiting = &finishing.memos[0];
        assert!(
            waiting.outcomes.is_none() && waiting.waiting.is_some(),
            "no page answered yet: the extraction waits packed"
        );
        let c = land(&mut pages, "http://c.test/3", 404);
        finishing.arrived(&c, &mut pages, true, &mut forget);
        let d = land(&mut pages, "http://d.test/4", 200);
        finishing.arrived(&d, &mut pages, true, &mut forget);

        let first = &finishing.memos[0];
        assert!(first.extraction.is_none(), "memo 0 is its report entry");
        let entry = first.packed.as_ref().expect("packed: others still wait");
        let entry = entry.unpack().expect("unpacks");
        assert_eq!(entry.links.len(), 2);
        assert_eq!(entry.path, "m0.md");
        let second = &finishing.memos[1];
        let outcomes = second.outcomes.as_ref().expect("memo 1 verified");
        assert!(
            second.extraction.is_some(),
            "memo 1 kept for the archive stage"
        );
        assert_eq!(outcomes.links[1].verdict, crate::model::LinkVerdict::Broken);
        let third = &finishing.memos[2];
        assert_eq!(third.extraction.as_ref().map(|x| x.quotes.len()), Some(1));
        assert!(
            third.outcomes.is_none(),
            "its quote waits for the approximate search"
        );

        let mut gone: Vec<&str> = forget.iter().map(Url::as_str).collect();
        gone.sort_unstable();
        assert_eq!(
            gone,
            ["http://a.test/1", "http://b.test/2", "http://c.test/3"]
        );
        assert_eq!(
            pages.keys().map(Url::as_str).collect::<Vec<_>>(),
            ["http://d.test/4"]
        );

        // The last memo waiting is not packed: the report reads it at once.
        let mut lone = vec![memo(0, "See [a](http://a.test/1).\n")];
        lone[0].pack();
        let (_, exact, fetched) = super::super::demands(&[], &lone);
        let mut local_files = LocalFiles::default();
        let finishing_lone = (verifying, &mut local_files);
        let mut finishing =
            Finishing::new(&mut lone, &fetched, finishing_lone, exact, Keep::Nothing);
        let mut pages = Pages::new();
        let a = land(&mut pages, "http://a.test/1", 200);
        finishing.arrived(&a, &mut pages, true, &mut forget);
        let last = &finishing.memos[0];
        assert!(last.packed.is_none() && last.waiting.is_none());
        assert_eq!(last.report.links.len(), 1);
    }
}
