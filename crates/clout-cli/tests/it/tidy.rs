//! Repository rules that `cargo test` checks: the dependency direction of
//! ARCHITECTURE.md, the `//!` header of every source file, docs that stand on their own
//! (no path outside the repository, every link and page name leading to a file in it), and
//! no SQLite type above the store (none in clout-store's public signatures, no `rusqlite`
//! in the crates above it).

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
        // The second backend: the store's interfaces and row decoders on PostgreSQL.
        ("clout-pg", &["clout-core", "clout-store"]),
        ("clout-demo", &[]),
        ("clout-index", &["clout-core"]),
        ("clout-connect", &["clout-core"]),
        ("clout-replay", &[]),
        // clout-pg: `--store postgres://` opens the second backend.
        (
            "clout-app",
            &["clout-core", "clout-import", "clout-store", "clout-pg", "clout-index", "clout-demo", "clout-connect"],
        ),
        ("clout-wire", &["clout-core", "clout-app"]),
        ("clout-web", &["clout-core", "clout-app", "clout-wire"]),
        // clout-replay only as a dev-dependency: the tests' stand-in for the platforms.
        ("clout-cli", &["clout-core", "clout-app", "clout-wire", "clout-web", "clout-connect", "clout-replay"]),
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

/// `text` with comments removed and the contents of string and character literals
/// emptied, newlines kept: what is left is code, whose braces can be counted.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars[..i].last().is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let closes = |k: usize| chars.get(k) == Some(&'"') && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#'));
            while j < chars.len() && !closes(j) {
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + 1 + hashes;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                } else if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\''), not a lifetime ('a).
            i += if next == Some('\\') { 3 } else { 2 };
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            out.push_str("' '");
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` without its attributes (`#[derive(…)]`, `#[error(…)]` over several lines),
/// newlines kept, except `#[doc(hidden)]`, which says what is not public API.
fn without_attributes(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[") {
        out.push_str(&rest[..at]);
        let mut depth = 0;
        let mut end = rest.len();
        for (i, c) in rest[at + 1..].char_indices() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = at + 1 + i + 1;
                break;
            }
        }
        let attribute = &rest[at..end];
        if attribute == "#[doc(hidden)]" {
            out.push_str(attribute);
        } else {
            out.extend(attribute.chars().filter(|&c| c == '\n'));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The public signatures of a Rust file, as code: each item or field declared `pub` (not
/// `pub(crate)`) up to its body, each variant of a `pub enum` (with its fields) and method
/// of a `pub trait`, and the header of each trait impl not hidden from the documentation.
fn public_signatures(text: &str) -> Vec<String> {
    let code = without_attributes(&code_only(text));
    let lines: Vec<&str> = code.lines().collect();
    let mut signatures = Vec::new();
    // For each open brace: whether its block's direct contents are public (the variants
    // of a public enum and their fields, the methods of a public trait).
    let mut blocks: Vec<bool> = Vec::new();
    let mut previous = "";
    for (n, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let keyword = |k: &str| trimmed.starts_with(k);
        let in_public_body = blocks.last().copied().unwrap_or(false) && !trimmed.is_empty() && !keyword("}");
        // A variant's fields are public, a trait method's default body is not.
        let variant = in_public_body && !keyword("fn ") && !keyword("#[");
        let public = (keyword("pub ")
            || in_public_body
            || (blocks.is_empty() && keyword("impl") && trimmed.contains(" for ") && previous != "#[doc(hidden)]"))
            && !keyword("#[");
        if public {
            // The signature runs to its body or its `;`, or to the end of a line closing a
            // field or a variant.
            let mut signature = String::new();
            let mut parens = 0i32;
            'lines: for more in &lines[n..] {
                for c in more.chars() {
                    match c {
                        '(' | '[' => parens += 1,
                        ')' | ']' if parens == 0 => break 'lines,
                        ')' | ']' => parens -= 1,
                        ';' if parens == 0 => break 'lines,
                        '{' if parens == 0 && !variant => break 'lines,
                        _ => {}
                    }
                    signature.push(c);
                }
                signature.push('\n');
                if parens == 0 && more.trim_end().ends_with([',', '{', '}']) {
                    break;
                }
            }
            signatures.push(signature);
        }
        for c in line.chars() {
            match c {
                '{' => blocks.push(keyword("pub enum ") || keyword("pub trait ") || variant),
                '}' => {
                    blocks.pop();
                }
                _ => {}
            }
        }
        if !trimmed.is_empty() {
            previous = trimmed;
        }
    }
    signatures
}

/// The public signatures of a Rust file that name SQLite's driver: `rusqlite` itself, or
/// a name the file imports from it (`use rusqlite::{Connection, Row}`).
fn sqlite_in_public_api(text: &str) -> Vec<String> {
    let code = code_only(text);
    let mut names = vec!["rusqlite".to_string()];
    for statement in code.split(';').map(str::trim).filter(|s| s.starts_with("use rusqlite::")) {
        let imported = statement.trim_start_matches("use rusqlite::").replace(['{', '}'], "");
        names.extend(imported.split(',').filter_map(|n| n.split_whitespace().last()).map(str::to_string));
    }
    let word = |s: &str, name: &str| {
        s.match_indices(name).any(|(at, _)| {
            let before = s[..at].chars().next_back();
            let after = s[at + name.len()..].chars().next();
            let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !part(before) && !part(after)
        })
    };
    public_signatures(text).into_iter().filter(|s| names.iter().any(|n| word(s, n))).collect()
}

#[test]
fn the_sqlite_check_finds_a_driver_type_wherever_the_api_shows_it() {
    let found = |text: &str| sqlite_in_public_api(text).len();
    assert_eq!(found("pub enum Error {\n    #[error(\"{0}\")]\n    Sqlite(#[from] rusqlite::Error),\n}"), 1);
    assert_eq!(found("use rusqlite::{Connection, Row};\npub fn open(\n    c: &Connection,\n) -> u8 {\n    1\n}"), 1);
    assert_eq!(found("pub trait Reads {\n    fn row(&self, r: &rusqlite::Row<'_>) -> u8;\n}"), 1);
    assert_eq!(found("pub struct S {\n    pub conn: rusqlite::Connection,\n}"), 1);
    assert_eq!(found("impl From<rusqlite::Error> for Error {\n}"), 1);
    // Inside the crate, in bodies, strings and comments, or hidden from the docs: not API.
    assert_eq!(found("use rusqlite::Connection;\npub(crate) fn open(c: &Connection) {}"), 0);
    assert_eq!(found("pub fn open() -> u8 {\n    let c = rusqlite::Connection::open(\"x\");\n    1\n}"), 0);
    assert_eq!(found("/// Uses rusqlite.\npub fn f() -> &'static str {\n    \"rusqlite { \"\n}"), 0);
    assert_eq!(found("#[doc(hidden)]\nimpl From<rusqlite::Error> for Error {\n}"), 0);
    assert_eq!(found("pub struct S {\n    conn: rusqlite::Connection,\n}"), 0);
    assert_eq!(found("pub enum E {\n    A {\n        at: u8,\n        db: rusqlite::Connection,\n    },\n}"), 1);
    assert_eq!(found("pub enum E {\n    A { db: rusqlite::Connection },\n}"), 1);
    assert_eq!(found("pub enum E {\n    #[error(\n        \"{0}\"\n    )]\n    A(rusqlite::Error),\n    B,\n}"), 1);
    assert_eq!(found("pub trait T {\n    fn f(&self) -> u8 {\n        rusqlite::version_number() as u8\n    }\n}"), 0);
}

#[test]
fn no_sqlite_type_is_in_the_stores_public_api() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/clout-store/src"), &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        for signature in sqlite_in_public_api(&std::fs::read_to_string(file).unwrap()) {
            found.push(format!("{}: {}", file.display(), signature.trim()));
        }
    }
    assert!(found.is_empty(), "public signatures naming SQLite's driver: {found:#?}");
}

#[test]
fn no_crate_above_the_store_names_sqlites_driver() {
    let this_file = workspace().join("crates/clout-cli/tests/it/tidy.rs");
    for name in ["clout-app", "clout-wire", "clout-web", "clout-cli"] {
        let dir = workspace().join("crates").join(name);
        let mut files = vec![dir.join("Cargo.toml")];
        rust_files(&dir, &mut files);
        for file in files.iter().filter(|f| **f != this_file) {
            let text = std::fs::read_to_string(file).unwrap();
            assert!(
                !text.contains("rusqlite"),
                "{} names rusqlite: go through clout-store's interfaces",
                file.display()
            );
        }
    }
}

/// The longest a source file may grow before it is split (tests and data excepted).
const MAX_SOURCE_LINES: usize = 600;

/// Whether `file` holds tests (a `tests.rs`, a `*_tests.rs`, or anything under `tests/`,
/// `benches/` or a crate's `tests` module directory).
fn is_test_file(file: &Path) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || file.components().any(|c| ["tests", "benches"].contains(&c.as_os_str().to_str().unwrap_or("")))
}

/// Whether `file` says in its header that it is data, not code (word lists, tables).
fn is_data_file(text: &str) -> bool {
    text.lines().take_while(|l| l.starts_with("//!")).any(|l| l.to_lowercase().contains("data, not code"))
}

#[test]
fn no_source_file_is_over_six_hundred_lines() {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let mut long: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let lines = text.lines().count();
            (lines > MAX_SOURCE_LINES && !is_data_file(&text))
                .then(|| format!("{} ({lines} lines)", f.strip_prefix(&root).unwrap().display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "files over {MAX_SOURCE_LINES} lines; split them by concern:\n{}", long.join("\n"));
}

/// The modules of a crate's `src` that `text` (in module `from`) refers to: `crate::a::b`,
/// `super::x` and `self::x` paths, resolved to module paths such as `["pages", "channel"]`.
fn module_refs(text: &str, from: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    for (start, _) in
        text.match_indices("crate::").chain(text.match_indices("super::")).chain(text.match_indices("self::"))
    {
        // Only whole path starts: not `clout_crate::` nor `$crate::`.
        if start > 0
            && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_' || bytes[start - 1] == b'$')
        {
            continue;
        }
        let path: String =
            text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
        let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        let mut base: Vec<String> = match parts.first() {
            Some(&"crate") => Vec::new(),
            Some(&"super") => from[..from.len().saturating_sub(1)].to_vec(),
            Some(&"self") => from.to_vec(),
            _ => continue,
        };
        parts.remove(0);
        while parts.first() == Some(&"super") {
            base.pop();
            parts.remove(0);
        }
        base.extend(parts.iter().map(|p| p.to_string()));
        out.push(base);
    }
    out
}

/// A `src` file's module path: `src/pages/mod.rs` is `["pages"]`, `src/lib.rs` is `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

#[test]
fn no_crate_has_an_import_circle_between_its_modules() {
    // Among the children of every module (the crate's top-level modules, a directory
    // module's files), references must go one way: a child may use its parent, but two
    // siblings never depend on each other, directly or round a circle.
    let root = workspace();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = entry.unwrap().path().join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let modules: Vec<Vec<String>> = files.iter().map(|f| module_path(&src, f)).collect();
        // Edges between siblings: from a module to the sibling (under their common parent)
        // that holds what it refers to.
        let mut edges: std::collections::BTreeSet<(Vec<String>, Vec<String>)> = Default::default();
        for (file, from) in files.iter().zip(&modules) {
            if is_test_file(file) {
                continue;
            }
            for to in module_refs(&code_only(&std::fs::read_to_string(file).unwrap()), from) {
                let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if common >= from.len() || common >= to.len() {
                    continue; // a parent or a descendant: not a sibling
                }
                let a = from[..=common].to_vec();
                let b = to[..=common].to_vec();
                if modules.contains(&b) || modules.iter().any(|m| m.starts_with(&b)) {
                    edges.insert((a, b));
                }
            }
        }
        // A circle is a pair of modules each reachable from the other.
        let reach = |start: &Vec<String>| {
            let mut seen = vec![start.clone()];
            let mut i = 0;
            while i < seen.len() {
                let node = seen[i].clone();
                for (a, b) in &edges {
                    if *a == node && !seen.contains(b) {
                        seen.push(b.clone());
                    }
                }
                i += 1;
            }
            seen
        };
        for (a, b) in &edges {
            if reach(b).contains(a) {
                problems.push(format!("{}: {} → {} → … → {}", src.display(), a.join("::"), b.join("::"), a.join("::")));
            }
        }
    }
    assert!(problems.is_empty(), "modules that import each other in a circle:\n{}", problems.join("\n"));
}

#[test]
fn every_test_architecture_md_names_exists() {
    // A rule of ARCHITECTURE.md says which test checks it, as `module::test_name`: each must
    // be a test of the workspace, so a renamed or deleted check cannot leave a claim behind.
    let root = workspace();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let sources: Vec<(PathBuf, String)> =
        files.into_iter().map(|f| (f.clone(), std::fs::read_to_string(&f).unwrap())).collect();
    let named: Vec<&str> = text
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split("::");
            matches!((parts.next(), parts.next(), parts.next()), (Some(m), Some(t), None)
                if !m.is_empty() && m.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && t.len() > 20 && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
        .collect();
    assert!(named.len() >= 8, "ARCHITECTURE.md names its checks: found {named:?}");
    let missing: Vec<&&str> = named
        .iter()
        .filter(|s| {
            let (module, test) = s.split_once("::").unwrap();
            !sources.iter().any(|(f, src)| {
                f.file_stem().is_some_and(|stem| stem == module) && src.contains(&format!("fn {test}("))
            })
        })
        .collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md names checks that do not exist: {missing:?}");
}
