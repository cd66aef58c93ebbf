//! What a recompute reads of each channel on PostgreSQL, streamed by ascending id
//! (inherent methods behind `ChannelStore`, see `channel_api.rs`).

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
    pub(crate) fn for_each_metrics_input(&self, f: &mut dyn FnMut(MetricsInput<'_>)) -> Result<()> {
        todo!()
    }

    pub(crate) fn channel_id_bounds(&self) -> Result<Option<(i64, i64)>> {
        todo!()
    }

    pub(crate) fn for_each_channel_input(
        &self,
        which: Channels<'_>,
        captions: usize,
        f: &mut dyn FnMut(ChannelInput<'_>),
    ) -> Result<()> {
        todo!()
    }

    pub(crate) fn for_each_channel_text(&self, posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        todo!()
    }

    pub(crate) fn for_each_channel_text_of(&self, ids: &[i64], posts: usize, f: &mut dyn FnMut(ChannelTextRecord)) -> Result<()> {
        todo!()
    }
}
