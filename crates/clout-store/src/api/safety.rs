//! [`SafetyStore`]: brand-safety lists (every one kept, for audits), the active one, and
//! each channel's screening; implemented here for SQLite's [`Store`].

use crate::{ChannelScreen, Channels, Result, SafetyListRow, Store, StoredScreen};

/// Brand safety's rows. A screening is derived: a recompute replaces the screenings of the
/// channels it reads again, like their metrics.
pub trait SafetyStore {
    /// The active list, if one was ever set.
    fn safety_list(&self) -> Result<Option<SafetyListRow>>;

    /// Makes a list the active one and keeps it (a list with the same SHA-256 is the same
    /// list, kept with its first `set_at`); returns it as stored. Screenings made against
    /// another list stay until they are replaced, and say which list they read.
    fn set_safety_list(
        &mut self,
        name: &str,
        version: &str,
        sha256: &str,
        body: &str,
        at: i64,
    ) -> Result<SafetyListRow>;

    /// Replaces the screenings of the channels `which` with `rows` (ascending channel
    /// ids), made against list `list_id` at `at`; written in chunks of channels.
    fn replace_safety(
        &mut self,
        which: Channels<'_>,
        list_id: i64,
        at: i64,
        rows: &[(i64, ChannelScreen)],
    ) -> Result<()>;

    /// A channel's screening with the posts and comments behind each match, or `None`
    /// when it was never screened.
    fn safety_of(&self, channel_id: i64) -> Result<Option<StoredScreen>>;

    /// Whether every screening was made against list `list_id`, and some was unless the
    /// store holds no channel (a list set since, and not yet screened against, is not).
    fn safety_current(&self, list_id: i64) -> Result<bool>;

    /// The channels above `level` (a level's code) in any of `categories` (any category
    /// when empty), ascending.
    fn channels_above_safety(&self, level: u8, categories: &[String]) -> Result<Vec<i64>>;

    /// The channels of `which`, ascending, each with its language (lower case) if it has one.
    fn channel_languages(&self, which: Channels<'_>) -> Result<Vec<(i64, Option<String>)>>;

    /// Every comment with text of the channels `which`, as `(channel id, comment id,
    /// text)`, by channel id and comment id.
    fn for_each_comment_text(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &str, &str)) -> Result<()>;
}

/// SQLite: each method is the inherent one of the same name.
impl SafetyStore for Store {
    fn safety_list(&self) -> Result<Option<SafetyListRow>> {
        Store::safety_list(self)
    }

    fn set_safety_list(
        &mut self,
        name: &str,
        version: &str,
        sha256: &str,
        body: &str,
        at: i64,
    ) -> Result<SafetyListRow> {
        Store::set_safety_list(self, name, version, sha256, body, at)
    }

    fn replace_safety(
        &mut self,
        which: Channels<'_>,
        list_id: i64,
        at: i64,
        rows: &[(i64, ChannelScreen)],
    ) -> Result<()> {
        Store::replace_safety(self, which, list_id, at, rows)
    }

    fn safety_of(&self, channel_id: i64) -> Result<Option<StoredScreen>> {
        Store::safety_of(self, channel_id)
    }

    fn safety_current(&self, list_id: i64) -> Result<bool> {
        Store::safety_current(self, list_id)
    }

    fn channels_above_safety(&self, level: u8, categories: &[String]) -> Result<Vec<i64>> {
        Store::channels_above_safety(self, level, categories)
    }

    fn channel_languages(&self, which: Channels<'_>) -> Result<Vec<(i64, Option<String>)>> {
        Store::channel_languages(self, which)
    }

    fn for_each_comment_text(&self, which: Channels<'_>, f: &mut dyn FnMut(i64, &str, &str)) -> Result<()> {
        Store::for_each_comment_text(self, which, f)
    }
}
