//! The schema against the Citus rules it promises (`schema/v1.sql`'s header): checked on
//! the SQL text, since Citus itself cannot be installed where Clout is built.

use std::collections::BTreeMap;

const SCHEMA: &str = include_str!("../schema/v1.sql");
const CITUS: &str = include_str!("../schema/citus.sql");

/// A table as the schema declares it.
#[derive(Debug, Default)]
struct Table {
    columns: Vec<String>,
    primary_key: Vec<String>,
    /// Every unique constraint and unique index, as the columns or expressions it is on.
    uniques: Vec<Vec<String>>,
    /// `(columns here, table there, columns there)`.
    references: Vec<(Vec<String>, String, Vec<String>)>,
}

fn list(inside: &str) -> Vec<String> {
    inside.split(',').map(|c| c.trim().to_string()).collect()
}

/// The text between the parenthesis that opens at `open` and its match.
fn group(s: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, ch) in s[open..].char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses after {}", &s[open..])
}

fn parse_schema() -> BTreeMap<String, Table> {
    let sql: String = SCHEMA.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut tables = BTreeMap::new();
    for part in sql.split("CREATE TABLE ").skip(1) {
        let name = part.split_whitespace().next().unwrap().to_string();
        let body = group(part, part.find('(').unwrap());
        let mut t = Table::default();
        // Split the body at top-level commas.
        let (mut depth, mut start, mut items) = (0, 0, Vec::new());
        for (i, ch) in body.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(body[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(body[start..].trim());
        for item in items {
            if let Some(rest) = item.strip_prefix("PRIMARY KEY") {
                t.primary_key = list(group(rest, rest.find('(').unwrap()));
            } else if let Some(rest) = item.strip_prefix("UNIQUE") {
                t.uniques.push(list(group(rest, rest.find('(').unwrap())));
            } else if let Some(rest) = item.strip_prefix("FOREIGN KEY") {
                let here = list(group(rest, rest.find('(').unwrap()));
                let after = &rest[rest.find("REFERENCES").unwrap() + "REFERENCES".len()..];
                let there = after.split_whitespace().next().unwrap().to_string();
                t.references.push((here, there, list(group(after, after.find('(').unwrap()))));
            } else {
                // Columns, possibly several on a line (`name text, bio text`).
                let column = item.split_whitespace().next().unwrap().to_string();
                if item.contains("PRIMARY KEY") {
                    t.primary_key = vec![column.clone()];
                }
                if item.contains(" UNIQUE") {
                    t.uniques.push(vec![column.clone()]);
                }
                if let Some(at) = item.find("REFERENCES ") {
                    let after = &item[at + "REFERENCES ".len()..];
                    let there = after.split_whitespace().next().unwrap().to_string();
                    t.references.push((vec![column.clone()], there, list(group(after, after.find('(').unwrap()))));
                }
                t.columns.push(column);
            }
        }
        tables.insert(name, t);
    }
    for part in sql.split("CREATE UNIQUE INDEX ").skip(1) {
        let on = &part[part.find(" ON ").unwrap() + 4..];
        let table = on.split_whitespace().next().unwrap();
        let keys = list(group(on, on.find('(').unwrap()));
        tables.get_mut(table).unwrap_or_else(|| panic!("index on unknown table {table}")).uniques.push(keys);
    }
    tables
}

/// Each table's place under Citus: `Some(column)` distributed by it, `None` a reference
/// table; with the table it is colocated with.
fn parse_citus() -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out = BTreeMap::new();
    for line in CITUS.lines().filter(|l| l.starts_with("SELECT ")) {
        let args: Vec<&str> = group(line, line.find('(').unwrap()).split(',').map(str::trim).collect();
        let unquote = |s: &str| s.trim_matches('\'').to_string();
        let table = unquote(args[0]);
        let place = if line.contains("create_reference_table") {
            (None, None)
        } else {
            let colocate = args.get(2).and_then(|a| a.split("=>").nth(1)).map(|t| unquote(t.trim()));
            (Some(unquote(args[1])), colocate)
        };
        assert!(out.insert(table.clone(), place).is_none(), "{table} is placed twice");
    }
    out
}

#[test]
fn the_citus_layout_distributes_every_table_by_its_channel_or_copies_it() {
    let tables = parse_schema();
    let citus = parse_citus();
    assert!(tables.len() > 40, "the schema's tables were not read: {:?}", tables.keys());
    let declared: Vec<&String> = tables.keys().collect();
    let placed: Vec<&String> = citus.keys().collect();
    assert_eq!(declared, placed, "every table placed once under Citus, and no other");
    let mut problems = Vec::new();
    for (name, t) in &tables {
        match &citus[name] {
            (Some(column), colocate) => {
                assert!(t.columns.contains(column), "{name} has no column {column}");
                if t.primary_key.first() != Some(column) {
                    problems.push(format!("{name}: its primary key {:?} does not start with {column}", t.primary_key));
                }
                for unique in &t.uniques {
                    if !unique.contains(column) {
                        problems.push(format!("{name}: unique {unique:?} does not include {column}"));
                    }
                }
                if name != "channels" && name != "channel_keys" && colocate.as_deref() != Some("channels") {
                    problems.push(format!("{name}: not colocated with the channels"));
                }
                for (here, there, keys) in &t.references {
                    if let (Some(their), _) = &citus[there] {
                        // A link between two distributed tables must stay on one node.
                        let at = keys.iter().position(|k| k == their);
                        if at.is_none() || at.map(|i| &here[i]) != Some(column) {
                            problems.push(format!("{name}: {here:?} → {there} {keys:?} crosses nodes"));
                        }
                    }
                }
            }
            (None, _) => {
                for (here, there, _) in &t.references {
                    if citus[there].0.is_some() {
                        problems.push(format!("reference table {name} refers to distributed {there} ({here:?})"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "the schema breaks the Citus rules:\n{}", problems.join("\n"));
    // The tables that grow with the directory are the distributed ones.
    for big in ["channels", "posts", "post_observations", "follower_observations", "follower_samples", "comments"] {
        assert!(citus[big].0.is_some(), "{big} must be distributed");
    }
}
