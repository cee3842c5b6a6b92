//! Sharded runs (`check --shard K/N`) and `citecheck merge`: every memo in
//! exactly one shard, a memo's shard unchanged when others are added, and
//! the merged report the report of one run over every memo.

use crate::server::{Reply, Server};
use crate::support::citecheck;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn site() -> Server {
    Server::start(|path, _| match path {
        p if p.starts_with("/gone") => Reply::html(404, "<html><body>gone</body></html>"),
        p => Reply::html(
            200,
            &format!(
                "<html><head><title>{p}</title></head><body><h1>Page {p}</h1><p>The council \
                 voted to close the old bridge to lorries from March, page {p} says.</p></body></html>"
            ),
        ),
    })
}

fn write_memos(dir: &Path, base: &str, range: std::ops::Range<usize>) {
    for i in range {
        let sub = dir.join(format!("group-{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        let gone = if i % 4 == 0 { "gone" } else { "page" };
        std::fs::write(
            sub.join(format!("memo-{i:02}.md")),
            format!(
                "# Memo {i}\n\nThe council “voted to close the old bridge to lorries” \
                 ([a]({base}/{gone}-{i})).\n\nSee also [b]({base}/page-shared).\n"
            ),
        )
        .unwrap();
    }
}

fn run(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--allow-private",
        "--host-interval",
        "0",
        "--no-archive",
        "--max-retries",
        "0",
        "-f",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = citecheck(&args, None);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (report, out.status.code().unwrap())
}

fn paths(report: &Value) -> Vec<String> {
    report["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap().to_owned())
        .collect()
}

/// A report without what differs between runs of the same memos.
fn comparable(mut report: Value) -> Value {
    report["summary"]["elapsed_ms"] = 0.into();
    report
}

#[test]
fn shards_cover_every_memo_once_and_merge_into_one_run() {
    let site = site();
    let base = site.url("");
    let dir = tempfile::tempdir().unwrap();
    let memos = dir.path().join("memos");
    write_memos(&memos, &base, 0..14);
    std::fs::write(memos.join("figure.png"), b"\x89PNG").unwrap();
    std::fs::write(memos.join("group-1").join("old.doc"), b"\xD0\xCF\x11\xE0").unwrap();
    let (whole, whole_code) = run(&memos, &[]);
    assert_eq!(whole["memos"].as_array().unwrap().len(), 14);

    let mut seen = BTreeSet::new();
    let mut parts = Vec::new();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let file = dir.path().join(format!("shard-{k}.json"));
        let json = format!("json={}", file.display());
        let (report, _) = run(&memos, &["--shard", &shard, "-f", &json]);
        for path in paths(&report) {
            assert!(seen.insert(path.clone()), "{path} is in two shards");
        }
        parts.push(file);
    }
    let all: BTreeSet<String> = paths(&whole).into_iter().collect();
    assert_eq!(seen, all, "the shards do not cover every memo");

    let merged_json = dir.path().join("merged.json");
    let merged_md = dir.path().join("merged.md");
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(parts.iter().map(|p| p.display().to_string()));
    args.extend([
        "-f".into(),
        format!("json={}", merged_json.display()),
        "-f".into(),
        format!("markdown={}", merged_md.display()),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = citecheck(&args, None);
    assert_eq!(
        out.status.code(),
        Some(whole_code),
        "the merged exit code is one run's: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value = serde_json::from_slice(&std::fs::read(&merged_json).unwrap()).unwrap();
    assert_eq!(comparable(merged), comparable(whole.clone()));
    let markdown = std::fs::read_to_string(&merged_md).unwrap();
    assert!(markdown.contains("14 memos"), "{markdown}");
    // Each shard's report says which it is; merge takes a set with every
    // shard once, and names what is wrong with any other.
    let shard_of = |file: &Path| -> Value {
        serde_json::from_slice::<Value>(&std::fs::read(file).unwrap()).unwrap()["shard"].clone()
    };
    assert_eq!(shard_of(&parts[2]), "3/4");
    let merge = |files: &[&Path]| {
        let mut args = vec!["merge".to_owned()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = citecheck(&args, None);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = merge(&[&parts[0], &parts[1], &parts[3]]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("shard 3/4 is missing (merge got 1/4, 2/4, 4/4)"),
        "{err}"
    );
    let (code, err) = merge(&[&parts[0], &parts[1], &parts[2], &parts[3], &parts[1]]);
    assert_eq!(code, Some(2), "{err}");
    let twice =
        err.contains("shard-2.json is given twice") || err.contains("shard 2/4 is given twice");
    assert!(twice, "{err}");
    // A copy of a shard that holds memos (the memos' paths are in a
    // temporary folder, so which shard holds none varies from run to run).
    let holds_memos = |file: &Path| {
        let report: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        !report["memos"].as_array().unwrap().is_empty()
    };
    let k = parts.iter().position(|p| holds_memos(p)).unwrap();
    let copy = dir.path().join("copy-of-one.json");
    std::fs::copy(&parts[k], &copy).unwrap();
    let (code, err) = merge(&[&parts[0], &parts[1], &parts[2], &parts[3], &copy]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("is in both") && err.contains("copy-of-one.json"),
        "{err}"
    );
}

#[test]
fn a_memo_keeps_its_shard_when_others_are_added() {
    let dir = tempfile::tempdir().unwrap();
    let memos = dir.path().join("memos");
    write_memos(&memos, "http://127.0.0.1:9", 0..10);
    let shards = |memos: &Path| -> Vec<(String, u32)> {
        let mut found = Vec::new();
        for k in 1..=3u32 {
            let out = citecheck(
                &[
                    "check",
                    memos.to_str().unwrap(),
                    "--offline",
                    "--shard",
                    &format!("{k}/3"),
                    "-f",
                    "json",
                ],
                None,
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            found.extend(paths(&report).into_iter().map(|p| (p, k)));
        }
        found.sort();
        found
    };
    let before = shards(&memos);
    assert_eq!(before.len(), 10);
    assert!(
        before.iter().map(|(_, k)| k).collect::<BTreeSet<_>>().len() > 1,
        "every memo fell in one shard: {before:?}"
    );
    write_memos(&memos, "http://127.0.0.1:9", 10..25);
    let after = shards(&memos);
    assert_eq!(after.len(), 25);
    for memo in &before {
        assert!(after.contains(memo), "{memo:?} moved to another shard");
    }
    let bad = citecheck(&["check", memos.to_str().unwrap(), "--shard", "5/4"], None);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 ≤ K ≤ N"));
}

#[test]
fn merge_refuses_what_is_not_a_report_of_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"not\": \"a report\"}").unwrap();
    let out = citecheck(&["merge", junk.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("junk.json") && err.contains("not a citecheck JSON report"),
        "{err}"
    );
    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        "{\"schema_version\": 2, \"summary\": {\"elapsed_ms\": 1}, \"memos\": []}",
    )
    .unwrap();
    let out = citecheck(&["merge", newer.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("schema version 2"));
}
