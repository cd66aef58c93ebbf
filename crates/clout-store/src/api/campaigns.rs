//! [`CampaignStore`]: creators' profiles and notes, campaigns and everything in them, and
//! the user's deals, with the contract a backend meets; implemented here for SQLite's
//! [`Store`].

use clout_core::Timestamp;

use crate::{
    CampaignRow, ConversionRow, CreatorProfile, DealRow, DeliverableRow, LinkedPost, MemberRow, NewCampaign, NewMember,
    NoteRow, Result, ShareRow, StageChangeRow, Store,
};

/// The commercial side: what the user keeps about creators, their campaigns (a brief,
/// members at a pipeline stage with a fee, deliverables linked to posts) and the figures
/// imported for them (conversions, deals). The store keeps what it is given: stages,
/// statuses and kinds are the app's strings, and which moves are allowed is the app's.
///
/// A campaign's name is unique ignoring ASCII case. Deleting a campaign deletes its
/// members, stage history and deliverables; its conversions, keyed by the campaign's name
/// as imported, stay.
pub trait CampaignStore {
    /// A creator's contacts and tags (all empty when none were saved).
    fn creator_profile(&self, channel_id: i64) -> Result<CreatorProfile>;

    /// Saves a creator's contacts and tags, replacing what was saved.
    fn put_creator_profile(&self, channel_id: i64, p: &CreatorProfile) -> Result<()>;

    /// Adds a dated note about a creator and returns its id.
    fn add_creator_note(&self, channel_id: i64, body: &str, by: &str, at: Timestamp) -> Result<i64>;

    /// A creator's notes, newest first (equal times: the later written first).
    fn creator_notes(&self, channel_id: i64) -> Result<Vec<NoteRow>>;

    /// Creates a campaign with its first members ([`CampaignStore::add_members`]) in one
    /// transaction and returns its id: a crash leaves all of it or none.
    /// [`Error::Duplicate`](crate::Error::Duplicate) when the name is taken.
    fn create_campaign_with_members(
        &mut self,
        c: &NewCampaign<'_>,
        members: &[NewMember<'_>],
        at: Timestamp,
    ) -> Result<i64>;

    /// A campaign by name (ignoring ASCII case).
    fn campaign_by_name(&self, name: &str) -> Result<Option<CampaignRow>>;

    fn campaign(&self, id: i64) -> Result<Option<CampaignRow>>;

    /// Every campaign, newest first (by creation time, then id).
    fn campaigns(&self) -> Result<Vec<CampaignRow>>;

    /// Replaces a campaign's brief: everything but who created it, when, and its plan.
    /// `false` when there is no such campaign; [`Error::Duplicate`](crate::Error::Duplicate)
    /// when the new name is another campaign's.
    fn update_campaign(&self, id: i64, c: &NewCampaign<'_>) -> Result<bool>;

    /// Deletes a campaign with its members, stage history and deliverables; `false` when
    /// there is no such campaign.
    fn delete_campaign(&self, id: i64) -> Result<bool>;

    /// Adds members at their stage, each recorded as its first stage change (from none),
    /// in one transaction; a channel already in the campaign is left as it is. Returns how
    /// many were new.
    fn add_members(&mut self, campaign_id: i64, members: &[NewMember<'_>], at: Timestamp) -> Result<usize>;

    /// Takes a channel out of a campaign (its stage history and deliverables stay);
    /// `false` when it was not a member.
    fn remove_member(&self, campaign_id: i64, channel_id: i64) -> Result<bool>;

    /// Moves a member to `stage` and records the change with who made it, in one
    /// transaction: `None` when not a member, `Some(false)` when already at that stage
    /// (nothing recorded), `Some(true)` when moved.
    fn set_stage(
        &mut self,
        campaign_id: i64,
        channel_id: i64,
        stage: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<bool>>;

    /// Sets (or, with `None`, clears) a member's agreed fee; `false` when not a member.
    fn set_fee(&self, campaign_id: i64, channel_id: i64, fee_minor: Option<i64>) -> Result<bool>;

    /// A campaign's members with their channels, in the order they were added (equal
    /// times by channel id).
    fn members(&self, campaign_id: i64) -> Result<Vec<MemberRow>>;

    /// One member's stage and agreed fee, without its channel; `None` when not a member.
    fn member_state(&self, campaign_id: i64, channel_id: i64) -> Result<Option<(String, Option<i64>)>>;

    /// The campaigns a channel is in, as `(campaign name, its stage there)`, newest
    /// campaign first.
    fn campaigns_of_channel(&self, channel_id: i64) -> Result<Vec<(String, String)>>;

    /// Every stage change of a campaign, oldest first (equal times in the order recorded).
    fn stage_changes(&self, campaign_id: i64) -> Result<Vec<StageChangeRow>>;

    /// Adds a deliverable, planned, and returns its id.
    fn add_deliverable(
        &self,
        campaign_id: i64,
        channel_id: i64,
        kind: &str,
        due_on: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<i64>;

    /// Links a deliverable of this campaign to a post (an id or a URL), marks it delivered
    /// and records who did it; `false` when the campaign has no such deliverable.
    fn link_deliverable(&self, campaign_id: i64, id: i64, post_ref: &str, by: &str, at: Timestamp) -> Result<bool>;

    /// Sets a deliverable's status; `false` when the campaign has no such deliverable.
    fn set_deliverable_status(&self, campaign_id: i64, id: i64, status: &str) -> Result<bool>;

    /// A campaign's deliverables, in the order they were added.
    fn deliverables(&self, campaign_id: i64) -> Result<Vec<DeliverableRow>>;

    /// The post of a channel whose post id or URL is `post_ref` (a post id first), with
    /// its current observation and every observation oldest first as `(observed_at,
    /// likes + comments + shares with a hidden count as 0, views)`; `None` when none.
    fn linked_post(&self, channel_id: i64, post_ref: &str) -> Result<Option<LinkedPost>>;

    /// The conversions imported for a campaign (by name, ignoring ASCII case): one row per
    /// code or link and currency, holding its newest running total plus every order
    /// recorded one by one (with an order id), added up; by code or link.
    fn conversions_of(&self, campaign: &str) -> Result<Vec<ConversionRow>>;

    /// Every deal the user imported, oldest first (by the date agreed, then as imported).
    fn deals(&self) -> Result<Vec<DealRow>>;

    /// Stores a read-only link to a campaign's report (the hash of its secret and the
    /// secret's first characters) and returns its id; `None` when there is no such
    /// campaign. Deleting the campaign deletes its links.
    fn create_share(
        &self,
        campaign_id: i64,
        token_hash: &str,
        prefix: &str,
        by: Option<i64>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Option<i64>>;

    /// A campaign's links, newest first, revoked and expired ones included.
    fn shares_of(&self, campaign_id: i64) -> Result<Vec<ShareRow>>;

    /// The link whose secret has this hash, when it is neither revoked nor expired at `now`.
    fn live_share(&self, token_hash: &str, now: Timestamp) -> Result<Option<ShareRow>>;

    /// Revokes one of a campaign's links; `false` when it has no such link, or it was
    /// revoked already.
    fn revoke_share(&self, campaign_id: i64, share_id: i64, now: Timestamp) -> Result<bool>;
}

/// SQLite: each method is the inherent one of the same name.
impl CampaignStore for Store {
    fn creator_profile(&self, channel_id: i64) -> Result<CreatorProfile> {
        Store::creator_profile(self, channel_id)
    }

    fn put_creator_profile(&self, channel_id: i64, p: &CreatorProfile) -> Result<()> {
        Store::put_creator_profile(self, channel_id, p)
    }

    fn add_creator_note(&self, channel_id: i64, body: &str, by: &str, at: Timestamp) -> Result<i64> {
        Store::add_creator_note(self, channel_id, body, by, at)
    }

    fn creator_notes(&self, channel_id: i64) -> Result<Vec<NoteRow>> {
        Store::creator_notes(self, channel_id)
    }

    fn create_campaign_with_members(
        &mut self,
        c: &NewCampaign<'_>,
        members: &[NewMember<'_>],
        at: Timestamp,
    ) -> Result<i64> {
        Store::create_campaign_with_members(self, c, members, at)
    }

    fn campaign_by_name(&self, name: &str) -> Result<Option<CampaignRow>> {
        Store::campaign_by_name(self, name)
    }

    fn campaign(&self, id: i64) -> Result<Option<CampaignRow>> {
        Store::campaign(self, id)
    }

    fn campaigns(&self) -> Result<Vec<CampaignRow>> {
        Store::campaigns(self)
    }

    fn update_campaign(&self, id: i64, c: &NewCampaign<'_>) -> Result<bool> {
        Store::update_campaign(self, id, c)
    }

    fn delete_campaign(&self, id: i64) -> Result<bool> {
        Store::delete_campaign(self, id)
    }

    fn add_members(&mut self, campaign_id: i64, members: &[NewMember<'_>], at: Timestamp) -> Result<usize> {
        Store::add_members(self, campaign_id, members, at)
    }

    fn remove_member(&self, campaign_id: i64, channel_id: i64) -> Result<bool> {
        Store::remove_member(self, campaign_id, channel_id)
    }

    fn set_stage(
        &mut self,
        campaign_id: i64,
        channel_id: i64,
        stage: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<bool>> {
        Store::set_stage(self, campaign_id, channel_id, stage, by, at)
    }

    fn set_fee(&self, campaign_id: i64, channel_id: i64, fee_minor: Option<i64>) -> Result<bool> {
        Store::set_fee(self, campaign_id, channel_id, fee_minor)
    }

    fn members(&self, campaign_id: i64) -> Result<Vec<MemberRow>> {
        Store::members(self, campaign_id)
    }

    fn member_state(&self, campaign_id: i64, channel_id: i64) -> Result<Option<(String, Option<i64>)>> {
        Store::member_state(self, campaign_id, channel_id)
    }

    fn campaigns_of_channel(&self, channel_id: i64) -> Result<Vec<(String, String)>> {
        Store::campaigns_of_channel(self, channel_id)
    }

    fn stage_changes(&self, campaign_id: i64) -> Result<Vec<StageChangeRow>> {
        Store::stage_changes(self, campaign_id)
    }

    fn add_deliverable(
        &self,
        campaign_id: i64,
        channel_id: i64,
        kind: &str,
        due_on: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<i64> {
        Store::add_deliverable(self, campaign_id, channel_id, kind, due_on, at)
    }

    fn link_deliverable(&self, campaign_id: i64, id: i64, post_ref: &str, by: &str, at: Timestamp) -> Result<bool> {
        Store::link_deliverable(self, campaign_id, id, post_ref, by, at)
    }

    fn set_deliverable_status(&self, campaign_id: i64, id: i64, status: &str) -> Result<bool> {
        Store::set_deliverable_status(self, campaign_id, id, status)
    }

    fn deliverables(&self, campaign_id: i64) -> Result<Vec<DeliverableRow>> {
        Store::deliverables(self, campaign_id)
    }

    fn linked_post(&self, channel_id: i64, post_ref: &str) -> Result<Option<LinkedPost>> {
        Store::linked_post(self, channel_id, post_ref)
    }

    fn conversions_of(&self, campaign: &str) -> Result<Vec<ConversionRow>> {
        Store::conversions_of(self, campaign)
    }

    fn deals(&self) -> Result<Vec<DealRow>> {
        Store::deals(self)
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
        Store::create_share(self, campaign_id, token_hash, prefix, by, now, expires_at)
    }

    fn shares_of(&self, campaign_id: i64) -> Result<Vec<ShareRow>> {
        Store::shares_of(self, campaign_id)
    }

    fn live_share(&self, token_hash: &str, now: Timestamp) -> Result<Option<ShareRow>> {
        Store::live_share(self, token_hash, now)
    }

    fn revoke_share(&self, campaign_id: i64, share_id: i64, now: Timestamp) -> Result<bool> {
        Store::revoke_share(self, campaign_id, share_id, now)
    }
}
