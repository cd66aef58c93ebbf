//! Which passwords Clout accepts: at least [`MIN_PASSWORD_CHARS`] characters (OWASP ASVS
//! 4.0.3, 2.1.1, level 1), not one of the 49,233 most common passwords (the list of
//! zxcvbn-ts, `data/common-passwords.txt`, MIT: see `data/common-passwords.LICENSE`),
//! not such a password with digits or symbols added at the end (`password1234!`), and not
//! a pattern the list misses: one character or a short run repeated (`aaaaaaaaaaaa`,
//! `abcabcabcabc`), digits only, or a straight sequence (`abcdefghijkl`, `987654321098`).
//! No composition rules (NIST SP 800-63B and ASVS 2.1.9 advise against them).

use std::sync::OnceLock;

use crate::{Error, Result};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The most bytes a password may have (argon2 hashes any length; this bounds the work).
pub(crate) const MAX_PASSWORD_BYTES: usize = 1024;

const COMMON: &str = include_str!("../../data/common-passwords.txt");

fn common() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    // The file is sorted (byte order), so a lookup is a binary search.
    LIST.get_or_init(|| COMMON.lines().filter(|l| !l.is_empty()).collect())
}

/// Whether `password` (compared in lowercase) is on the common-password list.
pub(crate) fn is_common(password: &str) -> bool {
    common().binary_search(&password.to_lowercase().as_str()).is_ok()
}

/// Why a password is refused, in words fit for the person choosing it; `None` when it
/// is acceptable.
pub fn weakness(password: &str) -> Option<String> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!("a password has at most {MAX_PASSWORD_BYTES} bytes"));
    }
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ');
    if is_common(&lower) || (stem.chars().count() >= 4 && is_common(stem)) {
        return Some(
            "this password is one of the most common passwords (or one with digits added), which are guessed first: choose another, such as a few unrelated words".to_string(),
        );
    }
    let chars: Vec<char> = lower.chars().collect();
    if !chars.is_empty() && chars.iter().all(|c| c.is_ascii_digit()) && chars.len() < 20 {
        return Some("a password of digits only is guessed quickly: add words".to_string());
    }
    if repeats_a_short_run(&chars) || is_sequence(&chars) {
        return Some("a password that repeats or counts characters (aaaa, abcabc, 1234, abcd) is guessed quickly: choose another".to_string());
    }
    if chars.len() < MIN_PASSWORD_CHARS {
        return Some(format!("a password needs at least {MIN_PASSWORD_CHARS} characters"));
    }
    None
}

/// Refuses a weak password with [`Error::Invalid`].
pub(crate) fn check(password: &str) -> Result<()> {
    match weakness(password) {
        Some(why) => Err(Error::Invalid(why)),
        None => Ok(()),
    }
}

/// The whole password is one run of at most 4 characters, repeated.
fn repeats_a_short_run(chars: &[char]) -> bool {
    (1..=4).any(|period| chars.len() >= 2 * period && chars.iter().enumerate().all(|(i, c)| *c == chars[i % period]))
}

/// Every character is the one before it plus one (or minus one), digits wrapping at 9/0.
fn is_sequence(chars: &[char]) -> bool {
    if chars.len() < 4 {
        return false;
    }
    let step = |a: char, b: char| -> i32 {
        let d = b as i32 - a as i32;
        if a.is_ascii_digit() && b.is_ascii_digit() && d.abs() == 9 { -d.signum() } else { d }
    };
    let first = step(chars[0], chars[1]);
    (first == 1 || first == -1) && chars.windows(2).all(|w| step(w[0], w[1]) == first)
}
