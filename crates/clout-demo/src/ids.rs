//! Identities that must be unique without remembering what was generated: random
//! streams per channel, handles, and post ids.
//!
//! The generator streams channel by channel in constant memory, so it cannot keep a
//! set of handles already used. Instead every identifier is a bijective function of
//! something already unique (the channel index, the post number), dressed up to look
//! like what the platforms issue.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::vocab::{FIRST_NAMES, HANDLE_NUMBERS, HANDLE_WORDS, SURNAMES};

/// The golden-ratio increment used to spread consecutive indices apart.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser: a bijection on `u64` that scrambles every bit.
pub(crate) const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable hash of `(seed, index, salt)`.
pub(crate) fn hash3(seed: u64, index: u64, salt: u64) -> u64 {
    mix64(seed ^ mix64(index.wrapping_mul(GOLDEN) ^ salt))
}

/// A value in `[0, 1)` from a hash.
pub(crate) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The random stream for one purpose (`salt`) of one index. PCG is used rather than
/// `StdRng` because its output is fixed by its algorithm, not by the rand version, and
/// `same options ⇒ same bytes` must hold across dependency upgrades.
pub(crate) fn stream(seed: u64, index: u64, salt: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(hash3(seed, index, salt))
}

/// How many handle styles there are; see [`handle_base`].
pub(crate) const STYLES: usize = 8;

/// Styles whose second part is a surname rather than a niche word.
#[cfg(test)]
pub(crate) const SURNAME_STYLES: [usize; 2] = [6, 7];

/// The number of distinct (first name, style, word index) combinations. Handles take one
/// combination each, and only after all are used do numbers get appended.
pub(crate) const COMBOS: u64 = (FIRST_NAMES.len() * STYLES * HANDLE_WORDS) as u64;

/// How many surnames a surname style can choose from for one word index.
pub(crate) const SURNAMES_PER_SLOT: usize = SURNAMES.len() / HANDLE_WORDS;

/// The parts of a creator's handle, decided by its index alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HandleParts {
    pub(crate) first: usize,
    pub(crate) style: usize,
    pub(crate) word: usize,
    /// The combination number, which seeds the choice of trailing number.
    pub(crate) combo: u64,
    /// 0 for the first round of combinations, then 1, 2, …: a trailing number is added.
    pub(crate) round: u64,
}

impl HandleParts {
    /// The parts for creator `index`: an injective function of the index, so two
    /// creators never share all of them.
    pub(crate) fn for_index(seed: u64, index: u64) -> HandleParts {
        let round = index / COMBOS;
        // A keyed permutation of the combinations, so that a small world still uses
        // every style and name rather than the first few in table order.
        let combo = permute(index % COMBOS, COMBOS, hash3(seed, round, 0x4841_4e44_4c45));
        let first = (combo % FIRST_NAMES.len() as u64) as usize;
        let rest = combo / FIRST_NAMES.len() as u64;
        let style = (rest % STYLES as u64) as usize;
        let word = (rest / STYLES as u64) as usize;
        HandleParts { first, style, word, combo, round }
    }

    /// The surname this handle shows (for surname styles): `word` selects a slot of
    /// surnames so that different word indices never give the same surname.
    pub(crate) fn surname(&self, offset: usize) -> &'static str {
        SURNAMES[self.word * SURNAMES_PER_SLOT + offset % SURNAMES_PER_SLOT]
    }
}

/// Writes a handle's base (without trailing number). `x` selects the variant for X,
/// whose handles allow only letters, digits and underscores.
///
/// Unique because first names, niche words and surnames are disjoint sets of plain
/// lowercase words and every style has its own shape; `tests` checks every combination.
pub(crate) fn handle_base(out: &mut String, x: bool, first: &str, style: usize, word: &str, surname: &str) {
    let parts: [&str; 3] = match (x, style) {
        (false, 0) => [first, ".", word],
        (false, 1) | (true, 1) => [first, "_", word],
        (false, 2) => [word, ".", first],
        (false, 3) | (true, 3) => [word, "_", first],
        (false, 4) | (true, 0) => [first, "", word],
        (true, 2) => [word, "", first],
        (true, 4) => [word, "by", first],
        (_, 5) => [word, "with", first],
        (false, 6) => [first, ".", surname],
        (true, 6) => [first, "_", surname],
        _ => [first, "", surname],
    };
    for p in parts {
        out.push_str(p);
    }
}

/// Appends the trailing number of later rounds: injective in `round` for a given
/// combination, so handles of the same base still differ.
pub(crate) fn handle_suffix(out: &mut String, combo: u64, round: u64) {
    if round == 0 {
        return;
    }
    let k = round - 1;
    let table = HANDLE_NUMBERS.len() as u64;
    let number = if k < table {
        // Rotating the table by the combination keeps different handles from all
        // ending in the same number, and is still one-to-one in `k`.
        u64::from(HANDLE_NUMBERS[((k + combo * 7) % table) as usize])
    } else {
        // Larger than every table entry, so never equal to one.
        10_000 + k
    };
    if (combo + round).is_multiple_of(3) {
        out.push('_');
    }
    let mut digits = Vec::with_capacity(8);
    crate::json::push_u64(&mut digits, number);
    for d in digits {
        out.push(char::from(d));
    }
}

/// A keyed permutation of `0..n` (a small Feistel network with cycle walking).
pub(crate) fn permute(x: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return x;
    }
    let bits = 64 - (n - 1).leading_zeros();
    let half = bits.div_ceil(2).max(1);
    let mask = (1u64 << half) - 1;
    let mut v = x;
    loop {
        let mut left = v >> half;
        let mut right = v & mask;
        for round in 0..4u64 {
            let f = mix64(right ^ key ^ round.wrapping_mul(GOLDEN)) & mask;
            let next = left ^ f;
            left = right;
            right = next;
        }
        v = (left << half) | right;
        // Walking the cycle from a value below n always comes back below n.
        if v < n {
            return v;
        }
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// An 11-character id in the style of Instagram shortcodes and YouTube video ids,
/// one-to-one in `n` for a given `key`.
pub(crate) fn short_id(out: &mut String, key: u64, n: u64) {
    let v = mix64(key.wrapping_add(n));
    out.push(char::from(BASE64URL[(v >> 60) as usize]));
    for i in (0..10).rev() {
        out.push(char::from(BASE64URL[((v >> (i * 6)) & 63) as usize]));
    }
}

/// A numeric id in the style of TikTok (time in the high bits) or X (a snowflake):
/// unique per channel because the post number sits in the low 12 bits.
pub(crate) fn numeric_id(x_snowflake: bool, published_at: i64, noise: u64, n: u64) -> u64 {
    let low = ((noise & 0x3FF) << 12) | (n & 0xFFF);
    if x_snowflake {
        // Twitter's epoch, in milliseconds.
        let ms = (published_at.max(0) as u64 * 1000 + (noise >> 20) % 1000).saturating_sub(1_288_834_974_657);
        (ms << 22) | low
    } else {
        ((published_at.max(0) as u64 & 0xFFFF_FFFF) << 32) | ((noise >> 40) << 22 & 0xFFC0_0000) | low
    }
}
