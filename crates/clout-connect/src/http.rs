//! One API host: requests with retries, backoff and rate limits, and what they cost.
//!
//! The rules, for every connector:
//! - **429 and 5xx** are retried, up to [`ClientConfig::max_attempts`] in all. The wait is
//!   the answer's `Retry-After` (seconds or an HTTP date), else its rate-limit reset
//!   (`RateLimit-Reset` / `X-RateLimit-Reset`, seconds from now or a Unix time) when
//!   `…-Remaining` is 0, else exponential backoff from one second (1, 2, 4, … s). A
//!   connection that fails or times out is retried the same way.
//! - **Ahead of a limit:** a success whose `…-Remaining` is 0 makes the next request wait
//!   for the reset.
//! - **A wait longer than [`ClientConfig::max_wait`]** is not slept: the request fails
//!   with [`FetchError::RateLimited`] naming when to try again, and the fetch stops
//!   cleanly (it resumes from its checkpoint when run again).
//! - **Other 4xx** are not retried: [`FetchError::Api`] with the API's own error code and
//!   message.
//! - **Secrets** ([`ClientConfig::secret_query`], such as an API key) are added to every
//!   request and never shown: errors name the endpoint, not the URL, and any text from the
//!   transport has them replaced by `[redacted]`.

use std::time::Duration;

use clout_core::Timestamp;
use serde_json::Value;

/// How a [`Client`] talks to its host.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The host's base URL, without a trailing `/` (`https://public.api.bsky.app`).
    pub base: String,
    /// Query parameters every request carries and no message shows (`key`, `access_token`).
    pub secret_query: Vec<(String, String)>,
    /// Other text no message shows (an account id in a path).
    pub hidden: Vec<String>,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The longest single wait the client sleeps; a longer one stops the fetch.
    pub max_wait: Duration,
    /// Per request, from connecting to the end of the body.
    pub timeout: Duration,
    /// The largest answer read, in bytes.
    pub max_body_bytes: u64,
    /// The clock (a connector never reads the system clock itself).
    pub clock: fn() -> Timestamp,
    /// How to wait (`std::thread::sleep`; tests and benchmarks may count instead).
    pub sleep: fn(Duration),
    /// Whether an error answer (status, body) is a rate limit, beyond 429 (Meta's answer
    /// 400 or 403 with codes of their own).
    pub rate_limited: fn(u16, &[u8]) -> bool,
}

impl ClientConfig {
    /// The defaults for `base`: 6 attempts, waits of up to 15 minutes, 30 s per request,
    /// answers up to 32 MiB.
    pub fn new(base: &str, clock: fn() -> Timestamp) -> ClientConfig {
        ClientConfig {
            base: base.trim_end_matches('/').to_string(),
            secret_query: Vec::new(),
            hidden: Vec::new(),
            max_attempts: 6,
            max_wait: Duration::from_secs(15 * 60),
            timeout: Duration::from_secs(30),
            max_body_bytes: 32 << 20,
            clock,
            sleep: std::thread::sleep,
            rate_limited: |status, _| status == 429,
        }
    }
}

/// What the requests cost so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// Requests sent, retries included.
    pub requests: u64,
    /// Requests that were retries.
    pub retries: u64,
    /// Time spent waiting on rate limits and backoff.
    pub waited: Duration,
    /// Bytes of answers read.
    pub bytes: u64,
}

/// Why a request gave no answer to use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The API refused the request (4xx other than 429): its error code and message.
    #[error("{endpoint}: the API answered {status}{}: {message}", code.as_ref().map(|c| format!(" {c}")).unwrap_or_default())]
    Api { endpoint: String, status: u16, code: Option<String>, message: String },
    /// Rate limited for longer than the client waits: try again after `retry_at`.
    #[error("{endpoint}: rate limited until {} UTC; run the same command again after that to continue", retry_at.date_time())]
    RateLimited { endpoint: String, retry_at: Timestamp },
    /// No answer after every attempt (5xx, 429 or a connection failure each time).
    #[error("{endpoint}: no answer after {attempts} attempts: {last}")]
    Unavailable { endpoint: String, attempts: u32, last: String },
    /// The call would go past the daily quota Clout keeps to.
    #[error(
        "{endpoint}: the daily quota would be exceeded ({used} of {budget} units used today, counted from midnight Pacific time); run the same command again tomorrow to continue"
    )]
    Quota { endpoint: String, used: u64, budget: u64 },
    /// The answer is not the JSON object the API documents.
    #[error("{endpoint}: the answer is not a JSON object: {reason}")]
    Malformed { endpoint: String, reason: String, body: String },
}

impl FetchError {
    /// The answer's body when it could not be read (kept as a reject).
    pub fn body(&self) -> Option<&str> {
        match self {
            FetchError::Malformed { body, .. } => Some(body),
            _ => None,
        }
    }
}

/// An answer: its JSON and when it was read.
#[derive(Debug, Clone)]
pub struct Answer {
    pub json: Value,
    pub fetched_at: Timestamp,
}

/// A client of one API host.
pub struct Client {
    agent: ureq::Agent,
    /// For pictures: follows no redirect by itself (each hop is checked by the caller), a
    /// short timeout.
    picture_agent: ureq::Agent,
    config: ClientConfig,
    stats: Stats,
    /// A wait owed before the next request (the last answer said the limit is spent).
    owed_until: Option<Timestamp>,
}

impl Client {
    pub fn new(config: ClientConfig) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .user_agent(crate::USER_AGENT)
            .max_redirects(3)
            .build()
            .into();
        let picture_agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout.min(Duration::from_secs(10))))
            .user_agent(crate::USER_AGENT)
            .max_redirects(0)
            .build()
            .into();
        Client { agent, picture_agent, config, stats: Stats::default(), owed_until: None }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    pub fn base(&self) -> &str {
        &self.config.base
    }

    /// The URL of `path` on this host, without any secret: what provenance names.
    pub fn endpoint_url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base)
    }

    /// `GET path?query`, retried as the module says; the answer must be a JSON object.
    pub fn get_json(&mut self, path: &str, query: &[(&str, String)]) -> Result<Answer, FetchError> {
        let endpoint = path.trim_start_matches('/').to_string();
        self.get_json_as(path, &endpoint, query)
    }

    /// [`Client::get_json`], naming the request `endpoint` in errors (when the path holds
    /// an id that is not to be shown).
    pub fn get_json_as(&mut self, path: &str, endpoint: &str, query: &[(&str, String)]) -> Result<Answer, FetchError> {
        let endpoint = endpoint.to_string();
        let url = self.endpoint_url(path);
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(until) = self.owed_until.take() {
                self.wait_until(&endpoint, until)?;
            }
            self.stats.requests += 1;
            if attempt > 1 {
                self.stats.retries += 1;
            }
            let request = self
                .agent
                .get(&url)
                .query_pairs(query.iter().map(|(k, v)| (*k, v.as_str())))
                .query_pairs(self.config.secret_query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .header("Accept", "application/json");
            let (status, headers, body) = match request.call() {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let headers = Headers::of(response.headers());
                    match response.body_mut().with_config().limit(self.config.max_body_bytes).read_to_vec() {
                        Ok(body) => (status, headers, body),
                        Err(e) => (0, headers, self.redact(&e.to_string()).into_bytes()),
                    }
                }
                Err(e) => (0, Headers::default(), self.redact(&e.to_string()).into_bytes()),
            };
            self.stats.bytes += body.len() as u64;
            let now = (self.config.clock)();
            if (200..300).contains(&status) {
                if headers.remaining == Some(0) {
                    self.owed_until = headers.reset_at(now);
                }
                return match serde_json::from_slice::<Value>(&body) {
                    Ok(json @ Value::Object(_)) => Ok(Answer { json, fetched_at: now }),
                    Ok(_) => Err(malformed(&endpoint, "a JSON value other than an object".into(), &body)),
                    Err(e) => Err(malformed(&endpoint, e.to_string(), &body)),
                };
            }
            let retryable = status == 0 || status >= 500 || (self.config.rate_limited)(status, &body);
            if !retryable {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let text = |k: &str| json.get(k).and_then(Value::as_str).map(str::to_string);
                let message = text("message")
                    .or_else(|| {
                        json.get("error").and_then(|e| e.get("message")).and_then(Value::as_str).map(str::to_string)
                    })
                    .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
                // Bluesky: {"error": "Code", "message"}; Google: {"error": {"errors": [{"reason"}], "status"}};
                // Meta: {"error": {"message", "type", "code"}}.
                let nested = |k: &str| json.get("error").and_then(|e| e.get(k));
                let code = text("error")
                    .or_else(|| {
                        nested("errors")
                            .and_then(|e| e.get(0))
                            .and_then(|e| e.get("reason"))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .or_else(|| nested("status").and_then(Value::as_str).map(str::to_string))
                    .or_else(|| nested("type").and_then(Value::as_str).map(str::to_string));
                return Err(FetchError::Api { endpoint, status, code, message: self.redact(&message) });
            }
            let last = if status == 0 { String::from_utf8_lossy(&body).into_owned() } else { format!("HTTP {status}") };
            if attempt >= self.config.max_attempts {
                if status != 0
                    && status < 500
                    && let Some(at) = headers.retry_at(now)
                {
                    return Err(FetchError::RateLimited { endpoint, retry_at: at });
                }
                return Err(FetchError::Unavailable { endpoint, attempts: attempt, last });
            }
            let backoff = now.unix() + (1i64 << (attempt - 1).min(10));
            let until = headers.retry_at(now).unwrap_or(Timestamp::from_unix(backoff));
            // A server that says "now" still gets one second, not a busy loop.
            self.wait_until(&endpoint, until.max(Timestamp::from_unix(now.unix() + 1)))?;
        }
    }

    /// One `GET` of a full URL for bytes (no retry, no secret sent, no redirect followed):
    /// the status (0 when no answer came), a redirect's `Location`, and at most `limit`
    /// bytes of the body, or the transport's error text. Not counted in [`Stats`], which
    /// are the API's requests.
    pub(crate) fn get_bytes(&mut self, url: &str, limit: u64) -> (u16, Option<String>, Vec<u8>) {
        match self.picture_agent.get(url).header("Accept", "image/*").call() {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
                match response.body_mut().with_config().limit(limit).read_to_vec() {
                    Ok(body) => (status, location, body),
                    Err(e) => (0, None, self.redact(&e.to_string()).into_bytes()),
                }
            }
            Err(e) => (0, None, self.redact(&e.to_string()).into_bytes()),
        }
    }

    /// Sleeps until `until`, unless that is longer than the client waits.
    fn wait_until(&mut self, endpoint: &str, until: Timestamp) -> Result<(), FetchError> {
        let now = (self.config.clock)();
        let seconds = until.unix().saturating_sub(now.unix());
        if seconds <= 0 {
            return Ok(());
        }
        let wait = Duration::from_secs(seconds as u64);
        if wait > self.config.max_wait {
            return Err(FetchError::RateLimited { endpoint: endpoint.to_string(), retry_at: until });
        }
        (self.config.sleep)(wait);
        self.stats.waited += wait;
        Ok(())
    }

    fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in self.config.secret_query.iter().map(|(_, s)| s).chain(&self.config.hidden) {
            if !secret.is_empty() {
                out = out.replace(secret.as_str(), "[redacted]");
            }
        }
        out
    }
}

fn malformed(endpoint: &str, reason: String, body: &[u8]) -> FetchError {
    // Keep enough of the body to see what came back, not a whole broken page.
    let body: String = String::from_utf8_lossy(body).chars().take(4096).collect();
    FetchError::Malformed { endpoint: endpoint.to_string(), reason, body }
}

/// The headers a retry decision reads.
#[derive(Debug, Default)]
struct Headers {
    retry_after: Option<String>,
    remaining: Option<u64>,
    reset: Option<i64>,
}

impl Headers {
    fn of(map: &ureq::http::HeaderMap) -> Headers {
        let get = |names: &[&str]| {
            names.iter().find_map(|n| map.get(*n).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string()))
        };
        Headers {
            retry_after: get(&["retry-after"]),
            remaining: get(&["ratelimit-remaining", "x-ratelimit-remaining"]).and_then(|v| v.parse().ok()),
            reset: get(&["ratelimit-reset", "x-ratelimit-reset"]).and_then(|v| v.parse().ok()),
        }
    }

    /// When the limit resets: a Unix time, or seconds from now (the IETF draft's form).
    fn reset_at(&self, now: Timestamp) -> Option<Timestamp> {
        let reset = self.reset?;
        Some(if reset > 1_000_000_000 { Timestamp::from_unix(reset) } else { Timestamp::from_unix(now.unix() + reset) })
    }

    /// When to try again: `Retry-After`, else the reset of a spent limit.
    fn retry_at(&self, now: Timestamp) -> Option<Timestamp> {
        if let Some(value) = &self.retry_after {
            if let Ok(seconds) = value.parse::<u64>() {
                return Some(Timestamp::from_unix(now.unix().saturating_add(seconds.min(i64::MAX as u64) as i64)));
            }
            if let Ok(at) = jiff::fmt::rfc2822::parse(value) {
                return Some(Timestamp::from_unix(at.timestamp().as_second()));
            }
        }
        if self.remaining == Some(0) { self.reset_at(now) } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_a_date_and_a_spent_limit_waits_for_its_reset() {
        let now = Timestamp::from_unix(1_764_000_000);
        let h = Headers { retry_after: Some("7".into()), ..Headers::default() };
        assert_eq!(h.retry_at(now), Some(Timestamp::from_unix(1_764_000_007)));
        // 2025-11-24 16:00:10 UTC is 1764000010.
        let h = Headers { retry_after: Some("Mon, 24 Nov 2025 16:00:10 GMT".into()), ..Headers::default() };
        assert_eq!(h.retry_at(now), Some(Timestamp::from_unix(1_764_000_010)));
        let h = Headers { remaining: Some(0), reset: Some(1_764_000_300), ..Headers::default() };
        assert_eq!(h.retry_at(now), Some(Timestamp::from_unix(1_764_000_300)));
        let h = Headers { remaining: Some(0), reset: Some(30), ..Headers::default() };
        assert_eq!(h.retry_at(now), Some(Timestamp::from_unix(1_764_000_030)));
        let h = Headers { remaining: Some(5), reset: Some(30), ..Headers::default() };
        assert_eq!(h.retry_at(now), None, "a limit not spent is no reason to wait");
    }
}
