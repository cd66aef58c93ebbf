//! The model of the demo world: who the creators are, how their audiences grow, how
//! often they post and how much engagement each post gets, and the records that
//! describe all of it.
//!
//! Each channel is planned and written on its own from random streams keyed by
//! `(seed, channel index)`, so the output is the same for the same options whatever
//! happens around it, and memory stays constant however many channels are asked for.
//! The only state carried between channels is reused buffers.
//!
//! This module holds the [`Writer`] (its buffers, running totals and the order in which a
//! channel's records are written) and what its parts share; the parts are: `platform`
//! (how each platform behaves), `random` (the draws), `creator` (the person behind one
//! or two channels), `channel` (everything decided about a channel before it is
//! written), `text` (bios, captions, hashtags), `profile` (the `channel` records),
//! `audience` (follower histories and pod comments) and `posts` (publication times and
//! `post` records).

use std::io::{self, Write};

use crate::ids;
use crate::json::{self, Line};
use crate::{WorldOptions, WorldStats};

mod audience;
mod channel;
mod creator;
mod platform;
mod posts;
mod profile;
mod random;
mod sample;
mod text;

use channel::{Channel, plan};
use creator::{Creator, is_second};

const DAY: i64 = 86_400;
const HOUR: f64 = 3_600.0;

/// Salts that separate the random streams of one index.
const SALT_CREATOR: u64 = 0x0043_5245_4154_4f52;
const SALT_CHANNEL: u64 = 0x0043_4841_4e4e_454c;
const SALT_PAIR: u64 = 0x5041_4952;
const SALT_POST_IDS: u64 = 0x504f_5354;
const SALT_POD: u64 = 0x504f_4453;
const SALT_SAMPLE: u64 = 0x5341_4d50;

/// The writer of a whole world: options, buffers and running totals.
pub(crate) struct Writer<W: Write> {
    out: W,
    options: WorldOptions,
    line: Line,
    /// Scratch text (bios, urls).
    text: String,
    caption: String,
    post_id: String,
    times: Vec<i64>,
    pub(crate) stats: WorldStats,
}

impl<W: Write> Writer<W> {
    pub(crate) fn new(out: W, options: &WorldOptions) -> Writer<W> {
        Writer {
            out,
            options: *options,
            line: Line::new(),
            text: String::with_capacity(512),
            caption: String::with_capacity(512),
            post_id: String::with_capacity(32),
            times: Vec::with_capacity(512),
            stats: WorldStats::default(),
        }
    }

    pub(crate) fn into_inner(self) -> W {
        self.out
    }

    fn emit(&mut self) -> io::Result<()> {
        self.stats.records += 1;
        self.out.write_all(self.line.finish())
    }

    /// Plans and writes channel `index` of the world.
    pub(crate) fn channel(&mut self, index: u64) -> io::Result<()> {
        let seed = self.options.seed;
        let second = is_second(seed, index);
        let root = if second { index - 1 } else { index };
        let with_partner = second || (index + 1 < self.options.channels as u64 && is_second(seed, index + 1));
        let creator = Creator::new(seed, root);
        let mut rng = ids::stream(seed, index, SALT_CHANNEL);
        let channel = plan(&mut rng, &creator, seed, index, second, with_partner);
        self.stats.channels += 1;

        self.plan_posts(&mut rng, &channel);
        self.write_channel(&mut rng, &channel)?;
        self.write_followers(&mut rng, &channel)?;
        self.write_follower_sample(index, &channel)?;
        self.write_posts(&mut rng, &channel)
    }

    /// Platform and handle, which every record starts with.
    fn common(&mut self, ch: &Channel<'_>) {
        self.line.str("platform", ch.platform.model().name);
        self.line.str("handle", &ch.handle);
    }
}

/// Appends a number's decimal digits.
fn push_number(out: &mut String, n: u64) {
    let mut digits = Vec::with_capacity(20);
    json::push_u64(&mut digits, n);
    out.extend(digits.into_iter().map(char::from));
}

/// Upper-cases the character at byte `at` if it is an ASCII letter (other characters,
/// such as an emoji, are left alone).
fn capitalize_at(s: &mut str, at: usize) {
    if let Some(first) = s.get_mut(at..at + 1) {
        first.make_ascii_uppercase();
    }
}

/// The handle creator `root` gets on the main platform variant (`x` for X's).
#[cfg(test)]
pub(crate) fn creator_handle(seed: u64, root: u64, x: bool) -> String {
    let mut handle = String::new();
    Creator::new(seed, root).handle(&mut handle, x);
    handle
}
