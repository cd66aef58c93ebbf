//! Prices: the rate-card file, the user's deals, and a channel's estimate with its
//! expected results (docs/pricing.md).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use clout_core::engagement::engagement_window;
use clout_core::money::{Currency, Money};
use clout_core::outcome::{Expected, NoExpectation, expected};
use clout_core::price::{
    Calibration, DealPoint, Deliverable, DeliverableRates, Estimate, PlatformRates, PriceInput, RateCard, ReachBand,
    ValueTable, Verdict, calibrate, estimate, judge,
};
use clout_core::{Bucket, Platform, PostSnapshot, TierPreset};
use clout_store::ChannelRow;
use serde::Deserialize;

use crate::channels::{ChannelView, view};
use crate::{App, Error, Result};

/// The built-in rate card, with its sources in comments.
pub const DEFAULT_RATE_CARD: &str = include_str!("../data/ratecard.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    currency: String,
    er_clamp: [f64; 2],
    min_deals: usize,
    value: RawValue,
    #[serde(default)]
    exchange_rates: BTreeMap<String, f64>,
    deliverable: BTreeMap<String, RawDeliverable>,
    platform: BTreeMap<String, RawPlatform>,
    /// Absent: managing a creator costs nothing (cards written before it existed).
    #[serde(default)]
    management: Option<RawManagement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManagement {
    hours_per_creator: f64,
    hourly_rate: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    like: f64,
    comment: f64,
    share: f64,
    view: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeliverable {
    reach_factor: f64,
    cpm_factor: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    cpm: f64,
    per_1000_followers: f64,
    /// Absent: no minimum (cards written before it existed).
    #[serde(default)]
    minimum_fee: f64,
    reach: Vec<RawBand>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    from: u64,
    low: f64,
    high: f64,
}

/// Parses a rate card; `origin` names it in messages and in every estimate.
pub fn rate_card_from_toml(text: &str, origin: &str) -> Result<RateCard> {
    let bad = |what: String| Error::Invalid(format!("rate card {origin}: {what}"));
    let raw: RawCard = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    let currency = Currency::parse(&raw.currency).map_err(|e| bad(e.0))?;
    let nonneg = |name: &str, v: f64| {
        if v.is_finite() && v >= 0.0 { Ok(v) } else { Err(bad(format!("{name} must be a number ≥ 0, not {v}"))) }
    };
    let [lo, hi] = raw.er_clamp;
    if !(lo > 0.0 && lo <= hi && hi.is_finite()) {
        return Err(bad(format!("er_clamp must be [low, high] with 0 < low ≤ high, not [{lo}, {hi}]")));
    }
    let mut deliverables = [DeliverableRates { reach_factor: 0.0, cpm_factor: 0.0 }; 4];
    for (name, d) in &raw.deliverable {
        let which = Deliverable::parse(name)
            .filter(|d| d.as_str() == name)
            .ok_or_else(|| bad(format!("unknown deliverable '{name}' (post, video, story, short)")))?;
        deliverables[which as usize] = DeliverableRates {
            reach_factor: nonneg(&format!("deliverable.{name}.reach_factor"), d.reach_factor)?,
            cpm_factor: nonneg(&format!("deliverable.{name}.cpm_factor"), d.cpm_factor)?,
        };
    }
    for d in Deliverable::ALL {
        if !raw.deliverable.contains_key(d.as_str()) {
            return Err(bad(format!("[deliverable.{}] is missing", d.as_str())));
        }
    }
    let mut parsed: BTreeMap<String, PlatformRates> = BTreeMap::new();
    for (name, p) in &raw.platform {
        if name != "default" {
            Platform::parse(name).map_err(|e| bad(e.to_string()))?;
        }
        if p.reach.is_empty() || p.reach[0].from != 0 {
            return Err(bad(format!("platform.{name}.reach must start with a band from 0 followers")));
        }
        let mut bands = Vec::new();
        for (i, b) in p.reach.iter().enumerate() {
            if i > 0 && b.from <= p.reach[i - 1].from {
                return Err(bad(format!("platform.{name}.reach: bands must be in ascending `from`")));
            }
            if !(b.low >= 0.0 && b.low <= b.high && b.high.is_finite()) {
                return Err(bad(format!(
                    "platform.{name}.reach: a band needs 0 ≤ low ≤ high, not {} and {}",
                    b.low, b.high
                )));
            }
            bands.push(ReachBand { from_followers: b.from, low: b.low, high: b.high });
        }
        parsed.insert(
            name.to_ascii_lowercase(),
            PlatformRates {
                cpm: nonneg(&format!("platform.{name}.cpm"), p.cpm)?,
                reach: bands,
                per_1000_followers: nonneg(&format!("platform.{name}.per_1000_followers"), p.per_1000_followers)?,
                minimum_fee: nonneg(&format!("platform.{name}.minimum_fee"), p.minimum_fee)?,
            },
        );
    }
    let mut platforms = BTreeMap::new();
    for platform in Platform::ALL {
        if let Some(rates) = parsed.get(platform.as_str()).or(parsed.get("default")) {
            platforms.insert(platform, rates.clone());
        }
    }
    let mut exchange_rates = BTreeMap::new();
    for (code, rate) in raw.exchange_rates {
        let c = Currency::parse(&code).map_err(|e| bad(e.0))?;
        if !(rate.is_finite() && rate > 0.0) {
            return Err(bad(format!("exchange_rates.{code} must be more than 0")));
        }
        exchange_rates.insert(c, rate);
    }
    let v = raw.value;
    Ok(RateCard {
        origin: origin.to_string(),
        currency,
        platforms,
        deliverables,
        er_clamp: (lo, hi),
        min_deals: raw.min_deals,
        value: ValueTable {
            like: nonneg("value.like", v.like)?,
            comment: nonneg("value.comment", v.comment)?,
            share: nonneg("value.share", v.share)?,
            view: nonneg("value.view", v.view)?,
        },
        exchange_rates,
        management: match &raw.management {
            Some(m) => clout_core::price::Management {
                hours_per_creator: nonneg("management.hours_per_creator", m.hours_per_creator)?,
                hourly_rate: nonneg("management.hourly_rate", m.hourly_rate)?,
            },
            None => clout_core::price::Management { hours_per_creator: 0.0, hourly_rate: 0.0 },
        },
    })
}

/// A deal that could not be used to fit estimates, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct UnusedDeal {
    pub platform: Platform,
    pub handle: String,
    pub reason: String,
}

/// What pricing needs beyond one channel: the card, peer medians and the user's deals.
pub(crate) struct Pricing {
    pub(crate) card: RateCard,
    medians: HashMap<(Platform, Bucket), f64>,
    deals: Vec<DealPoint>,
    pub(crate) unused_deals: Vec<UnusedDeal>,
    calibrations: HashMap<Platform, Option<Calibration>>,
}

impl Pricing {
    fn input(&self, row: &ChannelRow) -> Option<PriceInput> {
        let followers = row.followers?;
        let metrics = row.metrics.as_ref();
        Some(PriceInput {
            platform: row.platform,
            followers,
            // Compared as peers are (metrics v2): the median rate, so one viral post does not
            // raise a price.
            engagement_rate: metrics.and_then(|m| m.median_engagement_rate.ok()),
            bucket_median: metrics.and_then(|m| m.bucket).and_then(|b| self.medians.get(&(row.platform, b)).copied()),
        })
    }

    fn calibration(&mut self, platform: Platform) -> Option<Calibration> {
        let (card, deals) = (&self.card, &self.deals);
        *self.calibrations.entry(platform).or_insert_with(|| calibrate(card, platform, deals))
    }

    /// The estimate for a channel, `None` without a follower count or platform rates.
    pub(crate) fn estimate(&mut self, row: &ChannelRow, deliverable: Deliverable) -> Option<Estimate> {
        let input = self.input(row)?;
        let calibration = self.calibration(row.platform);
        estimate(&self.card, deliverable, &input, calibration)
    }

    /// Expected results from the channel's engagement window.
    pub(crate) fn expected(
        &self,
        row: &ChannelRow,
        posts: &[PostSnapshot],
        deliverable: Deliverable,
    ) -> Result<Expected, NoExpectation> {
        let (Some(followers), Some(as_of)) = (row.followers, row.as_of) else {
            return Err(NoExpectation::TooFewPosts(0));
        };
        let window = engagement_window(row.platform, as_of, posts);
        let chosen: Vec<&PostSnapshot> = window.posts.iter().map(|&i| &posts[i]).collect();
        expected(&self.card, row.platform, deliverable, followers, &chosen)
    }
}

/// A quote judged against the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteCheck {
    pub quote: Money,
    pub verdict: Verdict,
    /// quote / point estimate.
    pub ratio: f64,
}

/// Everything `clout price` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceReport {
    pub channel: ChannelView,
    pub estimate: Estimate,
    /// The expected results, or why there are none.
    pub expected: Result<Expected, NoExpectation>,
    pub quote: Option<QuoteCheck>,
    /// The rate card's origin (`built-in` or its path).
    pub card: String,
    /// Deals in the store, and those that could not be used.
    pub deals: usize,
    pub unused_deals: Vec<UnusedDeal>,
}

impl App {
    /// The rate card: the user's file when configured, else the built-in one.
    pub fn rate_card(&self) -> Result<RateCard> {
        match &self.config.rate_card_file {
            Some(path) => rate_card_from_file(path),
            None => rate_card_from_toml(DEFAULT_RATE_CARD, "built-in"),
        }
    }

    /// The card, the peer medians and every deal as points to fit to.
    pub(crate) fn pricing(&self) -> Result<Pricing> {
        let card = self.rate_card()?;
        let medians = self.store.bucket_stats()?.into_iter().map(|b| ((b.platform, b.bucket), b.median_rate)).collect();
        let mut pricing =
            Pricing { card, medians, deals: Vec::new(), unused_deals: Vec::new(), calibrations: HashMap::new() };
        let deals = self.store.deals()?;
        let ids: Vec<i64> = deals.iter().map(|d| d.channel_id).collect();
        let rows: HashMap<i64, ChannelRow> = self.store.channels_by_ids(&ids)?.into_iter().map(|r| (r.id, r)).collect();
        for d in deals {
            let unused = |reason: String| UnusedDeal { platform: d.platform, handle: d.handle.clone(), reason };
            let Some(rate) = pricing.card.rate_to_card(d.fee.currency) else {
                pricing.unused_deals.push(unused(format!(
                    "its fee is in {} and the rate card has no exchange rate to {}",
                    d.fee.currency, pricing.card.currency
                )));
                continue;
            };
            let model = rows.get(&d.channel_id).and_then(|row| {
                let input = pricing.input(row)?;
                estimate(&pricing.card, d.deliverable, &input, None)
            });
            match model {
                Some(m) if m.model_point > 0.0 => pricing.deals.push(DealPoint {
                    platform: d.platform,
                    fee: d.fee.major() * rate,
                    model_point: m.model_point,
                }),
                _ => pricing.unused_deals.push(unused("the channel has no follower count to estimate from".into())),
            }
        }
        Ok(pricing)
    }

    /// The price estimate of one channel and deliverable, its expected results, and
    /// optionally a quote judged against it. A quote in another currency than the card's
    /// needs an exchange rate in the card.
    pub fn price(
        &self,
        reference: &str,
        deliverable: Deliverable,
        quote: Option<Money>,
        preset: TierPreset,
    ) -> Result<PriceReport> {
        let (platform, handle) = crate::channels::parse_channel_ref(reference)?;
        let detail = self
            .store
            .channel_detail(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))?;
        let mut pricing = self.pricing()?;
        let row = detail.channel;
        let estimate = pricing.estimate(&row, deliverable).ok_or_else(|| {
            Error::Invalid(format!(
                "{platform}/{handle} has no follower count yet (import a channel record), so it cannot be priced"
            ))
        })?;
        let posts: Vec<PostSnapshot> = detail.posts.iter().map(|p| p.snapshot.clone()).collect();
        let expected = pricing.expected(&row, &posts, deliverable);
        let quote = match quote {
            Some(q) => {
                let rate = pricing.card.rate_to_card(q.currency).ok_or_else(|| {
                    Error::Invalid(format!(
                        "the quote is in {} but the rate card is in {} and has no exchange rate for {}; add one under [exchange_rates] in the rate card",
                        q.currency, pricing.card.currency, q.currency
                    ))
                })?;
                let in_card = q.major() * rate;
                Some(QuoteCheck {
                    quote: q,
                    verdict: judge(&estimate, in_card),
                    ratio: if estimate.point > 0.0 { in_card / estimate.point } else { f64::INFINITY },
                })
            }
            None => None,
        };
        let niches = self.store.niches_of(row.id)?;
        Ok(PriceReport {
            channel: view(row, preset, niches),
            estimate,
            expected,
            quote,
            card: pricing.card.origin.clone(),
            deals: pricing.deals.len() + pricing.unused_deals.len(),
            unused_deals: pricing.unused_deals,
        })
    }
}

/// Reads a rate card from a file.
pub fn rate_card_from_file(path: &Path) -> Result<RateCard> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Invalid(format!("reading the rate card {}: {e}", path.display())))?;
    rate_card_from_toml(&text, &path.display().to_string())
}
