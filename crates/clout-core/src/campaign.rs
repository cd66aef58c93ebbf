//! Campaigns: the pipeline of a creator in a campaign, the disclosure check, and the
//! report's arithmetic (docs/campaigns.md).
//!
//! Money stays exact: fees, cost and revenue are [`Money`] in the campaign's currency, and
//! adding another currency is an error. Ratios (cost per engagement, CPM, ROI) are `f64`
//! computed from the exact amounts.

use crate::engagement::PostSnapshot;
use crate::money::{Money, MoneyError};
use crate::price::ValueTable;

/// Where a creator stands in one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Prospect,
    Contacted,
    Negotiating,
    Contracted,
    ContentLive,
    Paid,
    Declined,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Prospect,
        Stage::Contacted,
        Stage::Negotiating,
        Stage::Contracted,
        Stage::ContentLive,
        Stage::Paid,
        Stage::Declined,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Contacted => "contacted",
            Stage::Negotiating => "negotiating",
            Stage::Contracted => "contracted",
            Stage::ContentLive => "content_live",
            Stage::Paid => "paid",
            Stage::Declined => "declined",
        }
    }

    pub fn parse(raw: &str) -> Option<Stage> {
        let t = raw.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Stage::ALL.into_iter().find(|s| s.as_str() == t || (t == "live" && *s == Stage::ContentLive))
    }

    /// Whether the member's fee is committed: contracted, live or paid.
    pub const fn commits_fee(self) -> bool {
        matches!(self, Stage::Contracted | Stage::ContentLive | Stage::Paid)
    }
}

/// Whether a post carries the required disclosure (such as `#ad`): the disclosure appears in
/// its caption or among its hashtags, ignoring case; a `#tag` also matches the bare hashtag,
/// and a platform's paid-partnership flag (`sponsored`) counts as disclosed.
pub fn is_disclosed(required: &str, caption: Option<&str>, hashtags: &[String], sponsored: Option<bool>) -> bool {
    let required = required.trim();
    if required.is_empty() || sponsored == Some(true) {
        return true;
    }
    let lower = required.to_lowercase();
    let bare = lower.trim_start_matches('#');
    if hashtags.iter().any(|h| h.trim_start_matches('#').eq_ignore_ascii_case(bare)) {
        return true;
    }
    let Some(caption) = caption else { return false };
    let caption = caption.to_lowercase();
    // A whole word: `#ad` must not match inside `#adventure`.
    caption.match_indices(&lower).any(|(i, m)| {
        let after = caption[i + m.len()..].chars().next();
        let before = caption[..i].chars().next_back();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// What one member's report needs.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInput<'a> {
    /// The agreed fee, once agreed.
    pub fee: Option<Money>,
    pub stage: Stage,
    /// Deliverables planned (not cancelled).
    pub planned: usize,
    /// The current counts of the posts linked to its deliverables.
    pub posts: Vec<&'a PostSnapshot>,
    /// Revenue attributed to this member (its code or link), in the campaign's currency.
    pub revenue: Option<Money>,
    pub orders: u64,
}

/// One member's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFigures {
    pub delivered: usize,
    pub planned: usize,
    pub engagements: u64,
    /// `None` when no linked post has views.
    pub views: Option<u64>,
    /// The committed fee (0 before it is agreed or when declined).
    pub cost: Money,
    pub cost_per_engagement: Option<f64>,
    pub cpm: Option<f64>,
    /// Earned media value from the value table (labelled EMV; never ROI).
    pub emv: f64,
    pub revenue: Option<Money>,
    pub orders: u64,
    /// `(revenue − cost) / cost`, when both are known and cost is not zero.
    pub roi: Option<f64>,
}

/// Engagements, views and EMV of posts.
fn post_totals(posts: &[&PostSnapshot], value: &ValueTable) -> (u64, Option<u64>, f64) {
    let engagements = posts.iter().fold(0u64, |acc, p| acc.saturating_add(p.engagements()));
    let views =
        posts.iter().filter_map(|p| p.views).fold(None, |acc: Option<u64>, v| Some(acc.unwrap_or(0).saturating_add(v)));
    let emv = posts
        .iter()
        .map(|p| {
            p.likes.unwrap_or(0) as f64 * value.like
                + p.comments.unwrap_or(0) as f64 * value.comment
                + p.shares.unwrap_or(0) as f64 * value.share
                + p.views.unwrap_or(0) as f64 * value.view
        })
        .sum::<f64>()
        + 0.0;
    (engagements, views, emv)
}

fn ratio(m: Money, n: u64) -> Option<f64> {
    (n > 0).then(|| m.major() / n as f64)
}

/// `(revenue − cost) / cost`, exact up to the final division.
pub fn roi(revenue: Money, cost: Money) -> Result<Option<f64>, MoneyError> {
    let gain = revenue.checked_sub(cost)?;
    Ok((cost.minor != 0).then(|| gain.minor as f64 / cost.minor as f64))
}

/// The report of one member, in the campaign's currency `zero.currency`.
/// Whether a post published at `published_at` counts for a campaign running from the start
/// of `starts_on`'s day to the end of `ends_on`'s (UTC); an open end holds anything.
pub fn within_dates(
    published_at: crate::Timestamp,
    starts_on: Option<crate::Timestamp>,
    ends_on: Option<crate::Timestamp>,
) -> bool {
    let day = crate::time::DAY;
    let t = published_at.unix();
    starts_on.is_none_or(|s| t >= s.unix().div_euclid(day) * day)
        && ends_on.is_none_or(|e| t < (e.unix().div_euclid(day) + 1) * day)
}

#[cfg(test)]
#[test]
fn a_campaign_runs_from_the_start_of_its_first_day_to_the_end_of_its_last() {
    use crate::Timestamp;
    let at = Timestamp::from_unix;
    // 2026-11-15 and 2026-11-30, as stored: any time within those days.
    let (starts, ends) = (Some(at(1_794_700_800 + 3_600)), Some(at(1_795_996_800)));
    assert_eq!((starts.unwrap().date(), ends.unwrap().date()), ("2026-11-15".to_string(), "2026-11-30".to_string()));
    assert!(!within_dates(at(1_794_700_800 - 1), starts, ends), "the 14th, 23:59:59");
    assert!(within_dates(at(1_794_700_800), starts, ends), "the 15th, 00:00:00");
    assert!(within_dates(at(1_795_996_800 + 86_399), starts, ends), "the 30th, 23:59:59");
    assert!(!within_dates(at(1_795_996_800 + 86_400), starts, ends), "1 December");
    assert!(within_dates(at(0), None, None), "open dates hold anything");
}

pub fn member_figures(input: &MemberInput<'_>, value: &ValueTable, zero: Money) -> Result<MemberFigures, MoneyError> {
    let (engagements, views, emv) = post_totals(&input.posts, value);
    let cost = match input.fee {
        Some(fee) if input.stage.commits_fee() => zero.checked_add(fee)?,
        _ => zero,
    };
    let roi = match input.revenue {
        Some(r) => roi(r, cost)?,
        None => None,
    };
    Ok(MemberFigures {
        delivered: input.posts.len(),
        planned: input.planned,
        engagements,
        views,
        cost,
        cost_per_engagement: ratio(cost, engagements).filter(|_| cost.minor > 0),
        cpm: views.and_then(|v| ratio(cost, v)).filter(|_| cost.minor > 0).map(|x| x * 1000.0),
        emv,
        revenue: input.revenue,
        orders: input.orders,
        roi,
    })
}

/// The campaign's totals from its members' figures plus revenue not attributed to any
/// member (a campaign-wide code or link).
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignTotals {
    pub budget: Money,
    pub cost: Money,
    pub left: Money,
    pub planned: usize,
    pub delivered: usize,
    pub engagements: u64,
    pub views: Option<u64>,
    pub cost_per_engagement: Option<f64>,
    pub cpm: Option<f64>,
    pub emv: f64,
    pub revenue: Money,
    pub orders: u64,
    pub roi: Option<f64>,
}

/// Adds up the members; `other_revenue` is the campaign's revenue not tied to a member.
pub fn campaign_totals(
    budget: Money,
    members: &[MemberFigures],
    other_revenue: Money,
    other_orders: u64,
) -> Result<CampaignTotals, MoneyError> {
    let mut cost = Money::zero(budget.currency);
    let mut revenue = Money::zero(budget.currency).checked_add(other_revenue)?;
    let mut orders = other_orders;
    let (mut engagements, mut views, mut emv, mut planned, mut delivered) = (0u64, None::<u64>, 0.0, 0, 0);
    for m in members {
        cost = cost.checked_add(m.cost)?;
        if let Some(r) = m.revenue {
            revenue = revenue.checked_add(r)?;
        }
        orders = orders.saturating_add(m.orders);
        engagements = engagements.saturating_add(m.engagements);
        if let Some(v) = m.views {
            views = Some(views.unwrap_or(0).saturating_add(v));
        }
        emv += m.emv;
        planned += m.planned;
        delivered += m.delivered;
    }
    let has_revenue = revenue.minor != 0 || orders > 0 || members.iter().any(|m| m.revenue.is_some());
    Ok(CampaignTotals {
        budget,
        cost,
        left: budget.checked_sub(cost)?,
        planned,
        delivered,
        engagements,
        views,
        cost_per_engagement: ratio(cost, engagements).filter(|_| cost.minor > 0),
        cpm: views.and_then(|v| ratio(cost, v)).filter(|_| cost.minor > 0).map(|x| x * 1000.0),
        emv,
        revenue,
        orders,
        roi: if has_revenue { roi(revenue, cost)? } else { None },
    })
}

/// How the actual result of a deliverable compares with the plan's P10–P90.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versus {
    Below,
    Within,
    Above,
}

impl Versus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Versus::Below => "below",
            Versus::Within => "within",
            Versus::Above => "above",
        }
    }

    pub fn of(actual: f64, p10: f64, p90: f64) -> Versus {
        if actual < p10 {
            Versus::Below
        } else if actual > p90 {
            Versus::Above
        } else {
            Versus::Within
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::time::Timestamp;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    fn post(likes: u64, comments: u64, views: Option<u64>) -> PostSnapshot {
        PostSnapshot {
            post_id: "1".into(),
            published_at: Timestamp::from_unix(0),
            likes: Some(likes),
            comments: Some(comments),
            shares: None,
            views,
        }
    }

    const VALUE: ValueTable = ValueTable { like: 0.2, comment: 3.0, share: 2.0, view: 0.01 };

    #[test]
    fn stages_read_their_names() {
        assert_eq!(Stage::parse("Content live"), Some(Stage::ContentLive));
        assert_eq!(Stage::parse("live"), Some(Stage::ContentLive));
        assert_eq!(Stage::parse("signed"), None);
        assert!(Stage::Paid.commits_fee() && !Stage::Negotiating.commits_fee() && !Stage::Declined.commits_fee());
    }

    #[test]
    fn disclosure_is_a_whole_word_a_hashtag_or_the_platform_flag() {
        assert!(is_disclosed("#ad", Some("Loving this serum #AD"), &[], None));
        assert!(is_disclosed("#ad", None, &["ad".into()], None));
        assert!(!is_disclosed("#ad", Some("my #adventure begins"), &["adventure".into()], None));
        assert!(!is_disclosed("#ad", Some("no tag here"), &[], Some(false)));
        assert!(is_disclosed("#ad", Some("no tag here"), &[], Some(true)));
        assert!(is_disclosed("Paid partnership", Some("paid partnership with @brand"), &[], None));
        assert!(is_disclosed("", None, &[], None));
    }

    #[test]
    fn a_member_report_by_hand() {
        // Two posts: 180 + 20 and 90 + 10 engagements; views 5,000 and unknown.
        let (a, b) = (post(180, 20, Some(5_000)), post(90, 10, None));
        let input = MemberInput {
            fee: Some(usd(15_000)),
            stage: Stage::ContentLive,
            planned: 3,
            posts: vec![&a, &b],
            revenue: Some(usd(60_000)),
            orders: 12,
        };
        let f = member_figures(&input, &VALUE, usd(0)).unwrap();
        assert_eq!((f.delivered, f.planned, f.engagements, f.views), (2, 3, 300, Some(5_000)));
        // $150 / 300 = $0.50 per engagement; $150 / 5,000 × 1,000 = $30 CPM.
        assert_eq!(f.cost_per_engagement, Some(0.5));
        assert_eq!(f.cpm, Some(30.0));
        // EMV: 270 likes × 0.2 + 30 comments × 3 + 5,000 views × 0.01 = 54 + 90 + 50 = 194.
        assert!((f.emv - 194.0).abs() < 1e-9);
        // ROI: (600 − 150) / 150 = 3.
        assert_eq!(f.roi, Some(3.0));
        // Not yet contracted: the fee costs nothing yet.
        let f = member_figures(&MemberInput { stage: Stage::Negotiating, ..input.clone() }, &VALUE, usd(0)).unwrap();
        assert_eq!((f.cost, f.cost_per_engagement, f.roi), (usd(0), None, None));
        // A fee in euros cannot be added to a dollar campaign.
        let eur = Money::new(100, Currency::parse("EUR").unwrap());
        assert!(member_figures(&MemberInput { fee: Some(eur), ..input }, &VALUE, usd(0)).is_err());
    }

    #[test]
    fn campaign_totals_add_up_exactly() {
        let (a, b) = (post(180, 20, Some(5_000)), post(90, 10, None));
        let m1 = member_figures(
            &MemberInput {
                fee: Some(usd(10_001)),
                stage: Stage::Paid,
                planned: 1,
                posts: vec![&a],
                revenue: None,
                orders: 0,
            },
            &VALUE,
            usd(0),
        )
        .unwrap();
        let m2 = member_figures(
            &MemberInput {
                fee: Some(usd(20_002)),
                stage: Stage::Contracted,
                planned: 2,
                posts: vec![&b],
                revenue: Some(usd(30_000)),
                orders: 3,
            },
            &VALUE,
            usd(0),
        )
        .unwrap();
        let t = campaign_totals(usd(100_000), &[m1, m2], usd(15_000), 1).unwrap();
        assert_eq!(t.cost, usd(30_003));
        assert_eq!(t.left, usd(69_997));
        assert_eq!(t.revenue, usd(45_000));
        assert_eq!((t.orders, t.engagements, t.views, t.planned, t.delivered), (4, 300, Some(5_000), 3, 2));
        // (450.00 − 300.03) / 300.03.
        assert!((t.roi.unwrap() - (45_000.0 - 30_003.0) / 30_003.0).abs() < 1e-12);
        assert!(campaign_totals(usd(100), &[], Money::new(1, Currency::parse("EUR").unwrap()), 0).is_err());
        assert_eq!(Versus::of(5.0, 10.0, 20.0), Versus::Below);
        assert_eq!(Versus::of(20.0, 10.0, 20.0), Versus::Within);
    }
}
