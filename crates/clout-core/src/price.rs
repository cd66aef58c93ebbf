//! Price estimates (the rate card) and the fairness of a quote.
//!
//! For one channel and one deliverable:
//!
//! ```text
//! impressions = followers × reach_rate(platform, followers) × reach_factor(deliverable)
//! media value = impressions / 1000 × CPM(platform) × cpm_factor(deliverable)
//! price       = media value × clamp(engagement rate / median rate of the channel's bucket, 0.5, 2)
//! ```
//!
//! The reach rate of a size band is a range (`low`–`high`), so the price is a range; its
//! point is the price at the middle of the reach range. With enough of the user's own
//! deals (see [`calibrate`]), every figure is multiplied by the median ratio of agreed fee
//! to this model's point, and the estimate says so. Beside it stands the rule of thumb
//! (a fixed amount per 1,000 followers), so users can compare.
//!
//! Every constant comes from the [`RateCard`], an editable file whose defaults cite their
//! sources. Amounts here are `f64` major units of the card's currency: they are estimates,
//! not money, until rounded into [`crate::money::Money`] for a plan or a quote.

use std::collections::BTreeMap;

use crate::money::Currency;
use crate::platform::Platform;

/// What a brand buys from a creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deliverable {
    /// A feed post: image or carousel (on video-only platforms, a regular video).
    Post,
    /// A video or reel.
    Video,
    /// A story (disappears after a day; no public counts).
    Story,
    /// A short-form video (YouTube Shorts and the like).
    Short,
}

impl Deliverable {
    pub const ALL: [Deliverable; 4] = [Deliverable::Post, Deliverable::Video, Deliverable::Story, Deliverable::Short];

    pub const fn as_str(self) -> &'static str {
        match self {
            Deliverable::Post => "post",
            Deliverable::Video => "video",
            Deliverable::Story => "story",
            Deliverable::Short => "short",
        }
    }

    /// Also reads the post types that are sold as these deliverables (`reel`, `image`, ...).
    pub fn parse(raw: &str) -> Option<Deliverable> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "post" | "image" | "photo" | "carousel" | "feed" => Some(Deliverable::Post),
            "video" | "reel" | "reels" => Some(Deliverable::Video),
            "story" | "stories" => Some(Deliverable::Story),
            "short" | "shorts" => Some(Deliverable::Short),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The reach rate of channels with at least `from_followers` followers (up to the next band).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachBand {
    pub from_followers: u64,
    /// Share of followers one post reaches, as a fraction (0.3 = 30 %).
    pub low: f64,
    pub high: f64,
}

/// A platform's constants.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformRates {
    /// Price of 1,000 impressions of sponsored creator content, in the card's currency.
    pub cpm: f64,
    /// Bands in ascending `from_followers`, the first from 0.
    pub reach: Vec<ReachBand>,
    /// The rule of thumb: price per 1,000 followers for one post.
    pub per_1000_followers: f64,
    /// The least a creator is paid for one post, in the card's currency (0: no minimum):
    /// no estimate goes below it, scaled per deliverable as the rule of thumb is.
    pub minimum_fee: f64,
}

impl PlatformRates {
    /// The band a channel of this size falls in.
    pub fn band(&self, followers: u64) -> ReachBand {
        let fallback = ReachBand { from_followers: 0, low: 0.0, high: 0.0 };
        self.reach
            .iter()
            .rev()
            .find(|b| followers >= b.from_followers)
            .or(self.reach.first())
            .copied()
            .unwrap_or(fallback)
    }
}

/// A deliverable's constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeliverableRates {
    /// Reach relative to a feed post (a story reaches fewer).
    pub reach_factor: f64,
    /// CPM relative to a feed post (video costs more to make).
    pub cpm_factor: f64,
}

/// What one engagement or view is worth, for the `value` goal and earned media value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueTable {
    pub like: f64,
    pub comment: f64,
    pub share: f64,
    pub view: f64,
}

/// Every constant of the price model, from an editable file.
#[derive(Debug, Clone, PartialEq)]
pub struct RateCard {
    /// Where it was read from (`built-in` or a path), shown with every estimate.
    pub origin: String,
    pub currency: Currency,
    /// Every platform has an entry.
    pub platforms: BTreeMap<Platform, PlatformRates>,
    /// Indexed by [`Deliverable`].
    pub deliverables: [DeliverableRates; 4],
    /// The engagement adjustment is clamped to this range.
    pub er_clamp: (f64, f64),
    /// Deals needed before estimates are fitted to them.
    pub min_deals: usize,
    pub value: ValueTable,
    /// Units of the card's currency per unit of another currency.
    pub exchange_rates: BTreeMap<Currency, f64>,
    /// What managing one creator's deal costs the brand (outreach, brief, review, payment,
    /// report): hours × an hourly rate, in the card's currency. The planner adds it to
    /// each creator's fee, so many small deals are weighed against a few large ones.
    pub management: Management,
}

/// The brand's own cost of working with one creator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Management {
    pub hours_per_creator: f64,
    pub hourly_rate: f64,
}

impl Management {
    /// Per creator, in the card's currency.
    pub fn per_creator(&self) -> f64 {
        self.hours_per_creator * self.hourly_rate
    }
}

impl RateCard {
    pub fn platform(&self, platform: Platform) -> Option<&PlatformRates> {
        self.platforms.get(&platform)
    }

    pub fn deliverable(&self, deliverable: Deliverable) -> DeliverableRates {
        self.deliverables[deliverable.index()]
    }

    /// Units of the card's currency one unit of `currency` is worth, if known.
    pub fn rate_to_card(&self, currency: Currency) -> Option<f64> {
        if currency == self.currency { Some(1.0) } else { self.exchange_rates.get(&currency).copied() }
    }
}

/// What the estimate needs of a channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceInput {
    pub platform: Platform,
    pub followers: u64,
    /// The channel's median engagement rate, in percent (compared with its peers' median).
    pub engagement_rate: Option<f64>,
    /// The median engagement rate of its benchmark bucket, in percent.
    pub bucket_median: Option<f64>,
}

/// The estimate fitted to the user's deals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Median of agreed fee / model point.
    pub factor: f64,
    /// Deals the factor comes from.
    pub deals: usize,
    /// `Some` when fitted on this platform's deals only; `None` when on all deals.
    pub platform: Option<Platform>,
    /// First and third quartile of the ratios, to show how consistent the deals are.
    pub q1: f64,
    pub q3: f64,
}

/// One price estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub deliverable: Deliverable,
    pub currency: Currency,
    pub low: f64,
    pub point: f64,
    pub high: f64,
    /// The model before calibration.
    pub model_low: f64,
    pub model_point: f64,
    pub model_high: f64,
    /// Impressions at the low and high reach rate.
    pub impressions_low: f64,
    pub impressions_high: f64,
    pub reach_low: f64,
    pub reach_high: f64,
    pub cpm: f64,
    pub reach_factor: f64,
    pub cpm_factor: f64,
    /// `engagement rate / bucket median` before clamping, when both are known.
    pub er_ratio: Option<f64>,
    /// The clamped adjustment applied (1 when the ratio is unknown).
    pub er_factor: f64,
    /// The least this deliverable is priced at on this platform (0: no minimum).
    pub minimum_fee: f64,
    /// The rule of thumb for the same channel and deliverable.
    pub rule_of_thumb: f64,
    pub calibration: Option<Calibration>,
}

/// The rate card's estimate for one channel and deliverable.
pub fn estimate(
    card: &RateCard,
    deliverable: Deliverable,
    input: &PriceInput,
    calibration: Option<Calibration>,
) -> Option<Estimate> {
    let rates = card.platform(input.platform)?;
    let band = rates.band(input.followers);
    let d = card.deliverable(deliverable);
    let followers = input.followers as f64;
    let impressions_low = followers * band.low * d.reach_factor;
    let impressions_high = followers * band.high * d.reach_factor;
    let er_ratio = match (input.engagement_rate, input.bucket_median) {
        (Some(er), Some(median)) if median > 0.0 && er.is_finite() => Some(er / median),
        _ => None,
    };
    let (lo, hi) = card.er_clamp;
    let er_factor = er_ratio.map_or(1.0, |r| r.clamp(lo, hi));
    let per_impression = rates.cpm / 1000.0 * d.cpm_factor * er_factor;
    let model_low = impressions_low * per_impression;
    let model_high = impressions_high * per_impression;
    let model_point = (model_low + model_high) / 2.0;
    let k = calibration.map_or(1.0, |c| c.factor);
    let minimum_fee = rates.minimum_fee * d.cpm_factor * d.reach_factor;
    Some(Estimate {
        deliverable,
        currency: card.currency,
        low: (model_low * k).max(minimum_fee),
        point: (model_point * k).max(minimum_fee),
        high: (model_high * k).max(minimum_fee),
        model_low,
        model_point,
        model_high,
        impressions_low,
        impressions_high,
        reach_low: band.low,
        reach_high: band.high,
        cpm: rates.cpm,
        reach_factor: d.reach_factor,
        cpm_factor: d.cpm_factor,
        er_ratio,
        er_factor,
        minimum_fee,
        rule_of_thumb: followers / 1000.0 * rates.per_1000_followers * d.cpm_factor * d.reach_factor,
        calibration,
    })
}

/// One of the user's deals, converted to the card's currency, beside the model's point
/// estimate for the same channel and deliverable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DealPoint {
    pub platform: Platform,
    pub fee: f64,
    pub model_point: f64,
}

/// Fits the estimate to the user's deals: on this platform's deals when it has at least
/// `card.min_deals`, else on all deals when there are that many, else not at all.
pub fn calibrate(card: &RateCard, platform: Platform, deals: &[DealPoint]) -> Option<Calibration> {
    let usable = |d: &&DealPoint| d.model_point > 0.0 && d.fee > 0.0 && d.fee.is_finite();
    let min = card.min_deals.max(1);
    let fit = |ratios: Vec<f64>, platform: Option<Platform>| {
        let mut ratios = ratios;
        ratios.sort_by(f64::total_cmp);
        Calibration {
            factor: quantile(&ratios, 0.5),
            deals: ratios.len(),
            platform,
            q1: quantile(&ratios, 0.25),
            q3: quantile(&ratios, 0.75),
        }
    };
    let own: Vec<f64> =
        deals.iter().filter(usable).filter(|d| d.platform == platform).map(|d| d.fee / d.model_point).collect();
    if own.len() >= min {
        return Some(fit(own, Some(platform)));
    }
    let all: Vec<f64> = deals.iter().filter(usable).map(|d| d.fee / d.model_point).collect();
    (all.len() >= min).then(|| fit(all, None))
}

/// A quote against the estimate's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Below the range: a good deal (or a sign the estimate is off for this creator).
    Low,
    Fair,
    High,
}

impl Verdict {
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Low => "low",
            Verdict::Fair => "fair",
            Verdict::High => "high",
        }
    }
}

/// Fair when `low ≤ quote ≤ high` (in the card's currency).
pub fn judge(estimate: &Estimate, quote: f64) -> Verdict {
    if quote < estimate.low {
        Verdict::Low
    } else if quote > estimate.high {
        Verdict::High
    } else {
        Verdict::Fair
    }
}

/// The `q` quantile of sorted values by linear interpolation between closest ranks
/// (Hyndman–Fan type 7, the default of R and NumPy). `NaN` when empty.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small card with round numbers, so expected values can be worked out by hand.
    pub(crate) fn card() -> RateCard {
        let rates = PlatformRates {
            cpm: 20.0,
            reach: vec![
                ReachBand { from_followers: 0, low: 0.30, high: 0.40 },
                ReachBand { from_followers: 100_000, low: 0.10, high: 0.20 },
            ],
            per_1000_followers: 10.0,
            minimum_fee: 0.0,
        };
        RateCard {
            origin: "test".to_string(),
            currency: Currency::USD,
            platforms: Platform::ALL.into_iter().map(|p| (p, rates.clone())).collect(),
            deliverables: [
                DeliverableRates { reach_factor: 1.0, cpm_factor: 1.0 },
                DeliverableRates { reach_factor: 1.0, cpm_factor: 1.5 },
                DeliverableRates { reach_factor: 0.2, cpm_factor: 2.0 },
                DeliverableRates { reach_factor: 1.0, cpm_factor: 0.5 },
            ],
            er_clamp: (0.5, 2.0),
            min_deals: 3,
            value: ValueTable { like: 0.2, comment: 3.0, share: 2.0, view: 0.01 },
            exchange_rates: [(Currency::parse("EUR").unwrap(), 1.1)].into_iter().collect(),
            management: Management { hours_per_creator: 0.0, hourly_rate: 0.0 },
        }
    }

    fn input(followers: u64, er: Option<f64>, median: Option<f64>) -> PriceInput {
        PriceInput { platform: Platform::Instagram, followers, engagement_rate: er, bucket_median: median }
    }

    #[test]
    fn no_estimate_goes_below_the_minimum_fee() {
        let mut card = card();
        for rates in card.platforms.values_mut() {
            rates.minimum_fee = 10.0;
        }
        // 1,000 followers reach 300–400: $6–$8 at $20 CPM, below the $10 minimum, so every
        // figure is $10; the model keeps its own $6–$8.
        let e = estimate(&card, Deliverable::Post, &input(1_000, None, None), None).unwrap();
        assert_eq!((e.low, e.point, e.high, e.minimum_fee), (10.0, 10.0, 10.0, 10.0));
        assert!((e.model_low - 6.0).abs() < 1e-9 && (e.model_high - 8.0).abs() < 1e-9);
        // 2,000 followers: $12–$16, point $14, all above $10: nothing changes.
        let e = estimate(&card, Deliverable::Post, &input(2_000, None, None), None).unwrap();
        assert!((e.low - 12.0).abs() < 1e-9 && (e.point - 14.0).abs() < 1e-9 && (e.high - 16.0).abs() < 1e-9);
        // 1,500 followers: $9–$12, point $10.50: only the low end is raised, to $10.
        let e = estimate(&card, Deliverable::Post, &input(1_500, None, None), None).unwrap();
        assert!((e.low - 10.0).abs() < 1e-9 && (e.point - 10.5).abs() < 1e-9 && (e.high - 12.0).abs() < 1e-9);
        // A story (reach × 0.2, CPM × 2): its minimum is $10 × 0.4 = $4.
        let e = estimate(&card, Deliverable::Story, &input(100, None, None), None).unwrap();
        assert!((e.minimum_fee - 4.0).abs() < 1e-9 && (e.point - 4.0).abs() < 1e-9, "{e:?}");
    }

    #[test]
    fn the_estimate_follows_the_documented_formula() {
        // 10,000 followers reach 3,000–4,000; at $20 CPM that is $60–$80; ER 6 % against a
        // median of 3 % doubles it: $120–$160, point $140.
        let e = estimate(&card(), Deliverable::Post, &input(10_000, Some(6.0), Some(3.0)), None).unwrap();
        assert!((e.low - 120.0).abs() < 1e-9 && (e.high - 160.0).abs() < 1e-9 && (e.point - 140.0).abs() < 1e-9);
        assert_eq!(e.er_ratio, Some(2.0));
        // Rule of thumb: $10 per 1,000 followers.
        assert!((e.rule_of_thumb - 100.0).abs() < 1e-9);
        // Video: ×1.5.
        let v = estimate(&card(), Deliverable::Video, &input(10_000, Some(6.0), Some(3.0)), None).unwrap();
        assert!((v.point - 210.0).abs() < 1e-9);
        // Story: a fifth of the reach at twice the CPM: 140 × 0.4 = 56.
        let s = estimate(&card(), Deliverable::Story, &input(10_000, Some(6.0), Some(3.0)), None).unwrap();
        assert!((s.point - 56.0).abs() < 1e-9, "{}", s.point);
    }

    #[test]
    fn the_engagement_adjustment_is_clamped_and_skipped_without_peers() {
        let c = card();
        let huge = estimate(&c, Deliverable::Post, &input(10_000, Some(30.0), Some(3.0)), None).unwrap();
        assert_eq!(huge.er_factor, 2.0);
        assert_eq!(huge.er_ratio, Some(10.0));
        let tiny = estimate(&c, Deliverable::Post, &input(10_000, Some(0.3), Some(3.0)), None).unwrap();
        assert_eq!(tiny.er_factor, 0.5);
        let none = estimate(&c, Deliverable::Post, &input(10_000, None, Some(3.0)), None).unwrap();
        assert_eq!((none.er_factor, none.er_ratio), (1.0, None));
        assert!((none.point - 70.0).abs() < 1e-9);
        // A bigger channel falls in the next reach band: 200,000 × 0.10–0.20 × $20/1000.
        let big = estimate(&c, Deliverable::Post, &input(200_000, None, None), None).unwrap();
        assert!((big.low - 400.0).abs() < 1e-9 && (big.high - 800.0).abs() < 1e-9);
    }

    #[test]
    fn calibration_takes_the_median_ratio_and_prefers_the_platform() {
        let c = card();
        let deal = |platform, fee: f64| DealPoint { platform, fee, model_point: 100.0 };
        let ig = Platform::Instagram;
        let tt = Platform::Tiktok;
        // Two deals are not enough (min 3).
        assert_eq!(calibrate(&c, ig, &[deal(ig, 150.0), deal(ig, 200.0)]), None);
        // Three on TikTok fit Instagram too, on all deals.
        let all = calibrate(&c, ig, &[deal(tt, 150.0), deal(tt, 200.0), deal(ig, 300.0)]).unwrap();
        assert_eq!((all.factor, all.deals, all.platform), (2.0, 3, None));
        // Three on Instagram: those alone.
        let own = calibrate(&c, ig, &[deal(ig, 50.0), deal(ig, 100.0), deal(ig, 120.0), deal(tt, 900.0)]).unwrap();
        assert_eq!((own.factor, own.deals, own.platform), (1.0, 3, Some(ig)));
        assert!((own.q1 - 0.75).abs() < 1e-9 && (own.q3 - 1.1).abs() < 1e-9);
        let e = estimate(&c, Deliverable::Post, &input(10_000, None, None), Some(all)).unwrap();
        assert!((e.point - 140.0).abs() < 1e-9 && (e.model_point - 70.0).abs() < 1e-9);
    }

    #[test]
    fn quotes_are_judged_against_the_range() {
        let e = estimate(&card(), Deliverable::Post, &input(10_000, Some(6.0), Some(3.0)), None).unwrap();
        assert_eq!(judge(&e, 119.99), Verdict::Low);
        assert_eq!(judge(&e, 120.0), Verdict::Fair);
        assert_eq!(judge(&e, 160.0), Verdict::Fair);
        assert_eq!(judge(&e, 160.01), Verdict::High);
    }

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
        assert!((quantile(&v, 0.9) - 4.6).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(Deliverable::parse("Reel"), Some(Deliverable::Video));
        assert_eq!(Deliverable::parse("tweet"), None);
    }
}
