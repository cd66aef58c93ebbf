//! The interchange reader against small synthetic files written from the spec.

use clout_core::{Platform, PostType, Record, Timestamp};

use super::*;

fn issues(parsed: Parsed) -> Vec<String> {
    parsed.expect_err("the record should be rejected").iter().map(|i| i.to_string()).collect()
}

/// A record read from a file, owned.
#[derive(Debug)]
struct CsvRow {
    line: u64,
    raw: Vec<u8>,
    parsed: Parsed,
}

/// Every row of an in-memory CSV file; panics on a file-level error.
fn csv_rows(data: &[u8]) -> Vec<CsvRow> {
    let mut reader = CsvReader::new(data, Limits::default()).expect("a readable header");
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().expect("no file fault") {
        rows.push(CsvRow { line: row.line, raw: row.raw.to_vec(), parsed: row.parsed });
    }
    rows
}

fn csv_start_error(data: &[u8]) -> CsvError {
    match CsvReader::new(data, Limits::default()) {
        Err(CsvStart::Header(e)) => e,
        Err(other) => panic!("not a header error: {other}"),
        Ok(_) => panic!("the header was accepted"),
    }
}

#[test]
fn a_channel_record_with_every_field() {
    let line = br#"{"kind":"channel","platform":"Instagram","handle":"@VeganVibes","followers":12500,"observed_at":"2026-11-20T10:00:00Z","name":"Vegan Vibes","bio":"Plant food","country":"au","language":"en-AU","verified":false,"creator_id":"c1","following":300,"email":"hi@vegan.example","future_field":{"a":1}}"#;
    let Record::Channel(c) = parse_line(line).unwrap() else { panic!("not a channel") };
    assert_eq!(c.platform, Platform::Instagram);
    assert_eq!(c.handle.as_str(), "veganvibes");
    assert_eq!(c.followers, 12_500);
    assert_eq!(c.observed_at, Timestamp::from_unix(1_795_168_800));
    assert_eq!(c.country.as_deref(), Some("AU"));
    assert_eq!(c.language.as_deref(), Some("en"));
    assert_eq!(c.verified, Some(false));
    assert_eq!(c.following, Some(300));
    assert_eq!(c.extra.as_deref(), Some(r#"{"future_field":{"a":1}}"#), "unknown fields are kept aside verbatim");
}

#[test]
fn a_post_record_with_hidden_counts_and_unix_times() {
    let line = br##"{"kind":"post","platform":"tiktok","handle":"Dancer","post_id":98765,"published_at":1795600000,"likes":null,"comments":12,"views":"1.2M","type":"Short","hashtags":["#dance","fyp"],"sponsored":true}"##;
    let Record::Post(p) = parse_line(line).unwrap() else { panic!("not a post") };
    assert_eq!(p.post_id, "98765");
    assert_eq!(p.published_at, Timestamp::from_unix(1_795_600_000));
    assert_eq!(p.observed_at, None);
    assert_eq!((p.likes, p.comments, p.shares, p.views), (None, Some(12), None, Some(1_200_000)));
    assert_eq!(p.post_type, Some(PostType::Short));
    assert_eq!(p.hashtags.iter().collect::<Vec<_>>(), ["dance", "fyp"]);
    assert_eq!(p.sponsored, Some(true));
    assert_eq!(p.extra, None);
}

#[test]
fn a_followers_record() {
    let line = br#"{"kind":"followers","platform":"youtube","handle":"chef","observed_at":"2026-10-01T00:00:00Z","followers":"2,500"}"#;
    let Record::Followers(f) = parse_line(line).unwrap() else { panic!("not followers") };
    assert_eq!(f.followers, 2_500);
}

#[test]
fn malformed_lines_are_rejected_with_field_and_reason() {
    let cases: &[(&[u8], &str)] = &[
        (b"{not json", "invalid JSON"),
        (br#"{"kind":"post","platform":"instagram","handle":"a","post_id":"1","publi"#, "truncated JSON"),
        (br#"{"kind":"channel","platform":"myspace","handle":"a","followers":1,"observed_at":1795600000}"#, "platform: unknown platform 'myspace'"),
        (br#"{"kind":"story","platform":"instagram","handle":"a"}"#, "kind: unknown kind 'story'"),
        (br#"{"platform":"instagram","handle":"a"}"#, "kind: missing required field"),
        (br#"{"kind":"channel","platform":"instagram","handle":"a","followers":-3,"observed_at":1795600000}"#, "followers: negative count -3"),
        (br#"{"kind":"channel","platform":"instagram","handle":"a","observed_at":1795600000}"#, "followers: missing required field"),
        (br#"{"kind":"channel","platform":"instagram","handle":"a","followers":5,"observed_at":"last tuesday"}"#, "observed_at: 'last tuesday' is not an RFC 3339 time"),
        (br#"{"kind":"post","platform":"instagram","handle":"a","post_id":"1","published_at":1795600000,"comments":3}"#, "likes: missing required field"),
        (br#"{"kind":"post","platform":"instagram","handle":"a","post_id":"1","published_at":1795600000,"likes":1,"comments":3,"type":"hologram"}"#, "type: unknown post type 'hologram'"),
        (br#"{"kind":"channel","platform":"instagram","handle":"","followers":5,"observed_at":1795600000}"#, "handle: required field is empty"),
        (b"[1,2,3]", "invalid JSON"),
        (br#"{"kind":"channel","platform":"instagram","handle":"a","followers":18446744073709551615,"observed_at":1}"#, "followers: 18446744073709551615 is out of range"),
        (b"{\"kind\":\"channel\",\"handle\":\"\xff\"}", "not valid UTF-8"),
    ];
    for (line, expect) in cases {
        let found = issues(parse_line(line));
        assert!(
            found.iter().any(|i| i.starts_with(expect)),
            "{}: expected an issue starting with {expect:?}, got {found:?}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn a_comment_record_and_its_required_fields() {
    let line = br#"{"kind":"comment","platform":"instagram","handle":"Chef","post_id":"p1","comment_id":99,"author":"@Ana","text":"Which flour?","published_at":1795600000}"#;
    let Record::Comment(c) = parse_line(line).unwrap() else { panic!("not a comment") };
    assert_eq!((c.post_id.as_str(), c.comment_id.as_str(), c.author.as_str()), ("p1", "99", "ana"));
    assert_eq!(c.text.as_deref(), Some("Which flour?"));
    let found = issues(parse_line(br#"{"kind":"comment","platform":"instagram","handle":"chef","post_id":"p1"}"#));
    assert!(
        found.iter().any(|i| i.starts_with("comment_id: missing"))
            && found.iter().any(|i| i.starts_with("author: missing")),
        "{found:?}"
    );
}

#[test]
fn a_followers_record_keeps_unknown_fields_aside() {
    let line = br#"{"kind":"followers","platform":"youtube","handle":"chef","observed_at":1795600000,"followers":10,"source_tool":"x"}"#;
    let Record::Followers(f) = parse_line(line).unwrap() else { panic!("not followers") };
    assert_eq!(f.extra.as_deref(), Some(r#"{"source_tool":"x"}"#));
}

#[test]
fn every_problem_of_a_record_is_reported() {
    let line = br#"{"kind":"channel","platform":"myspace","handle":"a","followers":"lots","observed_at":"soon"}"#;
    let found = issues(parse_line(line));
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn csv_rows_with_abbreviated_counts_and_kind_from_columns() {
    let data = b"platform,handle,post_id,published_at,likes,comments,views,extra_col\n\
instagram,@Chef.Ana,p1,2026-11-01T10:00:00Z,12.5k,1.2K,1.2M,hello\n\
instagram,chef.ana,p2,2026-11-02T10:00:00Z,,3,,\n";
    let rows = csv_rows(data);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    let Ok(Record::Post(p)) = &rows[0].parsed else { panic!("{:?}", rows[0].parsed) };
    assert_eq!(p.handle.as_str(), "chef.ana");
    assert_eq!((p.likes, p.comments, p.views), (Some(12_500), Some(1_200), Some(1_200_000)));
    assert_eq!(p.extra.as_deref(), Some(r#"{"extra_col":"hello"}"#));
    let Ok(Record::Post(p)) = &rows[1].parsed else { panic!("{:?}", rows[1].parsed) };
    assert_eq!((p.likes, p.views), (None, None), "an empty cell is null");
}

#[test]
fn csv_without_post_id_is_channels_and_a_kind_column_decides_per_row() {
    let data = b"platform,handle,followers,observed_at\nyoutube,Cook,2.5k,1795600000\n";
    let rows = csv_rows(data);
    assert!(matches!(rows[0].parsed, Ok(Record::Channel(ref c)) if c.followers == 2_500));

    let data = b"kind,platform,handle,followers,observed_at\nfollowers,youtube,cook,100,1795600000\nchannel,youtube,cook,120,1795700000\n";
    let rows = csv_rows(data);
    assert!(matches!(rows[0].parsed, Ok(Record::Followers(_))));
    assert!(matches!(rows[1].parsed, Ok(Record::Channel(_))));
}

#[test]
fn csv_bad_rows_keep_their_bytes_and_line_numbers() {
    let data = b"platform,handle,followers,observed_at\r\n\
instagram,good,100,1795600000\r\n\
instagram,short_row,100\r\n\
instagram,\"multi\nline\",-5,1795600000\r\n\
instagram,last,1.2345k,1795600000";
    let rows = csv_rows(data);
    assert_eq!(
        CsvReader::new(&data[..], Limits::default()).unwrap().header_raw(),
        b"platform,handle,followers,observed_at"
    );
    assert_eq!(rows.len(), 4);
    assert!(rows[0].parsed.is_ok());
    assert_eq!(rows[1].line, 3);
    assert_eq!(rows[1].raw, b"instagram,short_row,100");
    assert!(issues(rows[1].parsed.clone())[0].contains("row has 3 fields but the header has 4"));
    assert_eq!(rows[2].line, 4);
    assert_eq!(rows[2].raw, b"instagram,\"multi\nline\",-5,1795600000");
    assert_eq!(rows[3].line, 6);
    assert_eq!(rows[3].raw, b"instagram,last,1.2345k,1795600000");
    assert!(issues(rows[3].parsed.clone())[0].starts_with("followers: '1.2345k' is not a whole number"));
}

#[test]
fn an_unclosed_quote_rejects_its_line_and_the_rows_after_it_still_import() {
    let data = b"platform,handle,followers,observed_at\n\
instagram,\"broken,100,1795600000\n\
instagram,good1,200,1795600000\n\
instagram,good2,300,1795600000\n";
    let rows = csv_rows(data);
    let summary: Vec<(u64, bool)> = rows.iter().map(|r| (r.line, r.parsed.is_ok())).collect();
    assert_eq!(summary, [(2, false), (3, true), (4, true)]);
    assert_eq!(rows[0].raw, b"instagram,\"broken,100,1795600000");
    assert!(issues(rows[0].parsed.clone())[0].contains("does not close"));
}

#[test]
fn a_quoted_field_over_several_lines_is_one_row() {
    let data = b"platform,handle,post_id,published_at,likes,comments,caption\n\
instagram,chef,p1,1795600000,1,2,\"first line\nsecond line\"\n\
instagram,chef,p2,1795600000,1,2,plain\n";
    let rows = csv_rows(data);
    assert_eq!(rows.len(), 2);
    let Ok(Record::Post(p)) = &rows[0].parsed else { panic!("{:?}", rows[0].parsed) };
    assert_eq!(p.caption.as_deref(), Some("first line\nsecond line"));
    assert_eq!((rows[0].line, rows[1].line), (2, 4));
}

#[test]
fn csv_header_problems_are_file_errors() {
    assert_eq!(csv_start_error(b""), CsvError::Empty);
    assert!(matches!(csv_start_error(b"name,followers\nx,1\n"), CsvError::MissingColumns(_)));
    assert_eq!(
        csv_start_error(b"platform,handle,followers,Followers\ninstagram,a,1,2\n"),
        CsvError::DuplicateColumn("followers".to_string())
    );
}

#[test]
fn file_types_by_extension() {
    assert_eq!(file_type("a.ndjson"), Some(FileType { format: Format::Ndjson, gzip: false }));
    assert_eq!(file_type("a.JSONL.gz"), Some(FileType { format: Format::Ndjson, gzip: true }));
    assert_eq!(file_type("b.csv.gz"), Some(FileType { format: Format::Csv, gzip: true }));
    assert_eq!(file_type("b.txt"), None);
}

#[test]
fn a_deal_keeps_its_fee_exact_and_bad_deals_say_why() {
    let line = br#"{"kind":"deal","platform":"instagram","handle":"@Chef.Ana","deliverable":"Reel","fee":1250.5,"currency":"usd","agreed_at":"2026-10-01T00:00:00Z"}"#;
    let Record::Deal(d) = parse_line(line).unwrap() else { panic!("not a deal") };
    assert_eq!(d.handle.as_str(), "chef.ana");
    assert_eq!(d.deliverable, clout_core::price::Deliverable::Video);
    assert_eq!((d.fee.minor, d.fee.currency.as_str()), (125_050, "USD"));
    let line = br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":"99.99","currency":"EUR","agreed_at":1795600000}"#;
    let Record::Deal(d) = parse_line(line).unwrap() else { panic!("not a deal") };
    assert_eq!(d.fee.minor, 9_999);

    let cases: &[(&[u8], &str)] = &[
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"tweet","fee":10,"currency":"USD","agreed_at":1795600000}"#, "deliverable: unknown deliverable 'tweet'"),
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":10.005,"currency":"USD","agreed_at":1795600000}"#, "fee: '10.005' has more decimals than USD has"),
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":0,"currency":"USD","agreed_at":1795600000}"#, "fee: a fee must be more than zero"),
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":"lots","currency":"USD","agreed_at":1795600000}"#, "fee: 'lots' is not an amount"),
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":10,"currency":"dollars","agreed_at":1795600000}"#, "currency: 'dollars' is not a currency code"),
        (br#"{"kind":"deal","platform":"instagram","handle":"a","deliverable":"post","fee":10,"currency":"USD"}"#, "agreed_at: missing required field"),
    ];
    for (line, expected) in cases {
        let found = issues(parse_line(line));
        assert!(found.iter().any(|i| i.starts_with(expected)), "{expected} not in {found:?}");
    }
}

#[test]
fn a_csv_with_a_fee_column_is_deals() {
    let data = b"platform,handle,deliverable,fee,currency,agreed_at\ninstagram,chef.ana,story,\"1,200.00\",USD,2026-10-01T00:00:00Z\n";
    let rows = csv_rows(data);
    assert!(matches!(rows[0].parsed, Ok(Record::Deal(ref d)) if d.fee.minor == 120_000), "{:?}", rows[0].parsed);
}

#[test]
fn a_conversion_needs_a_campaign_a_code_or_link_and_exact_revenue() {
    let line = br#"{"kind":"conversion","campaign":"Spring","code":"ANA10","platform":"instagram","handle":"@Chef.Ana","orders":12,"revenue":"1,234.50","currency":"usd","observed_at":"2026-11-21T00:00:00Z"}"#;
    let Record::Conversion(c) = parse_line(line).unwrap() else { panic!("not a conversion") };
    assert_eq!((c.campaign.as_str(), c.code.as_deref(), c.orders), ("Spring", Some("ANA10"), 12));
    assert_eq!(c.revenue.minor, 123_450);
    assert_eq!(c.channel.as_ref().map(|(p, h)| (p.as_str(), h.as_str())), Some(("instagram", "chef.ana")));
    // Without a creator: campaign-wide.
    let line = br#"{"kind":"conversion","campaign":"Spring","link":"https://shop.example/?utm=spring","orders":3,"revenue":90,"currency":"USD","observed_at":1795600000}"#;
    let Record::Conversion(c) = parse_line(line).unwrap() else { panic!("not a conversion") };
    assert_eq!((c.channel, c.revenue.minor), (None, 9_000));
    let cases: &[(&[u8], &str)] = &[
        (br#"{"kind":"conversion","campaign":"S","orders":1,"revenue":1,"currency":"USD","observed_at":1795600000}"#, "code: a conversion needs a code or a link"),
        (br#"{"kind":"conversion","code":"X","orders":1,"revenue":1,"currency":"USD","observed_at":1795600000}"#, "campaign: missing required field"),
        (br#"{"kind":"conversion","campaign":"S","code":"X","platform":"instagram","orders":1,"revenue":1,"currency":"USD","observed_at":1795600000}"#, "handle: missing required field"),
        (br#"{"kind":"conversion","campaign":"S","code":"X","orders":-1,"revenue":1,"currency":"USD","observed_at":1795600000}"#, "orders: negative count"),
        (br#"{"kind":"conversion","campaign":"S","code":"X","orders":1,"revenue":"1.005","currency":"USD","observed_at":1795600000}"#, "revenue: '1.005' has more decimals"),
        (br#"{"kind":"conversion","campaign":"S","code":"X","orders":1,"revenue":-5,"currency":"USD","observed_at":1795600000}"#, "revenue: revenue cannot be negative"),
    ];
    for (line, expected) in cases {
        let found = issues(parse_line(line));
        assert!(found.iter().any(|i| i.starts_with(expected)), "{expected} not in {found:?}");
    }
    // A CSV of conversions needs no platform or handle column.
    let data = b"campaign,code,orders,revenue,currency,observed_at\nSpring,ANA10,2,40.00,USD,1795600000\n";
    let rows = csv_rows(data);
    assert!(
        matches!(rows[0].parsed, Ok(Record::Conversion(ref c)) if c.revenue.minor == 4_000),
        "{:?}",
        rows[0].parsed
    );
}

#[cfg(test)]
mod hostile;
