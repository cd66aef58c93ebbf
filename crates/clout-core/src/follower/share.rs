//! The share of a channel's followers that are bought or bots, estimated from a sample
//! with the classifier's own error rates taken into account.
//!
//! Counting verdicts is biased: with specificity 0.95, a clean audience still shows 5 %
//! "suspicious", and with sensitivity 0.8 a bought one shows only 80 % of its fakes. If `r`
//! is the share of the sample called suspicious, `se` the classifier's sensitivity and `sp`
//! its specificity, the expected `r` is `π·se + (1 − π)·(1 − sp)` for a true share `π`, so
//! `π = (r + sp − 1) / (se + sp − 1)` (the Rogan–Gladen estimator), clamped to 0–1. The 95 %
//! interval is the Wilson interval of `r` for the sample size mapped the same way; the
//! error rates are taken as known (they come from cross-validation on the training set).

/// An estimated share, 0 to 1, with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    pub share: f64,
    pub low: f64,
    pub high: f64,
    /// Whether the classifier's error rates were taken into account (they are unknown for
    /// a model file without them, or too poor to correct with: `se + sp − 1 < 0.2`).
    pub corrected: bool,
}

/// The share of suspicious accounts among `n` sampled followers of which `flagged` were
/// called suspicious, by a classifier with the given cross-validated error rates.
pub fn suspicious_share(flagged: usize, n: usize, sensitivity: Option<f64>, specificity: Option<f64>) -> Share {
    let (lo, hi) = wilson(flagged, n);
    let r = if n == 0 { 0.0 } else { flagged as f64 / n as f64 };
    match (sensitivity, specificity) {
        (Some(se), Some(sp)) if se + sp - 1.0 >= 0.2 => {
            let correct = |x: f64| ((x + sp - 1.0) / (se + sp - 1.0)).clamp(0.0, 1.0);
            Share { share: correct(r), low: correct(lo), high: correct(hi), corrected: true }
        }
        _ => Share { share: r, low: lo, high: hi, corrected: false },
    }
}

/// Wilson 95 % interval of a proportion.
pub fn wilson(successes: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (p, n, z) = (successes as f64 / n as f64, n as f64, 1.96f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
