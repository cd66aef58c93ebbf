//! How each platform of the demo world behaves: its share of creators, the spread of
//! follower counts, how engagement falls with size, comments, shares and views per
//! like, posting cadence, the kinds of post, and profile fields.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Platform {
    Instagram,
    Tiktok,
    Youtube,
    X,
}

pub(super) const PLATFORMS: [Platform; 4] = [Platform::Instagram, Platform::Tiktok, Platform::Youtube, Platform::X];

/// A kind of post on one platform.
pub(super) struct PostKind {
    pub(super) name: &'static str,
    pub(super) weight: f64,
    /// Whether the platform shows a view count for it.
    pub(super) views: bool,
    /// Engagement relative to the channel's typical post.
    pub(super) factor: f64,
}

/// How a platform behaves.
pub(super) struct Model {
    pub(super) name: &'static str,
    /// Share of creators whose main platform it is.
    pub(super) weight: f64,
    /// Pareto exponent of follower counts: lower means a heavier tail of big accounts.
    pub(super) alpha: f64,
    /// Engagements per follower at 1,000 followers, for a typical channel.
    pub(super) base_rate: f64,
    /// How engagement per follower falls with size: rate ∝ followers^slope.
    pub(super) slope: f64,
    /// Comments per 100 likes, as a range over channels.
    pub(super) comments: (f64, f64),
    /// Shares per 100 likes, for platforms that show shares.
    pub(super) shares: Option<(f64, f64)>,
    /// Engagements per view, as a range over channels.
    pub(super) per_view: (f64, f64),
    /// Posts per week, as a range over channels (drawn log-uniformly).
    pub(super) cadence: (f64, f64),
    pub(super) kinds: &'static [PostKind],
    /// Hours for a new post to collect about 63 % of its engagement.
    pub(super) settle_hours: f64,
    /// Median accounts followed (`None` where the platform has no such count).
    pub(super) following: Option<f64>,
    /// Share of channels that are business accounts, where the platform says so.
    pub(super) business: Option<f64>,
    /// Whether profiles have a category.
    pub(super) category: bool,
    /// Hashtags per post, and how many of them are generic.
    pub(super) tags: (usize, usize),
    pub(super) generic_tags: (usize, usize),
}

impl Platform {
    pub(super) fn model(self) -> &'static Model {
        &MODELS[self as usize]
    }

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

const MODELS: [Model; 4] = [
    Model {
        name: "instagram",
        weight: 0.45,
        alpha: 1.05,
        // 5K followers ≈ 5 %, 1M ≈ 0.9 % before the per-channel spread.
        base_rate: 0.085,
        slope: -0.33,
        comments: (1.5, 4.0),
        shares: None,
        per_view: (0.04, 0.12),
        cadence: (0.7, 7.0),
        kinds: &[
            PostKind { name: "image", weight: 0.40, views: false, factor: 0.9 },
            PostKind { name: "carousel", weight: 0.25, views: false, factor: 1.1 },
            PostKind { name: "reel", weight: 0.35, views: true, factor: 1.15 },
        ],
        settle_hours: 12.0,
        following: Some(650.0),
        business: Some(0.45),
        category: true,
        tags: (3, 10),
        generic_tags: (1, 2),
    },
    Model {
        name: "tiktok",
        weight: 0.25,
        alpha: 0.95,
        base_rate: 0.12,
        slope: -0.25,
        comments: (0.8, 3.0),
        shares: Some((4.0, 15.0)),
        per_view: (0.05, 0.14),
        cadence: (1.5, 14.0),
        kinds: &[
            PostKind { name: "short", weight: 0.92, views: true, factor: 1.0 },
            PostKind { name: "video", weight: 0.08, views: true, factor: 0.85 },
        ],
        settle_hours: 12.0,
        following: Some(180.0),
        business: Some(0.2),
        category: false,
        tags: (3, 6),
        generic_tags: (1, 2),
    },
    Model {
        name: "youtube",
        weight: 0.20,
        alpha: 1.0,
        base_rate: 0.06,
        slope: -0.45,
        comments: (2.0, 8.0),
        shares: None,
        per_view: (0.025, 0.07),
        cadence: (0.4, 3.0),
        kinds: &[
            PostKind { name: "video", weight: 0.70, views: true, factor: 1.0 },
            PostKind { name: "short", weight: 0.30, views: true, factor: 0.8 },
        ],
        // Videos keep collecting for days, hence the platform's 7-day minimum age.
        settle_hours: 72.0,
        following: None,
        business: None,
        category: true,
        tags: (0, 3),
        generic_tags: (0, 1),
    },
    Model {
        name: "x",
        weight: 0.10,
        alpha: 1.1,
        base_rate: 0.025,
        slope: -0.30,
        comments: (5.0, 20.0),
        shares: Some((10.0, 35.0)),
        per_view: (0.005, 0.03),
        cadence: (2.0, 14.0),
        kinds: &[
            PostKind { name: "text", weight: 0.65, views: true, factor: 0.9 },
            PostKind { name: "image", weight: 0.35, views: true, factor: 1.2 },
        ],
        settle_hours: 8.0,
        following: Some(450.0),
        business: None,
        category: false,
        tags: (0, 2),
        generic_tags: (0, 0),
    },
];

pub(super) const PLATFORM_WEIGHTS: [f64; 4] = [MODELS[0].weight, MODELS[1].weight, MODELS[2].weight, MODELS[3].weight];
