//! Fitting the follower model, and measuring it: precision, sensitivity, specificity,
//! ROC AUC, and cross-validation with figures per audience type.

use super::{AudienceType, FollowerModel, FollowerProfile, N, SIGN, features, profile_type, sigmoid};

/// Fits a model on labelled profiles (`true` = bought or bot) over the features `use_`
/// marks, with L2 penalty `lambda` on the standardised coefficients. Classes are weighted
/// to count equally, so 0.5 is the natural threshold; it is raised when needed so that at
/// least `specificity` of the real training accounts fall below it. A feature whose sign is
/// fixed (the marks of bought accounts can only push towards suspicious) and comes out the
/// other way is dropped and the rest refitted. `None` when either class is missing.
pub fn fit(data: &[(FollowerProfile, bool)], lambda: f64, specificity: f64, use_: &[bool; N]) -> Option<FollowerModel> {
    let n_fake = data.iter().filter(|d| d.1).count();
    let n_real = data.len() - n_fake;
    if n_fake == 0 || n_real == 0 {
        return None;
    }
    // Means from known values only (an unknown value is NaN here); then unknown values
    // are filled with them.
    let mut means = [0.0; N];
    let raw: Vec<[f64; N]> = data.iter().map(|(p, _)| features(p, &[f64::NAN; N])).collect();
    for i in 0..N {
        let known: Vec<f64> = raw.iter().map(|x| x[i]).filter(|v| !v.is_nan()).collect();
        means[i] = if known.is_empty() { 0.0 } else { known.iter().sum::<f64>() / known.len() as f64 };
    }
    let xs: Vec<[f64; N]> = data.iter().map(|(p, _)| features(p, &means)).collect();
    let mut scales = [1.0; N];
    for i in 0..N {
        let var = xs.iter().map(|x| (x[i] - means[i]).powi(2)).sum::<f64>() / xs.len() as f64;
        scales[i] = if var > 1e-12 { var.sqrt() } else { 1.0 };
    }
    let weight = |fake: bool| {
        if fake { data.len() as f64 / (2.0 * n_fake as f64) } else { data.len() as f64 / (2.0 * n_real as f64) }
    };
    let mut active: Vec<usize> = (0..N).filter(|&i| use_[i]).collect();
    let beta = loop {
        // Column 0 is the intercept, then the active features, standardised.
        let zs: Vec<Vec<f64>> = xs
            .iter()
            .map(|x| std::iter::once(1.0).chain(active.iter().map(|&i| (x[i] - means[i]) / scales[i])).collect())
            .collect();
        let beta = newton(&zs, data, &weight, lambda)?;
        let wrong: Vec<usize> = active
            .iter()
            .enumerate()
            .filter(|&(k, &i)| f64::from(SIGN[i]) * beta[k + 1] < 0.0)
            .map(|(_, &i)| i)
            .collect();
        if wrong.is_empty() {
            break beta;
        }
        active.retain(|i| !wrong.contains(i));
    };
    let mut model = FollowerModel {
        means,
        scales,
        coefficients: [0.0; N],
        intercept: beta[0],
        threshold: 0.5,
        sensitivity: None,
        specificity: None,
    };
    for (k, &i) in active.iter().enumerate() {
        model.coefficients[i] = beta[k + 1];
    }
    let mut real: Vec<f64> = data.iter().filter(|d| !d.1).map(|(p, _)| model.probability(p)).collect();
    real.sort_by(f64::total_cmp);
    // The smallest threshold above the `specificity` quantile of real accounts' scores.
    let k = ((specificity * real.len() as f64).ceil() as usize).clamp(1, real.len());
    model.threshold = (real[k - 1] + 1e-12).clamp(0.5, 1.0);
    Some(model)
}

/// Newton's method on the penalised, weighted log-likelihood (intercept unpenalised).
fn newton(
    zs: &[Vec<f64>],
    data: &[(FollowerProfile, bool)],
    weight: &dyn Fn(bool) -> f64,
    lambda: f64,
) -> Option<Vec<f64>> {
    let d = zs.first().map_or(1, Vec::len);
    let mut beta = vec![0.0; d];
    for _ in 0..50 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (z, (_, fake)) in zs.iter().zip(data) {
            let w = weight(*fake);
            let p = sigmoid(z.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let y = if *fake { 1.0 } else { 0.0 };
            for a in 0..d {
                grad[a] += w * (y - p) * z[a];
                for b in 0..d {
                    hess[a][b] += w * p * (1.0 - p) * z[a] * z[b];
                }
            }
        }
        for a in 1..d {
            grad[a] -= lambda * beta[a];
            hess[a][a] += lambda;
        }
        let step = solve(hess, grad)?;
        let mut change = 0.0f64;
        for a in 0..d {
            beta[a] += step[a];
            change = change.max(step[a].abs());
        }
        if change < 1e-9 {
            break;
        }
    }
    Some(beta)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let d = b.len();
    for col in 0..d {
        let pivot = (col..d).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..d {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col].clone();
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; d];
    for row in (0..d).rev() {
        let s: f64 = (row + 1..d).map(|k| a[row][k] * x[k]).sum();
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

/// ROC AUC of `(probability, actually fake)` pairs: the chance that a fake account scores
/// higher than a real one, ties counting half. `None` without both classes.
pub fn roc_auc(pairs: &[(f64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = pairs.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        // Ranks i+1..=j share their mean.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * sorted[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    let fakes = pairs.iter().filter(|p| p.1).count() as f64;
    let reals = pairs.len() as f64 - fakes;
    (fakes > 0.0 && reals > 0.0).then(|| (rank_sum - fakes * (fakes + 1.0) / 2.0) / (fakes * reals))
}

/// How the model does on the accounts of one type (the type the profile has by
/// definition, whatever its label).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TypeFigures {
    pub kind: AudienceType,
    pub real: usize,
    pub fake: usize,
    /// Of the real accounts of this type, the share not called suspicious.
    pub specificity: Option<f64>,
    /// Of the fake ones, the share called suspicious.
    pub sensitivity: Option<f64>,
}

/// Stratified k-fold cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossValidation {
    pub folds: usize,
    pub scores: Scores,
    pub auc: Option<f64>,
    /// Per audience type, in [`AudienceType::ALL`] order, types with accounts only.
    pub by_type: Vec<TypeFigures>,
}

/// Stratified `folds`-fold cross-validation of [`fit`] with the same settings: the k-th
/// account of each class goes to fold k mod `folds` (no randomness, so a rerun gives the
/// same figures). `None` when a fold cannot be fitted.
pub fn cross_validate(
    data: &[(FollowerProfile, bool)],
    lambda: f64,
    specificity: f64,
    use_: &[bool; N],
    folds: usize,
) -> Option<CrossValidation> {
    let mut fold = vec![0usize; data.len()];
    for class in [true, false] {
        for (k, i) in (0..data.len()).filter(|&i| data[i].1 == class).enumerate() {
            fold[i] = k % folds;
        }
    }
    let mut verdicts = vec![(0.0, false); data.len()];
    for f in 0..folds {
        let train: Vec<(FollowerProfile, bool)> = (0..data.len()).filter(|&i| fold[i] != f).map(|i| data[i]).collect();
        let model = fit(&train, lambda, specificity, use_)?;
        for i in (0..data.len()).filter(|&i| fold[i] == f) {
            let p = model.probability(&data[i].0);
            verdicts[i] = (p, p >= model.threshold);
        }
    }
    let by_type = AudienceType::ALL
        .iter()
        .filter_map(|&kind| {
            let of: Vec<usize> = (0..data.len()).filter(|&i| profile_type(&data[i].0).0 == kind).collect();
            let real: Vec<usize> = of.iter().copied().filter(|&i| !data[i].1).collect();
            let fake: Vec<usize> = of.iter().copied().filter(|&i| data[i].1).collect();
            let share = |idx: &[usize], flagged: bool| {
                (!idx.is_empty())
                    .then(|| idx.iter().filter(|&&i| verdicts[i].1 == flagged).count() as f64 / idx.len() as f64)
            };
            (!of.is_empty()).then(|| TypeFigures {
                kind,
                real: real.len(),
                fake: fake.len(),
                specificity: share(&real, false),
                sensitivity: share(&fake, true),
            })
        })
        .collect();
    let pairs: Vec<(f64, bool)> = verdicts.iter().zip(data).map(|(v, d)| (v.0, d.1)).collect();
    Some(CrossValidation {
        folds,
        scores: scores(verdicts.iter().zip(data).map(|(v, d)| (v.1, d.1))),
        auc: roc_auc(&pairs),
        by_type,
    })
}
