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

use std::io::{self, Write};

use rand_pcg::Pcg64Mcg;

use super::channel::Channel;
use super::platform::Platform;
use super::random::{below, chance, log_uniform, uniform};
use super::{SALT_SAMPLE, Writer};
use crate::ids;

/// Followers in one channel's sample.
pub(crate) const SAMPLE: usize = 40;

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
            self.follower(&mut rng, ch, n, kind)?;
        }
        Ok(())
    }

    fn follower(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>, n: usize, kind: Kind) -> io::Result<()> {
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
        // Unique within the channel, in letters (a digit would read as a bot's).
        self.text.push('_');
        self.text.push(char::from(b'a' + (n / 26) as u8));
        self.text.push(char::from(b'a' + (n % 26) as u8));
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
