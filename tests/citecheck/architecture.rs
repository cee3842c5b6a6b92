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

/// The crate's top-level modules (a folder or a file directly under
/// `src/`), each with the other top-level modules its code names
/// (`crate::x`, outside `#[cfg(test)]` and comments).
fn module_imports(root: &Path) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let src = root.join("src");
    let mut files = BTreeSet::new();
    sources(&src, root, &mut files);
    let mut modules: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for file in &files {
        let inside = file.strip_prefix("src/").unwrap();
        let top = inside
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap()
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let names = modules.entry(top.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for item in group.split(',') {
                    let name = item.trim().split("::").next().unwrap_or_default();
                    names.insert(name.to_owned());
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
        names.remove(&top);
    }
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    for names in modules.values_mut() {
        names.retain(|name| known.contains(name));
    }
    modules
}

/// The folders (and files) directly under `src/` import each other in
/// one direction only, and the stages import none of the layers above
/// them (the settings, the run, the commands, the command line).
#[test]
fn modules_import_in_one_direction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = module_imports(root);
    assert!(modules.len() > 10, "{modules:?}");
    // Every cycle shows as a module that reaches itself.
    for start in modules.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = modules[start].iter().collect();
        while let Some(name) = stack.pop() {
            assert!(
                name != start,
                "{start} imports a module that imports it again: {modules:?}"
            );
            if seen.insert(name) {
                stack.extend(&modules[name]);
            }
        }
    }
    let above = ["settings", "run", "command", "cli"];
    let stages = [
        "archive",
        "extract",
        "fetch",
        "verify",
        "store",
        "report",
        "repair",
        "input",
        "office",
        "pdf",
        "model",
        "date",
        "error",
        "interrupt",
    ];
    for stage in stages {
        let imports = modules
            .get(stage)
            .unwrap_or_else(|| panic!("no module {stage}"));
        for layer in above {
            assert!(
                !imports.contains(layer),
                "the stage {stage} imports {layer}: {imports:?}"
            );
        }
    }
    // The pure stages name no stage that does I/O.
    for pure in ["extract", "verify", "report", "repair", "archive", "model"] {
        for io in ["store", "input", "run"] {
            assert!(
                !modules[pure].contains(io),
                "the pure stage {pure} imports {io}: {:?}",
                modules[pure]
            );
        }
    }
    assert!(
        modules["model"].is_empty(),
        "plain data imports nothing: {:?}",
        modules["model"]
    );
}

/// No more than six files directly under `src/` besides `lib.rs` and
/// `main.rs`: the rest live in the folder of the subsystem they belong to.
#[test]
fn the_top_of_src_stays_short() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loose: Vec<String> = std::fs::read_dir(root.join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && name != "lib.rs" && name != "main.rs")
        .collect();
    assert!(loose.len() <= 6, "{loose:?}");
}

/// The whole `Config` stops at `run::run`: the run's stages (its other
/// files) take the settings they use, never the `Config`.
#[test]
fn only_the_run_itself_takes_the_whole_config() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeSet::new();
    sources(&root.join("src/run"), root, &mut files);
    assert!(files.len() > 3, "{files:?}");
    for file in files.iter().filter(|f| !f.ends_with("run/mod.rs")) {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!code.contains("Config"), "{file} takes the whole Config");
    }
    let run = std::fs::read_to_string(root.join("src/run/mod.rs")).unwrap();
    let whole = run.matches("config: &Config").count();
    assert_eq!(whole, 1, "only run::run takes the Config in src/run/mod.rs");
}
