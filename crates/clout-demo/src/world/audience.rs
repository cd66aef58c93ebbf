//! What a channel's audience leaves in the records: the weekly follower history (the
//! growth trend as observed, with a little noise) and an engagement pod's comments.

use std::io::{self, Write};

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::channel::{Channel, HISTORY_WEEKS, History};
use super::random::{below, normal};
use super::{DAY, SALT_POD, Writer, push_number};
use crate::ids;

impl<W: Write> Writer<W> {
    /// A follower count as read `days` before as_of: the trend plus a little noise
    /// (platforms round, and accounts come and go daily).
    pub(super) fn observed_followers(&self, rng: &mut Pcg64Mcg, ch: &Channel<'_>, days: f64) -> u64 {
        let level = ch.growth.level(days) * (1.0 + 0.003 * normal(rng));
        level.round().max(1.0) as u64
    }

    pub(super) fn write_followers(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
        let weeks = match ch.history {
            History::None => 0,
            History::Short(w) => w,
            History::Full => HISTORY_WEEKS,
        };
        for k in (1..=weeks).rev() {
            let followers = self.observed_followers(rng, ch, (7 * k) as f64);
            self.line.start("followers");
            self.common(ch);
            self.line.time("observed_at", self.options.as_of - 7 * k * DAY, false);
            self.line.count("followers", followers);
            self.emit()?;
            self.stats.follower_points += 1;
        }
        Ok(())
    }

    /// An engagement pod's comment burst on one recent post: five of the six accounts of the
    /// channel's pod drop a stock phrase or emoji, and one follower asks something real.
    /// Pods are shared: channels whose key falls in the same group have the same members.
    /// Drawn from a stream of their own so that the rest of the world stays as it is.
    pub(super) fn pod_comments(&mut self, ch: &Channel<'_>, n: u64) -> io::Result<()> {
        const STOCK: [&str; 8] = ["🔥🔥🔥", "great post", "love this", "amazing", "👏👏", "so good", "wow", "❤️"];
        const REAL: [&str; 5] = [
            "where did you get this?",
            "how long did that take you",
            "trying this next week",
            "which one would you pick?",
            "saving this for later, thanks",
        ];
        let mut rng = Pcg64Mcg::seed_from_u64(ids::mix64(ch.id_key ^ n.wrapping_mul(0x9E37_79B9) ^ SALT_POD));
        let group = ids::mix64(ch.id_key ^ SALT_POD) % 40;
        let skip = below(&mut rng, 6);
        let mut written = 0;
        for member in (0..6).filter(|&m| m != skip) {
            let author = format!("pod{group}.member{member}");
            let text = STOCK[below(&mut rng, STOCK.len())];
            self.comment_record(ch, n, written, &author, text)?;
            written += 1;
        }
        let fan = format!("fan{}", ids::mix64(ch.id_key ^ n) % 100_000);
        self.comment_record(ch, n, written, &fan, REAL[below(&mut rng, REAL.len())])
    }

    fn comment_record(&mut self, ch: &Channel<'_>, n: u64, k: u64, author: &str, text: &str) -> io::Result<()> {
        self.line.start("comment");
        self.common(ch);
        self.line.str("post_id", &self.post_id);
        self.text.clear();
        self.text.push_str(&self.post_id);
        self.text.push_str("-c");
        push_number(&mut self.text, n * 16 + k);
        self.line.str("comment_id", &self.text);
        self.line.str("author", author);
        self.line.str("text", text);
        self.emit()
    }
}
