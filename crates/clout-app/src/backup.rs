//! `backup` and `restore`: a consistent copy of a live data directory, and putting one back.

use std::path::{Path, PathBuf};

use crate::{App, AppConfig, Error, Result};

/// What a backup or a restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The backup directory (a data directory of its own: `clout --data DIR status` reads it).
    pub dir: PathBuf,
    pub schema_version: i64,
    /// Files copied beside the database (rejects, a trained follower model).
    pub files: u64,
}

/// Files of a data directory that are not the database, its lock or transient uploads.
fn kept_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries = match std::fs::read_dir(root.join(&rel)) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().to_string();
            let path = rel.join(&name);
            let kind = entry.file_type()?;
            let top = rel.as_os_str().is_empty();
            if top
                && (name.starts_with("clout.db")
                    || name == clout_store::LOCK_FILE
                    || name == clout_store::RECOMPUTE_LOCK_FILE
                    || name == "uploads"
                    || name == "runs"
                    || name.starts_with(crate::snapshot::DIRECTORY_SNAPSHOT)
                    || name == crate::text_index::TEXT_INDEX_DIR
                    || name == crate::post_index::POST_INDEX_DIR)
            {
                continue;
            }
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() && !name.ends_with(".partial") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn copy_files(from: &Path, to: &Path, skip_existing: bool) -> Result<u64> {
    let files = kept_files(from).map_err(|e| Error::Internal(format!("listing {}: {e}", from.display())))?;
    let mut copied = 0;
    for rel in files {
        let dest = to.join(&rel);
        if skip_existing && dest.exists() {
            continue;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Invalid(format!("creating {}: {e}", parent.display())))?;
        }
        std::fs::copy(from.join(&rel), &dest)
            .map_err(|e| Error::Invalid(format!("copying {} to {}: {e}", rel.display(), dest.display())))?;
        copied += 1;
    }
    Ok(copied)
}

impl App {
    /// Copies the data directory, as of one moment, to `dest` (new or empty): the database
    /// by SQLite's `VACUUM INTO` (consistent while an import or the server writes), then the
    /// rejects and other files beside it.
    pub fn backup(&self, dest: &Path) -> Result<BackupSummary> {
        if let Some(url) = &self.config.store {
            return Err(on_postgres("clout backup", url));
        }
        if dest.exists() {
            let empty = std::fs::read_dir(dest).map(|mut d| d.next().is_none()).unwrap_or(false);
            if !empty {
                return Err(Error::Invalid(format!(
                    "{} exists and is not empty: back up to a new directory",
                    dest.display()
                )));
            }
        }
        std::fs::create_dir_all(dest).map_err(|e| Error::Invalid(format!("creating {}: {e}", dest.display())))?;
        self.store.backup_to(&dest.join(clout_store::DATABASE_FILE))?;
        let schema_version = clout_store::backup::check(&dest.join(clout_store::DATABASE_FILE))?;
        let files = copy_files(&self.config.data_dir, dest, false)?;
        Ok(BackupSummary { dir: dest.to_path_buf(), schema_version, files })
    }
}

/// Puts the backup in `src` back as the data directory of `config`, holding its write lock
/// (so not while `clout serve` or an import runs). The backup is checked first; files
/// beside the database are copied where the data directory lacks them.
pub fn restore(config: &AppConfig, src: &Path, holder: &str) -> Result<BackupSummary> {
    if let Some(url) = &config.store {
        return Err(on_postgres("clout restore", url));
    }
    let db = src.join(clout_store::DATABASE_FILE);
    if !db.is_file() {
        return Err(Error::Invalid(format!(
            "{} holds no {}: not a Clout backup",
            src.display(),
            clout_store::DATABASE_FILE
        )));
    }
    // The restored store may share a stamp with what the old one's Directory was built
    // from: the snapshot and the text and post indexes go before the swap (they are only caches), so
    // no process can read them after; a refused restore leaves them.
    let schema_version = clout_store::Store::restore(&config.data_dir, &db, holder, &mut || {
        crate::snapshot::remove_snapshots(&config.data_dir);
        crate::text_index::remove_text_index(&config.data_dir);
        crate::post_index::remove_post_index(&config.data_dir);
    })?;
    let files = copy_files(src, &config.data_dir, true)?;
    Ok(BackupSummary { dir: config.data_dir.clone(), schema_version, files })
}

/// Why `clout backup` and `clout restore` do not touch a PostgreSQL store: its own tools
/// back it up consistently while nodes keep writing (docs/deploy.md).
fn on_postgres(command: &str, url: &crate::StoreUrl) -> Error {
    Error::Invalid(format!(
        "{command} copies the SQLite store of a data directory; the store is {url}: back it up with pg_dump \
         (and restore with pg_restore), as docs/deploy.md describes"
    ))
}
