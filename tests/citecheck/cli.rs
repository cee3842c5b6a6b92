//! The binary: JSON contract, exit codes, inputs, output files.

use crate::support::{citecheck, citecheck_json};

#[test]
fn seed_json_contract() {
    let (json, code) = citecheck_json(
        &[
            "check",
            "--offline",
            "--format",
            "json",
            "fixtures/memos/atlantic-memo-6.txt",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["tool"]["name"], "citecheck");
    assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let summary = &json["summary"];
    assert_eq!(summary["memos"], 1);
    assert_eq!(summary["links"], 16);
    assert_eq!(summary["unique_urls"], 7);
    assert_eq!(summary["unique_pages"], 5);
    assert_eq!(summary["quotes"], 6);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["warnings"], 0);
    let memo = &json["memos"][0];
    assert_eq!(memo["path"], "fixtures/memos/atlantic-memo-6.txt");
    assert_eq!(memo["format"], "text");
    assert_eq!(memo["errors"].as_array().map(Vec::len), Some(0));
    let link = &memo["links"][11];
    assert_eq!(
        link["url"],
        "http://www.atlantic-community.org/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision#comment897"
    );
    assert_eq!(link["line"], 201);
    assert_eq!(link["column"], 1);
    assert_eq!(link["verdict"], "unchecked");
    assert_eq!(link["severity"], "info");
    assert!(link["http_status"].is_null());
    assert!(link["final_url"].is_null());
    assert!(link["suggestion"].is_null());
    assert_eq!(link["fragment"]["kind"], "anchor");
    assert_eq!(link["fragment"]["value"], "comment897");
    assert!(link["fragment"]["found"].is_null());
    assert!(
        link["reason"]
            .as_str()
            .is_some_and(|r| r.contains("offline"))
    );
    let quote = &memo["quotes"][5];
    assert_eq!(quote["line"], 53);
    assert_eq!(quote["attribution"], "Lukas Vitalius");
    assert_eq!(quote["verdict"], "unverifiable");
    assert!(quote["similarity"].is_null());
    assert!(quote["source"].is_null());
    assert!(quote["matched_text"].is_null());
    assert_eq!(quote["candidates"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        quote["text"],
        "Russia has no intention [of] joining NATO or the EU. It is a power of its own."
    );
}

#[test]
fn exit_code_is_one_for_error_findings() {
    let out = citecheck(&["check", "--offline", "fixtures/memos/rules.txt"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fixtures/memos/rules.txt:16:20  broken"),
        "{text}"
    );
    assert!(text.contains("2 errors, 1 warning"), "{text}");
}

#[test]
fn exit_code_is_two_for_usage_and_missing_inputs() {
    assert_eq!(citecheck(&["check"], None).status.code(), Some(2));
    assert_eq!(
        citecheck(&["check", "--bogus", "x"], None).status.code(),
        Some(2)
    );
    assert_eq!(
        citecheck(
            &[
                "check",
                "--offline",
                "--base-url",
                "not a url",
                "fixtures/memos"
            ],
            None
        )
        .status
        .code(),
        Some(2)
    );
    let (json, code) = citecheck_json(
        &[
            "check",
            "--offline",
            "-f",
            "json",
            "no/such/memo.txt",
            "fixtures/memos/briefing.md",
        ],
        None,
    );
    assert_eq!(code, 2);
    // The readable memo is still reported.
    assert_eq!(json["summary"]["memos"], 2);
    assert!(
        json["memos"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/memo.txt")
    );
    assert_eq!(json["memos"][1]["links"].as_array().map(Vec::len), Some(8));
}

#[test]
fn directories_are_walked_and_pdf_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("a.txt"), "see https://a.test/").unwrap();
    std::fs::write(dir.path().join("sub/b.md"), "[b](https://b.test/)").unwrap();
    std::fs::write(
        dir.path().join("sub/c.html"),
        "<a href='https://c.test/'>c</a>",
    )
    .unwrap();
    std::fs::write(dir.path().join("sub/d.pdf"), "%PDF-1.4").unwrap();
    std::fs::write(dir.path().join("ignored.csv"), "https://never.test/").unwrap();
    let path = dir.path().to_str().unwrap();
    let (json, code) = citecheck_json(&["check", "--offline", "-f", "json", path], None);
    assert_eq!(code, 0);
    let formats: Vec<&str> = json["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["text", "markdown", "html", "pdf"]);
    assert_eq!(json["summary"]["links"], 3);
    let pdf = &json["memos"][3];
    assert!(
        pdf["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not supported yet")
    );
}

#[test]
fn stdin_with_input_format() {
    let md = b"Read [this](https://stdin.test/page) and `https://not.test/`.";
    let (json, code) = citecheck_json(
        &[
            "check",
            "--offline",
            "-f",
            "json",
            "--input-format",
            "markdown",
            "-",
        ],
        Some(md),
    );
    assert_eq!(code, 0);
    assert_eq!(json["memos"][0]["path"], "-");
    assert_eq!(json["memos"][0]["format"], "markdown");
    assert_eq!(
        json["memos"][0]["links"][0]["url"],
        "https://stdin.test/page"
    );
    assert_eq!(json["summary"]["links"], 1);
}

#[test]
fn report_goes_to_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = citecheck(
        &[
            "check",
            "--offline",
            "-f",
            "json",
            "-o",
            report.to_str().unwrap(),
            "fixtures/memos/briefing.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["memos"][0]["format"], "html");
    // Only the report is left in the directory: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let unwritable = dir.path().join("missing-dir/report.json");
    let out = citecheck(
        &[
            "check",
            "--offline",
            "-o",
            unwritable.to_str().unwrap(),
            "fixtures/memos/briefing.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write report to"));
}

#[test]
fn verbose_terminal_shows_every_item_with_locations() {
    let out = citecheck(
        &[
            "check",
            "--offline",
            "-v",
            "fixtures/memos/atlantic-memo-6.txt",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fixtures/memos/atlantic-memo-6.txt:190:1  unchecked  http://www.atlantic-community.org/"), "{text}");
    assert!(
        text.contains(":38:26  quote unverifiable  “the roots of Russian statehood"),
        "{text}"
    );
    assert!(text.contains("— Dr. Andreas Umland"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
    assert!(text.trim_end().ends_with(" s"), "summary line last: {text}");
}
