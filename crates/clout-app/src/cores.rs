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
