//! The CLI's wire format: the JSON objects of `channels`, `show` and `import`, and
//! aligned tables for people. The JSON field names are a stable, documented surface
//! (docs/json.md); the tables are not.

use clout_core::Metric;

/// Writes to stdout, returning the error (a closed pipe, say) instead of panicking as
/// `print!` does; `main` treats a broken pipe as a normal end.
pub(crate) fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// A number with thousands separators: 12,500.
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A metric for people: two decimals, or `-` when null.
pub(crate) fn fixed2(m: Metric<f64>) -> String {
    m.map(|v| format!("{v:.2}")).unwrap_or_else(|_| "-".to_string())
}

/// A table with a header row; columns listed in `right` are right-aligned.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = widths[i] - cell.chars().count();
            if right.contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        let mut s = s.trim_end().to_string();
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A text (a caption, a comment) on one line, cut to `max` characters with `…`.
pub(crate) fn one_line(text: Option<&str>, max: usize) -> String {
    let flat: String = text.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}
