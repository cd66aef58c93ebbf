//! The page templates, embedded in the binary. `.html` templates escape every value
//! unless it is marked safe (only our own SVG charts are).

use minijinja::{Environment, State, Value};

use super::dates::{Style, When, format_date, format_date_time, parse, rewrite_dates, zone};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("setup.html", include_str!("../../templates/setup.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("directory.html", include_str!("../../templates/directory.html")),
    ("posts.html", include_str!("../../templates/posts.html")),
    ("brief.html", include_str!("../../templates/brief.html")),
    ("brands.html", include_str!("../../templates/brands.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("channel.html", include_str!("../../templates/channel.html")),
    ("plan.html", include_str!("../../templates/plan.html")),
    ("campaigns.html", include_str!("../../templates/campaigns.html")),
    ("campaign.html", include_str!("../../templates/campaign.html")),
    ("campaign_print.html", include_str!("../../templates/campaign_print.html")),
    ("campaign_report.html", include_str!("../../templates/campaign_report.html")),
    ("lists.html", include_str!("../../templates/lists.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("imports.html", include_str!("../../templates/imports.html")),
    ("import.html", include_str!("../../templates/import.html")),
    ("account.html", include_str!("../../templates/account.html")),
    ("users.html", include_str!("../../templates/users.html")),
    ("error.html", include_str!("../../templates/error.html")),
];

pub(crate) const CSS: &str = include_str!("../../static/app.css");

/// A count as people read it, `12,345`; a fractional count (an expected value) rounded.
fn thousands(v: Value) -> String {
    let n = match v.as_i64() {
        Some(n) => n,
        None => match f64::try_from(v.clone()) {
            Ok(x) if !v.is_none() && x.is_finite() && x.abs() < 9.0e18 => x.round() as i64,
            Ok(_) if !v.is_none() => return "–".to_string(),
            _ => return if v.is_none() || v.is_undefined() { "–".to_string() } else { v.to_string() },
        },
    };
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn fixed(v: Value, digits: Option<u32>) -> String {
    match f64::try_from(v.clone()) {
        Ok(x) if !v.is_none() => format!("{x:.*}", digits.unwrap_or(2) as usize),
        _ => "–".to_string(),
    }
}

/// An amount as people read it: two decimals and thousands separated, `1,598.96`.
fn money(v: Value) -> String {
    let Ok(x) = f64::try_from(v.clone()) else { return "–".to_string() };
    if v.is_none() || !x.is_finite() {
        return "–".to_string();
    }
    let text = format!("{:.2}", x.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}.{cents}", if x < 0.0 && text != "0.00" { "-" } else { "" })
}

/// The reader's date style and timezone, from the page's `locale` and `tz`.
fn reader(state: &State) -> (Style, jiff::tz::TimeZone) {
    let locale = state.lookup("locale").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let tz = state.lookup("tz").and_then(|v| v.as_str().map(str::to_string));
    (Style::of(&locale), zone(tz.as_deref()))
}

fn when(v: &Value) -> Option<When> {
    if let Some(n) = v.as_i64() {
        return parse(&n.to_string());
    }
    v.as_str().and_then(parse)
}

/// `v` written by `format` for the reader; `–` for none, and anything else as it is.
fn written(state: &State, v: Value, format: fn(&When, Style, &jiff::tz::TimeZone) -> String) -> String {
    let (style, tz) = reader(state);
    match when(&v) {
        Some(w) => format(&w, style, &tz),
        None if v.is_none() || v.is_undefined() || v.as_str() == Some("") => "–".to_string(),
        None => v.to_string(),
    }
}

/// A date in the reader's locale and timezone (`Dec 5, 2026`); `–` for none.
fn date(state: &State, v: Value) -> String {
    written(state, v, format_date)
}

/// A moment with its time and the zone stated (`Dec 5, 2026, 2:03 PM UTC`).
fn datetime(state: &State, v: Value) -> String {
    written(state, v, format_date_time)
}

/// A text with the moments in it written for the reader.
fn dates_in(state: &State, v: Value) -> String {
    let (style, tz) = reader(state);
    match v.as_str() {
        Some(text) => rewrite_dates(text, style, &tz),
        None if v.is_none() || v.is_undefined() => String::new(),
        None => v.to_string(),
    }
}

/// The templates, parsed once.
pub(crate) fn env() -> &'static Environment<'static> {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(environment)
}

/// An id as words for people: `very_high` → `very high`, `comments_per_100_likes` →
/// `comments per 100 likes`.
fn words(v: Value) -> String {
    if v.is_none() || v.is_undefined() {
        return "–".to_string();
    }
    v.as_str().map_or_else(|| v.to_string(), |s| s.replace('_', " "))
}

/// A tier as people read it: the tier below nano is "under 1,000" followers, not "none".
fn tier_name(v: Value) -> String {
    match v.as_str() {
        Some("none") => "under 1,000".to_string(),
        Some(t) => t.to_string(),
        None => "–".to_string(),
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            // A template that does not parse is a build defect: the tests render every page.
            panic!("template {name}: {e}");
        }
    }
    env.add_filter("thousands", thousands);
    env.add_filter("fixed", fixed);
    env.add_filter("money", money);
    env.add_filter("words", words);
    env.add_filter("tier_name", tier_name);
    env.add_filter("date", date);
    env.add_filter("datetime", datetime);
    env.add_filter("dates_in", dates_in);
    env
}

#[cfg(test)]
mod money_tests {
    use super::money;
    use minijinja::Value;

    #[test]
    fn amounts_have_two_decimals_and_separated_thousands() {
        assert_eq!(money(Value::from(1598.96)), "1,598.96");
        assert_eq!(money(Value::from(2000)), "2,000.00");
        assert_eq!(money(Value::from(1234567.5)), "1,234,567.50");
        assert_eq!(money(Value::from(-250.0)), "-250.00");
        assert_eq!(money(Value::from(999.999)), "1,000.00");
        assert_eq!(money(Value::from(())), "–");
    }

    #[test]
    fn counts_are_separated_and_expected_counts_rounded() {
        use super::thousands;
        assert_eq!(thousands(Value::from(2115)), "2,115");
        assert_eq!(thousands(Value::from(4337.6)), "4,338");
        assert_eq!(thousands(Value::from(-1234567)), "-1,234,567");
        assert_eq!(thousands(Value::from(f64::NAN)), "–", "no NaN on a page");
        assert_eq!(thousands(Value::from(())), "–");
    }
}
