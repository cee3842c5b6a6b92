//! Attribution checks end to end: a memo that quotes comment threads
//! (WordPress, a Disqus export, phpBB) and articles (a byline in
//! `<meta name="author">`, JSON-LD `author`, the speaker named beside the
//! quote), rightly and wrongly, checked against the pages served locally.

use crate::server::{Reply, Server};
use crate::support::{check_memo, citecheck, fixture};
use serde_json::Value;

fn routes(path: &str, _: usize) -> Reply {
    let page = |name: &str| std::fs::read_to_string(fixture(&format!("attribution/{name}")));
    match path.trim_start_matches('/') {
        name @ ("wordpress.html"
        | "phpbb.html"
        | "disqus.html"
        | "article-meta.html"
        | "article-jsonld.html") => Reply::html(200, &page(name).unwrap()),
        _ => Reply::html(404, "<title>Not found</title>"),
    }
}

/// Each paragraph quotes one page; `(expected check, memo paragraph)`.
const MEMO: &[(&str, &str)] = &[
    (
        "confirmed",
        "Lukas Vitalius wrote: “Russia has no intention of joining NATO or the EU.” \
         ([thread](BASE/wordpress.html#comment-897))",
    ),
    (
        "elsewhere",
        "Kurt Meyer warned that “the Union remains attractive to many in Moscow” \
         ([reply](BASE/wordpress.html#comment-898))",
    ),
    (
        "confirmed",
        "Jörg Ruehe wrote: “I disagree: the Union remains attractive to many in Moscow, \
         whatever its leaders say.” ([reply](BASE/wordpress.html#comment-898))",
    ),
    (
        "absent",
        "Dr. Hans Blix said: “Energy is the only lever that matters here.” \
         ([comment](BASE/wordpress.html#comment-905))",
    ),
    (
        "null",
        "NATO said: “Energy is the only lever that matters here, and everyone in Kyiv knows it.” \
         ([comment](BASE/wordpress.html#comment-905))",
    ),
    (
        "confirmed",
        "Anna Kowalska wrote that “sanctions will bite within a year, not sooner” \
         ([forum](BASE/phpbb.html#p4521))",
    ),
    (
        "elsewhere",
        "Piotr Nowak argued that “the banks will feel it first” ([forum](BASE/phpbb.html#p4521))",
    ),
    (
        "confirmed",
        "Sam Okafor wrote: “The fleet in Sevastopol changes every calculation in the region.” \
         ([discussion](BASE/disqus.html))",
    ),
    (
        "absent",
        "Mikhail Lebedev warned that “Turkey holds the straits and will not let anyone forget it.” \
         ([discussion](BASE/disqus.html))",
    ),
    (
        "confirmed",
        "Elena Petrova wrote that “no government stepped in to replace them” \
         ([article](BASE/article-meta.html))",
    ),
    (
        "confirmed",
        "Anders Fogh Rasmussen said: “We will not be divided on this.” \
         ([article](BASE/article-meta.html))",
    ),
    (
        "confirmed",
        "Jaap de Hoop Scheffer declared: “the door remains open to all European democracies that \
         share our values.” ([article](BASE/article-meta.html))",
    ),
    (
        "absent",
        "Sen. John McCain said: “The consortium never settled who would pay for the compressor \
         stations.” ([article](BASE/article-meta.html))",
    ),
    (
        "confirmed",
        "Tomas Ortega argued that “interconnectors were built where they were cheapest, not where \
         they were needed” ([review](BASE/article-jsonld.html))",
    ),
    (
        "null",
        "The Secretary General said: “A common market for gas was always more promise than plan.” \
         ([review](BASE/article-jsonld.html))",
    ),
];

fn write_memo(server: &Server, dir: &std::path::Path) -> std::path::PathBuf {
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let text: Vec<String> = MEMO
        .iter()
        .map(|(_, paragraph)| paragraph.replace("BASE", base))
        .collect();
    let path = dir.join("memo.md");
    std::fs::write(&path, format!("# Memo\n\n{}\n", text.join("\n\n"))).unwrap();
    path
}

#[test]
fn every_quote_with_a_personal_speaker_has_its_attribution_checked() {
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(&server, dir.path());
    let (report, code) = check_memo(&memo, &["--no-archive", "--max-retries", "0"]);
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), MEMO.len(), "{quotes:#?}");
    for (quote, (want, paragraph)) in quotes.iter().zip(MEMO) {
        assert_eq!(quote["verdict"], "found", "{paragraph}: {quote:#}");
        let check = &quote["attribution_check"];
        let got = check["verdict"].as_str().unwrap_or("null");
        assert_eq!(got, *want, "{paragraph}: {check:#}");
        let severity = if want == &"elsewhere" || want == &"absent" {
            "warning"
        } else {
            "info"
        };
        assert_eq!(quote["severity"], severity, "{paragraph}");
    }
    // The evidence says where the page names the speaker.
    let evidence = |i: usize| quotes[i]["attribution_check"]["evidence"].as_str().unwrap();
    assert_eq!(
        evidence(1),
        "the page names Meyer as the author of comment 905, not of the comment that holds the \
         quote (comment 898, by Jörg Rühe)"
    );
    assert!(evidence(0).contains("comment 897"), "{}", evidence(0));
    assert_eq!(evidence(3), "the page does not name Blix");
    assert!(evidence(6).contains("post 4522"), "{}", evidence(6));
    assert!(evidence(9).contains("byline"), "{}", evidence(9));
    assert!(evidence(13).contains("byline"), "{}", evidence(13));
    assert!(
        evidence(10).contains("beside the quote"),
        "{}",
        evidence(10)
    );
    // The reason carries it into every format.
    let reason = quotes[1]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("attributed to Kurt Meyer, but the page names Meyer"),
        "{reason}"
    );
    // Warnings only: the run passes unless asked to fail on them.
    assert_eq!(code, 0);
    let github = dir.path().join("annotations.txt");
    let github_output = format!("github={}", github.display());
    let out = citecheck(
        &[
            "check",
            memo.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--no-archive",
            "--fail-on",
            "warning",
            "-f",
            "markdown",
            "-f",
            &github_output,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for shown in [
        "attributed to Kurt Meyer",
        "attributed to Dr. Hans Blix, but the page does not name Blix",
        "attributed to Piotr Nowak",
    ] {
        assert!(stdout.contains(shown), "{shown} not in:\n{stdout}");
    }
    let annotations = std::fs::read_to_string(&github).unwrap();
    let warnings: Vec<&str> = annotations
        .lines()
        .filter(|l| l.starts_with("::warning") && l.contains("attributed to"))
        .collect();
    assert_eq!(warnings.len(), 5, "{annotations}");
}

/// A page that names nobody beside a quote in its body but names the
/// speaker only as a commenter: `elsewhere`, saying so.
#[test]
fn an_article_quote_given_to_a_commenter_is_elsewhere() {
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let page = server.url("/wordpress.html");
    let memo = dir.path().join("memo.md");
    let text = format!(
        "Lukas Vitalius wrote that “transit fees fell for the third year running” \
         ([article]({page})).\n"
    );
    std::fs::write(&memo, text).unwrap();
    let (report, _) = check_memo(&memo, &["--no-archive"]);
    let check: &Value = &report["memos"][0]["quotes"][0]["attribution_check"];
    assert_eq!(check["verdict"], "elsewhere", "{check:#}");
    assert_eq!(
        check["evidence"],
        "the page names Vitalius only as the author of comment 897, and the quote is in the \
         article"
    );
}
