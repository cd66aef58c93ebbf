//! The domain of Clout: platforms, channels, posts, their observations, and every
//! calculation of the metrics contract (`docs/metrics.md`).
//!
//! This crate does no IO and reads no clock: "now", the data and any random seed are
//! parameters, so every function is deterministic and testable by hand.
//! It knows nothing of serde, SQL or HTTP; each edge converts to and from these types.

pub mod authenticity;
pub mod benchmark;
pub mod brief;
pub mod campaign;
pub mod discovery;
pub mod engagement;
pub mod follower;
pub mod handle;
pub mod lookalike;
pub mod metric;
pub mod money;
pub mod niche;
pub mod outcome;
pub mod overlap;
pub mod plan;
pub mod platform;
pub mod price;
pub mod record;
pub mod safety;
pub mod text;
pub mod tier;
pub mod time;

pub use benchmark::{Bucket, EngagementLabel, PeerInput, PeerMetrics, SizeFit};
pub use engagement::{ChannelMetrics, ChannelPosts, PostSnapshot, Window, WindowRule};
pub use handle::{Handle, InvalidHandle};
pub use metric::{Metric, NullReason};
pub use platform::{Platform, UnknownPlatform};
pub use record::{
    ChannelObservation, CommentRecord, ConversionRecord, DealRecord, FollowerObservation, FollowerSample, Method,
    PostObservation, PostType, Record, Words,
};
pub use tier::{Tier, TierPreset};
pub use time::Timestamp;
