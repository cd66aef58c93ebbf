//! The campaign report: every member's figures against the plan, the deliverables with
//! their posts and disclosure, totals, conversions attributed or not, results over time
//! and the stage history; and the report as CSV.

use std::collections::{BTreeSet, HashMap};

use clout_core::campaign::{MemberInput, Versus, campaign_totals, is_disclosed, member_figures, within_dates};
use clout_core::money::{Currency, Money};
use clout_core::{TierPreset, Timestamp};
use clout_store::DeliverableRow;

use super::{Campaign, CampaignReport, DeliverableView, MemberReport, StageChange, stage_of};
use crate::{App, Error, Result};

impl App {
    /// The report: every member's figures, the deliverables with their posts and
    /// disclosure, the totals, attribution, and the results over time.
    pub fn campaign_report(&self, campaign: &str, now: Timestamp) -> Result<CampaignReport> {
        let c = self.campaign(campaign)?;
        let currency = c.brief.budget.currency;
        let zero = Money::zero(currency);
        let members = self.members(&c, TierPreset::Scrunch)?;
        let card = self.rate_card()?;
        let reference_of: HashMap<i64, String> = members
            .iter()
            .map(|m| (m.channel.row.id, format!("{}/{}", m.channel.row.platform, m.channel.row.handle)))
            .collect();

        let mut deliverables = Vec::new();
        for d in self.store.deliverables(c.id)? {
            deliverables.push(self.deliverable_view(&c, d, &reference_of, now)?);
        }

        // Conversions: the newest figures per code or link; a member's when it names one.
        let mut by_member: HashMap<i64, (Money, u64)> = HashMap::new();
        let mut unattributed = Vec::new();
        let mut excluded = Vec::new();
        let (mut other_revenue, mut other_orders) = (zero, 0u64);
        for conv in self.store.conversions_of(&c.brief.name)? {
            let Ok(cur) = Currency::parse(&conv.currency) else { continue };
            if cur != currency {
                let why = format!(
                    "in {cur}; the campaign is in {currency}, and amounts in two currencies are not mixed without a rate"
                );
                excluded.push((conv, why));
                continue;
            }
            let revenue = Money::new(conv.revenue_minor, currency);
            match conv.channel_id.filter(|id| reference_of.contains_key(id)) {
                Some(id) => {
                    let e = by_member.entry(id).or_insert((zero, 0));
                    e.0 = e.0.checked_add(revenue).map_err(|e| Error::Invalid(e.0))?;
                    e.1 = e.1.saturating_add(conv.orders);
                }
                None => {
                    other_revenue = other_revenue.checked_add(revenue).map_err(|e| Error::Invalid(e.0))?;
                    other_orders = other_orders.saturating_add(conv.orders);
                    unattributed.push(conv);
                }
            }
        }

        let mut reports = Vec::new();
        let mut figures_all = Vec::new();
        for m in members {
            let id = m.channel.row.id;
            let mine: Vec<&DeliverableView> =
                deliverables.iter().filter(|d| reference_of.get(&id) == Some(&d.channel)).collect();
            let planned = mine.iter().filter(|d| d.status != "cancelled").count();
            let posts: Vec<&clout_core::PostSnapshot> = mine
                .iter()
                .filter(|d| d.status == "delivered" && !d.outside_dates)
                .filter_map(|d| d.post.as_ref().map(|p| &p.snapshot))
                .collect();
            let undisclosed = mine.iter().filter(|d| d.disclosed == Some(false)).count();
            let (revenue, orders) = match by_member.get(&id) {
                Some((r, o)) => (Some(*r), *o),
                None => (None, 0),
            };
            let input = MemberInput { fee: m.fee, stage: m.stage, planned, posts, revenue, orders };
            let figures = member_figures(&input, &card.value, zero).map_err(|e| Error::Invalid(e.0))?;
            let versus_plan = match (m.expected, figures.delivered) {
                (Some((p10, _, p90)), n) if n > 0 => {
                    let per_post = figures.engagements as f64 / n as f64;
                    Some((per_post, Versus::of(per_post, p10, p90)))
                }
                _ => None,
            };
            figures_all.push(figures.clone());
            reports.push(MemberReport { member: m, figures, versus_plan, undisclosed });
        }
        let totals = campaign_totals(c.brief.budget, &figures_all, other_revenue, other_orders)
            .map_err(|e| Error::Invalid(e.0))?;

        // Results over time: at each observation time, the sum of every delivered post's
        // newest observation by then.
        let series: Vec<&Vec<(Timestamp, u64, Option<u64>)>> = deliverables
            .iter()
            .filter(|d| d.status == "delivered" && !d.outside_dates)
            .filter_map(|d| d.post.as_ref().map(|p| &p.history))
            .collect();
        let times: BTreeSet<Timestamp> = series.iter().flat_map(|h| h.iter().map(|(t, _, _)| *t)).collect();
        let timeline = times
            .into_iter()
            .map(|t| {
                let sum = series
                    .iter()
                    .map(|h| h.iter().take_while(|(at, _, _)| *at <= t).last().map_or(0, |(_, e, _)| *e))
                    .sum();
                (t, sum)
            })
            .collect();

        let history = self
            .store
            .stage_changes(c.id)?
            .into_iter()
            .map(|s| {
                Ok(StageChange {
                    channel: reference_of
                        .get(&s.channel_id)
                        .cloned()
                        .unwrap_or_else(|| format!("channel {}", s.channel_id)),
                    from: s.from_stage.as_deref().map(stage_of).transpose()?,
                    to: stage_of(&s.to_stage)?,
                    by: s.changed_by,
                    at: s.changed_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CampaignReport {
            campaign: c,
            members: reports,
            deliverables,
            totals,
            unattributed,
            excluded,
            timeline,
            history,
            value_table: card.origin,
        })
    }

    fn deliverable_view(
        &self,
        c: &Campaign,
        d: DeliverableRow,
        reference_of: &HashMap<i64, String>,
        now: Timestamp,
    ) -> Result<DeliverableView> {
        let post = match (&d.post_ref, d.status.as_str()) {
            (Some(r), "delivered") => self.store.linked_post(d.channel_id, r)?,
            _ => None,
        };
        let disclosed =
            post.as_ref().map(|p| is_disclosed(&c.brief.disclosure, p.caption.as_deref(), &p.hashtags, p.sponsored));
        let outside_dates =
            post.as_ref().is_some_and(|p| !within_dates(p.snapshot.published_at, c.brief.starts_on, c.brief.ends_on));
        Ok(DeliverableView {
            id: d.id,
            channel: reference_of.get(&d.channel_id).cloned().unwrap_or_else(|| format!("channel {}", d.channel_id)),
            kind: d.kind,
            due_on: d.due_on,
            // Due on a day: overdue once that whole day (UTC) has passed.
            overdue: d.status == "planned" && d.due_on.is_some_and(|t| t.unix().saturating_add(86_400) <= now.unix()),
            status: d.status,
            post_ref: d.post_ref,
            linked_by: d.linked_by,
            post,
            disclosed,
            outside_dates,
        })
    }

    /// The report as CSV: one line per member, then a totals line.
    pub fn campaign_report_csv(&self, campaign: &str, now: Timestamp) -> Result<String> {
        let r = self.campaign_report(campaign, now)?;
        let mut w = crate::csv_export::CsvExport::new();
        let header = [
            "platform",
            "handle",
            "stage",
            "fee",
            "currency",
            "planned_deliverables",
            "delivered",
            "engagements",
            "views",
            "cost_per_engagement",
            "cpm",
            "emv",
            "orders",
            "revenue",
            "roi",
            "undisclosed_posts",
        ];
        w.row(header)?;
        let opt = |x: Option<f64>| x.map(|v| format!("{v:.4}")).unwrap_or_default();
        for m in &r.members {
            let f = &m.figures;
            w.row([
                m.member.channel.row.platform.as_str().to_string(),
                m.member.channel.row.handle.clone(),
                m.member.stage.as_str().to_string(),
                m.member.fee.map(|f| f.decimal()).unwrap_or_default(),
                r.campaign.brief.budget.currency.as_str().to_string(),
                f.planned.to_string(),
                f.delivered.to_string(),
                f.engagements.to_string(),
                f.views.map(|v| v.to_string()).unwrap_or_default(),
                opt(f.cost_per_engagement),
                opt(f.cpm),
                format!("{:.2}", f.emv),
                f.orders.to_string(),
                f.revenue.map(|r| r.decimal()).unwrap_or_default(),
                opt(f.roi),
                m.undisclosed.to_string(),
            ])?;
        }
        let t = &r.totals;
        w.row([
            "total".to_string(),
            String::new(),
            String::new(),
            t.cost.decimal(),
            t.cost.currency.as_str().to_string(),
            t.planned.to_string(),
            t.delivered.to_string(),
            t.engagements.to_string(),
            t.views.map(|v| v.to_string()).unwrap_or_default(),
            opt(t.cost_per_engagement),
            opt(t.cpm),
            format!("{:.2}", t.emv),
            t.orders.to_string(),
            t.revenue.decimal(),
            opt(t.roi),
            r.members.iter().map(|m| m.undisclosed).sum::<usize>().to_string(),
        ])?;
        w.finish()
    }
}
