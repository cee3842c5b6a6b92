//! Soft 404s and archived copies, against local servers: one plays the
//! cited sites, another imitates the Wayback Machine (availability API and
//! raw captures under `/web/<timestamp>id_/…`).

use crate::quotes::{ARTICLE, COMMENTS, PARTNER, UKRAINE};
use crate::server::{Reply, Server};
use crate::support::{check_memo, seed_memo_for};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

fn write_memo(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("memo.md");
    std::fs::write(&path, text).unwrap();
    path
}

fn links(report: &Value) -> &Vec<Value> {
    report["memos"][0]["links"].as_array().unwrap()
}

fn link_to<'a>(report: &'a Value, path: &str) -> &'a Value {
    links(report)
        .iter()
        .find(|l| {
            let url = l["url"].as_str().unwrap();
            let url = url.split('#').next().unwrap();
            url.split_once("//")
                .unwrap()
                .1
                .split_once('/')
                .map(|(_, p)| format!("/{p}"))
                == Some(path.to_owned())
        })
        .unwrap_or_else(|| panic!("no link to {path} in {report}"))
}

/// A 25-letter made-up name, as the random-path probe asks for.
fn is_probe(segment: &str) -> bool {
    segment.len() == 25 && segment.bytes().all(|b| b.is_ascii_lowercase())
}

const REAL: &str = "<html><head><title>Energy report</title></head><body><h1>Energy report</h1>\
    <p>The committee heard evidence on energy security, supply chains and the cost of delay, \
    and concluded that the reforms had failed to reach rural areas.</p></body></html>";

const CATCH_ALL: &str = "<html><head><title>Example Institute</title></head><body>\
    <h1>Welcome to the Example Institute</h1><p>We publish research on foreign policy, \
    security and trade. Browse our latest reports, events and commentary, or search the \
    archive for older publications.</p></body></html>";

#[test]
fn soft_404_rules_and_their_guards() {
    let site = Server::start(|path, _| match path {
        "/" => Reply::html(200, CATCH_ALL),
        "/moved-home" => Reply::redirect(301, "/"),
        "/moved-error" => Reply::redirect(302, "/errors/404.html"),
        "/errors/404.html" => Reply::html(200, "<title>Oops</title><p>Sorry.</p>"),
        "/titled" => Reply::html(
            200,
            "<title>Page not found – Example</title><p>Try search.</p>",
        ),
        "/betitelt" => Reply::html(200, "<title>Beispiel</title><h1>Seite nicht gefunden</h1>"),
        "/mentions-404" => Reply::html(
            200,
            "<title>HTTP errors explained</title><p>A 404 page not found error means the server \
             has nothing at that address.</p>",
        ),
        "/report" => Reply::html(200, REAL),
        p if p.starts_with("/search") => Reply::html(200, "<title>Search</title><p>Results</p>"),
        p if p.starts_with("/lost/") => Reply::redirect(302, "/search?q=lost"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    // A host that answers every path with its home page.
    let catch_all = Server::start(|path, _| match path {
        "/articles/real" => Reply::html(200, REAL),
        _ => Reply::html(200, CATCH_ALL),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &[
            site.url("/moved-home"),
            site.url("/moved-error"),
            site.url("/titled"),
            site.url("/betitelt"),
            site.url("/mentions-404"),
            site.url("/report"),
            site.url("/lost/story"),
            site.url("/"),
            catch_all.url("/articles/gone"),
            catch_all.url("/articles/also-gone"),
            catch_all.url("/articles/real"),
            catch_all.url("/"),
        ]
        .join("\n\n"),
    );
    let (report, code) = check_memo(&memo, &["--no-archive", "--max-retries", "0"]);
    assert_eq!(code, 1);
    let verdict = |host: &Server, path: &str| {
        let link = links(&report)
            .iter()
            .find(|l| l["url"] == host.url(path))
            .unwrap();
        (
            link["verdict"].as_str().unwrap().to_owned(),
            link["reason"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let (v, why) = verdict(&site, "/moved-home");
    assert_eq!(v, "soft_404");
    assert!(why.contains("home page"), "{why}");
    let (v, why) = verdict(&site, "/moved-error");
    assert_eq!(v, "soft_404");
    assert!(why.contains("error page"), "{why}");
    let (v, why) = verdict(&site, "/titled");
    assert_eq!(v, "soft_404");
    assert!(
        why.contains("title says “Page not found – Example”"),
        "{why}"
    );
    let (v, why) = verdict(&site, "/betitelt");
    assert_eq!(v, "soft_404");
    assert!(why.contains("first heading"), "{why}");
    let (v, why) = verdict(&site, "/lost/story");
    assert_eq!(v, "soft_404");
    assert!(why.contains("sends every path to"), "{why}");
    assert!(why.contains("a made-up URL"), "{why}");
    // Guards: text that merely mentions 404, a real page, the root.
    assert_eq!(verdict(&site, "/mentions-404").0, "ok");
    assert_eq!(verdict(&site, "/report").0, "ok");
    assert_eq!(verdict(&site, "/").0, "ok");
    let (v, why) = verdict(&catch_all, "/articles/gone");
    assert_eq!(v, "soft_404");
    assert!(
        why.starts_with("soft 404: the site answers every path with this page"),
        "{why}"
    );
    assert_eq!(verdict(&catch_all, "/articles/also-gone").0, "soft_404");
    assert_eq!(verdict(&catch_all, "/articles/real").0, "ok");
    assert_eq!(
        verdict(&catch_all, "/").0,
        "ok",
        "a site root is never a soft 404"
    );
    // One probe per host and parent path, however many pages share it.
    let probe = |server: &Server, parent: &str| {
        server
            .paths()
            .iter()
            .filter(|p| p.strip_prefix(parent).is_some_and(is_probe))
            .map(|p| server.hits(p))
            .sum::<usize>()
    };
    assert_eq!(probe(&catch_all, "/articles/"), 1);
    assert_eq!(probe(&site, "/lost/"), 1);
}

/// Captures the imitation archive holds: original URL → timestamps.
pub(crate) type Captures = HashMap<String, Vec<&'static str>>;

/// The imitation Wayback Machine: its CDX server lists the captures of a
/// URL nearest the `closest` timestamp (`sort=closest`, `limit`,
/// `output=json` or text lines), raw captures come from `body`, and its
/// availability API refuses every request (citecheck must not need it).
pub(crate) fn archive(
    captures: Captures,
    body: impl Fn(&str, &str) -> Option<String> + Send + Sync + 'static,
) -> Server {
    let captures: HashMap<String, Vec<String>> = captures
        .into_iter()
        .map(|(url, stamps)| (url, stamps.into_iter().map(str::to_owned).collect()))
        .collect();
    Server::start(move |path, n| {
        wayback_reply(&captures, path, n, &body)
            .unwrap_or_else(|| Reply::html(404, "<title>Not in the archive</title>"))
    })
}

/// What the imitation Wayback Machine answers at `path` (the `n`th
/// request to it), given the captures it holds and their bodies; `None`
/// for a path it does not serve.
pub(crate) fn wayback_reply(
    captures: &HashMap<String, Vec<String>>,
    path: &str,
    n: usize,
    body: &dyn Fn(&str, &str) -> Option<String>,
) -> Option<Reply> {
    if path.starts_with("/wayback/available") {
        return Some(Reply::html(429, "use the CDX server").with("retry-after", "3600"));
    }
    if let Some(query) = path.strip_prefix("/cdx/search/cdx?") {
        let pairs: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let url = pairs.get("url").cloned().unwrap_or_default();
        if url.ends_with("/malformed") {
            return Some(Reply::html(200, "[[\"timestamp\", "));
        }
        if url.ends_with("/busy-archive") && n == 1 {
            return Some(Reply::html(429, "slow down").with("retry-after", "1"));
        }
        let closest: u64 = pairs
            .get("closest")
            .and_then(|c| c.parse().ok())
            .unwrap_or(99_991_231_235_959);
        let limit: usize = pairs
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(usize::MAX);
        let mut listed: Vec<&str> = captures
            .get(&url)
            .map(|stamps| stamps.iter().map(String::as_str).collect())
            .unwrap_or_default();
        listed.sort_by_key(|t| t.parse::<u64>().unwrap().abs_diff(closest));
        listed.truncate(limit);
        if pairs.get("output").map(String::as_str) == Some("json") {
            let mut rows = vec![r#"["timestamp","original","statuscode"]"#.to_owned()];
            rows.extend(listed.iter().map(|t| format!(r#"["{t}","{url}","200"]"#)));
            let body = if listed.is_empty() {
                "[]".to_owned()
            } else {
                format!("[{}]", rows.join(",\n"))
            };
            return Some(Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/json".into())],
                body: body.into_bytes(),
            });
        }
        let lines: Vec<String> = listed
            .iter()
            .map(|t| format!("key {t} {url} text/html 200 DIGEST 100"))
            .collect();
        return Some(Reply::Full {
            status: 200,
            headers: vec![("content-type", "text/plain".into())],
            body: lines.join("\n").into_bytes(),
        });
    }
    let (ts, original) = path.strip_prefix("/web/")?.split_once("id_/")?;
    body(ts, original).map(|html| Reply::html(200, &html))
}

#[test]
fn dead_links_get_captures_near_the_memo_date() {
    let site = Server::start(|path, _| match path {
        "/gone" | "/old" | "/never-archived" | "/malformed" | "/busy-archive" => {
            Reply::html(404, "<title>Not found</title>")
        }
        "/comments" => Reply::html(200, "<p id=\"comment1\">One</p>"),
        _ => Reply::html(404, ""),
    });
    let base = site.url("");
    let captures: Captures = [
        (
            format!("{base}/gone"),
            vec!["20070101000000", "20080401000000", "20090101000000"],
        ),
        (format!("{base}/old"), vec!["20120101000000"]),
        (format!("{base}/comments"), vec!["20080301000000"]),
        (format!("{base}/busy-archive"), vec!["20080101000000"]),
    ]
    .into_iter()
    .collect();
    let wayback = archive(captures, |_, original| {
        if original.ends_with("/comments") {
            Some("<p id=\"comment1\">One</p><p id=\"comment2\">Two</p>".into())
        } else {
            Some("<title>Archived</title><p>An archived page.</p>".into())
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!(
            "---\ndate: 2008-05-12\n---\n\n{base}/gone\n\n{base}/old\n\n{base}/comments#comment2\n\n\
             {base}/never-archived\n\n{base}/malformed\n\n{base}/busy-archive\n"
        ),
    );
    let archive_url = wayback.url("");
    let (report, _) = check_memo(
        &memo,
        &["--archive-url", &archive_url, "--max-retries", "1"],
    );
    // The capture nearest the memo's date.
    let gone = link_to(&report, "/gone");
    assert_eq!(gone["verdict"], "broken");
    assert_eq!(gone["suggestion"]["source"], "archive");
    assert_eq!(gone["suggestion"]["timestamp"], "20080401000000");
    assert_eq!(
        gone["suggestion"]["url"],
        format!("{archive_url}/web/20080401000000/{base}/gone")
    );
    assert!(
        gone["reason"]
            .as_str()
            .unwrap()
            .contains("an archived copy of 2008-04-01 exists")
    );
    // Only a later capture: the closest is offered.
    assert_eq!(
        link_to(&report, "/old")["suggestion"]["timestamp"],
        "20120101000000"
    );
    // The anchor is missing now but the archived copy has it.
    let comments = link_to(&report, "/comments");
    assert_eq!(comments["verdict"], "anchor_missing");
    assert_eq!(comments["suggestion"]["timestamp"], "20080301000000");
    assert!(
        comments["reason"]
            .as_str()
            .unwrap()
            .contains("has the anchor")
    );
    // No capture; a malformed answer; 429 then an answer.
    let never = link_to(&report, "/never-archived");
    assert!(never["suggestion"].is_null());
    assert!(
        never["reason"]
            .as_str()
            .unwrap()
            .ends_with("no archived copy")
    );
    let malformed = link_to(&report, "/malformed");
    assert!(malformed["suggestion"].is_null());
    assert!(
        malformed["reason"]
            .as_str()
            .unwrap()
            .contains("the archive's CDX answer is not JSON rows"),
        "{malformed}"
    );
    assert_eq!(
        link_to(&report, "/busy-archive")["suggestion"]["timestamp"],
        "20080101000000"
    );
    let busy_query = wayback
        .paths()
        .into_iter()
        .find(|p| p.starts_with("/cdx/") && p.contains("busy-archive"))
        .unwrap();
    assert_eq!(wayback.hits(&busy_query), 2, "429 was retried");
    // Each page looked up once, near the memo's date.
    let gone_query = wayback
        .paths()
        .into_iter()
        .find(|p| p.starts_with("/cdx/") && p.contains("%2Fgone"))
        .unwrap();
    assert!(
        gone_query.contains("closest=20080512235959"),
        "{gone_query}"
    );
    assert_eq!(wayback.hits(&gone_query), 1);

    // --as-of moves the date; --no-archive asks nothing.
    let (report, _) = check_memo(
        &memo,
        &[
            "--archive-url",
            &archive_url,
            "--as-of",
            "2010-01-01",
            "--max-retries",
            "0",
        ],
    );
    assert_eq!(
        link_to(&report, "/gone")["suggestion"]["timestamp"],
        "20090101000000"
    );
    let asked = wayback.paths().len();
    let (report, _) = check_memo(&memo, &["--archive-url", &archive_url, "--no-archive"]);
    assert!(link_to(&report, "/gone")["suggestion"].is_null());
    assert_eq!(wayback.paths().len(), asked);
}

#[test]
fn an_archive_that_is_down_never_fails_the_run() {
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let down = Server::start(|_, _| Reply::Reset);
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(dir.path(), &site.url("/gone"));
    let (report, code) = check_memo(
        &memo,
        &["--archive-url", &down.url(""), "--max-retries", "0"],
    );
    assert_eq!(code, 1);
    let gone = link_to(&report, "/gone");
    assert_eq!(gone["verdict"], "broken");
    assert!(gone["suggestion"].is_null());
    assert!(
        gone["reason"]
            .as_str()
            .unwrap()
            .contains("the archive did not answer"),
        "{gone}"
    );
}

/// The seed memo's web today, and the archive: the Ukraine article is
/// gone, the comment 906 was deleted, and the article page now says
/// something else; the archive kept them all. (site, archive).
pub(crate) fn seed_web() -> (Server, Server) {
    // The Ukraine article is gone, the comment 906 was deleted, and the
    // article page now says something else; the archive kept them all.
    let site = Server::start(|path, _| match path {
        "/index/Open_Think_Tank_Article/NATO_and_Russia_Need_a_Shared_Vision" => Reply::html(
            200,
            &ARTICLE.replace("hope</em> to move on", "plan</em> to move on"),
        ),
        "/index/Open_Think_Tank_Article/The_West_Needs_Russia_as_a_Partner" => {
            Reply::html(200, PARTNER)
        }
        "/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision" => {
            Reply::html(200, &COMMENTS.replace("comment906", "comment-removed"))
        }
        "/" => Reply::html(200, "<title>Home</title><p>Welcome</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let base = site.url("");
    let captures: Captures = [
        "/index/Open_Think_Tank_Article/Supporting_Ukraine%2C_but_Worrying_About_Russia",
        "/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision",
        "/index/Open_Think_Tank_Article/NATO_and_Russia_Need_a_Shared_Vision",
    ]
    .iter()
    .map(|p| (format!("{base}{p}"), vec!["20080601000000"]))
    .collect();
    let wayback = archive(captures, |_, original| {
        Some(
            if original.contains("Supporting_Ukraine") {
                UKRAINE
            } else if original.contains("articles/view") {
                COMMENTS
            } else {
                ARTICLE
            }
            .to_owned(),
        )
    });
    (site, wayback)
}

#[test]
fn the_seed_memo_gets_archived_copies_of_its_dead_sources() {
    let (site, wayback) = seed_web();
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = seed_memo_for(&base, dir.path());
    let (report, _) = check_memo(
        &memo,
        &["--archive-url", &wayback.url(""), "--max-retries", "0"],
    );
    // Dead links: every occurrence of the Ukraine article, comment906.
    let dead: Vec<&Value> = links(&report)
        .iter()
        .filter(|l| l["verdict"] != "ok")
        .collect();
    assert_eq!(dead.len(), 8, "{dead:#?}");
    for link in &dead {
        assert_eq!(link["suggestion"]["source"], "archive", "{link}");
        assert_eq!(link["suggestion"]["timestamp"], "20080601000000");
    }
    assert!(dead.iter().any(|l| l["verdict"] == "anchor_missing"));
    // The quotes of the dead article are found in its archived copy; the
    // drifted quote too ("hope" became "plan" on the live page).
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    let on = |line: u64| quotes.iter().find(|q| q["line"] == line).unwrap();
    let kyiv = on(38);
    assert_eq!(kyiv["archived"]["verdict"], "approximate", "{kyiv}");
    let reemerge = on(52);
    // One of its candidates is gone: not `missing`, for it may have been
    // there (and its capture shows it was).
    assert_eq!(reemerge["verdict"], "unverifiable", "{reemerge}");
    assert_eq!(reemerge["archived"]["verdict"], "found", "{reemerge}");
    assert!(
        reemerge["archived"]["url"]
            .as_str()
            .unwrap()
            .contains("Supporting_Ukraine")
    );
    assert!(
        reemerge["reason"]
            .as_str()
            .unwrap()
            .contains("the archived copy of 2008-06-01 still holds the quote"),
        "{reemerge}"
    );
    let putin = on(42);
    // Close on the live page, but a candidate is gone: not `approximate`
    // while the quote may be word for word in what could not be read.
    assert_eq!(putin["verdict"], "unverifiable", "{putin}");
    assert_eq!(putin["similarity"], 0.922, "{putin}");
    assert_eq!(putin["archived"]["verdict"], "found", "{putin}");
}

/// Each page is fetched once per run, whoever asks for it: a link that
/// redirects to a page the memo also cites makes no second GET of it,
/// with the cache or without it (where a page's text is dropped once its
/// own link is answered, and a redirect landing on it later still takes
/// it: one page at a time, so the home page is released first).
#[test]
fn a_redirect_to_a_cited_page_fetches_it_once() {
    for extra in [&[][..], &["--no-cache", "--host-concurrency", "1"][..]] {
        let site = Server::start(|path, _| match path {
            "/" => Reply::html(200, CATCH_ALL),
            "/report" => Reply::html(200, REAL),
            "/old-report" => Reply::redirect(301, "/report"),
            "/older-report" => Reply::redirect(301, "/old-report"),
            "/moved-home" => Reply::redirect(301, "/"),
            _ => Reply::html(404, "<title>Not found</title>"),
        });
        let dir = tempfile::tempdir().unwrap();
        let memo = write_memo(
            dir.path(),
            &format!(
                "[home]({}) [report]({}) [old]({}) [older]({}) [moved]({})\n\n\
                 “We publish research on foreign policy” ([moved]({}))\n",
                site.url("/"),
                site.url("/report"),
                site.url("/old-report"),
                site.url("/older-report"),
                site.url("/moved-home"),
                site.url("/moved-home"),
            ),
        );
        let mut args = vec!["--no-archive"];
        args.extend_from_slice(extra);
        let (report, _) = check_memo(&memo, &args);
        for path in [
            "/",
            "/report",
            "/old-report",
            "/older-report",
            "/moved-home",
        ] {
            assert_eq!(site.hits(path), 1, "{path} {extra:?}: {report}");
        }
        assert_eq!(link_to(&report, "/report")["verdict"], "ok");
        assert_eq!(link_to(&report, "/old-report")["verdict"], "redirected");
        let older = link_to(&report, "/older-report");
        assert_eq!(older["verdict"], "redirected");
        assert_eq!(older["final_url"], site.url("/report"));
        // The page it shares is judged for its own URL: a redirect home is a
        // soft 404, the home page itself is not.
        assert_eq!(link_to(&report, "/moved-home")["verdict"], "soft_404");
        assert_eq!(link_to(&report, "/")["verdict"], "ok");
    }
}

/// Two memos with different dates whose lookups land on the same capture
/// fetch that capture once, and each gets its verdict from it.
#[test]
fn lookups_that_land_on_one_capture_fetch_it_once() {
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let gone = site.url("/gone");
    let captures: Captures = HashMap::from([(gone.clone(), vec!["20080101000000"])]);
    let archive = archive(captures, |_, _| {
        Some(
            "<title>Then</title><p id=\"c1\">The committee heard evidence on energy \
             security.</p>"
                .to_owned(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.md");
    std::fs::write(
        &first,
        format!("---\ndate: 2009-01-01\n---\nSee [the page]({gone}#c1).\n"),
    )
    .unwrap();
    let second = dir.path().join("b.md");
    std::fs::write(
        &second,
        format!("---\ndate: 2012-06-01\n---\nSee [it again]({gone}#c1).\n"),
    )
    .unwrap();
    let out = crate::support::citecheck_json(
        &[
            "check",
            first.to_str().unwrap(),
            second.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--archive-url",
            &archive.url("/"),
            "-f",
            "json",
        ],
        None,
    );
    let report = out.0;
    let capture = archive
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("/web/"))
        .collect::<Vec<_>>();
    assert_eq!(capture.len(), 1, "{capture:?}");
    assert_eq!(archive.hits(&capture[0]), 1, "{report}");
    // Two lookups (one per date), one capture for both.
    let lookups: usize = archive
        .paths()
        .iter()
        .filter(|p| p.starts_with("/cdx/"))
        .map(|p| archive.hits(p))
        .sum();
    assert_eq!(lookups, 2);
    for memo in report["memos"].as_array().unwrap() {
        let link = &memo["links"][0];
        assert_eq!(link["verdict"], "broken");
        assert!(
            link["suggestion"]["url"]
                .as_str()
                .unwrap()
                .contains("20080101000000"),
            "{link}"
        );
        assert!(
            link["reason"].as_str().unwrap().contains("has the anchor"),
            "{link}"
        );
    }
}

/// An archive that answers everything with 429 and `Retry-After: 3600`
/// (what a busy archive does) is asked once and given up for the run: no
/// lookup waits an hour, none is reported as "no archived copy". A cited
/// site that does the same: its first answer is `blocked`, the rest are
/// not requested and `blocked` too, never `broken`.
#[test]
fn a_host_that_asks_to_wait_an_hour_is_given_up_at_once() {
    // Three hosts: the dead site, the busy site, the busy archive.
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let busy = Server::start_at("127.0.0.2", |_, _| {
        Reply::html(429, "slow down").with("retry-after", "3600")
    });
    let archive = Server::start_at("127.0.0.3", |_, _| {
        Reply::html(429, "slow down").with("retry-after", "3600")
    });
    let (base, busy_base) = (site.url(""), busy.url(""));
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!(
            "---\ndate: 2008-05-12\n---\n\n{base}/gone/1\n\n{base}/gone/2\n\n{base}/gone/3\n\n\
             {busy_base}/busy/1\n\n{busy_base}/busy/2\n\n{busy_base}/busy/3\n"
        ),
    );
    let (report, _) = check_memo(
        &memo,
        &[
            "--archive-url",
            &archive.url(""),
            "--max-retries",
            "3",
            // One request at a time to a host, so that "once" is exact.
            "--host-concurrency",
            "1",
        ],
    );
    for i in 1..=3 {
        let gone = link_to(&report, &format!("/gone/{i}"));
        assert_eq!(gone["verdict"], "broken");
        let reason = gone["reason"].as_str().unwrap();
        assert!(reason.contains("the archive did not answer"), "{reason}");
        assert!(!reason.contains("no archived copy;"), "{reason}");
        let busy = link_to(&report, &format!("/busy/{i}"));
        assert_eq!(busy["verdict"], "blocked", "{busy}");
    }
    assert_eq!(archive.paths().len(), 1, "{:?}", archive.paths());
    // Its first answer (to a page or the soft-404 probe) is its last.
    let busy_requests: usize = busy.paths().iter().map(|p| busy.hits(p)).sum();
    assert_eq!(busy_requests, 1, "given up after its first answer");
    assert!(
        links(&report).iter().any(|l| l["reason"]
            .as_str()
            .unwrap_or("")
            .contains("asked to wait 3600 s")),
        "{report}"
    );
}

/// The nearest capture cannot be fetched, or lacks the anchor: the next
/// nearest is taken; the availability API (which refuses every request)
/// is never asked.
#[test]
fn an_unfetchable_capture_falls_back_to_the_next_nearest() {
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let base = site.url("");
    let captures: Captures = [
        (
            format!("{base}/flaky"),
            vec!["20080510000000", "20080301000000", "20060101000000"],
        ),
        (
            format!("{base}/anchored"),
            vec!["20080510000000", "20080301000000"],
        ),
    ]
    .into_iter()
    .collect();
    let wayback = archive(captures, |ts, original| {
        if original.ends_with("/anchored") {
            // The nearest capture lacks the comment; an older one has it.
            let id = if ts == "20080301000000" { "c9" } else { "c1" };
            return Some(format!(
                "<title>Archived</title><p id=\"{id}\">A comment.</p>"
            ));
        }
        (ts != "20080510000000").then(|| "<title>Archived</title><p>Kept.</p>".to_owned())
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!("---\ndate: 2008-05-12\n---\n\n{base}/flaky\n\n{base}/anchored#c9\n"),
    );
    let (report, _) = check_memo(
        &memo,
        &["--archive-url", &wayback.url(""), "--max-retries", "0"],
    );
    let flaky = link_to(&report, "/flaky");
    assert_eq!(
        flaky["suggestion"]["timestamp"], "20080301000000",
        "{flaky}"
    );
    let paths = wayback.paths();
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/web/20080510000000id_/")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("/web/20060101")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("/wayback/")),
        "{paths:?}"
    );
    // The nearest capture that has the anchor, not the nearest one.
    let anchored = link_to(&report, "/anchored");
    assert_eq!(
        anchored["suggestion"]["timestamp"], "20080301000000",
        "{anchored}"
    );
}

/// An archive that answers too slowly: the stage ends at its budget, and
/// every lookup still waiting says so.
#[test]
fn the_archive_stage_ends_at_its_budget() {
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let slow = Server::start_at("127.0.0.2", |_, _| {
        Reply::After(
            std::time::Duration::from_secs(120),
            Box::new(Reply::html(200, "[]")),
        )
    });
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(dir.path(), &format!("{base}/a\n\n{base}/b\n"));
    let (report, _) = check_memo(
        &memo,
        &[
            "--archive-url",
            &slow.url(""),
            "--archive-budget",
            "1s",
            "--timeout",
            "300s",
        ],
    );
    for path in ["/a", "/b"] {
        let link = link_to(&report, path);
        assert_eq!(link["verdict"], "broken");
        let reason = link["reason"].as_str().unwrap();
        assert!(
            reason.contains("the archive did not answer in time (--archive-budget)"),
            "{reason}"
        );
    }
}

/// A quote gone from a live page that now says something else entirely
/// (no passage is even similar) is looked up in the capture of its
/// paired page, which still holds it; `archived.page` names that page.
#[test]
fn a_quote_gone_from_a_live_page_is_found_in_its_capture() {
    let site = Server::start(|path, _| match path {
        "/speech" => Reply::html(
            200,
            "<title>Speech</title><p>This page now lists upcoming events and tickets.</p>",
        ),
        "/other" => Reply::html(
            200,
            "<title>Other</title><p>Unrelated matters of trade.</p>",
        ),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let base = site.url("");
    let captures: Captures = [(format!("{base}/speech"), vec!["20080401000000"])]
        .into_iter()
        .collect();
    let wayback = archive(captures, |_, _| {
        Some(
            "<title>Speech</title><p>The minister said that the pipeline will be finished \
             before the winter.</p>"
                .to_owned(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!(
            "---\ndate: 2008-05-12\n---\n\nThe minister said “the pipeline will be finished \
             before the winter” ([speech]({base}/speech)).\n\nSee also [other]({base}/other).\n"
        ),
    );
    let (report, _) = check_memo(
        &memo,
        &["--archive-url", &wayback.url(""), "--max-retries", "0"],
    );
    let quote = &report["memos"][0]["quotes"][0];
    assert_eq!(quote["verdict"], "missing", "{quote}");
    assert_eq!(quote["archived"]["verdict"], "found", "{quote}");
    assert_eq!(quote["archived"]["page"], format!("{base}/speech"));
    assert!(
        quote["reason"].as_str().unwrap().contains(&format!(
            "the archived copy of 2008-04-01 still holds the quote ({base}/speech)"
        )),
        "{quote}"
    );
}

/// A capture fetched for one question serves every open question of its
/// memo: the comment a memo quotes was deleted (its anchor is gone), the
/// anchor's lookup fetches a capture of the thread that still holds the
/// quote, and the quote, whose own lookups (one page here) never reach
/// the thread, is reported with that capture, not as held nowhere.
#[test]
fn a_capture_fetched_for_an_anchor_serves_the_quote_too() {
    let site = Server::start(|path, _| match path {
        "/thread" => Reply::html(
            200,
            "<title>Thread</title><div id=\"comment897\">First comment.</div>",
        ),
        p if p.starts_with("/article") => Reply::html(
            200,
            "<title>Article</title><p>Matters of trade and transit.</p>",
        ),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let base = site.url("");
    let captures: Captures = [(format!("{base}/thread"), vec!["20080401000000"])]
        .into_iter()
        .collect();
    let wayback = archive(captures, |_, _| {
        Some(
            "<title>Thread</title><div id=\"comment897\">First comment.</div>\
             <div id=\"comment904\"><p>Russia has no intention of joining NATO or the EU. \
             It is a power of its own.</p></div>"
                .to_owned(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!(
            "---\ndate: 2008-05-12\n---\n\nA reader wrote “Russia has no intention of joining \
             NATO or the EU” ([one]({base}/article1), [two]({base}/article2), \
             [three]({base}/article3), [comment]({base}/thread#comment904)).\n"
        ),
    );
    let (report, _) = check_memo(
        &memo,
        &[
            "--archive-url",
            &wayback.url(""),
            "--max-retries",
            "0",
            "--archive-quote-pages",
            "1",
        ],
    );
    let memo = &report["memos"][0];
    let comment = &memo["links"][3];
    assert_eq!(comment["verdict"], "anchor_missing", "{comment}");
    let quote = &memo["quotes"][0];
    assert_eq!(quote["archived"]["verdict"], "found", "{quote:#}");
    assert_eq!(quote["archived"]["page"], format!("{base}/thread"));
    assert!(
        quote["reason"].as_str().unwrap().contains(&format!(
            "the archived copy of 2008-04-01 still holds the quote ({base}/thread)"
        )),
        "{quote:#}"
    );
    // The thread's capture was fetched once, for both questions.
    assert_eq!(
        wayback.hits(&format!("/web/20080401000000id_/{base}/thread")),
        1
    );
}

/// A site that refuses automated clients is no blind spot: its link stays
/// `blocked` with the archived evidence in its reason, and the quote it
/// was the only source of gains `archived` with its verdict there.
#[test]
fn a_blocked_page_is_checked_in_its_capture() {
    let site = Server::start(|path, _| match path {
        "/blocked" => Reply::html(403, "<title>Access denied</title>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let base = site.url("");
    let captures: Captures = [(format!("{base}/blocked"), vec!["20080401000000"])]
        .into_iter()
        .collect();
    let wayback = archive(captures, |_, _| {
        Some(
            "<title>Interview</title><p id=\"q3\">Asked about the talks, she said the \
             negotiations would resume in the spring.</p>"
                .to_owned(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!(
            "---\ndate: 2008-05-12\n---\n\nShe said “the negotiations would resume in the \
             spring” ([interview]({base}/blocked#q3)).\n"
        ),
    );
    let (report, _) = check_memo(
        &memo,
        &["--archive-url", &wayback.url(""), "--max-retries", "0"],
    );
    let link = link_to(&report, "/blocked");
    assert_eq!(link["verdict"], "blocked", "{link}");
    assert!(
        link["reason"]
            .as_str()
            .unwrap()
            .contains("an archived copy of 2008-04-01 has the anchor"),
        "{link}"
    );
    let quote = &report["memos"][0]["quotes"][0];
    assert_eq!(quote["verdict"], "unverifiable", "{quote}");
    assert_eq!(quote["archived"]["verdict"], "found", "{quote}");
    assert_eq!(quote["archived"]["page"], format!("{base}/blocked"));
}

/// A page the Wayback Machine lacks and a Memento archive holds: its
/// TimeMap (link-format, entries over several lines, every `rel` form)
/// names the mementos, the nearest is fetched raw, and the suggestion says
/// which archive it comes from.
#[test]
fn a_page_only_a_memento_archive_holds() {
    let site = Server::start(|_, _| Reply::html(404, "<title>Not found</title>"));
    let base = site.url("");
    let wayback = archive(Captures::new(), |_, _| None);
    // The TimeMap names the archive's own address, known once it runs.
    let own = Arc::new(std::sync::OnceLock::<String>::new());
    let address = own.clone();
    let memento = Server::start_at("127.0.0.2", move |path, _| {
        let own = address.get().cloned().unwrap_or_default();
        if let Some(original) = path.strip_prefix("/timemap/link/") {
            if !original.ends_with("/only-there") {
                return Reply::html(404, "<title>No mementos</title>");
            }
            let m = |ts: &str| format!("<{own}/wayback/{ts}/{original}>");
            let body = format!(
                "<{original}>; rel=\"original\",\n{}; rel=\"first memento\";\n  \
                 datetime=\"Sun, 01 Jan 2006 00:00:00 GMT\",\n{};datetime=\"Thu, 01 May 2008 \
                 10:00:00 GMT\";rel=\"memento\",\n{}; rel=\"last memento\"; \
                 datetime=\"Fri, 01 Jan 2016 00:00:00 GMT\"",
                m("20060101000000"),
                m("20080501100000"),
                m("20160101000000")
            );
            return Reply::Full {
                status: 200,
                headers: vec![("content-type", "application/link-format".into())],
                body: body.into_bytes(),
            };
        }
        if path.starts_with("/wayback/20080501100000id_/") {
            return Reply::html(200, "<title>Kept</title><p id=\"c7\">The comment.</p>");
        }
        Reply::html(404, "<title>Not in the archive</title>")
    });
    own.set(memento.url("")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let memo = write_memo(
        dir.path(),
        &format!("---\ndate: 2008-05-12\n---\n\n{base}/only-there#c7\n"),
    );
    let prefix = format!("{}/timemap/link/", memento.url(""));
    let (report, _) = check_memo(
        &memo,
        &[
            "--archive-url",
            &wayback.url(""),
            "--memento-archive",
            &prefix,
            "--max-retries",
            "0",
        ],
    );
    let link = link_to(&report, "/only-there");
    assert_eq!(link["suggestion"]["archive"], "127.0.0.2", "{link}");
    assert_eq!(link["suggestion"]["timestamp"], "20080501100000", "{link}");
    assert!(
        link["reason"].as_str().unwrap().contains("has the anchor"),
        "{link}"
    );
}
