//! The shape of the crate, read from its source: the API and the pages stand on the base
//! and never on each other, nothing in the base reaches up into either, the base's own
//! modules form no circle, and no file grows past 600 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
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

/// A file's code without its comments (a doc comment may name any module).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `(file relative to src, its code)` for every file under `src/<family>/`.
fn family(name: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&src().join(name), &mut files);
    files.sort();
    files.iter().map(|f| (f.strip_prefix(src()).unwrap().display().to_string(), code(f))).collect()
}

#[test]
fn the_api_and_the_pages_never_use_each_other_and_the_base_uses_neither() {
    let rules =
        [("api", &["crate::pages"][..]), ("pages", &["crate::api"][..]), ("base", &["crate::api", "crate::pages"][..])];
    let mut broken = Vec::new();
    for (name, banned) in rules {
        for (file, text) in family(name) {
            for b in banned {
                if text.contains(b) {
                    broken.push(format!("{file} uses {b}"));
                }
            }
        }
    }
    // Nor does the base use the crate root (the router, the server): only its own modules.
    for (file, text) in family("base") {
        for (i, _) in text.match_indices("crate::") {
            if !text[i..].starts_with("crate::base::") {
                broken.push(format!("{file} uses {}", text[i..].split([';', '(', '\n']).next().unwrap()));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_base_modules_use_each_other_without_a_circle() {
    let modules: BTreeSet<String> = family("base")
        .iter()
        .map(|(f, _)| f.trim_start_matches("base/").trim_end_matches(".rs").to_string())
        .filter(|m| m != "mod")
        .collect();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in family("base") {
        let me = file.trim_start_matches("base/").trim_end_matches(".rs").to_string();
        if me == "mod" {
            continue;
        }
        // Outside a module's `mod tests`, `super::x` and `crate::base::x` name a sibling.
        let text = text.split("#[cfg(test)]").next().unwrap();
        let used = uses.entry(me.clone()).or_default();
        for prefix in ["super::", "crate::base::"] {
            for (i, _) in text.match_indices(prefix) {
                let name: String =
                    text[i + prefix.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if modules.contains(&name) && name != me {
                    used.insert(name);
                }
            }
        }
    }
    // A module may be placed once everything it uses is: a circle leaves some unplaced.
    let mut placed: Vec<String> = Vec::new();
    while placed.len() < uses.len() {
        let ready: Vec<String> = uses
            .iter()
            .filter(|(m, used)| !placed.contains(m) && used.iter().all(|u| placed.contains(u)))
            .map(|(m, _)| m.clone())
            .collect();
        assert!(
            !ready.is_empty(),
            "a circle among {:?}",
            uses.keys().filter(|m| !placed.contains(m)).collect::<Vec<_>>()
        );
        placed.extend(ready);
    }
    // The layers base/mod.rs describes: errors at the bottom, downloads near the top.
    assert!(uses["errors"].is_empty(), "{:?}", uses["errors"]);
    assert!(uses["downloads"].contains("imports"), "{:?}", uses["downloads"]);
    assert!(!uses["state"].contains("auth"), "state must not use auth: auth uses state");
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > 600)
        .map(|(f, n)| format!("{} ({n} lines)", f.display()))
        .collect();
    assert!(long.is_empty(), "{long:?}");
}
