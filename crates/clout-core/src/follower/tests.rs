//! The classifier on small made-up populations whose answer is known by construction.

use super::*;

fn bot(i: u64) -> FollowerProfile {
    FollowerProfile {
        followers: Some(10 + i % 7),
        following: Some(2_000 + 37 * i),
        posts: Some(i % 2),
        has_profile_pic: Some(!i.is_multiple_of(3)),
        is_private: Some(false),
        bio_length: Some(0),
        username_length: Some(14),
        username_digits: Some(4 + i % 3),
    }
}

fn person(i: u64) -> FollowerProfile {
    FollowerProfile {
        followers: Some(200 + 13 * i),
        following: Some(150 + 11 * (i % 20)),
        posts: Some(20 + i),
        has_profile_pic: Some(true),
        is_private: Some(i.is_multiple_of(2)),
        bio_length: Some(30 + i % 40),
        username_length: Some(9),
        username_digits: Some(i % 2),
    }
}

fn population() -> Vec<(FollowerProfile, bool)> {
    let mut data: Vec<(FollowerProfile, bool)> = (0..40).map(|i| (bot(i), true)).collect();
    data.extend((0..160).map(|i| (person(i), false)));
    data
}

#[test]
fn a_clearly_separable_population_is_classified_with_reasons() {
    let model = fit(&population(), 1.0, 0.96).unwrap();
    let v = model.judge(&bot(100));
    assert!(v.fake && v.fake_probability > 0.9, "{v:?}");
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text).collect();
    assert!(!texts.is_empty() && v.reasons.iter().all(|r| r.contribution > 0.0), "{v:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("follows far more") || t.contains("follows many") || t.contains("few followers")),
        "{texts:?}"
    );
    let v = model.judge(&person(7));
    assert!(!v.fake && v.fake_probability < 0.1, "{v:?}");
    assert!(v.reasons.iter().all(|r| r.contribution < 0.0));
    let all = scores(population().iter().map(|(p, fake)| (model.judge(p).fake, *fake)));
    assert_eq!((all.precision, all.recall), (1.0, 1.0), "{all:?}");
}

#[test]
fn the_threshold_keeps_the_asked_specificity_on_the_training_data() {
    // Overlapping classes: the threshold decides.
    let mut data = population();
    data.extend(
        (0..30).map(|i| (FollowerProfile { followers: Some(50), following: Some(900), ..person(i) }, i % 2 == 0)),
    );
    let model = fit(&data, 1.0, 0.96).unwrap();
    let s = scores(data.iter().map(|(p, fake)| (model.judge(p).fake, *fake)));
    assert!(s.specificity >= 0.96, "{s:?}");
}

#[test]
fn unknown_values_take_the_mean_and_move_nothing() {
    let model = fit(&population(), 1.0, 0.96).unwrap();
    let nothing = FollowerProfile::default();
    // Every feature at its mean: the probability is the intercept's alone.
    assert!((model.probability(&nothing) - sigmoid(model.intercept)).abs() < 1e-12);
    assert!(
        model.judge(&nothing).reasons.is_empty()
            || model.judge(&nothing).reasons.iter().all(|r| r.contribution.abs() < 1e-9)
    );
}

#[test]
fn one_class_alone_cannot_be_fitted() {
    let only_real: Vec<_> = (0..20).map(|i| (person(i), false)).collect();
    assert!(fit(&only_real, 1.0, 0.96).is_none());
}

#[test]
fn scores_by_hand() {
    // 3 true positives, 1 false positive, 5 true negatives, 1 false negative.
    let pairs = [(true, true), (true, true), (true, true), (true, false), (false, true)]
        .into_iter()
        .chain(std::iter::repeat_n((false, false), 5));
    let s = scores(pairs);
    assert_eq!(s.precision, 0.75);
    assert_eq!(s.recall, 0.75);
    assert!((s.specificity - 5.0 / 6.0).abs() < 1e-12);
    assert_eq!(s.f1, 0.75);
    assert_eq!(s.accuracy, 0.8);
}

#[test]
fn means_come_from_known_values_only() {
    // Half the accounts have no follower count: the mean of log followers is that of the others.
    let mut data = population();
    for (i, d) in data.iter_mut().enumerate() {
        if i % 2 == 0 {
            d.0.followers = None;
        }
    }
    let model = fit(&data, 1.0, 0.96).unwrap();
    let known: Vec<f64> = data.iter().filter_map(|(p, _)| p.followers).map(|f| (1.0 + f as f64).ln()).collect();
    let expected = known.iter().sum::<f64>() / known.len() as f64;
    assert!((model.means[0] - expected).abs() < 1e-12, "{} vs {expected}", model.means[0]);
}

#[test]
fn username_features_count_characters_and_digits_without_the_at() {
    let p = FollowerProfile { followers: Some(7), ..Default::default() }.with_username("@user8392");
    // "user8392": 8 characters, of which 8, 3, 9, 2 are digits.
    assert_eq!((p.username_length, p.username_digits), (Some(8), Some(4)));
    assert_eq!(p.followers, Some(7), "the other fields are kept");
    // Characters, not bytes: "zoë_2" is 5 characters (6 bytes), one digit.
    let q = FollowerProfile::default().with_username("zoë_2");
    assert_eq!((q.username_length, q.username_digits), (Some(5), Some(1)));
}
