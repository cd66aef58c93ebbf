//! Replacing derived rows of many channels in chunks, as the interfaces promise: by
//! ascending ranges of channel ids, up to 1,000 channels a transaction, so another writer
//! waits for one chunk, not for a whole recompute.

use clout_store::{Channels, Result};
use postgres::Transaction;

use crate::{PgStore, db};

/// Channels per transaction.
pub(crate) const CHUNK: usize = if cfg!(test) { 7 } else { 1_000 };

/// A range of channel ids `(after, up_to]` and the rows written for it.
type Span<'r, T> = (i64, i64, &'r [(i64, T)]);

/// Writes one chunk's rows inside its transaction.
pub(crate) type Insert<'a, T> =
    dyn FnMut(&mut Transaction<'_>, &[(i64, T)]) -> std::result::Result<(), postgres::Error> + 'a;

impl PgStore {
    /// Deletes the rows of the channels `which` from `tables` and writes `rows` (by
    /// ascending channel id) with `insert`, chunk by chunk.
    pub(crate) fn replace_per_channel<T>(
        &self,
        which: Channels<'_>,
        rows: &[(i64, T)],
        tables: &[&str],
        insert: &mut Insert<'_, T>,
    ) -> Result<()> {
        let mut client = self.client();
        match which {
            Channels::Range(low, high) => {
                // Ranges that end at a chunk's last channel, the last one at `high`; rows
                // out of order make one range (and one transaction).
                let mut bounds: Vec<Span<'_, T>> = Vec::new();
                let inside: Vec<&(i64, T)> = rows.iter().filter(|(id, _)| *id > low && *id <= high).collect();
                if rows.is_sorted_by_key(|(id, _)| *id) && !inside.is_empty() {
                    let start = rows.iter().position(|(id, _)| *id > low).unwrap_or(rows.len());
                    let end = rows.iter().rposition(|(id, _)| *id <= high).map_or(start, |i| i + 1);
                    let mut after = low;
                    let chunks: Vec<&[(i64, T)]> = rows[start..end].chunks(CHUNK).collect();
                    for (i, chunk) in chunks.iter().enumerate() {
                        let up_to = if i + 1 == chunks.len() { high } else { chunk[chunk.len() - 1].0 };
                        bounds.push((after, up_to, chunk));
                        after = up_to;
                    }
                } else {
                    bounds.push((low, high, &[]));
                }
                for (after, up_to, chunk) in bounds {
                    let mut tx = client.transaction().map_err(db)?;
                    for table in tables {
                        tx.execute(
                            &format!("DELETE FROM {table} WHERE channel_id > $1 AND channel_id <= $2"),
                            &[&after, &up_to],
                        )
                        .map_err(db)?;
                    }
                    if chunk.is_empty() && !inside.is_empty() {
                        // Out of order: the rows of the range one by one.
                        for row in rows.iter().filter(|(id, _)| *id > after && *id <= up_to) {
                            insert(&mut tx, std::slice::from_ref(row)).map_err(db)?;
                        }
                    } else {
                        insert(&mut tx, chunk).map_err(db)?;
                    }
                    tx.commit().map_err(db)?;
                }
            }
            Channels::Ids(ids) => {
                for chunk in ids.chunks(CHUNK) {
                    let mut tx = client.transaction().map_err(db)?;
                    for table in tables {
                        tx.execute(&format!("DELETE FROM {table} WHERE channel_id = ANY($1)"), &[&chunk])
                            .map_err(db)?;
                    }
                    // Ids ascending (as the contract asks) are found by halving; others one by one.
                    let sorted = chunk.is_sorted();
                    let named = |id: &i64| if sorted { chunk.binary_search(id).is_ok() } else { chunk.contains(id) };
                    for row in rows.iter().filter(|(id, _)| named(id)) {
                        insert(&mut tx, std::slice::from_ref(row)).map_err(db)?;
                    }
                    tx.commit().map_err(db)?;
                }
            }
        }
        Ok(())
    }
}
