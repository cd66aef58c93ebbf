//! What a recompute reads of each channel on PostgreSQL, by ascending id (inherent
//! methods behind `ChannelStore`, see `channel_api.rs`): the profile, every post's
//! current observation (with the text of the newest), and the follower history.
//!
//! The channels are read in chunks of up to [`CHUNK`] by ascending id: for each chunk,
//! one query per table (profiles, posts, follower history), each ordered by channel id,
//! in one read-only snapshot, merged into per-channel groups; the chunk's channels are
//! then handed over one by one. Memory holds one chunk, never every channel, and the
//! connection is free again while the caller's function runs.

use clout_core::{Platform, PostSnapshot, Timestamp};
use clout_store::decode::Cells;
use clout_store::{ChannelInput, ChannelTextRecord, Channels, Error, MetricsInput, Result};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{IsolationLevel, Transaction};

use crate::{PgRow, PgStore, db};

/// Channels read per chunk.
const CHUNK: usize = if cfg!(test) { 3 } else { 1_000 };

const HEAD: &str = "SELECT id, platform, followers, as_of, handle, name, bio, category FROM channels";

/// Newest published first, equal times by post id descending.
const NEWEST_FIRST: &str = "published_at DESC, post_id DESC";

/// A channel's profile.
struct Head {
    id: i64,
    platform: Platform,
    followers: Option<u64>,
    as_of: Option<i64>,
    handle: String,
    name: Option<String>,
    bio: Option<String>,
    category: Option<String>,
}

/// One channel as a chunk read it.
struct Read {
    head: Head,
    /// Every post's current observation, newest first (when asked for).
    posts: Vec<PostSnapshot>,
    /// The `(caption, hashtags)` of the newest posts, as many as asked for.
    texts: Vec<(Option<String>, Option<String>)>,
    /// The follower history, oldest first (when asked for).
    history: Vec<(Timestamp, u64)>,
}

/// What a scan reads besides the profiles.
#[derive(Debug, Clone, Copy)]
struct Want {
    /// Every post's numbers.
    posts: bool,
    /// The text of this many newest posts.
    texts: usize,
    /// The follower history.
    history: bool,
}

/// The channels one chunk reads.
#[derive(Debug, Clone, Copy)]
enum Part<'a> {
    /// The first [`CHUNK`] channels with ids in `(after, up_to]`.
    Range(i64, i64),
    /// These channels (each id once is enough).
    Ids(&'a [i64]),
}

fn count(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

fn head_row(r: &PgRow<'_>) -> Result<Head> {
    let platform = r.text_req(1)?;
    Ok(Head {
        id: r.int_req(0)?,
        platform: Platform::parse(&platform).map_err(|e| Error::Corrupt(e.to_string()))?,
        followers: count(r.int(2)?),
        as_of: r.int(3)?,
        handle: r.text_req(4)?,
        name: r.text(5)?,
        bio: r.text(6)?,
        category: r.text(7)?,
    })
}

/// The post numbers whose columns start at `at`: post id, published, likes, comments,
/// shares, views.
fn snapshot_row(r: &PgRow<'_>, at: usize) -> Result<PostSnapshot> {
    Ok(PostSnapshot {
        post_id: r.text_req(at)?,
        published_at: Timestamp::from_unix(r.int_req(at + 1)?),
        likes: count(r.int(at + 2)?),
        comments: count(r.int(at + 3)?),
        shares: count(r.int(at + 4)?),
        views: count(r.int(at + 5)?),
    })
}

/// Calls `f` with every row of a query inside `tx` as it arrives.
fn each(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    f: &mut dyn FnMut(&PgRow<'_>) -> Result<()>,
) -> Result<()> {
    let mut rows = tx.query_raw(sql, params.iter().copied()).map_err(db)?;
    while let Some(row) = rows.next().map_err(db)? {
        f(&PgRow(&row))?;
    }
    Ok(())
}

/// The channel of `reads` (ascending ids) with this id.
fn find(reads: &mut [Read], id: i64) -> Option<&mut Read> {
    reads.binary_search_by_key(&id, |r| r.head.id).ok().map(|i| &mut reads[i])
}

impl PgStore {
    /// Reads one chunk's channels (ascending ids) with what `want` says, in one snapshot.
    fn read_chunk(&self, part: Part<'_>, want: Want) -> Result<Vec<Read>> {
        let mut client = self.client();
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(db)?;
        let mut reads: Vec<Read> = Vec::new();
        let mut head = |r: &PgRow<'_>| -> Result<()> {
            reads.push(Read { head: head_row(r)?, posts: Vec::new(), texts: Vec::new(), history: Vec::new() });
            Ok(())
        };
        let limit = CHUNK as i64;
        match part {
            Part::Range(after, up_to) => each(
                &mut tx,
                &format!("{HEAD} WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3"),
                &[&after, &up_to, &limit],
                &mut head,
            )?,
            Part::Ids(ids) => each(&mut tx, &format!("{HEAD} WHERE id = ANY($1) ORDER BY id"), &[&ids], &mut head)?,
        }
        let Some(last) = reads.last().map(|r| r.head.id) else {
            tx.commit().map_err(db)?;
            return Ok(reads);
        };
        // The other tables, for the channels read: the range up to the last one read.
        let (filter, range, ids): (&str, [i64; 2], &[i64]) = match part {
            Part::Range(after, _) => ("channel_id > $1 AND channel_id <= $2", [after, last], &[]),
            Part::Ids(ids) => ("channel_id = ANY($1)", [0, 0], ids),
        };
        let params: Vec<&(dyn ToSql + Sync)> = match part {
            Part::Range(..) => vec![&range[0], &range[1]],
            Part::Ids(_) => vec![&ids],
        };
        // Text for the newest posts only: a post's rank among its channel's.
        let texts = i64::try_from(want.texts).unwrap_or(i64::MAX);
        if want.posts {
            let text = if want.texts > 0 {
                format!(
                    ", CASE WHEN row_number() OVER w <= {texts} THEN caption END,
                       CASE WHEN row_number() OVER w <= {texts} THEN hashtags END"
                )
            } else {
                String::new()
            };
            let window = if want.texts > 0 {
                format!("WINDOW w AS (PARTITION BY channel_id ORDER BY {NEWEST_FIRST})")
            } else {
                String::new()
            };
            each(
                &mut tx,
                &format!(
                    "SELECT channel_id, post_id, published_at, likes, comments, shares, views{text}
                     FROM posts WHERE {filter} {window} ORDER BY channel_id, {NEWEST_FIRST}"
                ),
                &params,
                &mut |r| {
                    if let Some(read) = find(&mut reads, r.int_req(0)?) {
                        read.posts.push(snapshot_row(r, 1)?);
                        if read.texts.len() < want.texts {
                            read.texts.push((r.text(7)?, r.text(8)?));
                        }
                    }
                    Ok(())
                },
            )?;
        } else if want.texts > 0 {
            each(
                &mut tx,
                &format!(
                    "SELECT channel_id, caption, hashtags FROM (
                         SELECT channel_id, caption, hashtags,
                                row_number() OVER (PARTITION BY channel_id ORDER BY {NEWEST_FIRST}) AS k
                         FROM posts WHERE {filter}
                     ) p WHERE k <= {texts} ORDER BY channel_id, k"
                ),
                &params,
                &mut |r| {
                    if let Some(read) = find(&mut reads, r.int_req(0)?)
                        && read.texts.len() < want.texts
                    {
                        read.texts.push((r.text(1)?, r.text(2)?));
                    }
                    Ok(())
                },
            )?;
        }
        if want.history {
            each(
                &mut tx,
                &format!(
                    "SELECT channel_id, observed_at, followers FROM follower_observations
                     WHERE {filter} ORDER BY channel_id, observed_at"
                ),
                &params,
                &mut |r| {
                    if let Some(read) = find(&mut reads, r.int_req(0)?) {
                        read.history.push((Timestamp::from_unix(r.int_req(1)?), r.int_req(2)?.max(0) as u64));
                    }
                    Ok(())
                },
            )?;
        }
        tx.commit().map_err(db)?;
        Ok(reads)
    }

    /// Calls `f` with every channel of `which`, by ascending id (for ids, in their order;
    /// an unknown one is skipped), a chunk at a time.
    fn for_each_read(&self, which: Channels<'_>, want: Want, f: &mut dyn FnMut(&Read)) -> Result<()> {
        match which {
            Channels::Range(mut after, up_to) => loop {
                let reads = self.read_chunk(Part::Range(after, up_to), want)?;
                for read in &reads {
                    f(read);
                }
                match reads.last() {
                    Some(last) if reads.len() == CHUNK => after = last.head.id,
                    _ => return Ok(()),
                }
            },
            Channels::Ids(ids) => {
                for chunk in ids.chunks(CHUNK) {
                    let mut reads = self.read_chunk(Part::Ids(chunk), want)?;
                    for &id in chunk {
                        if let Some(read) = find(&mut reads, id) {
                            f(read);
                        }
                    }
                }
                Ok(())
            }
        }
    }

    pub(crate) fn for_each_metrics_input(&self, f: &mut dyn FnMut(MetricsInput<'_>)) -> Result<()> {
        let want = Want { posts: true, texts: 0, history: true };
        self.for_each_read(Channels::Range(i64::MIN, i64::MAX), want, &mut |r| {
            f(MetricsInput {
                channel_id: r.head.id,
                platform: r.head.platform,
                followers: r.head.followers,
                as_of: r.head.as_of.map(Timestamp::from_unix),
                posts: &r.posts,
                history: &r.history,
            })
        })
    }

    pub(crate) fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>> {
        let Some(row) = self.row("SELECT min(id), max(id) FROM channels", &[])? else {
            return Ok(None);
        };
        let r = PgRow(&row);
        Ok(r.int(0)?.zip(r.int(1)?))
    }

    pub(crate) fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        let want = Want { posts: true, texts: captions, history: true };
        self.for_each_read(which, want, &mut |r| {
            let texts: Vec<(Option<&str>, Option<&str>)> =
                r.texts.iter().map(|(c, h)| (c.as_deref(), h.as_deref())).collect();
            f(ChannelInput {
                channel_id: r.head.id,
                platform: r.head.platform,
                followers: r.head.followers,
                as_of: r.head.as_of.map(Timestamp::from_unix),
                handle: &r.head.handle,
                name: r.head.name.as_deref(),
                bio: r.head.bio.as_deref(),
                category: r.head.category.as_deref(),
                posts: &r.posts,
                texts: &texts,
                history: &r.history,
            })
        })
    }

    pub(crate) fn for_each_channel_text(&self, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        self.channel_texts(Channels::Range(i64::MIN, i64::MAX), posts, f)
    }

    pub(crate) fn for_each_channel_text_of(
        &self,
        ids: &[i64],
        posts: usize,
        f: &mut dyn FnMut(ChannelTextRecord),
    ) -> Result<()> {
        self.channel_texts(Channels::Ids(ids), posts, f)
    }

    fn channel_texts(&self, which: Channels<'_>, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        let want = Want { posts: false, texts: posts, history: false };
        self.for_each_read(which, want, &mut |r| {
            f(ChannelTextRecord {
                channel_id: r.head.id,
                handle: r.head.handle.clone(),
                name: r.head.name.clone(),
                bio: r.head.bio.clone(),
                category: r.head.category.clone(),
                posts: r.texts.clone(),
            })
        })
    }
}
