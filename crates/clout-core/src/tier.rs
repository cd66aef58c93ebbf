//! Tiers: a view of the raw follower count (metrics.md, "Tiers").

#[cfg(test)]
mod tests;

/// A size class of one channel. Lower bounds inclusive, upper bounds exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    None,
    Nano,
    Micro,
    Mid,
    Macro,
    Mega,
}

/// Which set of tier bounds to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TierPreset {
    /// Scrunch's bounds (micro = 2,000 to 50,000): the default.
    Scrunch,
    /// HypeAuditor's report bounds (micro = 10,000 to 50,000).
    Industry,
}

impl TierPreset {
    pub fn parse(raw: &str) -> Option<TierPreset> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "scrunch" => Some(TierPreset::Scrunch),
            "industry" => Some(TierPreset::Industry),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            TierPreset::Scrunch => "scrunch",
            TierPreset::Industry => "industry",
        }
    }

    /// Lower bounds of nano, micro, mid, macro and mega.
    const fn lower_bounds(self) -> [u64; 5] {
        match self {
            TierPreset::Scrunch => [1_000, 2_000, 50_000, 100_000, 250_000],
            TierPreset::Industry => [1_000, 10_000, 50_000, 500_000, 1_000_000],
        }
    }
}

impl Tier {
    pub const ALL: [Tier; 6] = [Tier::None, Tier::Nano, Tier::Micro, Tier::Mid, Tier::Macro, Tier::Mega];

    pub fn for_followers(followers: u64, preset: TierPreset) -> Tier {
        let above = preset.lower_bounds().iter().filter(|&&bound| followers >= bound).count();
        Tier::ALL[above]
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::None => "none",
            Tier::Nano => "nano",
            Tier::Micro => "micro",
            Tier::Mid => "mid",
            Tier::Macro => "macro",
            Tier::Mega => "mega",
        }
    }

    pub fn parse(raw: &str) -> Option<Tier> {
        let lower = raw.trim().to_ascii_lowercase();
        Tier::ALL.into_iter().find(|t| t.as_str() == lower)
    }

    /// The follower range `[low, high)` of this tier under `preset`; `high` is `None` for mega.
    pub fn range(self, preset: TierPreset) -> (u64, Option<u64>) {
        let bounds = preset.lower_bounds();
        let idx = self as usize;
        let low = if idx == 0 { 0 } else { bounds[idx - 1] };
        (low, bounds.get(idx).copied())
    }
}
