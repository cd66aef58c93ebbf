//! Niche labels and each channel's searchable text on PostgreSQL (inherent methods
//! behind `ChannelStore`, see `channel_api.rs`).

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
    pub(crate) fn replace_niches(&mut self, labels: &[(i64, Vec<StoredNiche>)], texts: &[SearchText]) -> Result<TextChanges> {
        todo!()
    }

    pub(crate) fn replace_niches_of(
        &mut self,
        ids: &[i64],
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        todo!()
    }

    pub(crate) fn replace_niches_in(
        &mut self,
        range: (i64, i64),
        labels: &[(i64, Vec<StoredNiche>)],
        texts: &[SearchText],
    ) -> Result<TextChanges> {
        todo!()
    }

    pub(crate) fn hashtags_by_channel(&self) -> Result<Vec<(i64, String)>> {
        todo!()
    }

    pub(crate) fn niches_by_channel(&self) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        todo!()
    }

    pub(crate) fn niche_confidences_by_channel(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        todo!()
    }

    pub(crate) fn niches_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<StoredNiche>>> {
        todo!()
    }

    pub(crate) fn niches_of(&self, channel_id: i64) -> Result<Vec<StoredNiche>> {
        todo!()
    }
}
