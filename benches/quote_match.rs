//! Quote matching against a long page: 50 quotes of 10–40 words against a
//! 1 MB page on which half of them occur (ten of those with a word or two
//! changed), beside the floor of an exact `memchr::memmem` search of the
//! same quotes in the same page.
//!
//! `cargo bench --bench quote_match`. The `citecheck` figure includes
//! preparing the page (normalising 1 MB and, on first need, indexing its
//! word bigrams) as well as matching all 50 quotes.

// criterion's macros define undocumented items; a bench has no API.
#![allow(missing_docs)]

use citecheck::verify::quote::{self, PageText, PreparedQuote};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

/// A deterministic page of prose from a 3,000-word vocabulary, and the
/// 50 quotes: 25 on the page (10 of them edited), 25 not.
fn corpus() -> (String, Vec<String>) {
    let mut rng = StdRng::seed_from_u64(2026);
    let vocabulary: Vec<String> = (0..3000)
        .map(|_| {
            let len = rng.random_range(2..10);
            (0..len)
                .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
                .collect()
        })
        .collect();
    // Where each word of the page starts and ends.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut page = String::new();
    while page.len() < 1_000_000 {
        let w = &vocabulary[rng.random_range(0..vocabulary.len())];
        words.push((page.len(), page.len() + w.len()));
        page.push_str(w);
        page.push_str(if rng.random_range(0..12) == 0 {
            ". "
        } else {
            " "
        });
    }
    let mut quotes = Vec::new();
    for i in 0..50 {
        let len = rng.random_range(10..=40);
        let mut quote: Vec<String> = if i % 2 == 0 {
            let at = rng.random_range(0..words.len() - len);
            page[words[at].0..words[at + len - 1].1]
                .split(' ')
                .map(str::to_owned)
                .collect()
        } else {
            (0..len)
                .map(|_| vocabulary[rng.random_range(0..vocabulary.len())].clone())
                .collect()
        };
        if i % 5 == 0 {
            // A word changed (`Kyiv → Kiev`), and on every other one a
            // word dropped as well.
            let k = rng.random_range(0..len);
            let kept = quote[k].trim_end_matches('.').len() - 1;
            quote[k] = format!("{}x", &quote[k][..kept]);
            if i % 10 == 0 && len >= 20 {
                quote.remove((k + 1) % quote.len());
            }
        }
        quotes.push(quote.join(" "));
    }
    (page, quotes)
}

fn bench(c: &mut Criterion) {
    let (page, quotes) = corpus();
    let prepared: Vec<PreparedQuote> = quotes
        .iter()
        .map(|q| PreparedQuote::from_segments(&[q.as_str()]))
        .collect();
    let refs: Vec<&PreparedQuote> = prepared.iter().collect();
    let mut group = c.benchmark_group("50 quotes in a 1 MB page");
    group.sample_size(20);
    group.bench_function("memchr memmem, exact (floor)", |b| {
        b.iter(|| {
            quotes
                .iter()
                .filter(|q| memchr::memmem::find(page.as_bytes(), q.as_bytes()).is_some())
                .count()
        })
    });
    group.bench_function("citecheck, page prepared and all quotes matched", |b| {
        b.iter(|| {
            let text = PageText::new(black_box(page.clone()));
            quote::find_all(&refs, &text)
                .into_iter()
                .flatten()
                .filter(|m| m.similarity >= 0.85)
                .count()
        })
    });
    let text = PageText::new(page.clone());
    group.bench_function("citecheck, matching only (page prepared once)", |b| {
        b.iter(|| {
            quote::find_all(&refs, &text)
                .into_iter()
                .flatten()
                .filter(|m| m.similarity >= 0.85)
                .count()
        })
    });
    group.finish();
    // The bench is only worth its figure if it finds what it should.
    let found = quote::find_all(&refs, &text)
        .into_iter()
        .flatten()
        .filter(|m| m.similarity >= 0.85)
        .count();
    assert_eq!(found, 25, "the 25 quotes on the page are found");
}

criterion_group!(benches, bench);
criterion_main!(benches);
