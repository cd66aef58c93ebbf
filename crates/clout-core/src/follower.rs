//! The follower classifier: what kind of account one follower is, how likely it is to be
//! bought or a bot, and why.
//!
//! **Audience types.** Every follower is one of five types, the way brands read an
//! audience: `suspicious` (the marks of bought and bot accounts), else `influencer` (at
//! least [`INFLUENCER_FOLLOWERS`] followers), `mass_follower` (follows at least
//! [`MASS_FOLLOWING`] accounts: real, but unlikely to see a given post), `inactive` (at
//! most [`INACTIVE_POSTS`] posts and fewer than [`INACTIVE_FOLLOWERS`] followers: a real
//! person who rarely posts) or `real`. Only `suspicious` is a verdict against the account;
//! the others are definitions a person can check on the profile.
//!
//! **Suspicious.** A logistic regression over profile features. Features are standardised,
//! so each coefficient says how much one standard deviation of that feature moves the
//! log-odds; a prediction's reasons are the features that pushed it most. Fitting is
//! Newton's method (IRLS) with an L2 penalty and class weights that balance the classes
//! ([`fit`]). The built-in model uses only [`TRANSFER`] features: the ones that mark bought
//! and bot accounts on every platform (following hundreds or thousands more accounts than
//! follow back, no profile picture, a machine-made username). Few posts, few followers, a private or a
//! public account and a short bio describe quiet people as much as bots, and labelled sets
//! collected from active accounts teach a model the opposite, so they are left to the
//! `inactive` type. Pure: no IO, no randomness.

mod fit;
mod share;
#[cfg(test)]
mod tests;

pub use fit::{CrossValidation, Scores, TypeFigures, cross_validate, fit, roc_auc, scores};
pub use share::{Share, suspicious_share, wilson};

/// What is known of one follower account. Unknown values are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FollowerProfile {
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts: Option<u64>,
    pub has_profile_pic: Option<bool>,
    pub is_private: Option<bool>,
    pub bio_length: Option<u64>,
    pub username_length: Option<u64>,
    pub username_digits: Option<u64>,
}

impl FollowerProfile {
    /// Sets the username features (length and digit count, in characters) from `name`;
    /// a leading `@` is not part of the name.
    pub fn with_username(self, name: &str) -> Self {
        let name = name.trim_start_matches('@');
        FollowerProfile {
            username_length: Some(name.chars().count() as u64),
            username_digits: Some(name.chars().filter(char::is_ascii_digit).count() as u64),
            ..self
        }
    }
}

/// What a follower sample says of one account, as the classifier reads it: the one
/// mapping from a sample to a [`FollowerProfile`], whether the sample comes from an import
/// record (`FollowerSample::profile`) or from the store (the app's recompute), so both
/// judge an account alike. Every field must be named where one is made: a field added
/// here reaches both at once, or neither compiles.
#[derive(Debug, Clone, Copy)]
pub struct SampledAccount<'a> {
    pub username: &'a str,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts: Option<u64>,
    pub has_profile_pic: Option<bool>,
    pub is_private: Option<bool>,
    pub bio_length: Option<u64>,
}

impl SampledAccount<'_> {
    /// The classifier's view of the account.
    pub fn profile(&self) -> FollowerProfile {
        FollowerProfile {
            followers: self.followers,
            following: self.following,
            posts: self.posts,
            has_profile_pic: self.has_profile_pic,
            is_private: self.is_private,
            bio_length: self.bio_length,
            ..Default::default()
        }
        .with_username(self.username)
    }
}

/// How many features a model can use.
pub const N: usize = 10;

/// The features, in model order, with their names and a plain-language reading of a high
/// value (a reason reads it when the feature's value is above the training average).
pub const FEATURES: [(&str, &str); N] = [
    ("log_followers", "many followers"),
    ("log_following", "follows many accounts"),
    ("follow_ratio", "follows more accounts than follow it"),
    ("log_posts", "many posts"),
    ("no_profile_pic", "no profile picture"),
    ("private", "private account"),
    ("username_digit_share", "many digits in the username"),
    ("log_bio_length", "a long bio"),
    ("username_length", "a long username"),
    ("unreciprocated_follows", "follows many more accounts than three times its followers"),
];

/// The same sentences for a value below the training average.
const LOW: [&str; N] = [
    "few followers",
    "follows few accounts",
    "followed by about as many accounts as it follows, or more",
    "few or no posts",
    "has a profile picture",
    "public account",
    "few or no digits in the username",
    "a short or empty bio",
    "a short username",
    "follows few accounts beyond three times its followers",
];

/// The features that mean "bought or bot" on every platform: following many more accounts
/// than three times its own followers (`unreciprocated_follows`, a count: a follow-bot
/// follows thousands, a quiet person who follows 300 accounts and is followed by 20 does
/// not look like one), no profile picture, digits in the username. The
/// built-in model and `clout quality train` use these unless asked for all.
pub const TRANSFER: [bool; N] = [false, false, false, false, true, false, true, false, false, true];

/// Every feature.
pub const ALL: [bool; N] = [true; N];

/// The sign a fitted coefficient may have: +1 for the marks of bought accounts, which can
/// only push towards `suspicious` (a fit that wants them the other way drops them), 0 free.
const SIGN: [i8; N] = [0, 0, 0, 0, 1, 0, 1, 0, 0, 1];

/// `unreciprocated_follows` counts the accounts followed beyond this many times the
/// account's own followers.
pub const EXCESS_RATIO: f64 = 3.0;

/// The feature vector of a profile; an unknown value takes the training mean (it then
/// neither raises nor lowers the score).
pub fn features(p: &FollowerProfile, means: &[f64; N]) -> [f64; N] {
    let ln1 = |v: Option<u64>, i: usize| v.map_or(means[i], |v| (1.0 + v as f64).ln());
    let log_ratio = match (p.following, p.followers) {
        (Some(fg), Some(fr)) => Some(((1.0 + fg as f64) / (1.0 + fr as f64)).ln()),
        _ => None,
    };
    let flag = |v: Option<bool>, i: usize| v.map_or(means[i], |b| if b { 1.0 } else { 0.0 });
    let digit_share = match (p.username_digits, p.username_length) {
        (Some(d), Some(l)) if l > 0 => d as f64 / l as f64,
        _ => means[6],
    };
    [
        ln1(p.followers, 0),
        ln1(p.following, 1),
        log_ratio.unwrap_or(means[2]),
        ln1(p.posts, 3),
        p.has_profile_pic.map_or(means[4], |b| if b { 0.0 } else { 1.0 }),
        flag(p.is_private, 5),
        digit_share,
        ln1(p.bio_length, 7),
        p.username_length.map_or(means[8], |l| l as f64),
        match (p.following, p.followers) {
            (Some(fg), Some(fr)) => (1.0 + (fg as f64 - EXCESS_RATIO * fr as f64).max(0.0)).ln(),
            _ => means[9],
        },
    ]
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerModel {
    pub means: [f64; N],
    pub scales: [f64; N],
    /// Per standardised feature; 0 for a feature the model does not use.
    pub coefficients: [f64; N],
    pub intercept: f64,
    /// `suspicious` when the probability is at least this.
    pub threshold: f64,
    /// Cross-validated sensitivity and specificity at `threshold`, when known: the error
    /// rates [`suspicious_share`] corrects a sample's count of verdicts with.
    pub sensitivity: Option<f64>,
    pub specificity: Option<f64>,
}

/// One reason behind a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub feature: &'static str,
    /// The feature's push on the log-odds (positive: towards suspicious); 0 for a reason
    /// that is a type's definition rather than a model feature.
    pub contribution: f64,
    pub text: String,
}

/// The version of the rules that turn a model and a follower into a type: the features a
/// profile gives (`features`, [`FollowerProfile::with_username`]), the type by definition
/// ([`profile_type`]), [`FollowerModel::kind`] and [`FollowerModel::judge`], and how a
/// sample becomes a profile ([`SampledAccount::profile`]). Bump it
/// with any change to what they give for the same model and sample: verdicts a recompute
/// stored under another version are judged again.
pub const VERDICT_RULES: u32 = 1;

/// The five kinds of follower.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AudienceType {
    Real,
    Influencer,
    MassFollower,
    Inactive,
    Suspicious,
}

impl AudienceType {
    pub const ALL: [AudienceType; 5] = [
        AudienceType::Real,
        AudienceType::Influencer,
        AudienceType::MassFollower,
        AudienceType::Inactive,
        AudienceType::Suspicious,
    ];

    /// The id in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AudienceType::Real => "real",
            AudienceType::Influencer => "influencer",
            AudienceType::MassFollower => "mass_follower",
            AudienceType::Inactive => "inactive",
            AudienceType::Suspicious => "suspicious",
        }
    }

    /// The name for people.
    pub fn label(self) -> &'static str {
        match self {
            AudienceType::Real => "real people",
            AudienceType::Influencer => "influencers",
            AudienceType::MassFollower => "mass followers",
            AudienceType::Inactive => "inactive people",
            AudienceType::Suspicious => "suspicious accounts",
        }
    }
}

/// An `influencer` has at least this many followers.
pub const INFLUENCER_FOLLOWERS: u64 = 5_000;
/// A `mass_follower` follows at least this many accounts.
pub const MASS_FOLLOWING: u64 = 1_500;
/// An `inactive` account has at most this many posts...
pub const INACTIVE_POSTS: u64 = 5;
/// ... and fewer than this many followers.
pub const INACTIVE_FOLLOWERS: u64 = 200;

/// The type a profile has by definition when it is not suspicious, with the sentence that
/// says why. Unknown counts never make a type: an account whose posts are unknown is not
/// called inactive.
pub fn profile_type(p: &FollowerProfile) -> (AudienceType, String) {
    typed(p, true)
}

/// [`profile_type`] without the sentence.
pub fn profile_kind(p: &FollowerProfile) -> AudienceType {
    typed(p, false).0
}

fn typed(p: &FollowerProfile, explain: bool) -> (AudienceType, String) {
    let say = |text: &dyn Fn() -> String| if explain { text() } else { String::new() };
    if let Some(f) = p.followers.filter(|&f| f >= INFLUENCER_FOLLOWERS) {
        return (
            AudienceType::Influencer,
            say(&|| format!("{f} followers (an influencer: {INFLUENCER_FOLLOWERS} or more)")),
        );
    }
    if let Some(f) = p.following.filter(|&f| f >= MASS_FOLLOWING) {
        return (
            AudienceType::MassFollower,
            say(&|| {
                format!(
                    "follows {f} accounts (a mass follower: {MASS_FOLLOWING} or more; unlikely to see a given post)"
                )
            }),
        );
    }
    if let (Some(posts), Some(followers)) = (p.posts, p.followers)
        && posts <= INACTIVE_POSTS
        && followers < INACTIVE_FOLLOWERS
    {
        return (
            AudienceType::Inactive,
            say(&|| format!("{posts} posts and {followers} followers (inactive: a real person who rarely posts)")),
        );
    }
    (AudienceType::Real, say(&|| "an ordinary active account".to_string()))
}

/// A judged follower.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The chance that the account is bought or a bot.
    pub fake_probability: f64,
    /// `kind == Suspicious`, for scripts that read the older yes/no verdict.
    pub fake: bool,
    pub kind: AudienceType,
    /// The probability of each type: the suspicious chance, and the rest on the type the
    /// profile has by definition.
    pub probabilities: Vec<(AudienceType, f64)>,
    /// Why: the type's definition first (unless suspicious), then the model's strongest
    /// pushes towards the verdict (at most three).
    pub reasons: Vec<Reason>,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl FollowerModel {
    fn standardised(&self, x: &[f64; N]) -> [f64; N] {
        let mut z = [0.0; N];
        for i in 0..N {
            z[i] = (x[i] - self.means[i]) / self.scales[i];
        }
        z
    }

    pub fn probability(&self, p: &FollowerProfile) -> f64 {
        let z = self.standardised(&features(p, &self.means));
        sigmoid(self.intercept + z.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum::<f64>())
    }

    /// The type [`FollowerModel::judge`] gives, without its reasons (a recompute judges
    /// every follower sample and keeps only the count of each type).
    pub fn kind(&self, p: &FollowerProfile) -> AudienceType {
        if self.probability(p) >= self.threshold { AudienceType::Suspicious } else { profile_kind(p) }
    }

    pub fn judge(&self, p: &FollowerProfile) -> Verdict {
        let z = self.standardised(&features(p, &self.means));
        let pushes: Vec<f64> = z.iter().zip(&self.coefficients).map(|(a, b)| a * b).collect();
        let fake_probability = sigmoid(self.intercept + pushes.iter().sum::<f64>());
        let fake = fake_probability >= self.threshold;
        let mut reasons: Vec<Reason> = pushes
            .iter()
            .enumerate()
            .filter(|&(_, &c)| if fake { c > 0.0 } else { c < 0.0 })
            .map(|(i, &c)| Reason {
                feature: FEATURES[i].0,
                contribution: c,
                // The feature's own direction decides the sentence: above or below average.
                text: if z[i] > 0.0 { FEATURES[i].1 } else { LOW[i] }.to_string(),
            })
            .collect();
        reasons.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        reasons.truncate(3);
        let (by_definition, why) = profile_type(p);
        let kind = if fake { AudienceType::Suspicious } else { by_definition };
        if !fake {
            reasons.insert(0, Reason { feature: "type", contribution: 0.0, text: why });
        }
        let probabilities = AudienceType::ALL
            .iter()
            .map(|&t| {
                let share = match t {
                    AudienceType::Suspicious => fake_probability,
                    t if t == by_definition => 1.0 - fake_probability,
                    _ => 0.0,
                };
                (t, share)
            })
            .collect();
        Verdict { fake_probability, fake, kind, probabilities, reasons }
    }
}
