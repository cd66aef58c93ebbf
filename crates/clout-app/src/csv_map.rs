//! `clout import --map`: a small TOML file naming which column of a foreign CSV export is
//! which interchange field, with constants and time formats (`docs/interchange.md`).
//!
//! ```toml
//! kind = "channel"            # the kind of every row (default: post with a post_id, else channel)
//! [constants]
//! platform = "instagram"      # a field no column has
//! [columns]
//! handle = "Username"         # interchange field = the column's header (any case)
//! followers = "Followers"     # counts may be written 12.5K, 3.9M or 1,204
//! [formats]
//! published_at = "%b %d, %Y"  # a time column not in RFC 3339 (strftime)
//! ```

use clout_import::CsvMap;

use crate::{Error, Result};

/// Maps shipped with Clout, by name.
pub const BUILT_IN_MAPS: [(&str, &str); 2] = [
    ("apify-instagram-profiles", include_str!("../data/maps/apify-instagram-profiles.toml")),
    ("youtube-studio-content", include_str!("../data/maps/youtube-studio-content.toml")),
];

const KINDS: [&str; 8] = ["channel", "post", "followers", "follower", "comment", "deal", "conversion", "kind"];

/// Reads a map: a built-in one by name, else a TOML file.
pub fn csv_map(name_or_file: &std::path::Path) -> Result<CsvMap> {
    let name = name_or_file.to_string_lossy();
    if let Some((_, text)) = BUILT_IN_MAPS.iter().find(|(n, _)| *n == name) {
        return csv_map_from_toml(text);
    }
    let text = std::fs::read_to_string(name_or_file).map_err(|e| {
        let names: Vec<&str> = BUILT_IN_MAPS.iter().map(|(n, _)| *n).collect();
        Error::Invalid(format!("--map {name}: {e} (built-in maps: {})", names.join(", ")))
    })?;
    csv_map_from_toml(&text).map_err(|e| Error::Invalid(format!("{name}: {e}")))
}

/// Reads a map's TOML, checking every field name and the kind.
pub fn csv_map_from_toml(text: &str) -> Result<CsvMap> {
    let doc: toml::Table =
        text.parse().map_err(|e: toml::de::Error| Error::Invalid(format!("not a valid map: {}", e.message())))?;
    let mut map = CsvMap::default();
    for (key, value) in &doc {
        match key.as_str() {
            "kind" => {
                let kind = value.as_str().ok_or_else(|| Error::Invalid("kind must be text".into()))?;
                if !KINDS[..7].contains(&kind) {
                    return Err(Error::Invalid(format!("kind {kind:?} is not one of {}", KINDS[..7].join(", "))));
                }
                map.kind = Some(kind.to_string());
            }
            "columns" | "constants" | "formats" => {
                let table = value.as_table().ok_or_else(|| Error::Invalid(format!("[{key}] must be a table")))?;
                for (field, v) in table {
                    if !CsvMap::known_field(field) || field == "kind" {
                        return Err(Error::Invalid(format!("[{key}] names {field:?}, which is no interchange field")));
                    }
                    let v = match v {
                        toml::Value::String(s) => s.clone(),
                        toml::Value::Integer(i) if key == "constants" => i.to_string(),
                        toml::Value::Boolean(b) if key == "constants" => b.to_string(),
                        _ => return Err(Error::Invalid(format!("[{key}] {field} must be text"))),
                    };
                    let list = match key.as_str() {
                        "columns" => &mut map.columns,
                        "constants" => &mut map.constants,
                        _ => &mut map.formats,
                    };
                    list.push((field.clone(), v));
                }
            }
            other => {
                return Err(Error::Invalid(format!(
                    "unknown key {other:?} (a map has kind, [columns], [constants], [formats])"
                )));
            }
        }
    }
    if map.columns.is_empty() {
        return Err(Error::Invalid("the map names no column ([columns])".into()));
    }
    for (field, _) in &map.formats {
        if !map.columns.iter().any(|(f, _)| f == field) {
            return Err(Error::Invalid(format!("[formats] names {field:?}, which [columns] does not map")));
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_maps_read_and_a_wrong_field_is_named() {
        for (name, text) in BUILT_IN_MAPS {
            let map = csv_map_from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(map.constants.iter().any(|(f, _)| f == "platform"), "{name}");
        }
        let e = csv_map_from_toml("[columns]\nfollowerz = \"Followers\"\n").unwrap_err().to_string();
        assert!(e.contains("\"followerz\", which is no interchange field"), "{e}");
        let e = csv_map_from_toml("kind = \"video\"\n[columns]\nhandle = \"u\"\n").unwrap_err().to_string();
        assert!(e.contains("kind \"video\" is not one of"), "{e}");
    }
}
