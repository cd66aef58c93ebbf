//! Niche labels and each channel's searchable text on PostgreSQL (inherent methods
//! behind `ChannelStore`, see `channel_api.rs`).
//!
//! As in SQLite's store: labels and text are replaced together, [`CHUNK`] channels per
//! transaction by ascending ranges of ids; a channel's text is rewritten only when its
//! fingerprint (`channel_text_hashes`) changed; its 8 most used hashtags are kept in
//! `channel_tags`; and every transaction that changed some text bumps
//! `derived_state.text_version`. The text's `tsvector` (`doc`, see `text.rs`) is computed
//! as the row is written.

use std::collections::{HashMap, HashSet};

use clout_store::decode::{Cells, decode_evidence, encode_evidence, id_ranges_by, in_range, text_fingerprint};
use clout_store::{Channels, Result, SearchText, StoredNiche, TextChanges};
use postgres::Transaction;

use crate::derived::CHUNK;
use crate::text::{CONFIG, words};
use crate::{PgRow, PgStore, db};

/// `(channel_id, niche, confidence, score, evidence)` as a label.
fn label(r: &PgRow<'_>) -> Result<(i64, StoredNiche)> {
    Ok((
        r.int_req(0)?,
        StoredNiche {
            niche: r.text_req(1)?,
            confidence: r.real(2)?.unwrap_or_default(),
            score: r.real(3)?.unwrap_or_default(),
            evidence: decode_evidence(&r.text_req(4)?),
        },
    ))
}

fn absorb(into: &mut TextChanges, other: TextChanges) {
    into.removed.extend(other.removed);
    into.written.extend(other.written);
    into.versions += other.versions;
}

/// Every text row's `doc`: the fields' words, weighted, one empty position between fields
/// (a `' '` lexeme, which no text's words can hold, deleted once it has made the gap).
pub(crate) fn doc_sql() -> String {
    let field = |column: &str, weight: char| format!("setweight(to_tsvector('{CONFIG}', {column}), '{weight}')");
    let gap = "$$' ':1$$::tsvector";
    let fields = [field("w_handle", 'A'), field("w_name", 'A'), field("w_bio", 'B'), field("w_hashtags", 'C')];
    let mut doc = String::new();
    for f in fields {
        doc.push_str(&f);
        doc.push_str(" || ");
        doc.push_str(gap);
        doc.push_str(" || ");
    }
    doc.push_str(&field("w_captions", 'D'));
    format!("ts_delete({doc}, ' '::text)")
}

/// Makes the searchable text (and top hashtags) of the channels of `which` what `texts`
/// says, as SQLite's `sync_texts`: a channel of `which` absent from `texts` has none after,
/// one whose fingerprint has not changed is left alone, and the text version goes up by
/// one when anything changed.
fn sync_texts(tx: &mut Transaction<'_>, which: Channels<'_>, texts: &[SearchText]) -> Result<TextChanges> {
    let mut changes = TextChanges::default();
    let stored_rows = match which {
        Channels::Range(after, up_to) => tx.query(
            "SELECT channel_id, hash FROM channel_text_hashes WHERE channel_id > $1 AND channel_id <= $2",
            &[&after, &up_to],
        ),
        Channels::Ids(ids) => {
            tx.query("SELECT channel_id, hash FROM channel_text_hashes WHERE channel_id = ANY($1)", &[&ids])
        }
    }
    .map_err(db)?;
    let mut stored: HashMap<i64, i64> = HashMap::with_capacity(stored_rows.len());
    for r in &stored_rows {
        let r = PgRow(r);
        stored.insert(r.int_req(0)?, r.int_req(1)?);
    }
    let fresh: HashSet<i64> = texts.iter().map(|t| t.channel_id).collect();
    let mut removed: Vec<i64> = stored.keys().copied().filter(|id| !fresh.contains(id)).collect();
    removed.sort_unstable();
    let delete = |tx: &mut Transaction<'_>, tables: &[&str], ids: &[i64]| -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        for table in tables {
            tx.execute(&format!("DELETE FROM {table} WHERE channel_id = ANY($1)"), &[&ids]).map_err(db)?;
        }
        Ok(())
    };
    delete(tx, &["channel_text", "channel_tags", "channel_text_hashes"], &removed)?;
    changes.removed = removed;

    let mut written: Vec<(&SearchText, i64)> = Vec::new();
    let mut replaced: Vec<i64> = Vec::new();
    for t in texts {
        let h = text_fingerprint(t);
        match stored.get(&t.channel_id) {
            Some(&old) if old == h => continue,
            Some(_) => replaced.push(t.channel_id),
            None => {}
        }
        written.push((t, h));
    }
    delete(tx, &["channel_text", "channel_tags"], &replaced)?;
    if !written.is_empty() {
        let ids: Vec<i64> = written.iter().map(|(t, _)| t.channel_id).collect();
        let column = |f: fn(&SearchText) -> &str| -> Vec<&str> { written.iter().map(|(t, _)| f(t)).collect() };
        let searched =
            |f: fn(&SearchText) -> &str| -> Vec<String> { written.iter().map(|(t, _)| words(f(t))).collect() };
        let (handle, name, bio) = (column(|t| &t.handle), column(|t| &t.name), column(|t| &t.bio));
        let (captions, hashtags) = (column(|t| &t.captions), column(|t| &t.hashtags));
        let (w_handle, w_name, w_bio) = (searched(|t| &t.handle), searched(|t| &t.name), searched(|t| &t.bio));
        let (w_captions, w_hashtags) = (searched(|t| &t.captions), searched(|t| &t.hashtags));
        tx.execute(
            &format!(
                "INSERT INTO channel_text (channel_id, handle, name, bio, captions, hashtags, doc)
                 SELECT id, handle, name, bio, captions, hashtags, {}
                 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                             $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
                     AS t (id, handle, name, bio, captions, hashtags,
                           w_handle, w_name, w_bio, w_captions, w_hashtags)",
                doc_sql()
            ),
            &[&ids, &handle, &name, &bio, &captions, &hashtags, &w_handle, &w_name, &w_bio, &w_captions, &w_hashtags],
        )
        .map_err(db)?;
        let (mut tag_ids, mut tags) = (Vec::new(), Vec::new());
        for (t, _) in &written {
            let top = clout_core::lookalike::top_hashtags(t.hashtags.split_whitespace());
            if !top.is_empty() {
                tag_ids.push(t.channel_id);
                tags.push(top.join(" "));
            }
        }
        if !tag_ids.is_empty() {
            tx.execute(
                "INSERT INTO channel_tags (channel_id, tags) SELECT * FROM unnest($1::bigint[], $2::text[])",
                &[&tag_ids, &tags],
            )
            .map_err(db)?;
        }
        let hashes: Vec<i64> = written.iter().map(|(_, h)| *h).collect();
        tx.execute(
            "INSERT INTO channel_text_hashes (channel_id, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[])
             ON CONFLICT (channel_id) DO UPDATE SET hash = excluded.hash",
            &[&ids, &hashes],
        )
        .map_err(db)?;
        changes.written = ids;
    }
    if !changes.removed.is_empty() || !changes.written.is_empty() {
        tx.execute("UPDATE derived_state SET text_version = text_version + 1 WHERE id = 1", &[]).map_err(db)?;
        changes.versions = 1;
    }
    Ok(changes)
}

fn insert_labels(tx: &mut Transaction<'_>, labels: &[(i64, Vec<StoredNiche>)]) -> Result<()> {
    let (mut ids, mut niches, mut confidences, mut scores, mut evidence) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, labels) in labels {
        for n in labels {
            ids.push(*id);
            niches.push(n.niche.as_str());
            confidences.push(n.confidence);
            scores.push(n.score);
            evidence.push(encode_evidence(&n.evidence));
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO channel_niches (channel_id, niche, confidence, score, evidence)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::float8[], $5::text[])",
        &[&ids, &niches, &confidences, &scores, &evidence],
    )
    .map_err(db)?;
    Ok(())
}

impl PgStore {
    /// Replaces every niche label and all searchable text, [`CHUNK`] channels per
    /// transaction (rows not in id order are sorted first).
    pub(crate) fn replace_niches(
        &mut self,
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        self.replace_niches_in((i64::MIN, i64::MAX), labels, texts)
    }

    /// Replaces the labels and searchable text of the given channels (and only theirs),
    /// [`CHUNK`] channels per transaction (in one when the rows are not in id order).
    pub(crate) fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        let mut changes = TextChanges::default();
        let in_order =
            labels.is_sorted_by_key(|(id, _)| *id) && texts.is_sorted_by_key(|t| t.channel_id) && ids.is_sorted();
        let ranges = match id_ranges_by(ids, CHUNK) {
            Some(r) if in_order => r,
            _ => vec![(i64::MIN, i64::MAX)],
        };
        let mut client = self.client();
        for range in ranges {
            let (ids, labels, texts) = if in_order {
                (
                    in_range(ids, |&id| id, range),
                    in_range(labels, |(id, _)| *id, range),
                    in_range(texts, |t| t.channel_id, range),
                )
            } else {
                (ids, labels, texts)
            };
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("DELETE FROM channel_niches WHERE channel_id = ANY($1)", &[&ids]).map_err(db)?;
            let changed = sync_texts(&mut tx, Channels::Ids(ids), texts)?;
            insert_labels(&mut tx, labels)?;
            tx.commit().map_err(db)?;
            absorb(&mut changes, changed);
        }
        Ok(changes)
    }

    /// Replaces the labels and searchable text of the channels with ids in
    /// `(after, up_to]`, in chunks like [`PgStore::replace_niches`].
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
        let mut client = self.client();
        for range in id_ranges_by(&text_ids, CHUNK).unwrap_or_else(|| vec![(i64::MIN, i64::MAX)]) {
            let (after, up_to) = (range.0.max(low), range.1.min(high));
            if after >= up_to {
                continue;
            }
            let texts = in_range(texts, |t| t.channel_id, (after, up_to));
            let labels = in_range(labels, |(id, _)| *id, (after, up_to));
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("DELETE FROM channel_niches WHERE channel_id > $1 AND channel_id <= $2", &[&after, &up_to])
                .map_err(db)?;
            let changed = sync_texts(&mut tx, Channels::Range(after, up_to), texts)?;
            insert_labels(&mut tx, labels)?;
            tx.commit().map_err(db)?;
            absorb(&mut changes, changed);
        }
        Ok(changes)
    }

    /// Every channel's most used hashtags (space-separated), by channel id.
    pub(crate) fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>> {
        let mut out = Vec::new();
        self.stream("SELECT channel_id, tags FROM channel_tags", &[], &mut |r| {
            out.push((r.int_req(0)?, r.text_req(1)?));
            Ok(())
        })?;
        Ok(out)
    }

    /// Every channel's labels, most confident first (equal confidence by niche id).
    pub(crate) fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        let mut out: HashMap<i64, Vec<StoredNiche>> = HashMap::new();
        self.stream(
            "SELECT channel_id, niche, confidence, score, evidence FROM channel_niches
             ORDER BY channel_id, confidence DESC, niche",
            &[],
            &mut |r| {
                let (id, niche) = label(r)?;
                out.entry(id).or_default().push(niche);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Every channel's niche ids with their confidence, most confident first.
    pub(crate) fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        let mut out: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
        self.stream(
            "SELECT channel_id, niche, confidence FROM channel_niches ORDER BY channel_id, confidence DESC, niche",
            &[],
            &mut |r| {
                out.entry(r.int_req(0)?).or_default().push((r.text_req(1)?, r.real(2)?.unwrap_or_default()));
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// The labels of several channels, most confident first, by channel id.
    pub(crate) fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        let mut out: HashMap<i64, Vec<StoredNiche>> = HashMap::with_capacity(ids.len());
        self.stream(
            "SELECT channel_id, niche, confidence, score, evidence FROM channel_niches WHERE channel_id = ANY($1)
             ORDER BY channel_id, confidence DESC, niche",
            &[&ids],
            &mut |r| {
                let (id, niche) = label(r)?;
                out.entry(id).or_default().push(niche);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// One channel's labels, most confident first (equal confidence by niche id).
    pub(crate) fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>> {
        let rows = self.rows(
            "SELECT channel_id, niche, confidence, score, evidence FROM channel_niches WHERE channel_id = $1
             ORDER BY confidence DESC, niche",
            &[&channel_id],
        )?;
        rows.iter().map(|r| label(&PgRow(r)).map(|(_, niche)| niche)).collect()
    }
}
