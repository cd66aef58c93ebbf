//! The model of the demo world: who the creators are, how their audiences grow, how
//! often they post and how much engagement each post gets, and the records that
//! describe all of it.
//!
//! Each channel is planned and written on its own from random streams keyed by
//! `(seed, channel index)`, so the output is the same for the same options whatever
//! happens around it, and memory stays constant however many channels are asked for.
//! The only state carried between channels is reused buffers.

use std::io::{self, Write};

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;

use crate::ids::{self, HandleParts};
use crate::json::{self, Line};
use crate::vocab::{
    self, AGENCIES, BRANDS, COUNTRIES, FIRST_NAMES, GENERIC_TAGS, NICHE_TABLE, PHRASES, SOCIAL_TEMPLATES,
    TEXT_TEMPLATES, VIDEO_TEMPLATES,
};
use crate::{WorldOptions, WorldStats};

const DAY: i64 = 86_400;
const HOUR: f64 = 3_600.0;

/// The smallest follower count drawn for a creator's main channel: about a fifth of
/// channels are under 1,000 followers (no tier), most are nano or micro.
const MIN_FOLLOWERS: f64 = 800.0;
/// The largest follower count drawn.
const MAX_FOLLOWERS: f64 = 20_000_000.0;

/// Salts that separate the random streams of one index.
const SALT_CREATOR: u64 = 0x0043_5245_4154_4f52;
const SALT_CHANNEL: u64 = 0x0043_4841_4e4e_454c;
const SALT_PAIR: u64 = 0x5041_4952;
const SALT_POST_IDS: u64 = 0x504f_5354;
const SALT_POD: u64 = 0x504f_4453;

/// How often an odd-numbered channel is the second channel of the creator before it.
/// Secondaries are 13 % of channels, so about 15 % of creators have two.
const SECOND_CHANNEL: f64 = 0.26;

/// Shares of channels with each behaviour (exclusive, drawn in this order).
const BOUGHT: f64 = 0.05;
const POD: f64 = 0.04;
const INACTIVE: f64 = 0.08;
/// Share of posts that go viral, and of posts with an extra, older observation.
const VIRAL: f64 = 0.03;
const OLD_POST_OBSERVATION: f64 = 0.05;
/// Share of posts whose times are written as Unix seconds rather than RFC 3339.
const UNIX_TIMES: f64 = 0.02;
/// Monthly change of a count inflated by bought followers, after the purchase.
const PURCHASED_DRIFT: f64 = -0.003;
/// Weeks of follower history for most channels.
const HISTORY_WEEKS: i64 = 26;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    Instagram,
    Tiktok,
    Youtube,
    X,
}

const PLATFORMS: [Platform; 4] = [Platform::Instagram, Platform::Tiktok, Platform::Youtube, Platform::X];

/// A kind of post on one platform.
struct PostKind {
    name: &'static str,
    weight: f64,
    /// Whether the platform shows a view count for it.
    views: bool,
    /// Engagement relative to the channel's typical post.
    factor: f64,
}

/// How a platform behaves.
struct Model {
    name: &'static str,
    /// Share of creators whose main platform it is.
    weight: f64,
    /// Pareto exponent of follower counts: lower means a heavier tail of big accounts.
    alpha: f64,
    /// Engagements per follower at 1,000 followers, for a typical channel.
    base_rate: f64,
    /// How engagement per follower falls with size: rate ∝ followers^slope.
    slope: f64,
    /// Comments per 100 likes, as a range over channels.
    comments: (f64, f64),
    /// Shares per 100 likes, for platforms that show shares.
    shares: Option<(f64, f64)>,
    /// Engagements per view, as a range over channels.
    per_view: (f64, f64),
    /// Posts per week, as a range over channels (drawn log-uniformly).
    cadence: (f64, f64),
    kinds: &'static [PostKind],
    /// Hours for a new post to collect about 63 % of its engagement.
    settle_hours: f64,
    /// Median accounts followed (`None` where the platform has no such count).
    following: Option<f64>,
    /// Share of channels that are business accounts, where the platform says so.
    business: Option<f64>,
    /// Whether profiles have a category.
    category: bool,
    /// Hashtags per post, and how many of them are generic.
    tags: (usize, usize),
    generic_tags: (usize, usize),
}

impl Platform {
    fn model(self) -> &'static Model {
        &MODELS[self as usize]
    }

    fn index(self) -> usize {
        self as usize
    }
}

const MODELS: [Model; 4] = [
    Model {
        name: "instagram",
        weight: 0.45,
        alpha: 1.05,
        // 5K followers ≈ 5 %, 1M ≈ 0.9 % before the per-channel spread.
        base_rate: 0.085,
        slope: -0.33,
        comments: (1.5, 4.0),
        shares: None,
        per_view: (0.04, 0.12),
        cadence: (0.7, 7.0),
        kinds: &[
            PostKind { name: "image", weight: 0.40, views: false, factor: 0.9 },
            PostKind { name: "carousel", weight: 0.25, views: false, factor: 1.1 },
            PostKind { name: "reel", weight: 0.35, views: true, factor: 1.15 },
        ],
        settle_hours: 12.0,
        following: Some(650.0),
        business: Some(0.45),
        category: true,
        tags: (3, 10),
        generic_tags: (1, 2),
    },
    Model {
        name: "tiktok",
        weight: 0.25,
        alpha: 0.95,
        base_rate: 0.12,
        slope: -0.25,
        comments: (0.8, 3.0),
        shares: Some((4.0, 15.0)),
        per_view: (0.05, 0.14),
        cadence: (1.5, 14.0),
        kinds: &[
            PostKind { name: "short", weight: 0.92, views: true, factor: 1.0 },
            PostKind { name: "video", weight: 0.08, views: true, factor: 0.85 },
        ],
        settle_hours: 12.0,
        following: Some(180.0),
        business: Some(0.2),
        category: false,
        tags: (3, 6),
        generic_tags: (1, 2),
    },
    Model {
        name: "youtube",
        weight: 0.20,
        alpha: 1.0,
        base_rate: 0.06,
        slope: -0.45,
        comments: (2.0, 8.0),
        shares: None,
        per_view: (0.025, 0.07),
        cadence: (0.4, 3.0),
        kinds: &[
            PostKind { name: "video", weight: 0.70, views: true, factor: 1.0 },
            PostKind { name: "short", weight: 0.30, views: true, factor: 0.8 },
        ],
        // Videos keep collecting for days, hence the platform's 7-day minimum age.
        settle_hours: 72.0,
        following: None,
        business: None,
        category: true,
        tags: (0, 3),
        generic_tags: (0, 1),
    },
    Model {
        name: "x",
        weight: 0.10,
        alpha: 1.1,
        base_rate: 0.025,
        slope: -0.30,
        comments: (5.0, 20.0),
        shares: Some((10.0, 35.0)),
        per_view: (0.005, 0.03),
        cadence: (2.0, 14.0),
        kinds: &[
            PostKind { name: "text", weight: 0.65, views: true, factor: 0.9 },
            PostKind { name: "image", weight: 0.35, views: true, factor: 1.2 },
        ],
        settle_hours: 8.0,
        following: Some(450.0),
        business: None,
        category: false,
        tags: (0, 2),
        generic_tags: (0, 0),
    },
];

const PLATFORM_WEIGHTS: [f64; 4] = [MODELS[0].weight, MODELS[1].weight, MODELS[2].weight, MODELS[3].weight];

const COUNTRY_WEIGHTS: [f64; COUNTRIES.len()] = {
    let mut out = [0.0; COUNTRIES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = COUNTRIES[i].weight;
        i += 1;
    }
    out
};

// --- random helpers, on the concrete generator type (no generic code to instantiate) ---

fn uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

fn chance(rng: &mut Pcg64Mcg, p: f64) -> bool {
    rng.random::<f64>() < p
}

fn normal(rng: &mut Pcg64Mcg) -> f64 {
    rng.sample(StandardNormal)
}

/// A log-normal factor with median `exp(mu)`.
fn lognormal(rng: &mut Pcg64Mcg, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(rng)).exp()
}

/// A log-normal factor with mean 1.
fn noise(rng: &mut Pcg64Mcg, sigma: f64) -> f64 {
    lognormal(rng, -sigma * sigma / 2.0, sigma)
}

fn log_uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    uniform(rng, lo.ln(), hi.ln()).exp()
}

fn below(rng: &mut Pcg64Mcg, n: usize) -> usize {
    if n <= 1 { 0 } else { rng.random_range(0..n) }
}

fn pick<'a>(rng: &mut Pcg64Mcg, items: &[&'a str]) -> &'a str {
    items.get(below(rng, items.len())).copied().unwrap_or("")
}

fn weighted(rng: &mut Pcg64Mcg, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

/// Rounds up or down at random in proportion, so small expected counts stay unbiased.
fn round_count(rng: &mut Pcg64Mcg, x: f64) -> u64 {
    let u = rng.random::<f64>();
    if x > 0.0 { (x + u).floor() as u64 } else { 0 }
}

/// A Pareto draw truncated to `[min, max]` by inverting the CDF on the allowed range
/// (rather than clamping, which would pile channels up at exactly `max`).
fn pareto(rng: &mut Pcg64Mcg, min: f64, max: f64, alpha: f64) -> f64 {
    let floor = (min / max).powf(alpha);
    let u = floor + (1.0 - floor) * rng.random::<f64>();
    min * u.max(f64::MIN_POSITIVE).powf(-1.0 / alpha)
}

/// Upper-cases the character at byte `at` if it is an ASCII letter (other characters,
/// such as an emoji, are left alone).
fn capitalize_at(s: &mut str, at: usize) {
    if let Some(first) = s.get_mut(at..at + 1) {
        first.make_ascii_uppercase();
    }
}

/// Whether channel `index` is the second channel of the creator of channel `index - 1`.
/// Only odd indices can be, so pairs never overlap.
fn is_second(seed: u64, index: u64) -> bool {
    index % 2 == 1 && ids::unit(ids::hash3(seed, index, SALT_PAIR)) < SECOND_CHANNEL
}

/// The person behind one or two channels.
struct Creator {
    root: u64,
    parts: HandleParts,
    surname: &'static str,
    niche: usize,
    second_niche: Option<usize>,
    country: Option<usize>,
    language: Option<&'static str>,
    city: &'static str,
    platform: Platform,
    /// Follower count on the main platform.
    followers: f64,
    /// Display name, as written on the profile.
    name: String,
    email: String,
}

impl Creator {
    fn new(seed: u64, root: u64) -> Creator {
        let mut rng = ids::stream(seed, root, SALT_CREATOR);
        let parts = HandleParts::for_index(seed, root);
        let surname = parts.surname(below(&mut rng, ids::SURNAMES_PER_SLOT));
        let first = FIRST_NAMES[parts.first];

        // The handle's word index is fixed by the creator's index, the word itself
        // comes from the niche, so that handles match what the creator posts about.
        let niche = below(&mut rng, NICHE_TABLE.len());
        let second_niche = chance(&mut rng, 0.25).then(|| {
            let other = below(&mut rng, NICHE_TABLE.len() - 1);
            if other >= niche { other + 1 } else { other }
        });

        let (country, language) = if chance(&mut rng, 0.06) {
            (None, chance(&mut rng, 0.5).then_some("en"))
        } else {
            let c = weighted(&mut rng, &COUNTRY_WEIGHTS);
            let info = &COUNTRIES[c];
            let mut lang = info.language;
            if let Some((other, p)) = info.other_language
                && chance(&mut rng, p)
            {
                lang = other;
            }
            if lang != "en" && chance(&mut rng, 0.10) {
                // Many creators outside English-speaking countries write in English,
                // for a wider audience.
                lang = "en";
            }
            (Some(c), Some(lang))
        };
        let city = match country {
            Some(c) => pick(&mut rng, COUNTRIES[c].cities),
            None => "",
        };

        let platform = PLATFORMS[weighted(&mut rng, &PLATFORM_WEIGHTS)];
        let followers = pareto(&mut rng, MIN_FOLLOWERS, MAX_FOLLOWERS, platform.model().alpha);

        let mut name = String::with_capacity(32);
        let niche_info = &NICHE_TABLE[niche];
        let shape = rng.random::<f64>();
        name.push_str(first);
        capitalize_at(&mut name, 0);
        if shape < 0.65 {
            name.push(' ');
            let start = name.len();
            name.push_str(surname);
            capitalize_at(&mut name, start);
        } else if shape < 0.85 {
            name.push_str(" | ");
            name.push_str(pick(&mut rng, niche_info.roles));
        }

        let mut creator = Creator {
            root,
            parts,
            surname,
            niche,
            second_niche,
            country,
            language,
            city,
            platform,
            followers,
            name,
            email: String::new(),
        };
        creator.email = creator.make_email(&mut rng);
        creator
    }

    /// Writes the creator's handle for a platform: the same on every platform, except
    /// that X does not allow dots.
    fn handle(&self, out: &mut String, x: bool) {
        let parts = self.parts;
        ids::handle_base(
            out,
            x,
            FIRST_NAMES[parts.first],
            parts.style,
            NICHE_TABLE[self.niche].words[parts.word],
            self.surname,
        );
        ids::handle_suffix(out, parts.combo, parts.round);
    }

    fn make_email(&self, rng: &mut Pcg64Mcg) -> String {
        let first = FIRST_NAMES[self.parts.first];
        let surname = self.surname;
        let mut email = String::with_capacity(48);
        match below(rng, 5) {
            0 => {
                self.handle(&mut email, false);
                email.push_str("@gmail.com");
            }
            1 => {
                let mut handle = String::with_capacity(32);
                self.handle(&mut handle, false);
                email.push_str("hello@");
                email.extend(handle.chars().filter(char::is_ascii_alphanumeric));
                email.push_str(".com");
            }
            2 => {
                email.push_str(first);
                email.push('.');
                email.push_str(surname);
                email.push_str("@outlook.com");
            }
            3 => {
                email.push_str(first);
                email.push('.');
                email.push_str(surname);
                email.push('@');
                email.push_str(pick(rng, AGENCIES));
                email.push_str(".com");
            }
            _ => {
                email.push_str(first);
                email.push_str(surname);
                email.push_str(".collabs@gmail.com");
            }
        }
        email
    }

    fn phrases(&self) -> &'static vocab::Phrases {
        let lang = self.language.unwrap_or("en");
        PHRASES.iter().find(|p| p.language == lang).unwrap_or(&PHRASES[0])
    }
}

/// Why a channel posts little or nothing lately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inactivity {
    Active,
    /// Posted normally, then stopped 60 to 150 days ago.
    Stopped,
    /// Fewer than five posts in total.
    Sparse,
}

/// How much follower history a channel has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum History {
    /// Only the current count.
    None,
    /// Weekly records, all within the last 30 days.
    Short(i64),
    /// Weekly records for [`HISTORY_WEEKS`] weeks.
    Full,
}

/// How a channel's follower count moved over time; all times are days before as_of.
struct Growth {
    now: f64,
    /// Organic growth per 30 days (0.02 = +2 %).
    monthly: f64,
    /// Bought followers: the purchase time and the factor it multiplied the count by.
    purchase: Option<(f64, f64)>,
    /// An organic surge (after a viral moment): when it ended and how much it added.
    surge: Option<(f64, f64)>,
}

impl Growth {
    /// The follower level `days` before as_of (without observation noise).
    fn level(&self, days: f64) -> f64 {
        if let Some((at, factor)) = self.purchase {
            // After the purchase the count is nearly flat: bought followers bring no
            // new ones, and some of them are slowly removed by the platform.
            let flat = |d: f64| self.now * (1.0 + PURCHASED_DRIFT).powf(-d / 30.0);
            if days < at {
                return flat(days);
            }
            return flat(at) / factor * (1.0 + self.monthly).powf(-(days - at) / 30.0);
        }
        let mut level = self.now * (1.0 + self.monthly).powf(-days / 30.0);
        if let Some((end, amount)) = self.surge {
            // Linear ramp over two weeks before `end`.
            let progress = ((end + 14.0 - days) / 14.0).clamp(0.0, 1.0);
            level = level / (1.0 + amount) * (1.0 + amount * progress);
        }
        level
    }
}

/// Everything decided about one channel before its records are written.
struct Channel<'c> {
    creator: &'c Creator,
    platform: Platform,
    handle: String,
    with_partner: bool,
    followers: u64,
    bought: bool,
    pod: bool,
    inactivity: Inactivity,
    history: History,
    /// Days before as_of of an older channel record, if any.
    old_record: Option<f64>,
    growth: Growth,
    /// Typical engagements per follower of a post.
    rate: f64,
    /// Comments and shares per like.
    comment_ratio: f64,
    share_ratio: Option<f64>,
    /// Engagements per view.
    per_view: f64,
    /// Posts per week while active.
    cadence: f64,
    kind_weights: [f64; 3],
    /// Key for this channel's post ids.
    id_key: u64,
    truth_niches: [Option<usize>; 2],
}

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
        self.write_posts(&mut rng, &channel)
    }

    /// Fills `self.times` with the channel's publication times, oldest first.
    fn plan_posts(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) {
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

    fn write_channel(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
        let as_of = self.options.as_of;
        let model = ch.platform.model();
        let creator = ch.creator;
        let emitted = self.times.len() as u64;
        let lifetime = (ch.cadence * uniform(rng, 10.0, 250.0) * uniform(rng, 0.4, 1.0)).round() as u64;
        let posts_count = match ch.inactivity {
            Inactivity::Sparse => emitted + below(rng, 3) as u64,
            _ => emitted + lifetime,
        };
        let following = model.following.map(|median| {
            let extra = if ch.bought { uniform(rng, 2.0, 6.0) } else { 1.0 };
            (lognormal(rng, median.ln(), 0.8) * extra).round().max(0.0) as u64
        });
        let verified = {
            let f = ch.followers;
            let p = if f >= 1_000_000 {
                0.7
            } else if f >= 100_000 {
                0.25
            } else if f >= 10_000 {
                0.02
            } else {
                0.002
            };
            chance(rng, p)
        };
        let show_email = chance(
            rng,
            0.25 + if ch.followers >= 50_000 { 0.35 } else { 0.0 } + if ch.followers >= 500_000 { 0.15 } else { 0.0 },
        );
        let email_in_bio = show_email && chance(rng, 0.5);
        let business = model.business.map(|p| chance(rng, p) || ch.followers >= 500_000);
        let category = (model.category && chance(rng, 0.6)).then_some(NICHE_TABLE[creator.niche].category);

        if let Some(days) = ch.old_record {
            let observed = as_of - (days * 86_400.0) as i64;
            let followers = self.observed_followers(rng, ch, days);
            self.line.start("channel");
            self.common(ch);
            self.line.time("observed_at", observed, false);
            self.line.count("followers", followers);
            if let Some(f) = following {
                let older = (f as f64 * uniform(rng, 0.85, 1.05)).round() as u64;
                self.line.count("following", older);
            }
            let since = self.times.iter().filter(|&&t| t > observed).count() as u64;
            self.line.count("posts_count", posts_count.saturating_sub(since));
            self.line.str("name", &creator.name);
            bio(&mut self.text, rng, ch, false);
            self.line.str("bio", &self.text);
            self.profile_tail(ch, None, business, category, verified && chance(rng, 0.8));
            self.emit()?;
        }

        self.line.start("channel");
        self.common(ch);
        self.line.time("observed_at", as_of, false);
        self.line.count("followers", ch.followers);
        if let Some(f) = following {
            self.line.count("following", f);
        }
        self.line.count("posts_count", posts_count);
        self.line.str("name", &creator.name);
        bio(&mut self.text, rng, ch, email_in_bio);
        self.line.str("bio", &self.text);
        let email = show_email.then_some(creator.email.as_str());
        self.profile_tail(ch, email, business, category, verified);

        // The ground truth, which importers keep aside as an unknown field.
        let mut truth = Vec::with_capacity(128);
        truth.extend_from_slice(b"{\"niches\":[");
        for (i, n) in ch.truth_niches.iter().flatten().enumerate() {
            if i > 0 {
                truth.push(b',');
            }
            json::push_string(&mut truth, NICHE_TABLE[*n].name);
        }
        truth.extend_from_slice(b"],\"bought_followers\":");
        truth.extend_from_slice(if ch.bought { b"true" } else { b"false" });
        truth.extend_from_slice(b",\"pod\":");
        truth.extend_from_slice(if ch.pod { b"true" } else { b"false" });
        truth.extend_from_slice(b",\"inactive\":");
        let inactive = ch.inactivity != Inactivity::Active;
        truth.extend_from_slice(if inactive { b"true" } else { b"false" });
        truth.push(b'}');
        self.line.raw("demo_truth", &truth);
        self.emit()
    }

    /// Platform and handle, which every record starts with.
    fn common(&mut self, ch: &Channel<'_>) {
        self.line.str("platform", ch.platform.model().name);
        self.line.str("handle", &ch.handle);
    }

    fn profile_tail(
        &mut self,
        ch: &Channel<'_>,
        email: Option<&str>,
        business: Option<bool>,
        category: Option<&str>,
        verified: bool,
    ) {
        let creator = ch.creator;
        self.text.clear();
        self.text.push_str(match ch.platform {
            Platform::Instagram => "https://www.instagram.com/",
            Platform::Tiktok => "https://www.tiktok.com/@",
            Platform::Youtube => "https://www.youtube.com/@",
            Platform::X => "https://x.com/",
        });
        self.text.push_str(&ch.handle);
        if ch.platform == Platform::Instagram {
            self.text.push('/');
        }
        self.line.str("url", &self.text);
        if let Some(email) = email {
            self.line.str("email", email);
        }
        if let Some(c) = creator.country {
            self.line.str("country", COUNTRIES[c].code);
        }
        if let Some(lang) = creator.language {
            self.line.str("language", lang);
        }
        if let Some(category) = category {
            self.line.str("category", category);
        }
        self.line.bool("verified", verified);
        if let Some(b) = business {
            self.line.bool("is_business", b);
        }
        if ch.with_partner {
            self.text.clear();
            self.text.push_str("creator-");
            push_number(&mut self.text, creator.root);
            self.line.str("creator_id", &self.text);
        }
    }

    /// A follower count as read `days` before as_of: the trend plus a little noise
    /// (platforms round, and accounts come and go daily).
    fn observed_followers(&self, rng: &mut Pcg64Mcg, ch: &Channel<'_>, days: f64) -> u64 {
        let level = ch.growth.level(days) * (1.0 + 0.003 * normal(rng));
        level.round().max(1.0) as u64
    }

    fn write_followers(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
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

    fn write_posts(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
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

    /// An engagement pod's comment burst on one recent post: five of the six accounts of the
    /// channel's pod drop a stock phrase or emoji, and one follower asks something real.
    /// Pods are shared: channels whose key falls in the same group have the same members.
    /// Drawn from a stream of their own so that the rest of the world stays as it is.
    fn pod_comments(&mut self, ch: &Channel<'_>, n: u64) -> io::Result<()> {
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

/// Appends a number's decimal digits.
fn push_number(out: &mut String, n: u64) {
    let mut digits = Vec::with_capacity(20);
    json::push_u64(&mut digits, n);
    out.extend(digits.into_iter().map(char::from));
}

/// The public counts of one observation of a post.
struct Counts {
    likes: u64,
    comments: u64,
    shares: Option<u64>,
    views: Option<u64>,
}

/// Decides everything about channel `index` except its posts' times.
fn plan<'c>(
    rng: &mut Pcg64Mcg,
    creator: &'c Creator,
    seed: u64,
    index: u64,
    second: bool,
    with_partner: bool,
) -> Channel<'c> {
    let platform = if second {
        // Another platform than the creator's main one, in the usual proportions.
        let mut weights = PLATFORM_WEIGHTS;
        weights[creator.platform.index()] = 0.0;
        PLATFORMS[weighted(rng, &weights)]
    } else {
        creator.platform
    };
    let model = platform.model();
    let followers = if second {
        // Usually smaller on the second platform, sometimes bigger.
        (creator.followers * lognormal(rng, -0.8, 1.0)).clamp(200.0, MAX_FOLLOWERS)
    } else {
        creator.followers
    };
    let followers = followers.round() as u64;

    let mut handle = String::with_capacity(40);
    creator.handle(&mut handle, platform == Platform::X);

    let behaviour = rng.random::<f64>();
    let bought = behaviour < BOUGHT;
    let pod = !bought && behaviour < BOUGHT + POD;
    let inactivity = if !bought && !pod && behaviour < BOUGHT + POD + INACTIVE {
        if chance(rng, 0.5) { Inactivity::Stopped } else { Inactivity::Sparse }
    } else {
        Inactivity::Active
    };

    let history = {
        let u = rng.random::<f64>();
        if bought || u >= 0.10 {
            History::Full
        } else if u < 0.05 {
            History::None
        } else {
            History::Short(1 + below(rng, 4) as i64)
        }
    };
    let old_record = (history == History::Full && chance(rng, 0.11)).then(|| uniform(rng, 55.0, 65.0));

    let monthly = if inactivity == Inactivity::Active {
        (0.015 + 0.02 * normal(rng)).clamp(-0.02, 0.08)
    } else {
        uniform(rng, -0.02, 0.0)
    };
    let purchase = bought.then(|| {
        // Between two weekly observations, so the history shows the jump.
        let week = (1 + below(rng, 20)) as f64;
        (7.0 * week + uniform(rng, 0.5, 6.5), 1.0 + uniform(rng, 0.25, 0.6))
    });
    let surge = (!bought && chance(rng, 0.03)).then(|| (uniform(rng, 10.0, 150.0), uniform(rng, 0.08, 0.25)));
    let growth = Growth { now: followers as f64, monthly, purchase, surge };

    // Engagement per follower falls with size at the platform's own rate.
    let size_rate = model.base_rate * (followers as f64 / 1_000.0).powf(model.slope);
    let behaviour_factor = if bought {
        uniform(rng, 0.25, 0.5)
    } else if pod {
        uniform(rng, 1.3, 1.8)
    } else if inactivity != Inactivity::Active {
        uniform(rng, 0.4, 0.8)
    } else {
        1.0
    };
    let rate = size_rate * lognormal(rng, 0.0, 0.5) * behaviour_factor;
    let comment_ratio = if pod {
        // Pod members comment on every post, whatever it is.
        uniform(rng, 15.0, 40.0) / 100.0
    } else {
        uniform(rng, model.comments.0, model.comments.1) / 100.0
    };
    let share_ratio = model.shares.map(|(lo, hi)| uniform(rng, lo, hi) / 100.0);
    let per_view = uniform(rng, model.per_view.0, model.per_view.1);
    let mut cadence = log_uniform(rng, model.cadence.0, model.cadence.1);
    if pod {
        // Pods exist to boost regular posting.
        cadence = cadence.max(2.0);
    }
    let mut kind_weights = [0.0; 3];
    for (w, kind) in kind_weights.iter_mut().zip(model.kinds) {
        *w = kind.weight * uniform(rng, 0.4, 1.6);
    }

    Channel {
        creator,
        platform,
        handle,
        with_partner,
        followers,
        bought,
        pod,
        inactivity,
        history,
        old_record,
        growth,
        rate,
        comment_ratio,
        share_ratio,
        per_view,
        cadence,
        kind_weights,
        id_key: ids::hash3(seed, index, SALT_POST_IDS),
        truth_niches: [Some(creator.niche), creator.second_niche],
    }
}

/// Writes a profile bio into `out`.
fn bio(out: &mut String, rng: &mut Pcg64Mcg, ch: &Channel<'_>, with_email: bool) {
    out.clear();
    let creator = ch.creator;
    let niche = &NICHE_TABLE[creator.niche];
    let phrases = creator.phrases();
    let role = pick(rng, niche.roles);
    let emoji = pick(rng, niche.emojis);
    let first = below(rng, niche.topics.len());
    let second = (first + 1 + below(rng, niche.topics.len() - 1)) % niche.topics.len();
    match below(rng, 4) {
        0 => {
            out.push_str(role);
            out.push(' ');
            out.push_str(emoji);
            out.push_str(" | ");
            let start = out.len();
            out.push_str(niche.topics[first]);
            capitalize_at(out, start);
            out.push_str(" & ");
            out.push_str(niche.topics[second]);
        }
        1 => {
            out.push_str(role);
            out.push_str(". ");
            out.push_str(pick(rng, phrases.bio_extras));
            end_sentence(out);
        }
        2 => {
            out.push_str(emoji);
            out.push(' ');
            out.push_str(niche.topics[first]);
            out.push_str(" · ");
            out.push_str(niche.topics[second]);
            out.push('\n');
            out.push_str(pick(rng, phrases.bio_extras));
        }
        _ => {
            out.push_str(role);
            out.push_str(" sharing ");
            out.push_str(niche.topics[first]);
            out.push_str(", ");
            out.push_str(niche.topics[second]);
            out.push_str(" and more ");
            out.push_str(emoji);
        }
    }
    if let Some(other) = creator.second_niche {
        let other = &NICHE_TABLE[other];
        out.push_str(" | ");
        out.push_str(pick(rng, other.topics));
        out.push(' ');
        out.push_str(pick(rng, other.emojis));
    }
    if !creator.city.is_empty() && chance(rng, 0.6) {
        out.push_str(" | ");
        if phrases.based_in == "📍" || chance(rng, 0.5) {
            out.push_str("📍 ");
        } else {
            out.push_str(phrases.based_in);
            out.push(' ');
        }
        out.push_str(creator.city);
    }
    if with_email {
        out.push_str(" | 📩 ");
        out.push_str(&creator.email);
    }
}

/// Ends a sentence with a full stop unless it already ends in punctuation, an emoji
/// or non-Latin text (where a Latin full stop would look wrong).
fn end_sentence(out: &mut String) {
    if out.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        out.push('.');
    }
}

/// Writes a post caption into `out`.
fn caption(out: &mut String, rng: &mut Pcg64Mcg, ch: &Channel<'_>, niche: usize, brand: Option<&str>, sponsored: bool) {
    out.clear();
    let info = &NICHE_TABLE[niche];
    let phrases = ch.creator.phrases();
    let english = phrases.language == "en";
    let topic = pick(rng, info.topics);
    let templates = match ch.platform {
        Platform::Instagram | Platform::Tiktok => SOCIAL_TEMPLATES,
        Platform::Youtube => VIDEO_TEMPLATES,
        Platform::X => TEXT_TEMPLATES,
    };
    if english {
        if ch.platform != Platform::X && ch.platform != Platform::Youtube && chance(rng, 0.35) {
            out.push_str(pick(rng, phrases.openers));
            out.push(' ');
        }
        let template = pick(rng, templates);
        let start = out.len();
        let (before, after) = template.split_once("{}").unwrap_or((template, ""));
        out.push_str(before);
        out.push_str(topic);
        out.push_str(after);
        if ch.platform != Platform::X && out[start..].starts_with(topic) {
            capitalize_at(out, start);
        }
    } else {
        // Other languages: an opener in the language, with the niche's (English)
        // keyword, as creators mixing languages often write.
        out.push_str(pick(rng, phrases.openers));
        out.push(' ');
        out.push_str(topic);
    }
    if ch.platform != Platform::X && chance(rng, 0.6) {
        out.push(' ');
        out.push_str(pick(rng, info.emojis));
    }
    if ch.platform != Platform::Youtube && chance(rng, 0.4) {
        end_sentence(out);
        out.push(' ');
        out.push_str(pick(rng, phrases.calls));
    }
    if let Some(brand) = brand {
        out.push_str(" @");
        out.push_str(brand);
    }
    if sponsored {
        out.push_str(" #ad");
    }
}

/// Chooses a post's hashtags into `out` and returns how many.
fn hashtags(
    out: &mut [&'static str; 12],
    rng: &mut Pcg64Mcg,
    platform: Platform,
    niche: usize,
    sponsored: bool,
) -> usize {
    let model = platform.model();
    let total = model.tags.0 + below(rng, model.tags.1 - model.tags.0 + 1);
    let generic = (model.generic_tags.0 + below(rng, model.generic_tags.1 - model.generic_tags.0 + 1)).min(total);
    let mut count = 0;
    if sponsored {
        out[count] = "ad";
        count += 1;
    }
    // Distinct tags: walk the list from a random start with a stride coprime to its
    // length (all lists have 8 or 5 entries; odd strides suit 8, 1..4 suit 5).
    let niche_tags = NICHE_TABLE[niche].tags;
    let start = below(rng, niche_tags.len());
    let stride = 1 + 2 * below(rng, 2);
    for i in 0..(total - generic).min(niche_tags.len()) {
        out[count] = niche_tags[(start + i * stride) % niche_tags.len()];
        count += 1;
    }
    let generic_tags = GENERIC_TAGS[platform.index()];
    let start = below(rng, generic_tags.len());
    for i in 0..generic.min(generic_tags.len()) {
        out[count] = generic_tags[(start + i) % generic_tags.len()];
        count += 1;
    }
    count
}

/// The handle creator `root` gets on the main platform variant (`x` for X's).
#[cfg(test)]
pub(crate) fn creator_handle(seed: u64, root: u64, x: bool) -> String {
    let mut handle = String::new();
    Creator::new(seed, root).handle(&mut handle, x);
    handle
}
