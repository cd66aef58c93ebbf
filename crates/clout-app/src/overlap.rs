//! Audience overlap of a shortlist (a saved list, channels named, or both): pairwise
//! follower overlap from the imported follower samples, each channel's unique share, the
//! list's unique reach, and shared commenters. The estimates: `clout_core::overlap`.

use std::collections::HashSet;

use clout_core::Platform;
use clout_core::overlap::{Audience, Overlap, overlap};

use crate::{App, Error, Result};

/// The most channels one overlap compares (pairs grow with the square).
pub const MAX_OVERLAP_CHANNELS: usize = 200;

/// A channel of the shortlist and what is known of its audience.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapChannel {
    pub platform: Platform,
    pub handle: String,
    pub name: Option<String>,
    /// Its followers now (`None` before a channel record).
    pub followers: Option<u64>,
    /// Followers in its imported sample.
    pub sampled: u64,
    /// Distinct authors of its imported comments.
    pub commenters: u64,
}

/// The overlap of a shortlist, its channels in the order asked.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapReport {
    pub channels: Vec<OverlapChannel>,
    pub overlap: Overlap,
}

impl App {
    /// The overlap of the channels `ids` (each once, in order; one channel's is its own
    /// audience, and no channel's is empty).
    pub fn overlap(&self, ids: &[i64]) -> Result<OverlapReport> {
        if ids.len() > MAX_OVERLAP_CHANNELS {
            return Err(Error::Invalid(format!(
                "an overlap compares at most {MAX_OVERLAP_CHANNELS} channels, not {}",
                ids.len()
            )));
        }
        let mut rows: std::collections::HashMap<i64, clout_store::ChannelRow> =
            self.store.channels_by_ids(ids)?.into_iter().map(|r| (r.id, r)).collect();
        let mut channels = Vec::with_capacity(ids.len());
        let mut audiences = Vec::with_capacity(ids.len());
        for id in ids {
            let row = rows.remove(id).ok_or_else(|| Error::NotFound(format!("no channel {id} in the store")))?;
            let sample: HashSet<String> =
                self.store.follower_samples_of(*id)?.into_iter().map(|s| s.username.to_lowercase()).collect();
            let commenters: HashSet<String> =
                self.store.comments_of(*id)?.into_iter().map(|(_, author, _)| author.to_lowercase()).collect();
            channels.push(OverlapChannel {
                platform: row.platform,
                handle: row.handle,
                name: row.name,
                followers: row.followers,
                sampled: sample.len() as u64,
                commenters: commenters.len() as u64,
            });
            audiences.push(Audience { followers: row.followers.unwrap_or(0), sample, commenters });
        }
        Ok(OverlapReport { channels, overlap: overlap(&audiences) })
    }
}

/// The overlap of a saved list's channels and of the channels named (`PLATFORM/HANDLE`),
/// each once, the list's first.
pub fn overlap_of(app: &App, list: Option<i64>, channels: &[String]) -> Result<OverlapReport> {
    app.overlap(&app.shortlist(list, channels)?)
}

#[cfg(test)]
mod tests;
