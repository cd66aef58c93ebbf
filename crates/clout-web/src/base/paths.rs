//! How answers name files: relative to the data directory, never by absolute path, so no
//! answer (JSON, page or error) says where the server keeps its files.

use std::path::Path;

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
