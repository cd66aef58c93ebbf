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

    /// `YYYY-MM-DD HH:MM:SS` in UTC: what spreadsheets read as a date and time.
    pub fn date_time(self) -> String {
        let s = self.0.rem_euclid(DAY);
        format!("{} {:02}:{:02}:{:02}", self.date(), s / 3_600, s % 3_600 / 60, s % 60)
    }

    /// The UTC calendar date, `YYYY-MM-DD`, for people reading an explanation.
    pub fn date(self) -> String {
        // Days to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
        let z = self.0.div_euclid(DAY) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!("{year:04}-{month:02}-{day:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(Timestamp::from_unix(0).date(), "1970-01-01");
        assert_eq!(Timestamp::from_unix(-1).date(), "1969-12-31");
        // 2000 was a leap year (divisible by 400): 11,016 days after the epoch is 29 February.
        assert_eq!(Timestamp::from_unix(11_016 * DAY).date(), "2000-02-29");
        assert_eq!(Timestamp::from_unix(11_017 * DAY).date(), "2000-03-01");
        // 2026-11-20T12:00:00Z, the test suites' "now".
        assert_eq!(Timestamp::from_unix(1_795_176_000).date(), "2026-11-20");
        assert_eq!(Timestamp::from_unix(1_795_176_000 - 12 * 3_600 - 1).date(), "2026-11-19");
        assert_eq!(Timestamp::from_unix(1_795_176_000 - 12 * 3_600 - 1).date_time(), "2026-11-19 23:59:59");
        assert_eq!(Timestamp::from_unix(-1).date_time(), "1969-12-31 23:59:59");
    }
}
