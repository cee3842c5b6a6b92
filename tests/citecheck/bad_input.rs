//! Bad input never crashes and never loses the other results.

use crate::support::citecheck_json;
use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::MemoFormat;

#[test]
fn bad_files_are_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    std::fs::write(p("empty.txt"), "").unwrap();
    std::fs::write(
        p("binary.txt"),
        b"\x7fELF\x02\x01\x01\0\0\0garbage https://x.test/",
    )
    .unwrap();
    std::fs::write(
        p("latin1.txt"),
        b"Caf\xe9 \x93a quotation in windows 1252\x94 https://latin.test/",
    )
    .unwrap();
    std::fs::write(
        p("unterminated.md"),
        "He said “this never ends https://u.test/\n\nNext.",
    )
    .unwrap();
    std::fs::write(p("good.txt"), "https://good.test/").unwrap();
    let args: Vec<String> = [
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "unterminated.md",
        "good.txt",
    ]
    .iter()
    .map(|n| p(n).to_string_lossy().into_owned())
    .collect();
    let mut argv = vec!["check", "--offline", "-f", "json"];
    argv.extend(args.iter().map(String::as_str));
    let (json, code) = citecheck_json(&argv, None);
    assert_eq!(code, 1, "a binary memo is an error finding");
    let memos = json["memos"].as_array().unwrap();
    let msg = |i: usize, kind: &str| {
        memos[i][kind][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(msg(0, "warnings").contains("memo is empty"));
    assert!(msg(1, "errors").contains("binary file"));
    assert_eq!(memos[1]["links"].as_array().unwrap().len(), 0);
    assert!(msg(2, "warnings").contains("windows-1252"));
    assert_eq!(memos[2]["links"][0]["url"], "https://latin.test/");
    assert_eq!(memos[2]["quotes"][0]["text"], "a quotation in windows 1252");
    assert!(msg(3, "warnings").contains("unterminated quotation"));
    assert_eq!(memos[3]["warnings"][0]["line"], 1);
    assert_eq!(memos[3]["links"][0]["url"], "https://u.test/");
    assert_eq!(memos[4]["links"][0]["url"], "https://good.test/");
}

#[test]
fn large_memo_is_read_whole() {
    // About 50 MB of prose with a link and a quote every few lines.
    let para = "Filler words for a long memo, with “a quotation of six words here” and https://big.test/page#p1.\n";
    let repeats = 50_000_000 / para.len();
    let text = para.repeat(repeats);
    let x = extract(&text, MemoFormat::Text, &ExtractOptions::default());
    assert_eq!(x.links.len(), repeats);
    assert_eq!(x.quotes.len(), repeats);
    assert_eq!(x.links.last().unwrap().position.line as usize, repeats);
}

#[test]
fn hostile_snippets_do_not_panic() {
    let snippets = [
        "“",
        "\"",
        "«",
        "„",
        "[",
        "“[”",
        "“a b c d […",
        "http://",
        "https://[::1",
        "http://[",
        "<http://>",
        "#:~:text=",
        "http://a.test/#:~:text=,",
        "http://a.test/#%",
        "\u{feff}“ab cd ef gh”",
        "a-\n",
        "As Dr. “a b c d”",
        "“a b c d” says",
        "”“”“",
        "((((http://a.test/))))",
    ];
    for s in snippets {
        for format in [MemoFormat::Text, MemoFormat::Markdown, MemoFormat::Html] {
            let _ = extract(s, format, &ExtractOptions::default());
        }
    }
    let deep = "<div>".repeat(20_000) + "“deeply nested quotation text here”";
    let x = extract(&deep, MemoFormat::Html, &ExtractOptions::default());
    assert_eq!(x.quotes.len(), 1);
}

#[path = "../../fuzz/checks.rs"]
mod checks;

/// Every input a fuzz target ever failed on (`fixtures/fuzz/<target>/`),
/// run through the same checks as the target (`fuzz/checks.rs`).
#[test]
fn fuzz_regressions_stay_fixed() {
    let root = crate::support::fixture("fuzz");
    let mut seen = 0;
    for target in std::fs::read_dir(&root).unwrap().filter_map(Result::ok) {
        let name = target.file_name().to_string_lossy().into_owned();
        for input in std::fs::read_dir(target.path())
            .unwrap()
            .filter_map(Result::ok)
        {
            let data = std::fs::read(input.path()).unwrap();
            seen += 1;
            match name.as_str() {
                "extract_text" => checks::extraction(&data, MemoFormat::Text),
                "extract_markdown" => checks::extraction(&data, MemoFormat::Markdown),
                "extract_html" => checks::extraction(&data, MemoFormat::Html),
                "extract_pdf" => checks::pdf(&data),
                "quote_match" => checks::quote_match(&data),
                "archive_answers" => checks::archive_answers(&data),
                "listings" => checks::listings(&data),
                other => panic!("no regression runner for fuzz target {other}"),
            }
        }
    }
    assert!(seen >= 3, "the regression inputs are there");
}

#[test]
fn directory_walks_skip_link_loops_and_unreadable_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(root.join("a.txt"), "See https://a.test/ for more.").unwrap();
    std::fs::write(root.join("sub/b.md"), "Read [b](https://b.test/).").unwrap();
    // A loop back to the top, and a link to nothing.
    std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("gone"), root.join("sub/dangling.txt")).unwrap();
    let (json, code) = citecheck_json(
        &["check", "--offline", "-f", "json", root.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2, "an entry that cannot be read is an input error");
    let memos = json["memos"].as_array().unwrap();
    let read: Vec<&str> = memos
        .iter()
        .filter(|m| !m["links"].as_array().unwrap().is_empty())
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(read.len(), 2, "{json}");
    assert!(
        read[0].ends_with("a.txt") && read[1].ends_with("sub/b.md"),
        "{read:?}"
    );
    let text = json.to_string();
    assert!(text.contains("symbolic-link loop"), "{text}");
    assert!(
        text.contains("dangling.txt") && text.contains("cannot read"),
        "{text}"
    );
    assert_eq!(json["summary"]["links"], 2);
}
