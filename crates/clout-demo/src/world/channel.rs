//! Everything decided about one channel before its records are written: platform,
//! size, behaviour (bought followers, engagement pod, inactivity), how much follower
//! history it has, how its count grew, and its engagement, cadence and kinds of post.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::SALT_POST_IDS;
use super::creator::{Creator, MAX_FOLLOWERS};
use super::platform::{PLATFORM_WEIGHTS, PLATFORMS, Platform};
use super::random::{below, chance, log_uniform, lognormal, normal, uniform, weighted};
use crate::ids;

/// Shares of channels with each behaviour (exclusive, drawn in this order).
const BOUGHT: f64 = 0.05;
const POD: f64 = 0.04;
const INACTIVE: f64 = 0.08;
/// Monthly change of a count inflated by bought followers, after the purchase.
const PURCHASED_DRIFT: f64 = -0.003;
/// Weeks of follower history for most channels.
pub(super) const HISTORY_WEEKS: i64 = 26;

/// Why a channel posts little or nothing lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Inactivity {
    Active,
    /// Posted normally, then stopped 60 to 150 days ago.
    Stopped,
    /// Fewer than five posts in total.
    Sparse,
}

/// How much follower history a channel has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum History {
    /// Only the current count.
    None,
    /// Weekly records, all within the last 30 days.
    Short(i64),
    /// Weekly records for [`HISTORY_WEEKS`] weeks.
    Full,
}

/// How a channel's follower count moved over time; all times are days before as_of.
pub(super) struct Growth {
    now: f64,
    /// Organic growth per 30 days (0.02 = +2 %).
    monthly: f64,
    /// Bought followers: the purchase time and the factor it multiplied the count by.
    purchase: Option<(f64, f64)>,
    /// An organic surge (after a viral moment): when it ended and how much it added.
    surge: Option<(f64, f64)>,
}

impl Growth {
    /// The share of today's followers that were bought: `1 − 1/factor` of the purchase.
    pub(super) fn bought_share(&self) -> Option<f64> {
        self.purchase.map(|(_, factor)| 1.0 - 1.0 / factor)
    }

    /// The follower level `days` before as_of (without observation noise).
    pub(super) fn level(&self, days: f64) -> f64 {
        if let Some((at, factor)) = self.purchase {
            // After the purchase the count is nearly flat: bought followers bring no
            // new ones, and some of them are slowly removed by the platform.
            let flat = |d: f64| self.now * (1.0 + PURCHASED_DRIFT).powf(-d / 30.0);
            if days < at {
                return flat(days);
            }
            return flat(at) / factor * (1.0 + self.monthly).powf(-(days - at) / 30.0);
        }
        let mut level = self.now * (1.0 + self.monthly).powf(-days / 30.0);
        if let Some((end, amount)) = self.surge {
            // Linear ramp over two weeks before `end`.
            let progress = ((end + 14.0 - days) / 14.0).clamp(0.0, 1.0);
            level = level / (1.0 + amount) * (1.0 + amount * progress);
        }
        level
    }
}

/// Everything decided about one channel before its records are written.
pub(super) struct Channel<'c> {
    pub(super) creator: &'c Creator,
    pub(super) platform: Platform,
    pub(super) handle: String,
    pub(super) with_partner: bool,
    pub(super) followers: u64,
    pub(super) bought: bool,
    pub(super) pod: bool,
    pub(super) inactivity: Inactivity,
    pub(super) history: History,
    /// Days before as_of of an older channel record, if any.
    pub(super) old_record: Option<f64>,
    pub(super) growth: Growth,
    /// Typical engagements per follower of a post.
    pub(super) rate: f64,
    /// Comments and shares per like.
    pub(super) comment_ratio: f64,
    pub(super) share_ratio: Option<f64>,
    /// Engagements per view.
    pub(super) per_view: f64,
    /// Posts per week while active.
    pub(super) cadence: f64,
    pub(super) kind_weights: [f64; 3],
    /// Key for this channel's post ids.
    pub(super) id_key: u64,
    pub(super) truth_niches: [Option<usize>; 2],
}

/// Decides everything about channel `index` except its posts' times.
pub(super) fn plan<'c>(
    rng: &mut Pcg64Mcg,
    creator: &'c Creator,
    seed: u64,
    index: u64,
    second: bool,
    with_partner: bool,
) -> Channel<'c> {
    let platform = if second {
        // Another platform than the creator's main one, in the usual proportions.
        let mut weights = PLATFORM_WEIGHTS;
        weights[creator.platform.index()] = 0.0;
        PLATFORMS[weighted(rng, &weights)]
    } else {
        creator.platform
    };
    let model = platform.model();
    let followers = if second {
        // Usually smaller on the second platform, sometimes bigger.
        (creator.followers * lognormal(rng, -0.8, 1.0)).clamp(200.0, MAX_FOLLOWERS)
    } else {
        creator.followers
    };
    let followers = followers.round() as u64;

    let mut handle = String::with_capacity(40);
    creator.handle(&mut handle, platform == Platform::X);

    let behaviour = rng.random::<f64>();
    let bought = behaviour < BOUGHT;
    let pod = !bought && behaviour < BOUGHT + POD;
    let inactivity = if !bought && !pod && behaviour < BOUGHT + POD + INACTIVE {
        if chance(rng, 0.5) { Inactivity::Stopped } else { Inactivity::Sparse }
    } else {
        Inactivity::Active
    };

    let history = {
        let u = rng.random::<f64>();
        if bought || u >= 0.10 {
            History::Full
        } else if u < 0.05 {
            History::None
        } else {
            History::Short(1 + below(rng, 4) as i64)
        }
    };
    let old_record = (history == History::Full && chance(rng, 0.11)).then(|| uniform(rng, 55.0, 65.0));

    let monthly = if inactivity == Inactivity::Active {
        (0.015 + 0.02 * normal(rng)).clamp(-0.02, 0.08)
    } else {
        uniform(rng, -0.02, 0.0)
    };
    let purchase = bought.then(|| {
        // Between two weekly observations, so the history shows the jump.
        let week = (1 + below(rng, 20)) as f64;
        (7.0 * week + uniform(rng, 0.5, 6.5), 1.0 + uniform(rng, 0.25, 0.6))
    });
    let surge = (!bought && chance(rng, 0.03)).then(|| (uniform(rng, 10.0, 150.0), uniform(rng, 0.08, 0.25)));
    let growth = Growth { now: followers as f64, monthly, purchase, surge };

    // Engagement per follower falls with size at the platform's own rate.
    let size_rate = model.base_rate * (followers as f64 / 1_000.0).powf(model.slope);
    let behaviour_factor = if bought {
        uniform(rng, 0.25, 0.5)
    } else if pod {
        uniform(rng, 1.3, 1.8)
    } else if inactivity != Inactivity::Active {
        uniform(rng, 0.4, 0.8)
    } else {
        1.0
    };
    let rate = size_rate * lognormal(rng, 0.0, 0.5) * behaviour_factor;
    let comment_ratio = if pod {
        // Pod members comment on every post, whatever it is.
        uniform(rng, 15.0, 40.0) / 100.0
    } else {
        uniform(rng, model.comments.0, model.comments.1) / 100.0
    };
    let share_ratio = model.shares.map(|(lo, hi)| uniform(rng, lo, hi) / 100.0);
    let per_view = uniform(rng, model.per_view.0, model.per_view.1);
    let mut cadence = log_uniform(rng, model.cadence.0, model.cadence.1);
    if pod {
        // Pods exist to boost regular posting.
        cadence = cadence.max(2.0);
    }
    let mut kind_weights = [0.0; 3];
    for (w, kind) in kind_weights.iter_mut().zip(model.kinds) {
        *w = kind.weight * uniform(rng, 0.4, 1.6);
    }

    Channel {
        creator,
        platform,
        handle,
        with_partner,
        followers,
        bought,
        pod,
        inactivity,
        history,
        old_record,
        growth,
        rate,
        comment_ratio,
        share_ratio,
        per_view,
        cadence,
        kind_weights,
        id_key: ids::hash3(seed, index, SALT_POST_IDS),
        truth_niches: [Some(creator.niche), creator.second_niche],
    }
}
