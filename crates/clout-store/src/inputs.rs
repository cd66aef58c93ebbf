//! What a recompute reads of each channel, in one pass: the profile, every post's current
//! observation (with its caption and hashtags), and the follower history. One scan feeds
//! the metrics, the audience-quality score's growth check, the niche labels and the
//! searchable text, by ranges of channel ids, so that several connections can read
//! several ranges at once.

use clout_core::{Platform, PostSnapshot, Timestamp};
use rusqlite::Row;

use crate::columns::{platform_col, u64_col};
use crate::{Result, Store};

/// One post as a scan reads it.
struct InputPost {
    snapshot: PostSnapshot,
    caption: Option<String>,
    hashtags: Option<String>,
}

/// Which channels a scan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels<'a> {
    /// The channels with ids in `(after, up_to]`.
    Range(i64, i64),
    /// These channels (ascending ids); an unknown id is skipped.
    Ids(&'a [i64]),
}

/// Everything a recompute needs of one channel.
#[derive(Debug)]
pub struct ChannelInput<'a> {
    pub channel_id: i64,
    pub platform: Platform,
    /// `None` before a `channel` record.
    pub followers: Option<u64>,
    pub as_of: Option<Timestamp>,
    pub handle: &'a str,
    pub name: Option<&'a str>,
    pub bio: Option<&'a str>,
    pub category: Option<&'a str>,
    /// Every post's current observation, newest published first (equal times by post
    /// id, descending).
    pub posts: &'a [PostSnapshot],
    /// Each post's `(caption, hashtags)` (hashtags without `#`, space-separated), in the
    /// order of `posts`.
    pub texts: &'a [(Option<String>, Option<String>)],
    /// The follower history, oldest first.
    pub history: &'a [(Timestamp, u64)],
}

type ChannelHead = (i64, Platform, Option<u64>, Option<i64>, String, Option<String>, Option<String>, Option<String>);

fn read_head(r: &Row<'_>) -> Result<ChannelHead> {
    Ok((
        r.get(0)?,
        platform_col(&r.get::<_, String>(1)?)?,
        u64_col(r.get(2)?),
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn read_post(r: &Row<'_>, at: usize) -> Result<InputPost> {
    Ok(InputPost {
        snapshot: PostSnapshot {
            post_id: r.get(at)?,
            published_at: Timestamp::from_unix(r.get(at + 1)?),
            likes: u64_col(r.get(at + 2)?),
            comments: u64_col(r.get(at + 3)?),
            shares: u64_col(r.get(at + 4)?),
            views: u64_col(r.get(at + 5)?),
        },
        caption: r.get(at + 6)?,
        hashtags: r.get(at + 7)?,
    })
}

const HEAD: &str = "SELECT id, platform, followers, as_of, handle, name, bio, category FROM channels";
const POST: &str = "post_id, published_at, likes, comments, shares, views, caption, hashtags";
/// The same columns without the text: NULL costs nothing to read.
const POST_NUMBERS: &str = "post_id, published_at, likes, comments, shares, views, NULL, NULL";

impl Store {
    /// The lowest and highest channel id, or `None` without channels.
    pub(crate) fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>> {
        let (low, high): (Option<i64>, Option<i64>) =
            self.conn.query_row("SELECT min(id), max(id) FROM channels", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(low.zip(high))
    }

    /// Calls `f` once per channel of `which`, by ascending id; without `captions`, every
    /// post's caption and hashtags read as `None`.
    pub(crate) fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: bool,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        let post = if captions { POST } else { POST_NUMBERS };
        match which {
            Channels::Range(after, up_to) => self.inputs_in_range(after, up_to, post, f),
            Channels::Ids(ids) => self.inputs_of(ids, post, f),
        }
    }

    fn inputs_in_range(&self, after: i64, up_to: i64, post: &str, f: &mut dyn FnMut(ChannelInput<'_>)) -> Result<()> {
        let mut heads = self.conn.prepare(&format!("{HEAD} WHERE id > ?1 AND id <= ?2 ORDER BY id"))?;
        let mut head_rows = heads.query([after, up_to])?;
        // The unique (channel_id, post_id) index gives channel order without a sort.
        let mut posts = self.conn.prepare(&format!(
            "SELECT channel_id, {post} FROM posts WHERE channel_id > ?1 AND channel_id <= ?2 ORDER BY channel_id"
        ))?;
        let mut post_rows = posts.query([after, up_to])?;
        let mut points = self.conn.prepare(
            "SELECT channel_id, observed_at, followers FROM follower_observations
             WHERE channel_id > ?1 AND channel_id <= ?2 ORDER BY channel_id, observed_at",
        )?;
        let mut point_rows = points.query([after, up_to])?;

        // A merge join over three streams sorted by channel id.
        let mut next_post: Option<(i64, InputPost)> = match post_rows.next()? {
            Some(r) => Some((r.get(0)?, read_post(r, 1)?)),
            None => None,
        };
        let mut next_point: Option<(i64, (Timestamp, u64))> = match point_rows.next()? {
            Some(r) => Some((r.get(0)?, point(r, 1)?)),
            None => None,
        };
        let mut b = Buffers::default();
        while let Some(r) = head_rows.next()? {
            let head = read_head(r)?;
            let id = head.0;
            b.read.clear();
            b.history.clear();
            while let Some((cid, _)) = &next_post {
                if *cid > id {
                    break;
                }
                if let Some((cid, post)) = next_post.take()
                    && cid == id
                {
                    b.read.push(post);
                }
                next_post = match post_rows.next()? {
                    Some(r) => Some((r.get(0)?, read_post(r, 1)?)),
                    None => None,
                };
            }
            while let Some((cid, _)) = &next_point {
                if *cid > id {
                    break;
                }
                if let Some((cid, p)) = next_point.take()
                    && cid == id
                {
                    b.history.push(p);
                }
                next_point = match point_rows.next()? {
                    Some(r) => Some((r.get(0)?, point(r, 1)?)),
                    None => None,
                };
            }
            call(f, &head, &mut b);
        }
        Ok(())
    }

    fn inputs_of(&self, ids: &[i64], post: &str, f: &mut dyn FnMut(ChannelInput<'_>)) -> Result<()> {
        let mut head = self.conn.prepare_cached(&format!("{HEAD} WHERE id = ?1"))?;
        let mut posts = self.conn.prepare_cached(&format!("SELECT {post} FROM posts WHERE channel_id = ?1"))?;
        let mut points = self.conn.prepare_cached(
            "SELECT observed_at, followers FROM follower_observations WHERE channel_id = ?1 ORDER BY observed_at",
        )?;
        let mut b = Buffers::default();
        for &id in ids {
            let mut rows = head.query([id])?;
            let Some(r) = rows.next()? else { continue };
            let channel = read_head(r)?;
            drop(rows);
            b.read.clear();
            let mut rows = posts.query([id])?;
            while let Some(r) = rows.next()? {
                b.read.push(read_post(r, 0)?);
            }
            b.history.clear();
            let mut rows = points.query([id])?;
            while let Some(r) = rows.next()? {
                b.history.push(point(r, 0)?);
            }
            call(f, &channel, &mut b);
        }
        Ok(())
    }
}

fn point(r: &Row<'_>, at: usize) -> Result<(Timestamp, u64)> {
    Ok((Timestamp::from_unix(r.get(at)?), r.get::<_, i64>(at + 1)?.max(0) as u64))
}

/// Buffers reused from one channel to the next.
#[derive(Default)]
struct Buffers {
    read: Vec<InputPost>,
    posts: Vec<PostSnapshot>,
    texts: Vec<(Option<String>, Option<String>)>,
    history: Vec<(Timestamp, u64)>,
}

fn call(f: &mut dyn FnMut(ChannelInput<'_>), head: &ChannelHead, b: &mut Buffers) {
    b.read.sort_by(|x, y| {
        y.snapshot.published_at.cmp(&x.snapshot.published_at).then_with(|| y.snapshot.post_id.cmp(&x.snapshot.post_id))
    });
    b.posts.clear();
    b.texts.clear();
    for p in b.read.drain(..) {
        b.posts.push(p.snapshot);
        b.texts.push((p.caption, p.hashtags));
    }
    let (channel_id, platform, followers, as_of, handle, name, bio, category) = head;
    f(ChannelInput {
        channel_id: *channel_id,
        platform: *platform,
        followers: *followers,
        as_of: as_of.map(Timestamp::from_unix),
        handle,
        name: name.as_deref(),
        bio: bio.as_deref(),
        category: category.as_deref(),
        posts: &b.posts,
        texts: &b.texts,
        history: &b.history,
    });
}
