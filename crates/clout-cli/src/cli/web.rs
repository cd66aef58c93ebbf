//! The arguments of the web app's commands: `clout serve`, and its accounts and API
//! tokens as the operator manages them (`clout user`, `clout token`).

use clap::{Args, Subcommand, ValueEnum};

use super::JsonArg;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum RoleArg {
    Admin,
    Member,
    Viewer,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Every account with its role and whether it is disabled.
    List(JsonArg),
    /// Create an account; its password is read from standard input.
    Create {
        name: String,
        #[arg(long, value_enum, default_value = "member")]
        role: RoleArg,
    },
    /// Set an account's password, read from standard input; its sessions end.
    Passwd { name: String },
    /// Give an account a new random password, printed once; its sessions end.
    Reset { name: String },
    /// Disable an account: it cannot sign in, its sessions end, its tokens stop working.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Delete an account with its sessions and tokens (what it wrote stays, without an author).
    Delete { name: String },
    /// Change an account's role.
    Role {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Every API token (or one account's): name, owner, scope, created, expiry.
    List {
        /// Only this account's tokens.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token by its id (from `clout token list`).
    Revoke { id: i64 },
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on; loopback only by default. Port 0 picks a free port.
    #[arg(long, default_value = clout_web::DEFAULT_ADDR, value_name = "HOST:PORT")]
    pub(crate) addr: String,
    /// Mark cookies Secure (when a TLS proxy sits in front).
    #[arg(long)]
    pub(crate) secure_cookies: bool,
    /// Another host name the server answers to (a proxy's or the machine's name on the
    /// network); repeatable. The loopback names and the host of --addr always are; a
    /// request naming any other Host is refused (a guard against DNS rebinding).
    #[arg(long = "allowed-host", value_name = "NAME", env = "CLOUT_ALLOWED_HOSTS", value_delimiter = ',')]
    pub(crate) allowed_hosts: Vec<String>,
    /// Days an uploaded file is kept after its import; older uploads are removed at start
    /// and after each import (their observations and rejects stay). 0 removes them at once.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub(crate) keep_uploads_days: u32,
    /// No line per request on stderr (method, path without its query, status, duration).
    #[arg(long)]
    pub(crate) no_request_log: bool,
    /// Refresh fetched accounts on a schedule (`24h`, `7d`): every interval, re-fetch
    /// those whose data is older than it, as `clout refresh --older-than` does.
    #[arg(long, value_name = "INTERVAL")]
    pub(crate) refresh_every: Option<String>,
}
