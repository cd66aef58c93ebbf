//! Uploaded files: written whole or not at all, and kept for a bounded time.
//!
//! Each upload is a folder `DATA/uploads/<unix seconds>-<random>/`. A file arrives under a
//! `.partial` name and is renamed once complete; a refused or broken upload removes its
//! folder. At start the server removes what a crash left (`.partial` files, empty
//! folders), and after each import it removes uploads older than the retention period
//! (`clout serve --keep-uploads-days`, 30 by default): the observations they held stay
//! in the store, each naming its source file, and rejects stay under `DATA/rejects/`.

use std::path::{Path, PathBuf};

use clout_core::Timestamp;

/// An upload folder that is removed when dropped, unless [`Partial::keep`] was called.
pub(crate) struct Partial {
    dir: PathBuf,
    keep: bool,
}

impl Partial {
    pub(crate) fn new(dir: PathBuf) -> Partial {
        Partial { dir, keep: false }
    }

    pub(crate) fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.keep {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }
}

pub(crate) fn partial_name(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Removes what an interrupted upload left: `.partial` files and folders left empty.
pub(crate) fn clean_partials(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(data_dir.join("uploads")) else { return };
    for folder in entries.flatten() {
        let Ok(files) = std::fs::read_dir(folder.path()) else { continue };
        for file in files.flatten() {
            if file.file_name().to_string_lossy().ends_with(".partial") {
                std::fs::remove_file(file.path()).ok();
            }
        }
        // Only succeeds when empty.
        std::fs::remove_dir(folder.path()).ok();
    }
}

/// Removes upload folders older than `days` at `now` (by the time in their name).
pub(crate) fn prune(data_dir: &Path, now: Timestamp, days: u32) {
    let Ok(entries) = std::fs::read_dir(data_dir.join("uploads")) else { return };
    let cutoff = now.unix() - i64::from(days) * 86_400;
    for folder in entries.flatten() {
        let name = folder.file_name().to_string_lossy().to_string();
        let Some(at) = name.split('-').next().and_then(|t| t.parse::<i64>().ok()) else { continue };
        if at <= cutoff {
            std::fs::remove_dir_all(folder.path()).ok();
        }
    }
}
