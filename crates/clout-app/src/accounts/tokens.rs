//! API tokens: created with a scope and an optional expiry (the secret shown once, only
//! its hash kept), listed, revoked, and the account a live token signs in.

use clout_core::Timestamp;

use super::Actor;
use super::{MAX_TOKEN_DAYS, TokenRow, TokenScope, User, random_secret, secret_hash, user};
use crate::{App, Error, Result};

impl App {
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
