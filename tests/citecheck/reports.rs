//! Every report format rendered from one fixed report model that holds
//! every verdict and hostile text, compared with snapshots in
//! `tests/snapshots/` (`UPDATE_SNAPSHOTS=1 cargo test` rewrites them after
//! a deliberate change), plus the properties each format must keep.

use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::{LinkVerdict, MemoFormat, Piece, Problem, QuoteVerdict, Segment, Severity};
use citecheck::report::terminal::TerminalOptions;
use citecheck::report::{LinkResult, MemoReport, QuoteResult, Report};
use citecheck::settings::ReportFormat;
use citecheck::verify::{ArchivedQuote, LinkOutcome, QuoteOutcome, Suggestion, SuggestionSource};
use std::path::PathBuf;
use std::process::Command;

const HOSTILE: &str = "<script>document.title='pwned'</script> \"]]> \u{1b}[31m";
/// Hostile text that can stand inside a quotation.
const QUOTED: &str = "<script>document.title='pwned'</script> ]]> \u{1b}[31m";

/// The fixed report: one memo with every link and quote verdict, hostile
/// text in reasons, titles and quotes, a 10,000-character quote, and a
/// second memo that could not be read.
pub fn fixed_report() -> Report {
    let long_quote = "word ".repeat(2000);
    let memo_text = format!(
        "Sources: https://a.example/ok https://a.example/moved https://a.example/gone \
         https://a.example/soft https://a.example/page#missing https://a.example/blocked \
         mailto:x@example.org https://a.example/offline\n\n\
         He said “the first quote is found on the page” and “the second quote is close to it” \
         and “the third quote is nowhere at all” and “the fourth quote cannot be read {QUOTED}”.\n"
    );
    let mut x = extract(&memo_text, MemoFormat::Text, &ExtractOptions::default());
    assert_eq!(x.links.len(), 8);
    assert_eq!(x.quotes.len(), 4);
    // Extraction caps a quotation's length; a report must still cope
    // with a long one.
    let mut long = x.quotes[2].clone();
    long.text = long_quote.trim().to_owned();
    long.segments = vec![Segment {
        pieces: vec![Piece::Words(long.text.clone())],
    }];
    x.quotes.push(long);
    let mut memo = MemoReport::new("memos/memo <1>.txt".into(), MemoFormat::Text);
    memo.date = Some("2008-05-12".into());
    memo.add_problem(Problem::at(
        Severity::Warning,
        x.quotes[0].position,
        format!("an unterminated quotation {HOSTILE}"),
    ));
    let verdicts = [
        (LinkVerdict::Ok, None),
        (
            LinkVerdict::Redirected,
            Some("permanent redirect (HTTP 301)"),
        ),
        (LinkVerdict::Broken, Some("HTTP 404 Not Found")),
        (
            LinkVerdict::Soft404,
            Some("soft 404: the title says “<script>alert(1)</script>”"),
        ),
        (
            LinkVerdict::AnchorMissing,
            Some("the page has no element with id \"missing\""),
        ),
        (
            LinkVerdict::Blocked,
            Some("bot challenge from Cloudflare (HTTP 403)"),
        ),
        (LinkVerdict::Excluded, Some("mailto: links are not checked")),
        (LinkVerdict::Unchecked, Some("offline: not fetched")),
    ];
    for (link, (verdict, reason)) in x.links.iter().zip(verdicts) {
        let mut outcome = LinkOutcome::new(verdict, reason.unwrap_or_default());
        if reason.is_none() {
            outcome.reason = Default::default();
            outcome.http_status = Some(200);
        }
        if verdict == LinkVerdict::Redirected {
            outcome.suggestion = Some(Suggestion {
                url: "https://a.example/new".into(),
                source: SuggestionSource::Redirect,
                timestamp: None,
                archive: None,
                held: None,
            });
        }
        if verdict == LinkVerdict::Broken {
            outcome.suggestion = Some(Suggestion {
                url: "https://web.archive.example/web/20080401000000/https://a.example/gone".into(),
                source: SuggestionSource::Archive,
                timestamp: Some("20080401000000".into()),
                archive: Some("wayback".into()),
                held: None,
            });
        }
        let mut result = LinkResult::new(link, outcome);
        result.severity = verdict.default_severity();
        memo.links.push(result);
    }
    let quote_outcomes = [
        (
            QuoteVerdict::Found,
            None,
            Some("the first quote is found on the page"),
            Some(1.0),
        ),
        (
            QuoteVerdict::Approximate,
            Some("close but not exact (similarity 0.91); differs: second → 2nd"),
            Some("the 2nd quote is close to it"),
            Some(0.91),
        ),
        (
            QuoteVerdict::Missing,
            Some("not in the 8 sources read"),
            None,
            None,
        ),
        (
            QuoteVerdict::Unverifiable,
            Some("no source could be read (https://a.example/blocked: HTTP 403)"),
            None,
            None,
        ),
        (QuoteVerdict::Missing, Some(HOSTILE), None, None),
    ];
    for (quote, (verdict, reason, matched, similarity)) in x.quotes.iter().zip(quote_outcomes) {
        let mut outcome = QuoteOutcome::new(verdict, reason.unwrap_or_default());
        if reason.is_none() {
            outcome.reason = Default::default();
        }
        outcome.matched_text = matched.map(str::to_owned);
        outcome.similarity = similarity;
        outcome.source = matched.map(|_| url::Url::parse("https://a.example/ok").unwrap());
        if verdict == QuoteVerdict::Missing && reason == Some("not in the 8 sources read") {
            outcome.archived = Some(ArchivedQuote {
                url: "https://web.archive.example/web/20080401000000/https://a.example/gone".into(),
                page: "https://a.example/gone".into(),
                timestamp: "20080401000000".into(),
                verdict: QuoteVerdict::Found,
                similarity: Some(1.0),
            });
        }
        memo.quotes.push(QuoteResult::new(
            quote,
            &citecheck::report::shown_urls(&x.links),
            outcome,
        ));
    }
    let mut unreadable = MemoReport::new("memos/binary.txt".into(), MemoFormat::Text);
    unreadable.add_problem(Problem::new(
        Severity::Error,
        "memos/binary.txt: the file is binary (a NUL byte at offset 12)",
    ));
    Report::new(
        vec![memo, unreadable],
        citecheck::report::RunFacts {
            elapsed_ms: 1234,
            ..Default::default()
        },
    )
}

pub fn render(report: &Report, format: ReportFormat) -> String {
    let options = TerminalOptions {
        color: false,
        min_severity: Severity::Info,
        summary: true,
        quiet: false,
    };
    String::from_utf8(citecheck::command::output::render(report, format, options)).unwrap()
}

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn every_format_matches_its_snapshot() {
    let report = fixed_report();
    for (format, file) in [
        (ReportFormat::Terminal, "report.txt"),
        (ReportFormat::Json, "report.json"),
        (ReportFormat::Markdown, "report.md"),
        (ReportFormat::Html, "report.html"),
        (ReportFormat::Junit, "report.junit.xml"),
        (ReportFormat::Sarif, "report.sarif"),
        (ReportFormat::Github, "report.github.txt"),
        (ReportFormat::Csv, "report.csv"),
    ] {
        snapshot(file, &render(&report, format));
    }
}

#[test]
fn hostile_text_stays_text() {
    let report = fixed_report();
    let html = render(&report, ReportFormat::Html);
    // Exactly one script element: the page's own.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
    let junit = render(&report, ReportFormat::Junit);
    assert!(!junit.contains("<script"));
    assert!(!junit.contains('\u{1b}'));
    assert!(junit.contains("]]&gt;"));
    let markdown = render(&report, ReportFormat::Markdown);
    assert!(!markdown.contains("<script"));
    for line in render(&report, ReportFormat::Github).lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
    }
    // The 10,000-character quote is shortened where a line must stay short.
    assert!(
        render(&report, ReportFormat::Github)
            .lines()
            .all(|l| l.len() < 2000)
    );
}

#[test]
fn json_and_sarif_reports_are_valid_against_their_schemas() {
    let report = fixed_report();
    let json: serde_json::Value =
        serde_json::from_str(&render(&report, ReportFormat::Json)).unwrap();
    crate::support::assert_valid_report(&json);
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&report, ReportFormat::Sarif)).unwrap();
    crate::support::assert_valid("fixtures/schemas/sarif-2.1.0-rtm.5.json", &sarif);
    // The validators are real: a wrong field fails them.
    let mut broken = json.clone();
    broken["memos"][0]["links"][0]["verdict"] = "fine".into();
    let result = std::panic::catch_unwind(|| crate::support::assert_valid_report(&broken));
    assert!(result.is_err());
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    let result = std::panic::catch_unwind(|| {
        crate::support::assert_valid("fixtures/schemas/sarif-2.1.0-rtm.5.json", &broken)
    });
    assert!(result.is_err());
}

#[test]
fn csv_reads_back_one_row_per_item_with_formulas_inert() {
    let mut report = fixed_report();
    let formula = "=HYPERLINK(\"https://evil.example\",\"click\")";
    report.memos[0].add_problem(Problem::new(Severity::Warning, formula.to_owned()));
    let csv = render(&report, ReportFormat::Csv);
    assert!(csv.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "memo",
            "memo date",
            "place",
            "kind",
            "verdict",
            "severity",
            "url or quote",
            "suggestion",
            "archived copy",
            "reason"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), report.findings().count(), "one row per item");
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let broken = rows
        .iter()
        .find(|r| &r[col("verdict")] == "broken")
        .expect("the broken link");
    assert_eq!(&broken[col("memo")], "memos/memo <1>.txt");
    assert_eq!(&broken[col("memo date")], "2008-05-12");
    assert_eq!(&broken[col("url or quote")], "https://a.example/gone");
    assert_eq!(&broken[col("severity")], "error");
    assert!(broken[col("reason")].contains("404"), "{broken:?}");
    let inert = rows
        .iter()
        .find(|r| r[col("url or quote")].contains("HYPERLINK"))
        .expect("the formula-like problem");
    assert_eq!(
        &inert[col("url or quote")],
        format!("'{formula}"),
        "never a formula"
    );
    let hostile = rows
        .iter()
        .any(|r| r[col("url or quote")].contains("<script>document.title='pwned'</script>"));
    assert!(
        hostile,
        "hostile text kept as text, quotes and commas intact"
    );
    // Every cell that could start a formula is made inert.
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
}

/// LibreOffice Calc opens the CSV report with formulas evaluated (a
/// control row `=1+2` becomes 3) and every row and cell as written; the
/// formula-like cell stays text.
#[test]
fn csv_opens_in_calc_with_formula_cells_as_text() {
    let mut report = fixed_report();
    let formula = "=HYPERLINK(\"https://evil.example\",\"click\")";
    report.memos[0].add_problem(Problem::new(Severity::Warning, formula.to_owned()));
    let mut csv = render(&report, ReportFormat::Csv);
    csv.push_str("control,,,,,,=1+2,,,\r\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.csv"), &csv).unwrap();
    let out = Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            &format!(
                "-env:UserInstallation=file://{}/profile",
                dir.path().display()
            ),
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
            // Comma, double quote, UTF-8, from line 1, and the last token:
            // evaluate formulas, as a careless import would.
            "--infilter=CSV:44,34,76,1,,0,false,true,false,false,false,-1,true",
            "--outdir",
            &dir.path().join("out").display().to_string(),
            &dir.path().join("report.csv").display().to_string(),
        ])
        .output()
        .expect("soffice runs (scripts/test.sh installs LibreOffice Calc)");
    let back = std::fs::read_to_string(dir.path().join("out/report.csv"))
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let parse = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let (ours, calc) = (parse(&csv), parse(&back));
    assert_eq!(calc.len(), ours.len(), "every row");
    let control = calc.last().unwrap();
    assert_eq!(control[6], "3", "Calc evaluated formulas: {control:?}");
    for (mine, theirs) in ours.iter().zip(&calc).take(ours.len() - 1) {
        assert_eq!(mine, theirs, "a cell Calc read otherwise");
    }
    assert!(
        calc.iter()
            .any(|row| row.iter().any(|c| c == &format!("'{formula}"))),
        "the formula-like cell is text in Calc"
    );
}

#[test]
fn sarif_and_junit_agree_with_the_findings() {
    let report = fixed_report();
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&report, ReportFormat::Sarif)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let errors = results.iter().filter(|r| r["level"] == "error").count();
    assert_eq!(errors, report.summary.errors);
    let broken = results
        .iter()
        .find(|r| r["ruleId"] == "link/broken")
        .unwrap();
    let region = &broken["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert!(region["startColumn"].as_u64().unwrap() > 1);
    assert_eq!(
        broken["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "memos/memo%20%3C1%3E.txt"
    );
    let junit = render(&report, ReportFormat::Junit);
    assert_eq!(
        junit.matches("<failure ").count(),
        report.summary.errors,
        "one failure per error"
    );
    assert_eq!(junit.matches("<testsuite ").count(), 2);
}

/// The DOM of `file#fragment` after its scripts ran, from headless
/// Chromium (Debian's `chromium`, which `.ci/run` installs).
fn chromium_dom(file: &std::path::Path, fragment: &str) -> String {
    chromium_dom_at(file, fragment, 1366)
}

/// [`chromium_dom`] in a window `width` pixels wide.
fn chromium_dom_at(file: &std::path::Path, fragment: &str, width: u32) -> String {
    let out = chromium(&[
        format!("--window-size={width},900"),
        "--dump-dom".to_owned(),
        format!("file://{}#{fragment}", file.display()),
    ]);
    String::from_utf8(out).unwrap()
}

/// Headless Chromium with a profile of its own, no network of its own
/// and a virtual time budget, run with `args`: its standard output.
fn chromium(args: &[String]) -> Vec<u8> {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("headless Chromium is needed for the HTML report test (apt-get install chromium)");
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `(verdict, hidden)` of every filtered row in a dumped DOM.
fn rows(dom: &str) -> Vec<(String, bool)> {
    dom.split("<tr ")
        .skip(1)
        .filter_map(|row| {
            let tag = &row[..row.find('>')?];
            let verdict = tag.split("data-verdict=\"").nth(1)?.split('"').next()?;
            Some((verdict.to_owned(), tag.contains(" hidden")))
        })
        .collect()
}

#[test]
fn the_html_report_filters_in_chromium_and_runs_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    std::fs::write(&file, render(&fixed_report(), ReportFormat::Html)).unwrap();

    let dom = chromium_dom(&file, "");
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the report's own script ran"
    );
    assert!(
        dom.contains("<title>citecheck report</title>"),
        "no script from the data ran"
    );
    assert!(!dom.contains("pwned</title>"));
    let all = rows(&dom);
    assert!(all.len() >= 14, "{all:?}");
    assert!(all.iter().all(|(_, hidden)| !hidden));

    let dom = chromium_dom(&file, "verdict=broken");
    let filtered = rows(&dom);
    assert!(filtered.iter().any(|(v, hidden)| v == "broken" && !hidden));
    assert!(
        filtered
            .iter()
            .filter(|(v, _)| v != "broken")
            .all(|(_, hidden)| *hidden),
        "{filtered:?}"
    );

    // The second memo alone: the first memo's section is hidden.
    let dom = chromium_dom(&file, "memo=1");
    let first = dom.split("<section data-memo").nth(1).unwrap();
    assert!(
        first[..first.find('>').unwrap()].contains("hidden"),
        "{first:.200}"
    );
    let dom = chromium_dom(&file, "attention=1");
    assert!(rows(&dom).iter().any(|(v, hidden)| v == "ok" && *hidden));
}

/// `xmllint --schema` on a document: `Ok` when it validates.
fn xmllint(schema: &str, document: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, document).unwrap();
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(schema);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint is needed for the JUnit test (apt-get install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn junit_is_valid_against_the_junit_schema() {
    let junit = render(&fixed_report(), ReportFormat::Junit);
    xmllint("fixtures/schemas/junit-10.xsd", &junit).unwrap();
    // The validator is real: a test case without a name fails it.
    let broken = junit.replacen("<testcase classname=", "<testcase nom=", 1);
    assert!(xmllint("fixtures/schemas/junit-10.xsd", &broken).is_err());
}

#[test]
fn every_format_from_a_real_run_of_the_seed_memo() {
    use crate::server::Server;
    let server = Server::start(crate::quotes::seed_routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = crate::support::seed_memo_for(&server.url(""), dir.path());
    let out_dir = dir.path().join("out");
    let file = |name: &str| out_dir.join(name).display().to_string();
    let formats: Vec<String> = ["json", "markdown", "html", "junit", "sarif", "terminal"]
        .iter()
        .map(|f| format!("{f}={}", file(&format!("report.{f}"))))
        .collect();
    let mut args = vec![
        "check".to_owned(),
        memo.display().to_string(),
        "--allow-private".into(),
        "--host-interval".into(),
        "0".into(),
        "--no-archive".into(),
        "-f".into(),
        "github".into(),
    ];
    for f in &formats {
        args.extend(["-f".to_owned(), f.clone()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = crate::support::citecheck(&args, None);
    assert_eq!(out.status.code(), Some(1), "the missing quote is an error");
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert!(annotations.contains("::error file="), "{annotations}");
    assert!(annotations.contains(",line=46,col=45,"), "{annotations}");
    let read = |f: &str| std::fs::read_to_string(file(&format!("report.{f}"))).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read("json")).unwrap();
    crate::support::assert_valid_report(&json);
    let sarif: serde_json::Value = serde_json::from_str(&read("sarif")).unwrap();
    crate::support::assert_valid("fixtures/schemas/sarif-2.1.0-rtm.5.json", &sarif);
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "quote/missing")
    );
    xmllint("fixtures/schemas/junit-10.xsd", &read("junit")).unwrap();
    assert!(read("markdown").contains("**missing**"));
    assert!(read("terminal").contains("quote missing"));
    let html_path = PathBuf::from(file("report.html"));
    let dom = chromium_dom(&html_path, "verdict=approximate");
    assert!(dom.contains("data-ready=\"yes\""));
    assert!(
        dom.contains("<del>Kyiv</del>") && dom.contains("<ins>Kiev</ins>"),
        "differences marked"
    );
    let shown: Vec<_> = rows(&dom)
        .into_iter()
        .filter(|(_, hidden)| !hidden)
        .collect();
    assert_eq!(shown, vec![("approximate".to_owned(), false)]);
}

/// A source the seed memo cites on seven lines in a row is one entry in
/// the reports people read, naming its lines; JSON keeps every occurrence.
#[test]
fn a_source_cited_on_seven_lines_is_one_entry() {
    use crate::server::Server;
    let server = Server::start(crate::quotes::seed_routes);
    let dir = tempfile::tempdir().unwrap();
    let memo = crate::support::seed_memo_for(&server.url(""), dir.path());
    let json = dir.path().join("report.json");
    let md = dir.path().join("report.md");
    let json_format = format!("json={}", json.display());
    let md_format = format!("markdown={}", md.display());
    let out = crate::support::citecheck(
        &[
            "check",
            memo.to_str().unwrap(),
            "--allow-private",
            "--host-interval",
            "0",
            "--no-archive",
            "-v",
            "-f",
            &json_format,
            "-f",
            &md_format,
            "-f",
            "terminal",
        ],
        None,
    );
    let terminal = String::from_utf8_lossy(&out.stdout);
    let ukraine = "Supporting_Ukraine%2C_but_Worrying_About_Russia";
    // Entries start at two spaces; the lines under them at six.
    let entries: Vec<&str> = terminal
        .lines()
        .filter(|l| l.contains(ukraine) && !l.starts_with("      "))
        .collect();
    assert_eq!(entries.len(), 1, "{terminal}");
    assert!(entries[0].contains(":191–197  "), "{}", entries[0]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let occurrences = report["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["url"].as_str().unwrap().contains(ukraine))
        .count();
    assert_eq!(occurrences, 7, "JSON stays per occurrence");
}

/// The editor's report at a laptop's and a phone's width: what needs
/// attention first, worst first, as cards with the memo's sentence, the
/// verdict in words and what to do; the full tables folded below; no
/// horizontal scrolling at either width.
#[test]
fn the_html_report_fits_a_laptop_and_a_phone() {
    let html = render(&fixed_report(), ReportFormat::Html);
    // The report's policy runs only its own script: the copy measured here
    // drops the policy and tells the page that frames it its width and how
    // much wider it is laid out (Chromium's windows are at least 500 px
    // wide, so a phone's width is a frame's).
    let dir = tempfile::tempdir().unwrap();
    instrumented(
        dir.path(),
        "report.html",
        "<script>parent.postMessage([window.innerWidth, \
         document.documentElement.scrollWidth - window.innerWidth], '*');</script>",
    );
    let attribute = |dom: &str, name: &str| -> i64 {
        dom.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {dom:.300}"))
    };
    for width in [1366, 390] {
        let frame = dir.path().join(format!("frame-{width}.html"));
        std::fs::write(
            &frame,
            format!(
                "<!doctype html><html><body style=\"margin:0\"><iframe src=\"report.html\" \
                 style=\"border:0;width:{width}px;height:900px\"></iframe><script>\
                 window.addEventListener('message', function (e) {{\
                 document.body.setAttribute('data-width', String(e.data[0]));\
                 document.body.setAttribute('data-overflow', String(e.data[1])); }});\
                 </script></body></html>"
            ),
        )
        .unwrap();
        let dom = chromium_dom_at(&frame, "", 1400);
        assert_eq!(
            attribute(&dom, "data-width"),
            i64::from(width),
            "the frame's width"
        );
        assert!(
            attribute(&dom, "data-overflow") <= 0,
            "horizontal scrolling at {width} px"
        );
    }
    // Its shape: per memo, the cards (worst first) before the tables.
    let first_memo = html.split("<section data-memo").nth(1).unwrap();
    let cards = first_memo.find("<article").expect("cards");
    let tables = first_memo
        .find("<details class=\"all\">")
        .expect("the folded tables");
    assert!(cards < tables);
    let severities: Vec<&str> = first_memo
        .split("<article class=\"finding f-")
        .skip(1)
        .map(|c| &c[..c.find('"').unwrap()])
        .collect();
    assert!(!severities.is_empty());
    let first_warning = severities
        .iter()
        .position(|s| *s == "warning")
        .unwrap_or(severities.len());
    assert!(
        severities[first_warning..].iter().all(|s| *s == "warning"),
        "{severities:?}"
    );
    assert!(first_memo.contains("The page is gone"), "verdicts in words");
    assert!(first_memo.contains("What to do: Use the archived copy of 2008-04-01"));
    assert!(
        first_memo.contains("<mark>"),
        "the memo's sentence with the cited words marked"
    );
}

/// The report with the page's policy dropped and `script` run at its end
/// (the tests' own measurements), written as `name` in `dir`.
fn instrumented(dir: &std::path::Path, name: &str, script: &str) -> std::path::PathBuf {
    let html = render(&fixed_report(), ReportFormat::Html)
        .replacen(
            "<meta http-equiv=\"Content-Security-Policy\"",
            "<meta name=\"measured\"",
            1,
        )
        .replace("</body>", &format!("{script}</body>"));
    let file = dir.join(name);
    std::fs::write(&file, html).unwrap();
    file
}

/// axe-core (installed by `scripts/test.sh`) run inside the report finds
/// no serious or critical accessibility violation.
#[test]
fn the_html_report_passes_axe() {
    let axe = std::env::var("CITECHECK_AXE").expect(
        "CITECHECK_AXE names axe-core's axe.min.js: run the suite with `bash scripts/test.sh`",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = instrumented(
        dir.path(),
        "report.html",
        &format!(
            "<script src=\"file://{axe}\"></script><script>axe.run(document).then(function (r) {{\
             var bad = r.violations.filter(function (v) {{\
             return v.impact === 'serious' || v.impact === 'critical'; }});\
             document.body.setAttribute('data-axe', String(bad.length));\
             document.body.setAttribute('data-axe-rules', bad.map(function (v) {{\
             return v.id + ':' + v.nodes.length; }}).join(' ')); }});</script>"
        ),
    );
    let dom = chromium_dom(&file, "");
    let found = |name: &str| {
        dom.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_owned)
    };
    let count = found("data-axe").expect("axe ran in the page");
    assert_eq!(
        count,
        "0",
        "serious or critical: {:?}",
        found("data-axe-rules")
    );
}

/// A screenshot of `file` in Chromium, `width` × `height`.
fn screenshot(file: &std::path::Path, width: u32, height: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shot.png");
    chromium(&[
        format!("--window-size={width},{height}"),
        format!("--screenshot={}", out.display()),
        format!("file://{}", file.display()),
    ]);
    std::fs::read(out).unwrap()
}

/// The pixels of a PNG as RGBA rows, with its size.
fn pixels(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// The report as people see it at 1366 px and, framed, at 390 px, against
/// the references in `tests/snapshots/` (`UPDATE_SCREENSHOTS=1 cargo test
/// --test citecheck screenshots` writes them again): the same size, and
/// at most 1.5% of pixels clearly different (fonts' anti-aliasing aside).
#[test]
fn the_html_report_screenshots_match_their_references() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    std::fs::write(&file, render(&fixed_report(), ReportFormat::Html)).unwrap();
    let frame = dir.path().join("phone.html");
    std::fs::write(
        &frame,
        "<!doctype html><html><body style=\"margin:0\"><iframe src=\"report.html\" \
         title=\"report\" style=\"border:0;width:390px;height:1400px\"></iframe></body></html>",
    )
    .unwrap();
    let snapshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for (name, page, width) in [
        ("report-1366.png", &file, 1366),
        ("report-390.png", &frame, 500),
    ] {
        let shot = screenshot(page, width, 1400);
        let reference = snapshots.join(name);
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            std::fs::write(&reference, &shot).unwrap();
            continue;
        }
        let expected = std::fs::read(&reference)
            .unwrap_or_else(|_| panic!("no {name}; run with UPDATE_SCREENSHOTS=1"));
        let (w, h, now) = pixels(&shot);
        let (ew, eh, then) = pixels(&expected);
        assert_eq!((w, h), (ew, eh), "{name}: size");
        let differing = now
            .chunks(4)
            .zip(then.chunks(4))
            .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
            .count();
        let share = differing as f64 / f64::from(w * h);
        assert!(
            share <= 0.015,
            "{name}: {:.2}% of pixels differ",
            share * 100.0
        );
    }
}

/// A report named by a path that is no regular file (a named pipe here,
/// `/dev/null` or `/dev/stderr` in practice) is written into it, not
/// renamed over it: the pipe is still a pipe and its reader got the report.
#[test]
fn a_report_into_a_named_pipe_leaves_the_pipe_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("report.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).unwrap())
    };
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, "See http://127.0.0.1:9/a for more.").unwrap();
    let target = format!("json={}", pipe.display());
    let out = crate::support::citecheck(
        &["check", memo.to_str().unwrap(), "--offline", "-f", &target],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Looked at before the reader is waited for: a pipe renamed over
    // never gets a writer, and its reader would wait for ever.
    let kind = std::fs::metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
    let json: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(json["summary"]["links"], 1);
}
