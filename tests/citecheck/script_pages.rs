//! Pages that build their text with scripts, in the shapes client-rendered
//! sites use: no false `missing` or `anchor_missing` without a browser,
//! quotes found in their script data, and shells that read alike are no
//! soft 404 on that alone.

use crate::server::{Reply, Server};
use crate::support::check_memo;
use serde_json::Value;

/// A client-rendered page: a root left for scripts and `data` beside it.
fn shell(data: &str) -> String {
    format!(
        "<!doctype html><html><head><title>News</title></head><body><div id=\"__next\"></div>\
         {data}<script src=\"/app.js\"></script></body></html>"
    )
}

#[test]
fn script_built_pages_give_no_false_missing() {
    let site = Server::start(|path, _| match path {
        "/next" => Reply::html(
            200,
            &shell(
                "<script id=\"__NEXT_DATA__\" type=\"application/json\">{\"props\":{\"pageProps\":\
                 {\"article\":{\"id\":\"a1\",\"body\":\"<p>The minister said that the pipeline \
                 will be <em>finished</em> before the winter, whatever it costs.</p>\"}}}}</script>",
            ),
        ),
        "/ld" => Reply::html(
            200,
            &shell(
                "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":\
                 \"Talks resumed in Geneva on Monday after a pause of three months.\"}</script>",
            ),
        ),
        "/state" => Reply::html(
            200,
            &shell(
                "<script>window.__INITIAL_STATE__ = {\"story\":{\"text\":\"The committee \
                 rejected the budget by a wide margin on Tuesday.\"}};</script>",
            ),
        ),
        // Text and an anchor written by a script: nothing to read without
        // running it.
        "/written" => Reply::html(
            200,
            &shell("<script>document.write('<p id=\"c5\">Some words.</p>')</script>"),
        ),
        // A real page that lacks the quote: still `missing`.
        "/plain" => Reply::html(
            200,
            "<html><head><title>Plain</title></head><body><p>This page talks about the weather \
             in the mountains, the snow on the passes and the roads that close in winter, at \
             length and in detail, with nothing about budgets or pipelines or talks at all. It \
             goes on about rivers and lakes and the trains that still run when the roads are \
             shut, and about the villages that wait for spring.</p></body></html>",
        ),
        // Every other path: the same shell, as script-built sites answer.
        _ => Reply::html(200, &shell("")),
    });
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "The minister said “the pipeline will be finished before the winter” \
             ([a]({base}/next)).\n\n\
             We read that “talks resumed in Geneva on Monday” ([b]({base}/ld)).\n\n\
             The paper said “the committee rejected the budget by a wide margin” \
             ([c]({base}/state)).\n\n\
             A comment said “some words that scripts write” ([d]({base}/written#c5)).\n\n\
             The weather page said “the pipeline will be finished before the winter” \
             ([e]({base}/plain)).\n\n\
             See also [f]({base}/section/story-1).\n"
        ),
    )
    .unwrap();
    let (report, _) = check_memo(&memo, &["--no-archive", "--max-retries", "0"]);
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    let verdict = |i: usize| quotes[i]["verdict"].as_str().unwrap().to_owned();
    assert_eq!(verdict(0), "found", "{}", quotes[0]);
    assert_eq!(verdict(1), "found", "{}", quotes[1]);
    assert_eq!(verdict(2), "found", "{}", quotes[2]);
    assert_eq!(verdict(3), "unverifiable", "{}", quotes[3]);
    assert!(
        quotes[3]["reason"].as_str().unwrap().contains("--render"),
        "{}",
        quotes[3]
    );
    assert_eq!(verdict(4), "missing", "an ordinary page still says missing");
    let links = report["memos"][0]["links"].as_array().unwrap();
    let link = |path: &str| -> &Value {
        links
            .iter()
            .find(|l| l["url"].as_str().unwrap().contains(path))
            .unwrap()
    };
    let written = link("/written#c5");
    assert_ne!(written["verdict"], "anchor_missing", "{written}");
    let other = link("/section/story-1");
    assert_ne!(
        other["verdict"], "soft_404",
        "two script shells read alike: {other}"
    );
}
