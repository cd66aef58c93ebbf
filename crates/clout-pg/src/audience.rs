//! Follower samples and comments on PostgreSQL, and the comment rates of a platform's
//! channels that an audience-quality score compares with (inherent methods behind
//! `ChannelStore`, see `channel_api.rs`).

use std::collections::HashMap;

use clout_core::{Bucket, Platform};
use clout_store::decode::Cells;
use clout_store::{Channels, CommentRow, Result, SampleRow};

use crate::{PgRow, PgStore};

const SAMPLE_COLUMNS: &str = "username, followers, following, posts_count, has_profile_pic, is_private, bio_length";

/// A count as stored: a negative one reads as 0.
fn count(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

/// A follower sample whose columns start at `at` (in [`SAMPLE_COLUMNS`]' order).
fn sample_row(r: &PgRow<'_>, at: usize) -> Result<SampleRow> {
    Ok(SampleRow {
        username: r.text_req(at)?,
        followers: count(r.int(at + 1)?),
        following: count(r.int(at + 2)?),
        posts_count: count(r.int(at + 3)?),
        has_profile_pic: r.flag(at + 4)?,
        is_private: r.flag(at + 5)?,
        bio_length: count(r.int(at + 6)?),
    })
}

/// A comment `(post_id, author, text)` whose columns start at `at`.
fn comment_row(r: &PgRow<'_>, at: usize) -> Result<CommentRow> {
    Ok((r.text_req(at)?, r.text_req(at + 1)?, r.text(at + 2)?))
}

impl PgStore {
    pub(crate) fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        self.rows(
            &format!("SELECT {SAMPLE_COLUMNS} FROM follower_samples WHERE channel_id = $1 ORDER BY username"),
            &[&channel_id],
        )?
        .iter()
        .map(|r| sample_row(&PgRow(r), 0))
        .collect()
    }

    pub(crate) fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        let mut out: HashMap<i64, Vec<SampleRow>> = HashMap::new();
        self.stream(
            &format!("SELECT channel_id, {SAMPLE_COLUMNS} FROM follower_samples ORDER BY channel_id, username"),
            &[],
            &mut |r| {
                out.entry(r.int_req(0)?).or_default().push(sample_row(r, 1)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Streamed by channel id and grouped as the rows arrive (`f` runs while the query
    /// does, so it must not use this store).
    pub(crate) fn for_each_channel_samples(
        &self,
        which: Channels<'_>,
        f: &mut dyn FnMut(i64, &[SampleRow]),
    ) -> Result<()> {
        let range = format!(
            "SELECT channel_id, {SAMPLE_COLUMNS} FROM follower_samples
             WHERE channel_id > $1 AND channel_id <= $2 ORDER BY channel_id, username"
        );
        let ids = format!(
            "SELECT channel_id, {SAMPLE_COLUMNS} FROM follower_samples
             WHERE channel_id = ANY($1) ORDER BY channel_id, username"
        );
        self.each_group(which, &range, &ids, sample_row, f)
    }

    /// Rows of `(channel_id, ...)` by channel id, from `range` or `ids` (see
    /// [`PgStore::each_of`]), given to `f` one channel's at a time (`read` makes one from
    /// the columns after the id).
    fn each_group<T>(
        &self,
        which: Channels<'_>,
        range: &str,
        ids: &str,
        read: fn(&PgRow<'_>, usize) -> Result<T>,
        f: &mut dyn FnMut(i64, &[T]),
    ) -> Result<()> {
        let mut channel = None;
        let mut group: Vec<T> = Vec::new();
        self.each_of(which, range, ids, &mut |r| {
            let id = r.int_req(0)?;
            if channel != Some(id) {
                if let Some(done) = channel {
                    f(done, &group);
                }
                group.clear();
                channel = Some(id);
            }
            group.push(read(r, 1)?);
            Ok(())
        })?;
        if let Some(done) = channel {
            f(done, &group);
        }
        Ok(())
    }

    pub(crate) fn has_follower_samples(&self) -> Result<bool> {
        Ok(self.int("SELECT count(*) FROM (SELECT 1 FROM follower_samples LIMIT 1) s", &[])? > 0)
    }

    pub(crate) fn follower_sample_count(&self) -> Result<u64> {
        Ok(self.int("SELECT count(*) FROM follower_samples", &[])?.max(0) as u64)
    }

    pub(crate) fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        self.rows(
            "SELECT post_id, author, text FROM comments WHERE channel_id = $1 ORDER BY comment_id",
            &[&channel_id],
        )?
        .iter()
        .map(|r| comment_row(&PgRow(r), 0))
        .collect()
    }

    pub(crate) fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        let mut out: HashMap<i64, Vec<CommentRow>> = HashMap::new();
        self.stream(
            "SELECT channel_id, post_id, author, text FROM comments ORDER BY channel_id, comment_id",
            &[],
            &mut |r| {
                out.entry(r.int_req(0)?).or_default().push(comment_row(r, 1)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Streamed by channel id and grouped as the rows arrive: one channel's comments in
    /// memory at a time (`f` runs while the query does, so it must not use this store).
    pub(crate) fn for_each_channel_comments(
        &self,
        which: Channels<'_>,
        f: &mut dyn FnMut(i64, &[CommentRow]),
    ) -> Result<()> {
        self.each_group(
            which,
            "SELECT channel_id, post_id, author, text FROM comments
             WHERE channel_id > $1 AND channel_id <= $2 ORDER BY channel_id, comment_id",
            "SELECT channel_id, post_id, author, text FROM comments
             WHERE channel_id = ANY($1) ORDER BY channel_id, comment_id",
            comment_row,
            f,
        )
    }

    pub(crate) fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<Bucket>, f64)>> {
        self.rows(
            "SELECT m.benchmark_bucket, m.comments_per_100_likes
             FROM channel_metrics m JOIN channels c ON c.id = m.channel_id
             WHERE c.platform = $1 AND m.comments_per_100_likes IS NOT NULL",
            &[&platform.as_str()],
        )?
        .iter()
        .map(|r| {
            let r = PgRow(r);
            let rate =
                r.real(1)?.ok_or_else(|| clout_store::Error::Corrupt("comments per 100 likes is null".into()))?;
            Ok((r.text(0)?.as_deref().and_then(Bucket::parse), rate))
        })
        .collect()
    }
}
