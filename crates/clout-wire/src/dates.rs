//! Dates and times as the person reading them writes them: in the order of their locale
//! (a browser's `Accept-Language` for a page; `LC_ALL`, `LC_TIME` or `LANG` for a
//! terminal), in their timezone (the account's for a page, UTC until they choose one; `TZ`
//! or the system's for a terminal), with the zone always stated. JSON keeps RFC 3339. Month names are English, as is
//! the rest of the interface: `Dec 5, 2026` for American English, `5 Dec 2026` for most
//! of the world, `2026 Dec 5` where the year comes first.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// How a locale orders a date, and whether it reads a 12-hour clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    order: Order,
    twelve_hour: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    MonthDayYear,
    DayMonthYear,
    YearMonthDay,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The language tag the browser prefers most (highest `q`, first among equals), e.g.
/// `en-GB`; empty without a usable header.
pub fn preferred_locale(accept_language: Option<&str>) -> String {
    let mut best: Option<(f32, &str)> = None;
    for part in accept_language.unwrap_or("").split(',') {
        let mut fields = part.split(';');
        let tag = fields.next().unwrap_or("").trim();
        if tag.is_empty()
            || tag == "*"
            || tag.len() > 35
            || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            continue;
        }
        let q = fields.find_map(|f| f.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, tag));
        }
    }
    best.map(|(_, t)| t.to_string()).unwrap_or_default()
}

impl Style {
    /// The style of a language tag; day-month-year on a 24-hour clock when the tag says
    /// nothing we know (most of the world writes dates so).
    pub fn of(locale: &str) -> Style {
        let lower = locale.to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        let language = parts.next().unwrap_or("");
        let region = parts.find(|p| p.len() == 2).unwrap_or("");
        let (order, twelve_hour) = match (language, region) {
            ("en", "us" | "ph" | "") | ("es", "us") => (Order::MonthDayYear, true),
            ("en", "ca") => (Order::YearMonthDay, true),
            ("en", "au" | "nz" | "in") => (Order::DayMonthYear, true),
            ("ja" | "zh" | "ko" | "hu" | "lt" | "mn", _) => (Order::YearMonthDay, language != "hu" && language != "lt"),
            ("sv", _) => (Order::YearMonthDay, false),
            _ => (Order::DayMonthYear, false),
        };
        Style { order, twelve_hour }
    }

    /// A calendar date.
    pub fn date(self, d: Date) -> String {
        let month = MONTHS[(d.month() - 1) as usize];
        match self.order {
            Order::MonthDayYear => format!("{month} {}, {}", d.day(), d.year()),
            Order::DayMonthYear => format!("{} {month} {}", d.day(), d.year()),
            Order::YearMonthDay => format!("{} {month} {}", d.year(), d.day()),
        }
    }

    /// A date on a chart's axis: without the year when the axis stays within one.
    pub fn short_date(self, d: Date, with_year: bool) -> String {
        if with_year {
            return self.date(d);
        }
        let month = MONTHS[(d.month() - 1) as usize];
        match self.order {
            Order::DayMonthYear => format!("{} {month}", d.day()),
            Order::MonthDayYear | Order::YearMonthDay => format!("{month} {}", d.day()),
        }
    }

    /// A moment: its date and time in `tz`, and the zone's abbreviation.
    pub fn date_time(self, t: Timestamp, tz: &TimeZone) -> String {
        let z = t.to_zoned_datetime(tz.clone());
        let (h, m) = (z.hour(), z.minute());
        let clock = if self.twelve_hour {
            format!("{}:{m:02} {}", (h + 11) % 12 + 1, if h < 12 { "AM" } else { "PM" })
        } else {
            format!("{h:02}:{m:02}")
        };
        format!("{}, {clock} {}", self.date(z.date()), zone_abbreviation(t, tz))
    }
}

/// The zone's name as a reader knows it at `t`: `UTC`, `CET`, `EST`; or its offset where
/// the zone has no abbreviation (`UTC+03`).
fn zone_abbreviation(t: Timestamp, tz: &TimeZone) -> String {
    let info = tz.to_offset_info(t);
    let abbreviation = info.abbreviation();
    if abbreviation.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return abbreviation.to_string();
    }
    let seconds = info.offset().seconds();
    let (sign, s) = if seconds < 0 { ('-', -seconds) } else { ('+', seconds) };
    if s % 3_600 == 0 {
        format!("UTC{sign}{:02}", s / 3_600)
    } else {
        format!("UTC{sign}{:02}:{:02}", s / 3_600, s % 3_600 / 60)
    }
}

/// The terminal's reader: the locale of `LC_ALL`, `LC_TIME` or `LANG` (`en_GB.UTF-8`;
/// `C` and `POSIX` say nothing) and the timezone of `TZ` (an IANA name) or the system's.
pub fn terminal() -> (Style, TimeZone) {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let locale = var("LC_ALL").or_else(|| var("LC_TIME")).or_else(|| var("LANG")).unwrap_or_default();
    let tag = locale.split(['.', '@']).next().unwrap_or("").replace('_', "-");
    let tag = if tag == "C" || tag == "POSIX" { String::new() } else { tag };
    let tz = var("TZ").and_then(|n| TimeZone::get(n.trim_start_matches(':')).ok()).unwrap_or_else(TimeZone::system);
    (Style::of(&tag), tz)
}

/// A stored moment for a terminal's reader (see [`terminal`]).
pub fn for_terminal(t: clout_core::Timestamp) -> String {
    let (style, tz) = terminal_reader();
    match Timestamp::from_second(t.unix()) {
        Ok(t) => style.date_time(t, tz),
        Err(_) => t.unix().to_string(),
    }
}

/// The terminal's reader, read once.
fn terminal_reader() -> &'static (Style, TimeZone) {
    static READER: std::sync::OnceLock<(Style, TimeZone)> = std::sync::OnceLock::new();
    READER.get_or_init(terminal)
}

/// A calendar date kept as its midnight UTC (a due date, a campaign's start) for a
/// terminal's reader: the same day wherever they are.
pub fn day_for_terminal(t: clout_core::Timestamp) -> String {
    let (style, _) = terminal_reader();
    match Timestamp::from_second(t.unix()) {
        Ok(t) => style.date(t.to_zoned_datetime(TimeZone::UTC).date()),
        Err(_) => t.unix().to_string(),
    }
}

/// A timezone by IANA name; UTC for none or an unknown name.
pub fn zone(name: Option<&str>) -> TimeZone {
    name.and_then(|n| TimeZone::get(n).ok()).unwrap_or(TimeZone::UTC)
}

/// What a page holds for a moment or a date: an RFC 3339 moment
/// (`2026-12-05T05:27:09Z`), a calendar date (`2026-12-05`), or Unix seconds.
pub enum When {
    Moment(Timestamp),
    Day(Date),
}

pub fn parse(text: &str) -> Option<When> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(When::Moment(t));
    }
    if let Ok(d) = text.parse::<Date>() {
        return Some(When::Day(d));
    }
    text.parse::<i64>().ok().and_then(|s| Timestamp::from_second(s).ok()).map(When::Moment)
}

/// A date: a moment's date where the reader lives, or a calendar date as it is.
pub fn format_date(when: &When, style: Style, tz: &TimeZone) -> String {
    match when {
        When::Moment(t) => style.date(t.to_zoned_datetime(tz.clone()).date()),
        When::Day(d) => style.date(*d),
    }
}

/// A moment with its time and zone; a calendar date alone.
pub fn format_date_time(when: &When, style: Style, tz: &TimeZone) -> String {
    match when {
        When::Moment(t) => style.date_time(*t, tz),
        When::Day(d) => style.date(*d),
    }
}

/// `text` with every RFC 3339 moment and ISO date in it written for the reader (an
/// explanation built on the server names the moments its numbers cover).
pub fn rewrite_dates(text: &str, style: Style, tz: &TimeZone) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i + 10 <= bytes.len() {
        let starts = (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) && looks_like_date(&bytes[i..i + 10]);
        if !starts {
            i += 1;
            continue;
        }
        // The longest stretch that could be a moment (digits, `-`, `:`, `.`, `T`, `Z`, `+`;
        // at most 35 bytes, as long as an RFC 3339 moment with nanoseconds and an offset).
        let mut end = i + 10;
        while end < bytes.len() && end - i < 35 && (bytes[end].is_ascii_digit() || b"-:.TZ+".contains(&bytes[end])) {
            end += 1;
        }
        // Give back a trailing `.` (the end of a sentence) or `-`.
        while end > i + 10 && matches!(bytes[end - 1], b'.' | b'-' | b':' | b'+') {
            end -= 1;
        }
        let found = parse(&text[i..end]).or_else(|| {
            parse(&text[i..i + 10]).map(|w| (w, i + 10)).map(|(w, e)| {
                end = e;
                w
            })
        });
        // A date ends a word: `2026-10-21x` is not one.
        let ends_word = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
        match found {
            Some(w) if ends_word && (end == i + 10 || matches!(w, When::Moment(_))) => {
                out.push_str(&text[copied..i]);
                out.push_str(&format_date_time(&w, style, tz));
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn looks_like_date(b: &[u8]) -> bool {
    b.len() == 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn dates_follow_the_locale_and_state_the_zone() {
        let t = at("2026-12-05T14:03:00Z");
        let utc = TimeZone::UTC;
        assert_eq!(Style::of("en-US").date_time(t, &utc), "Dec 5, 2026, 2:03 PM UTC");
        assert_eq!(Style::of("en-GB").date_time(t, &utc), "5 Dec 2026, 14:03 UTC");
        assert_eq!(Style::of("de-DE").date_time(t, &utc), "5 Dec 2026, 14:03 UTC");
        assert_eq!(Style::of("ja").date_time(t, &utc), "2026 Dec 5, 2:03 PM UTC");
        assert_eq!(Style::of("").date(Date::constant(2026, 1, 9)), "9 Jan 2026");
        // Midnight and noon on a 12-hour clock.
        assert_eq!(Style::of("en-US").date_time(at("2026-12-05T00:07:00Z"), &utc), "Dec 5, 2026, 12:07 AM UTC");
        assert_eq!(Style::of("en-US").date_time(at("2026-12-05T12:00:00Z"), &utc), "Dec 5, 2026, 12:00 PM UTC");
    }

    #[test]
    fn a_moment_is_shown_where_the_reader_lives_and_the_date_can_change() {
        let t = at("2026-12-05T23:30:00Z");
        let berlin = zone(Some("Europe/Berlin"));
        assert_eq!(Style::of("en-GB").date_time(t, &berlin), "6 Dec 2026, 00:30 CET");
        let new_york = zone(Some("America/New_York"));
        assert_eq!(Style::of("en-US").date_time(t, &new_york), "Dec 5, 2026, 6:30 PM EST");
        // In summer the abbreviation changes with the offset.
        assert_eq!(Style::of("en-GB").date_time(at("2026-07-01T12:00:00Z"), &berlin), "1 Jul 2026, 14:00 CEST");
        // A zone without an abbreviation of its own is named by its offset.
        assert_eq!(Style::of("en-GB").date_time(t, &zone(Some("Asia/Dubai"))), "6 Dec 2026, 03:30 UTC+04");
        assert_eq!(Style::of("en-GB").date_time(t, &zone(Some("Asia/Kolkata"))), "6 Dec 2026, 05:00 IST");
        // A calendar date is the same date everywhere.
        let day = parse("2026-12-05").unwrap();
        assert_eq!(format_date(&day, Style::of("en-US"), &zone(Some("Pacific/Auckland"))), "Dec 5, 2026");
        // An unknown zone name falls back to UTC rather than failing the page.
        assert_eq!(Style::of("en-GB").date_time(t, &zone(Some("Mars/Olympus"))), "5 Dec 2026, 23:30 UTC");
    }

    #[test]
    fn moments_inside_a_sentence_are_rewritten_and_the_rest_kept() {
        let s = Style::of("en-GB");
        let utc = TimeZone::UTC;
        assert_eq!(
            rewrite_dates("12 posts published after 2026-10-21T12:00:00Z and by 2026-11-19T12:00:00Z.", s, &utc),
            "12 posts published after 21 Oct 2026, 12:00 UTC and by 19 Nov 2026, 12:00 UTC."
        );
        assert_eq!(rewrite_dates("since 2026-02-03, 40 posts", s, &utc), "since 3 Feb 2026, 40 posts");
        // Not dates: an id with digits, a bad month, a longer number.
        for kept in ["run 12026-10-21", "2026-13-40 is no date", "v2026-10-21x", "2026-10-21x", "no date at all", ""] {
            assert_eq!(rewrite_dates(kept, s, &utc), kept);
        }
        // Not ASCII around it.
        assert_eq!(rewrite_dates("→ 2026-10-21 ←", s, &utc), "→ 21 Oct 2026 ←");
    }

    #[test]
    fn the_most_preferred_language_wins() {
        assert_eq!(preferred_locale(Some("en-US,en;q=0.9")), "en-US");
        assert_eq!(preferred_locale(Some("fr;q=0.5, de-DE;q=0.8, *;q=0.9")), "de-DE");
        assert_eq!(preferred_locale(Some("en-GB;q=0")), "");
        assert_eq!(preferred_locale(Some("<script>")), "");
        assert_eq!(preferred_locale(None), "");
    }

    #[test]
    fn stored_moments_dates_and_unix_seconds_are_read() {
        let utc = TimeZone::UTC;
        let s = Style::of("en-GB");
        assert_eq!(format_date_time(&parse("2026-12-05T05:27:09Z").unwrap(), s, &utc), "5 Dec 2026, 05:27 UTC");
        assert_eq!(format_date(&parse("1764912429").unwrap(), s, &utc), "5 Dec 2025");
        assert_eq!(format_date_time(&parse("2026-02-28").unwrap(), s, &utc), "28 Feb 2026");
        assert!(parse("next tuesday").is_none());
    }
}
