//! Shared helpers: fixture paths, running the binary, rendering an
//! extraction as text so that each test is data.

use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::{Extraction, Fragment, MemoFormat, Target};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A file under `fixtures/`.
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// Extract from a fixture memo, its format from the extension.
pub fn extract_fixture(path: &str, options: &ExtractOptions) -> Extraction {
    let path = fixture(path);
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let format = MemoFormat::from_path(&path).expect("fixture has a known extension");
    extract(&text, format, options)
}

/// One line per link, quote and problem, in document order of each kind.
pub fn render(x: &Extraction) -> String {
    let mut out = String::new();
    for l in &x.links {
        let target = match &l.target {
            Target::Http(url) => url.to_string(),
            Target::OtherScheme(s) => format!("<{s} scheme>"),
            Target::Relative => "<relative>".to_owned(),
            Target::Invalid(r) => format!("<{r}>"),
        };
        let fragment = match &l.fragment {
            None => String::new(),
            Some(Fragment::Anchor { id, .. }) => format!(" #anchor={id}"),
            Some(Fragment::Text { directives, .. }) => format!(" #text={directives:?}"),
        };
        out.push_str(&format!(
            "link {}:{} {:?} {}{}\n",
            l.position.line, l.position.column, l.kind, target, fragment
        ));
    }
    for q in &x.quotes {
        let segments: Vec<String> = q.segments.iter().map(|s| s.display()).collect();
        out.push_str(&format!(
            "quote {}:{} {:?} by {} words={} pairing={:?} candidates={:?}\n",
            q.position.line,
            q.position.column,
            segments.join(" … "),
            q.attribution.as_deref().unwrap_or("-"),
            q.words,
            q.pairing,
            q.candidates
        ));
    }
    for p in &x.problems {
        out.push_str(&format!(
            "problem {}:{} {}\n",
            p.line.unwrap_or(0),
            p.column.unwrap_or(0),
            p.message
        ));
    }
    out
}

/// Assert that two multi-line texts agree, showing both on failure.
#[track_caller]
pub fn check(actual: &str, expected: &str) {
    let expected = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let actual = actual.trim_end();
    assert!(
        actual == expected,
        "\n--- expected\n{expected}\n--- actual\n{actual}\n"
    );
}

/// Run the binary with arguments and optional standard input.
pub fn citecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary starts");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input).expect("stdin takes the input");
    }
    child.wait_with_output().expect("the binary finishes")
}

/// Run the binary and parse its standard output as JSON.
pub fn citecheck_json(args: &[&str], stdin: Option<&[u8]>) -> (serde_json::Value, i32) {
    let out = citecheck(args, stdin);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}
