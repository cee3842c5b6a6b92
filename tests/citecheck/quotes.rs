//! Quote verification end to end: memos checked against pages served
//! locally, in HTML, plain text and PDF.

use crate::server::{Reply, Server};
use crate::support::seed_memo_for;
use crate::support::{check_memo, pdf_with_lines};
use serde_json::Value;

fn check(path: &std::path::Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["--no-archive", "--max-retries", "0"];
    args.extend_from_slice(extra);
    check_memo(path, &args)
}

/// `(line, verdict)` of every quote, and the quote on `line`.
fn quote_verdicts(report: &Value) -> Vec<(u64, String)> {
    report["memos"][0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["line"].as_u64().unwrap(),
                q["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn quote_on(report: &Value, line: u64) -> &Value {
    report["memos"][0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["line"] == line)
        .unwrap()
}

pub const ARTICLE: &str = r#"<html><head><title>NATO and Russia Need a Shared Vision</title>
<script>var related = "carve out a special role of some other sort for Russia";</script></head>
<body><h1>NATO and Russia Need a Shared Vision</h1>
<p>Both sides must act now to prevent the East&ndash;West ice age.</p>
<p>Many in Moscow <em>hope</em> to move on&nbsp;from the Putin era of con&shy;fron<span>tation</span>.</p>
</body></html>"#;

pub const UKRAINE: &str = r#"<html><head><title>Supporting Ukraine</title></head><body>
<p>After all, the roots of Russian statehood lie in Kiev and Crimea hosts a major Russian naval base.</p>
<p>&ldquo;Russia is doing everything that it can to re-emerge as a major world player,&rdquo; he wrote.</p>
</body></html>"#;

pub const PARTNER: &str = r#"<html><head><title>The West Needs Russia as a Partner</title></head><body>
<p>Nothing quoted here.</p><noscript>carve out a special role of some other sort for Russia</noscript>
</body></html>"#;

pub const COMMENTS: &str = r#"<html><head><title>Comments</title></head><body>
<div id="comment897">First comment.</div><div id="comment906">Second comment.</div>
<div id="comment904"><p>Russia has no intention of joining NATO or the EU. It is a power of its own.</p></div>
</body></html>"#;

pub fn seed_routes(path: &str, _: usize) -> Reply {
    match path {
        "/index/Open_Think_Tank_Article/NATO_and_Russia_Need_a_Shared_Vision" => {
            Reply::html(200, ARTICLE)
        }
        "/index/Open_Think_Tank_Article/Supporting_Ukraine%2C_but_Worrying_About_Russia" => {
            Reply::html(200, UKRAINE)
        }
        "/index/Open_Think_Tank_Article/The_West_Needs_Russia_as_a_Partner" => {
            Reply::html(200, PARTNER)
        }
        "/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision" => Reply::html(200, COMMENTS),
        "/" => Reply::html(200, "<title>Home</title><p>Welcome</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    }
}

#[test]
fn the_seed_memo_gets_found_approximate_and_missing() {
    let server = Server::start(seed_routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = seed_memo_for(&server.url(""), dir.path());
    let (report, code) = check(&memo, &[]);
    assert_eq!(
        quote_verdicts(&report),
        vec![
            (38, "approximate".to_owned()),
            (40, "found".to_owned()),
            (42, "found".to_owned()),
            (46, "missing".to_owned()),
            (52, "found".to_owned()),
            (53, "found".to_owned()),
        ]
    );
    // Every link is fine: the only error is the missing quote.
    assert_eq!(report["summary"]["links_by_verdict"]["ok"], 16);
    assert_eq!(code, 1);

    let kyiv = quote_on(&report, 38);
    assert_eq!(kyiv["severity"], "warning");
    assert!(
        kyiv["reason"].as_str().unwrap().contains("Kyiv → Kiev"),
        "{kyiv}"
    );
    assert_eq!(
        kyiv["matched_text"],
        "the roots of Russian statehood lie in Kiev and Crimea hosts a major Russian naval base"
    );
    assert!(
        kyiv["source"]
            .as_str()
            .unwrap()
            .ends_with("Supporting_Ukraine%2C_but_Worrying_About_Russia")
    );
    let similarity = kyiv["similarity"].as_f64().unwrap();
    assert!((0.85..1.0).contains(&similarity), "{similarity}");

    // Split across tags, &nbsp; and &shy; on the page: found as written.
    let putin = quote_on(&report, 42);
    assert_eq!(putin["similarity"], 1.0);
    assert_eq!(
        putin["matched_text"],
        "hope to move on\u{a0}from the Putin era of con\u{ad}frontation"
    );
    // In a script and a noscript only: not on the page a reader sees.
    let carve = quote_on(&report, 46);
    assert_eq!(carve["severity"], "error");
    assert!(
        carve["reason"]
            .as_str()
            .unwrap()
            .contains("not in the 5 sources read: no passage"),
        "{carve}"
    );
    // The editor's [of] is on the page here; the comment holds it.
    let power = quote_on(&report, 53);
    assert!(
        power["source"]
            .as_str()
            .unwrap()
            .ends_with("/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision")
    );
}

#[test]
fn quotes_are_unverifiable_when_no_source_can_be_read() {
    let server = Server::start(|path, _| {
        if path == "/" {
            Reply::html(500, "down")
        } else {
            Reply::html(403, "<title>Forbidden</title>")
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = seed_memo_for(&server.url(""), dir.path());
    let (report, _) = check(&memo, &[]);
    let verdicts = quote_verdicts(&report);
    assert_eq!(verdicts.len(), 6);
    assert!(
        verdicts.iter().all(|(_, v)| v == "unverifiable"),
        "{verdicts:?}"
    );
    let quote = quote_on(&report, 40);
    assert_eq!(quote["severity"], "warning");
    let reason = quote["reason"].as_str().unwrap();
    assert!(reason.starts_with("no source could be read"), "{reason}");
    assert!(reason.contains("HTTP 403"), "{reason}");
}

#[test]
fn quotes_are_checked_in_pdf_and_plain_text_sources() {
    let server = Server::start(|path, _| {
        match path {
        "/report.pdf" => Reply::Full {
            status: 200,
            headers: vec![("content-type", "application/pdf".into())],
            body: pdf_with_lines(&[
                "Annual review. The committee concluded that the re-",
                "forms had failed to reach 40 percent of rural areas.",
            ]),
        },
        "/broken.pdf" => Reply::Full {
            status: 200,
            headers: vec![("content-type", "application/pdf".into())],
            body: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF".to_vec(),
        },
        "/notes.txt" => Reply::Full {
            status: 200,
            headers: vec![("content-type", "text/plain; charset=utf-8".into())],
            body: "The minister said the plan would cost 30 percent more than forecast.".into(),
        },
        _ => Reply::html(404, "<title>Not found</title>"),
    }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "# Memo\n\nThe review found that “the reforms had failed to reach 40 percent of rural areas” ([review]({})).\n\n\
             Its appendix is unreadable: “a table of the regional budgets for the year” ([appendix]({})).\n\n\
             The minister said “the plan would cost 40 percent more than forecast” ([notes]({})).\n",
            server.url("/report.pdf"),
            server.url("/broken.pdf"),
            server.url("/notes.txt"),
        ),
    )
    .unwrap();
    let (report, _) = check(&memo, &[]);
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 3, "{report}");
    assert_eq!(quotes[0]["verdict"], "found", "{}", quotes[0]);
    assert!(
        quotes[0]["source"]
            .as_str()
            .unwrap()
            .ends_with("/report.pdf")
    );
    assert_eq!(quotes[1]["verdict"], "unverifiable", "{}", quotes[1]);
    assert!(
        quotes[1]["reason"]
            .as_str()
            .unwrap()
            .contains("the PDF could not be read"),
        "{}",
        quotes[1]
    );
    // A changed number is never close enough to be found.
    assert_eq!(quotes[2]["verdict"], "approximate", "{}", quotes[2]);
    let reason = quotes[2]["reason"].as_str().unwrap();
    assert!(
        reason.contains("numbers differ: the quote has 40, the page 30"),
        "{reason}"
    );
}

/// `missing` only after every candidate was read whole: a page cut at the
/// body limit, a source excluded or interrupted leaves a quote not found
/// `unverifiable`, saying why.
#[test]
fn a_quote_past_the_body_limit_or_in_an_excluded_source_is_not_missing() {
    let long = format!(
        "<html><body><p>{}</p><p>The quote stands far down the page.</p></body></html>",
        "Filler words before the quote. ".repeat(4000)
    );
    let server = Server::start(move |path, _| match path {
        "/long" => Reply::html(200, &long),
        "/short" => Reply::html(200, "<p>Nothing quoted here at all.</p>"),
        _ => Reply::html(404, ""),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "He wrote: “the quote stands far down the page” ([long]({})).\n\n\
             She wrote: “nothing of this appears anywhere at all” ([short]({}), [other]({}))\n",
            server.url("/long"),
            server.url("/short"),
            server.url("/excluded/page"),
        ),
    )
    .unwrap();
    let (report, _) = check(&memo, &["--max-body", "64k", "--exclude", "/excluded/"]);
    let cut = quote_on(&report, 1);
    assert_eq!(cut["verdict"], "unverifiable", "{cut:#}");
    assert!(
        cut["reason"]
            .as_str()
            .unwrap()
            .contains("only its first part was read"),
        "{cut:#}"
    );
    let excluded = quote_on(&report, 3);
    assert_eq!(excluded["verdict"], "unverifiable", "{excluded:#}");
    let reason = excluded["reason"].as_str().unwrap();
    assert!(
        reason.contains("not in the 1 source read whole; 1 more could not be read"),
        "{reason}"
    );
    assert!(reason.contains("matches --exclude /excluded/"), "{reason}");
    // Read whole, the same page gives its verdict.
    let (whole, _) = check(&memo, &["--exclude", "/excluded/"]);
    assert_eq!(quote_on(&whole, 1)["verdict"], "found");
}
