//! The GitHub Action's own logic that runs outside GitHub: which memos a
//! pull request changes (`scripts/changed-memos.sh`), against real git
//! repositories (a bare "origin" and a shallow clone, as `actions/checkout`
//! makes). The workflows themselves are linted by actionlint in `.ci/run`.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.test")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_pull_request_checks_only_the_memos_it_changes() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    write(&work, "memos/a.md", "A.\n");
    write(&work, "memos/b.md", "B.\n");
    write(&work, "memos/old.txt", "Old.\n");
    write(&work, "notes/c.md", "C.\n");
    git(&work, &["add", "."]);
    git(&work, &["commit", "-q", "-m", "base"]);
    let origin = root.path().join("origin.git");
    git(
        root.path(),
        &["clone", "-q", "--bare", "work", "origin.git"],
    );
    // The pull request's branch: one memo changed, one added, one
    // removed, a memo outside the paths and a file that is no memo.
    git(&work, &["checkout", "-q", "-b", "pr"]);
    write(&work, "memos/a.md", "A, changed.\n");
    write(&work, "memos/new memo.md", "New.\n");
    write(&work, "memos/data.csv", "x,y\n");
    write(&work, "notes/c.md", "C, changed.\n");
    std::fs::remove_file(work.join("memos/old.txt")).unwrap();
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "pr"]);
    git(&work, &["push", "-q", origin.to_str().unwrap(), "pr"]);
    // The runner's checkout: the pull request's head, one commit deep.
    let url = format!("file://{}", origin.display());
    git(
        root.path(),
        &[
            "clone",
            "-q",
            "--depth=1",
            "--branch",
            "pr",
            &url,
            "checkout",
        ],
    );
    let checkout = root.path().join("checkout");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/changed-memos.sh");
    let out = Command::new("bash")
        .arg(&script)
        .args(["main", "memos/"])
        .current_dir(&checkout)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut changed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    changed.sort();
    assert_eq!(changed, ["memos/a.md", "memos/new memo.md"]);
    // Every path given counts, `.` for the whole repository.
    let out = Command::new("bash")
        .arg(&script)
        .args(["main", "."])
        .current_dir(&checkout)
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(
        all.contains("notes/c.md") && !all.contains("data.csv"),
        "{all}"
    );
}

/// The repository's pre-commit hooks (`.pre-commit-hooks.yaml`), run by
/// pre-commit itself (`try-repo`, from PyPI; `scripts/test.sh` installs
/// it) on a repository whose memo has a broken in-memo anchor: the offline
/// hook stops the commit, and lets it through once the anchor is there.
#[test]
fn the_pre_commit_hooks_stop_a_memo_with_a_broken_anchor() {
    let pre_commit =
        std::env::var("CITECHECK_PRE_COMMIT").unwrap_or_else(|_| "pre-commit".to_owned());
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    write(
        &work,
        "memos/brief.md",
        "# Brief\n\nSee [part two](#part-two) and a note[^1].\n\n## Part one\n",
    );
    git(&work, &["add", "."]);
    let binary = Path::new(env!("CARGO_BIN_EXE_citecheck"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hooks = env!("CARGO_MANIFEST_DIR");
    let run = || {
        let mut cmd = Command::new(&pre_commit);
        cmd.args([
            "try-repo",
            hooks,
            "citecheck-offline",
            "--files",
            "memos/brief.md",
        ])
        .current_dir(&work)
        .env("PATH", &path)
        .env("PRE_COMMIT_HOME", root.path().join("pre-commit-home"));
        crate::support::no_internet(&mut cmd);
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("{pre_commit} runs (scripts/test.sh installs it): {e}"));
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, out) = run();
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("anchor_missing") && out.contains("#part-two"),
        "{out}"
    );
    assert!(out.contains("names no note"), "{out}");
    write(
        &work,
        "memos/brief.md",
        "# Brief\n\nSee [part two](#part-two).\n\n## Part one\n\n## Part two\n",
    );
    git(&work, &["add", "."]);
    let (code, out) = run();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Passed"), "{out}");
}

/// An imitation of the GitHub REST API's issues, as much as the standing
/// issue uses: list, open, edit, comment. It stands where `gh` sends
/// requests for the host `github.localhost` (plain HTTP, through the proxy
/// named in `HTTP_PROXY`, so it sees absolute URLs).
#[derive(Default)]
struct Issues {
    issues: Vec<serde_json::Value>,
    comments: Vec<(u64, String)>,
}

fn github(issues: std::sync::Arc<std::sync::Mutex<Issues>>) -> crate::server::Server {
    use crate::server::{Reply, Server};
    Server::serving("127.0.0.1", move |request| {
        let json = |status: u16, value: serde_json::Value| Reply::Full {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: value.to_string().into_bytes(),
        };
        let path = request
            .path
            .trim_start_matches("http://api.github.localhost");
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap_or_default();
        let mut state = issues.lock().unwrap();
        let Some(rest) = path.strip_prefix("/repos/institute/memos/issues") else {
            return json(404, serde_json::json!({"message": "Not Found"}));
        };
        match (request.method.as_str(), rest.trim_start_matches('/')) {
            ("GET", "") => {
                assert!(query.contains("state=open"), "{query}");
                let open: Vec<serde_json::Value> = state
                    .issues
                    .iter()
                    .filter(|i| i["state"] == "open")
                    .cloned()
                    .collect();
                json(200, serde_json::Value::Array(open))
            }
            ("POST", "") => {
                let number = state.issues.len() as u64 + 1;
                let issue = serde_json::json!({
                    "number": number,
                    "title": body["title"],
                    "body": body["body"],
                    "labels": body["labels"],
                    "state": "open",
                });
                state.issues.push(issue.clone());
                json(201, issue)
            }
            (method, number) => {
                let (number, comments) = match number.split_once('/') {
                    Some((n, "comments")) => (n, true),
                    _ => (number, false),
                };
                let n: u64 = number.parse().unwrap();
                if comments && method == "POST" {
                    state
                        .comments
                        .push((n, body["body"].as_str().unwrap().to_owned()));
                    return json(201, serde_json::json!({"id": state.comments.len()}));
                }
                assert_eq!(method, "PATCH");
                let issue = &mut state.issues[n as usize - 1];
                for (key, value) in body.as_object().unwrap() {
                    issue[key] = value.clone();
                }
                json(200, issue.clone())
            }
        }
    })
}

/// The Action's standing issue for scheduled audits
/// (`scripts/standing-issue.sh`, through the real `gh` CLI): a run with
/// findings opens it with the Markdown report, the next replaces its body,
/// a clean run closes it with a comment, and the next findings open a new
/// one.
#[test]
fn a_standing_issue_is_opened_updated_and_closed() {
    use std::sync::{Arc, Mutex};
    let state = Arc::new(Mutex::new(Issues::default()));
    let api = github(state.clone());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("summary.md");
    let run = |markdown: &str, code: &str| {
        std::fs::write(&report, markdown).unwrap();
        let out = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/standing-issue.sh"))
            .args([report.to_str().unwrap(), code])
            .env("GH_HOST", "github.localhost")
            .env("GH_TOKEN", "test-token")
            .env("GH_CONFIG_DIR", dir.path().join("gh"))
            .env("GH_NO_UPDATE_NOTIFIER", "1")
            .env("GH_PROMPT_DISABLED", "1")
            .env("HTTP_PROXY", format!("http://{}", api.addr))
            .env("http_proxy", format!("http://{}", api.addr))
            .env("NO_PROXY", "")
            .env("no_proxy", "")
            .env("REPO", "institute/memos")
            .env("ISSUE_TITLE", "Weekly site audit")
            .env(
                "RUN_URL",
                "https://github.example/institute/memos/actions/runs/7",
            )
            .output()
            .expect("bash runs the script (scripts/test.sh installs gh)");
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = run("## citecheck\n\n2 memos: **1 error**.\n", "1");
    assert_eq!(said.trim(), "citecheck: opened issue #1");
    {
        let s = state.lock().unwrap();
        let issue = &s.issues[0];
        assert_eq!(issue["title"], "Weekly site audit");
        assert_eq!(issue["labels"], serde_json::json!(["citecheck"]));
        let body = issue["body"].as_str().unwrap();
        assert!(body.contains("2 memos: **1 error**."), "{body}");
        assert!(body.contains("actions/runs/7"), "{body}");
    }
    let said = run("## citecheck\n\n2 memos: **3 errors**.\n", "1");
    assert_eq!(said.trim(), "citecheck: updated issue #1");
    {
        let s = state.lock().unwrap();
        assert_eq!(s.issues.len(), 1, "one issue, its body replaced");
        assert!(
            s.issues[0]["body"]
                .as_str()
                .unwrap()
                .contains("**3 errors**")
        );
    }
    // The run itself failed: the issue is left as it is.
    run("", "2");
    assert_eq!(state.lock().unwrap().issues[0]["state"], "open");
    let said = run("## citecheck\n\nNothing needs attention.\n", "0");
    assert_eq!(said.trim(), "citecheck: closed issue #1");
    {
        let s = state.lock().unwrap();
        assert_eq!(s.issues[0]["state"], "closed");
        assert_eq!(s.comments.len(), 1);
        assert!(
            s.comments[0].1.starts_with("A clean run"),
            "{:?}",
            s.comments
        );
    }
    // A clean run with no issue open does nothing; findings open a new one.
    assert_eq!(run("", "0").trim(), "");
    assert_eq!(
        run("## citecheck\n\n**1 error**.\n", "1").trim(),
        "citecheck: opened issue #2"
    );
}
