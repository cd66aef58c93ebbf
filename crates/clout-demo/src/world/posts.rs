//! A channel's posts: when they were published, how much engagement each collected, and
//! their `post` records (some with an older observation a week earlier).

use std::io::{self, Write};

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::channel::{Channel, Inactivity};
use super::platform::{Platform, PostKind};
use super::random::{below, chance, log_uniform, noise, pick, round_count, uniform, weighted};
use super::text::{caption, hashtags};
use super::{DAY, HOUR, Writer, push_number};
use crate::ids;
use crate::vocab::BRANDS;

/// Share of posts that go viral, and of posts with an extra, older observation.
const VIRAL: f64 = 0.03;
const OLD_POST_OBSERVATION: f64 = 0.05;
/// Share of posts whose times are written as Unix seconds rather than RFC 3339.
const UNIX_TIMES: f64 = 0.02;

impl<W: Write> Writer<W> {
    /// Fills `self.times` with the channel's publication times, oldest first.
    pub(super) fn plan_posts(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) {
        self.times.clear();
        let as_of = self.options.as_of;
        let (start, end) = match ch.inactivity {
            Inactivity::Sparse => {
                let count = below(rng, 5);
                for _ in 0..count {
                    let age = uniform(rng, 2.0 * HOUR, 120.0 * 86_400.0) as i64;
                    self.times.push(as_of - age);
                }
                self.times.sort_unstable();
                self.times.dedup();
                return;
            }
            Inactivity::Stopped => {
                let last = as_of - (uniform(rng, 60.0, 150.0) * 86_400.0) as i64;
                (last - (uniform(rng, 60.0, 120.0) * 86_400.0) as i64, last)
            }
            Inactivity::Active => (as_of - (uniform(rng, 90.0, 120.0) * 86_400.0) as i64, as_of),
        };
        let mean_gap = 7.0 * 86_400.0 / ch.cadence;
        let mut t = start as f64;
        loop {
            // Exponential gaps (a Poisson process), at least ten minutes apart so
            // that times, and the ids derived from them, are strictly increasing.
            t += (-(1.0 - rng.random::<f64>()).ln() * mean_gap).max(600.0);
            if t >= (end - 60) as f64 || self.times.len() >= 4000 {
                break;
            }
            self.times.push(t as i64);
        }
    }

    pub(super) fn write_posts(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
        let times = std::mem::take(&mut self.times);
        let result = times.iter().enumerate().try_for_each(|(n, &t)| self.write_post(rng, ch, n as u64, t));
        self.times = times;
        result
    }

    fn write_post(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>, n: u64, published: i64) -> io::Result<()> {
        let as_of = self.options.as_of;
        let model = ch.platform.model();
        let kind = &model.kinds[weighted(rng, &ch.kind_weights[..model.kinds.len()])];
        let sponsored = chance(rng, if ch.followers >= 5_000 { 0.06 } else { 0.01 });

        // Engagement: the channel's typical rate, the post's luck, and whether it took off.
        let mut rate = ch.rate * kind.factor * noise(rng, if ch.pod { 0.08 } else { 0.4 });
        if !ch.pod && chance(rng, VIRAL) {
            rate *= log_uniform(rng, 5.0, 30.0);
        }
        if sponsored {
            rate *= 0.75;
        }
        let age = (as_of - published) as f64;
        let settle = model.settle_hours * HOUR;
        // Young posts are still collecting engagement: this is why the metrics leave
        // out posts younger than a day (a week on YouTube).
        let engagements = rate * ch.followers as f64 * (1.0 - (-age / settle).exp());
        let comment_ratio = ch.comment_ratio * noise(rng, if ch.pod { 0.05 } else { 0.3 });
        let share_ratio = ch.share_ratio.map(|s| s * noise(rng, 0.3));
        let likes = engagements / (1.0 + comment_ratio + share_ratio.unwrap_or(0.0));
        let counts = Counts {
            likes: round_count(rng, likes),
            comments: round_count(rng, likes * comment_ratio),
            shares: share_ratio.map(|s| round_count(rng, likes * s)),
            views: kind.views.then(|| {
                let views = engagements / (ch.per_view * noise(rng, 0.3));
                round_count(rng, views).max(engagements.ceil() as u64)
            }),
        };

        // Identity and content, the same in every observation of the post.
        self.post_id.clear();
        match ch.platform {
            Platform::Instagram | Platform::Youtube => {
                ids::short_id(&mut self.post_id, ch.id_key, n);
            }
            Platform::Tiktok | Platform::X => {
                let noise_bits = ids::mix64(ch.id_key ^ n);
                let id = ids::numeric_id(ch.platform == Platform::X, published, noise_bits, n);
                push_number(&mut self.post_id, id);
            }
        }
        let niche = match ch.creator.second_niche {
            Some(second) if chance(rng, 0.3) => second,
            _ => ch.creator.niche,
        };
        let brand = (sponsored || chance(rng, 0.04)).then(|| pick(rng, BRANDS));
        caption(&mut self.caption, rng, ch, niche, brand, sponsored);
        super::text::unsafe_aside(&mut self.caption, ch.id_key, n);
        let mut tags: [&str; 12] = [""; 12];
        let tag_count = hashtags(&mut tags, rng, ch.platform, niche, sponsored);
        let post =
            Post { kind, published, unix_times: chance(rng, UNIX_TIMES), sponsored, brand, tags: &tags[..tag_count] };

        if age > 8.0 * 86_400.0 && chance(rng, OLD_POST_OBSERVATION) {
            // A week earlier the post had fewer of everything: it was younger, and
            // old posts keep trickling in.
            let week = 7.0 * 86_400.0;
            let then = (1.0 - (-(age - week) / settle).exp()) * uniform(rng, 0.7, 0.95);
            let scale = |c: u64| (c as f64 * then).floor() as u64;
            let old = Counts {
                likes: scale(counts.likes),
                comments: scale(counts.comments),
                shares: counts.shares.map(scale),
                views: counts.views.map(scale),
            };
            self.post_record(ch, &post, as_of - 7 * DAY, &old)?;
        }
        self.post_record(ch, &post, as_of, &counts)?;
        self.stats.posts += 1;
        // Exports carry the comments of recent posts: the last 45 days'.
        if ch.pod && as_of - published <= 45 * DAY {
            self.pod_comments(ch, n)?;
        }
        Ok(())
    }

    /// Writes one observation of a post; its id and caption are in `self.post_id` and
    /// `self.caption`.
    fn post_record(&mut self, ch: &Channel<'_>, post: &Post<'_>, observed: i64, counts: &Counts) -> io::Result<()> {
        self.line.start("post");
        self.common(ch);
        self.line.str("post_id", &self.post_id);
        self.line.time("published_at", post.published, post.unix_times);
        self.line.time("observed_at", observed, post.unix_times);
        self.line.str("type", post.kind.name);
        self.line.count("likes", counts.likes);
        self.line.count("comments", counts.comments);
        if let Some(shares) = counts.shares {
            self.line.count("shares", shares);
        }
        if let Some(views) = counts.views {
            self.line.count("views", views);
        }
        self.line.str("caption", &self.caption);
        if !post.tags.is_empty() {
            self.line.list("hashtags", post.tags);
        }
        if let Some(brand) = post.brand {
            self.line.list("mentions", &[brand]);
        }
        if post.sponsored {
            self.line.bool("sponsored", true);
        }

        self.text.clear();
        match ch.platform {
            Platform::Instagram => {
                self.text.push_str(if post.kind.name == "reel" {
                    "https://www.instagram.com/reel/"
                } else {
                    "https://www.instagram.com/p/"
                });
                self.text.push_str(&self.post_id);
                self.text.push('/');
            }
            Platform::Tiktok => {
                self.text.push_str("https://www.tiktok.com/@");
                self.text.push_str(&ch.handle);
                self.text.push_str("/video/");
                self.text.push_str(&self.post_id);
            }
            Platform::Youtube => {
                self.text.push_str(if post.kind.name == "short" {
                    "https://www.youtube.com/shorts/"
                } else {
                    "https://www.youtube.com/watch?v="
                });
                self.text.push_str(&self.post_id);
            }
            Platform::X => {
                self.text.push_str("https://x.com/");
                self.text.push_str(&ch.handle);
                self.text.push_str("/status/");
                self.text.push_str(&self.post_id);
            }
        }
        self.line.str("url", &self.text);
        self.emit()
    }
}

/// What every observation of one post shares.
struct Post<'a> {
    kind: &'static PostKind,
    published: i64,
    unix_times: bool,
    sponsored: bool,
    brand: Option<&'static str>,
    tags: &'a [&'static str],
}

/// The public counts of one observation of a post.
struct Counts {
    likes: u64,
    comments: u64,
    shares: Option<u64>,
    views: Option<u64>,
}
