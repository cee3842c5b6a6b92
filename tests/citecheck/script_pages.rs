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
    for quote in &quotes[..3] {
        let reason = quote["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("in the page's script data"), "{quote}");
    }
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
    assert!(
        link("/next")["scripts"]
            .as_str()
            .unwrap()
            .contains("script data"),
        "{}",
        link("/next")
    );
    assert!(link("/plain").get("scripts").is_none());
    let written = link("/written#c5");
    assert_ne!(written["verdict"], "anchor_missing", "{written}");
    let other = link("/section/story-1");
    assert_ne!(
        other["verdict"], "soft_404",
        "two script shells read alike: {other}"
    );
}

/// A script served as JavaScript.
fn script(body: &str) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("content-type", "application/javascript".into())],
        body: body.as_bytes().to_vec(),
    }
}

/// A client-rendered site: every path is the same shell, and its script
/// puts the page's text on screen (a story, text fetched from an API, a
/// page that asks the cloud-metadata address, or "not found").
fn rendered_site() -> Server {
    Server::start(|path, _| {
        match path {
        "/app.js" => script(
            "var root = document.getElementById('__next');\n\
             var path = location.pathname;\n\
             if (path === '/story') {\n\
               root.innerHTML = '<h1>The story</h1><p>The council voted to close the old \
             bridge to lorries from March.</p><p id=\"c5\">A reader wrote that the detour adds \
             twenty minutes each way.</p>';\n\
             } else if (path === '/fetched') {\n\
               fetch('/api/story').then(function (r) { return r.json(); })\n\
                 .then(function (d) { root.textContent = d.text; });\n\
             } else if (path === '/metadata') {\n\
               fetch('http://169.254.169.254/latest/meta-data/').then(\n\
                 function () { root.textContent = 'the metadata service answered the page'; },\n\
                 function () { root.textContent = 'the metadata service never answered the \
             page, so the words stayed these'; });\n\
             } else {\n\
               root.innerHTML = '<h1>Page not found</h1><p>We looked everywhere but this \
             page is not here. Try the search box or go back to the front page.</p>';\n\
             }\n",
        ),
        // An answer slower than the text takes to settle: the page is read
        // once it waits for nothing more, not when its text first holds
        // still.
        "/api/story" => Reply::After(
            std::time::Duration::from_secs(2),
            Box::new(Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/json".into())],
                body: br#"{"text": "Ridership on the night buses doubled in the first year of the trial."}"#
                    .to_vec(),
            }),
        ),
        _ => Reply::html(200, &shell("")),
    }
    })
}

#[test]
fn render_auto_reads_script_built_pages_in_chromium() {
    let site = rendered_site();
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "The council “voted to close the old bridge to lorries” ([a]({base}/story)).\n\n\
             A reader said “the detour adds twenty minutes each way” ([b]({base}/story#c5)).\n\n\
             “Ridership on the night buses doubled” ([c]({base}/fetched)).\n\n\
             It said “the metadata service never answered the page” ([d]({base}/metadata)).\n\n\
             See also [e]({base}/gone-story).\n"
        ),
    )
    .unwrap();
    let (report, _) = check_memo(
        &memo,
        &["--no-archive", "--max-retries", "0", "--render", "auto"],
    );
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    for (i, quote) in quotes.iter().enumerate() {
        assert_eq!(quote["verdict"], "found", "quote {i}: {quote}");
    }
    let links = report["memos"][0]["links"].as_array().unwrap();
    let link = |url: &str| -> &Value {
        links
            .iter()
            .find(|l| l["url"].as_str().unwrap().ends_with(url))
            .unwrap()
    };
    let anchored = link("/story#c5");
    assert_eq!(anchored["verdict"], "ok", "{anchored}");
    assert_eq!(anchored["fragment"]["found"], true, "{anchored}");
    assert!(
        anchored["scripts"]
            .as_str()
            .unwrap()
            .contains("rendered in headless Chromium"),
        "{anchored}"
    );
    // The page's request to the metadata address got no answer: the guard
    // refused it, and the report says so.
    let metadata = link("/metadata");
    assert!(
        metadata["scripts"]
            .as_str()
            .unwrap()
            .contains("169.254.169.254"),
        "{metadata}"
    );
    // Rendering shows the same "not found" page as a made-up path: a soft
    // 404, which the shells alone never were.
    let gone = link("/gone-story");
    assert_eq!(gone["verdict"], "soft_404", "{gone}");
    // The browser is handed the page the fetcher had: each page is still
    // requested from the site once (its script once, by the browser).
    for path in ["/story", "/fetched", "/metadata", "/gone-story"] {
        assert_eq!(site.hits(path), 1, "{path} was requested again");
    }
    assert!(site.hits("/app.js") >= 1, "the page's script was never run");
}

#[test]
fn a_browser_that_cannot_start_leaves_the_script_data_reading() {
    let site = rendered_site();
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!("The council “voted to close the old bridge to lorries” ([a]({base}/story)).\n"),
    )
    .unwrap();
    let missing = dir.path().join("no-such-chromium");
    let (report, code) = check_memo(
        &memo,
        &[
            "--no-archive",
            "--max-retries",
            "0",
            "--render",
            "auto",
            "--browser",
            missing.to_str().unwrap(),
        ],
    );
    let quote = &report["memos"][0]["quotes"][0];
    assert_eq!(quote["verdict"], "unverifiable", "{quote}");
    let reason = quote["reason"].as_str().unwrap();
    assert!(reason.contains("rendering it failed"), "{reason}");
    let link = &report["memos"][0]["links"][0];
    assert_eq!(link["verdict"], "ok", "{link}");
    assert!(
        link["scripts"]
            .as_str()
            .unwrap()
            .contains("rendering failed"),
        "{link}"
    );
    assert_eq!(code, 0, "an unverifiable quote is a warning");
}

#[test]
fn rendered_pages_are_cached_like_fetched_ones() {
    let site = rendered_site();
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "A reader said “the detour adds twenty minutes each way” ([b]({base}/story#c5)).\n"
        ),
    )
    .unwrap();
    let run = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"));
        cmd.args(["check", memo.to_str().unwrap(), "--allow-private"])
            .args(["--host-interval", "0", "--no-archive", "--max-retries", "0"])
            .args(["--render", "auto", "-f", "json", "--cache-dir"])
            .arg(&cache);
        crate::support::no_internet(&mut cmd);
        cmd.env_remove("CITECHECK_NO_CACHE");
        let out = cmd.output().unwrap();
        let mut json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        json["summary"]["elapsed_ms"] = 0.into();
        json["memos"][0].as_object_mut().unwrap().remove("changes");
        json
    };
    let first = run();
    assert_eq!(
        first["memos"][0]["quotes"][0]["verdict"], "found",
        "{first}"
    );
    let hits = |site: &Server| -> usize { site.paths().iter().map(|p| site.hits(p)).sum() };
    let before = hits(&site);
    let mut second = run();
    assert_eq!(
        hits(&site),
        before,
        "the rerun asked the site (or rendered) again"
    );
    // The same report, but that the rerun's verdict says it came from the
    // cache.
    let link = second["memos"][0]["links"][0].as_object_mut().unwrap();
    assert!(link.remove("cached_at").is_some_and(|at| at.is_string()));
    assert_eq!(first, second);
}

#[test]
fn renders_are_capped_at_render_concurrency() {
    // Three shells whose script waits a second for its text: rendered one
    // at a time, each page's data request comes a second or more after
    // the one before (a busy machine only widens the gaps).
    let site = Server::start(|path, _| match path {
        "/app.js" => script(
            "fetch('/api' + location.pathname).then(function (r) { return r.text(); })\n\
             .then(function (t) { document.getElementById('__next').textContent = t; });\n",
        ),
        p if p.starts_with("/api/") => Reply::After(
            std::time::Duration::from_secs(1),
            Box::new(Reply::html(
                200,
                "The harbour authority raised the fees for night berths by a third.",
            )),
        ),
        _ => Reply::html(200, &shell("")),
    });
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "One “raised the fees for night berths” ([a]({base}/one)).\n\n\
             Two “raised the fees for night berths” ([b]({base}/two)).\n\n\
             Three “raised the fees for night berths” ([c]({base}/three)).\n"
        ),
    )
    .unwrap();
    let (report, _) = check_memo(
        &memo,
        &[
            "--no-archive",
            "--max-retries",
            "0",
            "--render",
            "auto",
            "--render-concurrency",
            "1",
        ],
    );
    for quote in report["memos"][0]["quotes"].as_array().unwrap() {
        assert_eq!(quote["verdict"], "found", "{quote}");
    }
    let mut times: Vec<std::time::Instant> = ["/api/one", "/api/two", "/api/three"]
        .iter()
        .flat_map(|p| site.times(p))
        .collect();
    times.sort();
    assert_eq!(times.len(), 3, "each page's data asked once");
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= std::time::Duration::from_millis(950),
            "two renders ran at once: {:?} apart",
            pair[1] - pair[0]
        );
    }
}
