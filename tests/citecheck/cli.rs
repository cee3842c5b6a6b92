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
    assert_eq!(code, 1, "the broken PDF is an error of that memo");
    let formats: Vec<&str> = json["memos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["text", "markdown", "html", "pdf"]);
    assert_eq!(json["summary"]["links"], 3);
    let pdf = &json["memos"][3];
    let message = pdf["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("d.pdf: not a readable PDF"), "{message}");
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
    // A missing folder is made; a folder that is a file cannot be.
    let nested = dir.path().join("reports/deep/report.json");
    let out = citecheck(
        &[
            "check",
            "--offline",
            "-f",
            &format!("json={}", nested.display()),
            "fixtures/memos/briefing.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(nested.is_file());
    let unwritable = report.join("report.json");
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

    // The report is written beside its target and renamed into place: a
    // target that cannot be replaced (a folder) fails with exit code 2,
    // leaves the folder as it was and no temporary file behind.
    let taken = dir.path().join("taken.json");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), "x").unwrap();
    let out = citecheck(
        &[
            "check",
            "--offline",
            "-f",
            &format!("json={}", taken.display()),
            "fixtures/memos/briefing.html",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(taken.join("keep").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
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
    assert!(
        text.contains("fixtures/memos/atlantic-memo-6.txt:205:1  unchecked  http://www.atlantic-community.org/  "),
        "{text}"
    );
    // A source cited alike on several lines is one entry naming them.
    assert!(
        text.contains("atlantic-memo-6.txt:190, 198, 200  unchecked  "),
        "{text}"
    );
    assert!(
        text.contains(":38:26  quote unverifiable  “the roots of Russian statehood"),
        "{text}"
    );
    assert!(text.contains("— Dr. Andreas Umland"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
    assert!(text.trim_end().ends_with(" s"), "summary line last: {text}");
}

/// Run `citecheck` in `dir` (where a `citecheck.toml` may be).

#[test]
fn a_config_file_sets_options_and_the_command_line_overrides_it() {
    use crate::server::{Reply, Server};
    let server = Server::start(|path, _| match path {
        "/private" => Reply::html(403, "<title>Forbidden</title>"),
        "/moved" => Reply::redirect(301, "/ok"),
        "/ok" => Reply::html(200, "<title>Fine</title><p>Fine.</p>"),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.txt"),
        format!(
            "{} {} {}",
            server.url("/private"),
            server.url("/moved"),
            server.url("/ok")
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("citecheck.toml"),
        "# a team's settings\npaths = [\"memo.txt\"]\nformat = [\"markdown\"]\n\
         allow-private = true\nhost-interval = \"0ms\"\nno-archive = true\n\n\
         [severity]\nredirected = \"error\"\n\n\
         [hosts.\"127.0.0.1\"]\naccept = \"200-299,403\"\n\
         headers = { Authorization = \"Bearer ${CITECHECK_TEST_TOKEN}\" }\n",
    )
    .unwrap();
    let env = [("CITECHECK_TEST_TOKEN", "s3cret")];
    // The file alone: Markdown, the redirect at error level, 403 accepted.
    let out = crate::support::citecheck_in(dir.path(), &["check"], None, &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("## citecheck"), "{stdout}");
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("❌ 1:") && stdout.contains("**redirected**"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("**blocked**"),
        "403 is accepted for this host: {stdout}"
    );
    let head = server.head("/private").unwrap().to_ascii_lowercase();
    assert!(head.contains("authorization: bearer s3cret"), "{head}");
    // The command line overrides the file's format and adds to nothing else.
    let out = crate::support::citecheck_in(
        dir.path(),
        &["check", "-f", "json", "--fail-on", "warning"],
        None,
        &env,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::support::assert_valid_report(&json);
    assert_eq!(json["summary"]["links_by_verdict"]["redirected"], 1);
    // A missing secret is a configuration error naming the file and key.
    let out = crate::support::citecheck_in(dir.path(), &["check"], None, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("citecheck.toml:13: hosts.127.0.0.1.headers: the environment variable CITECHECK_TEST_TOKEN is not set"),
        "{stderr}"
    );
    // --config names another file; a bad key in it is an error with its line.
    std::fs::write(dir.path().join("other.toml"), "offline = true\nspeed = 3\n").unwrap();
    let out = crate::support::citecheck_in(
        dir.path(),
        &["check", "--config", "other.toml", "memo.txt"],
        None,
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("other.toml:2: speed: unknown key"),
        "{stderr}"
    );
}

/// Links to the memo's own sections are checked against the memo: HTML
/// ids and `a[name]`, Markdown heading ids as GitHub makes them (with
/// `-1`, `-2` for repeats), `{#id}` and inline `<a id>`; plain text has no
/// ids, so `#x` alone stays excluded with the reason.
#[test]
fn links_into_the_memo_itself_are_checked_against_it() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("memo.html");
    std::fs::write(
        &html,
        "<html><body><h2 id=\"conclusions\">Conclusions</h2><p><a name=\"old-anchor\"></a>\
         See <a href=\"#conclusions\">the conclusions</a>, <a href=\"#old-anchor\">the old \
         anchor</a> and <a href=\"#nowhere\">nothing</a>.</p></body></html>",
    )
    .unwrap();
    let md = dir.path().join("memo.md");
    std::fs::write(
        &md,
        "# Summary of Findings\n\n## Notes\n\n## Notes\n\n## Notes\n\n## Annex {#custom-id}\n\n\
         <a id=\"raw-anchor\"></a>\n\nSee [summary](#summary-of-findings), [third notes](#notes-2), \
         [annex](#custom-id), [raw](#raw-anchor), [fourth notes](#notes-3) and \
         [nothing](#annex).\n",
    )
    .unwrap();
    let text = dir.path().join("memo.txt");
    std::fs::write(&text, "See #conclusions in the text.\n").unwrap();
    let (report, code) = citecheck_json(
        &[
            "check",
            "--offline",
            "-f",
            "json",
            html.to_str().unwrap(),
            md.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1, "anchor_missing is an error");
    let verdicts = |memo: usize| -> Vec<(String, String)> {
        report["memos"][memo]["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["url"].as_str().unwrap().to_owned(),
                    l["verdict"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        verdicts(0),
        [
            s("#conclusions", "ok"),
            s("#old-anchor", "ok"),
            s("#nowhere", "anchor_missing")
        ]
    );
    assert_eq!(
        verdicts(1),
        [
            s("#summary-of-findings", "ok"),
            s("#notes-2", "ok"),
            s("#custom-id", "ok"),
            s("#raw-anchor", "ok"),
            s("#notes-3", "anchor_missing"),
            s("#annex", "anchor_missing"),
        ]
    );
    let missing = &report["memos"][1]["links"][5];
    assert_eq!(missing["fragment"]["found"], false);
    assert!(
        missing["reason"].as_str().unwrap().contains("\"annex\""),
        "{missing}"
    );
    let (plain, _) = citecheck_json(
        &["check", "--offline", "-f", "json", text.to_str().unwrap()],
        None,
    );
    // Plain text finds no link in `#conclusions` at all: nothing to check.
    assert_eq!(plain["memos"][0]["links"].as_array().unwrap().len(), 0);
}

/// A footnoted quote's note stands beside its place in every report that
/// shows the quote.
#[test]
fn reports_show_a_footnoted_quotes_note() {
    let memo = "fixtures/memos/footnotes/footnoted.md";
    let (json, _) = citecheck_json(&["check", "--offline", "-f", "json", memo], None);
    let quote = &json["memos"][0]["quotes"][0];
    assert_eq!(quote["pairing"], "footnote");
    assert_eq!(quote["note"], "speech");
    let shown = |format: &str| {
        let out = citecheck(&["check", "--offline", "-v", "-f", format, memo], None);
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(shown("terminal").contains("(note speech)"));
    assert!(shown("html").contains("7:25 (note speech)"));
    assert!(shown("junit").contains("7:25 (note speech)"));
}
