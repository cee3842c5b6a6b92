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
        cmd.args(["try-repo", hooks, "citecheck-offline", "--files", "memos/brief.md"])
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
    assert!(out.contains("anchor_missing") && out.contains("#part-two"), "{out}");
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
