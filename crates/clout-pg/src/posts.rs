//! [`PostSearch`] on PostgreSQL: every post's searchable text, streamed for the post index
//! beside the store, and the posts a search found.

use std::collections::HashMap;

use clout_store::decode::{FOUND_POST_COLUMNS, FOUND_POST_TAIL, POST_TEXT_COLUMNS, found_post_row, post_text_row};
use clout_store::{FoundPost, PostSearch, PostSet, PostText, Result};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use crate::{PgRow, PgStore, db};

const FROM_POSTS: &str = "FROM posts p JOIN channels c ON c.id = p.channel_id";

impl PgStore {
    /// The count of committed import batches.
    pub(crate) fn writes_count(&self) -> Result<i64> {
        self.int("SELECT writes FROM derived_state WHERE id = 1", &[])
    }

    /// Calls `f` with every row of a query as it arrives (the rows are not all held).
    pub(crate) fn stream(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        f: &mut dyn FnMut(&PgRow<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut client = self.client();
        let mut rows = client.query_raw(sql, params.iter().copied()).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            f(&PgRow(&row))?;
        }
        Ok(())
    }
}

impl PostSearch for PgStore {
    fn for_each_post_text(&self, which: PostSet<'_>, f: &mut dyn FnMut(PostText)) -> Result<Option<i64>> {
        let before = self.writes_count()?;
        let mut read = |r: &PgRow<'_>| -> Result<()> {
            f(post_text_row(r)?);
            Ok(())
        };
        let select = format!("SELECT {POST_TEXT_COLUMNS} {FROM_POSTS}");
        match which {
            PostSet::All => self.stream(&format!("{select} ORDER BY p.id"), &[], &mut read)?,
            PostSet::Rows(ids) => {
                self.stream(&format!("{select} WHERE p.id = ANY($1) ORDER BY p.id"), &[&ids], &mut read)?
            }
            PostSet::ChannelRange(after, up_to) => self.stream(
                &format!("{select} WHERE p.channel_id > $1 AND p.channel_id <= $2 ORDER BY p.channel_id, p.id"),
                &[&after, &up_to],
                &mut read,
            )?,
            PostSet::Channels(ids) => self.stream(
                &format!("{select} WHERE p.channel_id = ANY($1) ORDER BY p.channel_id, p.id"),
                &[&ids],
                &mut read,
            )?,
        }
        let after = self.writes_count()?;
        Ok((before == after).then_some(after))
    }

    fn found_posts(&self, ids: &[i64]) -> Result<Vec<FoundPost>> {
        let rows = self.rows(
            &format!(
                "SELECT {FOUND_POST_COLUMNS},
                    1 + (SELECT count(*) FROM post_observations o WHERE o.channel_id = p.channel_id AND o.post_ref = p.id),
                    {FOUND_POST_TAIL}
                 {FROM_POSTS} JOIN sources s ON s.id = p.source_id
                 WHERE p.id = ANY($1)"
            ),
            &[&ids],
        )?;
        let mut found: HashMap<i64, FoundPost> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let post = found_post_row(&PgRow(r))?;
            found.insert(post.post_id, post);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
