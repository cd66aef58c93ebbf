//! Overlaps worked out by hand.

use super::*;

fn audience(followers: u64, sample: &[&str], commenters: &[&str]) -> Audience {
    Audience {
        followers,
        sample: sample.iter().map(|s| s.to_string()).collect(),
        commenters: commenters.iter().map(|s| s.to_string()).collect(),
    }
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn poisson_intervals_match_the_exact_ones_to_a_percent() {
    // Exact (Garwood) 95 % intervals: 0 → [0, 3.689], 2 → [0.242, 7.225], 10 → [4.795, 18.39].
    let close = |x: f64, y: f64| (x - y).abs() <= 0.01 * y.max(1.0);
    let (l, h) = poisson_interval(0);
    assert!(l == 0.0 && close(h, 3.689), "{l} {h}");
    let (l, h) = poisson_interval(2);
    assert!((l - 0.242).abs() < 0.02 && close(h, 7.225), "{l} {h}");
    let (l, h) = poisson_interval(10);
    assert!(close(l, 4.795) && close(h, 18.39), "{l} {h}");
}

#[test]
fn a_shared_follower_in_two_samples_of_a_tenth_stands_for_a_hundred() {
    // A and B: 1,000 followers each, samples of 100; 2 usernames in both samples:
    // 2 × (1,000 / 100) × (1,000 / 100) = 200, range 100 × [0.242, 7.225].
    let mut a = names("a", 98);
    a.extend(["both1".to_string(), "both2".to_string()]);
    let mut b = names("b", 98);
    b.extend(["both1".to_string(), "both2".to_string()]);
    let a = audience(1000, &a.iter().map(String::as_str).collect::<Vec<_>>(), &["x", "y", "z"]);
    let b = audience(1000, &b.iter().map(String::as_str).collect::<Vec<_>>(), &["y", "w"]);
    let (s, e) = follower_overlap(&a, &b).unwrap();
    assert_eq!(s, 2);
    assert!((e.value - 200.0).abs() < 1e-9);
    assert!((e.low - 22.5).abs() < 3.0 && (e.high - 722.2).abs() < 8.0, "{e:?}");
    let o = overlap(&[a, b]);
    assert_eq!(o.pairs[0].shared_commenters, 1);
    // Unique reach: 2,000 − 200; each keeps 80 % of its followers to itself.
    assert_eq!(o.unique_reach, Some(1800.0));
    assert!((o.unique_share[0].unwrap().value - 0.8).abs() < 1e-9);
    assert!((o.unique_reach_low - (2000.0 - e.high)).abs() < 1e-9);
    assert!((o.unique_reach_high - (2000.0 - e.low)).abs() < 1e-9);
}

#[test]
fn complete_samples_give_exact_overlaps_and_reach() {
    // Three channels whose samples are their whole audiences: A {1..4}, B {3..6}, C {9}.
    let a = audience(4, &["u1", "u2", "u3", "u4"], &[]);
    let b = audience(4, &["u3", "u4", "u5", "u6"], &[]);
    let c = audience(1, &["u9"], &[]);
    let o = overlap(&[a, b, c]);
    let ab = o.pairs[0].followers.unwrap();
    assert_eq!((ab.value, ab.low, ab.high), (2.0, 2.0, 2.0));
    assert_eq!(o.pairs[1].followers.unwrap().value, 0.0);
    // Union {1..6, 9} = 7 = 4 + 4 + 1 − 2.
    assert_eq!((o.unique_reach, o.unique_reach_low, o.unique_reach_high), (Some(7.0), 7.0, 7.0));
    assert_eq!(o.unique_share[0].unwrap().value, 0.5);
    assert_eq!(o.unique_share[2].unwrap().value, 1.0);
    assert_eq!(o.total_followers, 9);
}

#[test]
fn a_channel_without_a_sample_leaves_the_reach_a_range() {
    let a = audience(4, &["u1", "u2", "u3", "u4"], &[]);
    let b = audience(4, &["u3", "u4", "u5", "u6"], &[]);
    let c = audience(10, &[], &[]);
    let o = overlap(&[a, b, c]);
    assert_eq!(o.pairs[1].followers, None);
    assert_eq!(o.unique_reach, None);
    // 18 − 2 for A and B, then C may share all of the smaller audience with each: 16 − 4 − 4.
    assert_eq!((o.unique_reach_low, o.unique_reach_high), (10.0, 16.0));
    assert_eq!(o.unique_share[2], None);
    assert_eq!(o.unique_share[0], None, "A's overlap with C is unknown");
}
