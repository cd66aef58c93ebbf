//! The random draws of the demo world, on the concrete generator type (no generic code
//! to instantiate): uniform, normal and log-normal factors, choices, weighted choices,
//! unbiased rounding of counts and a truncated Pareto.

use rand::Rng;
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;

pub(super) fn uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

pub(super) fn chance(rng: &mut Pcg64Mcg, p: f64) -> bool {
    rng.random::<f64>() < p
}

pub(super) fn normal(rng: &mut Pcg64Mcg) -> f64 {
    rng.sample(StandardNormal)
}

/// A log-normal factor with median `exp(mu)`.
pub(super) fn lognormal(rng: &mut Pcg64Mcg, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(rng)).exp()
}

/// A log-normal factor with mean 1.
pub(super) fn noise(rng: &mut Pcg64Mcg, sigma: f64) -> f64 {
    lognormal(rng, -sigma * sigma / 2.0, sigma)
}

pub(super) fn log_uniform(rng: &mut Pcg64Mcg, lo: f64, hi: f64) -> f64 {
    uniform(rng, lo.ln(), hi.ln()).exp()
}

pub(super) fn below(rng: &mut Pcg64Mcg, n: usize) -> usize {
    if n <= 1 { 0 } else { rng.random_range(0..n) }
}

pub(super) fn pick<'a>(rng: &mut Pcg64Mcg, items: &[&'a str]) -> &'a str {
    items.get(below(rng, items.len())).copied().unwrap_or("")
}

pub(super) fn weighted(rng: &mut Pcg64Mcg, weights: &[f64]) -> usize {
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
pub(super) fn round_count(rng: &mut Pcg64Mcg, x: f64) -> u64 {
    let u = rng.random::<f64>();
    if x > 0.0 { (x + u).floor() as u64 } else { 0 }
}

/// A Pareto draw truncated to `[min, max]` by inverting the CDF on the allowed range
/// (rather than clamping, which would pile channels up at exactly `max`).
pub(super) fn pareto(rng: &mut Pcg64Mcg, min: f64, max: f64, alpha: f64) -> f64 {
    let floor = (min / max).powf(alpha);
    let u = floor + (1.0 - floor) * rng.random::<f64>();
    min * u.max(f64::MIN_POSITIVE).powf(-1.0 / alpha)
}
