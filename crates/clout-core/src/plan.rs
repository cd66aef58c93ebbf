//! The planner's optimiser: a 0–1 knapsack with a cardinality range, solved exactly by
//! branch and bound.
//!
//! Maximise Σ value over a set of items with Σ cost ≤ budget and
//! `min_items ≤ |set| ≤ max_items`. Costs are integer minor units, so the budget is never
//! overrun by rounding. The search is depth first over the items in decreasing
//! value-per-cost order, taking an item before leaving it out. A node is cut when
//! - its upper bound is no better than the best plan found: the bound is the smaller of
//!   the linear-programming relaxation (Dantzig: whole items by ratio, then a fraction of
//!   the first that does not fit) and, with `max_items`, the sum of the most valuable items
//!   that could still be added one by one;
//! - or `min_items` can no longer be reached: the cheapest remaining items do not fit.
//!
//! It starts from the greedy plan (by ratio), so it is never worse than greedy. The caller's
//! `stop` is asked every 4,096 nodes; when it says stop, the best plan so far is returned
//! with an upper bound over every unexplored branch, and so with its optimality gap.

/// A candidate: what it costs and what it is expected to bring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    pub cost: i64,
    pub value: f64,
}

/// The constraints of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub budget: i64,
    pub min_items: usize,
    pub max_items: Option<usize>,
}

/// A plan: which items, and how sure the optimiser is that none is better.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Indices into the items, ascending.
    pub chosen: Vec<usize>,
    pub cost: i64,
    pub value: f64,
    /// No plan has more value than this (equal to `value` when proven optimal).
    pub upper_bound: f64,
    pub optimal: bool,
    /// Nodes of the search tree visited.
    pub nodes: u64,
}

impl Solution {
    /// `(upper bound − value) / upper bound`: 0 when optimal.
    pub fn gap(&self) -> f64 {
        if self.optimal || self.upper_bound <= 0.0 {
            0.0
        } else {
            ((self.upper_bound - self.value) / self.upper_bound).max(0.0)
        }
    }
}

/// Relative tolerance under which a branch cannot beat the best plan.
const TOLERANCE: f64 = 1e-9;
/// Items examined by the cardinality bound and the feasibility check before they give up
/// (giving up keeps them valid: the bound gets looser, the check lets the node through).
const WALK_LIMIT: usize = 4_096;

fn ratio(item: &Item) -> f64 {
    if item.cost == 0 {
        if item.value > 0.0 { f64::INFINITY } else { item.value }
    } else {
        item.value / item.cost as f64
    }
}

struct Frame {
    /// The item decided at this node.
    i: usize,
    /// 0: not visited; 1: item taken, its subtree being searched; 2: item left out.
    phase: u8,
    value: f64,
    cost: i64,
    count: usize,
}

struct Search<'a> {
    s: &'a [Item],
    /// λ: the price of one creator slot (0 unless the number of creators binds).
    lambda: f64,
    /// Items with positive reduced value (value − λ) come first; `npos` of them.
    npos: usize,
    /// Prefix sums of cost and reduced value in search order.
    pc: Vec<i64>,
    pv: Vec<f64>,
    by_value: Vec<usize>,
    by_cost: Vec<usize>,
    limits: Limits,
    max_items: usize,
}

impl Search<'_> {
    /// The LP relaxation over items `i..` with `cap` left, in reduced values.
    fn dantzig(&self, i: usize, cap: i64) -> f64 {
        if i >= self.npos {
            return 0.0;
        }
        let target = self.pc[i].saturating_add(cap);
        let k = i + self.pc[i..=self.npos].partition_point(|&c| c <= target) - 1;
        let mut b = self.pv[k] - self.pv[i];
        if k < self.npos {
            let rem = target - self.pc[k];
            b += rem as f64 * (self.s[k].value - self.lambda) / self.s[k].cost as f64;
        }
        b
    }

    /// The most any set of at most `slots` more items from `i..` can add.
    fn cardinality(&self, i: usize, cap: i64, slots: usize) -> f64 {
        let mut sum = 0.0;
        let mut taken = 0;
        for (steps, &j) in self.by_value.iter().enumerate() {
            let item = self.s[j];
            if item.value <= 0.0 || taken == slots {
                return sum;
            }
            if steps >= WALK_LIMIT {
                return sum + (slots - taken) as f64 * item.value;
            }
            if j >= i && item.cost <= cap {
                sum += item.value;
                taken += 1;
            }
        }
        sum
    }

    /// No completion of a node at item `i` with `cap` left and `count` taken can add more:
    /// for any λ ≥ 0, Σ value = Σ (value − λ) + λ × items ≤ LP(reduced values) + λ × slots.
    fn bound(&self, i: usize, cap: i64, count: usize) -> f64 {
        let slots = self.max_items - count;
        let lp =
            if self.lambda > 0.0 { self.dantzig(i, cap) + self.lambda * slots as f64 } else { self.dantzig(i, cap) };
        if slots < self.s.len() - i { lp.min(self.cardinality(i, cap, slots)) } else { lp }
    }

    /// Whether `min_items` can still be reached from this node.
    fn can_reach_min(&self, i: usize, cap: i64, count: usize) -> bool {
        let need = self.limits.min_items.saturating_sub(count);
        if need == 0 {
            return true;
        }
        if self.s.len() - i < need {
            return false;
        }
        let mut spent = 0i64;
        let mut found = 0;
        for (steps, &j) in self.by_cost.iter().enumerate() {
            if steps >= WALK_LIMIT {
                return true;
            }
            if j >= i {
                spent += self.s[j].cost;
                found += 1;
                if spent > cap {
                    return false;
                }
                if found == need {
                    return true;
                }
            }
        }
        false
    }
}

/// `λ × max_items + LP(budget, values − λ)`: for any λ ≥ 0 an upper bound on every plan
/// (Lagrangian relaxation of the limit on items). O(n log n).
fn lagrangian(items: &[Item], budget: i64, max_items: usize, lambda: f64) -> f64 {
    let mut v: Vec<(f64, i64)> = items
        .iter()
        .filter(|it| it.value - lambda > 0.0 && it.cost <= budget)
        .map(|it| (it.value - lambda, it.cost))
        .collect();
    let r = |(value, cost): &(f64, i64)| if *cost == 0 { f64::INFINITY } else { value / *cost as f64 };
    v.sort_by(|a, b| r(b).total_cmp(&r(a)));
    let (mut left, mut sum) = (budget, 0.0);
    for (value, cost) in v {
        if cost <= left {
            left -= cost;
            sum += value;
        } else {
            sum += left as f64 * value / cost as f64;
            break;
        }
    }
    lambda * max_items as f64 + sum
}

/// The λ that makes the Lagrangian bound smallest (it is convex in λ): a ternary search.
fn best_lambda(items: &[Item], budget: i64, max_items: usize) -> f64 {
    let (mut lo, mut hi) = (0.0f64, items.iter().map(|it| it.value).fold(0.0, f64::max));
    for _ in 0..50 {
        let (m1, m2) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
        if lagrangian(items, budget, max_items, m1) <= lagrangian(items, budget, max_items, m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    let mid = (lo + hi) / 2.0;
    if lagrangian(items, budget, max_items, 0.0) <= lagrangian(items, budget, max_items, mid) { 0.0 } else { mid }
}

/// The greedy plan: items by decreasing value per cost, each taken when it fits.
/// `None` when it ends with fewer than `min_items`.
pub fn greedy(items: &[Item], limits: &Limits) -> Option<Solution> {
    greedy_by(items, limits, &|a, b| ratio(b).total_cmp(&ratio(a)))
}

/// Greedy in the order `cmp` gives (ties by index).
fn greedy_by(items: &[Item], limits: &Limits, cmp: &dyn Fn(&Item, &Item) -> std::cmp::Ordering) -> Option<Solution> {
    let mut order: Vec<usize> = (0..items.len()).filter(|&j| items[j].cost >= 0 && items[j].value > 0.0).collect();
    order.sort_by(|&a, &b| cmp(&items[a], &items[b]).then(a.cmp(&b)));
    let max = limits.max_items.unwrap_or(usize::MAX);
    let (mut cost, mut value, mut chosen) = (0i64, 0.0, Vec::new());
    for j in order {
        if chosen.len() < max && cost + items[j].cost <= limits.budget {
            cost += items[j].cost;
            value += items[j].value;
            chosen.push(j);
        }
    }
    chosen.sort_unstable();
    (chosen.len() >= limits.min_items).then_some(Solution {
        chosen,
        cost,
        value,
        upper_bound: f64::INFINITY,
        optimal: false,
        nodes: 0,
    })
}

/// The best plan, or `None` when no set of items meets the constraints.
pub fn solve(items: &[Item], limits: &Limits, mut stop: impl FnMut() -> bool) -> Option<Solution> {
    let max_items = limits.max_items.unwrap_or(usize::MAX);
    if limits.min_items > max_items || limits.budget < 0 {
        return None;
    }
    let usable: Vec<usize> = (0..items.len())
        .filter(|&j| (0..=limits.budget).contains(&items[j].cost) && items[j].value.is_finite())
        .collect();
    // When the cap on items stops the greedy plan with money left, the cap binds: each item
    // then also "costs" a slot, priced at the λ that makes the Lagrangian bound tightest,
    // and the search goes by reduced value (value − λ) per cost.
    let by_ratio = greedy(items, limits);
    let lambda = match limits.max_items {
        Some(m) if by_ratio.as_ref().is_none_or(|g| g.chosen.len() == m && g.cost < limits.budget) => {
            let usable_items: Vec<Item> = usable.iter().map(|&j| items[j]).collect();
            best_lambda(&usable_items, limits.budget, m)
        }
        _ => 0.0,
    };
    let reduced = |it: &Item| ratio(&Item { cost: it.cost, value: it.value - lambda });
    let mut order = usable;
    order.sort_by(|&a, &b| {
        reduced(&items[b])
            .total_cmp(&reduced(&items[a]))
            .then(items[b].value.total_cmp(&items[a].value))
            .then(a.cmp(&b))
    });
    let s: Vec<Item> = order.iter().map(|&j| items[j]).collect();
    let npos = s.iter().take_while(|it| it.value - lambda > 0.0).count();
    let mut pc = vec![0i64; npos + 1];
    let mut pv = vec![0.0f64; npos + 1];
    for k in 0..npos {
        pc[k + 1] = pc[k] + s[k].cost;
        pv[k + 1] = pv[k] + (s[k].value - lambda);
    }
    let mut by_value: Vec<usize> = (0..s.len()).collect();
    by_value.sort_by(|&a, &b| s[b].value.total_cmp(&s[a].value));
    let mut by_cost: Vec<usize> = (0..s.len()).collect();
    by_cost.sort_by_key(|&j| s[j].cost);
    let search = Search { s: &s, lambda, npos, pc, pv, by_value, by_cost, limits: *limits, max_items };

    // Start from the best of three greedy plans (by value per cost, by value, and in the
    // search's own order), in sorted positions, so the result is never worse than greedy.
    let in_order = greedy_by(&s, limits, &|_, _| std::cmp::Ordering::Equal);
    let mut position = vec![usize::MAX; items.len()];
    for (k, &j) in order.iter().enumerate() {
        position[j] = k;
    }
    let mut starts: Vec<(f64, Vec<usize>)> = Vec::new();
    if let Some(g) = by_ratio {
        starts.push((g.value, g.chosen.iter().map(|&j| position[j]).collect()));
    }
    if limits.max_items.is_some()
        && let Some(g) = greedy_by(items, limits, &|a, b| b.value.total_cmp(&a.value))
    {
        starts.push((g.value, g.chosen.iter().map(|&j| position[j]).collect()));
    }
    if let Some(g) = in_order {
        starts.push((g.value, g.chosen));
    }
    let (mut best_value, mut best_path): (f64, Option<Vec<usize>>) =
        starts.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)).map_or((f64::NEG_INFINITY, None), |(v, p)| (v, Some(p)));
    let beats = |bound: f64, best: f64| best == f64::NEG_INFINITY || bound > best + TOLERANCE * best.abs().max(1.0);

    let mut frames = vec![Frame { i: 0, phase: 0, value: 0.0, cost: 0, count: 0 }];
    let mut path: Vec<usize> = Vec::new();
    let (mut value, mut cost, mut count) = (0.0f64, 0i64, 0usize);
    let mut nodes = 0u64;
    let mut stopped = false;
    while let Some(top) = frames.last_mut() {
        match top.phase {
            0 => {
                nodes += 1;
                if nodes.is_multiple_of(4096) && stop() {
                    stopped = true;
                    break;
                }
                if count >= limits.min_items && value > best_value {
                    best_value = value;
                    best_path = Some(path.clone());
                }
                let i = top.i;
                let cap = limits.budget - cost;
                if i == s.len()
                    || count == max_items
                    || !search.can_reach_min(i, cap, count)
                    || !beats(value + search.bound(i, cap, count), best_value)
                {
                    frames.pop();
                    continue;
                }
                let item = s[i];
                if item.cost <= cap && count < max_items {
                    top.phase = 1;
                    path.push(i);
                    value += item.value;
                    cost += item.cost;
                    count += 1;
                } else {
                    top.phase = 2;
                }
                let child = Frame { i: i + 1, phase: 0, value, cost, count };
                frames.push(child);
            }
            1 => {
                // Back from the branch that took item `i`: now leave it out.
                path.pop();
                (value, cost, count) = (top.value, top.cost, top.count);
                top.phase = 2;
                let child = Frame { i: top.i + 1, phase: 0, value, cost, count };
                frames.push(child);
            }
            _ => {
                frames.pop();
            }
        }
    }

    let mut upper_bound = best_value;
    if stopped {
        let mut open = best_value;
        for f in &frames {
            let pending = match f.phase {
                // Not visited yet: the whole subtree.
                0 => f.value + search.bound(f.i, limits.budget - f.cost, f.count),
                // The branch leaving item `i` out is still to come.
                1 => f.value + search.bound(f.i + 1, limits.budget - f.cost, f.count),
                _ => continue,
            };
            open = open.max(pending);
        }
        // Both hold for every plan left to explore; the smaller is reported.
        upper_bound = match limits.max_items {
            Some(m) => open.min(lagrangian(&s, limits.budget, m, lambda)).max(best_value),
            None => open,
        };
    }
    let path = best_path?;
    let mut chosen: Vec<usize> = path.iter().map(|&k| order[k]).collect();
    chosen.sort_unstable();
    let cost = chosen.iter().map(|&j| items[j].cost).sum();
    let value = chosen.iter().map(|&j| items[j].value).sum();
    Some(Solution { chosen, cost, value, upper_bound: upper_bound.max(value), optimal: !stopped, nodes })
}

/// Every subset, for checking [`solve`] on small instances (at most 24 items).
pub fn brute_force(items: &[Item], limits: &Limits) -> Option<(Vec<usize>, f64)> {
    assert!(items.len() <= 24, "brute force is for small instances");
    let max = limits.max_items.unwrap_or(usize::MAX);
    let mut best: Option<(u32, f64)> = None;
    for mask in 0u32..(1u32 << items.len()) {
        let n = mask.count_ones() as usize;
        if n < limits.min_items || n > max {
            continue;
        }
        let (mut cost, mut value) = (0i64, 0.0);
        for (j, item) in items.iter().enumerate() {
            if mask & (1 << j) != 0 {
                cost += item.cost;
                value += item.value;
            }
        }
        if cost <= limits.budget && best.is_none_or(|(_, v)| value > v) {
            best = Some((mask, value));
        }
    }
    best.map(|(mask, v)| ((0..items.len()).filter(|j| mask & (1 << j) != 0).collect(), v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn never() -> impl FnMut() -> bool {
        || false
    }

    #[test]
    fn a_small_instance_is_solved_by_hand() {
        // Ratios: A 1.5, D 1.17, B 1.08, C 1.0. With 10 to spend, A + D = 13 for exactly 10;
        // every other pair that fits is worth less (A + B 12.5, A + C 9, B + C 9.5, C + D 10).
        let items = [
            Item { cost: 4, value: 6.0 },
            Item { cost: 6, value: 6.5 },
            Item { cost: 3, value: 3.0 },
            Item { cost: 6, value: 7.0 },
        ];
        let limits = Limits { budget: 10, min_items: 0, max_items: None };
        let g = greedy(&items, &limits).unwrap();
        assert_eq!(g.chosen, vec![0, 3]);
        let s = solve(&items, &limits, never()).unwrap();
        assert_eq!((s.chosen.clone(), s.cost, s.value, s.optimal), (vec![0, 3], 10, 13.0, true));
        // At most one item: D alone.
        let one = solve(&items, &Limits { max_items: Some(1), ..limits }, never()).unwrap();
        assert_eq!(one.chosen, vec![3]);
        // At least three: the cheapest three (C, A and B or D) cost 13 > 10: no plan.
        assert_eq!(solve(&items, &Limits { min_items: 3, ..limits }, never()), None);
        // At least three with 13: A + C + D = 16 beats A + C + B = 15.5.
        let three = solve(&items, &Limits { budget: 13, min_items: 3, max_items: None }, never()).unwrap();
        assert_eq!((three.chosen, three.value), (vec![0, 2, 3], 16.0));
    }

    #[test]
    fn a_stopped_search_reports_a_gap_that_holds() {
        // Strongly correlated items (value = cost + 10) are hard for branch and bound.
        let items: Vec<Item> = (0..400)
            .map(|j| Item { cost: 1_000 + (j * 7919 % 997), value: (1_010 + (j * 7919 % 997)) as f64 })
            .collect();
        let limits = Limits { budget: 50_000, min_items: 0, max_items: None };
        let mut calls = 0;
        let s = solve(&items, &limits, || {
            calls += 1;
            calls > 2
        })
        .unwrap();
        assert!(!s.optimal);
        assert!(s.upper_bound >= s.value && s.gap() >= 0.0 && s.gap() < 0.05, "{} {}", s.value, s.upper_bound);
        assert!(s.cost <= limits.budget);
        assert!(s.value >= greedy(&items, &limits).unwrap().value);
    }

    fn instance() -> impl Strategy<Value = (Vec<Item>, Limits)> {
        let item = (0i64..1_000, -5.0f64..1_000.0).prop_map(|(cost, value)| Item { cost, value });
        (proptest::collection::vec(item, 0..=20), 0i64..5_000, 0usize..4, proptest::option::of(0usize..8))
            .prop_map(|(items, budget, min_items, max_items)| (items, Limits { budget, min_items, max_items }))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]
        #[test]
        fn plans_equal_the_brute_force_optimum_and_beat_greedy((items, limits) in instance()) {
            let solved = solve(&items, &limits, never());
            let brute = brute_force(&items, &limits);
            match (&solved, &brute) {
                (None, None) => {}
                (Some(s), Some((_, best))) => {
                    prop_assert!(s.optimal);
                    prop_assert!((s.value - best).abs() <= 1e-6 * best.abs().max(1.0), "{} vs {}", s.value, best);
                    prop_assert!(s.cost <= limits.budget);
                    prop_assert!(s.chosen.len() >= limits.min_items);
                    prop_assert!(limits.max_items.is_none_or(|m| s.chosen.len() <= m));
                    let cost: i64 = s.chosen.iter().map(|&j| items[j].cost).sum();
                    prop_assert_eq!(cost, s.cost);
                    if let Some(g) = greedy(&items, &limits) {
                        prop_assert!(s.value >= g.value - 1e-9);
                    }
                }
                _ => prop_assert!(false, "solve {:?} but brute force {:?}", solved, brute),
            }
        }
    }
}
