//! The project's own docs, checked by citecheck as `.ci/run` checks them
//! (`scripts/check-docs.sh`): in a copy of the repository's docs, every
//! in-repository link and anchor resolves, and breaking one fails the
//! check with the link named.

use std::path::Path;

/// The arguments `scripts/check-docs.sh` gives citecheck (after `--`).
fn script_args(root: &Path) -> Vec<String> {
    let script = std::fs::read_to_string(root.join("scripts/check-docs.sh")).unwrap();
    let command = script.replace("\\\n", " ");
    let line = command
        .lines()
        .find(|l| l.contains("cargo run"))
        .expect("the script runs citecheck");
    let (_, args) = line.split_once(" -- ").unwrap();
    args.split_whitespace().map(str::to_owned).collect()
}

/// A copy of the docs in a new folder whose other entries are the
/// repository's own (linked), so links into the code and fixtures
/// resolve as they do in the repository.
fn copy_of_the_docs(root: &Path, args: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The paths among the arguments (the others are options and their
    // values).
    let docs: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && root.join(a).exists())
        .collect();
    assert!(docs.len() >= 5, "{docs:?}");
    for entry in std::fs::read_dir(root).unwrap() {
        let name = entry.unwrap().file_name();
        let name = name.to_string_lossy();
        if docs.iter().any(|d| **d == name) || name == "target" {
            continue;
        }
        std::os::unix::fs::symlink(root.join(&*name), dir.path().join(&*name)).unwrap();
    }
    for doc in docs {
        copy(&root.join(doc), &dir.path().join(doc));
    }
    dir
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

fn check(dir: &Path, args: &[String]) -> (i32, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = crate::support::citecheck_in(dir, &args, None, &[]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap(), text)
}

#[test]
fn the_docs_links_resolve_and_a_broken_one_fails_the_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = script_args(root);
    assert!(args.iter().any(|a| a == "--offline"), "{args:?}");
    assert!(args.iter().any(|a| a == "docs"), "{args:?}");
    let copy = copy_of_the_docs(root, &args);
    let (code, out) = check(copy.path(), &args);
    assert_eq!(code, 0, "the docs as they are: {out}");

    let usage = copy.path().join("docs/usage.md");
    let text = std::fs::read_to_string(&usage).unwrap();
    assert!(text.contains("](sharding.md)") && text.contains("#links-to-local-files)"));
    let broken = text
        .replace("](sharding.md)", "](sharded-runs.md)")
        .replace("#links-to-local-files)", "#links-to-nowhere)");
    std::fs::write(&usage, broken).unwrap();
    let readme = copy.path().join("README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    assert!(text.contains("](#in-ci)"));
    std::fs::write(&readme, text.replace("](#in-ci)", "](#in-the-ci)")).unwrap();

    let (code, out) = check(copy.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no such file: docs/sharded-runs.md"), "{out}");
    assert!(out.contains("\"links-to-nowhere\""), "{out}");
    assert!(out.contains("\"in-the-ci\""), "{out}");
    // Quiet: the three findings, nothing else.
    let findings = out.lines().filter(|l| !l.starts_with("      ")).count();
    assert_eq!(findings, 3, "{out}");
}
