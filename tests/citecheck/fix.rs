//! `citecheck fix` against local servers: a site whose pages moved or
//! died, and the imitation Wayback Machine holding captures of them.

use crate::archive::{Captures, archive};
use crate::server::{Reply, Server};
use crate::support::{assert_valid_report, citecheck};
use serde_json::Value;

/// The site: `/moved` and `/moved-anchor` redirect for good, `/gone`,
/// `/gone-quote` and `/gone-html` are dead.
fn site() -> Server {
    Server::start(|path, _| match path {
        "/moved" => Reply::redirect(301, "/new"),
        "/moved-anchor" => Reply::redirect(301, "/new"),
        "/new" => Reply::html(
            200,
            "<title>New home</title><p id=\"top\">The new page.</p>",
        ),
        "/live" => Reply::html(
            200,
            "<title>Speech</title><p>The minister said the reforms have gone well so far.</p>",
        ),
        _ => Reply::html(404, "<title>Not found</title>"),
    })
}

/// Captures of the dead pages: `/gone` keeps its comment, `/gone-quote`
/// lacks the words quoted from it, `/live` holds the words as first said.
fn wayback(base: &str) -> Server {
    let captures: Captures = ["/gone", "/gone-quote", "/gone-html", "/gone-said", "/live"]
        .into_iter()
        .map(|p| (format!("{base}{p}"), vec!["20080401000000"]))
        .collect();
    archive(captures, |_, original| {
        Some(if original.ends_with("/gone-said") {
            "<title>Archived</title><p>The treaty will hold for another decade, she said.</p>"
                .to_owned()
        } else if original.ends_with("/gone-quote") {
            "<title>Archived</title><p>Other words entirely, about trade.</p>".to_owned()
        } else if original.ends_with("/live") {
            "<title>Speech</title><p>The minister said the reforms have failed the rural \
             areas.</p>"
                .to_owned()
        } else {
            "<title>Archived</title><p id=\"c2\">The second comment.</p>".to_owned()
        })
    })
}

/// The site and its archive, running, with their addresses.
struct Web {
    _site: Server,
    _wayback: Server,
    base: String,
    archive_url: String,
}

fn web() -> Web {
    let site = site();
    let base = site.url("");
    let wayback = wayback(&base);
    let archive_url = wayback.url("");
    Web {
        _site: site,
        _wayback: wayback,
        base,
        archive_url,
    }
}

/// `citecheck fix MEMO` against the local servers, with `extra`.
fn run_fix(memo: &std::path::Path, archive_url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "fix",
        memo.to_str().unwrap(),
        "--allow-private",
        "--host-interval",
        "0",
        "--max-retries",
        "0",
        "--archive-url",
        archive_url,
    ];
    args.extend_from_slice(extra);
    citecheck(&args, None)
}

/// [`run_fix`] with its JSON report parsed (and checked against the
/// schema), standard error and the exit code.
fn fix(memo: &std::path::Path, archive_url: &str, extra: &[&str]) -> (Value, String, i32) {
    let mut args = vec!["-f", "json"];
    args.extend_from_slice(extra);
    let out = run_fix(memo, archive_url, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    assert_valid_report(&report);
    (report, stderr, out.status.code().unwrap_or(-1))
}

fn markdown(base: &str) -> String {
    format!(
        "---\r\ndate: 2008-05-12\r\n---\r\n\r\nThe site [moved]({base}/moved) and [its top]({base}/moved-anchor#gone).\r\n\r\n\
         A dead comment: <{base}/gone#c2>.\r\n\r\n\
         She wrote “the alliance will stand firm on energy” in [her post]({base}/gone-quote).\r\n\r\n\
         The minister said “the reforms have failed the rural areas” ([speech]({base}/live)).\r\n\r\n\
         See also [the comment][c] and [a lost one]({base}/gone#c404).\r\n\r\n[c]: {base}/gone#c2 \"A title\"\r\n"
    )
}

#[test]
fn fix_rewrites_only_what_it_verified_and_nothing_else() {
    let web = web();
    let (base, archive_url) = (web.base.as_str(), web.archive_url.as_str());
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    let original = markdown(base);
    std::fs::write(&memo, &original).unwrap();

    // A dry run changes nothing and shows the diff.
    let out = run_fix(&memo, archive_url, &["--dry-run", "-q"]);
    let diff = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(diff.contains("--- a/") && diff.contains("+++ b/"), "{diff}");
    assert!(
        diff.contains(&format!("+The site [moved]({base}/new)")),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&memo).unwrap(), original);

    // The fix itself.
    let (report, stderr, code) = fix(&memo, archive_url, &[]);
    let fixes = report["memos"][0]["fixes"].as_array().unwrap().clone();
    let by_old = |old: &str| -> Vec<&Value> { fixes.iter().filter(|f| f["old"] == old).collect() };
    let capture = |path: &str| format!("{archive_url}/web/20080401000000/{base}{path}");
    // A permanent redirect to a fine page: its end.
    let moved = by_old(&format!("{base}/moved"));
    assert_eq!(moved[0]["kind"], "redirect");
    assert_eq!(moved[0]["applied"], true);
    // The end lacks the cited anchor: the link is `anchor_missing`, not
    // redirected, and nothing replaces it (no capture either).
    assert!(by_old(&format!("{base}/moved-anchor#gone")).is_empty());
    // A dead link whose capture has the anchor: the capture, anchor kept,
    // at both occurrences (the angle link and the reference definition).
    let gone = by_old(&format!("{base}/gone#c2"));
    assert_eq!(gone.len(), 2, "{fixes:?}");
    assert!(
        gone.iter()
            .all(|f| f["applied"] == true && f["kind"] == "archive")
    );
    assert_eq!(gone[0]["new"], format!("{}#c2", capture("/gone")));
    // A dead link whose capture lacks its anchor: no replacement is
    // offered, and the link's reason says why.
    assert!(by_old(&format!("{base}/gone#c404")).is_empty());
    let lost = report["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == format!("{base}/gone#c404"))
        .unwrap();
    assert!(
        lost["reason"]
            .as_str()
            .unwrap()
            .contains("lacks the anchor too"),
        "{lost}"
    );
    // A dead link whose capture lacks the quote paired with it: held back.
    let quoted = by_old(&format!("{base}/gone-quote"));
    assert!(!quoted.is_empty(), "{report}");
    assert_eq!(quoted[0]["applied"], false, "{quoted:?}");
    assert!(
        quoted[0]["reason"]
            .as_str()
            .unwrap()
            .contains("does not hold the quote"),
        "{quoted:?}"
    );
    // And no report offers it as a replacement: the suggestion says why
    // it is held.
    let held = report["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == format!("{base}/gone-quote"))
        .unwrap();
    assert!(
        held["suggestion"]["held"]
            .as_str()
            .is_some_and(|why| why.contains("does not hold the quote")),
        "{held}"
    );
    // A live page whose words changed: the capture that holds them beside.
    let live = by_old(&format!("{base}/live"));
    assert_eq!(live[0]["kind"], "archive-beside");
    assert_eq!(live[0]["applied"], true);

    let expected = original
        .replace(
            &format!("[moved]({base}/moved)"),
            &format!("[moved]({base}/new)"),
        )
        .replace(
            &format!("<{base}/gone#c2>"),
            &format!("<{}#c2>", capture("/gone")),
        )
        .replace(
            &format!("[c]: {base}/gone#c2 "),
            &format!("[c]: {}#c2 ", capture("/gone")),
        )
        .replace(
            &format!("([speech]({base}/live))"),
            &format!(
                "([speech]({base}/live) ([archived 2008-04-01]({})))",
                capture("/live")
            ),
        );
    assert_eq!(
        std::fs::read_to_string(&memo).unwrap(),
        expected,
        "{stderr}"
    );
    // What could not be fixed remains a finding.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("fixed 4 of 5 links"), "{stderr}");

    // A second fix changes nothing: the captures it wrote are checked as
    // captures (fetched raw from the archive) and are fine.
    let (again, stderr, _) = fix(&memo, archive_url, &[]);
    assert_eq!(
        std::fs::read_to_string(&memo).unwrap(),
        expected,
        "{stderr}"
    );
    let applied: Vec<&Value> = again["memos"][0]["fixes"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["applied"] == true).collect())
        .unwrap_or_default();
    assert!(applied.is_empty(), "{applied:?}");
    let capture_link = again["memos"][0]["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == format!("{}#c2", capture("/gone")))
        .unwrap();
    assert_eq!(capture_link["verdict"], "ok", "{capture_link}");
}

#[test]
fn html_memos_get_robust_links_and_unwritable_memos_stand_alone() {
    let web = web();
    let (base, archive_url) = (web.base.as_str(), web.archive_url.as_str());
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("memo.html");
    let original = format!(
        "<html><head><meta name=\"date\" content=\"2008-05-12\"></head><body>\r\n\
         <p>Read <a class='c' href='{base}/gone-html#c2' title=t>the comment</a>.</p>\r\n\
         <p>And <a href={base}/moved>this</a>.</p>\r\n\
         <p>She said “the treaty will hold for another decade” (<a href=\"{base}/gone-said\">source</a>).</p>\r\n\
         <p>The minister said “the reforms have failed the rural areas” (<a href=\"{base}/live\">speech</a>).</p>\r\n\
         </body></html>\r\n"
    );
    let pdf = dir.path().join("memo.pdf");
    std::fs::write(
        &pdf,
        crate::support::pdf_with_lines(&[&format!("Dead: {base}/gone#c2")]),
    )
    .unwrap();
    std::fs::write(&html, &original).unwrap();
    let locked = dir.path().join("locked.md");
    let locked_text = format!("Dead: <{base}/gone#c2>\n");
    std::fs::write(&locked, &locked_text).unwrap();
    let mut read_only = std::fs::metadata(&locked).unwrap().permissions();
    read_only.set_readonly(true);
    std::fs::set_permissions(&locked, read_only).unwrap();

    let (report, stderr, _) = fix(dir.path(), archive_url, &["--as-of", "2008-05-12"]);
    let capture = format!("{archive_url}/web/20080401000000/{base}/gone-html");
    let expected = original
        .replace(
            &format!("href='{base}/gone-html#c2'"),
            &format!(
                "href='{capture}#c2' data-originalurl=\"{base}/gone-html#c2\" \
                 data-versiondate=\"2008-04-01\""
            ),
        )
        .replace(&format!("href={base}/moved>"), &format!("href={base}/new>"))
        // A live page whose words changed: Robust Links to the capture.
        .replace(
            &format!("href=\"{base}/live\""),
            &format!(
                "href=\"{base}/live\" data-versionurl=\"{archive_url}/web/20080401000000/{base}/live\" \
                 data-versiondate=\"2008-04-01\""
            ),
        )
        // The capture holds the quote that belongs to the dead link.
        .replace(
            &format!("href=\"{base}/gone-said\""),
            &format!(
                "href=\"{archive_url}/web/20080401000000/{base}/gone-said\" \
                 data-originalurl=\"{base}/gone-said\" data-versiondate=\"2008-04-01\""
            ),
        );
    assert_eq!(
        std::fs::read_to_string(&html).unwrap(),
        expected,
        "{stderr} {report}"
    );
    // The read-only memo is an error of its own; the other was fixed.
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), locked_text);
    let memos = report["memos"].as_array().unwrap();
    let locked_report = memos
        .iter()
        .find(|m| m["path"].as_str().unwrap().ends_with("locked.md"))
        .unwrap();
    assert!(
        locked_report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot write the fixed memo"),
        "{locked_report}"
    );
    assert_eq!(locked_report["fixes"][0]["applied"], false);
    // A PDF memo is never touched: its correction is in the report.
    let pdf_report = memos
        .iter()
        .find(|m| m["path"].as_str().unwrap().ends_with("memo.pdf"))
        .unwrap();
    let correction = &pdf_report["fixes"][0];
    assert_eq!(correction["applied"], false, "{pdf_report}");
    assert_eq!(
        correction["new"],
        format!("{archive_url}/web/20080401000000/{base}/gone#c2")
    );
    assert!(
        correction["reason"]
            .as_str()
            .unwrap()
            .contains("PDF memos are not rewritten")
    );
    // A dry run lists the PDF's corrections before the diffs.
    let out = run_fix(&pdf, archive_url, &["--dry-run", "-q"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(&format!(
            "(page 1, line 1): replace {base}/gone#c2 with {archive_url}/web/20080401000000/{base}/gone#c2"
        )),
        "{listed}"
    );
}

#[test]
fn a_dry_run_diff_patches_to_exactly_what_fix_writes() {
    let web = web();
    let (base, archive_url) = (web.base.as_str(), web.archive_url.as_str());
    let dir = tempfile::tempdir().unwrap();
    // Plain text in windows-1252 with CRLF line endings: curly quotes are
    // single bytes; the quote pairs with every link (its sources are listed
    // at the end), so it holds no replacement back.
    let mut original: Vec<u8> =
        b"Memo\r\n\r\nHe said \x93the alliance will stand firm\x94 \x96 twice.\r\n\r\nSources:\r\n"
            .to_vec();
    original.extend_from_slice(format!("{base}/gone#c2\r\n{base}/moved\r\n").as_bytes());
    for name in ["a", "b"] {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::write(dir.path().join(name).join("memo.txt"), &original).unwrap();
    }
    let in_a = dir.path().join("a/memo.txt");
    let in_b = dir.path().join("b/memo.txt");
    // A dry run, run from the memo's folder as an editor would.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citecheck"))
        .args([
            "fix",
            "memo.txt",
            "--allow-private",
            "--host-interval",
            "0",
            "--max-retries",
            "0",
            "--archive-url",
            archive_url,
            "--dry-run",
            "-q",
        ])
        .current_dir(dir.path().join("a"))
        .env("CITECHECK_NO_CACHE", "1")
        .env("NO_PROXY", "127.0.0.0/8,localhost")
        .output()
        .unwrap();
    assert_eq!(
        std::fs::read(&in_a).unwrap(),
        original,
        "a dry run writes nothing"
    );
    let diff = out.stdout;
    assert!(
        diff.starts_with(b"--- a/memo.txt"),
        "{}",
        String::from_utf8_lossy(&diff)
    );
    // The fix itself, on the other copy.
    let (_, stderr, _) = fix(&in_b, archive_url, &[]);
    let fixed = std::fs::read(&in_b).unwrap();
    assert_ne!(fixed, original, "{stderr}");
    let capture = format!("{archive_url}/web/20080401000000/{base}/gone#c2");
    let mut expected = original.clone();
    expected.truncate(original.len() - format!("{base}/gone#c2\r\n{base}/moved\r\n").len());
    expected.extend_from_slice(format!("{capture}\r\n{base}/new\r\n").as_bytes());
    assert_eq!(fixed, expected, "only the URLs changed, byte for byte");
    // `patch -p1` applies the dry run's diff to give exactly that.
    let patched = std::process::Command::new("patch")
        .args(["-p1", "--quiet", "--binary"])
        .current_dir(dir.path().join("a"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&diff)?;
            child.wait()
        })
        .expect("patch runs");
    assert!(patched.success());
    assert_eq!(std::fs::read(&in_a).unwrap(), expected);
}

#[test]
fn the_seed_memo_gets_exactly_its_verified_captures() {
    let (site, wayback) = crate::archive::seed_web();
    let base = site.url("");
    let archive_url = wayback.url("");
    let dir = tempfile::tempdir().unwrap();
    let memo = crate::support::seed_memo_for(&base, dir.path());
    let original = std::fs::read_to_string(&memo).unwrap();
    let (report, stderr, _) = fix(&memo, &archive_url, &[]);
    let fixes = report["memos"][0]["fixes"].as_array().unwrap();
    // The eight dead occurrences (the Ukraine article everywhere it is
    // cited, the deleted comment 906), each replaced by its capture.
    let applied: Vec<&Value> = fixes.iter().filter(|f| f["applied"] == true).collect();
    assert_eq!(applied.len(), 8, "{fixes:#?}\n{stderr}");
    assert!(applied.iter().all(|f| f["kind"] == "archive"));
    let fixed = std::fs::read_to_string(&memo).unwrap();
    let (before, after): (Vec<&str>, Vec<&str>) =
        (original.split('\n').collect(), fixed.split('\n').collect());
    assert_eq!(before.len(), after.len());
    // Every changed line is its old self with one cited URL replaced, as
    // a fix says; every other line is as it was.
    let mut changed = 0;
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        if old == new {
            continue;
        }
        changed += 1;
        let line = i as u64 + 1;
        let fix = applied
            .iter()
            .find(|f| f["line"] == line)
            .unwrap_or_else(|| panic!("line {line} changed without a fix: {new}"));
        let replaced = old.replacen(
            fix["old"].as_str().unwrap(),
            fix["new"].as_str().unwrap(),
            1,
        );
        assert_eq!(*new, replaced);
        assert!(
            fix["new"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{archive_url}/web/20080601000000/{base}/")),
            "{fix}"
        );
    }
    assert_eq!(changed, 8);
    assert!(fixed.contains(&format!(
        "{archive_url}/web/20080601000000/{base}/index/articles/view/NATO_and_Russia_Need_a_Shared_Vision#comment906"
    )));
}

#[test]
fn only_limits_the_kinds_and_the_exit_code_says_what_is_left() {
    let web = web();
    let (base, archive_url) = (web.base.as_str(), web.archive_url.as_str());
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!("[a]({base}/moved) and [b]({base}/gone#c2).\n"),
    )
    .unwrap();
    // Redirects only: the dead link stays, an error still.
    let (report, stderr, code) = fix(&memo, archive_url, &["--only", "redirect"]);
    let kinds: Vec<&str> = report["memos"][0]["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["redirect"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&memo).unwrap(),
        format!("[a]({base}/new) and [b]({base}/gone#c2).\n")
    );
    // Everything: nothing is left to fail on.
    let (_, stderr, code) = fix(&memo, archive_url, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&memo).unwrap(),
        format!("[a]({base}/new) and [b]({archive_url}/web/20080401000000/{base}/gone#c2).\n")
    );
}

/// `fix`'s report is assembled from the check's parts like `check`'s: the
/// files a folder held of no type citecheck reads stay in its summary.
#[test]
fn a_fix_report_keeps_the_skipped_files() {
    let web = web();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.md"),
        format!("[a]({}/new).\n", web.base),
    )
    .unwrap();
    std::fs::write(dir.path().join("figure.png"), b"\x89PNG").unwrap();
    let (report, stderr, _) = fix(dir.path(), &web.archive_url, &[]);
    let skipped = &report["summary"]["skipped"];
    assert_eq!(skipped["by_type"][".png"], 1, "{report} {stderr}");
    let notices = report["notices"].as_array().cloned().unwrap_or_default();
    assert!(
        notices
            .iter()
            .any(|n| n.as_str().unwrap_or_default().contains("skipped 1 file")),
        "{report}"
    );
}
