//! A run whose own network is down (here every request goes to a dead
//! proxy) says so once and learns nothing: links `unchecked`, exit code 2,
//! nothing cached, so the next run, network back, checks every site.

use crate::server::{Reply, Server};
use std::process::Command;

const SITES: [&str; 3] = ["one.test", "two.test", "three.test"];

fn run(memo: &std::path::Path, store: &std::path::Path, proxy: &str) -> (serde_json::Value, i32) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args([
        "check",
        memo.to_str().unwrap(),
        "-f",
        "json",
        "--max-retries",
        "0",
        "--host-interval",
        "0",
        "--cache-dir",
        store.to_str().unwrap(),
    ]);
    for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        cmd.env(name, proxy).env(name.to_ascii_lowercase(), proxy);
    }
    cmd.env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("CITECHECK_NO_CACHE");
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    crate::support::assert_valid_report(&json);
    (json, out.status.code().unwrap())
}

#[test]
fn a_run_without_network_says_so_caches_nothing_and_the_next_run_checks_every_site() {
    let proxy = Server::start(|path, _| match path.strip_suffix("/article") {
        Some(site) if SITES.iter().any(|s| site == format!("http://{s}")) => {
            Reply::html(200, "<title>An article</title><p>Words of an article.</p>")
        }
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    let links: Vec<String> = SITES
        .iter()
        .map(|s| format!("- [{s}](http://{s}/article)"))
        .collect();
    std::fs::write(&memo, links.join("\n")).unwrap();
    let store = dir.path().join("store");

    // Nothing listens on port 9: every connection is refused alike.
    let (down, code) = run(&memo, &store, "http://127.0.0.1:9");
    assert_eq!(code, 2, "{down:#}");
    let why = down["network_unreachable"].as_str().unwrap();
    assert!(why.starts_with("the network could not be reached"), "{why}");
    assert!(why.contains("3 hosts"), "{why}");
    for link in down["memos"][0]["links"].as_array().unwrap() {
        assert_eq!(link["verdict"], "unchecked", "{link}");
        let reason = link["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("not checked: the network could not be reached"),
            "{reason}"
        );
    }
    assert!(down["notices"].as_array().unwrap().iter().any(|n| {
        n.as_str()
            .unwrap()
            .contains("nothing was checked, cached or recorded")
    }));

    // The network back: every site is asked, none answered from a cache.
    let (up, code) = run(&memo, &store, &proxy.url(""));
    assert_eq!(code, 0, "{up:#}");
    assert!(up.get("network_unreachable").is_none());
    for link in up["memos"][0]["links"].as_array().unwrap() {
        assert_eq!(link["verdict"], "ok", "{link}");
    }
    for site in SITES {
        assert_eq!(proxy.hits(&format!("http://{site}/article")), 1, "{site}");
    }
    // No history of the run without network: the first recorded run is
    // the second, so nothing is "fixed" or "failing since".
    assert!(
        up["memos"][0].get("changes").is_none(),
        "{:#}",
        up["memos"][0]
    );
}

/// One site that does not resolve is a dead link, as ever: only many
/// hosts failing alike, or the network itself, say the run is offline.
#[test]
fn one_unreachable_site_is_still_broken() {
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(&memo, "[gone](http://gone.test/page)").unwrap();
    let store = dir.path().join("store");
    let (report, code) = run(&memo, &store, "http://127.0.0.1:9");
    assert_eq!(
        report["memos"][0]["links"][0]["verdict"], "broken",
        "{report:#}"
    );
    assert!(report.get("network_unreachable").is_none());
    assert_eq!(code, 1);
}
