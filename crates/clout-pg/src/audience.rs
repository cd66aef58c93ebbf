//! Follower samples and comments on PostgreSQL (inherent methods behind
//! `ChannelStore`, see `channel_api.rs`).

#![allow(unused_imports, unused_variables)]

use std::collections::HashMap;

use clout_core::authenticity::{CommentSummary, GrowthCheck};
use clout_core::benchmark::{BucketStats, Peers};
use clout_core::{Bucket, Platform, PostSnapshot, Timestamp};
use clout_store::{
    ChannelDetail, ChannelFilter, ChannelInput, ChannelRow, ChannelTextRecord, Channels, CommentRow, DiscoveryRow,
    FollowerVerdicts, MetricsInput, MetricsRecord, PlatformFit, QualityRecord, Result, SampleRow, SearchText,
    StoreStats, StoredChannel, StoredNiche, TextChanges,
};

use crate::PgStore;

impl PgStore {
    pub(crate) fn follower_samples_of(&self, channel_id: i64) -> Result<Vec<SampleRow>> {
        todo!()
    }

    pub(crate) fn follower_samples_by_channel(&self) -> Result<HashMap<i64, Vec<SampleRow>>> {
        todo!()
    }

    pub(crate) fn follower_sample_count(&self) -> Result<u64> {
        todo!()
    }

    pub(crate) fn comments_of(&self, channel_id: i64) -> Result<Vec<CommentRow>> {
        todo!()
    }

    pub(crate) fn comments_by_channel(&self) -> Result<HashMap<i64, Vec<CommentRow>>> {
        todo!()
    }

    pub(crate) fn for_each_channel_comments(&self, f: &mut dyn FnMut(i64, &[CommentRow])) -> Result<()> {
        todo!()
    }

    pub(crate) fn comment_rates(&self, platform: Platform) -> Result<Vec<(Option<Bucket>, f64)>> {
        todo!()
    }
}
