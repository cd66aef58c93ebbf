//! [`PostSearch`]: every post's searchable text, for a post index kept beside the store,
//! and the posts a search found; implemented here for SQLite's [`Store`].

use crate::{FoundPost, PostSet, PostText, Result, Store};

/// What a post index beside the store is built from, and what a post search shows.
///
/// Posts change only in import batches, and [`crate::ChannelStore::derived_writes`]
/// counts those: a copy of the posts' text made at a count holds what the store holds
/// while the count is the same. A post's row id never changes, and a new post's is above
/// every row id the table held before.
pub trait PostSearch {
    /// The text of the posts `which` (ids not in the store are skipped), ordered by row
    /// id, and the count of import batches it is as of; `None` when a batch was written
    /// while it was read.
    fn for_each_post_text(&self, which: PostSet<'_>, f: &mut dyn FnMut(PostText)) -> Result<Option<i64>>;

    /// The posts with these row ids, with their channel and current numbers, in the order
    /// given; an id not in the store is left out.
    fn found_posts(&self, ids: &[i64]) -> Result<Vec<FoundPost>>;
}

/// SQLite: each method is the inherent one of the same name.
impl PostSearch for Store {
    fn for_each_post_text(&self, which: PostSet<'_>, f: &mut dyn FnMut(PostText)) -> Result<Option<i64>> {
        Store::for_each_post_text(self, which, f)
    }

    fn found_posts(&self, ids: &[i64]) -> Result<Vec<FoundPost>> {
        Store::found_posts(self, ids)
    }
}
