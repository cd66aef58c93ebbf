//! Repository rules that `cargo test` checks: the dependency direction of
//! ARCHITECTURE.md, the `//!` header of every source file, and docs that stand on their
//! own: no path outside the repository, every link and page name leading to a file in it.

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

/// The Markdown a reader of the repository reads: README, CONTRIBUTING, ARCHITECTURE and
/// every page of `docs/`.
fn markdown_docs(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"].iter().map(|f| root.join(f)).collect();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// What a user of the binary can read in a Rust source: its string literals (plain and raw,
/// escapes as written) and its `///` comments, which clap turns into `--help`.
fn user_strings(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let ident = |i: usize| i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            if rest.starts_with("///") {
                out.push(rest[3..end].to_string());
            }
            i += end;
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |n| n + 2);
        } else if b[i] == b'r' && !ident(i) && rest[1..].trim_start_matches('#').starts_with('"') {
            let hashes = rest[1..].len() - rest[1..].trim_start_matches('#').len();
            let open = 1 + hashes + 1;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = open + rest[open..].find(&close).unwrap();
            out.push(rest[open..end].to_string());
            i += end + close.len();
        } else if b[i] == b'"' {
            let mut j = 1;
            while rest.as_bytes()[j] != b'"' {
                j += if rest.as_bytes()[j] == b'\\' { 2 } else { 1 };
            }
            out.push(rest[1..j].to_string());
            i += j + 1;
        } else if b[i] == b'\'' {
            // A char literal ('"', '\'') is skipped whole; a lifetime ('a) is not a literal.
            let c = rest[1..].chars().next().unwrap_or(' ');
            if c == '\\' {
                i += 3 + rest[3..].find('\'').unwrap() + 1;
            } else if rest[1 + c.len_utf8()..].starts_with('\'') {
                i += 2 + c.len_utf8();
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The words of `text` that could be paths: split at whitespace and at the quotes, brackets
/// and punctuation around a path in prose, Markdown and messages.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "`\"'()<>[]{},;|=".contains(c))
        .map(|w| w.trim_matches('*').trim_end_matches(['.', ':', '!', '?']))
        .filter(|w| !w.is_empty())
}

/// Whether the relative path `word`, written in directory `dir` of the repository (a path
/// from its root), climbs above the root.
fn climbs_out(dir: &Path, word: &str) -> bool {
    if word.starts_with('/') {
        return false;
    }
    let mut depth = dir.components().count() as i64;
    for part in word.split('/') {
        match part {
            ".." => depth -= 1,
            "" | "." => {}
            _ => depth += 1,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Why `word`, written in directory `dir` of the repository, names something outside it.
fn outside(dir: &Path, word: &str) -> Option<&'static str> {
    if word.contains("://") {
        None
    } else if word.contains("shared/spec") || word.contains("shared/design") {
        Some("the shared specs and designs are not in the repository (docs/ has the product's copies)")
    } else if word.contains("/work/") {
        Some("a directory of the machine that wrote it")
    } else if ["/home/", "/root/", "/Users/", "~/", "$HOME"].iter().any(|h| word.contains(h)) {
        Some("a home directory")
    } else if climbs_out(dir, word) {
        Some("climbs above the repository root")
    } else {
        None
    }
}

/// The targets of the Markdown links and images of `text` (`[t](target "title")` and
/// `[t]: target`), outside fenced code.
fn link_targets(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let trimmed = line.trim_start();
        if let (true, Some(p)) = (trimmed.starts_with('['), trimmed.find("]:")) {
            out.extend(trimmed[p + 2..].split_whitespace().next());
        }
        let mut rest = line;
        while let Some(p) = rest.find("](") {
            let after = &rest[p + 2..];
            let end = after.find(')').unwrap_or(after.len());
            out.extend(after[..end].split_whitespace().next().map(|t| t.trim_matches(['<', '>'])));
            rest = &after[end..];
        }
    }
    out
}

/// Whether a `.md` word names a page: a whole file name, not a pattern or a URL.
fn names_a_page(word: &str) -> bool {
    word.ends_with(".md") && word.len() > 3 && !word.contains("://") && !word.contains('*')
}

#[test]
fn docs_and_cli_messages_point_only_at_files_inside_the_repository() {
    let root = workspace();
    let mut problems = Vec::new();
    for file in markdown_docs(&root) {
        let name = file.strip_prefix(&root).unwrap().to_path_buf();
        let dir = name.parent().unwrap().to_path_buf();
        let text = std::fs::read_to_string(&file).unwrap();
        for word in words(&text) {
            if let Some(why) = outside(&dir, word) {
                problems.push(format!("{}: {word}: {why}", name.display()));
            }
            let from_root = word.trim_start_matches('/');
            if names_a_page(word) && !root.join(&dir).join(word).is_file() && !root.join(from_root).is_file() {
                problems.push(format!("{}: {word}: no such page in the repository", name.display()));
            }
        }
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or("");
            // A link starting with `/` is from the root, as on a forge; any other from the page.
            let (base, rel) = match path.strip_prefix('/') {
                Some(from_root) => (PathBuf::new(), from_root),
                None => (dir.clone(), path),
            };
            if climbs_out(&base, rel) || !root.join(&base).join(rel).exists() {
                problems.push(format!("{}: link ({target}) leads to no file of the repository", name.display()));
            }
        }
    }
    // Messages and help of the binary are read wherever the user is: a path in them is a
    // path from the repository's root.
    let mut sources = Vec::new();
    rust_files(&root.join("crates/clout-cli/src"), &mut sources);
    for file in sources {
        let name = file.strip_prefix(&root).unwrap().to_path_buf();
        for literal in user_strings(&std::fs::read_to_string(&file).unwrap()) {
            let literal = literal.replace("\\n", " ").replace("\\t", " ");
            for word in words(&literal) {
                if let Some(why) = outside(Path::new(""), word) {
                    problems.push(format!("{}: \"{literal}\": {word}: {why}", name.display()));
                }
                if names_a_page(word) && !root.join(word).is_file() {
                    problems.push(format!(
                        "{}: \"{literal}\": {word} is not a path from the repository's root",
                        name.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "docs and messages pointing outside the repository:\n{}", problems.join("\n"));
}

#[test]
fn every_page_a_source_file_names_is_in_the_repository() {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let mut problems = Vec::new();
    for file in files {
        let dir = file.parent().unwrap();
        for word in words(&std::fs::read_to_string(&file).unwrap()).filter(|w| names_a_page(w)) {
            // From the file, from the root, or a page of docs/ by its bare name ("metrics.md").
            if ![dir.join(word), root.join(word), root.join("docs").join(word)].iter().any(|p| p.is_file()) {
                problems.push(format!("{}: {word}", file.strip_prefix(&root).unwrap().display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "pages named in the sources that the repository does not have:\n{}",
        problems.join("\n")
    );
}
