//! Campaigns, their members, stage history, deliverables and conversions. The store
//! keeps what it is given; rules live above it.

use clout_core::{PostSnapshot, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::channels::{CHANNEL_COLUMNS, CHANNEL_FROM, channel_row};
use crate::{ChannelRow, Error, Result, Store};

/// A campaign's brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub goal: String,
    pub niche: Option<String>,
    pub starts_on: Option<Timestamp>,
    pub ends_on: Option<Timestamp>,
    pub budget_minor: i64,
    pub currency: String,
    pub key_messages: String,
    pub disclosure: String,
    pub created_by: String,
    pub created_at: Timestamp,
    /// The plan (JSON) it was created from.
    pub plan: Option<String>,
}

/// A new campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub goal: &'a str,
    pub niche: Option<&'a str>,
    pub starts_on: Option<Timestamp>,
    pub ends_on: Option<Timestamp>,
    pub budget_minor: i64,
    pub currency: &'a str,
    pub key_messages: &'a str,
    pub disclosure: &'a str,
    pub created_by: &'a str,
    pub created_at: Timestamp,
    pub plan: Option<&'a str>,
}

/// A creator in a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub channel: ChannelRow,
    pub stage: String,
    /// The agreed fee.
    pub fee_minor: Option<i64>,
    /// The plan's estimated price, when the member came from a plan.
    pub planned_minor: Option<i64>,
    /// The plan's expected engagements of one deliverable.
    pub expected: Option<(f64, f64, f64)>,
    pub added_by: String,
    pub added_at: Timestamp,
}

/// A member to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember<'a> {
    pub channel_id: i64,
    pub stage: &'a str,
    pub fee_minor: Option<i64>,
    pub planned_minor: Option<i64>,
    pub expected: Option<(f64, f64, f64)>,
    pub by: &'a str,
}

/// A stage change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChangeRow {
    pub channel_id: i64,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub changed_by: String,
    pub changed_at: Timestamp,
}

/// A deliverable and the post it is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliverableRow {
    pub id: i64,
    pub channel_id: i64,
    pub kind: String,
    pub due_on: Option<Timestamp>,
    /// `planned`, `delivered` or `cancelled`.
    pub status: String,
    /// A post id, or the post's URL.
    pub post_ref: Option<String>,
    pub linked_by: Option<String>,
    pub linked_at: Option<Timestamp>,
}

/// A post as the campaign report reads it: current counts, content and history.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedPost {
    pub snapshot: PostSnapshot,
    pub url: Option<String>,
    pub caption: Option<String>,
    pub hashtags: Vec<String>,
    pub sponsored: Option<bool>,
    /// Every observation `(observed_at, engagements, views)`, oldest first.
    pub history: Vec<(Timestamp, u64, Option<u64>)>,
}

/// The newest conversion figures of one code or link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionRow {
    pub attribution: String,
    pub code: Option<String>,
    pub link: Option<String>,
    pub channel_id: Option<i64>,
    pub orders: u64,
    pub revenue_minor: i64,
    pub currency: String,
    pub observed_at: Timestamp,
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_unix)
}

impl Store {
    /// Creates a campaign and its first members in one transaction: a crash leaves the
    /// whole campaign or none of it.
    pub(crate) fn create_campaign_with_members(
        &mut self,
        c: &NewCampaign<'_>,
        members: &[NewMember<'_>],
        at: Timestamp,
    ) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let id = insert_campaign(&tx, c)?;
        insert_members(&tx, id, members, at)?;
        tx.commit()?;
        Ok(id)
    }

    fn campaign_where(&self, clause: &str, arg: &dyn rusqlite::ToSql) -> Result<Option<CampaignRow>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT id, name, goal, niche, starts_on, ends_on, budget_minor, currency, key_messages, disclosure,
                        created_by, created_at, plan FROM campaigns WHERE {clause}"
                ),
                [arg],
                |r| {
                    Ok(CampaignRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        goal: r.get(2)?,
                        niche: r.get(3)?,
                        starts_on: ts(r.get(4)?),
                        ends_on: ts(r.get(5)?),
                        budget_minor: r.get(6)?,
                        currency: r.get(7)?,
                        key_messages: r.get(8)?,
                        disclosure: r.get(9)?,
                        created_by: r.get(10)?,
                        created_at: Timestamp::from_unix(r.get(11)?),
                        plan: r.get(12)?,
                    })
                },
            )
            .optional()?)
    }

    /// A campaign by name (case-insensitive).
    pub(crate) fn campaign_by_name(&self, name: &str) -> Result<Option<CampaignRow>> {
        self.campaign_where("name = ?1", &name)
    }

    pub(crate) fn campaign(&self, id: i64) -> Result<Option<CampaignRow>> {
        self.campaign_where("id = ?1", &id)
    }

    /// Every campaign, newest first.
    pub(crate) fn campaigns(&self) -> Result<Vec<CampaignRow>> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT id FROM campaigns ORDER BY created_at DESC, id DESC")?;
            stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.campaign(id)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Replaces a campaign's brief (everything but who created it, when, and its plan).
    pub(crate) fn update_campaign(&self, id: i64, c: &NewCampaign<'_>) -> Result<bool> {
        let r = self.conn.execute(
            "UPDATE campaigns SET name = ?2, goal = ?3, niche = ?4, starts_on = ?5, ends_on = ?6, budget_minor = ?7,
                currency = ?8, key_messages = ?9, disclosure = ?10 WHERE id = ?1",
            params![
                id,
                c.name,
                c.goal,
                c.niche,
                c.starts_on.map(Timestamp::unix),
                c.ends_on.map(Timestamp::unix),
                c.budget_minor,
                c.currency,
                c.key_messages,
                c.disclosure
            ],
        );
        match r {
            Ok(n) => Ok(n > 0),
            Err(e) if crate::accounts::is_unique_violation(&e) => {
                Err(Error::Duplicate(format!("a campaign named '{}' exists", c.name)))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) fn delete_campaign(&self, id: i64) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM campaigns WHERE id = ?1", [id])? > 0)
    }

    /// Adds members at their stage (each recorded as its first stage change), in one
    /// transaction; returns how many were new (a channel already in is left as it is).
    pub(crate) fn add_members(&mut self, campaign_id: i64, members: &[NewMember<'_>], at: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let added = insert_members(&tx, campaign_id, members, at)?;
        tx.commit()?;
        Ok(added)
    }

    pub(crate) fn remove_member(&self, campaign_id: i64, channel_id: i64) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM campaign_members WHERE campaign_id = ?1 AND channel_id = ?2",
            params![campaign_id, channel_id],
        )? > 0)
    }

    /// Moves a member to `stage` and records who did it; `None` when not a member, `Some(false)`
    /// when it was already there.
    pub(crate) fn set_stage(
        &mut self,
        campaign_id: i64,
        channel_id: i64,
        stage: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<bool>> {
        let tx = self.conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT stage FROM campaign_members WHERE campaign_id = ?1 AND channel_id = ?2",
                params![campaign_id, channel_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(current) = current else { return Ok(None) };
        if current == stage {
            return Ok(Some(false));
        }
        tx.execute(
            "UPDATE campaign_members SET stage = ?3 WHERE campaign_id = ?1 AND channel_id = ?2",
            params![campaign_id, channel_id, stage],
        )?;
        tx.execute(
            "INSERT INTO stage_changes (campaign_id, channel_id, from_stage, to_stage, changed_by, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![campaign_id, channel_id, current, stage, by, at.unix()],
        )?;
        tx.commit()?;
        Ok(Some(true))
    }

    /// Sets (or clears) a member's agreed fee; false when not a member.
    pub(crate) fn set_fee(&self, campaign_id: i64, channel_id: i64, fee_minor: Option<i64>) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE campaign_members SET fee_minor = ?3 WHERE campaign_id = ?1 AND channel_id = ?2",
            params![campaign_id, channel_id, fee_minor],
        )? > 0)
    }

    /// Members in the order they were added.
    pub(crate) fn members(&self, campaign_id: i64) -> Result<Vec<MemberRow>> {
        let peers = self.peers()?;
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS}, cm.stage, cm.fee_minor, cm.planned_minor, cm.expected_p10, cm.expected_p50,
                cm.expected_p90, cm.added_by, cm.added_at {CHANNEL_FROM} JOIN campaign_members cm ON cm.channel_id = c.id
             WHERE cm.campaign_id = ?1 ORDER BY cm.added_at, c.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([campaign_id])?;
        let mut out = Vec::new();
        let n = crate::channels::channel_column_count();
        while let Some(r) = rows.next()? {
            let p10: Option<f64> = r.get(n + 3)?;
            let p50: Option<f64> = r.get(n + 4)?;
            let p90: Option<f64> = r.get(n + 5)?;
            out.push(MemberRow {
                channel: channel_row(r, &peers)?,
                stage: r.get(n)?,
                fee_minor: r.get(n + 1)?,
                planned_minor: r.get(n + 2)?,
                expected: match (p10, p50, p90) {
                    (Some(a), Some(b), Some(c)) => Some((a, b, c)),
                    _ => None,
                },
                added_by: r.get(n + 6)?,
                added_at: Timestamp::from_unix(r.get(n + 7)?),
            });
        }
        Ok(out)
    }

    /// One member's stage and agreed fee, without reading its channel; `None` when not a member.
    pub(crate) fn member_state(&self, campaign_id: i64, channel_id: i64) -> Result<Option<(String, Option<i64>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT stage, fee_minor FROM campaign_members WHERE campaign_id = ?1 AND channel_id = ?2",
                params![campaign_id, channel_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The campaigns a channel is in, by name, with its stage in each.
    pub(crate) fn campaigns_of_channel(&self, channel_id: i64) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.name, m.stage FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id
             WHERE m.channel_id = ?1 ORDER BY c.created_at DESC, c.id DESC",
        )?;
        let rows = stmt.query_map([channel_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every stage change of a campaign, oldest first.
    pub(crate) fn stage_changes(&self, campaign_id: i64) -> Result<Vec<StageChangeRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT channel_id, from_stage, to_stage, changed_by, changed_at FROM stage_changes
             WHERE campaign_id = ?1 ORDER BY changed_at, id",
        )?;
        let rows = stmt.query_map([campaign_id], |r| {
            Ok(StageChangeRow {
                channel_id: r.get(0)?,
                from_stage: r.get(1)?,
                to_stage: r.get(2)?,
                changed_by: r.get(3)?,
                changed_at: Timestamp::from_unix(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub(crate) fn add_deliverable(
        &self,
        campaign_id: i64,
        channel_id: i64,
        kind: &str,
        due_on: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO campaign_deliverables (campaign_id, channel_id, kind, due_on, status, created_at)
             VALUES (?1, ?2, ?3, ?4, 'planned', ?5)",
            params![campaign_id, channel_id, kind, due_on.map(Timestamp::unix), at.unix()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Links a deliverable to a post (id or URL) and marks it delivered; false when unknown.
    pub(crate) fn link_deliverable(
        &self,
        campaign_id: i64,
        id: i64,
        post_ref: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE campaign_deliverables SET post_ref = ?3, status = 'delivered', linked_by = ?4, linked_at = ?5
             WHERE campaign_id = ?1 AND id = ?2",
            params![campaign_id, id, post_ref, by, at.unix()],
        )? > 0)
    }

    /// Sets a deliverable's status (`planned`, `delivered`, `cancelled`); false when unknown.
    pub(crate) fn set_deliverable_status(&self, campaign_id: i64, id: i64, status: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "UPDATE campaign_deliverables SET status = ?3 WHERE campaign_id = ?1 AND id = ?2",
            params![campaign_id, id, status],
        )? > 0)
    }

    pub(crate) fn deliverables(&self, campaign_id: i64) -> Result<Vec<DeliverableRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, channel_id, kind, due_on, status, post_ref, linked_by, linked_at FROM campaign_deliverables
             WHERE campaign_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([campaign_id], |r| {
            Ok(DeliverableRow {
                id: r.get(0)?,
                channel_id: r.get(1)?,
                kind: r.get(2)?,
                due_on: ts(r.get(3)?),
                status: r.get(4)?,
                post_ref: r.get(5)?,
                linked_by: r.get(6)?,
                linked_at: ts(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The post of a channel with this id or URL, with its observation history.
    pub(crate) fn linked_post(&self, channel_id: i64, post_ref: &str) -> Result<Option<LinkedPost>> {
        let found = self
            .conn
            .query_row(
                "SELECT id, post_id, published_at, likes, comments, shares, views, url, caption, hashtags, sponsored
                 FROM posts WHERE channel_id = ?1 AND (post_id = ?2 OR url = ?2)
                 ORDER BY post_id = ?2 DESC LIMIT 1",
                params![channel_id, post_ref],
                |r| {
                    let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                        Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
                    };
                    Ok((
                        r.get::<_, i64>(0)?,
                        LinkedPost {
                            snapshot: PostSnapshot {
                                post_id: r.get(1)?,
                                published_at: Timestamp::from_unix(r.get(2)?),
                                likes: count(3)?,
                                comments: count(4)?,
                                shares: count(5)?,
                                views: count(6)?,
                            },
                            url: r.get(7)?,
                            caption: r.get(8)?,
                            hashtags: r
                                .get::<_, Option<String>>(9)?
                                .map(|h| h.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect())
                                .unwrap_or_default(),
                            sponsored: r.get(10)?,
                            history: Vec::new(),
                        },
                    ))
                },
            )
            .optional()?;
        let Some((post_ref_id, mut post)) = found else { return Ok(None) };
        let mut stmt = self.conn.prepare(
            "SELECT observed_at, likes, comments, shares, views FROM post_observations WHERE post_ref = ?1
             UNION ALL SELECT observed_at, likes, comments, shares, views FROM posts WHERE id = ?1
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([post_ref_id], |r| {
            let n = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64) };
            Ok((
                Timestamp::from_unix(r.get(0)?),
                n(1)?.saturating_add(n(2)?).saturating_add(n(3)?),
                r.get::<_, Option<i64>>(4)?.map(|v| v.max(0) as u64),
            ))
        })?;
        post.history = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(post))
    }

    /// Every code and link of a campaign (by name) with its figures: the newest running
    /// total, plus every order recorded one by one (rows with an `order_id`).
    pub(crate) fn conversions_of(&self, campaign: &str) -> Result<Vec<ConversionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT attribution, code, link, channel_id, orders, revenue_minor, currency, observed_at, order_id IS NOT NULL
             FROM conversions c WHERE campaign = ?1 AND (order_id IS NOT NULL OR observed_at =
                (SELECT max(observed_at) FROM conversions d
                 WHERE d.campaign = c.campaign AND d.attribution = c.attribution AND d.order_id IS NULL))
             ORDER BY attribution, observed_at",
        )?;
        let rows = stmt.query_map([campaign], |r| {
            Ok(ConversionRow {
                attribution: r.get(0)?,
                code: r.get(1)?,
                link: r.get(2)?,
                channel_id: r.get(3)?,
                orders: r.get::<_, i64>(4)?.max(0) as u64,
                revenue_minor: r.get(5)?,
                currency: r.get(6)?,
                observed_at: Timestamp::from_unix(r.get(7)?),
            })
        })?;
        let mut out: Vec<ConversionRow> = Vec::new();
        // One line per code or link and currency: the total and the orders added up.
        for row in rows {
            let row = row?;
            match out.iter_mut().find(|o| o.attribution == row.attribution && o.currency == row.currency) {
                Some(o) => {
                    o.orders = o.orders.saturating_add(row.orders);
                    o.revenue_minor = o.revenue_minor.saturating_add(row.revenue_minor);
                    o.observed_at = o.observed_at.max(row.observed_at);
                    if row.channel_id.is_some() {
                        o.channel_id = row.channel_id;
                    }
                }
                None => out.push(row),
            }
        }
        Ok(out)
    }
}

fn insert_campaign(conn: &rusqlite::Connection, c: &NewCampaign<'_>) -> Result<i64> {
    let r = conn.execute(
        "INSERT INTO campaigns (name, goal, niche, starts_on, ends_on, budget_minor, currency, key_messages,
            disclosure, created_by, created_at, plan)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            c.name,
            c.goal,
            c.niche,
            c.starts_on.map(Timestamp::unix),
            c.ends_on.map(Timestamp::unix),
            c.budget_minor,
            c.currency,
            c.key_messages,
            c.disclosure,
            c.created_by,
            c.created_at.unix(),
            c.plan
        ],
    );
    match r {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if crate::accounts::is_unique_violation(&e) => {
            Err(Error::Duplicate(format!("a campaign named '{}' exists", c.name)))
        }
        Err(e) => Err(e.into()),
    }
}

fn insert_members(
    tx: &rusqlite::Connection,
    campaign_id: i64,
    members: &[NewMember<'_>],
    at: Timestamp,
) -> Result<usize> {
    let mut added = 0;
    for m in members {
        let new = tx.execute(
            "INSERT INTO campaign_members (campaign_id, channel_id, stage, fee_minor, planned_minor, expected_p10,
                expected_p50, expected_p90, added_by, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
            params![
                campaign_id,
                m.channel_id,
                m.stage,
                m.fee_minor,
                m.planned_minor,
                m.expected.map(|e| e.0),
                m.expected.map(|e| e.1),
                m.expected.map(|e| e.2),
                m.by,
                at.unix()
            ],
        )? > 0;
        if new {
            tx.execute(
                "INSERT INTO stage_changes (campaign_id, channel_id, from_stage, to_stage, changed_by, changed_at)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
                params![campaign_id, m.channel_id, m.stage, m.by, at.unix()],
            )?;
            added += 1;
        }
    }
    Ok(added)
}
