//! Channels as they are read on PostgreSQL, the derived-state phase, and the size fits
//! and peer groups (inherent methods behind `ChannelStore`, see `channel_api.rs`).

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
    pub(crate) fn stats(&self) -> Result<StoreStats> {
        todo!()
    }

    pub(crate) fn channel_count(&self) -> Result<u64> {
        todo!()
    }

    pub(crate) fn channels(&self, filter: &ChannelFilter) -> Result<Vec<ChannelRow>> {
        todo!()
    }

    pub(crate) fn channels_by_ids(&self, ids: &[i64]) -> Result<Vec<ChannelRow>> {
        todo!()
    }

    pub(crate) fn channel_row_by_id(&self, id: i64) -> Result<Option<ChannelRow>> {
        todo!()
    }

    pub(crate) fn channel_id(&self, platform: Platform, handle: &str) -> Result<Option<i64>> {
        todo!()
    }

    pub(crate) fn channel_detail(&self, platform: Platform, handle: &str) -> Result<Option<ChannelDetail>> {
        todo!()
    }

    pub(crate) fn discovery_rows(&self) -> Result<Vec<DiscoveryRow>> {
        todo!()
    }

    pub(crate) fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        todo!()
    }

    pub(crate) fn platform_fits(&self) -> Result<Vec<PlatformFit>> {
        todo!()
    }

    pub(crate) fn bucket_stats(&self) -> Result<Vec<BucketStats>> {
        todo!()
    }

    pub(crate) fn derived_stale_since(&self) -> Result<Option<Timestamp>> {
        todo!()
    }

    pub(crate) fn derived_writes(&self) -> Result<i64> {
        todo!()
    }

    pub(crate) fn derived_phase(&self) -> Result<(Option<Timestamp>, i64)> {
        todo!()
    }

    pub(crate) fn derived_generation(&self) -> Result<i64> {
        todo!()
    }

    pub(crate) fn mark_derived_current(&self, writes_before: i64) -> Result<bool> {
        todo!()
    }

    pub(crate) fn count_derived_generation(&self) -> Result<()> {
        todo!()
    }
}
