//! Repository rules that `cargo test` checks: the dependency direction of
//! ARCHITECTURE.md and the `//!` header of every source file.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The `clout-*` crates a manifest depends on (normal dependencies only).
fn internal_deps(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && line.starts_with("clout-") {
            deps.push(line.split(['.', ' ', '=']).next().unwrap().to_string());
        }
    }
    deps
}

#[test]
fn crates_depend_only_in_the_documented_direction() {
    let allowed: &[(&str, &[&str])] = &[
        ("clout-core", &[]),
        ("clout-import", &["clout-core"]),
        ("clout-store", &["clout-core"]),
        ("clout-demo", &[]),
        ("clout-index", &["clout-core"]),
        ("clout-app", &["clout-core", "clout-import", "clout-store", "clout-index", "clout-demo"]),
        ("clout-wire", &["clout-core", "clout-app"]),
        ("clout-web", &["clout-core", "clout-app", "clout-wire"]),
        ("clout-cli", &["clout-core", "clout-app", "clout-wire", "clout-web"]),
    ];
    let crates = workspace().join("crates");
    for entry in std::fs::read_dir(&crates).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let allowed_deps = allowed
            .iter()
            .find(|(c, _)| *c == name)
            .unwrap_or_else(|| panic!("crate {name} is not in the dependency rules of this test and ARCHITECTURE.md"))
            .1;
        for dep in internal_deps(&crates.join(&name).join("Cargo.toml")) {
            assert!(allowed_deps.contains(&dep.as_str()), "{name} must not depend on {dep}");
        }
    }
}

#[test]
fn the_core_does_no_io_no_async_and_no_serialization() {
    let manifest = std::fs::read_to_string(workspace().join("crates/clout-core/Cargo.toml")).unwrap();
    let deps = manifest.split("[dependencies]").nth(1).unwrap_or("").split('[').next().unwrap_or("");
    for banned in ["serde", "tokio", "rusqlite", "jiff", "rand", "chrono"] {
        assert!(!deps.contains(banned), "clout-core depends on {banned}");
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_source_file_opens_with_a_doc_paragraph() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "tests"))
        .filter(|f| !f.ends_with("tests.rs"))
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! header: {missing:?}");
}
