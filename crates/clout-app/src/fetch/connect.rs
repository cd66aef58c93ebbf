//! One way in for every connector, for the command line and the web app alike: the
//! client of a platform built from its host and key, then its fetch or discovery. The
//! errors (a missing key, an option a platform does not have) read the same everywhere.

use std::time::Duration;

use clout_connect::bluesky::{self, Bluesky};
use clout_connect::instagram::{self, Instagram};
use clout_connect::youtube::{self, Youtube};
use clout_connect::{Client, ClientConfig};

use super::credentials::secret;
use super::{Discovery, FetchOptions, FetchProgress, FetchSummary};
use crate::{App, Error, Result};

/// Where and how far a connector may go.
#[derive(Debug, Clone)]
pub struct Connect {
    /// Another host (`--api-base`); else the platform's environment variable, else its
    /// public host.
    pub api_base: Option<String>,
    /// The longest rate-limit wait slept; a longer one stops the fetch.
    pub max_wait: Duration,
    /// YouTube's daily quota units.
    pub quota: u64,
}

impl Default for Connect {
    fn default() -> Connect {
        Connect { api_base: None, max_wait: Duration::from_secs(900), quota: youtube::DEFAULT_DAILY_QUOTA }
    }
}

fn base(connect: &Connect, env: &str, default: &str) -> String {
    connect
        .api_base
        .clone()
        .or_else(|| std::env::var(env).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default.to_string())
}

fn client(connect: &Connect, env: &str, default: &str, clock: fn() -> clout_core::Timestamp) -> ClientConfig {
    let mut config = ClientConfig::new(&base(connect, env, default), clock);
    config.max_wait = connect.max_wait;
    config
}

impl App {
    fn bluesky_api(&self, connect: &Connect, options: &FetchOptions) -> Bluesky {
        Bluesky::new(Client::new(client(connect, bluesky::ENV_BASE, bluesky::DEFAULT_BASE, options.clock)))
    }

    fn youtube_api(&self, connect: &Connect, options: &FetchOptions) -> Result<Youtube> {
        if options.followers_sample > 0 || options.replies {
            return Err(Error::Invalid(
                "--followers-sample and --replies are not available for YouTube: its API lists neither subscribers nor replies as posts"
                    .to_string(),
            ));
        }
        let key = secret(&self.config.data_dir, youtube::ENV_KEY, "youtube", "api_key", "YouTube needs an API key")?;
        let mut config = client(connect, youtube::ENV_BASE, youtube::DEFAULT_BASE, options.clock);
        config.secret_query = vec![("key".to_string(), key)];
        Ok(Youtube::new(Client::new(config), 0, connect.quota))
    }

    fn instagram_api(&self, connect: &Connect, options: &FetchOptions) -> Result<Instagram> {
        if options.followers_sample > 0 || options.replies || options.comments {
            return Err(Error::Invalid(
                "--comments, --followers-sample and --replies are not available for Instagram: business discovery reads neither comments nor followers of other accounts"
                    .to_string(),
            ));
        }
        let need = "Instagram needs your access token and your own business account's id";
        let token = secret(&self.config.data_dir, instagram::ENV_TOKEN, "instagram", "access_token", need)?;
        let user = secret(&self.config.data_dir, instagram::ENV_USER_ID, "instagram", "user_id", need)?;
        let mut config = client(connect, instagram::ENV_BASE, instagram::DEFAULT_BASE, options.clock);
        config.secret_query = vec![("access_token".to_string(), token)];
        config.hidden = vec![user.clone()];
        config.rate_limited = instagram::is_rate_limited;
        Ok(Instagram::new(Client::new(config), user))
    }

    /// Fetches `targets` from `platform` (`bluesky`, `youtube`, `instagram`).
    pub fn fetch_from(
        &mut self,
        platform: &str,
        targets: &[String],
        options: &FetchOptions,
        connect: &Connect,
        progress: &mut dyn FetchProgress,
    ) -> Result<FetchSummary> {
        match platform {
            "bluesky" => {
                let mut api = self.bluesky_api(connect, options);
                self.fetch_bluesky(&mut api, targets, options, progress)
            }
            "youtube" => {
                let mut api = self.youtube_api(connect, options)?;
                self.fetch_youtube(&mut api, targets, options, progress)
            }
            "instagram" => {
                let mut api = self.instagram_api(connect, options)?;
                self.fetch_instagram(&mut api, targets, options, progress)
            }
            other => Err(unknown(other)),
        }
    }

    /// Discovers accounts on `platform` and fetches them; returns those found.
    pub fn discover_on(
        &mut self,
        platform: &str,
        discovery: &Discovery,
        limit: usize,
        options: &FetchOptions,
        connect: &Connect,
        progress: &mut dyn FetchProgress,
    ) -> Result<(Vec<String>, FetchSummary)> {
        match (platform, discovery) {
            ("bluesky", _) => {
                let mut api = self.bluesky_api(connect, options);
                self.discover_bluesky(&mut api, discovery, limit, options, progress)
            }
            ("youtube", Discovery::Words(q)) => {
                let mut api = self.youtube_api(connect, options)?;
                self.discover_youtube(&mut api, q, limit, options, progress)
            }
            ("youtube", Discovery::ViaFollows(_)) => {
                Err(Error::Invalid("YouTube lists no channel's subscriptions to others: discover by words".to_string()))
            }
            ("instagram", _) => Err(Error::Invalid(
                "Instagram's API finds no accounts by words or follows: fetch them by username".to_string(),
            )),
            (other, _) => Err(unknown(other)),
        }
    }
}

fn unknown(platform: &str) -> Error {
    Error::Invalid(format!("no connector for {platform:?} (bluesky, youtube, instagram)"))
}
