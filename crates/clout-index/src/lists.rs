//! Posting lists (ascending ordinals per code) and what reads them: appending,
//! galloping search and intersection.

/// Below this many candidates one thread is faster than sharing the work between cores.
pub(crate) const PARALLEL_FROM: usize = 200_000;

pub(crate) fn post(lists: &mut Vec<Vec<u32>>, code: usize, ordinal: u32) {
    if lists.len() <= code {
        lists.resize(code + 1, Vec::new());
    }
    lists[code].push(ordinal);
}

/// The ordinals in both ascending lists (galloping through the longer).
pub(crate) fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut at = 0;
    short.iter().copied().filter(|&x| gallop(long, &mut at, x)).collect()
}

/// Whether the ascending `list` holds `target`, searching forward from `*at` (targets
/// come in ascending order, so the cursor only moves forward: galloping, then binary search).
pub(crate) fn gallop(list: &[u32], at: &mut usize, target: u32) -> bool {
    let mut step = 1;
    let mut hi = *at;
    while hi < list.len() && list[hi] < target {
        *at = hi;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(list.len());
    let found = list[*at..hi].partition_point(|&x| x < target) + *at;
    *at = found;
    found < list.len() && list[found] == target
}
