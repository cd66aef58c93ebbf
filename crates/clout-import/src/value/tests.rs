use super::*;

#[test]
fn abbreviated_counts_are_exact() {
    for (raw, n) in [
        ("0", 0),
        ("1234", 1_234),
        ("12.5k", 12_500),
        ("12.5K", 12_500),
        ("1.2M", 1_200_000),
        ("1.25m", 1_250_000),
        ("3B", 3_000_000_000),
        ("2k", 2_000),
        (".5k", 500),
        ("1,234", 1_234),
        ("1,234,567", 1_234_567),
        ("1,234.5k", 1_234_500),
        (" 42 ", 42),
        ("12.50k", 12_500),
    ] {
        assert_eq!(parse_count(raw), Ok(n), "{raw}");
    }
}

#[test]
fn counts_that_are_not_whole_or_not_numbers_are_refused() {
    for raw in ["-5", "1.2345k", "12.5", "abc", "1,23", "k", "1.2.3", "", "12,5k", "1e3", "7.0"] {
        assert!(parse_count(raw).is_err(), "{raw} should be refused");
    }
    assert!(parse_count("99999999999999999999").is_err());
    assert!(parse_count("-5").unwrap_err().contains("negative"));
}

#[test]
fn json_numbers_as_counts() {
    assert_eq!(count(&Value::UInt(7)), Ok(Some(7)));
    // A JSON number with a decimal point or an exponent is refused: `7.0` and `7e0` read
    // the same, and CSV refuses both.
    assert!(count(&Value::Float(7.0)).is_err());
    assert_eq!(count(&Value::Null), Ok(None));
    assert!(count(&Value::Int(-1)).unwrap_err().contains("negative"));
    assert!(count(&Value::Float(7.5)).is_err());
    assert!(count(&Value::Bool(true)).is_err());
}

#[test]
fn times_in_rfc3339_or_unix_seconds() {
    let expect = Some(Timestamp::from_unix(1_795_168_800)); // 2026-11-20T10:00:00Z
    assert_eq!(time(&Value::Str("2026-11-20T10:00:00Z".into())), Ok(expect));
    assert_eq!(time(&Value::Str("2026-11-20T12:00:00+02:00".into())), Ok(expect));
    assert_eq!(time(&Value::Str("2026-11-20T10:00:00.750Z".into())), Ok(expect));
    assert_eq!(time(&Value::UInt(1_795_168_800)), Ok(expect));
    assert_eq!(time(&Value::Str("1795168800".into())), Ok(expect));
    assert_eq!(time(&Value::Null), Ok(None));
}

#[test]
fn unparsable_times_are_refused_with_the_reason() {
    assert!(time(&Value::Str("yesterday".into())).unwrap_err().contains("not an RFC 3339 time"));
    assert!(time(&Value::Str("2026-11-20".into())).is_err(), "a date has no time of day or offset");
    assert!(time(&Value::Str("2026-13-01T00:00:00Z".into())).is_err());
    assert!(time(&Value::UInt(1_795_168_800_000)).unwrap_err().contains("milliseconds"));
    assert!(time(&Value::Int(-5)).is_err());
    assert!(time(&Value::Bool(true)).is_err());
}

#[test]
fn lists_from_arrays_or_text() {
    let v = Value::Array(vec![Value::Str("#vegan".into()), Value::Str("food".into()), Value::Str("#".into())]);
    assert_eq!(word_list(&v, '#').map(|w| w.as_str().to_string()), Ok("vegan food".to_string()));
    let text = Value::Str("#vegan  #food,#plantbased".into());
    assert_eq!(
        word_list(&text, '#').map(|w| w.iter().collect::<Vec<_>>().join("|")),
        Ok("vegan|food|plantbased".into())
    );
    assert!(word_list(&Value::Array(vec![Value::UInt(1)]), '#').is_err());
}

#[test]
fn the_canonical_time_fast_path_agrees_with_jiff() {
    // Every day of 1999..=2101, at a time of day that drifts by an hour a day, both ways.
    let mut t = jiff::Timestamp::from_second(915_148_800).unwrap(); // 1999-01-01
    let end = jiff::Timestamp::from_second(4_133_980_800).unwrap(); // 2101-01-01
    let step = jiff::SignedDuration::from_secs(86_400 + 3_671);
    while t < end {
        let text = t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        assert_eq!(canonical_utc(&text), Some(t.as_second()), "{text}");
        t = t.checked_add(step).unwrap();
    }
    // Not canonical, or not a date: left to jiff, which refuses the impossible ones.
    for text in ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T10:00:00+01:00"] {
        assert_eq!(canonical_utc(text), None, "{text}");
    }
    assert!(time(&Value::Str("2026-02-29T00:00:00Z".into())).is_err());
    assert_eq!(time(&Value::Str("2024-02-29T00:00:00Z".into())), Ok(Some(Timestamp::from_unix(1_709_164_800))));
}

#[test]
fn booleans_in_several_spellings() {
    assert_eq!(boolean(&Value::Str("TRUE".into())), Ok(Some(true)));
    assert_eq!(boolean(&Value::Str("no".into())), Ok(Some(false)));
    assert_eq!(boolean(&Value::UInt(1)), Ok(Some(true)));
    assert!(boolean(&Value::Str("maybe".into())).is_err());
}
