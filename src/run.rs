//! Orchestration: inputs → extraction → (fetch → verification) → report.
//! The one place that sequences the stages.

use crate::config::Config;
use crate::extract;
use crate::input::{self, MemoInput};
use crate::model::{Extraction, QuoteVerdict, Severity};
use crate::report::{LinkResult, MemoReport, QuoteResult, Report};
use crate::verify::{self, LinkOutcome, QuoteOutcome};
use std::time::Instant;

/// Check every memo the configuration names and return the report. Never
/// fails: unreadable memos become problems in the report.
pub fn run(config: &Config) -> Report {
    let started = Instant::now();
    let (inputs, input_problems) = input::collect(&config.paths, config.input_format);
    let mut memos: Vec<MemoReport> = input_problems
        .into_iter()
        .map(|p| {
            let mut memo = MemoReport::new(p.path, crate::model::MemoFormat::Text);
            memo.io_failed = p.io;
            memo.add_problem(p.problem);
            memo
        })
        .collect();
    for memo_input in &inputs {
        memos.push(check_memo(memo_input, config));
    }
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Report::new(memos, elapsed)
}

fn check_memo(memo_input: &MemoInput, config: &Config) -> MemoReport {
    let mut memo = MemoReport::new(memo_input.source.display(), memo_input.format);
    let text = match input::read(memo_input) {
        Ok(text) => text,
        Err(failure) => {
            memo.io_failed = failure.io;
            memo.add_problem(failure.problem);
            return memo;
        }
    };
    for warning in text.warnings {
        memo.add_problem(warning);
    }
    let extraction = extract::extract(&text.text, memo_input.format, &config.extract);
    offline_results(&mut memo, extraction);
    memo
}

/// Fill a memo's results without fetching anything.
fn offline_results(memo: &mut MemoReport, extraction: Extraction) {
    memo.date = extraction.meta.date.clone();
    for problem in extraction.problems {
        memo.add_problem(problem);
    }
    for link in &extraction.links {
        let outcome = verify::without_fetch(link).unwrap_or_else(|| {
            LinkOutcome::new(crate::model::LinkVerdict::Unchecked, "offline: not fetched")
        });
        memo.links.push(LinkResult::new(link, outcome));
    }
    for quote in &extraction.quotes {
        let mut result = QuoteResult::new(
            quote,
            &extraction.links,
            QuoteOutcome::new(QuoteVerdict::Unverifiable, "offline: sources not fetched"),
        );
        // Not checking was asked for: nothing to warn about.
        result.severity = Severity::Info;
        memo.quotes.push(result);
    }
}
