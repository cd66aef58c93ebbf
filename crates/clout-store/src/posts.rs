//! Posts for the post index and for a post search's page: every post's searchable text
//! (streamed, with the count of import batches it is as of), and the found posts read
//! back by row id with their channel and current numbers.

use clout_core::engagement::PostSnapshot;
use clout_core::{Platform, Timestamp};

use crate::channels::PostRow;
use crate::columns::{Cells, SqliteRow, collect, platform_col, u32_col, u64_col};
use crate::{Result, Store};

/// One post's searchable text and what a post search filters on.
#[derive(Debug, Clone, PartialEq)]
pub struct PostText {
    /// The post's row id (the store's, not the platform's).
    pub post_id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub published_at: i64,
    pub sponsored: bool,
    /// The current observation's counts (`None`: hidden by the platform).
    pub likes: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub caption: String,
    /// Hashtags without `#`, space-separated.
    pub hashtags: String,
    /// Mentioned accounts without `@`, as imported (spaces or commas between them).
    pub mentions: String,
    /// The post's format, when its source said.
    pub post_type: Option<clout_core::PostType>,
}

/// A post a search found, with its channel.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPost {
    /// The post's row id.
    pub post_id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub handle: String,
    pub name: Option<String>,
    /// The channel's followers now.
    pub followers: Option<u64>,
    pub post: PostRow,
}

/// A post's text columns for [`post_text_row`], from
/// `posts p JOIN channels c ON c.id = p.channel_id`.
pub const POST_TEXT_COLUMNS: &str = "p.id, p.channel_id, c.platform, p.published_at, p.sponsored, p.caption,
    p.hashtags, p.mentions, p.likes, p.comments, p.shares, p.type";

/// A post's text of [`POST_TEXT_COLUMNS`].
pub fn post_text_row<R: Cells + ?Sized>(r: &R) -> Result<PostText> {
    let text = |i: usize| -> Result<String> { Ok(r.text(i)?.unwrap_or_default()) };
    Ok(PostText {
        post_id: r.int_req(0)?,
        channel_id: r.int_req(1)?,
        platform: platform_col(&r.text_req(2)?)?,
        published_at: r.int_req(3)?,
        sponsored: r.flag(4)?.unwrap_or(false),
        caption: text(5)?,
        hashtags: text(6)?,
        mentions: text(7)?,
        likes: u64_col(r.int(8)?),
        comments: u64_col(r.int(9)?),
        shares: u64_col(r.int(10)?),
        post_type: r.text(11)?.as_deref().and_then(clout_core::PostType::parse),
    })
}

/// A found post's columns for [`found_post_row`] (the 15th counts its observations),
/// from `posts p JOIN channels c ON c.id = p.channel_id JOIN sources s ON s.id = p.source_id`.
pub const FOUND_POST_COLUMNS: &str = "p.id, p.channel_id, c.platform, c.handle, c.name, c.followers,
    p.post_id, p.published_at, p.likes, p.comments, p.shares, p.views, p.saves, p.observed_at";

/// The columns after [`FOUND_POST_COLUMNS`]'s and the count of observations.
pub const FOUND_POST_TAIL: &str = "p.type, p.caption, p.hashtags, p.url, p.sponsored, s.path, p.mentions";

/// A found post of [`FOUND_POST_COLUMNS`], its count of observations, then [`FOUND_POST_TAIL`].
pub fn found_post_row<R: Cells + ?Sized>(r: &R) -> Result<FoundPost> {
    let list = |i: usize| -> Result<Vec<String>> {
        Ok(r.text(i)?
            .map(|h| h.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default())
    };
    let post = PostRow {
        snapshot: PostSnapshot {
            post_id: r.text_req(6)?,
            published_at: Timestamp::from_unix(r.int_req(7)?),
            likes: u64_col(r.int(8)?),
            comments: u64_col(r.int(9)?),
            shares: u64_col(r.int(10)?),
            views: u64_col(r.int(11)?),
        },
        saves: u64_col(r.int(12)?),
        observed_at: Timestamp::from_unix(r.int_req(13)?),
        observations: u32_col(r.int_req(14)?)?,
        post_type: r.text(15)?,
        caption: r.text(16)?,
        hashtags: list(17)?,
        mentions: list(21)?,
        url: r.text(18)?,
        sponsored: r.flag(19)?,
        source: r.text_req(20)?,
    };
    Ok(FoundPost {
        post_id: r.int_req(0)?,
        channel_id: r.int_req(1)?,
        platform: platform_col(&r.text_req(2)?)?,
        handle: r.text_req(3)?,
        name: r.text(4)?,
        followers: u64_col(r.int(5)?),
        post,
    })
}

/// Ids are read this many at a time (SQLite allows 32,766 parameters).
const IDS_PER_STATEMENT: usize = 500;

/// Which posts to read.
#[derive(Debug, Clone, Copy)]
pub enum PostSet<'a> {
    /// Every post, by row id.
    All,
    /// The posts with these row ids (ascending), by row id.
    Rows(&'a [i64]),
    /// The posts of these channels (ascending ids), by channel and row id.
    Channels(&'a [i64]),
    /// The posts of the channels with ids in `(after, up_to]`, by channel and row id.
    ChannelRange(i64, i64),
}

impl Store {
    /// The text of the posts `which`, by row id, with the count of import batches it is
    /// as of: `None` when a batch was written while it was read, so a copy made from it may
    /// mix two states.
    pub(crate) fn for_each_post_text(&self, which: PostSet<'_>, f: &mut dyn FnMut(PostText)) -> Result<Option<i64>> {
        let before = self.derived_writes()?;
        let select = format!("SELECT {POST_TEXT_COLUMNS} FROM posts p JOIN channels c ON c.id = p.channel_id");
        let mut read = |r: &rusqlite::Row<'_>| -> Result<()> {
            f(post_text_row(&SqliteRow(r))?);
            Ok(())
        };
        match which {
            PostSet::All => {
                let mut stmt = self.conn.prepare(&format!("{select} ORDER BY p.id"))?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    read(r)?;
                }
            }
            PostSet::Rows(ids) => {
                for chunk in ids.chunks(IDS_PER_STATEMENT) {
                    let marks = vec!["?"; chunk.len()].join(", ");
                    let mut stmt =
                        self.conn.prepare_cached(&format!("{select} WHERE p.id IN ({marks}) ORDER BY p.id"))?;
                    let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
                    while let Some(r) = rows.next()? {
                        read(r)?;
                    }
                }
            }
            PostSet::ChannelRange(after, up_to) => {
                let mut stmt = self.conn.prepare_cached(&format!(
                    "{select} WHERE p.channel_id > ?1 AND p.channel_id <= ?2 ORDER BY p.channel_id, p.id"
                ))?;
                let mut rows = stmt.query([after, up_to])?;
                while let Some(r) = rows.next()? {
                    read(r)?;
                }
            }
            PostSet::Channels(ids) => {
                let mut stmt = self.conn.prepare_cached(&format!("{select} WHERE p.channel_id = ?1 ORDER BY p.id"))?;
                for id in ids {
                    let mut rows = stmt.query([id])?;
                    while let Some(r) = rows.next()? {
                        read(r)?;
                    }
                }
            }
        }
        let after = self.derived_writes()?;
        Ok((before == after).then_some(after))
    }

    /// The posts with these row ids, in the order given (ids not in the store are left out).
    pub(crate) fn found_posts(&self, ids: &[i64]) -> Result<Vec<FoundPost>> {
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {FOUND_POST_COLUMNS}, 1 + (SELECT count(*) FROM post_observations o WHERE o.post_ref = p.id),
                    {FOUND_POST_TAIL}
                 FROM posts p JOIN channels c ON c.id = p.channel_id JOIN sources s ON s.id = p.source_id
                 WHERE p.id IN ({marks})"
            ))?;
            for row in collect(stmt.query(rusqlite::params_from_iter(chunk))?, |r| found_post_row(r))? {
                found.insert(row.post_id, row);
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
