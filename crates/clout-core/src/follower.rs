//! The follower classifier: how likely one follower account is fake, and why.
//!
//! A logistic regression over a handful of profile features that a person can check:
//! following versus followers, posts, profile picture, privacy, digits in the username,
//! bio length. Features are standardised, so each coefficient says how much one
//! standard deviation of that feature moves the log-odds; a prediction's reasons are the
//! features that pushed it most. Fitting is Newton's method (IRLS) with an L2 penalty and
//! class weights that balance fake and real accounts. Pure: no IO, no randomness.

#[cfg(test)]
mod tests;

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

/// The features, in model order, with their names and a plain-language reading of a high
/// value (a reason reads it when the feature pushes towards "fake").
pub const FEATURES: [(&str, &str); 9] = [
    ("log_followers", "many followers"),
    ("log_following", "follows many accounts"),
    ("follow_ratio", "follows far more accounts than follow it"),
    ("log_posts", "many posts"),
    ("no_profile_pic", "no profile picture"),
    ("private", "private account"),
    ("username_digit_share", "many digits in the username"),
    ("log_bio_length", "a long bio"),
    ("username_length", "a long username"),
];

/// The same sentences for a low value.
const LOW: [&str; 9] = [
    "few followers",
    "follows few accounts",
    "followed by more accounts than it follows",
    "few or no posts",
    "has a profile picture",
    "public account",
    "few digits in the username",
    "a short or empty bio",
    "a short username",
];

/// The feature vector of a profile; an unknown value takes the training mean (it then
/// neither raises nor lowers the score).
pub fn features(p: &FollowerProfile, means: &[f64; 9]) -> [f64; 9] {
    let ln1 = |v: Option<u64>, i: usize| v.map_or(means[i], |v| (1.0 + v as f64).ln());
    let ratio = match (p.following, p.followers) {
        (Some(fg), Some(fr)) => ((1.0 + fg as f64) / (1.0 + fr as f64)).ln(),
        _ => means[2],
    };
    let flag = |v: Option<bool>, i: usize| v.map_or(means[i], |b| if b { 1.0 } else { 0.0 });
    let digit_share = match (p.username_digits, p.username_length) {
        (Some(d), Some(l)) if l > 0 => d as f64 / l as f64,
        _ => means[6],
    };
    [
        ln1(p.followers, 0),
        ln1(p.following, 1),
        ratio,
        ln1(p.posts, 3),
        p.has_profile_pic.map_or(means[4], |b| if b { 0.0 } else { 1.0 }),
        flag(p.is_private, 5),
        digit_share,
        ln1(p.bio_length, 7),
        p.username_length.map_or(means[8], |l| l as f64),
    ]
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerModel {
    pub means: [f64; 9],
    pub scales: [f64; 9],
    /// Per standardised feature.
    pub coefficients: [f64; 9],
    pub intercept: f64,
    /// `fake` when the probability is at least this.
    pub threshold: f64,
}

/// One reason behind a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub feature: &'static str,
    /// The feature's push on the log-odds (positive: towards fake).
    pub contribution: f64,
    pub text: &'static str,
}

/// A scored follower.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub fake_probability: f64,
    pub fake: bool,
    /// The strongest pushes towards the verdict, strongest first (at most three).
    pub reasons: Vec<Reason>,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl FollowerModel {
    fn standardised(&self, x: &[f64; 9]) -> [f64; 9] {
        let mut z = [0.0; 9];
        for i in 0..9 {
            z[i] = (x[i] - self.means[i]) / self.scales[i];
        }
        z
    }

    pub fn probability(&self, p: &FollowerProfile) -> f64 {
        let z = self.standardised(&features(p, &self.means));
        sigmoid(self.intercept + z.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum::<f64>())
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
                text: if z[i] > 0.0 { FEATURES[i].1 } else { LOW[i] },
            })
            .collect();
        reasons.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        reasons.truncate(3);
        Verdict { fake_probability, fake, reasons }
    }
}

/// Fits a model on labelled profiles (`true` = fake) with L2 penalty `lambda` on the
/// standardised coefficients. Classes are weighted to count equally, so 0.5 is the natural
/// threshold; it is raised when needed so that at least `specificity` of the real
/// training accounts fall below it. `None` when either class is missing.
pub fn fit(data: &[(FollowerProfile, bool)], lambda: f64, specificity: f64) -> Option<FollowerModel> {
    let n_fake = data.iter().filter(|d| d.1).count();
    let n_real = data.len() - n_fake;
    if n_fake == 0 || n_real == 0 {
        return None;
    }
    // Means from known values only (an unknown value is NaN here); then unknown values
    // are filled with them.
    let mut means = [0.0; 9];
    let raw: Vec<[f64; 9]> = data.iter().map(|(p, _)| features(p, &[f64::NAN; 9])).collect();
    for i in 0..9 {
        let known: Vec<f64> = raw.iter().map(|x| x[i]).filter(|v| !v.is_nan()).collect();
        means[i] = if known.is_empty() { 0.0 } else { known.iter().sum::<f64>() / known.len() as f64 };
    }
    let xs: Vec<[f64; 9]> = data.iter().map(|(p, _)| features(p, &means)).collect();
    let mut scales = [1.0; 9];
    for i in 0..9 {
        let var = xs.iter().map(|x| (x[i] - means[i]).powi(2)).sum::<f64>() / xs.len() as f64;
        scales[i] = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    let zs: Vec<[f64; 10]> = xs
        .iter()
        .map(|x| {
            let mut z = [1.0; 10];
            for i in 0..9 {
                z[i + 1] = (x[i] - means[i]) / scales[i];
            }
            z
        })
        .collect();
    let weight = |fake: bool| {
        if fake { data.len() as f64 / (2.0 * n_fake as f64) } else { data.len() as f64 / (2.0 * n_real as f64) }
    };
    // Newton's method on the penalised, weighted log-likelihood (intercept unpenalised).
    let mut beta = [0.0; 10];
    for _ in 0..50 {
        let mut grad = [0.0; 10];
        let mut hess = [[0.0; 10]; 10];
        for (z, (_, fake)) in zs.iter().zip(data) {
            let w = weight(*fake);
            let p = sigmoid(z.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let y = if *fake { 1.0 } else { 0.0 };
            for a in 0..10 {
                grad[a] += w * (y - p) * z[a];
                for b in 0..10 {
                    hess[a][b] += w * p * (1.0 - p) * z[a] * z[b];
                }
            }
        }
        for a in 1..10 {
            grad[a] -= lambda * beta[a];
            hess[a][a] += lambda;
        }
        let step = solve(hess, grad)?;
        let mut change = 0.0f64;
        for a in 0..10 {
            beta[a] += step[a];
            change = change.max(step[a].abs());
        }
        if change < 1e-9 {
            break;
        }
    }
    let mut model = FollowerModel { means, scales, coefficients: [0.0; 9], intercept: beta[0], threshold: 0.5 };
    model.coefficients.copy_from_slice(&beta[1..]);
    let mut real: Vec<f64> = data.iter().filter(|d| !d.1).map(|(p, _)| model.probability(p)).collect();
    real.sort_by(f64::total_cmp);
    // The smallest threshold above the `specificity` quantile of real accounts' scores.
    let k = ((specificity * real.len() as f64).ceil() as usize).clamp(1, real.len());
    model.threshold = (real[k - 1] + 1e-12).clamp(0.5, 1.0);
    Some(model)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; 10]; 10], mut b: [f64; 10]) -> Option<[f64; 10]> {
    for col in 0..10 {
        let pivot = (col..10).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..10 {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 10];
    for row in (0..10).rev() {
        let s: f64 = (row + 1..10).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Precision, recall (sensitivity), specificity, F1 and accuracy of predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub specificity: f64,
    pub f1: f64,
    pub accuracy: f64,
}

/// Scores `(predicted fake, actually fake)` pairs.
pub fn scores(pairs: impl IntoIterator<Item = (bool, bool)>) -> Scores {
    let (mut tp, mut fp, mut tn, mut fn_) = (0.0, 0.0, 0.0, 0.0);
    for (predicted, actual) in pairs {
        match (predicted, actual) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fn_ += 1.0,
        }
    }
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let precision = div(tp, tp + fp);
    let recall = div(tp, tp + fn_);
    Scores {
        precision,
        recall,
        specificity: div(tn, tn + fp),
        f1: div(2.0 * precision * recall, precision + recall),
        accuracy: div(tp + tn, tp + tn + fp + fn_),
    }
}
