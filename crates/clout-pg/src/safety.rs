//! [`SafetyStore`] on PostgreSQL: brand-safety lists (every one kept), the active one, and
//! each channel's screening with the posts and comments behind its matches.

use clout_store::decode::Cells;
use clout_store::{
    CategoryLevel, ChannelScreen, Channels, Error, HitEvidence, Result, SafetyHit, SafetyListRow, SafetyStore,
    StoredScreen,
};
use postgres::types::ToSql;

use crate::{PgRow, PgStore, db};

const LIST: &str = "SELECT l.id, l.name, l.version, l.sha256, l.body, l.set_at FROM safety_lists l";

fn list_row(r: &PgRow<'_>) -> Result<SafetyListRow> {
    Ok(SafetyListRow {
        id: r.int_req(0)?,
        name: r.text_req(1)?,
        version: r.text_req(2)?,
        sha256: r.text_req(3)?,
        body: r.text_req(4)?,
        set_at: r.int_req(5)?,
    })
}

impl PgStore {
    fn safety_list_where(&self, clause: &str, param: &(dyn ToSql + Sync)) -> Result<Option<SafetyListRow>> {
        self.row(&format!("{LIST} {clause}"), &[param])?.map(|r| list_row(&PgRow(&r))).transpose()
    }

    /// Calls `f` with every row of a query over the channels `which` as it arrives:
    /// `range` takes `(after, up_to)`, `ids` an array of ids.
    pub(crate) fn each_of(
        &self,
        which: Channels<'_>,
        range: &str,
        ids: &str,
        f: &mut dyn FnMut(&PgRow<'_>) -> Result<()>,
    ) -> Result<()> {
        match which {
            Channels::Range(after, up_to) => self.stream(range, &[&after, &up_to], f),
            Channels::Ids(list) => self.stream(ids, &[&list], f),
        }
    }
}

impl SafetyStore for PgStore {
    fn safety_list(&self) -> Result<Option<SafetyListRow>> {
        self.safety_list_where("JOIN safety_active a ON a.list_id = l.id WHERE a.id = $1", &1_i64)
    }

    fn set_safety_list(
        &mut self,
        name: &str,
        version: &str,
        sha256: &str,
        body: &str,
        at: i64,
    ) -> Result<SafetyListRow> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO safety_lists (name, version, sha256, body, set_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (sha256) DO NOTHING",
            &[&name, &version, &sha256, &body, &at],
        )
        .map_err(db)?;
        let row = tx.query_one(&format!("{LIST} WHERE l.sha256 = $1"), &[&sha256]).map_err(db)?;
        let list = list_row(&PgRow(&row))?;
        tx.execute(
            "INSERT INTO safety_active (id, list_id) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET list_id = excluded.list_id",
            &[&list.id],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(list)
    }

    fn replace_safety(
        &mut self,
        which: Channels<'_>,
        list_id: i64,
        at: i64,
        rows: &[(i64, ChannelScreen)],
    ) -> Result<()> {
        self.replace_per_channel(which, rows, &["safety_screens", "safety_levels", "safety_hits"], &mut |tx, part| {
            let screen = tx.prepare(
                "INSERT INTO safety_screens (channel_id, list_id, screened_at, posts, comments) VALUES ($1, $2, $3, $4, $5)",
            )?;
            let level = tx.prepare(
                "INSERT INTO safety_levels (channel_id, category, level, posts, comments) VALUES ($1, $2, $3, $4, $5)",
            )?;
            let hit = tx.prepare(
                "INSERT INTO safety_hits (channel_id, k, category, post_ref, comment_id, term) VALUES ($1, $2, $3, $4, $5, $6)",
            )?;
            for (id, s) in part {
                tx.execute(&screen, &[id, &list_id, &at, &(s.posts as i64), &(s.comments as i64)])?;
                for l in &s.levels {
                    tx.execute(&level, &[id, &l.category, &i64::from(l.level), &(l.posts as i64), &(l.comments as i64)])?;
                }
                for (k, h) in s.hits.iter().enumerate() {
                    tx.execute(&hit, &[id, &(k as i64), &h.category, &h.post_ref, &h.comment_id, &h.term])?;
                }
            }
            Ok(())
        })
    }

    fn safety_of(&self, channel_id: i64) -> Result<Option<StoredScreen>> {
        let Some(row) = self.row(
            "SELECT list_id, screened_at, posts, comments FROM safety_screens WHERE channel_id = $1",
            &[&channel_id],
        )?
        else {
            return Ok(None);
        };
        let r = PgRow(&row);
        let (list_id, screened_at, posts, comments) = (r.int_req(0)?, r.int_req(1)?, r.int_req(2)?, r.int_req(3)?);
        let list = self
            .safety_list_where("WHERE l.id = $1", &list_id)?
            .ok_or_else(|| Error::Corrupt(format!("a screening names safety list {list_id}, which is missing")))?;
        let levels = self
            .rows(
                "SELECT category, level, posts, comments FROM safety_levels WHERE channel_id = $1 ORDER BY category",
                &[&channel_id],
            )?
            .iter()
            .map(|row| {
                let r = PgRow(row);
                Ok(CategoryLevel {
                    category: r.text_req(0)?,
                    level: u8::try_from(r.int_req(1)?).map_err(|_| Error::Corrupt("a safety level".to_string()))?,
                    posts: r.int_req(2)?.max(0) as u64,
                    comments: r.int_req(3)?.max(0) as u64,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut hits = Vec::new();
        let mut evidence = Vec::new();
        for row in self.rows(
            "SELECT h.category, h.term, h.post_ref, h.comment_id,
                COALESCE(p.post_id, cp.post_id), COALESCE(p.url, cpp.url), COALESCE(p.published_at, cp.published_at),
                COALESCE(p.sponsored, cpp.sponsored), COALESCE(p.caption, cp.text), cp.author
             FROM safety_hits h
             LEFT JOIN posts p ON p.channel_id = h.channel_id AND p.id = h.post_ref
             LEFT JOIN comments cp ON cp.channel_id = h.channel_id AND cp.comment_id = h.comment_id
             LEFT JOIN posts cpp ON cpp.channel_id = h.channel_id AND cpp.post_id = cp.post_id
             WHERE h.channel_id = $1 ORDER BY h.k",
            &[&channel_id],
        )? {
            let r = PgRow(&row);
            let comment_id = r.text(3)?;
            hits.push(SafetyHit {
                category: r.text_req(0)?,
                post_ref: r.int(2)?,
                comment_id: comment_id.clone(),
                term: r.text_req(1)?,
            });
            evidence.push(HitEvidence {
                category: r.text_req(0)?,
                term: r.text_req(1)?,
                post_id: r.text(4)?,
                post_url: r.text(5)?,
                published_at: r.int(6)?,
                sponsored: r.flag(7)?,
                text: r.text(8)?,
                comment: comment_id.zip(r.text(9)?),
            });
        }
        let screen = ChannelScreen { posts: posts.max(0) as u64, comments: comments.max(0) as u64, levels, hits };
        Ok(Some(StoredScreen { list, screened_at, screen, evidence }))
    }

    fn safety_current(&self, list_id: i64) -> Result<bool> {
        let row = self.client().query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM safety_screens WHERE list_id <> $1)
                AND (EXISTS (SELECT 1 FROM safety_screens WHERE list_id = $1) OR NOT EXISTS (SELECT 1 FROM channels))",
            &[&list_id],
        );
        Ok(row.map_err(db)?.get(0))
    }

    fn channels_above_safety(&self, level: u8, categories: &[String]) -> Result<Vec<i64>> {
        let level = i64::from(level);
        let rows = if categories.is_empty() {
            self.rows("SELECT DISTINCT channel_id FROM safety_levels WHERE level > $1 ORDER BY 1", &[&level])?
        } else {
            self.rows(
                "SELECT DISTINCT channel_id FROM safety_levels WHERE category = ANY($1) AND level > $2 ORDER BY 1",
                &[&categories, &level],
            )?
        };
        rows.iter().map(|r| PgRow(r).int_req(0)).collect()
    }

    fn channel_languages(&self, which: Channels<'_>) -> Result<Vec<(i64, Option<String>)>> {
        let mut out = Vec::new();
        self.each_of(
            which,
            "SELECT id, lower(language) FROM channels WHERE id > $1 AND id <= $2 ORDER BY id",
            "SELECT id, lower(language) FROM channels WHERE id = ANY($1) ORDER BY id",
            &mut |r| {
                out.push((r.int_req(0)?, r.text(1)?));
                Ok(())
            },
        )?;
        Ok(out)
    }

    fn for_each_comment_text(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &str, &str)) -> Result<()> {
        self.each_of(
            which,
            "SELECT channel_id, comment_id, text FROM comments
             WHERE channel_id > $1 AND channel_id <= $2 AND text IS NOT NULL ORDER BY channel_id, comment_id",
            "SELECT channel_id, comment_id, text FROM comments
             WHERE channel_id = ANY($1) AND text IS NOT NULL ORDER BY channel_id, comment_id",
            &mut |r| {
                f(r.int_req(0)?, &r.text_req(1)?, &r.text_req(2)?);
                Ok(())
            },
        )
    }
}
