//! The metric catalogue: every per-channel number Clout shows, once, with its key (the
//! JSON field of `docs/json.md` and the name in `docs/metrics.md`), its title for people,
//! its unit and the formula in words.
//!
//! The JSON objects, `clout show` and the channel page iterate [`METRICS`]; a new metric
//! is a line here and an arm in the app's accessor (`clout_app::metric_value`, an
//! exhaustive match on [`MetricKey`], so forgetting it does not compile).

/// Which metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricKey {
    Followers,
    EngagementRate,
    MedianEngagementRate,
    EngagementRateByViews,
    ViralSkew,
    EngagementCv,
    AvgLikes,
    AvgComments,
    AvgShares,
    AvgViews,
    CommentsPer100Likes,
    PostsInWindow,
    PostsPerWeek,
    FollowerGrowth30d,
    BenchmarkBucket,
    EngagementPercentile,
    EngagementLabel,
    EngagementIndex,
}

/// How a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole count (followers, posts): `12,345`.
    Count,
    /// A mean of counts: `1,234` (rounded for people; JSON keeps the exact value).
    Average,
    /// A percentage: `3.42 %`.
    Percent,
    /// A signed percentage change: `+4.1 %`.
    Change,
    /// A plain ratio: `1.23`.
    Ratio,
    /// A percentile, 0 to 100: `87`.
    Percentile,
    /// Per week: `2.50`.
    PerWeek,
    /// A yes/no flag.
    Flag,
    /// A name from a closed set (a label, a bucket).
    Name,
}

/// What a metric is computed over: the edges say it beside the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The newest channel record (measured, not derived).
    ChannelRecord,
    /// The engagement window's posts.
    Window,
    /// Posts of the 90 days up to as_of.
    NinetyDays,
    /// The follower history.
    History,
    /// The channel's peers: same platform and size bucket.
    Peers,
    /// The per-platform size fit.
    SizeFit,
}

/// One metric of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    pub key: MetricKey,
    /// The JSON field and the contract's name.
    pub name: &'static str,
    /// For people.
    pub title: &'static str,
    pub unit: Unit,
    pub basis: Basis,
    /// The formula in words, as `docs/metrics.md` defines it.
    pub formula: &'static str,
}

impl MetricDef {
    /// Whether the value is read from the platform (measured) rather than computed here.
    pub fn measured(&self) -> bool {
        self.basis == Basis::ChannelRecord
    }
}

/// One metric's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    Count(u64),
    Number(f64),
    Flag(bool),
    Name(&'static str),
}

impl MetricValue {
    /// The value as people read it, in `unit`: counts with thousands separators, rates with
    /// two decimals and a percent sign.
    pub fn display(&self, unit: Unit) -> String {
        match (*self, unit) {
            (MetricValue::Count(n), _) => thousands(n),
            (MetricValue::Flag(b), _) => if b { "yes" } else { "no" }.to_string(),
            (MetricValue::Name(s), _) => s.replace('_', " "),
            (MetricValue::Number(x), Unit::Percent) => format!("{x:.2} %"),
            (MetricValue::Number(x), Unit::Change) => format!("{x:+.1} %"),
            (MetricValue::Number(x), Unit::Percentile) => format!("{x:.0}"),
            (MetricValue::Number(x), Unit::Average | Unit::Count) if x.abs() < 1e15 => {
                let rounded = x.round();
                let sign = if rounded < 0.0 { "-" } else { "" };
                format!("{sign}{}", thousands(rounded.abs() as u64))
            }
            (MetricValue::Number(x), _) => format!("{x:.2}"),
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const fn def(
    key: MetricKey,
    name: &'static str,
    title: &'static str,
    unit: Unit,
    basis: Basis,
    formula: &'static str,
) -> MetricDef {
    MetricDef { key, name, title, unit, basis, formula }
}

/// Every per-channel metric, in the order the edges show them.
pub const METRICS: &[MetricDef] = &[
    def(
        MetricKey::Followers,
        "followers",
        "Followers",
        Unit::Count,
        Basis::ChannelRecord,
        "the follower count of the newest channel record",
    ),
    def(
        MetricKey::EngagementRate,
        "engagement_rate",
        "Engagement rate",
        Unit::Percent,
        Basis::Window,
        "mean over window posts of (likes + comments + shares) / followers × 100",
    ),
    def(
        MetricKey::MedianEngagementRate,
        "median_engagement_rate",
        "Median rate",
        Unit::Percent,
        Basis::Window,
        "median of the per-post rates",
    ),
    def(
        MetricKey::EngagementRateByViews,
        "engagement_rate_by_views",
        "Rate by views",
        Unit::Percent,
        Basis::Window,
        "mean over window posts with views of (likes + comments + shares) / views × 100; needs 5 such posts",
    ),
    def(
        MetricKey::ViralSkew,
        "viral_skew",
        "Viral skew",
        Unit::Flag,
        Basis::Window,
        "the mean rate is above 1.5 × the median rate: a few posts inflate the mean",
    ),
    def(
        MetricKey::EngagementCv,
        "engagement_cv",
        "Consistency (CV)",
        Unit::Ratio,
        Basis::Window,
        "standard deviation of the per-post rates / their mean (lower is steadier)",
    ),
    def(MetricKey::AvgLikes, "avg_likes", "Average likes", Unit::Average, Basis::Window, "mean likes of window posts"),
    def(
        MetricKey::AvgComments,
        "avg_comments",
        "Average comments",
        Unit::Average,
        Basis::Window,
        "mean comments of window posts",
    ),
    def(
        MetricKey::AvgShares,
        "avg_shares",
        "Average shares",
        Unit::Average,
        Basis::Window,
        "mean shares of window posts",
    ),
    def(
        MetricKey::AvgViews,
        "avg_views",
        "Average views",
        Unit::Average,
        Basis::Window,
        "mean views of window posts with views",
    ),
    def(
        MetricKey::CommentsPer100Likes,
        "comments_per_100_likes",
        "Comments per 100 likes",
        Unit::Ratio,
        Basis::Window,
        "100 × sum(comments) / sum(likes)",
    ),
    def(
        MetricKey::PostsInWindow,
        "posts_in_window",
        "Posts in the window",
        Unit::Count,
        Basis::Window,
        "eligible posts of the last 30 days, or the last 12 eligible posts when that is fewer",
    ),
    def(
        MetricKey::PostsPerWeek,
        "posts_per_week",
        "Posts per week",
        Unit::PerWeek,
        Basis::NinetyDays,
        "posts in the 90 days to as of / (90 / 7)",
    ),
    def(
        MetricKey::FollowerGrowth30d,
        "follower_growth_30d",
        "Growth, 30 days",
        Unit::Change,
        Basis::History,
        "(followers − f0) / f0 × 100, f0 the newest count at least 30 days before as of",
    ),
    def(
        MetricKey::BenchmarkBucket,
        "benchmark_bucket",
        "Size bucket",
        Unit::Name,
        Basis::Peers,
        "the follower range the channel is compared in (1–2K … 5M+)",
    ),
    def(
        MetricKey::EngagementPercentile,
        "engagement_percentile",
        "Percentile among peers",
        Unit::Percentile,
        Basis::Peers,
        "100 × peers with a lower median rate / peers (same platform and size bucket, at least 30)",
    ),
    def(
        MetricKey::EngagementLabel,
        "engagement_label",
        "Label",
        Unit::Name,
        Basis::Peers,
        "from the percentile among peers: low < 25, good < 75, high < 90, very high ≥ 90 (fixed bands on the median rate without 30 peers)",
    ),
    def(
        MetricKey::EngagementIndex,
        "engagement_index",
        "Engagement index",
        Unit::Ratio,
        Basis::SizeFit,
        "median rate / exp(a + b × ln(followers)), fitted on peers' median rates: 1.0 is typical for the size",
    ),
];

/// The catalogue entry of `key`.
pub fn metric(key: MetricKey) -> &'static MetricDef {
    // Every key has exactly one entry (a test checks), so the search always finds it.
    METRICS.iter().find(|d| d.key == key).unwrap_or(&METRICS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_entry_and_names_are_unique() {
        for d in METRICS {
            assert_eq!(METRICS.iter().filter(|o| o.key == d.key).count(), 1, "{}", d.name);
            assert_eq!(METRICS.iter().filter(|o| o.name == d.name).count(), 1, "{}", d.name);
            assert_eq!(metric(d.key).name, d.name);
        }
        assert_eq!(METRICS.len(), 18);
    }

    #[test]
    fn values_read_as_a_marketer_expects() {
        assert_eq!(MetricValue::Count(1_234_567).display(Unit::Count), "1,234,567");
        assert_eq!(MetricValue::Number(3.4159).display(Unit::Percent), "3.42 %");
        assert_eq!(MetricValue::Number(4.06).display(Unit::Change), "+4.1 %");
        assert_eq!(MetricValue::Number(-2.0).display(Unit::Change), "-2.0 %");
        assert_eq!(MetricValue::Number(1234.5).display(Unit::Average), "1,235");
        assert_eq!(MetricValue::Number(87.4).display(Unit::Percentile), "87");
        assert_eq!(MetricValue::Name("very_high").display(Unit::Name), "very high");
        assert_eq!(MetricValue::Flag(true).display(Unit::Flag), "yes");
    }
}
