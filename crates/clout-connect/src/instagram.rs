//! Instagram Graph API business discovery, with the user's access token and the id of
//! their own Instagram business or creator account.
//!
//! One call reads another business or creator account's profile and a page of its media;
//! the next pages follow the media cursor (`media.after(CURSOR)`). Meta limits calls per
//! app and account (Business Use Case rate limits): a limit answers with an error code
//! 4, 17, 32, 613 or 80002, which the client retries like a 429.

use crate::http::{Answer, Client, FetchError};

/// Where Instagram serves profile pictures (`profile_picture_url`).
pub const PICTURE_HOSTS: &[&str] = &[".cdninstagram.com", ".fbcdn.net"];
/// The Graph API's host.
pub const DEFAULT_BASE: &str = "https://graph.facebook.com";
/// The environment variable that points the connector at another host.
pub const ENV_BASE: &str = "CLOUT_INSTAGRAM_API";
/// The environment variables of the access token and of your own account's id.
pub const ENV_TOKEN: &str = "CLOUT_INSTAGRAM_ACCESS_TOKEN";
pub const ENV_USER_ID: &str = "CLOUT_INSTAGRAM_USER_ID";
/// The Graph API version Clout asks for.
pub const VERSION: &str = "v21.0";
/// Media per page.
pub const PAGE: u32 = 50;

const PROFILE_FIELDS: &str =
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count";
const MEDIA_FIELDS: &str = "id,caption,like_count,comments_count,timestamp,media_type,media_product_type,permalink";

/// Whether a Graph API error answer is a rate limit (retried like a 429).
pub fn is_rate_limited(status: u16, body: &[u8]) -> bool {
    if status == 429 {
        return true;
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
    matches!(v["error"]["code"].as_i64(), Some(4 | 17 | 32 | 613 | 80002))
}

pub struct Instagram {
    pub http: Client,
    /// Your own Instagram business or creator account's id (the `{ig-user-id}`).
    pub user_id: String,
}

impl Instagram {
    pub fn new(http: Client, user_id: String) -> Instagram {
        Instagram { http, user_id }
    }

    /// The URL the answers come from, for provenance (no token, no id).
    pub fn method_url(&self) -> String {
        self.http.endpoint_url(&format!("/{VERSION}/business_discovery"))
    }

    /// The profile and a page of media of `username` (`after`: the media cursor).
    pub fn business_discovery(
        &mut self,
        username: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Answer, FetchError> {
        let limit = limit.clamp(1, PAGE);
        let media = match after {
            Some(cursor) => format!("media.after({cursor}).limit({limit}){{{MEDIA_FIELDS}}}"),
            None => format!("media.limit({limit}){{{MEDIA_FIELDS}}}"),
        };
        let fields = format!("business_discovery.username({username}){{{PROFILE_FIELDS},{media}}}");
        let path = format!("/{VERSION}/{}", self.user_id);
        self.http.get_json_as(&path, "business_discovery", &[("fields", fields)])
    }
}
