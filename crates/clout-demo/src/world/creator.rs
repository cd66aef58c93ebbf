//! The person behind one or two channels: name, handle, niches, country, language,
//! city, main platform, follower count and business email, drawn from the creator's
//! own random stream; and which channels are a creator's second.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::platform::{PLATFORM_WEIGHTS, PLATFORMS, Platform};
use super::random::{below, chance, pareto, pick, weighted};
use super::{SALT_CREATOR, SALT_PAIR, capitalize_at};
use crate::ids::{self, HandleParts};
use crate::vocab::{self, AGENCIES, COUNTRIES, FIRST_NAMES, NICHE_TABLE, PHRASES};

/// The smallest follower count drawn for a creator's main channel: about a fifth of
/// channels are under 1,000 followers (no tier), most are nano or micro.
const MIN_FOLLOWERS: f64 = 800.0;
/// The largest follower count drawn.
pub(super) const MAX_FOLLOWERS: f64 = 20_000_000.0;

/// How often an odd-numbered channel is the second channel of the creator before it.
/// Secondaries are 13 % of channels, so about 15 % of creators have two.
const SECOND_CHANNEL: f64 = 0.26;

const COUNTRY_WEIGHTS: [f64; COUNTRIES.len()] = {
    let mut out = [0.0; COUNTRIES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = COUNTRIES[i].weight;
        i += 1;
    }
    out
};

/// Whether channel `index` is the second channel of the creator of channel `index - 1`.
/// Only odd indices can be, so pairs never overlap.
pub(super) fn is_second(seed: u64, index: u64) -> bool {
    index % 2 == 1 && ids::unit(ids::hash3(seed, index, SALT_PAIR)) < SECOND_CHANNEL
}

/// The person behind one or two channels.
pub(super) struct Creator {
    pub(super) root: u64,
    parts: HandleParts,
    surname: &'static str,
    pub(super) niche: usize,
    pub(super) second_niche: Option<usize>,
    pub(super) country: Option<usize>,
    pub(super) language: Option<&'static str>,
    pub(super) city: &'static str,
    pub(super) platform: Platform,
    /// Follower count on the main platform.
    pub(super) followers: f64,
    /// Display name, as written on the profile.
    pub(super) name: String,
    pub(super) email: String,
}

impl Creator {
    pub(super) fn new(seed: u64, root: u64) -> Creator {
        let mut rng = ids::stream(seed, root, SALT_CREATOR);
        let parts = HandleParts::for_index(seed, root);
        let surname = parts.surname(below(&mut rng, ids::SURNAMES_PER_SLOT));
        let first = FIRST_NAMES[parts.first];

        // The handle's word index is fixed by the creator's index, the word itself
        // comes from the niche, so that handles match what the creator posts about.
        let niche = below(&mut rng, NICHE_TABLE.len());
        let second_niche = chance(&mut rng, 0.25).then(|| {
            let other = below(&mut rng, NICHE_TABLE.len() - 1);
            if other >= niche { other + 1 } else { other }
        });

        let (country, language) = if chance(&mut rng, 0.06) {
            (None, chance(&mut rng, 0.5).then_some("en"))
        } else {
            let c = weighted(&mut rng, &COUNTRY_WEIGHTS);
            let info = &COUNTRIES[c];
            let mut lang = info.language;
            if let Some((other, p)) = info.other_language
                && chance(&mut rng, p)
            {
                lang = other;
            }
            if lang != "en" && chance(&mut rng, 0.10) {
                // Many creators outside English-speaking countries write in English,
                // for a wider audience.
                lang = "en";
            }
            (Some(c), Some(lang))
        };
        let city = match country {
            Some(c) => pick(&mut rng, COUNTRIES[c].cities),
            None => "",
        };

        let platform = PLATFORMS[weighted(&mut rng, &PLATFORM_WEIGHTS)];
        let followers = pareto(&mut rng, MIN_FOLLOWERS, MAX_FOLLOWERS, platform.model().alpha);

        let mut name = String::with_capacity(32);
        let niche_info = &NICHE_TABLE[niche];
        let shape = rng.random::<f64>();
        name.push_str(first);
        capitalize_at(&mut name, 0);
        if shape < 0.65 {
            name.push(' ');
            let start = name.len();
            name.push_str(surname);
            capitalize_at(&mut name, start);
        } else if shape < 0.85 {
            name.push_str(" | ");
            name.push_str(pick(&mut rng, niche_info.roles));
        }

        let mut creator = Creator {
            root,
            parts,
            surname,
            niche,
            second_niche,
            country,
            language,
            city,
            platform,
            followers,
            name,
            email: String::new(),
        };
        creator.email = creator.make_email(&mut rng);
        creator
    }

    /// Writes the creator's handle for a platform: the same on every platform, except
    /// that X does not allow dots.
    pub(super) fn handle(&self, out: &mut String, x: bool) {
        let parts = self.parts;
        ids::handle_base(
            out,
            x,
            FIRST_NAMES[parts.first],
            parts.style,
            NICHE_TABLE[self.niche].words[parts.word],
            self.surname,
        );
        ids::handle_suffix(out, parts.combo, parts.round);
    }

    fn make_email(&self, rng: &mut Pcg64Mcg) -> String {
        let first = FIRST_NAMES[self.parts.first];
        let surname = self.surname;
        let mut email = String::with_capacity(48);
        match below(rng, 5) {
            0 => {
                self.handle(&mut email, false);
                email.push_str("@gmail.com");
            }
            1 => {
                let mut handle = String::with_capacity(32);
                self.handle(&mut handle, false);
                email.push_str("hello@");
                email.extend(handle.chars().filter(char::is_ascii_alphanumeric));
                email.push_str(".com");
            }
            2 => {
                email.push_str(first);
                email.push('.');
                email.push_str(surname);
                email.push_str("@outlook.com");
            }
            3 => {
                email.push_str(first);
                email.push('.');
                email.push_str(surname);
                email.push('@');
                email.push_str(pick(rng, AGENCIES));
                email.push_str(".com");
            }
            _ => {
                email.push_str(first);
                email.push_str(surname);
                email.push_str(".collabs@gmail.com");
            }
        }
        email
    }

    pub(super) fn phrases(&self) -> &'static vocab::Phrases {
        let lang = self.language.unwrap_or("en");
        PHRASES.iter().find(|p| p.language == lang).unwrap_or(&PHRASES[0])
    }
}
