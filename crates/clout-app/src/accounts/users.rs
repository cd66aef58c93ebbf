//! Accounts as an admin (or the operator) manages them: the first admin, creating,
//! listing, changing a role, disabling, enabling, deleting, resetting a password. The
//! last active admin cannot be demoted, disabled or deleted.

use clout_core::Timestamp;

use super::Actor;
use super::{Role, User, hash_password, policy, user, validate_username};
use crate::{App, Error, Result};

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
        Ok(User {
            id,
            username: username.to_string(),
            role,
            created_at: now,
            disabled: false,
            read_only: false,
            timezone: None,
        })
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
}
