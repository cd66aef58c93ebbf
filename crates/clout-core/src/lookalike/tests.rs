use super::*;

fn profile(id: i64, followers: u64, niches: &[(&str, f64)], tags: &[&str]) -> Profile {
    Profile {
        channel_id: id,
        followers: Some(followers),
        niches: niches.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
        hashtags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

#[test]
fn the_parts_by_hand() {
    let of = profile(1, 10_000, &[("vegan", 0.8), ("food", 0.2)], &["vegan", "plantbased"]);
    let twin = profile(2, 10_000, &[("vegan", 0.8), ("food", 0.2)], &["vegan", "plantbased"]);
    // Niches: Σmin = min(0.8, 0.6) + min(0.2, 0) = 0.6; Σmax = 0.8 + 0.2 = 1.0 → 0.6.
    // Hashtags: {vegan} of {vegan, plantbased} → 1/2. Size: 100,000 vs 10,000 → e^-1.
    let bigger = profile(3, 100_000, &[("vegan", 0.6)], &["vegan"]);
    let stranger = profile(4, 10_000, &[("gaming", 0.9)], &["gaming"]);
    let found = lookalikes(&of, &[of.clone(), twin, bigger, stranger], 10);
    assert_eq!(found.len(), 2, "itself and the stranger are left out");
    assert_eq!(found[0].channel_id, 2);
    assert!((found[0].similarity - 1.0).abs() < 1e-12);
    let b = &found[1];
    assert_eq!(b.channel_id, 3);
    assert!((b.niches - 0.6).abs() < 1e-12);
    assert!((b.hashtags - 0.5).abs() < 1e-12);
    assert!((b.size - (-1f64).exp()).abs() < 1e-12);
    assert!((b.similarity - (0.5 * 0.6 + 0.3 * 0.5 + 0.2 * (-1f64).exp())).abs() < 1e-12);
}

#[test]
fn ties_order_by_channel_id_and_the_limit_holds() {
    let of = profile(1, 5_000, &[("food", 1.0)], &[]);
    let candidates: Vec<Profile> = (10..20).rev().map(|id| profile(id, 5_000, &[("food", 1.0)], &[])).collect();
    let found = lookalikes(&of, &candidates, 3);
    let ids: Vec<i64> = found.iter().map(|l| l.channel_id).collect();
    assert_eq!(ids, [10, 11, 12]);
}
