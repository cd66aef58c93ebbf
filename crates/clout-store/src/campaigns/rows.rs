//! Reading a campaign's rows (the campaign, its members, stage changes, deliverables,
//! conversions and linked posts) in the store's types, for either backend; with the
//! columns each reader expects.

use clout_core::{PostSnapshot, Timestamp};

use super::{CampaignRow, ConversionRow, DeliverableRow, LinkedPost, MemberRow, StageChangeRow, ts};
use crate::Result;
use crate::channels::channel_row;
use crate::columns::Cells;

/// A campaign's columns for [`campaign_row`], from `campaigns`.
pub const CAMPAIGN_COLUMNS: &str = "id, name, goal, niche, starts_on, ends_on, budget_minor, currency, key_messages,
    disclosure, created_by, created_at, plan";

/// A campaign of [`CAMPAIGN_COLUMNS`].
pub fn campaign_row<R: Cells + ?Sized>(r: &R) -> Result<CampaignRow> {
    Ok(CampaignRow {
        id: r.int_req(0)?,
        name: r.text_req(1)?,
        goal: r.text_req(2)?,
        niche: r.text(3)?,
        starts_on: ts(r.int(4)?),
        ends_on: ts(r.int(5)?),
        budget_minor: r.int_req(6)?,
        currency: r.text_req(7)?,
        key_messages: r.text_req(8)?,
        disclosure: r.text_req(9)?,
        created_by: r.text_req(10)?,
        created_at: Timestamp::from_unix(r.int_req(11)?),
        plan: r.text(12)?,
    })
}

/// A member's columns after [`CHANNEL_COLUMNS`] for [`member_row`], from
/// `campaign_members cm`.
pub const MEMBER_COLUMNS: &str = "cm.stage, cm.fee_minor, cm.planned_minor, cm.expected_p10, cm.expected_p50,
    cm.expected_p90, cm.added_by, cm.added_at";

/// A member of [`CHANNEL_COLUMNS`] then [`MEMBER_COLUMNS`].
pub fn member_row<R: Cells + ?Sized>(r: &R, peers: &clout_core::benchmark::Peers) -> Result<MemberRow> {
    let n = crate::channels::channel_column_count();
    Ok(MemberRow {
        channel: channel_row(r, peers)?,
        stage: r.text_req(n)?,
        fee_minor: r.int(n + 1)?,
        planned_minor: r.int(n + 2)?,
        expected: match (r.real(n + 3)?, r.real(n + 4)?, r.real(n + 5)?) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            _ => None,
        },
        added_by: r.text_req(n + 6)?,
        added_at: Timestamp::from_unix(r.int_req(n + 7)?),
    })
}

/// A stage change's columns for [`stage_change_row`], from `stage_changes`.
pub const STAGE_CHANGE_COLUMNS: &str = "channel_id, from_stage, to_stage, changed_by, changed_at";

/// A stage change of [`STAGE_CHANGE_COLUMNS`].
pub fn stage_change_row<R: Cells + ?Sized>(r: &R) -> Result<StageChangeRow> {
    Ok(StageChangeRow {
        channel_id: r.int_req(0)?,
        from_stage: r.text(1)?,
        to_stage: r.text_req(2)?,
        changed_by: r.text_req(3)?,
        changed_at: Timestamp::from_unix(r.int_req(4)?),
    })
}

/// A deliverable's columns for [`deliverable_row`], from `campaign_deliverables`.
pub const DELIVERABLE_COLUMNS: &str = "id, channel_id, kind, due_on, status, post_ref, linked_by, linked_at";

/// A deliverable of [`DELIVERABLE_COLUMNS`].
pub fn deliverable_row<R: Cells + ?Sized>(r: &R) -> Result<DeliverableRow> {
    Ok(DeliverableRow {
        id: r.int_req(0)?,
        channel_id: r.int_req(1)?,
        kind: r.text_req(2)?,
        due_on: ts(r.int(3)?),
        status: r.text_req(4)?,
        post_ref: r.text(5)?,
        linked_by: r.text(6)?,
        linked_at: ts(r.int(7)?),
    })
}

/// A conversion's columns for [`conversion_row`], from `conversions`.
pub const CONVERSION_COLUMNS: &str =
    "attribution, code, link, channel_id, orders, revenue_minor, currency, observed_at";

/// A conversion of [`CONVERSION_COLUMNS`].
pub fn conversion_row<R: Cells + ?Sized>(r: &R) -> Result<ConversionRow> {
    Ok(ConversionRow {
        attribution: r.text_req(0)?,
        code: r.text(1)?,
        link: r.text(2)?,
        channel_id: r.int(3)?,
        orders: r.int_req(4)?.max(0) as u64,
        revenue_minor: r.int_req(5)?,
        currency: r.text_req(6)?,
        observed_at: Timestamp::from_unix(r.int_req(7)?),
    })
}

/// The conversion rows of a campaign (each code or link's newest running total and its
/// orders one by one, by attribution) as one line per code or link and currency, the
/// total and the orders added up.
pub fn merge_conversions(rows: impl IntoIterator<Item = ConversionRow>) -> Vec<ConversionRow> {
    let mut out: Vec<ConversionRow> = Vec::new();
    for row in rows {
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
    out
}

/// A linked post's columns for [`linked_post_row`], from `posts`.
pub const LINKED_POST_COLUMNS: &str =
    "id, post_id, published_at, likes, comments, shares, views, url, caption, hashtags, sponsored";

/// A post of [`LINKED_POST_COLUMNS`] (its row id, and the post without its history).
pub fn linked_post_row<R: Cells + ?Sized>(r: &R) -> Result<(i64, LinkedPost)> {
    let count = |i: usize| -> Result<Option<u64>> { Ok(r.int(i)?.map(|v| v.max(0) as u64)) };
    Ok((
        r.int_req(0)?,
        LinkedPost {
            snapshot: PostSnapshot {
                post_id: r.text_req(1)?,
                published_at: Timestamp::from_unix(r.int_req(2)?),
                likes: count(3)?,
                comments: count(4)?,
                shares: count(5)?,
                views: count(6)?,
            },
            url: r.text(7)?,
            caption: r.text(8)?,
            hashtags: r
                .text(9)?
                .map(|h| h.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect())
                .unwrap_or_default(),
            sponsored: r.flag(10)?,
            history: Vec::new(),
        },
    ))
}

/// One observation of a linked post, `observed_at, likes, comments, shares, views`: its
/// time, engagements (a hidden count as 0) and views.
pub fn post_point<R: Cells + ?Sized>(r: &R) -> Result<(Timestamp, u64, Option<u64>)> {
    let n = |i: usize| -> Result<u64> { Ok(r.int(i)?.unwrap_or(0).max(0) as u64) };
    Ok((
        Timestamp::from_unix(r.int_req(0)?),
        n(1)?.saturating_add(n(2)?).saturating_add(n(3)?),
        r.int(4)?.map(|v| v.max(0) as u64),
    ))
}
