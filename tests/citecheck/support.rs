//! Shared helpers: fixture paths, running the binary, rendering an
//! extraction as text so that each test is data.

use citecheck::extract::{ExtractOptions, extract};
use citecheck::model::{Extraction, Fragment, MemoFormat, Target};
use std::path::{Path, PathBuf};
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
            Target::Local(path) => format!("<file {}>", path.display()),
            Target::InMemo => "<in memo>".to_owned(),
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

/// Send any request that is not for a loopback address to a proxy port
/// where nothing listens, so that a test that would reach the internet
/// by mistake fails here instead.
pub fn no_internet(cmd: &mut Command) {
    for (name, value) in [
        ("HTTP_PROXY", "http://127.0.0.1:9"),
        ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ("ALL_PROXY", "http://127.0.0.1:9"),
        ("NO_PROXY", "127.0.0.0/8,localhost"),
    ] {
        cmd.env(name, value).env(name.to_ascii_lowercase(), value);
    }
    // Nor does a test share a page cache with others, unless it asks.
    cmd.env("CITECHECK_NO_CACHE", "1");
}

/// Run the binary with arguments and optional standard input, in the
/// crate's folder.
pub fn citecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    citecheck_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin, &[])
}

/// Run the binary in `dir` with arguments, optional standard input and
/// `env` set (beside [`no_internet`]'s; `("CITECHECK_NO_CACHE", "0")`
/// gives it the store in `dir`).
pub fn citecheck_in(
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    no_internet(&mut cmd);
    cmd.envs(env.iter().copied());
    cmd.stdin(if stdin.is_some() {
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

/// Run the binary and parse its standard output as JSON, which must be a
/// report valid against `docs/report.schema.json`.
pub fn citecheck_json(args: &[&str], stdin: Option<&[u8]>) -> (serde_json::Value, i32) {
    let out = citecheck(args, stdin);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_valid_report(&json);
    (json, out.status.code().unwrap_or(-1))
}

/// Validate `instance` against the JSON Schema in `path` (relative to
/// the crate), listing every violation on failure.
#[track_caller]
pub fn assert_valid(schema_path: &str, instance: &serde_json::Value) {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static VALIDATORS: OnceLock<Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>> =
        OnceLock::new();
    let validator = {
        let mut map = VALIDATORS.get_or_init(Default::default).lock().unwrap();
        map.entry(schema_path.to_owned())
            .or_insert_with(|| {
                let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(schema_path);
                let text = std::fs::read_to_string(&path).expect("the schema is readable");
                let mut schema: serde_json::Value =
                    serde_json::from_str(&text).expect("schema JSON");
                // SARIF 2.1.0-rtm.5 has a typo in one pattern (a stray `]`)
                // that strict meta-validation rejects; the final 2.1.0
                // schema reads it as below.
                fix_language_pattern(&mut schema);
                std::sync::Arc::new(jsonschema::validator_for(&schema).expect("a valid schema"))
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid against {schema_path}:\n{}",
        errors.join("\n")
    );
}

/// Replace SARIF rtm.5's mistyped language pattern wherever it is.
fn fix_language_pattern(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *v = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                } else {
                    fix_language_pattern(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(fix_language_pattern),
        _ => {}
    }
}

/// Validate a JSON report against `docs/report.schema.json`.
#[track_caller]
pub fn assert_valid_report(report: &serde_json::Value) {
    assert_valid("docs/report.schema.json", report);
}

/// A PDF whose one page shows `lines` of text (Helvetica), written with
/// lopdf, so tests need no PDF fixtures from elsewhere.
pub fn pdf_with_lines(lines: &[&str]) -> Vec<u8> {
    crate::pdf_writer::write(&crate::pdf_writer::Doc {
        pages: vec![lines.iter().map(|l| (*l).to_owned()).collect()],
        ..Default::default()
    })
}

/// The seed memo with its site moved to the local server `base`
/// (`http://127.0.0.1:PORT`), written into `dir`.
pub fn seed_memo_for(base: &str, dir: &std::path::Path) -> PathBuf {
    let memo = std::fs::read_to_string(fixture("memos/atlantic-memo-6.txt")).unwrap();
    let memo = memo.replace("http://www.atlantic-community.org", base);
    let path = dir.join("atlantic-memo-6.txt");
    std::fs::write(&path, memo).unwrap();
    path
}

/// `citecheck check MEMO --allow-private --host-interval 0 -f json` and
/// `extra`, parsed.
pub fn check_memo(memo: &std::path::Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec![
        "check",
        memo.to_str().unwrap(),
        "--allow-private",
        "--host-interval",
        "0",
        "-f",
        "json",
    ];
    args.extend_from_slice(extra);
    citecheck_json(&args, None)
}

/// Where a test keeps citecheck's store.
pub enum TestStore {
    /// The SQLite store in this folder.
    Folder(PathBuf),
    /// A PostgreSQL database, by URL.
    Postgres(String),
}

impl TestStore {
    /// A new, empty database on the test PostgreSQL server that
    /// `scripts/test.sh` starts (its URL in `CITECHECK_TEST_PG`).
    pub fn postgres() -> Self {
        Self::Postgres(new_pg_database())
    }

    /// The options that point citecheck at it.
    pub fn args(&self) -> Vec<String> {
        match self {
            Self::Folder(dir) => vec!["--cache-dir".into(), dir.display().to_string()],
            Self::Postgres(url) => vec!["--store".into(), url.clone()],
        }
    }
}

/// The URL of a new, empty database on the test PostgreSQL server.
pub fn new_pg_database() -> String {
    let server = std::env::var("CITECHECK_TEST_PG").expect(
        "CITECHECK_TEST_PG names the test PostgreSQL server: run the suite with \
         `bash scripts/test.sh`, which starts one",
    );
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "citecheck_it_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let mut client = postgres::Client::connect(&server, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot reach the test server {server}: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    url.to_string()
}
