//! A deterministic generator of a realistic demo world for Clout, written as
//! interchange NDJSON (see `docs/interchange.md`).
//!
//! The world is made to exercise every metric of `docs/metrics.md`: power-law follower
//! counts on Instagram, TikTok, YouTube and X; engagement per follower that falls with
//! size at a different rate on each platform; about 30 niches with matching bios,
//! captions and hashtags; countries and languages; viral posts; inactive channels;
//! weekly follower histories; channels with bought followers (a jump in the history,
//! then low engagement) and channels in engagement pods (many, steady comments).
//! Each channel's newest `channel` record carries the truth in a `demo_truth` field,
//! which importers keep aside as an unknown field:
//! `{"niches": ["vegan", "food"], "bought_followers": false, "pod": false, "inactive": false}`.
//!
//! The shares, per channel: Instagram 45 %, TikTok 25 %, YouTube 20 %, X 10 %; about
//! 15 % of creators have a second channel (same handle, `creator_id`); followers are
//! Pareto (α 0.95–1.1, from 800, capped at 20M), so about 1.5 % have 50K or more;
//! bought followers 5 %, pods 4 %, inactive 8 % (half stopped posting 60–150 days ago,
//! half have fewer than five posts); 3 % of posts go viral (5–30×); about 10 % of
//! channels have no follower history older than 30 days and about 10 % have an
//! older `channel` record from about 60 days earlier; 5 % of posts have a second
//! observation a week earlier; 2 % of posts write their times as Unix seconds. One
//! Instagram or X channel in ten has a sample of 40 of its followers (`follower` records):
//! real, inactive, mass followers, influencers and bought accounts, each follower's kind
//! in its own `demo_truth` (`{"type": "inactive"}`; see `world/sample.rs`).
//!
//! Output is a pure function of [`WorldOptions`]: channels are generated one at a time
//! from random streams keyed by `(seed, channel index)` (PCG, whose output does not
//! depend on the rand version), in constant memory.

use std::io::{self, BufWriter, Write};

mod ids;
mod json;
mod vocab;
mod world;

#[cfg(test)]
mod tests;

/// What world to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldOptions {
    pub seed: u64,
    /// How many channels (accounts) to generate; about 15 % of creators have two.
    pub channels: usize,
    /// Unix seconds: the moment the newest observations were taken
    pub as_of: i64,
}

/// What [`write_world`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorldStats {
    /// Channels generated (each has one or two `channel` records).
    pub channels: u64,
    /// Distinct posts (some have a second, older `post` record).
    pub posts: u64,
    /// `followers` records.
    pub follower_points: u64,
    /// `follower` records (samples of channels' audiences).
    pub follower_samples: u64,
    /// Lines written, of every kind.
    pub records: u64,
}

/// The niche names (about 30), for other crates and docs.
pub const NICHES: &[&str] = &niche_names();

const fn niche_names() -> [&'static str; vocab::NICHE_TABLE.len()] {
    let mut out = [""; vocab::NICHE_TABLE.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = vocab::NICHE_TABLE[i].name;
        i += 1;
    }
    out
}

/// Writes the world as NDJSON, one record per line. Same options ⇒ byte-identical output.
///
/// For each channel in turn: its `channel` record(s) (an older one first, for about
/// 10 % of channels), then its `followers` history oldest first, then its posts oldest
/// first (a post with an older observation has that record just before the newest).
///
/// The output is buffered here, so `out` can be a plain `File` or socket; passing a
/// `BufWriter` as well does no harm. Memory does not grow with `options.channels`.
///
/// ```no_run
/// use clout_demo::{write_world, WorldOptions};
///
/// let options = WorldOptions { seed: 42, channels: 5_000, as_of: 1_795_600_000 };
/// let file = std::fs::File::create("demo.ndjson")?;
/// let stats = write_world(file, &options)?;
/// eprintln!("{} channels, {} posts", stats.channels, stats.posts);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_world<W: Write>(out: W, options: &WorldOptions) -> io::Result<WorldStats> {
    let buffered = BufWriter::with_capacity(1 << 18, out);
    let mut writer = world::Writer::new(buffered, options);
    for index in 0..options.channels as u64 {
        writer.channel(index)?;
    }
    let stats = writer.stats;
    writer.into_inner().flush()?;
    Ok(stats)
}
