//! Every word citecheck prints is true and useful: option values checked
//! with their units and ranges, settings keys suggested, `-q` showing
//! only what fails the run, history saying only what changed, one summary
//! per command in the same words as every format, read-only commands that
//! create nothing, globs and repeated paths, long quotations.

use crate::server::{Reply, Server};
use std::path::Path;
use std::process::Output;

/// `citecheck ARGS` in `dir`, with `stdin`, no network beyond loopback.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let keep_cache = [("CITECHECK_NO_CACHE", "0")];
    crate::support::citecheck_in(dir, args, stdin.map(str::as_bytes), &keep_cache)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn option_values_are_checked_with_units_ranges_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.txt"), "See https://memo.test/x\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--timeout", "0"],
            "\"0\" would give up at once: it must be more than 0 (as 20s)",
        ),
        (
            &["--host-interval", "5"],
            "\"5\" needs a unit (5s or 5ms; units: ms, s, m, h, d)",
        ),
        (
            &["--timeout", "abc"],
            "\"abc\" is not a duration (a number and its unit: 500ms, 20s, 5m, 24h, 30d)",
        ),
        (
            &["--host-concurrency", "0"],
            "\"0\" is not a number of at least 1 (as 4)",
        ),
        (
            &["--max-concurrency", "0"],
            "\"0\" is not a number of at least 1",
        ),
        (
            &["--accept", "600"],
            "statuses run from 100 to 599 (as 200-299,403)",
        ),
        (&["--connect-timeout", "0s"], "must be more than 0"),
    ];
    for (args, says) in cases {
        let mut all = vec!["check", "m.txt", "--offline"];
        all.extend_from_slice(args);
        let out = run_in(dir.path(), &all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    // Zero needs no unit, and a unit makes any number good.
    for ok in [["--host-interval", "0"], ["--timeout", "5s"]] {
        let mut all = vec!["check", "m.txt", "--offline"];
        all.extend_from_slice(&ok);
        assert_eq!(
            run_in(dir.path(), &all, None).status.code(),
            Some(0),
            "{ok:?}"
        );
    }
}

#[test]
fn settings_keys_are_suggested_verdicts_listed_and_paths_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.txt"), "See https://memo.test/x\n").unwrap();
    let cases = [
        (
            "fail_on = \"warning\"\n",
            "citecheck.toml:1: fail_on: unknown key \"fail_on\": did you mean \"fail-on\"?",
        ),
        (
            "offline = true\nhost-concurency = 2\n",
            "citecheck.toml:2: host-concurency: unknown key \"host-concurency\": did you mean \"host-concurrency\"?",
        ),
        (
            "[severity]\nredirect = \"error\"\n",
            "severity.redirect: \"redirect\" is not a verdict: did you mean \"redirected\"?",
        ),
        (
            "[severity]\nrotten = \"error\"\n",
            "\"rotten\" is not a verdict (the verdicts: ok, redirected, broken, soft_404",
        ),
        (
            "[hosts.\"a.org\"]\nintervall = \"1s\"\n",
            "unknown key \"intervall\": did you mean \"interval\"?",
        ),
        ("timeout = 5\n", "\"5\" needs a unit"),
    ];
    for (settings, says) in cases {
        std::fs::write(dir.path().join("citecheck.toml"), settings).unwrap();
        let out = run_in(dir.path(), &["check", "m.txt", "--offline"], None);
        assert_eq!(out.status.code(), Some(2), "{settings}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(says), "{settings}: {stderr}");
    }
    // No memo named anywhere: the error says where memos can be named.
    std::fs::write(dir.path().join("citecheck.toml"), "offline = true\n").unwrap();
    let out = run_in(dir.path(), &["check"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("paths = [\"memos/\"]"),
        "{}",
        text(&out.stderr)
    );
}

/// A site with one dead page and one redirect, and a memo citing both.
fn dead_and_moved(dir: &Path) -> Server {
    let server = Server::start(|path, _| match path {
        "/moved" => Reply::redirect(301, "/ok"),
        "/ok" => Reply::html(200, "<title>Fine</title><p>Fine.</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    std::fs::write(
        dir.join("memo.txt"),
        format!(
            "Gone: {}\nMoved: {}\n",
            server.url("/gone"),
            server.url("/moved")
        ),
    )
    .unwrap();
    server
}

const NETWORK: [&str; 5] = [
    "--allow-private",
    "--host-interval",
    "0",
    "--no-archive",
    "--max-retries=0",
];

#[test]
fn quiet_shows_only_what_fails_the_run_and_history_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let _server = dead_and_moved(dir.path());
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "memo.txt"];
        args.extend_from_slice(&NETWORK);
        args.extend_from_slice(extra);
        run_in(dir.path(), &args, None)
    };
    // The first run records history; the second has the same findings.
    let first = check(&[]);
    assert_eq!(first.status.code(), Some(1));
    let second = check(&[]);
    let stdout = text(&second.stdout);
    // Nothing changed: no history block, but each finding says since when
    // it fails; the summary counts pages, in the words of every format.
    assert!(!stdout.contains("since the run of"), "{stdout}");
    assert!(stdout.contains("[failing since "), "{stdout}");
    assert!(stdout.contains("2 links to 2 pages"), "{stdout}");
    assert!(
        stdout.contains("memo.txt (text): 2 links, 0 quotes"),
        "{stdout}"
    );

    // Quiet: the error line alone.
    let quiet = check(&["-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    // A finding's own lines (its cache note) go under it, indented.
    let findings = |out: &Output| -> Vec<String> {
        text(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with("      "))
            .map(str::to_owned)
            .collect()
    };
    let lines = findings(&quiet);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("broken"), "{lines:#?}");
    assert!(text(&quiet.stderr).is_empty(), "{}", text(&quiet.stderr));
    // Failing on warnings, quiet shows the warning that fails the run.
    let quiet = check(&["-q", "--fail-on", "warning"]);
    assert_eq!(quiet.status.code(), Some(1));
    let stdout = text(&quiet.stdout);
    assert_eq!(findings(&quiet).len(), 2, "{stdout}");
    assert!(stdout.contains("redirected"), "{stdout}");
    assert!(
        !stdout.contains("memos,") && !stdout.contains("memo,"),
        "{stdout}"
    );
}

#[test]
fn history_keeps_apart_urls_that_share_their_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(|path, _| match path {
        p if p.ends_with("897") => Reply::html(200, "<title>Thread</title><p id=x>Hi.</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let long = "/app/webroot/comments/view/1893/a-rather-long-thread-name-about-european-security";
    let urls: Vec<String> = ["897", "905", "912"]
        .iter()
        .map(|n| server.url(&format!("{long}/comment{n}")))
        .collect();
    let memo = dir.path().join("memo.txt");
    let check = || {
        let mut args = vec!["check", "memo.txt"];
        args.extend_from_slice(&NETWORK);
        run_in(dir.path(), &args, None)
    };
    std::fs::write(&memo, urls.join("\n")).unwrap();
    check();
    // The page comes back broken: two new findings in the history.
    std::fs::write(
        &memo,
        urls.iter()
            .map(|u| u.replace("897", "999"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    check();
    let out = run_in(dir.path(), &["history"], None);
    let stdout = text(&out.stdout);
    for tail in ["comment999", "comment905", "comment912"] {
        assert!(stdout.contains(tail), "{tail}: {stdout}");
    }
}

#[test]
fn read_only_commands_create_no_store_and_say_where_they_looked() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["cache", "stats"][..], &["history"][..]] {
        let out = run_in(dir.path(), args, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("no store at .citecheck/citecheck.sqlite"),
            "{args:?}: {stdout}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn globs_expand_and_a_memo_named_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("memos/2012")).unwrap();
    std::fs::write(
        dir.path().join("memos/2012/a.md"),
        "See <https://a.org/1>\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("memos/b.md"), "See <https://a.org/2>\n").unwrap();
    std::fs::write(dir.path().join("memos/c.txt"), "See https://a.org/3\n").unwrap();
    let memos = |args: &[&str], stdin: Option<&str>| -> Vec<String> {
        let mut all = vec!["check", "--offline", "-f", "json"];
        all.extend_from_slice(args);
        let out = run_in(dir.path(), &all, stdin);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        json["memos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["path"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        memos(&["memos/**/*.md"], None),
        ["memos/2012/a.md", "memos/b.md"]
    );
    assert_eq!(memos(&["memos/b.md", "memos", "memos/b.md"], None).len(), 3);
    assert_eq!(memos(&["-", "-"], Some("https://a.org/4\n")), ["-"]);
    let out = run_in(dir.path(), &["check", "--offline", "nothing/*.md"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stdout).contains("no file matches this pattern"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn fix_prints_one_summary_counted_after_the_fix_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let server = dead_and_moved(dir.path());
    let memo = format!("Moved: {}\n", server.url("/moved"));
    let fix = |extra: &[&str]| {
        let mut args = vec!["fix", "-"];
        args.extend_from_slice(&NETWORK);
        args.extend_from_slice(extra);
        run_in(dir.path(), &args, Some(&memo))
    };
    let out = fix(&[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    let summaries = stdout
        .lines()
        .chain(stderr.lines())
        .filter(|l| l.contains(" memo, "))
        .count();
    assert_eq!(summaries, 1, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("-: fixed 0 of 1 link (a memo read from standard input is not rewritten)"),
        "{stderr}"
    );
    // A dry run lists what it would change, and why it cannot write it.
    let out = fix(&["--dry-run"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "replace {} with {}",
            server.url("/moved"),
            server.url("/ok")
        )) && stdout.contains("(a memo read from standard input is not rewritten)"),
        "{stdout}"
    );
}

#[test]
fn a_long_quotation_that_closes_is_too_long_to_check_not_unterminated() {
    let dir = tempfile::tempdir().unwrap();
    let words = "the alliance must keep talking ".repeat(600);
    std::fs::write(
        dir.path().join("m.txt"),
        format!("The minister said “{words}” (https://a.org/speech).\n"),
    )
    .unwrap();
    let out = run_in(dir.path(), &["check", "m.txt", "--offline"], None);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("a quotation of 3000 words is too long to check"),
        "{stdout}"
    );
    assert!(!stdout.contains("unterminated"), "{stdout}");
}

/// `--header HOST=NAME: VALUE` goes to that site only, never through a
/// redirect to another; `--max-redirects` bounds a chain.
#[test]
fn headers_go_to_their_site_only_and_redirects_are_bounded() {
    let other = Server::start(|_, _| Reply::html(200, "<title>Other</title><p>Other.</p>"));
    let elsewhere = other.url("/there").replace("127.0.0.1", "localhost");
    let site = Server::start(move |path, _| match path {
        "/go" => Reply::redirect(302, &elsewhere),
        "/a" => Reply::redirect(302, "/b"),
        "/b" => Reply::redirect(302, "/c"),
        _ => Reply::html(200, "<title>Fine</title><p>Fine.</p>"),
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.txt"),
        format!("{}\n{}\n", site.url("/go"), site.url("/a")),
    )
    .unwrap();
    let mut args = vec!["check", "m.txt", "-f", "json"];
    args.extend_from_slice(&NETWORK);
    args.extend_from_slice(&[
        "--header",
        "127.0.0.1=X-Token: s3cret",
        "--max-redirects",
        "1",
    ]);
    let out = run_in(dir.path(), &args, None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    let sent = site.head("/go").unwrap().to_ascii_lowercase();
    assert!(sent.contains("x-token: s3cret"), "{sent}");
    let there = other.head("/there").unwrap().to_ascii_lowercase();
    assert!(!there.contains("x-token"), "{there}");
    let links = json["memos"][0]["links"].as_array().unwrap();
    let chain = links.iter().find(|l| l["url"] == site.url("/a")).unwrap();
    assert_eq!(chain["verdict"], "broken", "{chain}");
    assert!(
        chain["reason"]
            .as_str()
            .unwrap()
            .contains("more than 1 redirect (--max-redirects)"),
        "{chain}"
    );
    // A header with no site is refused, saying why.
    let out = run_in(
        dir.path(),
        &["check", "m.txt", "--offline", "--header", "X-Token: s3cret"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a header names the site it is for"),
        "{}",
        text(&out.stderr)
    );
}
