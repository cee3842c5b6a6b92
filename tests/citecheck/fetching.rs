//! The HTTP engine against a local server: verdicts, fetch-once,
//! politeness, retries, redirects, bodies, charsets, fragments, the
//! address guard.

use crate::server::{Reply, Server};
use citecheck::config::Config;
use citecheck::fetch::FetchSettings;
use citecheck::report::{LinkResult, Report};
use std::io::Write;
use std::time::Duration;

const PAGE: &str = r#"<html><head><title>Article</title></head><body>
<h1>Article</h1><p id="comment897">A comment.</p><a name="note-1"></a>
<p>Energy security of the supply matters today.</p></body></html>"#;

fn routes(path: &str, n: usize) -> Reply {
    match path {
        "/ok" | "/other" => Reply::html(200, PAGE),
        "/404" => Reply::html(404, "<title>Not Found</title>"),
        "/410" => Reply::html(410, "gone"),
        "/500" => Reply::html(500, "oops"),
        "/flaky" if n == 1 => Reply::html(503, "try later"),
        "/flaky" => Reply::html(200, PAGE),
        "/ratelimited" if n == 1 => Reply::html(429, "slow down").with("retry-after", "1"),
        "/ratelimited" => Reply::html(200, PAGE),
        "/moved" => Reply::redirect(301, "/ok"),
        "/temp" => Reply::redirect(302, "/ok"),
        "/loop-a" => Reply::redirect(302, "/loop-b"),
        "/loop-b" => Reply::redirect(302, "/loop-a"),
        "/slow" => Reply::After(Duration::from_secs(5), Box::new(Reply::html(200, PAGE))),
        "/reset" => Reply::Reset,
        "/forbidden" => Reply::html(403, "<title>Forbidden</title>"),
        "/challenge" => Reply::html(403, "<title>Checking</title>").with("cf-mitigated", "challenge"),
        "/cloudflare" => Reply::html(503, "<html><head><title>Just a moment...</title></head></html>").with("server", "cloudflare"),
        "/gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(PAGE.as_bytes()).unwrap();
            Reply::Full {
                status: 200,
                headers: vec![("content-type", "text/html".into()), ("content-encoding", "gzip".into())],
                body: enc.finish().unwrap(),
            }
        }
        "/big" => {
            let mut body = b"<html><body><p id=\"top\">top</p>".to_vec();
            body.resize(40 * 1024 * 1024, b' ');
            Reply::Full { status: 200, headers: vec![("content-type", "text/html".into())], body }
        }
        "/latin1" => Reply::Full {
            status: 200,
            headers: vec![("content-type", "text/html; charset=ISO-8859-1".into())],
            body: b"<html><body><p id=\"caf\xe9\">Caf\xe9</p></body></html>".to_vec(),
        },
        "/win1252" => Reply::Full {
            status: 200,
            headers: vec![("content-type", "text/html".into())],
            body: b"<html><head><meta charset=\"windows-1252\"></head><body><h2 id=\"na\xefve\">\x93quoted\x94</h2></body></html>".to_vec(),
        },
        p if p.starts_with("/busy/") => Reply::After(Duration::from_millis(150), Box::new(Reply::html(200, PAGE))),
        _ => Reply::html(404, "no such route"),
    }
}

fn settings() -> FetchSettings {
    FetchSettings {
        allow_private: true,
        host_interval: Duration::ZERO,
        retry_base: Duration::from_millis(20),
        timeout: Duration::from_secs(2),
        ..FetchSettings::default()
    }
}

/// Run the library over memos made of the given lines.
fn check(memos: &[Vec<String>], settings: FetchSettings) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let paths = memos
        .iter()
        .enumerate()
        .map(|(i, lines)| {
            let path = dir.path().join(format!("memo{i}.txt"));
            std::fs::write(&path, lines.join("\n")).unwrap();
            path
        })
        .collect();
    let config = Config {
        paths,
        fetch: settings,
        ..Config::default()
    };
    citecheck::run::run(&config)
}

/// (path as written after the server's address, verdict, reason).
fn verdicts(report: &Report) -> Vec<(String, String, String)> {
    let path = |url: &str| {
        url.strip_prefix("http://")
            .and_then(|u| u.find('/').map(|i| u[i..].to_owned()))
            .unwrap_or_default()
    };
    report
        .memos
        .iter()
        .flat_map(|m| &m.links)
        .map(|l: &LinkResult| {
            (
                path(&l.url),
                l.verdict.name().to_owned(),
                l.reason.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn verdicts_for_every_behaviour() {
    let server = Server::start(routes);
    let paths = [
        "/ok",
        "/ok#comment897",
        "/ok#note-1",
        "/ok#missing",
        "/ok#:~:text=security%20of,-the",
        "/404",
        "/410",
        "/500",
        "/flaky",
        "/moved",
        "/temp",
        "/loop-a",
        "/slow",
        "/reset",
        "/forbidden",
        "/challenge",
        "/cloudflare",
        "/gzip#comment897",
        "/big#top",
        "/latin1#caf%C3%A9",
        "/win1252#na%C3%AFve",
    ];
    let lines: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let report = check(&[lines], settings());
    let got = verdicts(&report);
    let expect = [
        ("/ok", "ok", ""),
        ("/ok#comment897", "ok", ""),
        ("/ok#note-1", "ok", ""),
        (
            "/ok#missing",
            "anchor_missing",
            "the page has no element with id or name \"missing\" (anchors that only a script adds cannot be seen)",
        ),
        ("/ok#:~:text=security%20of,-the", "ok", ""),
        (
            "/404",
            "broken",
            "HTTP 404 Not Found (the page is gone or failing)",
        ),
        (
            "/410",
            "broken",
            "HTTP 410 Gone (the page is gone or failing)",
        ),
        (
            "/500",
            "broken",
            "HTTP 500 Internal Server Error (the page is gone or failing), after 2 retries",
        ),
        ("/flaky", "ok", ""),
        ("/moved", "redirected", ""),
        ("/temp", "ok", ""),
        ("/loop-a", "broken", ""),
        ("/slow", "broken", "timed out after 2 s"),
        ("/reset", "broken", ""),
        (
            "/forbidden",
            "blocked",
            "HTTP 403 Forbidden (the site refuses automated clients)",
        ),
        (
            "/challenge",
            "blocked",
            "bot challenge (cf-mitigated: challenge): the site refuses automated clients",
        ),
        (
            "/cloudflare",
            "blocked",
            "bot challenge from Cloudflare (HTTP 503): the site refuses automated clients",
        ),
        ("/gzip#comment897", "ok", ""),
        ("/big#top", "ok", "body cut at the size limit"),
        ("/latin1#caf%C3%A9", "ok", ""),
        ("/win1252#na%C3%AFve", "ok", ""),
    ];
    assert_eq!(got.len(), expect.len());
    for ((path, verdict, reason), (want_path, want_verdict, want_reason)) in got.iter().zip(expect)
    {
        assert_eq!(path, want_path);
        assert_eq!(verdict, want_verdict, "{path}: {reason}");
        if !want_reason.is_empty() {
            assert_eq!(reason, want_reason, "{path}");
        }
    }
    let links = &report.memos[0].links;
    let moved = &links[9];
    assert_eq!(
        moved.suggestion.as_ref().map(|s| s.url.clone()),
        Some(server.url("/ok"))
    );
    assert_eq!(moved.final_url.as_deref(), Some(server.url("/ok").as_str()));
    assert!(
        links[11]
            .reason
            .as_deref()
            .unwrap()
            .starts_with("redirect loop"),
        "{:?}",
        links[11].reason
    );
    assert!(
        links[13]
            .reason
            .as_deref()
            .unwrap()
            .contains("reset or closed"),
        "{:?}",
        links[13].reason
    );
    assert_eq!(
        links[3].fragment.as_ref().and_then(|f| f.found),
        Some(false)
    );
    assert_eq!(links[1].fragment.as_ref().and_then(|f| f.found), Some(true));
    // Retried statuses were asked again; 4xx were not.
    assert_eq!(server.hits("/flaky"), 2);
    assert_eq!(server.hits("/500"), 3);
    assert_eq!(server.hits("/404"), 1);
    assert_eq!(server.hits("/forbidden"), 1);
}

#[test]
fn each_page_is_fetched_once() {
    let server = Server::start(routes);
    let memo = |fragments: &[&str]| {
        fragments
            .iter()
            .map(|f| server.url(&format!("/ok{f}")))
            .collect::<Vec<_>>()
    };
    let report = check(
        &[
            memo(&["", "#comment897", "#note-1", "", "#missing"]),
            memo(&["#comment897", ""]),
        ],
        settings(),
    );
    assert_eq!(report.summary.links, 7);
    assert_eq!(report.summary.unique_pages, 1);
    assert_eq!(server.hits("/ok"), 1);
}

#[test]
fn retry_after_is_waited_for_and_the_host_slows_down() {
    let server = Server::start(routes);
    let report = check(&[vec![server.url("/ratelimited")]], settings());
    assert_eq!(report.memos[0].links[0].verdict.name(), "ok");
    let times = server.times("/ratelimited");
    assert_eq!(times.len(), 2);
    let waited = times[1] - times[0];
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
}

#[test]
fn no_host_sees_more_requests_in_flight_than_its_cap() {
    let server = Server::start(routes);
    let lines: Vec<String> = (0..12).map(|i| server.url(&format!("/busy/{i}"))).collect();
    let report = check(
        &[lines],
        FetchSettings {
            host_concurrency: 3,
            ..settings()
        },
    );
    assert_eq!(report.summary.links_by_verdict["ok"], 12);
    assert_eq!(server.max_in_flight(), 3);
}

#[test]
fn host_interval_spaces_requests() {
    let server = Server::start(routes);
    let lines: Vec<String> = (0..4).map(|i| server.url(&format!("/busy/{i}"))).collect();
    check(
        &[lines],
        FetchSettings {
            host_interval: Duration::from_millis(200),
            host_concurrency: 4,
            ..settings()
        },
    );
    let mut times: Vec<_> = (0..4)
        .flat_map(|i| server.times(&format!("/busy/{i}")))
        .collect();
    times.sort();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(190),
            "{:?}",
            pair[1] - pair[0]
        );
    }
}

#[test]
fn address_guard_refuses_private_and_link_local_addresses() {
    let server = Server::start(routes);
    let lines = vec![
        server.url("/ok"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fe80::1]/".to_owned(),
    ];
    let report = check(
        std::slice::from_ref(&lines),
        FetchSettings {
            allow_private: false,
            ..settings()
        },
    );
    let got = verdicts(&report);
    assert!(
        got.iter()
            .all(|(_, v, r)| v == "excluded" && r.starts_with("address guard")),
        "{got:?}"
    );
    assert_eq!(server.hits("/ok"), 0);
    // Allowed private addresses are fetched; link-local ones never.
    let report = check(&[lines], settings());
    let got: Vec<String> = verdicts(&report).into_iter().map(|(_, v, _)| v).collect();
    assert_eq!(got, ["ok", "excluded", "excluded"]);
}

#[test]
fn redirects_into_private_space_are_refused_at_the_hop() {
    let server = Server::start(move |path, _| match path {
        "/to-metadata" => Reply::redirect(302, "http://169.254.169.254/"),
        _ => Reply::html(404, ""),
    });
    let report = check(&[vec![server.url("/to-metadata")]], settings());
    let link = &report.memos[0].links[0];
    assert_eq!(link.verdict.name(), "excluded");
    assert!(link.reason.as_deref().unwrap().contains("169.254.169.254"));
}
