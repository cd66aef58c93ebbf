//! The Directory on disk, so that a server (or a command that searches) starts by reading
//! one file instead of the store: `DATA/directory.snapshot`.
//!
//! A snapshot carries a stamp of what it was built from: this version of Clout, the
//! store's random identity and schema, and the derived state's generation (completed recomputes) and write
//! count (committed import batches), which are the only ways the Directory's inputs
//! change. It is used only when the store's stamp is the same and the derived state is
//! current, so a stale snapshot is never read; after each build from the store a new one
//! is written (under a temporary name, then renamed, so a crash leaves the old one or
//! none). A restore removes it; backups leave it out.

use std::io::Write;
use std::path::{Path, PathBuf};

use clout_index::DiscoveryIndex;

use crate::search::Directory;
use crate::{App, Result};

/// The snapshot's file name in the data directory.
pub const DIRECTORY_SNAPSHOT: &str = "directory.snapshot";

/// Where `data_dir`'s snapshot lives.
pub(crate) fn snapshot_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DIRECTORY_SNAPSHOT)
}

impl App {
    /// What the Directory is built from now, or `None` while the derived state is stale
    /// (no snapshot is read or written then).
    fn directory_stamp(&self) -> Result<Option<Vec<u8>>> {
        if self.store.derived_stale_since()?.is_some() {
            return Ok(None);
        }
        Ok(Some(
            format!(
                "clout {} store {} schema {} generation {} writes {}",
                env!("CARGO_PKG_VERSION"),
                self.store.store_id()?,
                self.store.schema_version()?,
                self.store.derived_generation()?,
                self.store.derived_writes()?
            )
            .into_bytes(),
        ))
    }

    /// The Directory: read from the snapshot when it was built from what the store holds
    /// now, else built from the store and snapshotted. Returns whether it came from the
    /// snapshot.
    pub(crate) fn load_directory(&self) -> Result<(Directory, bool)> {
        // The stamp is read before the store: rows written meanwhile make the stamp older
        // than the data, and an older stamp is never matched again.
        let stamp = self.directory_stamp()?;
        let path = snapshot_path(self.data_dir());
        if let Some(stamp) = &stamp
            && let Ok(bytes) = std::fs::read(&path)
            && let Some(index) = DiscoveryIndex::read_snapshot(&bytes, stamp)
        {
            let mut directory = Directory::new(index);
            directory.text = self.text_reader();
            return Ok((directory, true));
        }
        let mut directory = self.directory()?;
        directory.text = self.text_reader();
        if let Some(stamp) = &stamp {
            // A snapshot that cannot be written costs the next start time, nothing else; a
            // data directory this user may only read is no news.
            match write_snapshot(self.data_dir(), &directory.index, stamp) {
                Err(e)
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                    ) =>
                {
                    eprintln!("clout: could not write {}: {e}", path.display())
                }
                _ => {}
            }
        }
        Ok((directory, false))
    }
}

/// Writes the snapshot under a temporary name, then renames it into place; a partial one
/// that a killed process left over ten minutes ago goes.
fn write_snapshot(data_dir: &Path, index: &DiscoveryIndex, stamp: &[u8]) -> std::io::Result<()> {
    let path = snapshot_path(data_dir);
    let old = |e: &std::fs::DirEntry| {
        e.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600)
    };
    for entry in std::fs::read_dir(data_dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with(&format!("{DIRECTORY_SNAPSHOT}.partial-")) && old(&entry) {
            std::fs::remove_file(entry.path()).ok();
        }
    }
    let partial = data_dir.join(format!("{DIRECTORY_SNAPSHOT}.partial-{}", std::process::id()));
    let result = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        index.write_snapshot(&mut out, stamp)?;
        out.flush()?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, &path)
    })();
    if result.is_err() {
        std::fs::remove_file(&partial).ok();
    }
    result
}

/// Removes the snapshot and any partial one a killed process left (a restore, whose store
/// may share a stamp with other data).
pub(crate) fn remove_snapshots(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(data_dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(DIRECTORY_SNAPSHOT) {
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use clout_core::discovery::{DiscoveryQuery, SortKey};

    use super::{DIRECTORY_SNAPSHOT, snapshot_path};
    use crate::{Access, App, ImportOptions, Silent};

    fn options() -> ImportOptions {
        crate::tests::import_options(|| clout_core::Timestamp::from_unix(1_795_176_000), 5_000)
    }

    /// Every channel, by followers: what a Directory holds, in order.
    fn everything(app: &App, d: &crate::Directory) -> Vec<(i64, Option<u64>)> {
        let query = DiscoveryQuery { sort: SortKey::Followers, limit: 1_000, ..DiscoveryQuery::everything() };
        app.search_with(d, &query).unwrap().channels.iter().map(|c| (c.row.id, c.row.followers)).collect()
    }

    #[test]
    fn a_snapshot_is_read_only_while_the_store_holds_what_it_was_built_from() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path().join("world.ndjson");
        crate::write_demo_world(
            std::fs::File::create(&world).unwrap(),
            3,
            300,
            clout_core::Timestamp::from_unix(1_795_176_000),
        )
        .unwrap();
        let config = crate::test_config(dir.path().join("data"));
        let mut app = App::open(config.clone(), Access::Write, "test").unwrap();
        app.import(std::slice::from_ref(&world), &options(), &mut Silent).unwrap();

        let (built, from_snapshot) = app.load_directory().unwrap();
        assert!(!from_snapshot, "the first Directory is built from the store");
        assert!(snapshot_path(&config.data_dir).is_file(), "and written beside it");
        let reader = App::open(config.clone(), Access::Read, "test").unwrap();
        let (read, from_snapshot) = reader.load_directory().unwrap();
        assert!(from_snapshot, "the next one is read from the snapshot");
        assert_eq!(everything(&reader, &read), everything(&app, &built));
        assert_eq!(read.channels(), 300);

        // An import changes what the Directory is built from: the snapshot is not used.
        let newcomer = dir.path().join("newcomer.ndjson");
        std::fs::write(
            &newcomer,
            r#"{"kind":"channel","platform":"instagram","handle":"newcomer","followers":99000000,"observed_at":1795176000}"#,
        )
        .unwrap();
        app.import(&[newcomer], &options(), &mut Silent).unwrap();
        let (after, from_snapshot) = reader.load_directory().unwrap();
        assert!(!from_snapshot, "a snapshot older than the store is never read");
        assert_eq!(after.channels(), 301);
        assert_eq!(everything(&reader, &after)[0].1, Some(99_000_000), "the newcomer leads by followers");
        assert!(app.load_directory().unwrap().1, "the rebuilt one was snapshotted again");

        // A damaged snapshot is rebuilt from the store, not read.
        let path = snapshot_path(&config.data_dir);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let (rebuilt, from_snapshot) = reader.load_directory().unwrap();
        assert!(!from_snapshot);
        assert_eq!(everything(&reader, &rebuilt), everything(&reader, &after));

        // A backup leaves it out.
        drop(reader);
        let backup = dir.path().join("backup");
        if !crate::backup_if_sqlite(&app, &backup) {
            return;
        }
        assert!(!backup.join(DIRECTORY_SNAPSHOT).exists());
        // A restore removes the data directory's: the restored store may share its stamp.
        drop(app);
        assert!(snapshot_path(&config.data_dir).is_file());
        crate::restore(&config, &backup, "test").unwrap();
        assert!(!snapshot_path(&config.data_dir).exists());
    }

    #[test]
    fn a_snapshot_is_never_read_against_another_store_whose_counts_match() {
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str, seed: u64| {
            let world = dir.path().join(format!("{name}.ndjson"));
            let as_of = clout_core::Timestamp::from_unix(1_795_176_000);
            crate::write_demo_world(std::fs::File::create(&world).unwrap(), seed, 120, as_of).unwrap();
            let mut app = App::open(crate::test_config(dir.path().join(name)), Access::Write, "test").unwrap();
            app.import(std::slice::from_ref(&world), &options(), &mut Silent).unwrap();
            app
        };
        let first = open("first", 3);
        let (built, _) = first.load_directory().unwrap();
        // Another store, other channels, the same number of import batches and recomputes.
        let second = open("second", 4);
        assert_eq!(second.derived_generation().unwrap(), first.derived_generation().unwrap());
        assert_eq!(second.store.derived_writes().unwrap(), first.store.derived_writes().unwrap());
        // The first store's snapshot lands in the second's data directory (a node pointed at
        // another database, a data directory copied between machines).
        std::fs::copy(snapshot_path(first.data_dir()), snapshot_path(second.data_dir())).unwrap();
        let (read, from_snapshot) = second.load_directory().unwrap();
        assert!(!from_snapshot, "another store's snapshot is not read");
        assert_ne!(everything(&second, &read), everything(&first, &built));
        assert_eq!(everything(&second, &read), everything(&second, &second.load_directory().unwrap().0));
    }
}
