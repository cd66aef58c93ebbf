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
}

impl fmt::Display for InvalidHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidHandle::Empty => "handle is empty",
            InvalidHandle::Whitespace => "handle contains whitespace",
            InvalidHandle::TooLong => "handle is longer than 200 characters",
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
        // Most handles are ASCII: lowercase them in one pass without Unicode tables.
        if bare.is_ascii() { Ok(Handle(bare.to_ascii_lowercase())) } else { Ok(Handle(bare.to_lowercase())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
