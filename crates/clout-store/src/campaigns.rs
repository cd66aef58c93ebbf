//! Campaigns, their members, stage history, deliverables and conversions. The store
//! keeps what it is given; rules live above it.

use clout_core::{PostSnapshot, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::channels::{CHANNEL_COLUMNS, CHANNEL_FROM};
use crate::columns::{collect, first};
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

pub(crate) fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_unix)
}

mod rows;

pub use rows::*;

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
        let mut stmt = self.conn.prepare(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE {clause}"))?;
        first(stmt.query([arg])?, |r| campaign_row(r))
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
            "SELECT {CHANNEL_COLUMNS}, {MEMBER_COLUMNS} {CHANNEL_FROM} JOIN campaign_members cm ON cm.channel_id = c.id
             WHERE cm.campaign_id = ?1 ORDER BY cm.added_at, c.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        collect(stmt.query([campaign_id])?, |r| member_row(r, &peers))
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
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {STAGE_CHANGE_COLUMNS} FROM stage_changes WHERE campaign_id = ?1 ORDER BY changed_at, id"
        ))?;
        collect(stmt.query([campaign_id])?, |r| stage_change_row(r))
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
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DELIVERABLE_COLUMNS} FROM campaign_deliverables WHERE campaign_id = ?1 ORDER BY id"
        ))?;
        collect(stmt.query([campaign_id])?, |r| deliverable_row(r))
    }

    /// The post of a channel with this id or URL, with its observation history.
    pub(crate) fn linked_post(&self, channel_id: i64, post_ref: &str) -> Result<Option<LinkedPost>> {
        let found = {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {LINKED_POST_COLUMNS} FROM posts WHERE channel_id = ?1 AND (post_id = ?2 OR url = ?2)
                 ORDER BY post_id = ?2 DESC LIMIT 1"
            ))?;
            first(stmt.query(params![channel_id, post_ref])?, |r| linked_post_row(r))?
        };
        let Some((post_ref_id, mut post)) = found else { return Ok(None) };
        let mut stmt = self.conn.prepare(
            "SELECT observed_at, likes, comments, shares, views FROM post_observations WHERE post_ref = ?1
             UNION ALL SELECT observed_at, likes, comments, shares, views FROM posts WHERE id = ?1
             ORDER BY 1",
        )?;
        post.history = collect(stmt.query([post_ref_id])?, |r| post_point(r))?;
        Ok(Some(post))
    }

    /// Every code and link of a campaign (by name) with its figures: the newest running
    /// total, plus every order recorded one by one (rows with an `order_id`).
    pub(crate) fn conversions_of(&self, campaign: &str) -> Result<Vec<ConversionRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {CONVERSION_COLUMNS} FROM conversions c WHERE campaign = ?1 AND (order_id IS NOT NULL OR observed_at =
                (SELECT max(observed_at) FROM conversions d
                 WHERE d.campaign = c.campaign AND d.attribution = c.attribution AND d.order_id IS NULL))
             ORDER BY attribution, observed_at"
        ))?;
        Ok(merge_conversions(collect(stmt.query([campaign])?, |r| conversion_row(r))?))
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
