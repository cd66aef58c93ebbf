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
    let model = fit(&population(), 1.0, 0.96, &ALL).unwrap();
    let v = model.judge(&bot(100));
    assert!(v.fake && v.fake_probability > 0.9, "{v:?}");
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.as_str()).collect();
    assert!(!texts.is_empty() && v.reasons.iter().all(|r| r.contribution > 0.0), "{v:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("follows far more") || t.contains("follows many") || t.contains("few followers")),
        "{texts:?}"
    );
    let v = model.judge(&person(7));
    assert!(!v.fake && v.fake_probability < 0.1, "{v:?}");
    assert_eq!(v.reasons[0].feature, "type", "a real verdict starts with its type");
    assert!(v.reasons[1..].iter().all(|r| r.contribution < 0.0));
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
    let model = fit(&data, 1.0, 0.96, &ALL).unwrap();
    let s = scores(data.iter().map(|(p, fake)| (model.judge(p).fake, *fake)));
    assert!(s.specificity >= 0.96, "{s:?}");
}

#[test]
fn unknown_values_take_the_mean_and_move_nothing() {
    let model = fit(&population(), 1.0, 0.96, &ALL).unwrap();
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
    assert!(fit(&only_real, 1.0, 0.96, &ALL).is_none());
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
    let model = fit(&data, 1.0, 0.96, &ALL).unwrap();
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

#[test]
fn types_follow_their_definitions_and_only_suspicious_is_a_verdict() {
    let of = |followers, following, posts| {
        profile_type(&FollowerProfile {
            followers: Some(followers),
            following: Some(following),
            posts: Some(posts),
            ..Default::default()
        })
        .0
    };
    assert_eq!(of(5_000, 300, 40), AudienceType::Influencer);
    assert_eq!(of(4_999, 300, 40), AudienceType::Real);
    assert_eq!(of(300, 1_500, 40), AudienceType::MassFollower);
    assert_eq!(of(300, 1_499, 40), AudienceType::Real);
    // Inactive: at most 5 posts and fewer than 200 followers.
    assert_eq!(of(199, 150, 5), AudienceType::Inactive);
    assert_eq!(of(200, 150, 5), AudienceType::Real);
    assert_eq!(of(199, 150, 6), AudienceType::Real);
    // Unknown posts never make an account inactive.
    let unknown = FollowerProfile { followers: Some(12), following: Some(40), ..Default::default() };
    assert_eq!(profile_type(&unknown).0, AudienceType::Real);

    let model = fit(&population(), 1.0, 0.96, &TRANSFER).unwrap();
    let v = model.judge(&bot(3));
    assert_eq!((v.kind, v.fake), (AudienceType::Suspicious, true), "{v:?}");
    // A quiet person: 2 posts, 40 followers, follows 90, has a picture, a plain name.
    let quiet = FollowerProfile {
        followers: Some(40),
        following: Some(90),
        posts: Some(2),
        has_profile_pic: Some(true),
        is_private: Some(false),
        bio_length: Some(0),
        ..Default::default()
    }
    .with_username("maria.lopes");
    let v = model.judge(&quiet);
    assert_eq!((v.kind, v.fake), (AudienceType::Inactive, false), "{v:?}");
    assert!(v.reasons[0].text.contains("inactive"), "{v:?}");
    // The probabilities: the suspicious chance and the rest on the type by definition.
    let p = |t: AudienceType| v.probabilities.iter().find(|x| x.0 == t).unwrap().1;
    assert!((p(AudienceType::Suspicious) - v.fake_probability).abs() < 1e-12);
    assert!((p(AudienceType::Inactive) - (1.0 - v.fake_probability)).abs() < 1e-12);
    assert_eq!(p(AudienceType::Real) + p(AudienceType::Influencer) + p(AudienceType::MassFollower), 0.0);
}

#[test]
fn the_transfer_model_ignores_how_active_an_account_is() {
    // The bots of `population` have few posts and few followers, the people many: a model
    // on every feature learns "few posts" as a mark of a bot; the transfer model cannot.
    let model = fit(&population(), 1.0, 0.96, &TRANSFER).unwrap();
    for (i, (name, _)) in FEATURES.iter().enumerate() {
        let used = model.coefficients[i] != 0.0;
        assert!(!used || TRANSFER[i], "{name} is used");
    }
    let quiet = |posts| FollowerProfile { posts: Some(posts), ..person(4) };
    assert_eq!(model.probability(&quiet(0)), model.probability(&quiet(500)));
}

#[test]
fn a_mark_of_bought_accounts_that_points_the_wrong_way_is_dropped() {
    // In this population the bots all have a picture and the people none: fitted freely,
    // "no profile picture" would count for a real account. Its sign is fixed, so it goes.
    let data: Vec<(FollowerProfile, bool)> = population()
        .into_iter()
        .map(|(p, fake)| (FollowerProfile { has_profile_pic: Some(fake), ..p }, fake))
        .collect();
    let model = fit(&data, 1.0, 0.96, &TRANSFER).unwrap();
    assert_eq!(model.coefficients[4], 0.0, "{model:?}");
    assert!(model.coefficients[9] > 0.0, "unreciprocated follows stay: {model:?}");
}

#[test]
fn roc_auc_by_hand() {
    // Fakes at 0.9 and 0.4, reals at 0.5, 0.4 and 0.1: of the 6 pairs, the 0.9 fake beats
    // all three reals, the 0.4 fake beats 0.1, ties with 0.4 (half) and loses to 0.5:
    // (3 + 1.5) / 6 = 0.75.
    let pairs = [(0.9, true), (0.4, true), (0.5, false), (0.4, false), (0.1, false)];
    assert_eq!(roc_auc(&pairs), Some(0.75));
    assert_eq!(roc_auc(&[(0.3, true)]), None);
}

#[test]
fn the_suspicious_share_corrects_for_the_error_rates_by_hand() {
    // 30 of 100 sampled followers called suspicious by a classifier with sensitivity 0.8 and
    // specificity 0.95: π = (0.30 + 0.95 − 1) / (0.8 + 0.95 − 1) = 0.25 / 0.75 = 0.3333.
    // Wilson 95 % for 30/100: 0.218948–0.395850; mapped the same way: 0.225263–0.461134.
    let s = suspicious_share(30, 100, Some(0.8), Some(0.95));
    assert!(s.corrected);
    assert!((s.share - 1.0 / 3.0).abs() < 1e-9, "{s:?}");
    assert!((s.low - 0.225263).abs() < 1e-6, "{s:?}");
    assert!((s.high - 0.461134).abs() < 1e-6, "{s:?}");
    // A clean audience: 4 of 100 flagged is fewer than the 5 % false alarms: 0, not 4 %.
    assert_eq!(suspicious_share(4, 100, Some(0.8), Some(0.95)).share, 0.0);
    // Without error rates, the naive count.
    let naive = suspicious_share(30, 100, None, None);
    assert!(!naive.corrected && (naive.share - 0.3).abs() < 1e-12);
}

#[test]
fn cross_validation_reports_figures_per_type() {
    let mut data = population();
    // Quiet real people: few posts, few followers.
    data.extend((0..20).map(|i| {
        (FollowerProfile { followers: Some(30 + i), following: Some(80 + i), posts: Some(i % 4), ..person(i) }, false)
    }));
    let cv = cross_validate(&data, 1.0, 0.96, &TRANSFER, 5).unwrap();
    let inactive = cv.by_type.iter().find(|t| t.kind == AudienceType::Inactive).unwrap();
    assert_eq!(inactive.real, 20);
    assert_eq!(inactive.specificity, Some(1.0), "{cv:?}");
    assert!(cv.scores.recall > 0.9 && cv.auc.unwrap() > 0.95, "{cv:?}");
}

#[test]
fn the_type_a_recompute_counts_is_the_type_a_verdict_gives() {
    // Bots, people, influencers, mass followers, quiet accounts and unknown counts.
    let model = fit(&population(), 1.0, 0.96, &ALL).unwrap();
    let mut profiles: Vec<FollowerProfile> = population().into_iter().map(|(p, _)| p).collect();
    profiles.push(FollowerProfile { followers: Some(12_000), following: Some(300), posts: Some(400), ..person(1) });
    profiles.push(FollowerProfile { followers: Some(90), following: Some(4_000), posts: Some(10), ..person(2) });
    profiles.push(FollowerProfile { followers: Some(40), following: Some(120), posts: Some(2), ..person(3) });
    profiles.push(FollowerProfile { followers: None, following: None, posts: None, ..person(4) });
    let kinds: std::collections::BTreeSet<AudienceType> = profiles.iter().map(|p| model.kind(p)).collect();
    assert!(kinds.len() >= 4, "the cases cover most types: {kinds:?}");
    for p in &profiles {
        assert_eq!(model.kind(p), model.judge(p).kind, "{p:?}");
        assert_eq!(profile_kind(p), profile_type(p).0, "{p:?}");
    }
}
