//! `--preserve` against an imitation Wayback Machine that also plays Save
//! Page Now 2: it checks the `LOW` keys, gives out capture slots through
//! `/save/status/user` (and refuses a job beyond them), answers `pending`
//! then `success` (or `error:no-access`), and makes the saved page a
//! capture its CDX server lists and serves raw.

use crate::archive::wayback_reply;
use crate::server::{Reply, Request, Server};
use crate::support::{assert_valid_report, no_internet};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const ACCESS: &str = "TESTACCESS";
const SECRET: &str = "s3cret-that-must-never-show";

/// Today, UTC, as `YYYYMMDD`.
fn today() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y%m%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A capture job of the imitation.
struct Job {
    url: String,
    polls: usize,
    timestamp: Option<String>,
}

/// The imitation's state, shared with the test.
#[derive(Default)]
struct State {
    /// Captures by URL (timestamps), and their bodies by (timestamp, URL).
    captures: Mutex<HashMap<String, Vec<String>>>,
    bodies: Mutex<HashMap<(String, String), String>>,
    jobs: Mutex<Vec<Job>>,
    /// Every capture request's form.
    saves: Mutex<Vec<HashMap<String, String>>>,
    processing: AtomicUsize,
    most_processing: AtomicUsize,
    over_limit: AtomicUsize,
    unauthorized: AtomicUsize,
}

struct Archive {
    server: Server,
    state: Arc<State>,
}

impl Archive {
    /// Start it with `slots` capture slots, holding `captures` (URL,
    /// timestamp, body); `live` gives what a saved URL's page holds now.
    fn start(
        slots: usize,
        captures: Vec<(String, &str, &str)>,
        live: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        let state = Arc::new(State::default());
        for (url, ts, body) in captures {
            let mut listed = state.captures.lock().unwrap();
            listed.entry(url.clone()).or_default().push(ts.to_owned());
            let mut bodies = state.bodies.lock().unwrap();
            bodies.insert((ts.to_owned(), url), body.to_owned());
        }
        let shared = state.clone();
        let server = Server::serving("127.0.0.3", move |request| {
            answer(&shared, slots, &live, request)
        });
        Self { server, state }
    }

    fn saves(&self) -> Vec<HashMap<String, String>> {
        self.state.saves.lock().unwrap().clone()
    }
}

fn json(status: u16, body: String) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.into_bytes(),
    }
}

fn answer(
    state: &State,
    slots: usize,
    live: &dyn Fn(&str) -> Option<String>,
    request: &Request,
) -> Reply {
    let path = request.path.as_str();
    if path.starts_with("/save") {
        let expected = format!("LOW {ACCESS}:{SECRET}");
        if request.header("authorization") != Some(expected.as_str()) {
            state.unauthorized.fetch_add(1, Ordering::SeqCst);
            return json(
                401,
                r#"{"status":"error","status_ext":"error:unauthorized"}"#.into(),
            );
        }
    }
    if path == "/save/status/user" {
        let processing = state.processing.load(Ordering::SeqCst);
        return json(
            200,
            format!(
                r#"{{"available":{},"processing":{processing}}}"#,
                slots.saturating_sub(processing)
            ),
        );
    }
    if path == "/save" && request.method == "POST" {
        let form: HashMap<String, String> = url::form_urlencoded::parse(request.body.as_bytes())
            .into_owned()
            .collect();
        let url = form.get("url").cloned().unwrap_or_default();
        state.saves.lock().unwrap().push(form);
        if state.processing.load(Ordering::SeqCst) >= slots {
            state.over_limit.fetch_add(1, Ordering::SeqCst);
            return json(
                429,
                r#"{"status":"error","status_ext":"error:user-session-limit","message":"too many"}"#
                    .into(),
            );
        }
        let now = state.processing.fetch_add(1, Ordering::SeqCst) + 1;
        state.most_processing.fetch_max(now, Ordering::SeqCst);
        let mut jobs = state.jobs.lock().unwrap();
        jobs.push(Job {
            url: url.clone(),
            polls: 0,
            timestamp: None,
        });
        return json(
            200,
            format!(r#"{{"url":"{url}","job_id":"spn2-{}"}}"#, jobs.len()),
        );
    }
    if let Some(id) = path.strip_prefix("/save/status/spn2-") {
        let mut jobs = state.jobs.lock().unwrap();
        let number: usize = id.parse().unwrap();
        let job = &mut jobs[number - 1];
        job.polls += 1;
        if job.polls == 1 {
            return json(200, r#"{"status":"pending"}"#.into());
        }
        if job.url.ends_with("/refused") {
            if job.polls == 2 {
                state.processing.fetch_sub(1, Ordering::SeqCst);
            }
            return json(
                200,
                r#"{"status":"error","status_ext":"error:no-access","message":"Access forbidden"}"#
                    .into(),
            );
        }
        if job.timestamp.is_none() {
            let ts = format!("{}1200{number:02}", today());
            let body = live(&job.url).unwrap_or_default();
            let mut captures = state.captures.lock().unwrap();
            captures
                .entry(job.url.clone())
                .or_default()
                .push(ts.clone());
            let mut bodies = state.bodies.lock().unwrap();
            bodies.insert((ts.clone(), job.url.clone()), body);
            state.processing.fetch_sub(1, Ordering::SeqCst);
            job.timestamp = Some(ts);
        }
        let ts = job.timestamp.clone().unwrap();
        return json(
            200,
            format!(
                r#"{{"status":"success","timestamp":"{ts}","original_url":"{}"}}"#,
                job.url
            ),
        );
    }
    let captures = state.captures.lock().unwrap().clone();
    let bodies = |ts: &str, url: &str| {
        let bodies = state.bodies.lock().unwrap();
        bodies.get(&(ts.to_owned(), url.to_owned())).cloned()
    };
    wayback_reply(&captures, path, request.n, &bodies)
        .unwrap_or_else(|| Reply::html(404, "<title>Not in the archive</title>"))
}

/// Run citecheck with `env` (and a HOME of its own, so no `ia.ini` of
/// this machine is read).
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citecheck"));
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("IA_CONFIG_FILE")
        .env_remove("IA_ACCESS_KEY_ID")
        .env_remove("IA_SECRET_ACCESS_KEY");
    no_internet(&mut cmd);
    // An empty value takes the variable away.
    for (name, value) in env {
        if value.is_empty() {
            cmd.env_remove(name);
        } else {
            cmd.env(name, value);
        }
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// `check MEMO --preserve` against the local servers and archive.
fn preserve_args<'a>(memo: &'a Path, archive_url: &'a str) -> Vec<&'a str> {
    vec![
        "check",
        memo.to_str().unwrap(),
        "--allow-private",
        "--host-interval",
        "0",
        "--max-retries",
        "0",
        "--archive-url",
        archive_url,
        "--preserve",
    ]
}

const KEYS: [(&str, &str); 2] = [
    ("IA_ACCESS_KEY_ID", ACCESS),
    ("IA_SECRET_ACCESS_KEY", SECRET),
];

fn page(body: &str) -> String {
    format!("<html><head><title>Source</title></head><body>{body}</body></html>")
}

const SPEECH: &str = "<p id=\"c4\">The minister said that the pipeline will be finished \
                      before the winter, whatever the cost.</p>";

/// The sources of one memo: one with a recent capture that holds its
/// quote, one whose only capture is years old, one Save Page Now refuses,
/// one that redirects (its end is preserved), and one that is dead (not
/// preserved at all).
#[test]
fn preserve_saves_exactly_the_sources_that_need_it() {
    let site = Server::start(|path, _| match path {
        "/recent" | "/old" | "/refused" => Reply::html(200, &page(SPEECH)),
        "/moved" => Reply::redirect(301, "/moved-here"),
        "/moved-here" => Reply::html(200, &page("<p>Moved content.</p>")),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let base = site.url("");
    let recent = format!("{}120000", today());
    let site_base = base.clone();
    let archive = Archive::start(
        2,
        vec![
            (format!("{base}/recent"), recent.as_str(), &page(SPEECH)),
            (format!("{base}/old"), "20150101000000", &page(SPEECH)),
        ],
        move |url| {
            let path = url.strip_prefix(&site_base)?;
            Some(match path {
                "/moved-here" => page("<p>Moved content.</p>"),
                _ => page(SPEECH),
            })
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(
        &memo,
        format!(
            "# Memo\n\nThe minister said “the pipeline will be finished before the winter” \
             ([speech]({base}/recent#c4)).\n\nAgain: “the pipeline will be finished before the \
             winter” ([old]({base}/old)).\n\nSee [refused]({base}/refused), \
             [moved]({base}/moved) and [gone]({base}/gone).\n"
        ),
    )
    .unwrap();
    let archive_url = archive.server.url("");
    let mut args = preserve_args(&memo, &archive_url);
    args.extend(["-f", "json"]);
    let out = run(dir.path(), &args, &KEYS);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    assert_valid_report(&report);
    let links = report["memos"][0]["links"].as_array().unwrap();
    let link = |path: &str| {
        links
            .iter()
            .find(|l| l["url"].as_str().unwrap().contains(path))
            .unwrap()
    };
    // The recent capture holds the anchor and the quote: nothing to save.
    let recent_link = link("/recent");
    assert_eq!(recent_link["capture"]["created"], false, "{recent_link}");
    assert_eq!(recent_link["capture"]["timestamp"], recent.as_str());
    let saved: Vec<String> = archive
        .saves()
        .iter()
        .map(|form| form["url"].clone())
        .collect();
    assert!(!saved.iter().any(|u| u.ends_with("/recent")), "{saved:?}");
    // The old capture is outside --preserve-within: a new one is made,
    // and the quote is checked in it.
    let old = link("/old");
    assert_eq!(old["capture"]["created"], true, "{old}");
    assert_eq!(old["capture"]["archive"], "wayback");
    let old_ts = old["capture"]["timestamp"].as_str().unwrap();
    assert!(old_ts.starts_with(&today()), "{old}");
    assert!(
        old["capture"]["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/web/{old_ts}/{base}/old")),
        "{old}"
    );
    let quotes = report["memos"][0]["quotes"].as_array().unwrap();
    let second = &quotes[1];
    assert_eq!(second["archived"]["verdict"], "found", "{second}");
    assert_eq!(second["archived"]["timestamp"], old_ts, "{second}");
    // The form asks not to capture again what was captured recently, and
    // to skip the first-capture check.
    let form = archive
        .saves()
        .into_iter()
        .find(|f| f["url"].ends_with("/old"))
        .unwrap();
    assert_eq!(form["if_not_archived_within"], "2592000", "{form:?}");
    assert_eq!(form["skip_first_archive"], "1");
    // Refused by the service: said, and counted with why.
    let refused = link("/refused");
    assert!(refused.get("capture").is_none(), "{refused}");
    assert!(
        refused["reason"]
            .as_str()
            .unwrap()
            .contains("not preserved: Save Page Now: error:no-access"),
        "{refused}"
    );
    // A redirect's end is what is preserved.
    let moved = link("/moved");
    assert_eq!(moved["verdict"], "redirected");
    assert!(
        saved.iter().any(|u| u.ends_with("/moved-here")),
        "{saved:?}"
    );
    assert_eq!(moved["capture"]["created"], true, "{moved}");
    // A dead source is not preserved (there is nothing to keep).
    assert!(link("/gone").get("capture").is_none());
    assert!(!saved.iter().any(|u| u.ends_with("/gone")), "{saved:?}");
    // One request per source, never more jobs than the slots allow.
    assert_eq!(saved.len(), 3, "{saved:?}");
    assert_eq!(archive.state.over_limit.load(Ordering::SeqCst), 0);
    assert!(archive.state.most_processing.load(Ordering::SeqCst) <= 2);
    assert_eq!(archive.state.unauthorized.load(Ordering::SeqCst), 0);
    let summary = &report["summary"]["preservation"];
    assert_eq!(summary["preserved"], 2, "{summary}");
    assert_eq!(summary["already_preserved"], 1, "{summary}");
    assert_eq!(summary["not_preserved"], 1, "{summary}");
    assert_eq!(
        summary["why_not"]["Save Page Now: error:no-access: Access forbidden"], 1,
        "{summary}"
    );

    // Run again: the new captures count now, and only the refused source
    // is asked for again.
    let out = run(dir.path(), &args, &KEYS);
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &again["summary"]["preservation"];
    assert_eq!(summary["already_preserved"], 3, "{summary}");
    assert_eq!(summary["preserved"], 0, "{summary}");
    assert_eq!(archive.saves().len(), 4, "{:?}", archive.saves());

    // The terminal and Markdown reports say what was preserved; the
    // secret is in no output.
    let mut args = preserve_args(&memo, &archive_url);
    let formats: Vec<String> = ["markdown", "html", "sarif", "junit", "github", "json"]
        .iter()
        .map(|f| format!("{f}={}", dir.path().join(f).display()))
        .collect();
    for format in &formats {
        args.extend(["-f", format.as_str()]);
    }
    args.extend(["-f", "terminal", "-v"]);
    let out = run(dir.path(), &args, &KEYS);
    let mut shown = String::from_utf8_lossy(&out.stdout).into_owned();
    shown.push_str(&String::from_utf8_lossy(&out.stderr));
    for format in ["markdown", "html", "sarif", "junit", "github", "json"] {
        shown.push_str(&std::fs::read_to_string(dir.path().join(format)).unwrap());
    }
    assert!(
        shown.contains("sources: 0 preserved, 3 already preserved, 1 not preserved"),
        "{shown}"
    );
    assert!(shown.contains("### Preservation"), "{shown}");
    assert!(!shown.contains(SECRET));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));
}

/// Keys come from the environment or `ia.ini`, a run without them is a
/// usage error that says how to get them, keys the service refuses are
/// a reason for every source, and the secret stays out of every output
/// and the cache.
#[test]
fn keys_never_show_and_missing_keys_say_how_to_get_them() {
    let site = Server::start(|path, _| match path {
        "/page" => Reply::html(200, &page("<p>Fine.</p>")),
        _ => Reply::html(404, "<title>Not found</title>"),
    });
    let archive = Archive::start(2, Vec::new(), |_| Some(page("<p>Fine.</p>")));
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.md");
    std::fs::write(&memo, format!("See [it]({}).\n", site.url("/page"))).unwrap();
    let cache = dir.path().join("cache");
    let archive_url = archive.server.url("");
    let mut args = preserve_args(&memo, &archive_url);
    args.extend(["--cache-dir", cache.to_str().unwrap()]);
    // Without keys: a usage error that says where keys come from.
    let out = run(dir.path(), &args, &[("CITECHECK_NO_CACHE", "")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("IA_ACCESS_KEY_ID"), "{err}");
    assert!(err.contains("archive.org/account/s3.php"), "{err}");
    // Wrong keys: every source is reported with why, and the run goes on.
    let out = run(
        dir.path(),
        &args,
        &[
            ("CITECHECK_NO_CACHE", ""),
            ("IA_ACCESS_KEY_ID", "WRONG"),
            ("IA_SECRET_ACCESS_KEY", "wrong-secret"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Save Page Now refused the keys (HTTP 401)"),
        "{stdout}"
    );
    assert!(!stdout.contains("wrong-secret"));
    let refused = archive.state.unauthorized.load(Ordering::SeqCst);
    assert!(refused > 0);
    // Keys from ia.ini, as the Internet Archive's tool writes it.
    std::fs::create_dir_all(dir.path().join(".config/internetarchive")).unwrap();
    std::fs::write(
        dir.path().join(".config/internetarchive/ia.ini"),
        format!("[s3]\naccess = {ACCESS}\nsecret = {SECRET}\n"),
    )
    .unwrap();
    let out = run(dir.path(), &args, &[("CITECHECK_NO_CACHE", "")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sources: 1 preserved"), "{stdout}");
    assert!(!stdout.contains(SECRET) && !String::from_utf8_lossy(&out.stderr).contains(SECRET));
    assert_eq!(archive.state.unauthorized.load(Ordering::SeqCst), refused);
    // Nothing the store keeps holds the secret.
    for entry in walk(&cache) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "{} holds the secret",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    assert!(
        !files.is_empty() || !dir.exists(),
        "{} is empty",
        dir.display()
    );
    files
}
