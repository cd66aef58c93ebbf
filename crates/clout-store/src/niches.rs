//! Niche labels: the text the classifier reads, and the labels it writes back.

use std::collections::HashMap;

use rusqlite::params;

use crate::{Result, Store};

/// `(channel_id, published_at, caption, hashtags)` of one post.
type PostText = (i64, i64, Option<String>, Option<String>);

/// One niche label of a channel as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredNiche {
    pub niche: String,
    pub confidence: f64,
    pub score: f64,
    /// `(field, count, term)`, strongest first.
    pub evidence: Vec<(String, u32, String)>,
}

/// A channel's profile text and its most recent posts' captions and hashtags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelTextRecord {
    pub channel_id: i64,
    pub handle: String,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub category: Option<String>,
    /// `(caption, hashtags joined by spaces)` of the newest posts, newest first.
    pub posts: Vec<(Option<String>, Option<String>)>,
}

/// The searchable text of one channel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchText {
    pub channel_id: i64,
    pub handle: String,
    pub name: String,
    pub bio: String,
    /// Captions of the newest posts, one per line.
    pub captions: String,
    /// Hashtags without `#`, space-separated.
    pub hashtags: String,
}

/// What a replacement of searchable text changed, for a full-text projection kept beside
/// the store (the Directory's text index): the channels whose text went, those whose text
/// was written (new or different), and how many transactions bumped the store's text
/// version (each one that changed anything does, once).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextChanges {
    pub removed: Vec<i64>,
    pub written: Vec<i64>,
    pub versions: i64,
}

impl TextChanges {
    fn absorb(&mut self, other: TextChanges) {
        self.removed.extend(other.removed);
        self.written.extend(other.written);
        self.versions += other.versions;
    }
}

/// A fingerprint of a channel's searchable text, never 0 (a stored 0 marks a row to
/// rewrite). A change of Rust's hasher between versions only costs one rewrite.
pub fn text_fingerprint(t: &SearchText) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (&t.handle, &t.name, &t.bio, &t.captions, &t.hashtags).hash(&mut h);
    (h.finish() | 1) as i64
}

/// Makes the searchable text (and top hashtags) of the channels of `which` what `texts`
/// says (a channel of `which` absent from `texts` has none after). A channel whose text
/// has the same fingerprint as the stored one is left alone: rewriting a full-text row
/// tokenizes it twice (out and in), and most of a recompute's texts have not changed.
/// When anything changed, the store's text version goes up by one in the same
/// transaction.
fn sync_texts(tx: &rusqlite::Transaction<'_>, which: crate::Channels<'_>, texts: &[SearchText]) -> Result<TextChanges> {
    let mut changes = TextChanges::default();
    let mut stored: HashMap<i64, i64> = HashMap::new();
    match which {
        crate::Channels::Range(after, up_to) => {
            let mut stmt = tx.prepare(
                "SELECT channel_id, hash FROM channel_text_hashes WHERE channel_id > ?1 AND channel_id <= ?2",
            )?;
            let mut rows = stmt.query([after, up_to])?;
            while let Some(r) = rows.next()? {
                stored.insert(r.get(0)?, r.get(1)?);
            }
        }
        crate::Channels::Ids(ids) => {
            let mut stmt = tx.prepare_cached("SELECT hash FROM channel_text_hashes WHERE channel_id = ?1")?;
            for &id in ids {
                let mut rows = stmt.query([id])?;
                if let Some(r) = rows.next()? {
                    stored.insert(id, r.get(0)?);
                }
            }
        }
    }
    let mut delete_text = tx.prepare_cached("DELETE FROM channel_text WHERE rowid = ?1")?;
    let mut delete_tags = tx.prepare_cached("DELETE FROM channel_tags WHERE channel_id = ?1")?;
    let mut delete_hash = tx.prepare_cached("DELETE FROM channel_text_hashes WHERE channel_id = ?1")?;
    let fresh: std::collections::HashSet<i64> = texts.iter().map(|t| t.channel_id).collect();
    for &id in stored.keys().filter(|id| !fresh.contains(id)) {
        delete_text.execute([id])?;
        delete_tags.execute([id])?;
        delete_hash.execute([id])?;
        changes.removed.push(id);
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO channel_text (rowid, handle, name, bio, captions, hashtags) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut tags = tx.prepare_cached("INSERT INTO channel_tags (channel_id, tags) VALUES (?1, ?2)")?;
    let mut hash = tx.prepare_cached(
        "INSERT INTO channel_text_hashes (channel_id, hash) VALUES (?1, ?2)
         ON CONFLICT (channel_id) DO UPDATE SET hash = excluded.hash",
    )?;
    for t in texts {
        let h = text_fingerprint(t);
        match stored.get(&t.channel_id) {
            Some(&old) if old == h => continue,
            Some(_) => {
                delete_text.execute([t.channel_id])?;
                delete_tags.execute([t.channel_id])?;
            }
            None => {}
        }
        insert.execute(params![t.channel_id, t.handle, t.name, t.bio, t.captions, t.hashtags])?;
        let top = clout_core::lookalike::top_hashtags(t.hashtags.split_whitespace());
        if !top.is_empty() {
            tags.execute(params![t.channel_id, top.join(" ")])?;
        }
        hash.execute(params![t.channel_id, h])?;
        changes.written.push(t.channel_id);
    }
    if !changes.removed.is_empty() || !changes.written.is_empty() {
        tx.execute("UPDATE derived_state SET text_version = text_version + 1 WHERE id = 1", [])?;
        changes.versions = 1;
    }
    Ok(changes)
}

fn insert_labels(tx: &rusqlite::Transaction<'_>, labels: &[(i64, Vec<StoredNiche>)]) -> Result<()> {
    let mut insert = tx.prepare(
        "INSERT INTO channel_niches (channel_id, niche, confidence, score, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (id, niches) in labels {
        for n in niches {
            insert.execute(params![id, n.niche, n.confidence, n.score, encode_evidence(&n.evidence)])?;
        }
    }
    Ok(())
}

/// Evidence as stored: one `field \t count \t term` line per item.
pub fn encode_evidence(evidence: &[(String, u32, String)]) -> String {
    evidence
        .iter()
        .map(|(field, count, term)| format!("{field}\t{count}\t{}", term.replace(['\t', '\n'], " ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Evidence as [`encode_evidence`] stored it.
pub fn decode_evidence(text: &str) -> Vec<(String, u32, String)> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            Some((parts.next()?.to_string(), parts.next()?.parse().ok()?, parts.next()?.to_string()))
        })
        .collect()
}

impl Store {
    /// Calls `f` once per channel, in id order, with its profile and the captions and
    /// hashtags of its `posts` newest posts.
    pub(crate) fn for_each_channel_text(&self, posts: usize, mut f: impl FnMut(ChannelTextRecord)) -> Result<()> {
        let mut channels = self.conn.prepare("SELECT id, name, bio, category, handle FROM channels ORDER BY id")?;
        let mut channel_rows = channels.query([])?;
        // The unique (channel_id, post_id) index gives channel order without a sort; the
        // newest posts of each channel are picked in memory.
        let mut post_stmt =
            self.conn.prepare("SELECT channel_id, published_at, caption, hashtags FROM posts ORDER BY channel_id")?;
        let mut post_rows = post_stmt.query([])?;
        let next_post = |rows: &mut rusqlite::Rows<'_>| -> Result<Option<PostText>> {
            Ok(match rows.next()? {
                Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                None => None,
            })
        };
        let mut pending = next_post(&mut post_rows)?;
        let mut buffer: Vec<(i64, Option<String>, Option<String>)> = Vec::new();
        while let Some(r) = channel_rows.next()? {
            let id: i64 = r.get(0)?;
            buffer.clear();
            while let Some((cid, ..)) = &pending {
                if *cid > id {
                    break;
                }
                if let Some((cid, published, caption, hashtags)) = pending.take()
                    && cid == id
                {
                    buffer.push((published, caption, hashtags));
                }
                pending = next_post(&mut post_rows)?;
            }
            // Newest first, equal times by post id descending (as the recompute's scan):
            // the index gave post ids ascending, and the sort is stable.
            buffer.reverse();
            buffer.sort_by_key(|p| std::cmp::Reverse(p.0));
            f(ChannelTextRecord {
                channel_id: id,
                handle: r.get(4)?,
                name: r.get(1)?,
                bio: r.get(2)?,
                category: r.get(3)?,
                posts: buffer.drain(..).take(posts).map(|(_, c, h)| (c, h)).collect(),
            });
        }
        Ok(())
    }

    /// Like [`Store::for_each_channel_text`], for the given channels only (ascending ids).
    pub(crate) fn for_each_channel_text_of(
        &self,
        ids: &[i64],
        posts: usize,
        mut f: impl FnMut(ChannelTextRecord),
    ) -> Result<()> {
        let mut channel = self.conn.prepare("SELECT name, bio, category, handle FROM channels WHERE id = ?1")?;
        // The unique (channel_id, post_id) index finds one channel's posts directly.
        let mut post_stmt = self
            .conn
            .prepare("SELECT published_at, caption, hashtags FROM posts WHERE channel_id = ?1 ORDER BY post_id DESC")?;
        for &id in ids {
            let Some((name, bio, category, handle)) = channel
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map(Some)
                .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?
            else {
                continue;
            };
            let mut rows: Vec<(i64, Option<String>, Option<String>)> = post_stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            rows.sort_by_key(|p| std::cmp::Reverse(p.0));
            f(ChannelTextRecord {
                channel_id: id,
                handle,
                name,
                bio,
                category,
                posts: rows.into_iter().take(posts).map(|(_, c, h)| (c, h)).collect(),
            });
        }
        Ok(())
    }

    /// Replaces the labels and searchable text of the given channels (and only theirs),
    /// [`crate::DERIVED_CHUNK`] channels per transaction (in one when the rows are not in
    /// id order).
    pub(crate) fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        let mut changes = TextChanges::default();
        let in_order =
            labels.is_sorted_by_key(|(id, _)| *id) && texts.is_sorted_by_key(|t| t.channel_id) && ids.is_sorted();
        let ranges = match crate::id_ranges(ids) {
            Some(r) if in_order => r,
            _ => vec![(i64::MIN, i64::MAX)],
        };
        for range in ranges {
            let (ids, labels, texts) = if in_order {
                (
                    crate::in_range(ids, |&id| id, range),
                    crate::in_range(labels, |(id, _)| *id, range),
                    crate::in_range(texts, |t| t.channel_id, range),
                )
            } else {
                (ids, labels, texts)
            };
            let tx = self.conn.transaction()?;
            {
                let mut delete = tx.prepare("DELETE FROM channel_niches WHERE channel_id = ?1")?;
                for id in ids {
                    delete.execute([id])?;
                }
            }
            let changed = sync_texts(&tx, crate::Channels::Ids(ids), texts)?;
            insert_labels(&tx, labels)?;
            tx.commit()?;
            changes.absorb(changed);
        }
        Ok(changes)
    }

    /// Replaces every niche label and all searchable text, [`crate::DERIVED_CHUNK`]
    /// channels per transaction (in one when the rows are not in id order).
    pub(crate) fn replace_niches(
        &mut self,
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        self.replace_niches_in((i64::MIN, i64::MAX), labels, texts)
    }

    /// Replaces the labels and searchable text of the channels with ids in
    /// `(after, up_to]`, in chunks like [`Store::replace_niches`].
    pub(crate) fn replace_niches_in(
        &mut self,
        (low, high): (i64, i64),
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        let mut changes = TextChanges::default();
        // Chunks are ranges of ids: rows given in another order are sorted first.
        let (mut sorted_texts, mut sorted_labels) = (Vec::new(), Vec::new());
        let (texts, labels) = if texts.is_sorted_by_key(|t| t.channel_id) && labels.is_sorted_by_key(|(id, _)| *id) {
            (texts, labels)
        } else {
            sorted_texts.extend_from_slice(texts);
            sorted_texts.sort_by_key(|t| t.channel_id);
            sorted_labels.extend_from_slice(labels);
            sorted_labels.sort_by_key(|(id, _)| *id);
            (&sorted_texts[..], &sorted_labels[..])
        };
        let text_ids: Vec<i64> = texts.iter().map(|t| t.channel_id).collect();
        for range in crate::id_ranges(&text_ids).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]) {
            let (after, up_to) = (range.0.max(low), range.1.min(high));
            if after >= up_to {
                continue;
            }
            let texts = crate::in_range(texts, |t| t.channel_id, (after, up_to));
            let labels = crate::in_range(labels, |(id, _)| *id, (after, up_to));
            let tx = self.conn.transaction()?;
            tx.execute("DELETE FROM channel_niches WHERE channel_id > ?1 AND channel_id <= ?2", [after, up_to])?;
            let changed = sync_texts(&tx, crate::Channels::Range(after, up_to), texts)?;
            insert_labels(&tx, labels)?;
            tx.commit()?;
            changes.absorb(changed);
        }
        Ok(changes)
    }

    /// Every channel's most used hashtags (space-separated), by channel id.
    pub(crate) fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare("SELECT channel_id, tags FROM channel_tags")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every channel's labels, most confident first.
    pub(crate) fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        let mut stmt = self.conn.prepare(
            "SELECT channel_id, niche, confidence, score, evidence FROM channel_niches
             ORDER BY channel_id, confidence DESC, niche",
        )?;
        let mut out: HashMap<i64, Vec<StoredNiche>> = HashMap::new();
        group_labels(stmt.query([])?, &mut out)?;
        Ok(out)
    }

    /// Every channel's niche ids with their confidence, most confident first.
    pub(crate) fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        let mut stmt = self.conn.prepare(
            "SELECT channel_id, niche, confidence FROM channel_niches ORDER BY channel_id, confidence DESC, niche",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push((r.get(1)?, r.get(2)?));
        }
        Ok(out)
    }

    /// The labels of several channels, most confident first, by channel id.
    pub(crate) fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        let mut out: HashMap<i64, Vec<StoredNiche>> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT channel_id, niche, confidence, score, evidence FROM channel_niches WHERE channel_id IN ({marks})"
            ))?;
            group_labels(stmt.query(rusqlite::params_from_iter(chunk))?, &mut out)?;
        }
        // Sorted here rather than by SQLite, whose sorter cost a search page's read a
        // third more.
        for labels in out.values_mut() {
            labels.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then_with(|| a.niche.cmp(&b.niche)));
        }
        Ok(out)
    }

    /// One channel's labels, most confident first.
    pub(crate) fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT niche, confidence, score, evidence FROM channel_niches WHERE channel_id = ?1
             ORDER BY confidence DESC, niche",
        )?;
        let rows = stmt.query_map([channel_id], |r| {
            let evidence: String = r.get(3)?;
            Ok(StoredNiche {
                niche: r.get(0)?,
                confidence: r.get(1)?,
                score: r.get(2)?,
                evidence: decode_evidence(&evidence),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Collects `(channel_id, niche, confidence, score, evidence)` rows by channel.
fn group_labels(mut rows: rusqlite::Rows<'_>, out: &mut HashMap<i64, Vec<StoredNiche>>) -> Result<()> {
    while let Some(r) = rows.next()? {
        let evidence: String = r.get(4)?;
        out.entry(r.get(0)?).or_default().push(StoredNiche {
            niche: r.get(1)?,
            confidence: r.get(2)?,
            score: r.get(3)?,
            evidence: decode_evidence(&evidence),
        });
    }
    Ok(())
}
