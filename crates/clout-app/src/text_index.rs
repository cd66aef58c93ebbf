//! The full-text index beside the store, `DATA/text-index/` (tantivy): what Directory
//! searches read keywords from, kept in step with the store's searchable text.
//!
//! The store keeps the text (`channel_text`) and a version of it that every change
//! bumps in its own transaction. Each commit of the index is stamped with the version it
//! holds, and a Directory reads keywords from it only when that is the store's version
//! when the Directory is loaded; otherwise (an index never built, a recompute cut short,
//! a writer that could not get the index's lock) it searches the store's FTS5 table,
//! which holds the same text, more slowly. The index is never the only copy of anything:
//! backups leave it out and a restore removes it.
//!
//! A recompute keeps it in step ([`TextSync`]): when the index was current before, it
//! applies the recompute's own changes (the channels whose text was written or removed);
//! when it was not, a recompute of everything rewrites it from the texts it makes anyway,
//! and a recompute of some channels rebuilds it from the store's text. If another process
//! changed the text meanwhile, it is rebuilt from the store's text too, and stamped only
//! when that text did not change while it was read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clout_index::text::{TextDoc, TextIndex, TextReader, TextWriter};
use clout_store::{SearchText, TextChanges, TextSearch};

use crate::App;

/// The index's directory in the data directory.
pub const TEXT_INDEX_DIR: &str = "text-index";

/// Bumped when the index's analysis or fields change, so an old index is not read.
const FORMAT: u32 = 1;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// The stamp of an index holding the store's text at `version`.
fn stamp(version: i64) -> String {
    format!("clout text index {FORMAT}, store text version {version}")
}

pub(crate) fn text_index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(TEXT_INDEX_DIR)
}

/// Removes the index (a restore: the restored store may share a version with it).
pub(crate) fn remove_text_index(data_dir: &Path) {
    std::fs::remove_dir_all(text_index_dir(data_dir)).ok();
}

fn doc(t: &SearchText) -> TextDoc<'_> {
    TextDoc {
        channel_id: t.channel_id,
        handle: &t.handle,
        name: &t.name,
        bio: &t.bio,
        captions: &t.captions,
        hashtags: &t.hashtags,
    }
}

fn warn(e: &dyn std::fmt::Display) {
    eprintln!(
        "clout: the full-text index was not updated ({e}); keyword searches read the store's text, more slowly, until the next recompute"
    );
}

impl App {
    /// A reader of the full-text index when it holds the store's text now, else `None`
    /// (searches then read the store's text). Never creates or changes the index.
    pub(crate) fn text_reader(&self) -> Option<TextReader> {
        let version = self.store.text_version().ok()?;
        let index = TextIndex::open_existing(&text_index_dir(self.data_dir())).ok()??;
        let reader = index.reader().ok()??;
        (reader.stamp() == Some(stamp(version).as_str())).then_some(reader)
    }

    /// Whether `reader` still holds the store's text: a search checks it each time, so
    /// text another process changed since the Directory was loaded (a recompute running,
    /// or cut short) is matched by the store instead.
    pub(crate) fn text_is_current(&self, reader: &TextReader) -> bool {
        self.store.text_version().is_ok_and(|v| reader.stamp() == Some(stamp(v).as_str()))
    }

    /// Builds the index from the store's text when it does not hold it (a store from
    /// before the index, a recompute cut short or beside another process's); `true` when
    /// it built one that holds it. Reads only: the store is not written.
    pub(crate) fn build_text_index(&self) -> bool {
        if self.text_reader().is_some() || self.derived_stale_since().map_or(true, |s| s.is_some()) {
            return false;
        }
        let sync = self.text_sync(false);
        if sync.writer.is_none() || sync.mode != Mode::Rebuild {
            return false;
        }
        sync.finish(&*self.store);
        self.text_reader().is_some()
    }

    /// Starts keeping the index in step with a recompute of everything (`everything`) or
    /// of some channels. Any failure leaves the index as it was (its stamp then no longer
    /// matches) and is reported once.
    pub(crate) fn text_sync(&self, everything: bool) -> TextSync {
        let start = || -> Result<TextSync, AnyError> {
            let version = self.store.text_version()?;
            let index = TextIndex::open(&text_index_dir(self.data_dir()))?;
            let current = index.stamp()? == Some(stamp(version));
            let mut writer = index.writer(crate::cores::workers())?;
            let mode = if current {
                Mode::Incremental
            } else if everything {
                writer.clear()?;
                Mode::Everything
            } else {
                Mode::Rebuild
            };
            Ok(TextSync { writer: Some(writer), mode, version_before: version, versions: 0 })
        };
        start().unwrap_or_else(|e| {
            warn(&e);
            TextSync { writer: None, mode: Mode::Rebuild, version_before: 0, versions: 0 }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The index held the store's text: apply this recompute's changes.
    Incremental,
    /// The index was cleared: add every text this recompute makes.
    Everything,
    /// The index did not hold the store's text: rebuild it from the store at the end.
    Rebuild,
}

/// Keeps the full-text index in step with one recompute: [`TextSync::absorb`] each
/// piece's texts with what the store changed, then [`TextSync::finish`].
#[derive(Debug)]
pub(crate) struct TextSync {
    writer: Option<TextWriter>,
    mode: Mode,
    version_before: i64,
    /// How many times this recompute bumped the store's text version.
    versions: i64,
}

impl TextSync {
    /// `texts` are every text the recompute made for a piece of work, `changes` what
    /// writing them changed in the store.
    pub(crate) fn absorb(&mut self, texts: &[SearchText], changes: &TextChanges) {
        self.versions += changes.versions;
        let Some(w) = self.writer.as_mut() else { return };
        let result = match self.mode {
            Mode::Rebuild => Ok(()),
            Mode::Everything => texts.iter().try_for_each(|t| w.add(&doc(t))),
            Mode::Incremental => {
                for &id in &changes.removed {
                    w.remove(id);
                }
                let written: HashSet<i64> = changes.written.iter().copied().collect();
                texts.iter().filter(|t| written.contains(&t.channel_id)).try_for_each(|t| {
                    w.remove(t.channel_id);
                    w.add(&doc(t))
                })
            }
        };
        if let Err(e) = result {
            warn(&e);
            self.writer = None;
        }
    }

    /// Commits the index stamped with the store's text version; rebuilds it from the
    /// store's text first when it did not hold it, or when another process changed the
    /// text meanwhile.
    pub(crate) fn finish(mut self, store: &dyn TextSearch) {
        let Some(mut w) = self.writer.take() else { return };
        let result = (|| -> Result<(), AnyError> {
            let now = store.text_version()?;
            if self.mode != Mode::Rebuild && now == self.version_before + self.versions {
                w.commit(&stamp(now))?;
                return Ok(());
            }
            // What was added meanwhile may still be in the writer's memory, which a clear
            // alone would not drop: roll back to the last commit first.
            w.rollback()?;
            w.clear()?;
            let mut failed = None;
            let version = store.for_each_search_text(&mut |t| {
                if failed.is_none()
                    && let Err(e) = w.add(&doc(&t))
                {
                    failed = Some(e);
                }
            })?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            // Text that changed while it was read is not stamped: the next recompute
            // rebuilds it again.
            if let Some(version) = version {
                w.commit(&stamp(version))?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            warn(&*e);
        }
    }
}

#[cfg(test)]
mod tests;
