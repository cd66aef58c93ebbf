use super::*;

#[track_caller]
fn check(followers: u64, scrunch: Tier, industry: Tier) {
    assert_eq!(Tier::for_followers(followers, TierPreset::Scrunch), scrunch, "scrunch, {followers}");
    assert_eq!(Tier::for_followers(followers, TierPreset::Industry), industry, "industry, {followers}");
}

#[test]
fn bounds_follow_the_table_of_metrics_md() {
    check(0, Tier::None, Tier::None);
    check(999, Tier::None, Tier::None);
    check(1_000, Tier::Nano, Tier::Nano);
    check(1_999, Tier::Nano, Tier::Nano);
    check(2_000, Tier::Micro, Tier::Nano);
    check(9_999, Tier::Micro, Tier::Nano);
    check(10_000, Tier::Micro, Tier::Micro);
    check(49_999, Tier::Micro, Tier::Micro);
    check(50_000, Tier::Mid, Tier::Mid);
    check(99_999, Tier::Mid, Tier::Mid);
    check(100_000, Tier::Macro, Tier::Mid);
    check(249_999, Tier::Macro, Tier::Mid);
    check(250_000, Tier::Mega, Tier::Mid);
    check(499_999, Tier::Mega, Tier::Mid);
    check(500_000, Tier::Mega, Tier::Macro);
    check(999_999, Tier::Mega, Tier::Macro);
    check(1_000_000, Tier::Mega, Tier::Mega);
    check(u64::MAX, Tier::Mega, Tier::Mega);
}

#[test]
fn ranges_agree_with_classification() {
    for preset in [TierPreset::Scrunch, TierPreset::Industry] {
        for tier in Tier::ALL {
            let (low, high) = tier.range(preset);
            assert_eq!(Tier::for_followers(low, preset), tier);
            if let Some(high) = high {
                assert_eq!(Tier::for_followers(high - 1, preset), tier);
                assert_ne!(Tier::for_followers(high, preset), tier);
            }
        }
    }
}
