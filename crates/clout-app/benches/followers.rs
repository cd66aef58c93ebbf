//! The follower classifier on the InstaFake data (not a test; run with
//! `cargo bench -p clout-app --bench followers`).
//!
//! The data is third-party and not in this repository: the public InstaFake data set of
//! F. C. Akyon and E. Kalfaoglu, "Instagram Fake and Automated Account Detection", ASYU 2019
//! (arXiv:1910.03090), published in the GitHub repository `fcakyon/instafake-dataset`
//! (`data/fake-v1.0/fakeAccountData.json`, 200 fake accounts, and `realAccountData.json`,
//! 994 real ones). The benchmark reads the two as one CSV, `fake_v1_combined.csv`, with the
//! same columns and values (`userFollowerCount`, ..., `isFake`), from
//! `shared/data/instafake/` in the directory that holds this repository's checkout (where
//! the development machines keep it); without it, it says so and measures nothing.
//!
//! Prints, for the transfer features (the built-in model) and for every feature, stratified
//! 5-fold cross-validation repeated 10 times: precision, sensitivity, F1, specificity and
//! accuracy for the suspicious class at the model's own threshold, the sensitivity at 96 %
//! specificity (threshold taken from each training fold's real accounts), and the
//! specificity on the inactive real accounts. Then the model fitted on all rows with the
//! transfer features: the built-in weights.
//! InstaFake is CC BY-NC 4.0 (Akyon & Kalfaoglu, 2019).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use clout_core::follower::{
    ALL, AudienceType, FEATURES, FollowerProfile, N, Scores, TRANSFER, fit, profile_type, scores,
};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_pcg::Pcg64Mcg;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/instafake/fake_v1_combined.csv");
    let Ok(mut reader) = csv::Reader::from_path(&path) else {
        println!("InstaFake not found at {}: nothing to measure", path.display());
        return;
    };
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (fr, fg, bio, media, pic, private, digits, len, fake) = (
        col("userFollowerCount"),
        col("userFollowingCount"),
        col("userBiographyLength"),
        col("userMediaCount"),
        col("userHasProfilPic"),
        col("userIsPrivate"),
        col("usernameDigitCount"),
        col("usernameLength"),
        col("isFake"),
    );
    let data: Vec<(FollowerProfile, bool)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let n = |i: usize| r[i].trim().parse::<u64>().unwrap();
            (
                FollowerProfile {
                    followers: Some(n(fr)),
                    following: Some(n(fg)),
                    posts: Some(n(media)),
                    has_profile_pic: Some(n(pic) == 1),
                    is_private: Some(n(private) == 1),
                    bio_length: Some(n(bio)),
                    username_length: Some(n(len)),
                    username_digits: Some(n(digits)),
                },
                n(fake) == 1,
            )
        })
        .collect();
    let fakes = data.iter().filter(|d| d.1).count();
    println!("InstaFake: {} accounts, {} fake ({:.1} %)", data.len(), fakes, 100.0 * fakes as f64 / data.len() as f64);

    for (label, use_) in [("the transfer features (the built-in model)", &TRANSFER), ("every feature", &ALL)] {
        println!("\n{label}:");
        cross_validate(&data, use_);
    }
    let model = fit(&data, 1.0, 0.97, &TRANSFER).unwrap();
    // Speed: one million follower records, judged with reasons.
    let million: Vec<FollowerProfile> = (0..1_000_000usize).map(|i| data[i % data.len()].0).collect();
    let t = std::time::Instant::now();
    let fakes = million.iter().filter(|p| model.judge(p).fake).count();
    println!(
        "\nclassified 1,000,000 follower records (with types and reasons) in {:.2} s; {fakes} suspicious",
        t.elapsed().as_secs_f64()
    );
    println!("fitted on all rows: intercept {:.4}, threshold {:.4}", model.intercept, model.threshold);
    for (i, (name, _)) in FEATURES.iter().enumerate().filter(|(i, _)| model.coefficients[*i] != 0.0) {
        println!(
            "  {name:<24} coefficient {:>8.4}  mean {:>8.4}  scale {:>8.4}",
            model.coefficients[i], model.means[i], model.scales[i]
        );
    }
}

/// Stratified 5-fold cross-validation repeated 10 times with shuffled folds: the scores at
/// the model's threshold, the sensitivity at 96 % training specificity, and the
/// specificity on the real accounts that are inactive by definition.
fn cross_validate(data: &[(FollowerProfile, bool)], use_: &[bool; N]) {
    let (mut at_threshold, mut at_96, mut inactive) = (Vec::new(), Vec::new(), Vec::new());
    for repeat in 0..10u64 {
        let mut rng = Pcg64Mcg::seed_from_u64(repeat);
        let mut fold_of = vec![0usize; data.len()];
        for class in [true, false] {
            let mut idx: Vec<usize> = (0..data.len()).filter(|&i| data[i].1 == class).collect();
            idx.shuffle(&mut rng);
            for (k, i) in idx.into_iter().enumerate() {
                fold_of[i] = k % 5;
            }
        }
        let (mut pairs, mut pairs96, mut quiet) = (Vec::new(), Vec::new(), Vec::new());
        for fold in 0..5 {
            let train: Vec<_> = (0..data.len()).filter(|&i| fold_of[i] != fold).map(|i| data[i]).collect();
            let model = fit(&train, 1.0, 0.97, use_).unwrap();
            let mut real: Vec<f64> = train.iter().filter(|d| !d.1).map(|(p, _)| model.probability(p)).collect();
            real.sort_by(f64::total_cmp);
            let t96 = real[((0.96 * real.len() as f64).ceil() as usize).clamp(1, real.len()) - 1];
            for i in (0..data.len()).filter(|&i| fold_of[i] == fold) {
                let p = model.probability(&data[i].0);
                pairs.push((p >= model.threshold, data[i].1));
                pairs96.push((p > t96, data[i].1));
                if profile_type(&data[i].0).0 == AudienceType::Inactive {
                    quiet.push((p >= model.threshold, data[i].1));
                }
            }
        }
        at_threshold.push(scores(pairs));
        at_96.push(scores(pairs96));
        inactive.push(scores(quiet));
    }
    let mean = |v: &[Scores], f: fn(&Scores) -> f64| v.iter().map(f).sum::<f64>() / v.len() as f64;
    println!(
        "  at the model threshold: precision {:.1} %, sensitivity {:.1} %, F1 {:.1} %, specificity {:.1} %, accuracy {:.1} %",
        100.0 * mean(&at_threshold, |s| s.precision),
        100.0 * mean(&at_threshold, |s| s.recall),
        100.0 * mean(&at_threshold, |s| s.f1),
        100.0 * mean(&at_threshold, |s| s.specificity),
        100.0 * mean(&at_threshold, |s| s.accuracy)
    );
    println!(
        "  at 96 % training specificity: sensitivity {:.1} %, specificity {:.1} %, precision {:.1} %",
        100.0 * mean(&at_96, |s| s.recall),
        100.0 * mean(&at_96, |s| s.specificity),
        100.0 * mean(&at_96, |s| s.precision)
    );
    println!(
        "  inactive accounts (at most 5 posts, under 200 followers): specificity {:.1} %, sensitivity {:.1} %",
        100.0 * mean(&inactive, |s| s.specificity),
        100.0 * mean(&inactive, |s| s.recall)
    );
}
