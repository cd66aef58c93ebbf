//! The post index beside the store, `DATA/post-index/` (tantivy): every post's caption,
//! hashtags and mentions, for post searches, brand reports and the Directory's "posted
//! about" filter.
//!
//! Posts change only in import batches, which the store counts (`derived_writes`). Each
//! commit of the index is stamped with the count it holds and the highest post row id in
//! it, so it is current exactly while the store's count is the same. An import brings it in
//! step at its end, with the derived numbers: when the index held the store's posts as the
//! import started and no other process wrote meanwhile, only the posts the import inserted
//! or changed are read again (a post above the stamp's highest row id is new and only
//! added; one below is removed first, as its text may have changed); otherwise, or when
//! the import wrote more than [`MAX_INCREMENTAL_POSTS`] posts, it is rebuilt from every post. While it
//! lags (an import running, or one cut short), searches read what it holds and say so; it
//! is never the only copy of anything: backups leave it out and a restore removes it.

use std::path::{Path, PathBuf};

use clout_index::posts::{PostDoc, PostIndex, PostReader, PostWriter};
use clout_store::{PostSearch, PostSet, PostText};

use crate::App;

/// The index's directory in the data directory.
pub(crate) const POST_INDEX_DIR: &str = "post-index";

/// Bumped when the index's analysis or fields change, so an old index is not read.
const FORMAT: u32 = 6;

/// An import writing more posts than this rebuilds the index instead of updating it (a
/// rebuild reads every post once; an update reads each named post by its id).
pub(crate) const MAX_INCREMENTAL_POSTS: u64 = 5_000_000;

type AnyError = Box<dyn std::error::Error + Send + Sync>;

/// What a commit holds: the store's posts after `writes` import batches, whose highest
/// row id is `last_post`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Held {
    writes: i64,
    last_post: i64,
}

fn stamp(held: Held) -> String {
    format!("clout post index {FORMAT}, store writes {}, posts to {}", held.writes, held.last_post)
}

/// What an index's stamp says it holds, when it is one of this version's.
fn held_by(stamp: Option<&str>) -> Option<Held> {
    let rest = stamp?.strip_prefix(&format!("clout post index {FORMAT}, store writes "))?;
    let (writes, last_post) = rest.split_once(", posts to ")?;
    Some(Held { writes: writes.parse().ok()?, last_post: last_post.parse().ok()? })
}

pub(crate) fn post_index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(POST_INDEX_DIR)
}

/// Removes the index (a restore).
pub(crate) fn remove_post_index(data_dir: &Path) {
    std::fs::remove_dir_all(post_index_dir(data_dir)).ok();
}

/// A post format as the index keeps it: 0 when unknown, else 1 + its place in
/// [`clout_core::PostType::ALL`].
pub fn post_kind(post_type: Option<clout_core::PostType>) -> u8 {
    post_type.and_then(|t| clout_core::PostType::ALL.iter().position(|&a| a == t)).map_or(0, |i| i as u8 + 1)
}

fn doc(p: &PostText) -> PostDoc<'_> {
    PostDoc {
        post_id: p.post_id,
        channel_id: p.channel_id,
        platform: p.platform.code(),
        published_at: p.published_at,
        sponsored: p.sponsored,
        engagements: clout_core::engagement::engagements(p.likes, p.comments, p.shares),
        kind: post_kind(p.post_type),
        caption: &p.caption,
        hashtags: &p.hashtags,
        mentions: &p.mentions,
    }
}

fn warn(e: &dyn std::fmt::Display) {
    eprintln!("clout: the post index was not updated ({e}); post searches read what it held before");
}

/// A reader of the post index and whether it holds the store's posts now.
#[derive(Debug)]
pub(crate) struct Posts {
    pub(crate) reader: PostReader,
    pub(crate) current: bool,
}

impl App {
    /// A reader of the post index when there is one of this version, with whether it
    /// holds the store's posts now. Never creates or changes the index.
    pub(crate) fn post_reader(&self) -> Option<Posts> {
        let index = PostIndex::open_existing(&post_index_dir(self.data_dir())).ok()??;
        let reader = index.reader().ok()??;
        let held = held_by(reader.stamp())?;
        let current = self.store.derived_writes().is_ok_and(|w| w == held.writes);
        Some(Posts { reader, current })
    }

    /// Brings the index in step after a run's batches: `touched` is the posts the run
    /// wrote (row ids, ascending) with the count of batches the store holds with them;
    /// they alone are read again when the index held the store's posts after
    /// `writes_at_start` batches and the store still holds `expected` (no other process
    /// wrote: the caller passes `None` when one did, or when the run wrote too many);
    /// otherwise, unless it holds the store's posts already, it is rebuilt from every
    /// post. A failure leaves it as it was and is reported once.
    pub(crate) fn sync_post_index(&self, touched: Option<(&[i64], i64)>, writes_at_start: i64) {
        sync_post_index(&*self.store, self.data_dir(), touched, writes_at_start);
    }

    /// Builds the index from every post when it does not hold the store's posts and no
    /// import is running; `true` when it built one that does. Reads only the store.
    pub(crate) fn build_post_index(&self) -> Result<bool, AnyError> {
        if self.post_reader().is_some_and(|p| p.current) || self.store.derived_stale_since()?.is_some() {
            return Ok(false);
        }
        let index = PostIndex::open(&post_index_dir(self.data_dir()))?;
        rebuild(&*self.store, index.writer(crate::cores::workers())?)?;
        Ok(self.post_reader().is_some_and(|p| p.current))
    }
}

/// [`App::sync_post_index`] on `store` (any connection to the data directory's store), so
/// that it can run on a thread of its own beside a recompute.
pub(crate) fn sync_post_index(
    store: &dyn clout_store::Backend,
    data_dir: &Path,
    touched: Option<(&[i64], i64)>,
    writes_at_start: i64,
) {
    if let Err(e) = try_sync_post_index(store, data_dir, touched, writes_at_start) {
        warn(&*e);
    }
}

fn try_sync_post_index(
    store: &dyn clout_store::Backend,
    data_dir: &Path,
    touched: Option<(&[i64], i64)>,
    writes_at_start: i64,
) -> Result<(), AnyError> {
    let index = PostIndex::open(&post_index_dir(data_dir))?;
    let current = |held: Option<Held>| held.is_some_and(|h| store.derived_writes().is_ok_and(|now| now == h.writes));
    if current(held_by(index.stamp()?.as_deref())) {
        return Ok(());
    }
    let mut writer = index.writer(crate::cores::workers())?;
    // Read again under the writer's lock: another process may have committed meanwhile.
    let held = held_by(index.stamp()?.as_deref());
    if current(held) {
        return Ok(());
    }
    // Only the run's own posts are read again when the index held everything before the
    // run and the store holds exactly the run's batches on top (`expected`), both before
    // and after they are read: a batch of another process in between would be missed.
    if let (Some((ids, expected)), Some(held)) = (touched, held)
        && held.writes == writes_at_start
        && store.derived_writes()? == expected
    {
        // A post above the highest row id held is new: nothing to remove.
        for &id in ids.iter().take_while(|&&id| id <= held.last_post) {
            writer.remove_post(id);
        }
        if add_posts(store, &mut writer, PostSet::Rows(ids))? == Some(expected) {
            let last_post = ids.last().copied().unwrap_or(0).max(held.last_post);
            writer.commit(&stamp(Held { writes: expected, last_post }))?;
            return Ok(());
        }
        writer.rollback()?;
    }
    rebuild(store, writer)
}

/// Adds the posts `which`: the count of batches they are as of, or `None` when a batch was
/// written while they were read.
fn add_posts(store: &dyn PostSearch, writer: &mut PostWriter, which: PostSet<'_>) -> Result<Option<i64>, AnyError> {
    let mut failed = None;
    let writes = store.for_each_post_text(which, &mut |p| {
        if failed.is_none()
            && let Err(e) = writer.add(&doc(&p))
        {
            failed = Some(e);
        }
    })?;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(writes),
    }
}

/// Replaces everything with every post; commits only what is one state of the store.
fn rebuild(store: &dyn PostSearch, mut writer: PostWriter) -> Result<(), AnyError> {
    writer.clear()?;
    let mut last_post = 0;
    let mut failed = None;
    let writes = store.for_each_post_text(PostSet::All, &mut |p| {
        last_post = last_post.max(p.post_id);
        if failed.is_none()
            && let Err(e) = writer.add(&doc(&p))
        {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    match writes {
        Some(writes) => writer.commit(&stamp(Held { writes, last_post }))?,
        None => {
            writer.rollback()?;
            return Err("posts were imported while the index was built; the next import's end builds it again".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
