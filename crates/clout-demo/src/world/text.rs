//! The words of a channel: its profile bio and its posts' captions and hashtags, from
//! the niche's vocabulary and phrases in the creator's language.

use rand_pcg::Pcg64Mcg;

use super::capitalize_at;
use super::channel::Channel;
use super::platform::Platform;
use super::random::{below, chance, pick};
use crate::vocab::{GENERIC_TAGS, NICHE_TABLE, SOCIAL_TEMPLATES, TEXT_TEMPLATES, VIDEO_TEMPLATES};

/// Writes a profile bio into `out`.
pub(super) fn bio(out: &mut String, rng: &mut Pcg64Mcg, ch: &Channel<'_>, with_email: bool) {
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
pub(super) fn caption(
    out: &mut String,
    rng: &mut Pcg64Mcg,
    ch: &Channel<'_>,
    niche: usize,
    brand: Option<&str>,
    sponsored: bool,
) {
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
pub(super) fn hashtags(
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

/// What a few creators write that a brand-safety screening flags, by theme: drinks,
/// gambling, swearing, politics, health claims (each phrase holds a term of the default
/// list, `clout safety list --default`).
const UNSAFE: [&[&str]; 5] = [
    &[
        "Tequila shots with the crew tonight",
        "Cold beer after a long day",
        "Happy hour cocktails, who is in?",
        "Hangover cure anyone?",
    ],
    &["Placed a few sports bets on tonight's game", "Poker night with friends", "Hit the jackpot at the casino!"],
    &["Holy shit, what a week", "This traffic is bullshit", "wtf is this weather"],
    &["Go vote in the election", "My take on politics today", "Watching the campaign rally"],
    &["This tea is a miracle cure", "Detox your liver in 3 days", "Boost your immune system naturally"],
];

/// One channel in twenty has a theme of [`UNSAFE`] and writes one of its phrases in about a
/// quarter of its posts: decided by hashing the channel's key and the post's number, so the
/// rest of the world (drawn from the random stream) is as it was without them.
pub(super) fn unsafe_aside(out: &mut String, key: u64, n: u64) {
    let channel = crate::ids::mix64(key ^ 0x5afe_0b5e_55ed_0001);
    if !channel.is_multiple_of(20) {
        return;
    }
    let phrases = UNSAFE[((channel / 20) % UNSAFE.len() as u64) as usize];
    let post = crate::ids::mix64(key.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n);
    if !post.is_multiple_of(4) {
        return;
    }
    end_sentence(out);
    out.push(' ');
    out.push_str(phrases[((post / 4) % phrases.len() as u64) as usize]);
}
