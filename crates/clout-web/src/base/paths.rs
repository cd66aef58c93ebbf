//! How answers name files: relative to the data directory, never by absolute path, so no
//! answer (JSON, page or error) says where the server keeps its files.

use std::path::Path;

use serde_json::Value;

/// A file as an answer may name it: relative to the data directory when it is inside it
/// (`uploads/1795176000-3f9a07c2/a.ndjson`), else by its name alone. No answer reveals
/// where the server keeps its files.
pub(crate) fn shown_path(data_dir: &Path, path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    match path.strip_prefix(data_dir) {
        Ok(inside) => inside.display().to_string(),
        Err(_) => path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string()),
    }
}

/// Rewrites every `"source"` string (a file an observation came from) with [`shown_path`].
pub(crate) fn shown_sources(v: &mut Value, data_dir: &Path) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                match x {
                    Value::String(s) if k == "source" => *s = shown_path(data_dir, s.as_str()),
                    _ => shown_sources(x, data_dir),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shown_sources(x, data_dir)),
        _ => {}
    }
}
