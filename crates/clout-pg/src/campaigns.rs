//! [`CampaignStore`] on PostgreSQL: creators' profiles and notes, campaigns with their
//! members, stages, deliverables, conversions and read-only links, and the user's deals.
//!
//! Per-channel rows (members, stage changes, deliverables, notes, deals) carry the
//! channel id first in their keys; campaigns and links are reference tables under Citus.

use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;
use clout_core::{Platform, Timestamp};
use clout_store::decode::{
    CAMPAIGN_COLUMNS, CHANNEL_COLUMNS, CHANNEL_FROM, CONVERSION_COLUMNS, Cells, DELIVERABLE_COLUMNS,
    LINKED_POST_COLUMNS, MEMBER_COLUMNS, SHARE_COLUMNS, STAGE_CHANGE_COLUMNS, campaign_row, conversion_row,
    deliverable_row, linked_post_row, member_row, merge_conversions, post_point, share_row, stage_change_row,
};
use clout_store::{
    CampaignRow, CampaignStore, ConversionRow, CreatorProfile, DealRow, DeliverableRow, Error, LinkedPost, MemberRow,
    NewCampaign, NewMember, NoteRow, Result, ShareRow, StageChangeRow,
};
use postgres::GenericClient;
use postgres::types::ToSql;

use crate::{PgRow, PgStore, db, is_unique_violation};

fn taken(name: &str) -> Error {
    Error::Duplicate(format!("a campaign named '{name}' exists"))
}

fn insert_campaign(client: &mut impl GenericClient, c: &NewCampaign<'_>) -> Result<i64> {
    let r = client.query_one(
        "INSERT INTO campaigns (name, goal, niche, starts_on, ends_on, budget_minor, currency, key_messages,
            disclosure, created_by, created_at, plan)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        &[
            &c.name,
            &c.goal,
            &c.niche,
            &c.starts_on.map(Timestamp::unix),
            &c.ends_on.map(Timestamp::unix),
            &c.budget_minor,
            &c.currency,
            &c.key_messages,
            &c.disclosure,
            &c.created_by,
            &c.created_at.unix(),
            &c.plan,
        ],
    );
    match r {
        Ok(row) => PgRow(&row).int_req(0),
        Err(e) if is_unique_violation(&e) => Err(taken(c.name)),
        Err(e) => Err(db(e)),
    }
}

/// Adds the members that are not in yet, each with its first stage change; how many.
fn insert_members(
    client: &mut impl GenericClient,
    campaign_id: i64,
    members: &[NewMember<'_>],
    at: Timestamp,
) -> Result<usize> {
    let mut added = 0;
    for m in members {
        let new = client
            .execute(
                "INSERT INTO campaign_members (channel_id, campaign_id, stage, fee_minor, planned_minor, expected_p10,
                    expected_p50, expected_p90, added_by, added_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
                &[
                    &m.channel_id,
                    &campaign_id,
                    &m.stage,
                    &m.fee_minor,
                    &m.planned_minor,
                    &m.expected.map(|e| e.0),
                    &m.expected.map(|e| e.1),
                    &m.expected.map(|e| e.2),
                    &m.by,
                    &at.unix(),
                ],
            )
            .map_err(db)?
            > 0;
        if new {
            client
                .execute(
                    "INSERT INTO stage_changes (channel_id, campaign_id, from_stage, to_stage, changed_by, changed_at)
                     VALUES ($1, $2, NULL, $3, $4, $5)",
                    &[&m.channel_id, &campaign_id, &m.stage, &m.by, &at.unix()],
                )
                .map_err(db)?;
            added += 1;
        }
    }
    Ok(added)
}

impl PgStore {
    fn campaign_where(&self, clause: &str, arg: &(dyn ToSql + Sync)) -> Result<Option<CampaignRow>> {
        self.row(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE {clause}"), &[arg])?
            .map(|r| campaign_row(&PgRow(&r)))
            .transpose()
    }
}

impl CampaignStore for PgStore {
    fn creator_profile(&self, channel_id: i64) -> Result<CreatorProfile> {
        let row =
            self.row("SELECT email, phone, agent, tags FROM creator_profiles WHERE channel_id = $1", &[&channel_id])?;
        let Some(row) = row else { return Ok(CreatorProfile::default()) };
        let r = PgRow(&row);
        Ok(CreatorProfile {
            email: r.text(0)?,
            phone: r.text(1)?,
            agent: r.text(2)?,
            tags: r.text_req(3)?.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect(),
        })
    }

    fn put_creator_profile(&self, channel_id: i64, p: &CreatorProfile) -> Result<()> {
        self.execute(
            "INSERT INTO creator_profiles (channel_id, email, phone, agent, tags) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (channel_id) DO UPDATE SET email = $2, phone = $3, agent = $4, tags = $5",
            &[&channel_id, &p.email, &p.phone, &p.agent, &p.tags.join(" ")],
        )?;
        Ok(())
    }

    fn add_creator_note(&self, channel_id: i64, body: &str, by: &str, at: Timestamp) -> Result<i64> {
        self.int(
            "INSERT INTO creator_notes (channel_id, body, written_by, written_at) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&channel_id, &body, &by, &at.unix()],
        )
    }

    fn creator_notes(&self, channel_id: i64) -> Result<Vec<NoteRow>> {
        self.rows(
            "SELECT id, body, written_by, written_at FROM creator_notes WHERE channel_id = $1
             ORDER BY written_at DESC, id DESC",
            &[&channel_id],
        )?
        .iter()
        .map(|r| {
            let r = PgRow(r);
            Ok(NoteRow {
                id: r.int_req(0)?,
                body: r.text_req(1)?,
                written_by: r.text_req(2)?,
                written_at: Timestamp::from_unix(r.int_req(3)?),
            })
        })
        .collect()
    }

    fn create_campaign_with_members(
        &mut self,
        c: &NewCampaign<'_>,
        members: &[NewMember<'_>],
        at: Timestamp,
    ) -> Result<i64> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        let id = insert_campaign(&mut tx, c)?;
        insert_members(&mut tx, id, members, at)?;
        tx.commit().map_err(db)?;
        Ok(id)
    }

    fn campaign_by_name(&self, name: &str) -> Result<Option<CampaignRow>> {
        self.campaign_where(r#"lower(name COLLATE "C") = lower($1::text COLLATE "C")"#, &name)
    }

    fn campaign(&self, id: i64) -> Result<Option<CampaignRow>> {
        self.campaign_where("id = $1", &id)
    }

    fn campaigns(&self) -> Result<Vec<CampaignRow>> {
        self.rows(&format!("SELECT {CAMPAIGN_COLUMNS} FROM campaigns ORDER BY created_at DESC, id DESC"), &[])?
            .iter()
            .map(|r| campaign_row(&PgRow(r)))
            .collect()
    }

    fn update_campaign(&self, id: i64, c: &NewCampaign<'_>) -> Result<bool> {
        let r = self.client().execute(
            "UPDATE campaigns SET name = $2, goal = $3, niche = $4, starts_on = $5, ends_on = $6, budget_minor = $7,
                currency = $8, key_messages = $9, disclosure = $10 WHERE id = $1",
            &[
                &id,
                &c.name,
                &c.goal,
                &c.niche,
                &c.starts_on.map(Timestamp::unix),
                &c.ends_on.map(Timestamp::unix),
                &c.budget_minor,
                &c.currency,
                &c.key_messages,
                &c.disclosure,
            ],
        );
        match r {
            Ok(n) => Ok(n > 0),
            Err(e) if is_unique_violation(&e) => Err(taken(c.name)),
            Err(e) => Err(db(e)),
        }
    }

    fn delete_campaign(&self, id: i64) -> Result<bool> {
        Ok(self.execute("DELETE FROM campaigns WHERE id = $1", &[&id])? > 0)
    }

    fn add_members(&mut self, campaign_id: i64, members: &[NewMember<'_>], at: Timestamp) -> Result<usize> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        let added = insert_members(&mut tx, campaign_id, members, at)?;
        tx.commit().map_err(db)?;
        Ok(added)
    }

    fn remove_member(&self, campaign_id: i64, channel_id: i64) -> Result<bool> {
        Ok(self.execute(
            "DELETE FROM campaign_members WHERE channel_id = $1 AND campaign_id = $2",
            &[&channel_id, &campaign_id],
        )? > 0)
    }

    fn set_stage(
        &mut self,
        campaign_id: i64,
        channel_id: i64,
        stage: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<bool>> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        // The member's row stays locked until the change is recorded: two nodes moving
        // it at once record two changes, each from the stage the other left.
        let current = tx
            .query_opt(
                "SELECT stage FROM campaign_members WHERE channel_id = $1 AND campaign_id = $2 FOR UPDATE",
                &[&channel_id, &campaign_id],
            )
            .map_err(db)?;
        let Some(current) = current else { return Ok(None) };
        let current: String = PgRow(&current).text_req(0)?;
        if current == stage {
            return Ok(Some(false));
        }
        tx.execute(
            "UPDATE campaign_members SET stage = $3 WHERE channel_id = $1 AND campaign_id = $2",
            &[&channel_id, &campaign_id, &stage],
        )
        .map_err(db)?;
        tx.execute(
            "INSERT INTO stage_changes (channel_id, campaign_id, from_stage, to_stage, changed_by, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&channel_id, &campaign_id, &current, &stage, &by, &at.unix()],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(Some(true))
    }

    fn set_fee(&self, campaign_id: i64, channel_id: i64, fee_minor: Option<i64>) -> Result<bool> {
        Ok(self.execute(
            "UPDATE campaign_members SET fee_minor = $3 WHERE channel_id = $1 AND campaign_id = $2",
            &[&channel_id, &campaign_id, &fee_minor],
        )? > 0)
    }

    fn members(&self, campaign_id: i64) -> Result<Vec<MemberRow>> {
        let peers = self.peers()?;
        self.rows(
            &format!(
                "SELECT {CHANNEL_COLUMNS}, {MEMBER_COLUMNS} {CHANNEL_FROM}
                 JOIN campaign_members cm ON cm.channel_id = c.id
                 WHERE cm.campaign_id = $1 ORDER BY cm.added_at, c.id"
            ),
            &[&campaign_id],
        )?
        .iter()
        .map(|r| member_row(&PgRow(r), &peers))
        .collect()
    }

    fn member_state(&self, campaign_id: i64, channel_id: i64) -> Result<Option<(String, Option<i64>)>> {
        let row = self.row(
            "SELECT stage, fee_minor FROM campaign_members WHERE channel_id = $1 AND campaign_id = $2",
            &[&channel_id, &campaign_id],
        )?;
        row.map(|r| Ok((PgRow(&r).text_req(0)?, PgRow(&r).int(1)?))).transpose()
    }

    fn campaigns_of_channel(&self, channel_id: i64) -> Result<Vec<(String, String)>> {
        self.rows(
            "SELECT c.name, m.stage FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id
             WHERE m.channel_id = $1 ORDER BY c.created_at DESC, c.id DESC",
            &[&channel_id],
        )?
        .iter()
        .map(|r| Ok((PgRow(r).text_req(0)?, PgRow(r).text_req(1)?)))
        .collect()
    }

    fn stage_changes(&self, campaign_id: i64) -> Result<Vec<StageChangeRow>> {
        self.rows(
            &format!("SELECT {STAGE_CHANGE_COLUMNS} FROM stage_changes WHERE campaign_id = $1 ORDER BY changed_at, id"),
            &[&campaign_id],
        )?
        .iter()
        .map(|r| stage_change_row(&PgRow(r)))
        .collect()
    }

    fn add_deliverable(
        &self,
        campaign_id: i64,
        channel_id: i64,
        kind: &str,
        due_on: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<i64> {
        self.int(
            "INSERT INTO campaign_deliverables (channel_id, campaign_id, kind, due_on, status, created_at)
             VALUES ($1, $2, $3, $4, 'planned', $5) RETURNING id",
            &[&channel_id, &campaign_id, &kind, &due_on.map(Timestamp::unix), &at.unix()],
        )
    }

    fn link_deliverable(&self, campaign_id: i64, id: i64, post_ref: &str, by: &str, at: Timestamp) -> Result<bool> {
        Ok(self.execute(
            "UPDATE campaign_deliverables SET post_ref = $3, status = 'delivered', linked_by = $4, linked_at = $5
             WHERE campaign_id = $1 AND id = $2",
            &[&campaign_id, &id, &post_ref, &by, &at.unix()],
        )? > 0)
    }

    fn set_deliverable_status(&self, campaign_id: i64, id: i64, status: &str) -> Result<bool> {
        Ok(self.execute(
            "UPDATE campaign_deliverables SET status = $3 WHERE campaign_id = $1 AND id = $2",
            &[&campaign_id, &id, &status],
        )? > 0)
    }

    fn deliverables(&self, campaign_id: i64) -> Result<Vec<DeliverableRow>> {
        self.rows(
            &format!("SELECT {DELIVERABLE_COLUMNS} FROM campaign_deliverables WHERE campaign_id = $1 ORDER BY id"),
            &[&campaign_id],
        )?
        .iter()
        .map(|r| deliverable_row(&PgRow(r)))
        .collect()
    }

    fn linked_post(&self, channel_id: i64, post_ref: &str) -> Result<Option<LinkedPost>> {
        let found = self.row(
            &format!(
                "SELECT {LINKED_POST_COLUMNS} FROM posts WHERE channel_id = $1 AND (post_id = $2 OR url = $2)
                 ORDER BY post_id = $2 DESC LIMIT 1"
            ),
            &[&channel_id, &post_ref],
        )?;
        let Some((row_id, mut post)) = found.map(|r| linked_post_row(&PgRow(&r))).transpose()? else {
            return Ok(None);
        };
        post.history = self
            .rows(
                "SELECT observed_at, likes, comments, shares, views FROM post_observations
                 WHERE channel_id = $1 AND post_ref = $2
                 UNION ALL SELECT observed_at, likes, comments, shares, views FROM posts
                 WHERE channel_id = $1 AND id = $2
                 ORDER BY 1",
                &[&channel_id, &row_id],
            )?
            .iter()
            .map(|r| post_point(&PgRow(r)))
            .collect::<Result<_>>()?;
        Ok(Some(post))
    }

    fn conversions_of(&self, campaign: &str) -> Result<Vec<ConversionRow>> {
        let rows = self.rows(
            &format!(
                r#"SELECT {CONVERSION_COLUMNS} FROM conversions c
                   WHERE lower(campaign COLLATE "C") = lower($1::text COLLATE "C") AND (order_id IS NOT NULL OR observed_at =
                      (SELECT max(observed_at) FROM conversions d
                       WHERE lower(d.campaign COLLATE "C") = lower(c.campaign COLLATE "C")
                         AND d.attribution = c.attribution AND d.order_id IS NULL))
                   ORDER BY attribution, observed_at"#
            ),
            &[&campaign],
        )?;
        Ok(merge_conversions(rows.iter().map(|r| conversion_row(&PgRow(r))).collect::<Result<Vec<_>>>()?))
    }

    fn deals(&self) -> Result<Vec<DealRow>> {
        self.rows(
            "SELECT d.channel_id, c.platform, c.handle, d.deliverable, d.fee_minor, d.currency, d.agreed_at, s.path
             FROM deals d JOIN channels c ON c.id = d.channel_id JOIN sources s ON s.id = d.source_id
             ORDER BY d.agreed_at, d.id",
            &[],
        )?
        .iter()
        .map(|r| {
            let r = PgRow(r);
            let deliverable = r.text_req(3)?;
            let currency = r.text_req(5)?;
            Ok(DealRow {
                channel_id: r.int_req(0)?,
                platform: Platform::parse(&r.text_req(1)?).map_err(|e| Error::Corrupt(e.to_string()))?,
                handle: r.text_req(2)?,
                deliverable: Deliverable::parse(&deliverable)
                    .ok_or_else(|| Error::Corrupt(format!("deliverable '{deliverable}'")))?,
                fee: Money::new(
                    r.int_req(4)?,
                    Currency::parse(&currency).map_err(|_| Error::Corrupt(format!("currency '{currency}'")))?,
                ),
                agreed_at: Timestamp::from_unix(r.int_req(6)?),
                source: r.text_req(7)?,
            })
        })
        .collect()
    }

    fn create_share(
        &self,
        campaign_id: i64,
        token_hash: &str,
        prefix: &str,
        by: Option<i64>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Option<i64>> {
        let r = self.client().query_opt(
            "INSERT INTO campaign_shares (campaign_id, token_hash, prefix, created_by, created_at, expires_at)
             SELECT id, $2, $3, $4, $5, $6 FROM campaigns WHERE id = $1 RETURNING id",
            &[&campaign_id, &token_hash, &prefix, &by, &now.unix(), &expires_at.unix()],
        );
        match r {
            Ok(row) => row.map(|r| PgRow(&r).int_req(0)).transpose(),
            Err(e) if is_unique_violation(&e) => Err(Error::Duplicate("share link".to_string())),
            Err(e) => Err(db(e)),
        }
    }

    fn shares_of(&self, campaign_id: i64) -> Result<Vec<ShareRow>> {
        self.rows(
            &format!(
                "SELECT {SHARE_COLUMNS} FROM campaign_shares s LEFT JOIN users u ON u.id = s.created_by
                 WHERE s.campaign_id = $1 ORDER BY s.id DESC"
            ),
            &[&campaign_id],
        )?
        .iter()
        .map(|r| share_row(&PgRow(r)))
        .collect()
    }

    fn live_share(&self, token_hash: &str, now: Timestamp) -> Result<Option<ShareRow>> {
        self.row(
            &format!(
                "SELECT {SHARE_COLUMNS} FROM campaign_shares s LEFT JOIN users u ON u.id = s.created_by
                 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"
            ),
            &[&token_hash, &now.unix()],
        )?
        .map(|r| share_row(&PgRow(&r)))
        .transpose()
    }

    fn revoke_share(&self, campaign_id: i64, share_id: i64, now: Timestamp) -> Result<bool> {
        Ok(self.execute(
            "UPDATE campaign_shares SET revoked_at = $3 WHERE id = $2 AND campaign_id = $1 AND revoked_at IS NULL",
            &[&campaign_id, &share_id, &now.unix()],
        )? > 0)
    }
}
