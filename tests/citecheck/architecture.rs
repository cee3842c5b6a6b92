//! ARCHITECTURE.md's code map against the tree: every source file has a
//! row, and every file a row names exists.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `.rs` file under `dir`, as `src/…` paths.
fn sources(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            out.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The files the code map's first column names: full `src/…` paths, and
/// bare names after one, which share its folder (`src/report/json.rs`,
/// `terminal.rs`).
fn mapped(architecture: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for row in architecture.lines().filter(|l| l.starts_with("| `")) {
        let cell = row.split(" | ").next().unwrap_or_default();
        let mut folder = String::new();
        for name in cell.split('`').skip(1).step_by(2) {
            if let Some(path) = name.strip_prefix("src/") {
                let path = format!("src/{path}");
                folder = path.rsplit_once('/').map(|(f, _)| f.to_owned()).unwrap();
                out.insert(path);
            } else if name.ends_with(".rs") && !folder.is_empty() {
                out.insert(format!("{folder}/{name}"));
            }
        }
    }
    out
}

#[test]
fn the_code_map_matches_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut tree = BTreeSet::new();
    sources(&root.join("src"), root, &mut tree);
    let map = mapped(&architecture);
    let unmapped: Vec<&String> = tree.difference(&map).collect();
    let missing: Vec<&String> = map.difference(&tree).collect();
    assert!(
        unmapped.is_empty(),
        "files with no row in ARCHITECTURE.md: {unmapped:?}"
    );
    assert!(
        missing.is_empty(),
        "rows in ARCHITECTURE.md for files that do not exist: {missing:?}"
    );
}
