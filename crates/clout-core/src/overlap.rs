//! Audience overlap of a shortlist: how many followers two channels share, each channel's
//! followers that follow none of the others, and the list's unique reach, from the
//! follower samples imported for them; and how many commenters they share.
//!
//! **Followers.** A follower sample of channel A holds `n_A` of its `F_A` followers, drawn
//! at random. A follower of both A and B is in both samples with probability
//! `(n_A / F_A) × (n_B / F_B)` (independent samples), so the `s` usernames found in both
//! samples estimate the overlap as `O = s × (F_A / n_A) × (F_B / n_B)`, at most the
//! smaller audience. Its range is the 95 % interval of a Poisson count `s` (Byar's
//! approximation of the exact interval), scaled the same way: conservative when the
//! samples are large, exact (a single value) when both samples are complete (`n ≥ F`).
//!
//! **Unique share** of a channel: the part of its followers who follow none of the other
//! channels, taking the overlaps as independent: `Π (1 − O_AB / F_A)` over the others.
//!
//! **Unique reach** of the list: every channel's followers, less each pair's overlap,
//! `Σ F − Σ O`: exact when no one follows three or more of the channels, else a little
//! low (a follower of three is subtracted three times and counted once too few); never
//! below the largest audience. Its range takes each overlap's range; a pair whose overlap
//! is unknown (a channel without a sample) counts from none to the whole smaller audience,
//! and then no single value is given.
//!
//! **Commenters** are the engaged audience as observed (the distinct authors of the
//! comments imported): the share of A's commenters who also commented on B, not scaled.

use std::collections::HashSet;

/// What is known of one channel's audience.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Audience {
    /// Its followers now.
    pub followers: u64,
    /// The usernames of its follower sample (empty: none imported).
    pub sample: HashSet<String>,
    /// The distinct authors of its imported comments.
    pub commenters: HashSet<String>,
}

/// A value with its 95 % range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Two channels of the list (by their position in it) and what they share.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    /// Usernames in both follower samples.
    pub shared_in_samples: u64,
    /// Followers of both, estimated (`None`: a channel has no follower sample).
    pub followers: Option<Estimate>,
    /// Authors who commented on both.
    pub shared_commenters: u64,
}

/// The overlap of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    pub pairs: Vec<Pair>,
    /// Per channel, in the list's order: the share (0–1) of its followers who follow none
    /// of the others (`None` without a follower sample for it and every other one).
    pub unique_share: Vec<Option<Estimate>>,
    /// The sum of the audiences.
    pub total_followers: u64,
    /// The followers reached at least once: a value only when every pair is known.
    pub unique_reach: Option<f64>,
    pub unique_reach_low: f64,
    pub unique_reach_high: f64,
}

/// The 95 % interval of a Poisson count `s` (Byar's approximation).
pub fn poisson_interval(s: u64) -> (f64, f64) {
    const Z: f64 = 1.959_963_984_540_054;
    let s = s as f64;
    let low = if s == 0.0 { 0.0 } else { s * (1.0 - 1.0 / (9.0 * s) - Z / (3.0 * s.sqrt())).powi(3) };
    let t = s + 1.0;
    let high = t * (1.0 - 1.0 / (9.0 * t) + Z / (3.0 * t.sqrt())).powi(3);
    (low.max(0.0), high)
}

/// How many followers a sample stands for (1 for a complete sample).
fn scale(a: &Audience) -> f64 {
    let n = a.sample.len() as f64;
    (a.followers as f64).max(n) / n
}

/// Followers of both `a` and `b`, from their samples.
pub fn follower_overlap(a: &Audience, b: &Audience) -> Option<(u64, Estimate)> {
    if a.sample.is_empty() || b.sample.is_empty() {
        return None;
    }
    let (small, large) = if a.sample.len() <= b.sample.len() { (a, b) } else { (b, a) };
    let s = small.sample.iter().filter(|u| large.sample.contains(*u)).count() as u64;
    let k = scale(a) * scale(b);
    let cap = (a.followers.max(a.sample.len() as u64)).min(b.followers.max(b.sample.len() as u64)) as f64;
    let complete = k == 1.0;
    let (low, high) = if complete { (s as f64, s as f64) } else { poisson_interval(s) };
    let e = Estimate { value: (s as f64 * k).min(cap), low: (low * k).min(cap), high: (high * k).min(cap) };
    Some((s, e))
}

/// The overlap of every pair of `list`, each channel's unique share and the unique reach.
pub fn overlap(list: &[Audience]) -> Overlap {
    let n = list.len();
    let mut pairs = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for a in 0..n {
        for b in a + 1..n {
            let (x, y) = (&list[a], &list[b]);
            let (shared_in_samples, followers) = match follower_overlap(x, y) {
                Some((s, e)) => (s, Some(e)),
                None => (0, None),
            };
            let (small, large) = if x.commenters.len() <= y.commenters.len() { (x, y) } else { (y, x) };
            let shared_commenters = small.commenters.iter().filter(|u| large.commenters.contains(*u)).count() as u64;
            pairs.push(Pair { a, b, shared_in_samples, followers, shared_commenters });
        }
    }
    let audience = |i: usize| list[i].followers.max(list[i].sample.len() as u64) as f64;
    let unique_share = (0..n)
        .map(|i| {
            let f = audience(i);
            if f == 0.0 {
                return None;
            }
            let mut e = Estimate { value: 1.0, low: 1.0, high: 1.0 };
            for p in pairs.iter().filter(|p| p.a == i || p.b == i) {
                let o = p.followers?;
                e.value *= 1.0 - (o.value / f).min(1.0);
                e.low *= 1.0 - (o.high / f).min(1.0);
                e.high *= 1.0 - (o.low / f).min(1.0);
            }
            Some(e)
        })
        .collect();
    let total: f64 = (0..n).map(audience).sum();
    let largest = (0..n).map(audience).fold(0.0, f64::max);
    let (mut point, mut low, mut high) = (Some(total), total, total);
    for p in &pairs {
        match p.followers {
            Some(o) => {
                point = point.map(|v| v - o.value);
                low -= o.high;
                high -= o.low;
            }
            None => {
                point = None;
                low -= audience(p.a).min(audience(p.b));
            }
        }
    }
    Overlap {
        pairs,
        unique_share,
        total_followers: total as u64,
        unique_reach: point.map(|v| v.max(largest)),
        unique_reach_low: low.max(largest),
        unique_reach_high: high.max(largest),
    }
}

#[cfg(test)]
mod tests;
