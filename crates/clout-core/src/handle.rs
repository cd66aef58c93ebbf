//! A channel's handle on its platform.

use std::fmt;

#[cfg(test)]
mod tests;

/// A handle, lowercased and without the leading `@`: the interchange format compares
/// handles case-insensitively and ignores the `@`, so the normal form is the identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Handle(String);

/// Why a raw handle was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidHandle {
    Empty,
    Whitespace,
    TooLong,
    /// A control, format (zero-width, bidi) or other invisible character: two handles that
    /// look the same must be the same handle.
    Invisible(char),
    /// `/`, `\` or a handle that is only dots: no platform has them, and they would
    /// change the meaning of a link.
    Reserved,
}

impl fmt::Display for InvalidHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidHandle::Empty => "handle is empty",
            InvalidHandle::Whitespace => "handle contains whitespace",
            InvalidHandle::TooLong => "handle is longer than 200 characters",
            InvalidHandle::Invisible(c) => {
                return write!(f, "handle contains the invisible or control character U+{:04X}", *c as u32);
            }
            InvalidHandle::Reserved => "handle contains '/' or '\\', or is only dots",
        })
    }
}

impl std::error::Error for InvalidHandle {}

impl Handle {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Handle, InvalidHandle> {
        let trimmed = raw.trim();
        let bare = trimmed.strip_prefix('@').unwrap_or(trimmed);
        if bare.is_empty() {
            return Err(InvalidHandle::Empty);
        }
        if bare.chars().any(char::is_whitespace) {
            return Err(InvalidHandle::Whitespace);
        }
        if bare.len() > Handle::MAX_CHARS && bare.chars().count() > Handle::MAX_CHARS {
            return Err(InvalidHandle::TooLong);
        }
        if bare.contains(['/', '\\']) || bare.bytes().all(|b| b == b'.') {
            return Err(InvalidHandle::Reserved);
        }
        // Most handles are ASCII: check and lowercase them in one pass without Unicode tables.
        if bare.is_ascii() {
            if let Some(c) = bare.chars().find(char::is_ascii_control) {
                return Err(InvalidHandle::Invisible(c));
            }
            return Ok(Handle(bare.to_ascii_lowercase()));
        }
        if let Some(c) = bare.chars().find(|&c| is_invisible(c)) {
            return Err(InvalidHandle::Invisible(c));
        }
        // One spelling per handle: `é` as one code point (NFC) or as `e` and a combining
        // accent (NFD) is the same channel.
        use unicode_normalization::UnicodeNormalization;
        Ok(Handle(bare.to_lowercase().nfc().collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that render as nothing or reorder text: controls (Unicode category Cc),
/// format characters (Cf: zero-width spaces and joiners, bidi marks, overrides and
/// isolates, the byte order mark, tag characters), and the invisible fillers and
/// separators of other categories.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c as u32,
            0x00AD
                | 0x034F
                | 0x0600..=0x0605
                | 0x061C
                | 0x06DD
                | 0x070F
                | 0x0890..=0x0891
                | 0x08E2
                | 0x115F..=0x1160
                | 0x17B4..=0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFFB
                | 0x110BD
                | 0x110CD
                | 0x13430..=0x1343F
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
