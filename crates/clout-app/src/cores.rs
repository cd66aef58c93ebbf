//! How many threads work that can use every core takes: the machine's cores, or
//! `CLOUT_THREADS`.

/// At most this many worker threads, whatever the machine has.
const MAX_WORKERS: usize = 32;

/// How many workers run at once: the machine's cores, or `CLOUT_THREADS`.
pub(crate) fn workers() -> usize {
    std::env::var("CLOUT_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(MAX_WORKERS)
}

/// `(low - 1, high]` cut into `n` ranges of about equal spans of ids.
pub(crate) fn ranges(low: i64, high: i64, n: usize) -> Vec<(i64, i64)> {
    let start = low.saturating_sub(1);
    let span = (high - start).max(1) as u64;
    let n = (n as u64).clamp(1, span);
    (0..n)
        .map(|k| {
            let after = start + (span * k / n) as i64;
            let up_to = if k + 1 == n { high } else { start + (span * (k + 1) / n) as i64 };
            (after, up_to)
        })
        .collect()
}
