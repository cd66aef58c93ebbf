//! Brand safety in the store: the lists screened against (every one kept, for audits),
//! the active one, and each channel's screening (levels per category and the matches
//! behind them), replaced by the recompute like every derived row.

use rusqlite::{OptionalExtension, params};

use crate::columns::u64_col;
use crate::{Channels, Result, Store};

/// A list as stored: the TOML the user gave (or the default), with what identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyListRow {
    pub id: i64,
    pub name: String,
    pub version: String,
    /// Hex SHA-256 of `body`.
    pub sha256: String,
    pub body: String,
    /// When it was first set (Unix seconds).
    pub set_at: i64,
}

/// A channel's level in one category, with how many posts and comments matched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLevel {
    pub category: String,
    /// 0 none, 1 low, 2 moderate, 3 high (`clout_core::safety::SafetyLevel::code`).
    pub level: u8,
    pub posts: u64,
    pub comments: u64,
}

/// One match: a post (by row id) or a comment (by id) and the term it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyHit {
    pub category: String,
    pub post_ref: Option<i64>,
    pub comment_id: Option<String>,
    pub term: String,
}

/// A channel's screening, as written by a recompute.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelScreen {
    /// Posts and comments screened.
    pub posts: u64,
    pub comments: u64,
    /// The categories with a match (every other one is `none`), by category.
    pub levels: Vec<CategoryLevel>,
    pub hits: Vec<SafetyHit>,
}

/// A match as shown: the post or comment behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct HitEvidence {
    pub category: String,
    pub term: String,
    /// The post matched, or the post the matching comment is on (the platform's id).
    pub post_id: Option<String>,
    pub post_url: Option<String>,
    pub published_at: Option<i64>,
    pub sponsored: Option<bool>,
    /// The caption, or the comment's text.
    pub text: Option<String>,
    /// `Some` for a comment: its id and author.
    pub comment: Option<(String, String)>,
}

/// A channel's screening as read back, with the list it was screened against.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredScreen {
    pub list: SafetyListRow,
    pub screened_at: i64,
    pub screen: ChannelScreen,
    pub evidence: Vec<HitEvidence>,
}

fn list_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SafetyListRow> {
    Ok(SafetyListRow {
        id: r.get(0)?,
        name: r.get(1)?,
        version: r.get(2)?,
        sha256: r.get(3)?,
        body: r.get(4)?,
        set_at: r.get(5)?,
    })
}

const LIST_COLUMNS: &str = "l.id, l.name, l.version, l.sha256, l.body, l.set_at";

impl Store {
    /// The active list, if one was ever set.
    pub(crate) fn safety_list(&self) -> Result<Option<SafetyListRow>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {LIST_COLUMNS} FROM safety_active a JOIN safety_lists l ON l.id = a.list_id"),
                [],
                list_row,
            )
            .optional()?)
    }

    /// The list with this id.
    pub(crate) fn safety_list_by_id(&self, id: i64) -> Result<Option<SafetyListRow>> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {LIST_COLUMNS} FROM safety_lists l WHERE l.id = ?1"), [id], list_row)
            .optional()?)
    }

    /// Makes a list the active one (a list with the same SHA-256 is the same list, kept
    /// with its first `set_at`); returns it as stored.
    pub(crate) fn set_safety_list(
        &mut self,
        name: &str,
        version: &str,
        sha256: &str,
        body: &str,
        at: i64,
    ) -> Result<SafetyListRow> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO safety_lists (name, version, sha256, body, set_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (sha256) DO NOTHING",
            params![name, version, sha256, body, at],
        )?;
        let row = tx.query_row(
            &format!("SELECT {LIST_COLUMNS} FROM safety_lists l WHERE l.sha256 = ?1"),
            [sha256],
            list_row,
        )?;
        tx.execute(
            "INSERT INTO safety_active (id, list_id) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET list_id = excluded.list_id",
            [row.id],
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// Replaces the screenings of the channels of `which` with `rows` (screened against
    /// list `list_id` at `at`), a chunk of channels per transaction.
    pub(crate) fn replace_safety(
        &mut self,
        which: Channels<'_>,
        list_id: i64,
        at: i64,
        rows: &[(i64, ChannelScreen)],
    ) -> Result<()> {
        self.replace_per_channel(which, rows, &["safety_screens", "safety_levels", "safety_hits"], &|tx, part| {
            let mut screen = tx.prepare_cached(
                "INSERT INTO safety_screens (channel_id, list_id, screened_at, posts, comments) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut level = tx.prepare_cached(
                "INSERT INTO safety_levels (channel_id, category, level, posts, comments) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut hit = tx.prepare_cached(
                "INSERT INTO safety_hits (channel_id, k, category, post_ref, comment_id, term) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (id, s) in part {
                screen.execute(params![id, list_id, at, s.posts as i64, s.comments as i64])?;
                for l in &s.levels {
                    level.execute(params![id, l.category, l.level, l.posts as i64, l.comments as i64])?;
                }
                for (k, h) in s.hits.iter().enumerate() {
                    hit.execute(params![id, k as i64, h.category, h.post_ref, h.comment_id, h.term])?;
                }
            }
            Ok(())
        })
    }

    /// A channel's screening with its evidence (matches in the order written), or `None`
    /// when it was never screened.
    pub(crate) fn safety_of(&self, channel_id: i64) -> Result<Option<StoredScreen>> {
        let Some((list_id, screened_at, posts, comments)) = self
            .conn
            .query_row(
                "SELECT list_id, screened_at, posts, comments FROM safety_screens WHERE channel_id = ?1",
                [channel_id],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let list = self.safety_list_by_id(list_id)?.ok_or_else(|| {
            crate::Error::Corrupt(format!("a screening names safety list {list_id}, which is missing"))
        })?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT category, level, posts, comments FROM safety_levels WHERE channel_id = ?1 ORDER BY category",
        )?;
        let levels = stmt
            .query_map([channel_id], |r| {
                Ok(CategoryLevel {
                    category: r.get(0)?,
                    level: r.get(1)?,
                    posts: u64_col(r.get(2)?).unwrap_or(0),
                    comments: u64_col(r.get(3)?).unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.category, h.term, h.post_ref, h.comment_id,
                COALESCE(p.post_id, cp.post_id), COALESCE(p.url, cpp.url), COALESCE(p.published_at, cp.published_at),
                COALESCE(p.sponsored, cpp.sponsored), COALESCE(p.caption, cp.text), cp.author
             FROM safety_hits h
             LEFT JOIN posts p ON p.id = h.post_ref
             LEFT JOIN comments cp ON cp.channel_id = h.channel_id AND cp.comment_id = h.comment_id
             LEFT JOIN posts cpp ON cpp.channel_id = h.channel_id AND cpp.post_id = cp.post_id
             WHERE h.channel_id = ?1 ORDER BY h.k",
        )?;
        let mut hits = Vec::new();
        let evidence = stmt
            .query_map([channel_id], |r| {
                let comment_id: Option<String> = r.get(3)?;
                let author: Option<String> = r.get(9)?;
                Ok((
                    SafetyHit {
                        category: r.get(0)?,
                        post_ref: r.get(2)?,
                        comment_id: comment_id.clone(),
                        term: r.get(1)?,
                    },
                    HitEvidence {
                        category: r.get(0)?,
                        term: r.get(1)?,
                        post_id: r.get(4)?,
                        post_url: r.get(5)?,
                        published_at: r.get(6)?,
                        sponsored: r.get(7)?,
                        text: r.get(8)?,
                        comment: comment_id.zip(author),
                    },
                ))
            })?
            .map(|row| {
                row.map(|(h, e)| {
                    hits.push(h);
                    e
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let screen = ChannelScreen { posts: posts as u64, comments: comments as u64, levels, hits };
        Ok(Some(StoredScreen { list, screened_at, screen, evidence }))
    }

    /// Whether every screening was made against list `list_id` (and some was, unless the
    /// store holds no channel): a list set since, and not yet screened against, is not.
    pub(crate) fn safety_current(&self, list_id: i64) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM safety_screens WHERE list_id <> ?1)
                AND (EXISTS (SELECT 1 FROM safety_screens WHERE list_id = ?1) OR NOT EXISTS (SELECT 1 FROM channels))",
            [list_id],
            |r| r.get(0),
        )?)
    }

    /// The channels whose level is above `level` (a code) in any of `categories` (every
    /// category when empty), ascending.
    pub(crate) fn channels_above_safety(&self, level: u8, categories: &[String]) -> Result<Vec<i64>> {
        let mut ids: Vec<i64> = if categories.is_empty() {
            let mut stmt =
                self.conn.prepare_cached("SELECT DISTINCT channel_id FROM safety_levels WHERE level > ?1")?;
            stmt.query_map([level], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        } else {
            let mut stmt =
                self.conn.prepare_cached("SELECT channel_id FROM safety_levels WHERE category = ?1 AND level > ?2")?;
            let mut all = Vec::new();
            for c in categories {
                all.extend(
                    stmt.query_map(params![c, level], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?,
                );
            }
            all
        };
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The channels of `which`, ascending, each with its language (lower case) if it has one.
    pub(crate) fn channel_languages(&self, which: Channels<'_>) -> Result<Vec<(i64, Option<String>)>> {
        let mut out = Vec::new();
        let mut read = |stmt: &mut rusqlite::CachedStatement<'_>, p: &[&dyn rusqlite::ToSql]| -> Result<()> {
            let mut rows = stmt.query(p)?;
            while let Some(r) = rows.next()? {
                out.push((r.get(0)?, r.get(1)?));
            }
            Ok(())
        };
        match which {
            Channels::Range(after, up_to) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT id, lower(language) FROM channels WHERE id > ?1 AND id <= ?2 ORDER BY id",
                )?;
                read(&mut stmt, &[&after, &up_to])?;
            }
            Channels::Ids(ids) => {
                let mut stmt = self.conn.prepare_cached("SELECT id, lower(language) FROM channels WHERE id = ?1")?;
                for id in ids {
                    read(&mut stmt, &[id])?;
                }
            }
        }
        Ok(out)
    }

    /// Every comment of the channels `which` as `(channel id, comment id, text)`, by
    /// channel id and comment id; comments without text are left out.
    pub(crate) fn for_each_comment_text(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &str, &str)) -> Result<()> {
        let mut read = |stmt: &mut rusqlite::CachedStatement<'_>, p: &[&dyn rusqlite::ToSql]| -> Result<()> {
            let mut rows = stmt.query(p)?;
            while let Some(r) = rows.next()? {
                let (comment, text): (String, String) = (r.get(1)?, r.get(2)?);
                f(r.get(0)?, &comment, &text);
            }
            Ok(())
        };
        match which {
            Channels::Range(after, up_to) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT channel_id, comment_id, text FROM comments
                     WHERE channel_id > ?1 AND channel_id <= ?2 AND text IS NOT NULL ORDER BY channel_id, comment_id",
                )?;
                read(&mut stmt, &[&after, &up_to])?;
            }
            Channels::Ids(ids) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT channel_id, comment_id, text FROM comments
                     WHERE channel_id = ?1 AND text IS NOT NULL ORDER BY comment_id",
                )?;
                for id in ids {
                    read(&mut stmt, &[id])?;
                }
            }
        }
        Ok(())
    }
}
