//! Keys and tokens for the connectors: from an environment variable, else from the
//! credentials file (`$CLOUT_CREDENTIALS`, else `DATA/credentials.toml`), which only its
//! owner may be able to read. A secret is never printed, logged or stored.
//!
//! ```toml
//! [youtube]
//! api_key = "…"
//!
//! [instagram]
//! access_token = "…"
//! user_id = "17841400000000000"
//! ```

use std::path::{Path, PathBuf};

use crate::{Error, Result};

macro_rules! bail {
    ($($t:tt)*) => { return Err(Error::Invalid(format!($($t)*))) };
}

/// The environment variable naming another credentials file.
pub const ENV_FILE: &str = "CLOUT_CREDENTIALS";

fn file(data: &Path) -> PathBuf {
    std::env::var_os(ENV_FILE).map(PathBuf::from).unwrap_or_else(|| data.join("credentials.toml"))
}

/// `section.key` of the credentials file, if the file exists and has it.
fn from_file(data: &Path, section: &str, key: &str) -> Result<Option<String>> {
    let path = file(data);
    let Ok(meta) = std::fs::metadata(&path) else { return Ok(None) };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            bail!(
                "refusing to read {}: other users can read it; make it yours alone with `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text =
        std::fs::read_to_string(&path).map_err(|e| Error::Invalid(format!("reading {}: {e}", path.display())))?;
    // The parser's message may quote the file: name the file and the line only.
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| text[..s.start].lines().count().max(1)).unwrap_or(0);
        Error::Invalid(format!("{} is not valid TOML (line {line})", path.display()))
    })?;
    Ok(doc.get(section).and_then(|s| s.get(key)).and_then(|v| v.as_str()).map(str::to_string))
}

/// A secret: `env`, else `section.key` of the credentials file; `what` says what it is
/// for in the error when there is none.
pub(crate) fn secret(data: &Path, env: &str, section: &str, key: &str, what: &str) -> Result<String> {
    if let Some(v) = std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
        return Ok(v.trim().to_string());
    }
    if let Some(v) = from_file(data, section, key)?.filter(|v| !v.trim().is_empty()) {
        return Ok(v.trim().to_string());
    }
    bail!(
        "{what}: set {env}, or put `{key}` under [{section}] in {} (readable by you alone); docs/connectors.md says how to get one",
        file(data).display()
    )
}

/// Which platforms have their keys (never the keys themselves), for pages that say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Configured {
    pub youtube: bool,
    pub instagram: bool,
}

/// Which platforms' keys are set, in the environment or the credentials file of `data`.
pub fn configured(data: &Path) -> Configured {
    use clout_connect::{instagram, youtube};
    let has = |env: &str, section: &str, key: &str| secret(data, env, section, key, "").is_ok();
    Configured {
        youtube: has(youtube::ENV_KEY, "youtube", "api_key"),
        instagram: has(instagram::ENV_TOKEN, "instagram", "access_token")
            && has(instagram::ENV_USER_ID, "instagram", "user_id"),
    }
}
