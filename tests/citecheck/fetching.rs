//! The HTTP engine against a local server: verdicts, fetch-once,
//! politeness, retries, redirects, bodies, charsets, fragments, the
//! address guard.

use crate::server::{Reply, Server};
use citecheck::fetch::FetchSettings;
use citecheck::report::{LinkResult, Report};
use citecheck::settings::Config;
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
        p if p.strip_prefix("/busy/").is_some_and(|n| n.parse::<u32>().is_ok()) => Reply::After(Duration::from_millis(150), Box::new(Reply::html(200, PAGE))),
        _ => Reply::html(404, "no such route"),
    }
}

/// Loopback is fetched directly; anything else goes to a proxy port where
/// nothing listens, so a test can never reach another machine, even if the
/// address guard it checks were broken.
fn settings() -> FetchSettings {
    FetchSettings {
        proxy: Some((
            url::Url::parse("http://127.0.0.1:9").unwrap(),
            "127.0.0.0/8,localhost".to_owned(),
        )),
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
        archive: citecheck::archive::ArchiveSettings {
            enabled: false,
            ..Default::default()
        },
        ..Config::default()
    };
    citecheck::run::run(&config, &citecheck::interrupt::Interrupt::new())
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
                l.reason.whole().unwrap_or_default(),
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
            .whole()
            .as_deref()
            .unwrap()
            .starts_with("redirect loop"),
        "{:?}",
        links[11].reason
    );
    assert!(
        links[13]
            .reason
            .whole()
            .as_deref()
            .unwrap()
            .starts_with("the server closed the connection before its answer was complete; "),
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
            host_interval: Duration::from_millis(400),
            host_concurrency: 4,
            ..settings()
        },
    );
    let mut times: Vec<_> = (0..4)
        .flat_map(|i| server.times(&format!("/busy/{i}")))
        .collect();
    times.sort();
    // The server notes a request when it gets to read it: on a busy
    // machine one may be noted late, which shortens the gap after it. The
    // client spaces them by 400 ms; half of that is a margin no busy
    // machine eats, and no spacing at all would fail.
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(200),
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
    assert!(link.reason.whole().unwrap().contains("169.254.169.254"));
}

#[test]
fn a_host_that_answered_429_slows_down_for_the_rest_of_the_run() {
    let server = Server::start(routes);
    // One request at a time to the host, in citation order.
    let settings = FetchSettings {
        host_concurrency: 1,
        ..settings()
    };
    let report = check(
        &[vec![
            server.url("/ratelimited"),
            server.url("/busy/after-429"),
        ]],
        settings,
    );
    assert_eq!(report.memos[0].links[0].http_status, Some(200));
    // The next request to the same host, though the interval is zero,
    // waits the slowed-down interval after the retry.
    // Whichever of the two goes first after the pause, the other waits
    // the slowed-down interval.
    let retry = server.times("/ratelimited")[1];
    let next = server.times("/busy/after-429")[0];
    let gap = next.max(retry) - next.min(retry);
    assert!(
        gap >= Duration::from_millis(950),
        "only {gap:?} between requests"
    );
}

#[test]
fn too_many_redirects_exclusions_and_accepted_statuses() {
    let server = Server::start(|path, _| {
        if let Some(n) = path
            .strip_prefix("/chain/")
            .and_then(|n| n.parse::<u32>().ok())
        {
            return Reply::redirect(302, &format!("/chain/{}", n + 1));
        }
        match path {
            "/teapot" => Reply::html(418, "short and stout"),
            _ => Reply::html(200, PAGE),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    let lines = [
        server.url("/chain/0"),
        server.url("/teapot"),
        server.url("/private/draft"),
    ];
    std::fs::write(&memo, lines.join("\n")).unwrap();
    let config = Config {
        paths: vec![memo],
        fetch: settings(),
        checks: citecheck::settings::Checks {
            accept: citecheck::settings::Accept::parse("200-299,418").unwrap(),
            exclude: vec![regex::Regex::new("/private/").unwrap()],
            ..Default::default()
        },
        archive: citecheck::archive::ArchiveSettings {
            enabled: false,
            ..Default::default()
        },
        ..Config::default()
    };
    let report = citecheck::run::run(&config, &citecheck::interrupt::Interrupt::new());
    let got = verdicts(&report);
    assert_eq!(got[0].1, "broken");
    assert_eq!(got[0].2, "more than 10 redirects (--max-redirects)");
    assert_eq!(server.hits("/chain/10"), 1);
    assert_eq!(server.hits("/chain/11"), 0);
    assert_eq!(got[1].1, "ok", "418 was accepted");
    assert_eq!(
        (got[2].1.as_str(), got[2].2.as_str()),
        ("excluded", "matches --exclude /private/")
    );
    assert_eq!(server.hits("/private/draft"), 0);
}

#[test]
fn proxy_from_the_environment_resolves_names_itself() {
    // The "proxy" is the local server: it receives the absolute URL. The
    // cited host does not resolve here, so only a request handed to the
    // proxy unresolved can succeed; no --allow-private is needed since the
    // guard does not apply to the proxy's own address.
    let proxy = Server::start(|path, _| match path {
        "http://memo-source.test/article" => Reply::html(200, PAGE),
        _ => Reply::html(404, ""),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, "See http://memo-source.test/article#comment897.").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args([
            "check",
            "-f",
            "json",
            "--max-retries",
            "0",
            memo.to_str().unwrap(),
        ])
        .env("HTTP_PROXY", proxy.url(""))
        .env("http_proxy", proxy.url(""))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("CITECHECK_NO_CACHE", "1")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let link = &json["memos"][0]["links"][0];
    assert_eq!(link["verdict"], "ok", "{link}");
    assert_eq!(link["fragment"]["found"], true);
    assert_eq!(proxy.hits("http://memo-source.test/article"), 1);
}

#[test]
fn credentials_stay_with_their_host_across_redirects() {
    let other = Server::start_at("127.0.0.2", |_, _| Reply::html(200, "<title>Other</title>"));
    let target = other.url("/landing");
    let server = Server::start(move |path, _| match path {
        "/moved" => Reply::redirect(302, &target),
        _ => Reply::html(404, ""),
    });
    let settings = FetchSettings {
        hosts: [(
            "127.0.0.1".to_owned(),
            citecheck::fetch::HostSettings {
                headers: vec![("authorization".to_owned(), "Bearer s3cret".to_owned())],
                ..Default::default()
            },
        )]
        .into_iter()
        .collect(),
        ..settings()
    };
    let report = check(&[vec![server.url("/moved")]], settings);
    assert_eq!(report.memos[0].links[0].verdict.name(), "ok");
    let asked = server.head("/moved").unwrap().to_ascii_lowercase();
    assert!(asked.contains("authorization: bearer s3cret"), "{asked}");
    let landed = other.head("/landing").unwrap().to_ascii_lowercase();
    assert!(!landed.contains("authorization"), "{landed}");
    assert!(!landed.contains("s3cret"), "{landed}");
}
