//! Accounts and what they may do, sessions, API tokens, and saved lists of channels.
//!
//! Roles are checked here, never in the edges: a viewer reads; a member writes; an admin
//! also manages accounts (the last active admin cannot be demoted, disabled or deleted).
//! A read-only API token reads only, whatever its user's role. Passwords follow
//! [`policy`].
//!
//! Passwords are hashed with argon2id (the crate's defaults: 19 MiB, 2 passes, OWASP's
//! recommendation). Session and API tokens are 32 random bytes; only their SHA-256 is
//! stored, so a copy of the database does not let anyone in.
//!
//! Here: roles, token scopes, the signed-in [`User`] and the checks on what it may do,
//! and the secrets (random tokens, their hashes, password hashing). What the
//! [`App`](crate::App) does with them is in `users` (an admin managing accounts),
//! `sessions` (passwords, signing in and out), `limiter` (failed sign-ins, counted in
//! the store), `tokens` (API tokens) and `lists` (saved
//! lists of channels); `runs` reads an import run and its rejected records.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use clout_core::Timestamp;
use sha2::Digest;

pub use clout_store::{ListRow, RejectRow, TokenRow};

use crate::{Error, Result};

mod limiter;
mod lists;
mod policy;
mod runs;
mod sessions;
mod shared;
mod tokens;
mod users;

pub use limiter::{ADDRESS_ATTEMPTS, LOGIN_ATTEMPTS, LOGIN_WINDOW_SECONDS};
pub use lists::ListEntry;
pub use policy::{MIN_PASSWORD_CHARS, weakness as password_weakness};
pub use shared::{MAX_SHARE_DAYS, SHARE_DAYS, timezone_name, timezones};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything; changes nothing but their own password and read-only tokens.
    Viewer,
    /// Reads and writes data: imports, lists, own API tokens.
    Member,
    /// A member who also manages accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Member, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn can_write(self) -> bool {
        self >= Role::Member
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Whatever its user's role allows.
    Full,
    /// Reads only, whatever its user's role.
    Read,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Full => "full",
            TokenScope::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "full" => Some(TokenScope::Full),
            "read" | "read-only" => Some(TokenScope::Read),
            _ => None,
        }
    }
}

/// A signed-in account (by a session or an API token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub created_at: Timestamp,
    /// Disabled by an admin (only seen in an admin's list: a disabled account cannot sign in).
    pub disabled: bool,
    /// Signed in with a read-only API token: may read only, whatever the role.
    pub read_only: bool,
    /// The IANA timezone the user reads dates in; `None`: UTC.
    pub timezone: Option<String>,
}

impl User {
    /// Refuses a viewer, and anyone signed in with a read-only token.
    pub fn require_write(&self) -> Result<()> {
        if self.read_only {
            Err(Error::Forbidden("this API token is read-only and cannot change anything".to_string()))
        } else if self.role.can_write() {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("{} is a viewer and cannot change anything", self.username)))
        }
    }

    /// Refuses anyone but an admin (a read-only token of an admin may still read).
    pub fn require_admin(&self) -> Result<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden("only an admin can manage accounts".to_string()))
        }
    }

    /// Refuses a read-only token (for what any role may change of its own: a password, tokens).
    fn require_not_read_only(&self) -> Result<()> {
        if self.read_only {
            Err(Error::Forbidden("this API token is read-only and cannot change anything".to_string()))
        } else {
            Ok(())
        }
    }

    /// The account as shown to its user (the credential's scope aside).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

impl Actor<'_> {
    /// An admin changing accounts (not through a read-only token), or the operator.
    fn require_account_admin(&self) -> Result<()> {
        match self {
            Actor::User(u) => {
                u.require_admin()?;
                u.require_not_read_only()
            }
            Actor::Operator(_) => Ok(()),
        }
    }
}

fn user(row: clout_store::UserRow) -> Result<User> {
    let role = Role::parse(&row.role).ok_or_else(|| Error::Internal(format!("unknown role '{}'", row.role)))?;
    Ok(User {
        id: row.id,
        username: row.username,
        role,
        created_at: row.created_at,
        disabled: row.disabled_at.is_some(),
        read_only: false,
        timezone: row.timezone,
    })
}

/// A new session: the cookie's secret and the token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub user: User,
    pub token: String,
    pub csrf: String,
}

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;

/// The longest a token may be made to last, in days (ten years); no expiry is allowed too.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// 32 random bytes as 64 hex digits.
pub fn random_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness from the OS: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a session or API token.
pub fn secret_hash(secret: &str) -> String {
    hex(&sha2::Sha256::digest(secret.as_bytes()))
}

fn validate_username(name: &str) -> Result<()> {
    let ok_len = (2..=40).contains(&name.chars().count());
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(Error::Invalid("a username has 2 to 40 characters: letters, digits, '_', '-', '.', '@'".to_string()))
    }
}

fn hash_password(password: &str) -> Result<String> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing the password: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => argon2::Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A hash nobody's password matches, verified for unknown names so that a wrong
/// username takes as long as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$VsN5hLX6K5oVtFiZ9ZAMc6WKs5Lv8pYcSGwd3mV1VXE";

/// Who is acting: a signed-in user (whose role is checked) or the operator of the command
/// line (who has the data directory, so may write).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a User),
    Operator(&'a str),
}

impl Actor<'_> {
    /// The name kept beside what it did.
    pub fn name(&self) -> String {
        match self {
            Actor::User(u) => u.username.clone(),
            Actor::Operator(name) => format!("cli:{name}"),
        }
    }

    pub(crate) fn require_write(&self) -> Result<()> {
        match self {
            Actor::User(u) => u.require_write(),
            Actor::Operator(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
