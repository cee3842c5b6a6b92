//! The page cache: reruns make no request, failures expire sooner, a
//! corrupt store is rebuilt, two runs can share the store. Every test but
//! the SQLite file's own runs against both stores: a SQLite folder and a
//! new database on the test PostgreSQL server.

use crate::server::{Reply, Server};
use crate::support::TestStore;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn routes(path: &str, _: usize) -> Reply {
    match path {
        "/ok" => Reply::html(
            200,
            "<title>Fine</title><p id=\"c1\">The committee heard evidence on energy security.</p>",
        ),
        "/other" => Reply::html(200, "<title>Other</title><p>Another page entirely.</p>"),
        "/gone" => Reply::html(404, "<title>Not found</title>"),
        _ => Reply::html(404, ""),
    }
}

/// `citecheck check MEMO` on loopback with the store in `cache` (and
/// `extra` options), the environment's no-cache setting removed.
fn command(memo: &Path, cache: &TestStore, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(["check", memo.to_str().unwrap(), "--allow-private"])
        .args(["--host-interval", "0", "--no-archive"])
        .args(cache.args())
        .args(extra);
    crate::support::no_internet(&mut cmd);
    cmd.env_remove("CITECHECK_NO_CACHE");
    cmd
}

/// [`command`] without retries, JSON on standard output.
fn run(memo: &Path, cache: &TestStore, extra: &[&str]) -> Output {
    let mut args = vec!["--max-retries", "0", "-f", "json"];
    args.extend_from_slice(extra);
    command(memo, cache, &args).output().unwrap()
}

fn report(out: &Output) -> Value {
    let mut json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    crate::support::assert_valid_report(&json);
    json["summary"]["elapsed_ms"] = 0.into();
    json
}

/// The report without what only a rerun has: the history's changes, and
/// when each page answered from the cache was fetched.
fn verdicts_only(mut json: Value) -> Value {
    for memo in json["memos"].as_array_mut().unwrap() {
        memo.as_object_mut().unwrap().remove("changes");
        for link in memo["links"].as_array_mut().unwrap() {
            link.as_object_mut().unwrap().remove("cached_at");
        }
    }
    json
}

/// What `citecheck history` prints for the store in `cache`.
fn history(cache: &TestStore) -> String {
    history_as(cache, "text")
}

fn total_hits(server: &Server) -> usize {
    server.paths().iter().map(|p| server.hits(p)).sum()
}

fn memo(dir: &Path, server: &Server, quote: bool) -> std::path::PathBuf {
    let path = dir.join("memo.txt");
    let mut text = format!(
        "{} {} {}",
        server.url("/ok#c1"),
        server.url("/other"),
        server.url("/gone")
    );
    if quote {
        text.push_str("\n\nThey wrote that “the committee heard evidence on energy security”.");
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn a_rerun_makes_no_request_and_gives_the_same_report(cache: &TestStore) {
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = memo(dir.path(), &server, false);
    let first = report(&run(&memo, cache, &[]));
    let hits = total_hits(&server);
    assert!(hits >= 3, "{hits}");
    let second = report(&run(&memo, cache, &[]));
    assert_eq!(total_hits(&server), hits, "the rerun made no request");
    // Each verdict answered from the cache says so, with when the page
    // was fetched; the first run's came from the web.
    let fetched_at = |report: &Value| -> Vec<Value> {
        report["memos"][0]["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["cached_at"].clone())
            .collect()
    };
    assert!(fetched_at(&first).iter().all(Value::is_null), "{first:#}");
    for at in fetched_at(&second) {
        let at = at.as_str().unwrap_or_else(|| panic!("{second:#}"));
        assert!(at.ends_with(" GMT"), "{at}");
    }
    assert_eq!(first, verdicts_only(second));
    let terminal = command(&memo, cache, &["--max-retries", "0", "-v"])
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&terminal.stdout);
    assert!(terminal.contains("from the cache: fetched "), "{terminal}");

    // A quote the first runs did not check needs the page's text: that
    // page is fetched again (once), the others are not.
    let with_quote = self::memo(dir.path(), &server, true);
    let third = report(&run(&with_quote, cache, &[]));
    assert_eq!(
        third["memos"][0]["quotes"][0]["verdict"], "found",
        "{third}"
    );
    assert_eq!(server.hits("/ok"), 2);
    assert_eq!(
        server.hits("/other"),
        2,
        "a candidate source of the quote too"
    );
    let fourth = report(&run(&with_quote, cache, &[]));
    assert_eq!(verdicts_only(fourth), verdicts_only(third));
    assert_eq!(server.hits("/ok"), 2, "its text is cached now");

    // cache stats and cache clear.
    let stats = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["cache", "stats"])
        .args(cache.args())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(text.contains("3 pages (3 fresh, 1 failure)"), "{text}");
    let clear = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["cache", "clear"])
        .args(cache.args())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&clear.stdout).contains("3 pages forgotten"));
    report(&run(&memo, cache, &[]));
    assert_eq!(server.hits("/ok"), 3, "fetched again after clearing");
}

fn entries_expire_and_failures_sooner(cache: &TestStore) {
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = memo(dir.path(), &server, false);
    report(&run(&memo, cache, &["--cache-failure-ttl", "0s"]));
    report(&run(&memo, cache, &["--cache-failure-ttl", "0s"]));
    assert_eq!(server.hits("/gone"), 2, "a failure expired");
    assert_eq!(server.hits("/ok"), 1, "a fine page did not");
    report(&run(&memo, cache, &["--cache-ttl", "0s"]));
    assert_eq!(server.hits("/ok"), 2, "with no TTL every page is fetched");
}

#[test]
fn a_corrupt_store_is_set_aside_and_the_run_goes_on() {
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let cache = TestStore::Folder(dir.path().join("cache"));
    let TestStore::Folder(folder) = &cache else {
        unreachable!()
    };
    std::fs::create_dir_all(folder).unwrap();
    std::fs::write(folder.join("citecheck.sqlite"), vec![0x5a; 8192]).unwrap();
    let memo = memo(dir.path(), &server, false);
    let out = run(&memo, &cache, &[]);
    let json = report(&out);
    assert_eq!(json["summary"]["links_by_verdict"]["ok"], 2);
    let notice = json["notices"][0].as_str().unwrap();
    assert!(
        notice.contains("was corrupt") && notice.contains("rebuilt"),
        "{notice}"
    );
    let hits = total_hits(&server);
    report(&run(&memo, &cache, &[]));
    assert_eq!(
        total_hits(&server),
        hits,
        "the rebuilt store serves the rerun"
    );
}

fn two_runs_at_once_share_the_store(cache: &TestStore) {
    let server = Server::start(|path, n| match path {
        p if p.starts_with("/page/") => Reply::After(
            std::time::Duration::from_millis(20),
            Box::new(Reply::html(
                200,
                &format!("<title>{p}</title><p>Page {p}, request {n}.</p>"),
            )),
        ),
        _ => Reply::html(404, ""),
    });
    let dir = tempfile::tempdir().unwrap();
    let links: Vec<String> = (0..40).map(|i| server.url(&format!("/page/{i}"))).collect();
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, links.join("\n")).unwrap();
    let spawn = || {
        command(&memo, cache, &["--host-concurrency", "8", "-f", "json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Four at once, on a store none of them has created yet.
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let json = report(&out);
        assert_eq!(json["summary"]["links_by_verdict"]["ok"], 40, "{json}");
        assert!(json.get("notices").is_none(), "{json}");
    }
    let hits = total_hits(&server);
    let third = report(&run(&memo, cache, &[]));
    assert_eq!(third["summary"]["links_by_verdict"]["ok"], 40);
    assert_eq!(total_hits(&server), hits, "the store holds every page");
}

fn history_across_three_runs(cache: &TestStore) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Run 1: /a fine, /b dead. Runs 2 and 3: /a dead, /b back.
    let phase = Arc::new(AtomicUsize::new(1));
    let seen = phase.clone();
    let server = Server::start(move |path, _| {
        let late = seen.load(Ordering::SeqCst) > 1;
        match (path, late) {
            ("/a", false) | ("/b", true) => Reply::html(200, "<title>Fine</title><p>Fine.</p>"),
            ("/a", true) | ("/b", false) => Reply::html(404, "<title>Not found</title>"),
            _ => Reply::html(404, ""),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, format!("{} {}", server.url("/a"), server.url("/b"))).unwrap();
    let fresh = ["--cache-ttl", "0s", "--cache-failure-ttl", "0s"];
    let first = report(&run(&memo, cache, &fresh));
    assert!(
        first["memos"][0].get("changes").is_none(),
        "nothing to compare with yet"
    );
    phase.store(2, Ordering::SeqCst);
    let second = report(&run(&memo, cache, &fresh));
    let changes = &second["memos"][0]["changes"];
    assert_eq!(changes["new_findings"][0]["subject"], server.url("/a"));
    assert_eq!(changes["new_findings"][0]["was"], "ok");
    assert_eq!(changes["fixed"][0]["subject"], server.url("/b"));
    assert_eq!(changes["fixed"][0]["was"], "broken");
    let since = changes["failing_since"][0]["since"]
        .as_str()
        .unwrap()
        .to_owned();
    let third = report(&run(&memo, cache, &fresh));
    let changes = &third["memos"][0]["changes"];
    assert_eq!(changes["new_findings"].as_array().unwrap().len(), 0);
    assert_eq!(changes["failing_since"][0]["subject"], server.url("/a"));
    assert_eq!(
        changes["failing_since"][0]["since"], since,
        "dead since the second run"
    );

    // The terminal marks new findings; `citecheck history` tells the story.
    phase.store(1, Ordering::SeqCst);
    let mut cmd = command(&memo, cache, &fresh);
    let terminal = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(terminal.contains("NEW broken"), "{terminal}");
    assert!(terminal.contains("1 new, 1 fixed"), "{terminal}");
    let text = history(cache);
    assert!(text.contains("memo.txt (last run"), "{text}");
    assert!(
        text.contains(&format!("fixed: link {} (was broken)", server.url("/a"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("new: broken link {} (was ok)", server.url("/b"))),
        "{text}"
    );

    // The trends across the four runs, each run's numbers as recorded:
    // (findings, new, fixed, standing).
    let trends: Value = serde_json::from_str(&history_as(cache, "json")).unwrap();
    let rows: Vec<[u64; 4]> = trends["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| ["findings", "new", "fixed", "standing"].map(|k| r[k].as_u64().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [[1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 1], [1, 1, 1, 0]],
        "{trends:#}"
    );
    assert_eq!(trends["runs"][1]["by_verdict"]["broken"], 1);
    // The latest run's new and fixed are what `history` lists for it.
    assert_eq!(text.matches("    new: ").count(), 1, "{text}");
    assert_eq!(text.matches("fixed: link").count(), 1, "{text}");
    // Markdown and HTML give the same numbers; HTML draws them.
    let markdown = history_as(cache, "markdown");
    assert_eq!(
        markdown
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| run"))
            .count(),
        4,
        "{markdown}"
    );
    let html = history_as(cache, "html");
    for (series, values) in [
        ("findings", "1,1,1,1"),
        ("new", "1,1,0,1"),
        ("fixed", "0,1,0,1"),
    ] {
        assert!(
            html.contains(&format!(
                "data-series=\"{series}\" data-values=\"{values}\""
            )),
            "{series}: {html}"
        );
    }
}

/// `citecheck history -f FORMAT` for the store in `cache`.
fn history_as(cache: &TestStore, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args(["history", "-f", format])
        .args(cache.args())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A change of the settings that weigh verdicts is recorded with the run:
/// what it explains reads "settings changed", never "fixed" or "new",
/// while a link repaired on the web meanwhile is still "fixed".
fn settings_changes_are_not_fixes(cache: &TestStore) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let repaired = Arc::new(AtomicBool::new(false));
    let seen = repaired.clone();
    let server = Server::start(move |path, _| match path {
        "/gone" | "/dropped" => Reply::html(404, "<title>Not found</title>"),
        "/moved" => Reply::redirect(301, "/new"),
        "/new" => Reply::html(200, "<title>New</title><p>Here now.</p>"),
        "/mended" if seen.load(Ordering::SeqCst) => Reply::html(200, "<title>Back</title>"),
        _ => Reply::html(404, ""),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    let urls = ["/gone", "/dropped", "/moved", "/mended"].map(|p| server.url(p));
    std::fs::write(&memo, urls.join("\n")).unwrap();
    let fresh = ["--cache-ttl", "0s", "--cache-failure-ttl", "0s"];
    let config = dir.path().join("citecheck.toml");
    std::fs::write(&config, "[severity]\nredirected = \"error\"\n").unwrap();
    let config_arg = ["--config", config.to_str().unwrap()];
    let first = report(&run(&memo, cache, &[&fresh[..], &config_arg].concat()));
    assert_eq!(first["summary"]["errors"], 4, "{first}");

    // The next run drops the severity override, excludes /dropped, and
    // /mended is back on the web.
    std::fs::write(&config, "exclude = [\"/dropped$\"]\n").unwrap();
    repaired.store(true, Ordering::SeqCst);
    let second = report(&run(&memo, cache, &[&fresh[..], &config_arg].concat()));
    let changes = &second["memos"][0]["changes"];
    let subjects = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["subject"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(subjects(&changes["fixed"]), [urls[3].clone()], "{changes}");
    assert!(subjects(&changes["new_findings"]).is_empty(), "{changes}");
    let settings = &changes["settings_changed"];
    assert_eq!(
        settings["settings"],
        serde_json::json!(["exclude", "severity.redirected"]),
        "{changes}"
    );
    assert_eq!(
        subjects(&settings["no_longer_failing"]),
        [urls[1].clone(), urls[2].clone()]
    );

    // The terminal and `citecheck history` say so in words.
    std::fs::write(&config, "[severity]\nredirected = \"error\"\n").unwrap();
    let out = command(&memo, cache, &[&fresh[..], &config_arg].concat())
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&out.stdout);
    assert!(
        terminal.contains(
            "settings changed (exclude, severity.redirected): 0 no longer failing, 2 now failing"
        ),
        "{terminal}"
    );
    assert!(!terminal.contains("NEW"), "{terminal}");
    let text = history(cache);
    assert!(text.contains("0 new, 0 fixed"), "{text}");
    assert!(
        text.contains(&format!(
            "now failing: link {} (redirected, was redirected)",
            urls[2]
        )),
        "{text}"
    );
}

/// A rerun within the TTL sends no request at all, to the cited sites or
/// the archive, even with failures, soft 404s, a quote whose candidates
/// failed and archive lookups in the memo; and it gives the same report,
/// reasons included.
fn a_rerun_with_failures_soft_404s_and_lookups_makes_no_request(cache: &TestStore) {
    let site = Server::start(|path, _| match path {
        "/" => Reply::html(200, "<title>Home</title><p>Welcome to the institute.</p>"),
        "/ok" => Reply::html(
            200,
            "<title>Fine</title><p id=\"c1\">The committee heard evidence on energy security.</p>",
        ),
        "/gone" => Reply::html(404, "<title>Not found</title>"),
        "/gone-for-good" => Reply::html(410, "<title>Gone</title>"),
        "/failing" => Reply::html(500, "<title>Error</title>"),
        "/reset" => Reply::Reset,
        "/moved-home" => Reply::redirect(301, "/"),
        "/titled" => Reply::html(200, "<title>Page not found</title><p>Sorry.</p>"),
        "/articles/real" => Reply::html(200, "<title>Real</title><p>A real article.</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let gone = site.url("/gone");
    let captures = std::collections::HashMap::from([(gone.clone(), vec!["20080101000000"])]);
    let archive = crate::archive::archive(captures, |_, _| {
        Some("<title>Then</title><p id=\"c1\">The old words.</p>".to_owned())
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    let links: Vec<String> = [
        "/ok#c1",
        "/gone#c1",
        "/gone-for-good",
        "/failing",
        "/reset",
        "/moved-home",
        "/titled",
        "/articles/real",
    ]
    .iter()
    .map(|p| format!("[{p}]({})", site.url(p)))
    .collect();
    std::fs::write(
        &memo,
        format!(
            "---\ndate: 2009-01-01\n---\n{}\n\nThey wrote that “the committee never heard any \
             evidence on security” ([a]({}), [b]({})).\n",
            links.join(" "),
            site.url("/gone-for-good"),
            site.url("/failing"),
        ),
    )
    .unwrap();
    let archive_url = archive.url("/");
    let args = [
        "--archive-url",
        archive_url.as_str(),
        "--max-retries",
        "0",
        "-f",
        "json",
    ];
    let run = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
        cmd.args(["check", memo.to_str().unwrap(), "--allow-private"])
            .args(["--host-interval", "0"])
            .args(cache.args())
            .args(args);
        crate::support::no_internet(&mut cmd);
        cmd.env_remove("CITECHECK_NO_CACHE");
        cmd.output().unwrap()
    };
    let first = verdicts_only(report(&run()));
    let (site_hits, archive_hits) = (total_hits(&site), total_hits(&archive));
    assert!(
        site_hits > 8 && archive_hits > 0,
        "{site_hits} {archive_hits}"
    );
    let second = verdicts_only(report(&run()));
    assert_eq!(total_hits(&site) - site_hits, 0, "{:?}", site.paths());
    assert_eq!(
        total_hits(&archive) - archive_hits,
        0,
        "{:?}",
        archive.paths()
    );
    assert_eq!(first, second);
    // The run did what it should: soft 404s, failures, the quote and the
    // archived copy are all there, from the store too.
    let verdicts: Vec<&str> = second["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["verdict"].as_str().unwrap())
        .collect();
    assert!(
        verdicts.iter().filter(|v| **v == "soft_404").count() >= 2,
        "{verdicts:?}"
    );
    assert!(verdicts.contains(&"broken"), "{verdicts:?}");
    let quote = &second["memos"][0]["quotes"][0];
    assert_eq!(quote["verdict"], "unverifiable", "{quote}");
    let gone_link = &second["memos"][0]["links"][1];
    assert!(gone_link["suggestion"]["url"].is_string(), "{gone_link}");
}

/// `citecheck history` cleans what it prints from memos and pages as the
/// `check` report does: an escape sequence in a quote reaches the terminal
/// as plain text.
fn history_prints_no_control_characters(cache: &TestStore) {
    let site = Server::start(|path, n| match (path, n) {
        ("/src", 1) => Reply::html(404, "<title>Not found</title>"),
        ("/src", _) => Reply::html(200, "<title>Src</title><p>Entirely other words here.</p>"),
        _ => Reply::html(404, ""),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "They said “the \u{1b}[31mcommittee heard evidence\u{1b}[0m on energy security” \
             ([source]({})).\n",
            site.url("/src")
        ),
    )
    .unwrap();
    for _ in 0..2 {
        run(&memo, cache, &["--cache-failure-ttl", "0s"]);
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(["history"]).args(cache.args());
    crate::support::no_internet(&mut cmd);
    let out = cmd.output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("new: missing quote"), "{text}");
    assert!(text.contains("committee heard evidence"), "{text}");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

/// A soft-404 probe is kept by host and parent path like a page: a later
/// run that must fetch a page again (a new quote needs its text) takes the
/// probe of its parent path from the store instead of asking again.
fn probes_are_kept_for_the_next_run(cache: &TestStore) {
    let site = Server::start(|path, _| match path {
        "/articles/a" => Reply::html(
            200,
            "<title>A</title><p>The committee heard evidence on energy security.</p>",
        ),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    let link = format!("[a]({})", site.url("/articles/a"));
    std::fs::write(&memo, format!("See {link}.\n")).unwrap();
    run(&memo, cache, &[]);
    std::fs::write(
        &memo,
        format!("They wrote that “the committee heard evidence on energy security” ({link}).\n"),
    )
    .unwrap();
    let second = report(&run(&memo, cache, &[]));
    assert_eq!(second["memos"][0]["quotes"][0]["verdict"], "found");
    // The page was fetched twice (its text was not kept the first time);
    // its probe only once.
    assert_eq!(site.hits("/articles/a"), 2);
    let probes: usize = site
        .paths()
        .iter()
        .filter(|p| p.starts_with("/articles/") && p.len() == "/articles/".len() + 25)
        .map(|p| site.hits(p))
        .sum();
    assert_eq!(probes, 1, "{:?}", site.paths());
}

/// Each test above that takes a store, once per kind of store.
macro_rules! on_both_stores {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    let dir = tempfile::tempdir().unwrap();
                    super::$test(&crate::support::TestStore::Folder(dir.path().join("cache")));
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    super::$test(&crate::support::TestStore::postgres());
                }
            )*
        }
    };
}

on_both_stores!(
    a_rerun_makes_no_request_and_gives_the_same_report,
    entries_expire_and_failures_sooner,
    two_runs_at_once_share_the_store,
    history_across_three_runs,
    settings_changes_are_not_fixes,
    a_rerun_with_failures_soft_404s_and_lookups_makes_no_request,
    history_prints_no_control_characters,
    probes_are_kept_for_the_next_run,
);
