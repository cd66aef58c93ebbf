//! What a recompute reads of each channel, in one pass: the profile, every post's current
//! observation (with its caption and hashtags), and the follower history. One scan feeds
//! the metrics, the audience-quality score's growth check, the niche labels and the
//! searchable text, by ranges of channel ids, so that several connections can read
//! several ranges at once.

use clout_core::{Platform, PostSnapshot, Timestamp};
use rusqlite::Row;
use rusqlite::types::ValueRef;

use crate::columns::{platform_col, u64_col};
use crate::{Error, Result, Store};

/// Where a text is in the arena: `start..end`.
type Span = (usize, usize);

/// One post as a scan reads it: its caption and hashtags are spans of the scan's byte
/// arena (a million channels have fifty million captions: one copy each, no allocation).
struct InputPost {
    snapshot: PostSnapshot,
    caption: Option<Span>,
    hashtags: Option<Span>,
}

impl InputPost {
    /// Where its text starts in the arena (its end, without text).
    fn text_start(&self, end: usize) -> usize {
        [self.caption, self.hashtags].into_iter().flatten().map(|(start, _)| start).min().unwrap_or(end)
    }

    fn shift(&mut self, by: usize) {
        for span in [&mut self.caption, &mut self.hashtags].into_iter().flatten() {
            *span = (span.0 - by, span.1 - by);
        }
    }
}

/// A text column appended to `arena`, as its span.
fn text_span(r: &Row<'_>, at: usize, arena: &mut Vec<u8>) -> Result<Option<Span>> {
    match r.get_ref(at)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => {
            let start = arena.len();
            arena.extend_from_slice(bytes);
            Ok(Some((start, arena.len())))
        }
        other => Err(Error::Corrupt(format!("a post's text column {at} holds a {:?}", other.data_type()))),
    }
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
    /// The `(caption, hashtags)` (hashtags without `#`, space-separated) of the first
    /// posts of `posts`, as many as the scan was asked for.
    pub texts: &'a [(Option<&'a str>, Option<&'a str>)],
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

fn read_post(r: &Row<'_>, at: usize, arena: &mut Vec<u8>) -> Result<InputPost> {
    Ok(InputPost {
        snapshot: PostSnapshot {
            post_id: r.get(at)?,
            published_at: Timestamp::from_unix(r.get(at + 1)?),
            likes: u64_col(r.get(at + 2)?),
            comments: u64_col(r.get(at + 3)?),
            shares: u64_col(r.get(at + 4)?),
            views: u64_col(r.get(at + 5)?),
        },
        caption: text_span(r, at + 6, arena)?,
        hashtags: text_span(r, at + 7, arena)?,
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

    /// Calls `f` once per channel of `which`, by ascending id, with the caption and
    /// hashtags of its `captions` newest posts.
    pub(crate) fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        let post = if captions > 0 { POST } else { POST_NUMBERS };
        let mut b = Buffers { captions, ..Buffers::default() };
        match which {
            Channels::Range(after, up_to) => self.inputs_in_range(after, up_to, post, &mut b, f),
            Channels::Ids(ids) => self.inputs_of(ids, post, &mut b, f),
        }
    }

    fn inputs_in_range(
        &self,
        after: i64,
        up_to: i64,
        post: &str,
        b: &mut Buffers,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
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
            Some(r) => Some((r.get(0)?, read_post(r, 1, &mut b.arena)?)),
            None => None,
        };
        let mut next_point: Option<(i64, (Timestamp, u64))> = match point_rows.next()? {
            Some(r) => Some((r.get(0)?, point(r, 1)?)),
            None => None,
        };
        while let Some(r) = head_rows.next()? {
            let head = read_head(r)?;
            let id = head.0;
            b.read.clear();
            b.history.clear();
            // The arena keeps only the text of the post read ahead (the first of a later
            // channel).
            match &mut next_post {
                Some((_, p)) => {
                    let start = p.text_start(b.arena.len());
                    b.arena.drain(..start);
                    p.shift(start);
                }
                None => b.arena.clear(),
            }
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
                    Some(r) => Some((r.get(0)?, read_post(r, 1, &mut b.arena)?)),
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
            call(f, &head, b)?;
        }
        Ok(())
    }

    fn inputs_of(&self, ids: &[i64], post: &str, b: &mut Buffers, f: &mut dyn FnMut(ChannelInput<'_>)) -> Result<()> {
        let mut head = self.conn.prepare_cached(&format!("{HEAD} WHERE id = ?1"))?;
        let mut posts = self.conn.prepare_cached(&format!("SELECT {post} FROM posts WHERE channel_id = ?1"))?;
        let mut points = self.conn.prepare_cached(
            "SELECT observed_at, followers FROM follower_observations WHERE channel_id = ?1 ORDER BY observed_at",
        )?;
        for &id in ids {
            let mut rows = head.query([id])?;
            let Some(r) = rows.next()? else { continue };
            let channel = read_head(r)?;
            drop(rows);
            b.read.clear();
            b.arena.clear();
            let mut rows = posts.query([id])?;
            while let Some(r) = rows.next()? {
                b.read.push(read_post(r, 0, &mut b.arena)?);
            }
            b.history.clear();
            let mut rows = points.query([id])?;
            while let Some(r) = rows.next()? {
                b.history.push(point(r, 0)?);
            }
            call(f, &channel, b)?;
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
    /// How many of the newest posts' texts are handed over.
    captions: usize,
    read: Vec<InputPost>,
    /// The text of the posts read, and of the post read ahead.
    arena: Vec<u8>,
    posts: Vec<PostSnapshot>,
    /// Each handed-over post's text spans.
    spans: Vec<(Option<Span>, Option<Span>)>,
    history: Vec<(Timestamp, u64)>,
}

fn call(f: &mut dyn FnMut(ChannelInput<'_>), head: &ChannelHead, b: &mut Buffers) -> Result<()> {
    b.read.sort_by(|x, y| {
        y.snapshot.published_at.cmp(&x.snapshot.published_at).then_with(|| y.snapshot.post_id.cmp(&x.snapshot.post_id))
    });
    b.posts.clear();
    b.spans.clear();
    for p in b.read.drain(..) {
        b.posts.push(p.snapshot);
        if b.spans.len() < b.captions {
            b.spans.push((p.caption, p.hashtags));
        }
    }
    let arena = &b.arena;
    let text = |span: Option<Span>| -> Result<Option<&str>> {
        span.map(|(start, end)| {
            std::str::from_utf8(&arena[start..end]).map_err(|e| Error::Corrupt(format!("a post's text: {e}")))
        })
        .transpose()
    };
    let texts = b.spans.iter().map(|&(c, h)| Ok((text(c)?, text(h)?))).collect::<Result<Vec<_>>>()?;
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
        texts: &texts,
        history: &b.history,
    });
    Ok(())
}

#[cfg(test)]
mod tests;
