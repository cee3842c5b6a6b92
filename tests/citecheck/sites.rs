//! The audit by site: memos citing a site that moved its articles under a
//! new scheme, a domain gone, a parked domain and a healthy site; each
//! diagnosis right, the healthy site none, in JSON, Markdown and the
//! terminal, and the same when sharded reports are merged.

use crate::server::{Reply, Server};
use crate::support::{assert_valid_report, citecheck_in};
use serde_json::Value;
use std::path::Path;

const ARTICLE: &str = "<html><head><title>Gas transit</title></head><body><article><h1>Gas \
    transit</h1><p>The pipeline carries gas from the Caspian to the Mediterranean, and its \
    owners argue about the tariff every winter.</p></article></body></html>";

/// The four sites: moved (`/articles/x` now lives at `/en/analysis/x`),
/// parked (every path a for-sale page), healthy; and the dead domain's
/// address, which never resolves.
struct Sites {
    moved: Server,
    parked: Server,
    healthy: Server,
}

const GONE: &str = "http://closed-institute.test";

fn sites() -> Sites {
    let moved = Server::start_at("127.0.0.2", |path, _| {
        if let Some(rest) = path.strip_prefix("/articles/") {
            Reply::redirect(301, &format!("/en/analysis/{rest}"))
        } else if let Some("gas-transit" | "tariffs" | "oil-prices") =
            path.strip_prefix("/en/analysis/")
        {
            Reply::html(200, ARTICLE)
        } else {
            Reply::html(404, "<title>Not Found</title>")
        }
    });
    let parked = Server::start_at("127.0.0.3", |_, _| {
        Reply::html(
            200,
            "<html><head><title>eastern-forum.example is for sale!</title></head><body>\
             <h1>Make an offer</h1><p>Premium domain, fast transfer.</p></body></html>",
        )
    });
    let healthy = Server::start_at("127.0.0.4", |path, _| match path {
        "/news/1" | "/news/2" => Reply::html(200, ARTICLE),
        _ => Reply::html(404, "<title>Not Found</title>"),
    });
    Sites {
        moved,
        parked,
        healthy,
    }
}

fn write_memos(dir: &Path, s: &Sites) {
    std::fs::create_dir_all(dir).unwrap();
    let memo_2011 = format!(
        "---\ndate: 2011-03-01\n---\n# Gas\n\nSee [one]({}), [two]({}), [closed]({GONE}/memo/1), \
         [forum]({}) and [news]({}).\n",
        s.moved.url("/articles/gas-transit"),
        s.moved.url("/articles/tariffs"),
        s.parked.url("/2010/debate"),
        s.healthy.url("/news/1"),
    );
    let memo_2014 = format!(
        "---\ndate: 2014-09-01\n---\n# Oil\n\nSee [three]({}), [closed]({GONE}/memo/2), \
         [forum]({}), [news]({}) and [more news]({}).\n",
        s.moved.url("/articles/oil-prices"),
        s.parked.url("/2012/panel"),
        s.healthy.url("/news/1"),
        s.healthy.url("/news/2"),
    );
    std::fs::write(dir.join("gas-2011.md"), memo_2011).unwrap();
    std::fs::write(dir.join("oil-2014.md"), memo_2014).unwrap();
}

/// `check` on the folder with `extra`; the dead domain is looked up for
/// real (it is not sent to the test's dead-end proxy), and fails.
fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    // The folder by its relative name, so each memo's shard is the same
    // in every run.
    let mut args = vec![
        "check",
        "memos",
        "--allow-private",
        "--host-interval",
        "0",
        "--max-retries",
        "0",
    ];
    args.extend_from_slice(extra);
    let no_proxy = "127.0.0.0/8,localhost,.test";
    citecheck_in(
        dir,
        &args,
        None,
        &[("NO_PROXY", no_proxy), ("no_proxy", no_proxy)],
    )
}

fn site<'a>(report: &'a Value, host: &str) -> &'a Value {
    report["summary"]["sites"]
        .as_array()
        .expect("summary.sites")
        .iter()
        .find(|s| s["host"] == host)
        .unwrap_or_else(|| panic!("no site {host}: {:#}", report["summary"]["sites"]))
}

fn host(server: &Server) -> String {
    server
        .url("/")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

#[test]
fn each_site_is_diagnosed_and_a_healthy_one_is_not() {
    let s = sites();
    let dir = tempfile::tempdir().unwrap();
    write_memos(&dir.path().join("memos"), &s);
    let json_file = dir.path().join("report.json");
    let md_file = dir.path().join("report.md");
    let html_file = dir.path().join("report.html");
    let out = check(
        dir.path(),
        &[
            "-f",
            "terminal",
            "-f",
            &format!("json={}", json_file.display()),
            "-f",
            &format!("markdown={}", md_file.display()),
            "-f",
            &format!("html={}", html_file.display()),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_slice(&std::fs::read(&json_file).unwrap())
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_valid_report(&report);

    let moved = site(&report, &host(&s.moved));
    assert_eq!(moved["diagnosis"]["kind"], "moved", "{moved:#}");
    assert_eq!(
        moved["diagnosis"]["rule"],
        serde_json::json!({
            "from": s.moved.url("/articles/"),
            "to": s.moved.url("/en/analysis/"),
            "links": 3
        })
    );
    assert_eq!(
        (moved["memos"].as_u64(), moved["links"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(moved["verdicts"]["redirected"], 3);

    let gone = site(&report, "closed-institute.test");
    assert_eq!(gone["diagnosis"]["kind"], "domain_gone", "{gone:#}");
    assert_eq!(gone["verdicts"]["broken"], 2);

    let parked = site(&report, &host(&s.parked));
    assert_eq!(parked["diagnosis"]["kind"], "parked", "{parked:#}");
    assert_eq!(parked["verdicts"]["soft_404"], 2);

    let healthy = site(&report, &host(&s.healthy));
    assert_eq!(healthy["diagnosis"], Value::Null, "{healthy:#}");
    assert_eq!(
        (
            healthy["memos"].as_u64(),
            healthy["links"].as_u64(),
            healthy["verdicts"]["ok"].as_u64()
        ),
        (Some(2), Some(3), Some(3))
    );
    assert_eq!(
        report["summary"]["sites"].as_array().unwrap().len(),
        4,
        "one entry per site"
    );

    // The terminal summary: a line per diagnosed site, none for the
    // healthy one.
    assert!(
        stdout.contains(&format!(
            "site {} (2 memos): moved: 3 of 3 checked links redirect under one rule, {} → {}",
            host(&s.moved),
            s.moved.url("/articles/"),
            s.moved.url("/en/analysis/")
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("site closed-institute.test (2 memos): domain gone"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "site {} (2 memos): parked or for sale",
            host(&s.parked)
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains(&format!("site {}", host(&s.healthy))),
        "{stdout}"
    );

    // Markdown: the Sites table first, before what needs attention.
    let md = std::fs::read_to_string(&md_file).unwrap();
    let sites_at = md.find("### Sites").expect("a Sites section");
    assert!(sites_at < md.find("### Needs attention").unwrap(), "{md}");
    let table: Vec<&str> = md[sites_at..]
        .lines()
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        table.len(),
        3,
        "the three diagnosed sites, not the healthy: {md}"
    );
    assert!(
        table
            .iter()
            .any(|l| l.contains("closed-institute.test") && l.contains("domain gone"))
    );

    // HTML: the Sites section first, then the charts, whose numbers are
    // the JSON's.
    let html = std::fs::read_to_string(&html_file).unwrap();
    let (sites_at, charts_at) = (
        html.find("<section class=\"sites\"")
            .expect("a Sites section"),
        html.find("<section class=\"charts\"").expect("the charts"),
    );
    assert!(sites_at < charts_at && charts_at < html.find("<section data-memo").unwrap());
    assert_eq!(drawn_by_year(&html), json_by_year(&report));
    assert_eq!(
        drawn_by_year(&html).get(&("2011".into(), "dead".into())),
        Some(&2),
        "the 2011 memo's dead domain and parked page, and no more"
    );
    let dead_bars = attribute_values(&html, "data-site", "data-count");
    assert_eq!(
        dead_bars.len(),
        2,
        "only sites with dead links: {dead_bars:?}"
    );
    assert!(
        dead_bars.contains(&("closed-institute.test".to_owned(), 2)),
        "{dead_bars:?}"
    );
}

/// `(year, kind) → count` of the year chart's bars.
fn drawn_by_year(html: &str) -> std::collections::BTreeMap<(String, String), u64> {
    let mut drawn = std::collections::BTreeMap::new();
    for (year, kind, n) in rects(html) {
        drawn.insert((year, kind), n);
    }
    drawn
}

/// `(data-year, data-kind, data-count)` of every bar that has them.
fn rects(html: &str) -> Vec<(String, String, u64)> {
    html.split("<rect ")
        .skip(1)
        .filter_map(|rect| {
            let tag = &rect[..rect.find('>')?];
            let value = |name: &str| tag.split(&format!("{name}=\"")).nth(1)?.split('"').next();
            Some((
                value("data-year")?.to_owned(),
                value("data-kind")?.to_owned(),
                value("data-count")?.parse().ok()?,
            ))
        })
        .collect()
}

/// The same counted from the JSON report's memos: each link by its memo's
/// year and its verdict's kind (blocked, excluded, unchecked not drawn).
fn json_by_year(report: &Value) -> std::collections::BTreeMap<(String, String), u64> {
    let mut counted = std::collections::BTreeMap::new();
    for memo in report["memos"].as_array().unwrap() {
        let year = memo["date"]
            .as_str()
            .map_or("undated", |d| &d[..4])
            .to_owned();
        for link in memo["links"].as_array().unwrap() {
            let kind = match link["verdict"].as_str().unwrap() {
                "ok" => "ok",
                "redirected" => "redirected",
                "broken" | "soft_404" => "dead",
                "anchor_missing" => "drifted",
                _ => continue,
            };
            *counted.entry((year.clone(), kind.to_owned())).or_insert(0) += 1;
        }
    }
    counted
}

/// `(first, second)` attribute pairs of the elements holding both.
fn attribute_values(html: &str, first: &str, second: &str) -> Vec<(String, u64)> {
    html.split('<')
        .filter_map(|tag| {
            let tag = &tag[..tag.find('>')?];
            let value = |name: &str| tag.split(&format!("{name}=\"")).nth(1)?.split('"').next();
            Some((value(first)?.to_owned(), value(second)?.parse().ok()?))
        })
        .collect()
}

#[test]
fn merged_shards_diagnose_the_sites_as_one_run() {
    let s = sites();
    let dir = tempfile::tempdir().unwrap();
    write_memos(&dir.path().join("memos"), &s);
    let whole = dir.path().join("whole.json");
    check(dir.path(), &["-f", &format!("json={}", whole.display())]);
    let mut merge = vec!["merge".to_owned()];
    for k in 1..=2 {
        let part = dir.path().join(format!("part-{k}.json"));
        check(
            dir.path(),
            &[
                "--shard",
                &format!("{k}/2"),
                "-f",
                &format!("json={}", part.display()),
            ],
        );
        let one: Value = serde_json::from_slice(&std::fs::read(&part).unwrap()).unwrap();
        assert_eq!(
            one["memos"].as_array().unwrap().len(),
            1,
            "a memo per shard"
        );
        merge.push(part.display().to_string());
    }
    let merged = dir.path().join("merged.json");
    merge.extend(["-f".to_owned(), format!("json={}", merged.display())]);
    let args: Vec<&str> = merge.iter().map(String::as_str).collect();
    citecheck_in(dir.path(), &args, None, &[]);
    let read =
        |file: &Path| -> Value { serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap() };
    let (whole, merged) = (read(&whole), read(&merged));
    assert_eq!(merged["summary"]["sites"], whole["summary"]["sites"]);
    assert_eq!(
        site(&merged, &host(&s.moved))["diagnosis"]["rule"]["links"],
        3
    );
}
