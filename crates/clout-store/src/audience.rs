//! A channel's audience as imported: follower samples and comments, and the comment
//! rates of a platform's channels that an audience-quality score compares with.

use std::collections::HashMap;

use clout_core::Platform;

use crate::columns::u64_col;
use crate::{Result, Store};

/// A stored comment: `(post_id, author, text)`.
pub type CommentRow = (String, String, Option<String>);

/// One stored follower sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRow {
    pub username: String,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts_count: Option<u64>,
    pub has_profile_pic: Option<bool>,
    pub is_private: Option<bool>,
    pub bio_length: Option<u64>,
}

impl Store {
    /// The follower samples of one channel: `(username, followers, following, posts,
    /// profile picture, private, bio length)`.
    pub(crate) fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples WHERE channel_id = ?1 ORDER BY username",
        )?;
        let rows = stmt.query_map([channel_id], |r| {
            Ok(SampleRow {
                username: r.get(0)?,
                followers: u64_col(r.get(1)?),
                following: u64_col(r.get(2)?),
                posts_count: u64_col(r.get(3)?),
                has_profile_pic: r.get(4)?,
                is_private: r.get(5)?,
                bio_length: u64_col(r.get(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every channel's follower samples, by channel id.
    pub(crate) fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        let mut stmt = self.conn.prepare(
            "SELECT channel_id, username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples ORDER BY channel_id, username",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<i64, Vec<SampleRow>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(SampleRow {
                username: r.get(1)?,
                followers: u64_col(r.get(2)?),
                following: u64_col(r.get(3)?),
                posts_count: u64_col(r.get(4)?),
                has_profile_pic: r.get(5)?,
                is_private: r.get(6)?,
                bio_length: u64_col(r.get(7)?),
            });
        }
        Ok(out)
    }

    /// How many follower samples the store holds.
    pub(crate) fn follower_sample_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM follower_samples", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The comments on one channel's posts, as `(post_id, author, text)`, in comment-id order
    /// (the order [`Store::comments_by_channel`] gives them).
    pub(crate) fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT post_id, author, text FROM comments WHERE channel_id = ?1 ORDER BY comment_id")?;
        let rows = stmt.query_map([channel_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every channel's comments as `(post_id, author, text)`, by channel id.
    pub(crate) fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT channel_id, post_id, author, text FROM comments ORDER BY channel_id, comment_id")?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<i64, Vec<CommentRow>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?, r.get(3)?));
        }
        Ok(out)
    }

    /// Calls `f` once per channel with comments, by ascending id, with its comments in
    /// comment-id order: one channel's comments in memory at a time.
    pub(crate) fn for_each_channel_comments(&self, f: &mut dyn FnMut(i64, &[CommentRow])) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT channel_id, post_id, author, text FROM comments ORDER BY channel_id, comment_id")?;
        let mut rows = stmt.query([])?;
        let mut channel = None;
        let mut comments: Vec<CommentRow> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if channel != Some(id) {
                if let Some(done) = channel {
                    f(done, &comments);
                }
                comments.clear();
                channel = Some(id);
            }
            comments.push((r.get(1)?, r.get(2)?, r.get(3)?));
        }
        if let Some(done) = channel {
            f(done, &comments);
        }
        Ok(())
    }

    /// Every channel of a platform with comments per 100 likes: its bucket and that rate
    /// (what the audience-quality score compares a channel with).
    pub(crate) fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<clout_core::Bucket>, f64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.benchmark_bucket, m.comments_per_100_likes FROM channel_metrics m JOIN channels c ON c.id = m.channel_id
             WHERE c.platform = ?1 AND m.comments_per_100_likes IS NOT NULL",
        )?;
        let rows = stmt
            .query_map([platform.as_str()], |r| {
                let bucket: Option<String> = r.get(0)?;
                Ok((bucket.as_deref().and_then(clout_core::Bucket::parse), r.get::<_, f64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
