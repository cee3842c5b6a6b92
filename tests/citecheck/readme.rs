//! The README's examples run as written: its memo, served the way its
//! examples describe (a small web server on loopback), and each command of
//! its `console` blocks run in order in one folder, the output compared
//! with what the README shows. Only what changes from run to run is
//! masked: the server's port, times, dates and sizes on disk.

use crate::server::{Reply, Server};
use regex::Regex;
use std::path::Path;

/// The address the README's examples name.
const README_ADDRESS: &str = "127.0.0.1:8000";

/// The web the examples describe: an interview whose words changed, an
/// article whose comment lost its anchor, a report that moved and one
/// that is gone.
fn routes(path: &str, _: usize) -> Reply {
    match path {
        "/interview" => Reply::html(
            200,
            "<title>Interview</title><article><p>The minister said that the pipeline \
             will be finished by the end of next year.</p></article>",
        ),
        "/article" => Reply::html(
            200,
            "<title>Gas transit</title><article><p>The article.</p></article>\
             <section class=\"comments\"><div class=\"comment\"><p>We have heard this \
             promise every winter.</p></div></section>",
        ),
        "/old-report" => Reply::redirect(301, "/reports/2011"),
        "/reports/2011" => Reply::html(200, "<title>Report 2011</title><p>The report.</p>"),
        _ => Reply::html(404, "<title>Not found</title><p>No such page.</p>"),
    }
}

/// The first fenced block after `marker` whose fence names `language`.
fn block_after<'a>(readme: &'a str, marker: &str, language: &str) -> &'a str {
    let from = readme.find(marker).expect("the README has the marker");
    let fence = format!("```{language}\n");
    let start = readme[from..].find(&fence).unwrap() + from + fence.len();
    let end = readme[start..].find("\n```").unwrap() + start;
    &readme[start..=end]
}

/// Each `console` block's commands, with the output each shows.
fn console_examples(readme: &str) -> Vec<(String, String)> {
    let mut examples = Vec::new();
    let mut rest = readme;
    while let Some(at) = rest.find("```console\n") {
        let body = &rest[at + "```console\n".len()..];
        let end = body.find("\n```").unwrap();
        for part in body[..=end].split("$ ").filter(|p| !p.is_empty()) {
            let (command, output) = part.split_once('\n').unwrap_or((part, ""));
            examples.push((command.to_owned(), output.to_owned()));
        }
        rest = &body[end..];
    }
    examples
}

/// What differs between two runs of the same command, masked.
fn masked(text: &str) -> String {
    let rules = [
        (
            r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT",
            "DATE",
        ),
        (r"\d+(\.\d+)? s$", "N s"),
        (r"\d+(\.\d+)? [kMG]?B\b", "N B"),
    ];
    text.lines()
        .map(|line| {
            rules.iter().fold(line.to_owned(), |line, (re, with)| {
                Regex::new(re)
                    .unwrap()
                    .replace_all(&line, *with)
                    .into_owned()
            })
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_readme_examples_run_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let server = Server::start(routes);
    let address = server.url("").trim_start_matches("http://").to_owned();
    let address = address.trim_end_matches('/');

    let dir = tempfile::tempdir().unwrap();
    let memos = dir.path().join("memos");
    std::fs::create_dir(&memos).unwrap();
    let memo = block_after(&readme, "`memos/gas-transit.md`:", "markdown");
    std::fs::write(
        memos.join("gas-transit.md"),
        memo.replace(README_ADDRESS, address),
    )
    .unwrap();
    std::fs::write(memos.join("annex.md"), "# Annex\n\nThe tables.\n").unwrap();

    let examples = console_examples(&readme);
    assert!(examples.len() >= 6, "{examples:?}");
    for (command, shown) in examples {
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args[0], "citecheck", "{command}");
        // The examples keep the store in the folder, as a user's would.
        let out = crate::support::citecheck_in(
            dir.path(),
            &args[1..],
            None,
            &[("CITECHECK_NO_CACHE", "0")],
        );
        let stdout = String::from_utf8_lossy(&out.stdout).replace(address, README_ADDRESS);
        let (got, want) = (masked(&stdout), masked(shown.trim_end()));
        // A block that ends in `…` shows only the start of the output.
        match want.strip_suffix("…") {
            Some(start) => assert!(
                got.starts_with(start),
                "`{command}` printed:\n{got}\nthe README shows:\n{want}"
            ),
            None => assert_eq!(
                got.trim_end(),
                want,
                "`{command}` printed:\n{got}\nthe README shows:\n{want}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
        if args[1] == "check" && !args.contains(&"-q") {
            assert_eq!(
                out.status.code(),
                Some(1),
                "the README says findings exit 1"
            );
        }
    }
}
