//! Planning for unique reach: the people reached at least once, when audiences overlap.
//!
//! A creator's reach counts again only for the share of its followers that the creators
//! already picked do not have: its marginal reach given picks `S` is
//! `reach × Π_{s ∈ S} (1 − O_s / F)` for its `F` followers and the followers `O_s` it
//! shares with `s`, estimated from the two follower samples (`clout_core::overlap`; a pair
//! without a sample on either side counts as not overlapping). That is a knapsack with a
//! diminishing, pairwise objective, so no exact optimiser is claimed: the plan is the best
//! of three, by unique reach: greedy by marginal reach per cost; the best plan with
//! overlaps ignored (exact); the best single creator. The best plan with overlaps ignored
//! is also an upper bound (overlaps only lower reach), so the plan reports its gap to it.

use std::collections::HashSet;

use clout_core::overlap::{Audience, follower_overlap};
use clout_core::plan::{Item, Limits, Solution};

use crate::{App, Result};

/// The candidates' audiences, for overlaps: followers and follower sample.
pub(super) struct Audiences(Vec<Audience>);

impl Audiences {
    /// Reads the follower samples of `ids` (in candidate order).
    pub(super) fn read(app: &App, ids: &[(i64, u64)]) -> Result<Audiences> {
        let mut out = Vec::with_capacity(ids.len());
        for &(id, followers) in ids {
            let sample: HashSet<String> =
                app.store.follower_samples_of(id)?.into_iter().map(|s| s.username.to_lowercase()).collect();
            out.push(Audience { followers, sample, commenters: HashSet::new() });
        }
        Ok(Audiences(out))
    }

    /// The share of `c`'s followers that `s` also has, 0 to 1 (0 when unknown).
    fn shared(&self, c: usize, s: usize) -> f64 {
        let (a, b) = (&self.0[c], &self.0[s]);
        let f = a.followers.max(a.sample.len() as u64) as f64;
        match follower_overlap(a, b) {
            Some((_, e)) if f > 0.0 => (e.value / f).clamp(0.0, 1.0),
            _ => 0.0,
        }
    }

    /// The unique value of `chosen`, picked in that order: each item's value times the
    /// share of its audience none of those before it has.
    /// Only pairs with a sample on both sides are compared (the others share nothing).
    pub(super) fn unique_value(&self, items: &[Item], chosen: &[usize]) -> f64 {
        let mut sampled_before: Vec<usize> = Vec::new();
        let mut total = 0.0;
        for &c in chosen {
            if self.0[c].sample.is_empty() {
                total += items[c].value;
                continue;
            }
            total += items[c].value * sampled_before.iter().map(|&s| 1.0 - self.shared(c, s)).product::<f64>();
            sampled_before.push(c);
        }
        total
    }
}

/// The greedy plan: repeatedly the affordable item with the most marginal value per cost,
/// until nothing more fits or `stop` says the time is up.
fn greedy(items: &[Item], limits: &Limits, audiences: &Audiences, stop: &mut dyn FnMut() -> bool) -> (Vec<usize>, i64) {
    let max = limits.max_items.unwrap_or(usize::MAX);
    // Each item's share of its audience not yet reached by the picks.
    let mut fresh = vec![1.0f64; items.len()];
    let (mut chosen, mut cost) = (Vec::new(), 0i64);
    let mut taken = vec![false; items.len()];
    let sampled: Vec<usize> = (0..items.len()).filter(|&i| !audiences.0[i].sample.is_empty()).collect();
    while chosen.len() < max && !stop() {
        let best = (0..items.len())
            .filter(|&i| !taken[i] && items[i].cost >= 0 && cost + items[i].cost <= limits.budget)
            .map(|i| (i, items[i].value * fresh[i]))
            .filter(|&(_, v)| v > 0.0)
            .max_by(|a, b| {
                let per = |(i, v): (usize, f64)| v / (items[i].cost.max(1) as f64);
                per(*a).total_cmp(&per(*b)).then(b.0.cmp(&a.0))
            });
        let Some((pick, _)) = best else { break };
        taken[pick] = true;
        cost += items[pick].cost;
        chosen.push(pick);
        if !audiences.0[pick].sample.is_empty() {
            for &i in &sampled {
                if !taken[i] {
                    fresh[i] *= 1.0 - audiences.shared(i, pick);
                }
            }
        }
    }
    (chosen, cost)
}

/// The plan for unique reach (see the module's header): the best of greedy, `independent`
/// (the exact plan with overlaps ignored) and the best single item, in pick order, with
/// `independent`'s value as the upper bound.
pub(super) fn solve(
    items: &[Item],
    limits: &Limits,
    audiences: &Audiences,
    independent: Option<&Solution>,
    stop: &mut dyn FnMut() -> bool,
) -> Option<(Solution, Vec<usize>)> {
    let mut options: Vec<(Vec<usize>, i64)> = Vec::new();
    let (g, cost) = greedy(items, limits, audiences, stop);
    options.push((g, cost));
    if let Some(s) = independent {
        // In the order of their own value, so the largest audiences count whole.
        let mut order = s.chosen.clone();
        order.sort_by(|&a, &b| items[b].value.total_cmp(&items[a].value).then(a.cmp(&b)));
        options.push((order, s.cost));
    }
    if let Some(single) = (0..items.len())
        .filter(|&i| (0..=limits.budget).contains(&items[i].cost))
        .max_by(|&a, &b| items[a].value.total_cmp(&items[b].value).then(b.cmp(&a)))
    {
        options.push((vec![single], items[single].cost));
    }
    let max = limits.max_items.unwrap_or(usize::MAX);
    let (order, cost, value) = options
        .into_iter()
        .filter(|(c, _)| (limits.min_items..=max).contains(&c.len()))
        .map(|(c, cost)| {
            let v = audiences.unique_value(items, &c);
            (c, cost, v)
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))?;
    let upper_bound = independent.map_or(f64::INFINITY, |s| s.value.max(value));
    let mut chosen = order.clone();
    chosen.sort_unstable();
    Some((Solution { chosen, cost, value, upper_bound, optimal: upper_bound <= value, nodes: 0 }, order))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audience(followers: u64, sample: &[&str]) -> Audience {
        Audience { followers, sample: sample.iter().map(|s| s.to_string()).collect(), commenters: HashSet::new() }
    }

    #[test]
    fn two_creators_sharing_an_audience_are_not_both_picked_when_a_distinct_one_reaches_more() {
        // A and B have the same 4 followers (complete samples: exact); C has 4 of its own.
        // Values: A 100, B 90, C 60, each costing 10, budget 20. Ignoring overlaps, A + B
        // (190) is best; but B adds nothing to A, so A + C reaches 160 unique.
        let items = [Item { cost: 10, value: 100.0 }, Item { cost: 10, value: 90.0 }, Item { cost: 10, value: 60.0 }];
        let audiences = Audiences(vec![
            audience(4, &["p", "q", "r", "s"]),
            audience(4, &["p", "q", "r", "s"]),
            audience(4, &["w", "x", "y", "z"]),
        ]);
        let limits = Limits { budget: 20, min_items: 0, max_items: None };
        let independent = clout_core::plan::solve(&items, &limits, || false).unwrap();
        assert_eq!(independent.chosen, [0, 1]);
        let (s, order) = solve(&items, &limits, &audiences, Some(&independent), &mut || false).unwrap();
        assert_eq!((order, s.value), (vec![0, 2], 160.0));
        // The bound is the plan with overlaps ignored: 190; the gap (190 − 160) / 190.
        assert_eq!(s.upper_bound, 190.0);
        assert!(!s.optimal);
        assert!((s.gap() - 30.0 / 190.0).abs() < 1e-12);
        // Half-shared: B has p, q of A's and two of its own: B adds 90 × 0.5 = 45 < 60.
        let half = Audiences(vec![
            audience(4, &["p", "q", "r", "s"]),
            audience(4, &["p", "q", "t", "u"]),
            audience(4, &["w", "x", "y", "z"]),
        ]);
        assert!((half.unique_value(&items, &[0, 1]) - 145.0).abs() < 1e-12);
        // Without samples nothing overlaps: the unique value is the plain sum.
        let unknown = Audiences(vec![audience(4, &[]), audience(4, &[]), audience(4, &[])]);
        let (s, _) = solve(&items, &limits, &unknown, Some(&independent), &mut || false).unwrap();
        assert_eq!((s.value, s.optimal), (190.0, true));
    }
}
