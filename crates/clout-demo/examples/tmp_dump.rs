//! Throwaway: dumps a world to stdout and times it (to be deleted).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let channels: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let opts = clout_demo::WorldOptions { seed: 7, channels, as_of: 1_795_600_000 };
    let t = std::time::Instant::now();
    let stdout = std::io::stdout().lock();
    let stats = clout_demo::write_world(stdout, &opts).unwrap();
    eprintln!("{:?} in {:?}", stats, t.elapsed());
}
