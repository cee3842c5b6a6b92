//! What checking quotes costs a whole run, beside the same run without
//! quotes. `cargo bench --bench quote_cost`.
//!
//! Pages are article pages made by this benchmark: paragraphs of sentences
//! around which the articles workload puts a news site's chrome (meta
//! tags, an inline style sheet and script bundle, a menu of 120 topics with
//! icons, a footer of 80 links: about 130 KB of HTML a page, as real article
//! pages weigh) and the many-sources workload a light one (a few links);
//! the sentences are drawn
//! from an English vocabulary with word frequencies that fall off as real
//! text's do, so that common word pairs recur across pages as they do on
//! real sites. Two workloads, each run `BENCH_RUNS` times (default 5), the
//! run with quotes and the one without alternating:
//!
//! - **many sources**: 100 plain-text memos of 50 sources each (5,000
//!   pages), one quote from each source, the URLs listed at the end, so
//!   every quote is a candidate of every page of its memo. Wall time.
//! - **articles**: two memos of 64 sources (127 pages, one shared), 48
//!   quotes of each word for word, 10 with a word changed and 6 found
//!   nowhere. CPU time (user + system).
//!
//! Each run's verdicts are checked before its time counts. Limits: the
//! benchmark fails (exit code 1) when quotes cost the articles workload
//! more than 2× or the many-sources workload more than 1.5× the run
//! without them (medians).
//!
//! `BENCH_HOLD=1` skips the articles, prints the many-sources workload's
//! two commands and keeps its server up until stopped (for profiling one
//! run by hand).

#![allow(clippy::print_stdout)] // a benchmark reports on standard output

mod common;

use common::{HOSTS, env_number, measure, median, start_server};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Common English words, most frequent first.
const WORDS: &str = "the of and to in a is that for it as was with be by on not he i this are or his from at which but have an they you were her she there been one all we their has would when if so no will more can its what about up out them some time only into other new could two these may then first any like now my such make over our even most after also made many did before must through back years where much your way well down should because each just those people how too little state good very world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three states himself few house use during without again place around however home small found thought went say part once general high upon school every does got united left number course war until always away something fact though water less public put think almost hand enough far took head yet government system better set told nothing night end why called did eyes find going look asked later knew point next city business give group toward young let room president side social given present several order national possible rather second face per among form important often things looked early white case john become large big need four within felt along children saw best church ever least power development light thing seemed family interest want members mind country area others done turned although open problem sense help certain policy committee council minister report security energy budget reform election court trade market defence alliance treaty border region agreement debate evidence review strategy crisis support funding parliament agency ministry official statement spokesman analyst survey percent million billion decade summit talks sanctions pipeline supply chain ceasefire coalition opposition minority majority vote senate campaign inquiry";

/// A small deterministic generator (xorshift64*), so every run writes the
/// same pages.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word, frequent ones often (about Zipf's law), and now and then a
    /// made-up name that only this page has.
    fn word(&mut self, words: &[&str]) -> String {
        if self.below(40) == 0 {
            let syllables = [
                "ka", "ro", "vi", "len", "dor", "mi", "sa", "tu", "bel", "an",
            ];
            let mut name = String::new();
            for _ in 0..2 + self.below(2) {
                name.push_str(syllables[self.below(syllables.len())]);
            }
            return name;
        }
        // Rank r with probability about 1/r: the square of a uniform pick.
        let u = self.below(1_000_000) as f64 / 1_000_000.0;
        let rank = ((words.len() as f64).powf(u) as usize).saturating_sub(1);
        words[rank.min(words.len() - 1)].to_owned()
    }

    fn sentence(&mut self, words: &[&str]) -> String {
        let n = 12 + self.below(14);
        let mut s: Vec<String> = (0..n).map(|_| self.word(words)).collect();
        let first = s[0].remove(0).to_ascii_uppercase();
        s[0].insert(0, first);
        format!("{}.", s.join(" "))
    }
}

/// An article page: chrome around paragraphs; its sentences are returned
/// too, for quoting.
fn article(index: usize, words: &[&str], heavy: bool) -> (String, Vec<String>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((index as u64 + 1) * 0x1000_0001));
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Article {index} \
         – The Review</title><link rel=\"stylesheet\" href=\"/site.css\">"
    );
    if heavy {
        chrome_head(&mut html, index);
    }
    html.push_str("</head><body><header><nav><ul>");
    // A news site's menu: every section and topic, each with its icon.
    for topic in 0..if heavy { 120 } else { 7 } {
        let _ = write!(
            html,
            "<li class=\"menu-item menu-item-type-taxonomy\"><a href=\"/topic/{topic}\" \
             data-track=\"nav-{topic}\"><svg class=\"icon\" viewBox=\"0 0 24 24\"><path \
             d=\"M12 2L2 7l10 5 10-5-10-5zM2 17l10 5 10-5M2 12l10 5 10-5\"/></svg>Topic {topic}</a></li>"
        );
    }
    html.push_str("</ul></nav></header><main><article>");
    // A made-up headline may mention "not found" (a real page all the
    // same: the soft-404 title rule once took it for one).
    let headline = rng.sentence(words);
    let _ = write!(
        html,
        "<h1>{headline}</h1><p class=\"byline\">By {} {}</p>",
        rng.word(words),
        rng.word(words)
    );
    let mut sentences = Vec::new();
    for _ in 0..12 + rng.below(12) {
        html.push_str("<p>");
        for _ in 0..3 + rng.below(4) {
            let s = rng.sentence(words);
            html.push_str(&s);
            html.push(' ');
            sentences.push(s);
        }
        html.push_str("</p>");
    }
    html.push_str("</article><aside><h2>Most read</h2><ol>");
    for _ in 0..8 {
        let _ = write!(
            html,
            "<li><a href=\"/a/x\">{}</a></li>",
            rng.sentence(words)
        );
    }
    html.push_str(
        "</ol></aside></main><footer><p>The Review is published by the Institute. All \
         rights reserved. Privacy policy. Terms of use. Contact us. Subscribe to our \
         newsletter for the week's most important stories.</p><ul>",
    );
    for link in 0..if heavy { 80 } else { 4 } {
        let _ = write!(
            html,
            "<li><a href=\"/about/{link}\" rel=\"nofollow\">Footer link {link}</a></li>"
        );
    }
    let _ = write!(
        html,
        "</ul></footer><script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\
         \"@type\":\"NewsArticle\",\"headline\":\"Article {index}\"}}</script></body></html>"
    );
    (html, sentences)
}

/// What a real article page carries in its head besides the article:
/// meta tags, a style sheet and a script bundle inline (together about
/// 90 KB, as news pages have).
fn chrome_head(html: &mut String, index: usize) {
    for name in 0..30 {
        let _ = write!(
            html,
            "<meta property=\"og:field{name}\" content=\"The Review article {index}, field {name}\">"
        );
    }
    html.push_str("<style>");
    for rule in 0..400 {
        let _ = write!(
            html,
            ".c{rule}{{margin:0 {rule}px;padding:{}px;font:400 1rem/1.5 serif;color:#{:06x}}}",
            rule % 17,
            rule * 2711 % 0xFF_FFFF
        );
    }
    html.push_str("</style><script>");
    for f in 0..700 {
        let _ = write!(
            html,
            "function f{f}(a,b){{var c=a+{f};if(b){{return c*b}}return window.__s[{f}]=c}}"
        );
    }
    html.push_str("</script>");
}

/// A quote's words with one word changed.
fn changed(sentence: &str) -> String {
    let mut words: Vec<&str> = sentence.split(' ').collect();
    let at = words.len() / 2;
    words[at] = "notably";
    words.join(" ")
}

/// The pages, and the sentence each memo quotes from each.
struct Corpus {
    pages: HashMap<String, Arc<[u8]>>,
    sentences: Vec<Vec<String>>,
}

/// `count` article pages; `heavy`: with a news site's full chrome.
fn corpus(count: usize, heavy: bool) -> Corpus {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut pages = HashMap::new();
    let mut sentences = Vec::new();
    for i in 0..count {
        let (html, said) = article(i, &words, heavy);
        pages.insert(format!("/a/{i}.html"), Arc::from(html.into_bytes()));
        sentences.push(said);
    }
    Corpus { pages, sentences }
}

fn url(port: u16, i: usize) -> String {
    let host = 1 + i % usize::from(HOSTS);
    format!("http://127.0.0.{host}:{port}/a/{i}.html")
}

/// A memo quoting `quotes` (with quotation marks when `marked`), then its
/// sources listed at the end, as memos extracted from PDFs do.
fn memo(quotes: &[String], sources: &[String], marked: bool) -> String {
    let mut text = String::from("Memo\n\nThe evidence gathered for this memo:\n\n");
    for (i, quote) in quotes.iter().enumerate() {
        if marked {
            let _ = writeln!(text, "As one official put it, “{quote}” [{}]\n", i + 1);
        } else {
            let _ = writeln!(text, "As one official put it, {quote} [{}]\n", i + 1);
        }
    }
    text.push_str("Sources\n\n");
    for (i, source) in sources.iter().enumerate() {
        let _ = writeln!(text, "[{}] {source}", i + 1);
    }
    text
}

const ARGS: &str = "check --no-cache --no-archive --allow-private --host-interval 0 \
                    --host-concurrency 8 --max-concurrency 128 --max-retries 0 -f json -q";

/// Quote verdict counts of a citecheck JSON report.
fn quote_counts(stdout: &[u8]) -> HashMap<String, u64> {
    let report: serde_json::Value = serde_json::from_slice(stdout).expect("citecheck JSON report");
    report["summary"]["quotes_by_verdict"]
        .as_object()
        .expect("quotes_by_verdict")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect()
}

/// The quotes of a report that are not `found`, with their reasons.
fn not_found(stdout: &[u8]) -> String {
    let report: serde_json::Value = serde_json::from_slice(stdout).expect("citecheck JSON report");
    let mut out = String::new();
    for memo in report["memos"].as_array().into_iter().flatten() {
        for link in memo["links"].as_array().into_iter().flatten() {
            if link["verdict"] != "ok" {
                let _ = write!(
                    out,
                    "\n{} {} {}",
                    link["url"], link["verdict"], link["reason"]
                );
            }
        }
        for quote in memo["quotes"].as_array().into_iter().flatten() {
            if quote["verdict"] != "found" {
                let _ = write!(out, "\n{} {}", quote["text"], quote["reason"]);
            }
        }
    }
    out
}

/// Run the memos of `with` and of `without` alternately `runs` times;
/// their median wall and CPU times, each run's quote verdicts checked.
fn compare(
    dir: &Path,
    with: &[String],
    without: &[String],
    runs: usize,
    check: impl Fn(&HashMap<String, u64>, &[u8]),
) -> ((Duration, Duration), (Duration, Duration)) {
    let program = Path::new(env!("CARGO_BIN_EXE_citecheck"));
    let args = |memos: &[String]| -> Vec<String> {
        ARGS.split_whitespace()
            .map(String::from)
            .chain(memos.iter().cloned())
            .collect()
    };
    let (mut wall_with, mut cpu_with, mut wall_without, mut cpu_without) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let m = measure(program, &args(with), dir);
        check(&quote_counts(&m.stdout), &m.stdout);
        wall_with.push(m.wall);
        cpu_with.push(m.cpu.unwrap_or(m.wall));
        let m = measure(program, &args(without), dir);
        assert_eq!(quote_counts(&m.stdout).values().sum::<u64>(), 0);
        wall_without.push(m.wall);
        cpu_without.push(m.cpu.unwrap_or(m.wall));
    }
    (
        (median(wall_with), median(cpu_with)),
        (median(wall_without), median(cpu_without)),
    )
}

fn write_memos(dir: &Path, name: &str, memos: &[String]) -> Vec<String> {
    memos
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.join(format!("{name}-{i}.txt"));
            std::fs::write(&path, text).expect("write memo");
            path.to_string_lossy().into_owned()
        })
        .collect()
}

fn many_sources(runs: usize) -> f64 {
    let (memos, per_memo) = (100, 50);
    let corpus = corpus(memos * per_memo, false);
    let temp = tempfile::tempdir().expect("temporary directory");
    let pages = corpus.pages;
    let port = start_server(common::site(move |path| pages.get(path).cloned()));
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for m in 0..memos {
        let range = m * per_memo..(m + 1) * per_memo;
        let sources: Vec<String> = range.clone().map(|i| url(port, i)).collect();
        let quotes: Vec<String> = range.map(|i| corpus.sentences[i][3].clone()).collect();
        with.push(memo(&quotes, &sources, true));
        without.push(memo(&quotes, &sources, false));
    }
    let with = write_memos(temp.path(), "with", &with);
    let without = write_memos(temp.path(), "without", &without);
    let expected = (memos * per_memo) as u64;
    let program = env!("CARGO_BIN_EXE_citecheck");
    common::hold(
        temp.path(),
        &[
            format!("{program} {ARGS} {}", with.join(" ")),
            format!("{program} {ARGS} {}", without.join(" ")),
        ],
    );
    let ((wall, _), (bare, _)) = compare(temp.path(), &with, &without, runs, |counts, report| {
        assert_eq!(
            counts["found"],
            expected,
            "every quote is on its source: {counts:?}; not found: {}",
            not_found(report)
        );
    });
    let ratio = wall.as_secs_f64() / bare.as_secs_f64();
    println!(
        "| many sources: {memos} memos × {per_memo} sources, a quote each | {:.2} s | {:.2} s | {ratio:.2}× |",
        wall.as_secs_f64(),
        bare.as_secs_f64(),
    );
    ratio
}

fn articles(runs: usize) -> f64 {
    let corpus = corpus(127, true);
    let temp = tempfile::tempdir().expect("temporary directory");
    let pages = corpus.pages;
    let port = start_server(common::site(move |path| pages.get(path).cloned()));
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut elsewhere = Rng(7);
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for m in 0..2 {
        // Two memos of 64 sources sharing one page: 127 pages.
        let range: Vec<usize> = (m * 63..m * 63 + 64).collect();
        let sources: Vec<String> = range.iter().map(|&i| url(port, i)).collect();
        let quotes: Vec<String> = range
            .iter()
            .enumerate()
            .map(|(k, &i)| match k % 32 {
                0..24 => corpus.sentences[i][2].clone(),
                24..29 => changed(&corpus.sentences[i][5]),
                _ => elsewhere.sentence(&words),
            })
            .collect();
        with.push(memo(&quotes, &sources, true));
        without.push(memo(&quotes, &sources, false));
    }
    let with = write_memos(temp.path(), "with", &with);
    let without = write_memos(temp.path(), "without", &without);
    let ((_, cpu), (_, bare)) = compare(temp.path(), &with, &without, runs, |counts, _| {
        assert_eq!(counts["found"], 96, "{counts:?}");
        assert_eq!(counts["approximate"], 20, "{counts:?}");
        assert_eq!(counts["missing"], 12, "{counts:?}");
    });
    let ratio = cpu.as_secs_f64() / bare.as_secs_f64();
    println!(
        "| articles: 2 memos × 64 sources, 128 quotes (CPU time) | {:.2} s | {:.2} s | {ratio:.2}× |",
        cpu.as_secs_f64(),
        bare.as_secs_f64(),
    );
    ratio
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is ignored.
    let runs = env_number("BENCH_RUNS", 5).max(1);
    println!("| workload | with quotes | without | ratio |");
    println!("|---|---:|---:|---:|");
    let mut broken = Vec::new();
    if std::env::var_os("BENCH_HOLD").is_none() {
        let ratio = articles(runs);
        if ratio > MAX_ARTICLES {
            broken.push(format!("articles cost {ratio:.2}×, over {MAX_ARTICLES}×"));
        }
    }
    let ratio = many_sources(runs);
    if ratio > MAX_MANY_SOURCES {
        broken.push(format!(
            "many sources cost {ratio:.2}×, over {MAX_MANY_SOURCES}×"
        ));
    }
    for why in &broken {
        println!("LIMIT BROKEN: {why}");
    }
    if !broken.is_empty() {
        std::process::exit(1);
    }
    println!(
        "\nlimits held: articles at most {MAX_ARTICLES}×, many sources at most \
         {MAX_MANY_SOURCES}× the run without quotes"
    );
}

/// What quotes may cost the articles workload (CPU time, with ÷ without).
const MAX_ARTICLES: f64 = 2.0;
/// What quotes may cost the many-sources workload (wall time).
const MAX_MANY_SOURCES: f64 = 1.5;
