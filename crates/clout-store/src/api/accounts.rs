//! [`AccountStore`]: users, sessions, API tokens and saved lists, with the contract a
//! backend meets; implemented here for SQLite's [`Store`].

use clout_core::Timestamp;

use crate::{ListMember, ListRow, Result, SavedSearchRow, Store, TokenRow, UserChange, UserRow};

/// Accounts and what belongs to them. The store keeps what it is given: passwords arrive
/// hashed, session and API tokens as hashes of the secret (never the secret), and roles
/// and scopes as the app's strings; who may do what is decided above the store.
///
/// A session or token is *live* at `now` when it has not expired (its expiry is after
/// `now`; a token without one never expires) and its user is not disabled. Deleting a
/// user deletes their sessions and tokens; lists they created and channels they added
/// stay, without an author. Deleting a list deletes its entries.
pub trait AccountStore {
    /// How many users there are.
    fn user_count(&self) -> Result<u64>;

    /// Creates a user and returns its id; [`Error::Duplicate`](crate::Error::Duplicate)
    /// when the name is taken (ignoring ASCII case).
    fn create_user(&self, username: &str, password_hash: &str, role: &str, now: Timestamp) -> Result<i64>;

    /// Creates the first user, an admin, only when there is no user at all, the check and
    /// the insert in one write transaction: of two concurrent first-run forms one wins.
    /// `false` when a user exists.
    fn create_first_user(&mut self, username: &str, password_hash: &str, now: Timestamp) -> Result<bool>;

    /// A user by name (ignoring ASCII case).
    fn user_by_name(&self, username: &str) -> Result<Option<UserRow>>;

    /// Every user, by id.
    fn users(&self) -> Result<Vec<UserRow>>;

    fn user_by_id(&self, user_id: i64) -> Result<Option<UserRow>>;

    /// Applies an admin's change to an account (a role; disabling, which ends the user's
    /// sessions; enabling; deleting) unless it would leave no admin who is not disabled:
    /// then `false` and nothing changes. The check and the change are one write
    /// transaction, so two processes cannot each remove one of the last two admins.
    fn change_user(&mut self, user_id: i64, change: UserChange<'_>) -> Result<bool>;

    /// Replaces a user's password hash and ends their sessions except the one whose hash
    /// is `keep` (the session that made the change), in one transaction. `false` when
    /// there is no such user.
    fn set_password(&mut self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<bool>;

    /// Starts a session; sessions expired at `now` are deleted first.
    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;

    /// The user of a session live at `now`, with the session's CSRF token.
    fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>>;

    /// Ends a session (nothing when there is none).
    fn delete_session(&self, token_hash: &str) -> Result<()>;

    /// Stores a new API token (the hash of its secret, and the secret's first characters
    /// to recognise it by) and returns its id.
    #[allow(clippy::too_many_arguments)]
    fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        scope: &str,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<i64>;

    /// The user of a token live at `now`, with the token's scope.
    fn token_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>>;

    /// One user's tokens, oldest first (by id).
    fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>>;

    /// Every user's tokens, oldest first (by id).
    fn all_tokens(&self) -> Result<Vec<TokenRow>>;

    fn token(&self, token_id: i64) -> Result<Option<TokenRow>>;

    /// Revokes a token; `false` when there is no such token.
    fn delete_token(&self, token_id: i64) -> Result<bool>;

    /// Every saved list with its number of channels, by name ignoring ASCII case, then id.
    fn lists(&self) -> Result<Vec<ListRow>>;

    fn list(&self, id: i64) -> Result<Option<ListRow>>;

    /// Creates a list and returns its id; [`Error::Duplicate`](crate::Error::Duplicate)
    /// when the name is taken (ignoring ASCII case).
    fn create_list(&self, name: &str, created_by: Option<i64>, now: Timestamp) -> Result<i64>;

    /// Deletes a list with its entries; `false` when there is no such list.
    fn delete_list(&self, id: i64) -> Result<bool>;

    /// Puts a channel on a list, or, when it is there already, replaces its note only (who
    /// added it and when stay).
    fn put_list_member(
        &self,
        list_id: i64,
        channel_id: i64,
        note: &str,
        added_by: Option<i64>,
        now: Timestamp,
    ) -> Result<()>;

    /// Takes a channel off a list; `false` when it was not on it.
    fn delete_list_member(&self, list_id: i64, channel_id: i64) -> Result<bool>;

    /// A list's channels, with their metrics, in the order they were added.
    fn list_members(&self, list_id: i64) -> Result<Vec<ListMember>>;

    /// Sets (or, with `None`, clears) the IANA timezone a user reads dates in; `false`
    /// when there is no such user.
    fn set_timezone(&self, user_id: i64, timezone: Option<&str>) -> Result<bool>;

    /// Every saved Directory search, by name ignoring ASCII case, then id.
    fn saved_searches(&self) -> Result<Vec<SavedSearchRow>>;

    /// Saves a search under a name, or replaces the one of that name (ignoring ASCII
    /// case): its query, and who saved it and when; returns its id.
    fn save_search(&self, name: &str, query: &str, by: Option<i64>, now: Timestamp) -> Result<i64>;

    /// Deletes a saved search; `false` when there is none.
    fn delete_saved_search(&self, id: i64) -> Result<bool>;

    /// Counts one sign-in attempt under each of `keys`, each with its allowance per window
    /// of `window` seconds, unless any key has used up its allowance in its current window
    /// (which began less than `window` seconds before `now`): `false` then, and nothing is
    /// counted. A key whose window is over starts a new one at `now`. Atomic: attempts
    /// from several connections (several nodes) at once never get past an allowance.
    fn count_attempt(&mut self, keys: &[(&str, u32)], window: i64, now: Timestamp) -> Result<bool>;

    /// Takes back one attempt counted under `key` (when `clear`, every one: its window ends).
    fn forget_attempt(&self, key: &str, clear: bool) -> Result<()>;
}

/// SQLite: each method is the inherent one of the same name.
impl AccountStore for Store {
    fn count_attempt(&mut self, keys: &[(&str, u32)], window: i64, now: Timestamp) -> Result<bool> {
        Store::count_attempt(self, keys, window, now)
    }

    fn forget_attempt(&self, key: &str, clear: bool) -> Result<()> {
        Store::forget_attempt(self, key, clear)
    }

    fn user_count(&self) -> Result<u64> {
        Store::user_count(self)
    }

    fn create_user(&self, username: &str, password_hash: &str, role: &str, now: Timestamp) -> Result<i64> {
        Store::create_user(self, username, password_hash, role, now)
    }

    fn create_first_user(&mut self, username: &str, password_hash: &str, now: Timestamp) -> Result<bool> {
        Store::create_first_user(self, username, password_hash, now)
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        Store::user_by_name(self, username)
    }

    fn users(&self) -> Result<Vec<UserRow>> {
        Store::users(self)
    }

    fn user_by_id(&self, user_id: i64) -> Result<Option<UserRow>> {
        Store::user_by_id(self, user_id)
    }

    fn change_user(&mut self, user_id: i64, change: UserChange<'_>) -> Result<bool> {
        Store::change_user(self, user_id, change)
    }

    fn set_password(&mut self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<bool> {
        Store::set_password(self, user_id, password_hash, keep)
    }

    fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        Store::create_session(self, token_hash, user_id, csrf, now, expires_at)
    }

    fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        Store::session(self, token_hash, now)
    }

    fn delete_session(&self, token_hash: &str) -> Result<()> {
        Store::delete_session(self, token_hash)
    }

    fn create_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        prefix: &str,
        scope: &str,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<i64> {
        Store::create_token(self, user_id, name, token_hash, prefix, scope, now, expires_at)
    }

    fn token_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>> {
        Store::token_user(self, token_hash, now)
    }

    fn tokens_of(&self, user_id: i64) -> Result<Vec<TokenRow>> {
        Store::tokens_of(self, user_id)
    }

    fn all_tokens(&self) -> Result<Vec<TokenRow>> {
        Store::all_tokens(self)
    }

    fn token(&self, token_id: i64) -> Result<Option<TokenRow>> {
        Store::token(self, token_id)
    }

    fn delete_token(&self, token_id: i64) -> Result<bool> {
        Store::delete_token(self, token_id)
    }

    fn lists(&self) -> Result<Vec<ListRow>> {
        Store::lists(self)
    }

    fn list(&self, id: i64) -> Result<Option<ListRow>> {
        Store::list(self, id)
    }

    fn create_list(&self, name: &str, created_by: Option<i64>, now: Timestamp) -> Result<i64> {
        Store::create_list(self, name, created_by, now)
    }

    fn delete_list(&self, id: i64) -> Result<bool> {
        Store::delete_list(self, id)
    }

    fn put_list_member(
        &self,
        list_id: i64,
        channel_id: i64,
        note: &str,
        added_by: Option<i64>,
        now: Timestamp,
    ) -> Result<()> {
        Store::put_list_member(self, list_id, channel_id, note, added_by, now)
    }

    fn delete_list_member(&self, list_id: i64, channel_id: i64) -> Result<bool> {
        Store::delete_list_member(self, list_id, channel_id)
    }

    fn list_members(&self, list_id: i64) -> Result<Vec<ListMember>> {
        Store::list_members(self, list_id)
    }

    fn set_timezone(&self, user_id: i64, timezone: Option<&str>) -> Result<bool> {
        Store::set_timezone(self, user_id, timezone)
    }

    fn saved_searches(&self) -> Result<Vec<SavedSearchRow>> {
        Store::saved_searches(self)
    }

    fn save_search(&self, name: &str, query: &str, by: Option<i64>, now: Timestamp) -> Result<i64> {
        Store::save_search(self, name, query, by, now)
    }

    fn delete_saved_search(&self, id: i64) -> Result<bool> {
        Store::delete_saved_search(self, id)
    }
}
