//! Accounts and API tokens (never a password hash; a token's secret only in the answer
//! that creates it).

use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{Instant, RoleName, ScopeName};
use crate::time;

/// An account (never its password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[schema(value_type = RoleName)]
    pub role: &'static str,
    pub disabled: bool,
    #[schema(value_type = Instant)]
    pub created_at: String,
    /// Signed in with a read-only token: reads only, whatever the role (`/me` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

impl User {
    pub fn from(u: &clout_app::User) -> User {
        User {
            id: u.id,
            username: u.username.clone(),
            role: u.role.as_str(),
            disabled: u.disabled,
            created_at: time(u.created_at),
            read_only: None,
        }
    }
}

/// Every account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<User>,
}

/// An API token's public facts (never the secret, which is shown once at creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Token {
    pub id: i64,
    pub name: String,
    /// The secret's first characters, to tell tokens apart.
    pub prefix: String,
    pub user: String,
    #[schema(value_type = ScopeName)]
    pub scope: String,
    #[schema(value_type = Instant)]
    pub created_at: String,
    #[schema(value_type = Option<Instant>)]
    pub expires_at: Option<String>,
    /// The secret: in the answer that creates the token, and nowhere else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl Token {
    pub fn from(t: &clout_app::TokenRow) -> Token {
        Token {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            user: t.username.clone(),
            scope: t.scope.clone(),
            created_at: time(t.created_at),
            expires_at: t.expires_at.map(time),
            token: None,
        }
    }
}

/// API tokens.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<Token>,
}

/// The answer to a sign-in: the account and the CSRF token that changes made with the
/// session must send as `X-CSRF-Token`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignedIn {
    pub user: User,
    pub csrf_token: String,
}
