//! A channel's audience as imported: follower samples and comments, and the comment
//! rates of a platform's channels that an audience-quality score compares with.

use std::collections::HashMap;

use clout_core::Platform;

use crate::columns::u64_col;
use crate::{Channels, Result, Store};

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

/// A follower sample whose columns start at `at`.
fn sample_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SampleRow> {
    Ok(SampleRow {
        username: r.get(at)?,
        followers: u64_col(r.get(at + 1)?),
        following: u64_col(r.get(at + 2)?),
        posts_count: u64_col(r.get(at + 3)?),
        has_profile_pic: r.get(at + 4)?,
        is_private: r.get(at + 5)?,
        bio_length: u64_col(r.get(at + 6)?),
    })
}

/// Reads rows of `(channel_id, ...)` ordered by channel id from `stmt` with `params` and
/// calls `f` once per channel with its rows (`read` makes one from the columns after the
/// id); `group` is reused across calls.
fn for_each_group<T>(
    stmt: &mut rusqlite::CachedStatement<'_>,
    params: &[&dyn rusqlite::ToSql],
    group: &mut Vec<T>,
    read: fn(&rusqlite::Row<'_>, usize) -> rusqlite::Result<T>,
    f: &mut dyn FnMut(i64, &[T]),
) -> Result<()> {
    let mut rows = stmt.query(params)?;
    let mut channel = None;
    group.clear();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if channel != Some(id) {
            if let Some(done) = channel {
                f(done, group);
            }
            group.clear();
            channel = Some(id);
        }
        group.push(read(r, 1)?);
    }
    if let Some(done) = channel {
        f(done, group);
    }
    Ok(())
}

fn comment_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<CommentRow> {
    Ok((r.get(at)?, r.get(at + 1)?, r.get(at + 2)?))
}

/// Runs `range` (parameters `after`, `up_to`) or, for each id, `one` (parameter the id)
/// through [`for_each_group`].
fn for_each_group_of<T>(
    conn: &rusqlite::Connection,
    which: Channels<'_>,
    range: &str,
    one: &str,
    read: fn(&rusqlite::Row<'_>, usize) -> rusqlite::Result<T>,
    f: &mut dyn FnMut(i64, &[T]),
) -> Result<()> {
    let mut group = Vec::new();
    match which {
        Channels::Range(after, up_to) => {
            for_each_group(&mut conn.prepare_cached(range)?, &[&after, &up_to], &mut group, read, f)
        }
        Channels::Ids(ids) => {
            let mut stmt = conn.prepare_cached(one)?;
            for id in ids {
                for_each_group(&mut stmt, &[id], &mut group, read, f)?;
            }
            Ok(())
        }
    }
}

impl Store {
    /// The follower samples of one channel: `(username, followers, following, posts,
    /// profile picture, private, bio length)`.
    pub(crate) fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples WHERE channel_id = ?1 ORDER BY username",
        )?;
        let rows = stmt.query_map([channel_id], |r| sample_row(r, 0))?;
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
            out.entry(r.get(0)?).or_default().push(sample_row(r, 1)?);
        }
        Ok(out)
    }

    /// Calls `f` once per channel of `which` with follower samples, by ascending id, with
    /// its samples in username order: one channel's samples in memory at a time.
    pub(crate) fn for_each_channel_samples(
        &self,
        which: Channels<'_>,
        f: &mut dyn FnMut(i64, &[SampleRow]),
    ) -> Result<()> {
        for_each_group_of(
            &self.conn,
            which,
            "SELECT channel_id, username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples WHERE channel_id > ?1 AND channel_id <= ?2 ORDER BY channel_id, username",
            "SELECT channel_id, username, followers, following, posts_count, has_profile_pic, is_private, bio_length
             FROM follower_samples WHERE channel_id = ?1 ORDER BY username",
            sample_row,
            f,
        )
    }

    /// How many follower samples the store holds.
    pub(crate) fn follower_sample_count(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM follower_samples", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Whether the store holds a follower sample (without counting them all).
    pub(crate) fn has_follower_samples(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM follower_samples)", [], |r| r.get(0))?)
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

    /// Calls `f` once per channel of `which` with comments, by ascending id, with its
    /// comments in comment-id order: one channel's comments in memory at a time.
    pub(crate) fn for_each_channel_comments(
        &self,
        which: Channels<'_>,
        f: &mut dyn FnMut(i64, &[CommentRow]),
    ) -> Result<()> {
        for_each_group_of(
            &self.conn,
            which,
            "SELECT channel_id, post_id, author, text FROM comments
             WHERE channel_id > ?1 AND channel_id <= ?2 ORDER BY channel_id, comment_id",
            "SELECT channel_id, post_id, author, text FROM comments WHERE channel_id = ?1 ORDER BY comment_id",
            comment_row,
            f,
        )
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
