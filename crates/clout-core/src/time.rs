//! Instants as whole Unix seconds (UTC).
//!
//! The interchange format accepts RFC 3339 or Unix seconds; both become a `Timestamp`
//! at the edge. Sub-second precision is not kept: no metric depends on it.

/// Seconds in one day.
pub const DAY: i64 = 86_400;

/// A UTC instant in whole seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    pub const fn unix(self) -> i64 {
        self.0
    }

    /// This instant moved back by `days` whole days.
    pub const fn minus_days(self, days: i64) -> Timestamp {
        Timestamp(self.0 - days * DAY)
    }

    pub const fn minus_seconds(self, seconds: i64) -> Timestamp {
        Timestamp(self.0 - seconds)
    }
}
