//! A sample of a channel's followers (`follower` records) for one Instagram or X channel in
//! ten: each follower drawn as one of five kinds with the profile that kind has, its kind
//! kept in a `demo_truth` field (`{"type": "bought"}`) that importers set aside.
//!
//! The kinds and their profiles (counts log-uniform within the ranges):
//!
//! | kind | share of a clean audience | followers | following | posts | picture | digits in the name |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | real | 55 % | 200–3,000 | 80–1,200 | 6–900 | 97 % | 15 % |
//! | inactive | 25 % | 3–199 | 20–900 | 0–5 | 85 % | 25 % |
//! | mass follower | 12 % | 200–4,000 | 1,500–7,500 | 6–800 | 95 % | 15 % |
//! | influencer | 3 % | 5,000–500,000 | 100–1,500 | 100–3,000 | 100 % | 5 % |
//! | bought | 5 % | 0–80 | 800–7,500 | 0–3 | 55 % | 70 % |
//!
//! A channel that bought followers has the bought share its purchase implies (the count
//! was multiplied by `f`, so `1 − 1/f` of it is bought), the rest as above. These are the
//! generator's own assumptions, written from what the peers publish about their audience
//! types; the classifier was not fitted on them. Drawn from a stream of their own so that
//! the rest of the world stays as it is.
//!
//! **Shared followers.** Each niche has [`REGULARS`] regulars per platform: real accounts that follow
//! several of its creators. A share `q = min(0.5, 1,900 / F)` of a channel's real followers
//! are regulars (so that they number at most about a thousand, half the pool), drawn
//! uniformly from its niche's pool; every other follower's username is its channel's own.
//! Two channels of a niche with `F_A` and `F_B` followers then share about
//! `(0.52 q_A F_A)(0.52 q_B F_B) / 2,000` followers, and their random samples of
//! [`SAMPLE`] show about `(0.52 q_A × 200)(0.52 q_B × 200) / 2,000` of them: the estimate
//! `clout overlap` makes from the samples has the true overlap as its expectation, and
//! small channels of a niche (a few thousand followers) show one or two shared accounts a
//! pair. A regular's profile is the same in every sample it appears in.

use std::io::{self, Write};

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::channel::Channel;
use super::platform::Platform;
use super::random::{below, chance, log_uniform, uniform};
use super::{SALT_SAMPLE, Writer};
use crate::ids;

/// Seven letters of names: each channel's own (below `channels × SAMPLE`) and the
/// regulars' (at the top) never meet.
const NAMES: u64 = 26u64.pow(7);

/// Followers in one channel's sample.
pub(crate) const SAMPLE: usize = 200;
/// Regulars per niche: real accounts that follow several of its creators.
const REGULARS: u64 = 2_000;

/// A follower's kind, as the demo world knows it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Real,
    Inactive,
    Mass,
    Influencer,
    Bought,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Real => "real",
            Kind::Inactive => "inactive",
            Kind::Mass => "mass_follower",
            Kind::Influencer => "influencer",
            Kind::Bought => "bought",
        }
    }
}

const FIRST: [&str; 12] = ["anna", "maria", "jo", "sam", "lee", "rui", "kim", "alex", "noor", "li", "tomas", "ines"];
const LAST: [&str; 10] = ["silva", "berg", "khan", "lopes", "meyer", "chen", "rossi", "novak", "okafor", "dubois"];

fn count(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> u64 {
    log_uniform(rng, lo.max(1.0), hi).round() as u64 - u64::from(lo < 1.0 && chance(rng, 0.3))
}

impl<W: Write> Writer<W> {
    /// Writes the sample of channel `ch` when it has one.
    pub(super) fn write_follower_sample(&mut self, index: u64, ch: &Channel<'_>) -> io::Result<()> {
        if !matches!(ch.platform, Platform::Instagram | Platform::X) {
            return Ok(());
        }
        let mut rng = ids::stream(self.options.seed, index, SALT_SAMPLE);
        if !chance(&mut rng, 0.1) {
            return Ok(());
        }
        let bought = ch.growth.bought_share().unwrap_or(0.05);
        let followers = ch.growth.level(0.0).max(1.0);
        let regulars = (1_900.0 / followers).min(0.5);
        // A sample holds each account once.
        let mut taken = std::collections::HashSet::new();
        for n in 0..SAMPLE {
            let kind = if chance(&mut rng, bought) {
                Kind::Bought
            } else {
                let r = uniform(&mut rng, 0.0, 0.95);
                match r {
                    r if r < 0.55 => Kind::Real,
                    r if r < 0.80 => Kind::Inactive,
                    r if r < 0.92 => Kind::Mass,
                    _ => Kind::Influencer,
                }
            };
            match ch.truth_niches[0] {
                Some(niche) if kind == Kind::Real && chance(&mut rng, regulars) => {
                    let mut k = below(&mut rng, REGULARS as usize) as u64;
                    while !taken.insert(k) {
                        k = (k + 1) % REGULARS;
                    }
                    // Per platform: an Instagram account is not an X account.
                    let regular = ((ch.platform as u64) * 256 + niche as u64) * REGULARS + k;
                    let mut own = Pcg64Mcg::seed_from_u64(ids::mix64(regular ^ SALT_SAMPLE));
                    self.follower(&mut own, ch, NAMES - 1 - regular, kind)?;
                }
                // The channel's own: distinct from every other channel's and every regular's.
                _ => self.follower(&mut rng, ch, index * SAMPLE as u64 + n as u64, kind)?,
            }
        }
        Ok(())
    }

    /// A follower record of `kind` whose username ends in the seven letters of `name` (its
    /// channel's own, or a regular's), drawn from `rng`.
    fn follower(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>, name: u64, kind: Kind) -> io::Result<()> {
        let (followers, following, posts, pic, digits) = match kind {
            Kind::Real => (count(rng, 200.0, 3_000.0), count(rng, 80.0, 1_200.0), count(rng, 6.0, 900.0), 0.97, 0.15),
            Kind::Inactive => (count(rng, 3.0, 199.0), count(rng, 20.0, 900.0), below(rng, 6) as u64, 0.85, 0.25),
            Kind::Mass => {
                (count(rng, 200.0, 4_000.0), count(rng, 1_500.0, 7_500.0), count(rng, 6.0, 800.0), 0.95, 0.15)
            }
            Kind::Influencer => {
                (count(rng, 5_000.0, 500_000.0), count(rng, 100.0, 1_500.0), count(rng, 100.0, 3_000.0), 1.0, 0.05)
            }
            Kind::Bought => (count(rng, 0.5, 80.0), count(rng, 800.0, 7_500.0), below(rng, 4) as u64, 0.55, 0.70),
        };
        self.text.clear();
        self.text.push_str(FIRST[below(rng, FIRST.len())]);
        if kind != Kind::Bought || chance(rng, 0.5) {
            self.text.push('.');
            self.text.push_str(LAST[below(rng, LAST.len())]);
        }
        if chance(rng, digits) {
            let width = if kind == Kind::Bought { 4 + below(rng, 5) } else { 2 };
            for _ in 0..width {
                self.text.push(char::from(b'0' + below(rng, 10) as u8));
            }
        }
        // In letters (a digit would read as a bot's): unique within the channel, and the
        // same for a regular wherever it follows.
        self.text.push('_');
        for place in (0..7).rev().map(|p| 26u64.pow(p)) {
            self.text.push(char::from(b'a' + (name / place % 26) as u8));
        }
        self.line.start("follower");
        self.common(ch);
        self.line.str("username", &self.text);
        self.line.count("followers", followers);
        self.line.count("following", following);
        self.line.count("posts_count", posts);
        self.line.bool("has_profile_pic", chance(rng, pic));
        self.line.bool("is_private", chance(rng, if kind == Kind::Bought { 0.3 } else { 0.45 }));
        let bio = if chance(rng, if kind == Kind::Bought { 0.1 } else { 0.55 }) { 10 + below(rng, 110) } else { 0 };
        self.line.count("bio_length", bio as u64);
        let mut truth = Vec::with_capacity(24);
        truth.extend_from_slice(b"{\"type\":\"");
        truth.extend_from_slice(kind.name().as_bytes());
        truth.extend_from_slice(b"\"}");
        self.line.raw("demo_truth", &truth);
        self.stats.follower_samples += 1;
        self.emit()
    }
}
