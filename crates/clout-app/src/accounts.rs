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

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use clout_core::Timestamp;
use sha2::Digest;

pub use clout_store::{ListRow, RejectRow, TokenRow};

use clout_store::{AccountStore, ChannelStore, ImportStore};

use crate::campaigns::Actor;
use crate::channels::{ChannelView, parse_channel_ref, view};
use crate::{App, Error, Result};

mod policy;

use policy::MAX_PASSWORD_BYTES;
pub use policy::{MIN_PASSWORD_CHARS, weakness as password_weakness};

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

impl App {
    /// No account exists yet: the first visitor creates the admin.
    pub fn needs_setup(&self) -> Result<bool> {
        Ok(self.store.user_count()? == 0)
    }

    /// Creates the first account, an admin. Refused once any account exists.
    pub fn setup_admin(&mut self, username: &str, password: &str, now: Timestamp) -> Result<User> {
        validate_username(username)?;
        policy::check(password)?;
        let hash = hash_password(password)?;
        if !self.store.create_first_user(username, &hash, now)? {
            return Err(Error::Forbidden("the admin account exists already; sign in".to_string()));
        }
        self.store
            .user_by_name(username)?
            .map(user)
            .transpose()?
            .ok_or_else(|| Error::Internal("the new admin vanished".to_string()))
    }

    /// Creates an account (an admin's job, or the operator's).
    pub fn create_user(
        &mut self,
        by: Actor<'_>,
        username: &str,
        password: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<User> {
        by.require_account_admin()?;
        validate_username(username)?;
        policy::check(password)?;
        let hash = hash_password(password)?;
        let id = self.store.create_user(username, &hash, role.as_str(), now)?;
        Ok(User { id, username: username.to_string(), role, created_at: now, disabled: false, read_only: false })
    }

    /// Every account, disabled ones included.
    pub fn users(&self) -> Result<Vec<User>> {
        self.store.users()?.into_iter().map(user).collect()
    }

    /// One account (admins, or the operator).
    pub fn account(&self, by: Actor<'_>, username: &str) -> Result<User> {
        if let Actor::User(u) = by {
            u.require_admin()?;
        }
        self.user_named(username)
    }

    fn user_named(&self, username: &str) -> Result<User> {
        self.store
            .user_by_name(username.trim())?
            .map(user)
            .transpose()?
            .ok_or_else(|| Error::NotFound(format!("there is no user '{}'", username.trim())))
    }

    /// Applies an admin's change; the store refuses one that would leave no active admin.
    fn change_user(&mut self, target: &User, change: clout_store::UserChange<'_>, what: &str) -> Result<()> {
        if self.store.change_user(target.id, change)? {
            Ok(())
        } else {
            Err(Error::Conflict(format!(
                "{} is the last active admin and cannot be {what}: make another account an admin first",
                target.username
            )))
        }
    }

    /// Changes an account's role (admins only). The last active admin keeps theirs.
    pub fn set_role(&mut self, by: Actor<'_>, username: &str, role: Role) -> Result<User> {
        by.require_account_admin()?;
        let target = self.user_named(username)?;
        self.change_user(&target, clout_store::UserChange::Role(role.as_str()), "demoted")?;
        Ok(User { role, ..target })
    }

    /// Disables an account (admins only): it cannot sign in, its sessions end and its
    /// tokens stop working. The last active admin cannot be disabled.
    pub fn disable_user(&mut self, by: Actor<'_>, username: &str, now: Timestamp) -> Result<User> {
        by.require_account_admin()?;
        let target = self.user_named(username)?;
        self.change_user(&target, clout_store::UserChange::Disable(now), "disabled")?;
        Ok(User { disabled: true, ..target })
    }

    /// Enables a disabled account again (its old sessions stay ended).
    pub fn enable_user(&mut self, by: Actor<'_>, username: &str) -> Result<User> {
        by.require_account_admin()?;
        let target = self.user_named(username)?;
        self.change_user(&target, clout_store::UserChange::Enable, "enabled")?;
        Ok(User { disabled: false, ..target })
    }

    /// Deletes an account with its sessions and tokens (admins only); what it wrote stays,
    /// without an author. The last active admin cannot be deleted.
    pub fn delete_user(&mut self, by: Actor<'_>, username: &str) -> Result<()> {
        by.require_account_admin()?;
        let target = self.user_named(username)?;
        self.change_user(&target, clout_store::UserChange::Delete, "deleted")
    }

    /// Sets another account's password (admins only, or the operator); every session of
    /// that account ends.
    pub fn reset_password(&mut self, by: Actor<'_>, username: &str, password: &str) -> Result<()> {
        by.require_account_admin()?;
        let target = self.user_named(username)?;
        policy::check(password)?;
        let hash = hash_password(password)?;
        self.store.set_password(target.id, &hash, None)?;
        Ok(())
    }

    /// Changes one's own password, given the current one. Every other session of the
    /// account ends; `keep_session` (the session cookie making the change) stays.
    pub fn change_password(&mut self, by: &User, current: &str, new: &str, keep_session: Option<&str>) -> Result<()> {
        by.require_not_read_only()?;
        let row = self
            .store
            .user_by_id(by.id)?
            .ok_or_else(|| Error::NotFound(format!("there is no user '{}'", by.username)))?;
        if current.len() > MAX_PASSWORD_BYTES || !verify_password(current, &row.password_hash) {
            return Err(Error::Forbidden("the current password is wrong".to_string()));
        }
        policy::check(new)?;
        if new == current {
            return Err(Error::Invalid("the new password is the current one: choose another".to_string()));
        }
        let hash = hash_password(new)?;
        let keep = keep_session.map(secret_hash);
        self.store.set_password(by.id, &hash, keep.as_deref())?;
        Ok(())
    }

    /// Checks a password and starts a session; `None` for a wrong name or password
    /// (the caller must not say which).
    pub fn login(&mut self, username: &str, password: &str, now: Timestamp) -> Result<Option<NewSession>> {
        match self.check_password(username, password)? {
            Some(user) => self.start_session(&user, now).map(Some),
            None => Ok(None),
        }
    }

    /// The account whose password this is; `None` for a wrong name or password, or a
    /// disabled account. Reads only, so a server can run the (deliberately slow) hash
    /// away from its writer.
    pub fn check_password(&self, username: &str, password: &str) -> Result<Option<User>> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Ok(None);
        }
        let found = self.store.user_by_name(username)?;
        let Some(row) = found else {
            verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        if !verify_password(password, &row.password_hash) || row.disabled_at.is_some() {
            return Ok(None);
        }
        user(row).map(Some)
    }

    /// Starts a session for an account whose password was checked.
    pub fn start_session(&mut self, user: &User, now: Timestamp) -> Result<NewSession> {
        let token = random_secret()?;
        let csrf = random_secret()?;
        let expires = Timestamp::from_unix(now.unix() + SESSION_SECONDS);
        self.store.create_session(&secret_hash(&token), user.id, &csrf, now, expires)?;
        Ok(NewSession { user: user.clone(), token, csrf })
    }

    /// The account behind a session cookie, with the session's CSRF token.
    pub fn session_user(&self, token: &str, now: Timestamp) -> Result<Option<(User, String)>> {
        match self.store.session(&secret_hash(token), now)? {
            Some((row, csrf)) => Ok(Some((user(row)?, csrf))),
            None => Ok(None),
        }
    }

    pub fn logout(&mut self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&secret_hash(token))?)
    }

    /// Creates an API token for `by`; the secret is returned once and only its hash kept.
    /// Anyone may create a read-only token; a full one needs a role that writes. A token
    /// may expire after `expires_in_days` days.
    pub fn create_token(
        &mut self,
        by: &User,
        name: &str,
        scope: TokenScope,
        expires_in_days: Option<u32>,
        now: Timestamp,
    ) -> Result<(TokenRow, String)> {
        by.require_not_read_only()?;
        if scope == TokenScope::Full && !by.role.can_write() {
            return Err(Error::Forbidden(format!("{} is a viewer and can only create read-only tokens", by.username)));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::Invalid("a token needs a name of 1 to 100 characters".to_string()));
        }
        let expires_at = match expires_in_days {
            None => None,
            Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => {
                Some(Timestamp::from_unix(now.unix() + i64::from(d) * 86_400))
            }
            Some(_) => {
                return Err(Error::Invalid(format!("a token expires after 1 to {MAX_TOKEN_DAYS} days (or never)")));
            }
        };
        let secret = format!("clout_{}", random_secret()?);
        let prefix: String = secret.chars().take(12).collect();
        let id =
            self.store.create_token(by.id, name, &secret_hash(&secret), &prefix, scope.as_str(), now, expires_at)?;
        let row = TokenRow {
            id,
            user_id: by.id,
            username: by.username.clone(),
            name: name.to_string(),
            prefix,
            created_at: now,
            expires_at,
            scope: scope.as_str().to_string(),
        };
        Ok((row, secret))
    }

    /// One's own tokens (never the secrets).
    pub fn tokens(&self, of: &User) -> Result<Vec<TokenRow>> {
        Ok(self.store.tokens_of(of.id)?)
    }

    /// Every account's tokens (admins, or the operator).
    pub fn all_tokens(&self, by: Actor<'_>) -> Result<Vec<TokenRow>> {
        if let Actor::User(u) = by {
            u.require_admin()?;
        }
        Ok(self.store.all_tokens()?)
    }

    /// Revokes a token: one's own, or anyone's for an admin or the operator.
    pub fn revoke_token(&mut self, by: Actor<'_>, id: i64) -> Result<()> {
        if let Actor::User(u) = by {
            u.require_not_read_only()?;
        }
        let allowed = match (by, self.store.token(id)?) {
            (_, None) => false,
            (Actor::Operator(_), Some(_)) => true,
            (Actor::User(u), Some(t)) => t.user_id == u.id || u.is_admin(),
        };
        if allowed && self.store.delete_token(id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("you have no token {id}")))
        }
    }

    /// The account a live API token belongs to (not expired at `now`, account not
    /// disabled), read-only when the token is.
    pub fn token_user(&self, secret: &str, now: Timestamp) -> Result<Option<User>> {
        match self.store.token_user(&secret_hash(secret), now)? {
            Some((row, scope)) => {
                let mut u = user(row)?;
                u.read_only = scope != TokenScope::Full.as_str();
                Ok(Some(u))
            }
            None => Ok(None),
        }
    }
}

/// A channel on a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListEntry {
    pub channel: ChannelView,
    pub note: String,
    pub added_by: Option<String>,
    pub added_at: Timestamp,
}

const MAX_NOTE_CHARS: usize = 2000;

impl App {
    pub fn lists(&self) -> Result<Vec<ListRow>> {
        Ok(self.store.lists()?)
    }

    /// A list with its channels, in the order they were added.
    pub fn list(&self, id: i64, preset: clout_core::TierPreset) -> Result<(ListRow, Vec<ListEntry>)> {
        let row = self.store.list(id)?.ok_or_else(|| Error::NotFound(format!("there is no list {id}")))?;
        let members = self.store.list_members(id)?;
        let ids: Vec<i64> = members.iter().map(|m| m.channel.id).collect();
        let niches = self.store.niches_of_many(&ids)?;
        let entries = members
            .into_iter()
            .map(|m| {
                let labels = niches.get(&m.channel.id).cloned().unwrap_or_default();
                ListEntry {
                    channel: view(m.channel, preset, labels),
                    note: m.note,
                    added_by: m.added_by,
                    added_at: m.added_at,
                }
            })
            .collect();
        Ok((row, entries))
    }

    pub fn create_list(&mut self, by: &User, name: &str, now: Timestamp) -> Result<ListRow> {
        by.require_write()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::Invalid("a list needs a name of 1 to 100 characters".to_string()));
        }
        let id = self.store.create_list(name, Some(by.id), now)?;
        self.store.list(id)?.ok_or_else(|| Error::Internal("the new list vanished".to_string()))
    }

    pub fn delete_list(&mut self, by: &User, id: i64) -> Result<()> {
        by.require_write()?;
        if self.store.delete_list(id)? { Ok(()) } else { Err(Error::NotFound(format!("there is no list {id}"))) }
    }

    /// Puts `PLATFORM/HANDLE` on a list with a note (replacing the note when it is there).
    pub fn add_to_list(&mut self, by: &User, id: i64, channel: &str, note: &str, now: Timestamp) -> Result<()> {
        by.require_write()?;
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::Invalid(format!("a note has at most {MAX_NOTE_CHARS} characters")));
        }
        self.store.list(id)?.ok_or_else(|| Error::NotFound(format!("there is no list {id}")))?;
        let channel_id = self.channel_id(channel)?;
        Ok(self.store.put_list_member(id, channel_id, note.trim(), Some(by.id), now)?)
    }

    pub fn remove_from_list(&mut self, by: &User, id: i64, channel: &str) -> Result<()> {
        by.require_write()?;
        let channel_id = self.channel_id(channel)?;
        if self.store.delete_list_member(id, channel_id)? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("{channel} is not on list {id}")))
        }
    }

    fn channel_id(&self, reference: &str) -> Result<i64> {
        let (platform, handle) = parse_channel_ref(reference)?;
        self.store
            .channel_id(platform, handle.as_str())?
            .ok_or_else(|| Error::NotFound(format!("no channel {platform}/{handle} in the store")))
    }

    /// A list as CSV: one row per channel with its headline numbers and the note.
    pub fn list_csv(&self, id: i64) -> Result<String> {
        let (_, entries) = self.list(id, clout_core::TierPreset::Scrunch)?;
        let mut w = crate::csv_export::CsvExport::new();
        w.row([
            "platform",
            "handle",
            "name",
            "followers",
            "tier",
            "engagement_rate",
            "engagement_label",
            "engagement_index",
            "follower_growth_30d",
            "quality_score",
            "niches",
            "country",
            "email",
            "url",
            "note",
            "added_by",
            "added_at",
        ])?;
        let num = |m: Option<f64>| m.map(|v| format!("{v:.4}")).unwrap_or_default();
        for e in &entries {
            let r = &e.channel.row;
            let m = r.metrics.as_ref();
            w.row([
                r.platform.as_str().to_string(),
                r.handle.clone(),
                r.name.clone().unwrap_or_default(),
                r.followers.map(|f| f.to_string()).unwrap_or_default(),
                e.channel.tier.map(|t| t.as_str().to_string()).unwrap_or_default(),
                num(m.and_then(|m| m.engagement_rate.ok())),
                m.and_then(|m| m.engagement_label.ok()).map(|l| l.as_str().to_string()).unwrap_or_default(),
                num(m.and_then(|m| m.engagement_index.ok())),
                num(m.and_then(|m| m.follower_growth_30d.ok())),
                r.quality.map(|q| format!("{:.0}", q.score)).unwrap_or_default(),
                e.channel.niches.iter().map(|n| n.niche.as_str()).collect::<Vec<_>>().join(";"),
                r.country.clone().unwrap_or_default(),
                r.email.clone().unwrap_or_default(),
                r.url.clone().unwrap_or_default(),
                e.note.clone(),
                e.added_by.clone().unwrap_or_default(),
                e.added_at.unix().to_string(),
            ])?;
        }
        w.finish()
    }

    /// One import run.
    pub fn run(&self, id: i64) -> Result<clout_store::RunRecord> {
        self.store
            .runs()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::NotFound(format!("there is no import run {id}")))
    }

    /// An import run's rejected records with their reasons.
    pub fn rejects(&self, run: i64) -> Result<Vec<RejectRow>> {
        self.run(run)?;
        Ok(self.store.rejects_of(run)?)
    }
}

#[cfg(test)]
mod tests;
