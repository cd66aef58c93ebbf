//! Issue 12's import findings, re-run as written against the real binary: broken CSV,
//! truncated and padded gzip, decompression bombs and counts at the edge of 64 bits.

use std::io::Write;

use crate::util::{AS_OF, Dir};

fn followers_line(i: usize) -> String {
    format!(r#"{{"kind":"followers","platform":"x","handle":"acct{i}","followers":{},"observed_at":{AS_OF}}}"#, 100 + i)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn import_json(dir: &Dir, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut all = vec!["import", "--json"];
    all.extend_from_slice(args);
    let out = dir.run(&all);
    let summary = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), summary, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_truncated_gzip_keeps_every_complete_line_whatever_the_batch_size() {
    // Finding 9: 648 complete lines kept 0 or 600 depending on --batch-size.
    let text: String = (0..700).map(|i| followers_line(i) + "\n").collect();
    let packed = gzip(text.as_bytes());
    for batch in ["1", "100", "600", "50000"] {
        let dir = Dir::new();
        // Cut the stream so that the last lines are lost: count what survives by decoding.
        let cut = &packed[..packed.len() * 9 / 10];
        let mut survived = Vec::new();
        let _ = std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(cut), &mut survived);
        let complete = survived.iter().filter(|&&b| b == b'\n').count();
        assert!(complete > 100 && complete < 700, "{complete}");
        std::fs::write(dir.path().join("cut.ndjson.gz"), cut).unwrap();
        let (code, _, stderr) = import_json(&dir, &["cut.ndjson.gz", "--batch-size", batch]);
        assert_eq!(code, Some(1), "a truncated file is a file error");
        assert!(stderr.contains(&format!("line {}", complete + 1)), "{stderr}");
        assert!(stderr.contains("truncated"), "{stderr}");
        let status: serde_json::Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
        assert_eq!(status["runs"][0]["accepted"], complete as u64, "batch size {batch}");
    }
}

#[test]
fn junk_after_a_valid_gzip_member_keeps_the_member_and_says_where() {
    let text: String = (0..50).map(|i| followers_line(i) + "\n").collect();
    let mut packed = gzip(text.as_bytes());
    packed.extend_from_slice(b"this is not gzip at all");
    let dir = Dir::new();
    std::fs::write(dir.path().join("padded.ndjson.gz"), packed).unwrap();
    let (code, _, stderr) = import_json(&dir, &["padded.ndjson.gz"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("line 51"), "{stderr}");
    let status: serde_json::Value = serde_json::from_str(&dir.stdout(&["status", "--json"])).unwrap();
    assert_eq!(status["runs"][0]["accepted"], 50);
}

#[test]
fn a_decompression_bomb_stops_at_the_limit_with_a_file_error() {
    // Finding 2: 306 KB of gzip holding one 300 MB line. Here 3 MB of zeros in a few KB.
    let mut text = followers_line(1) + "\n";
    text.push_str(&"0".repeat(3 << 20));
    let dir = Dir::new();
    std::fs::write(dir.path().join("bomb.ndjson.gz"), gzip(text.as_bytes())).unwrap();
    let (code, _, stderr) = import_json(&dir, &["bomb.ndjson.gz", "--max-decompressed-bytes", "1000000"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("decompresses to more than 1000000 bytes") && stderr.contains("line 2"), "{stderr}");
    // Under the default limit, the same file is one over-long line: a reject, not a bio.
    let dir = Dir::new();
    std::fs::write(dir.path().join("bomb.ndjson.gz"), gzip(text.as_bytes())).unwrap();
    let (code, summary, stderr) = import_json(&dir, &["bomb.ndjson.gz"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(1), Some(1)));
    assert!(stderr.contains("bomb.ndjson.gz:2:") && stderr.contains("over the limit of 1048576 bytes"), "{stderr}");
    // The reasons file names the line; the rejects file does not hold 3 MB.
    let rejects = std::path::Path::new(summary["rejects_file"].as_str().unwrap());
    let reasons = std::fs::read_to_string(rejects.parent().unwrap().join("reasons.tsv")).unwrap();
    assert!(reasons.contains("bomb.ndjson.gz\t2\t"), "{reasons}");
    assert!(std::fs::metadata(rejects).map_or(0, |m| m.len()) < 1000);
}

#[test]
fn an_unclosed_quote_in_the_last_column_of_a_big_csv_loses_one_row() {
    // Finding 1: a 100,001-row file gave 1 accepted, 0 rejected, exit 0.
    let mut text = String::from("platform,handle,followers,observed_at,bio\n");
    text.push_str(&format!("x,opener,5,{AS_OF},\"never closed\n"));
    for i in 0..100_000 {
        text.push_str(&format!("x,user{i},{},{AS_OF},bio\n", 100 + i));
    }
    let dir = Dir::new();
    dir.write("big.csv", &text);
    let (code, summary, stderr) = import_json(&dir, &["big.csv"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(100_000), Some(1)));
    assert!(stderr.contains("big.csv:2: a quoted field opened on this line does not close"), "{stderr}");
}

#[test]
fn a_count_at_the_edge_is_exact_and_one_past_it_is_refused() {
    // Finding 10: counts near the 64-bit maximum saturated and gave 200 % instead of 300 %.
    let big = 3_000_000_000_000_000u64;
    let mut lines = vec![
        format!(r#"{{"kind":"channel","platform":"x","handle":"huge","followers":{big},"observed_at":{AS_OF}}}"#),
        format!(
            r#"{{"kind":"channel","platform":"x","handle":"over","followers":{},"observed_at":{AS_OF}}}"#,
            u64::MAX / 2
        ),
    ];
    // Six posts, each with likes of three times the followers: every rate is 300 %.
    for p in 0..6 {
        lines.push(format!(
            r#"{{"kind":"post","platform":"x","handle":"huge","post_id":"p{p}","published_at":{},"likes":{},"comments":0,"observed_at":{AS_OF}}}"#,
            AS_OF - (3 + p) * 86_400,
            3 * big
        ));
    }
    let dir = Dir::new();
    dir.write("edge.ndjson", &lines.join("\n"));
    let (code, summary, stderr) = import_json(&dir, &["edge.ndjson"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(7), Some(1)));
    assert!(stderr.contains("edge.ndjson:2: field followers:") && stderr.contains("out of range"), "{stderr}");
    let channel = &dir.json_lines(&["channels", "--json"])[0];
    let er = channel["engagement_rate"].as_f64().unwrap_or(f64::NAN);
    assert!((er - 300.0).abs() < 1e-9, "{channel}");
}

#[test]
fn spoofing_handles_are_refused_and_odd_ones_link_to_their_own_page() {
    // Finding 8: zero-width and control characters were accepted, NFC and NFD `é` were two
    // channels, and Directory links were not percent-encoded (`a/b` gave a 404, `..` was
    // served as a channel).
    let channel = |handle: &str, followers: u64| {
        serde_json::json!({"kind": "channel", "platform": "instagram", "handle": handle,
            "followers": followers, "observed_at": AS_OF})
        .to_string()
    };
    let lines = [
        channel("healing_ethan", 3_000),
        channel("healing_ethan\u{200b}", 3_100),
        channel("nul\u{0}", 10),
        channel("evil\u{202e}cod", 10),
        channel("jos\u{e9}", 4_000),
        channel("jose\u{301}", 4_100),
        channel("a/b", 10),
        channel("..", 10),
        channel("sharp#one", 5_000),
    ];
    let dir = Dir::new();
    dir.write("handles.ndjson", &lines.join("\n"));
    let (code, summary, stderr) = import_json(&dir, &["handles.ndjson"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((summary["accepted"].as_u64(), summary["rejected"].as_u64()), (Some(4), Some(5)), "{stderr}");
    for (line, what) in [(2, "U+200B"), (3, "U+0000"), (4, "U+202E"), (7, "'/'"), (8, "only dots")] {
        assert!(stderr.contains(&format!("handles.ndjson:{line}: field handle:")) && stderr.contains(what), "{stderr}");
    }
    let channels = dir.json_lines(&["channels", "--json"]);
    let handles: Vec<&str> = channels.iter().map(|c| c["handle"].as_str().unwrap()).collect();
    assert_eq!(handles.len(), 3, "{handles:?}");
    assert!(handles.contains(&"jos\u{e9}"), "the decomposed spelling joined the composed one: {handles:?}");

    // Every Directory link opens the channel it names.
    let server = crate::server::Server::start(dir);
    let admin = crate::server::admin(&server);
    let page = admin.get("/directory");
    assert_eq!(page.status, 200);
    let links: Vec<&str> = page
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with("/channels/"))
        .collect();
    assert_eq!(links.len(), 3, "{links:?}");
    assert!(links.contains(&"/channels/instagram/sharp%23one"), "{links:?}");
    for link in links {
        let r = admin.get(link);
        assert_eq!(r.status, 200, "{link}");
    }
}

/// Files under the server's upload folder, relative to it.
fn uploads(data: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for folder in std::fs::read_dir(data.join("uploads")).into_iter().flatten().flatten() {
        out.push(folder.file_name().to_string_lossy().to_string() + "/");
        for file in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
            out.push(format!("{}/{}", folder.file_name().to_string_lossy(), file.file_name().to_string_lossy()));
        }
    }
    out.sort();
    out
}

#[test]
fn uploads_leave_nothing_half_written_and_are_not_kept_forever() {
    // Finding 11: partial uploads stayed in uploads/; every upload was kept with no policy.
    let dir = Dir::new();
    let data = dir.data();
    // What a crash mid-upload leaves: a folder with a `.partial` file.
    std::fs::create_dir_all(data.join("uploads/1795176000-deadbeef")).unwrap();
    std::fs::write(data.join("uploads/1795176000-deadbeef/a.ndjson.partial"), "{\"kind\":").unwrap();
    let server = crate::server::Server::start_with(dir, &["--keep-uploads-days", "0"], &[]);
    let admin = crate::server::admin(&server);
    assert_eq!(uploads(&data), Vec::<String>::new(), "the start removed the crash's leftovers");

    // A refused upload (an empty file after a good one) leaves nothing.
    let good = followers_line(1);
    let r = admin.upload("/api/v1/imports", &[], &[("a.ndjson", good.as_bytes()), ("empty.ndjson", b"")]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(uploads(&data), Vec::<String>::new());

    // An imported upload is removed under a retention of 0 days; its observations stay.
    let r = admin.upload("/api/v1/imports", &[], &[("a.ndjson", good.as_bytes())]);
    assert!(r.status == 200 || r.status == 201, "{}", r.body);
    assert_eq!(uploads(&data), Vec::<String>::new());
    let status = admin.get("/api/v1/status").json();
    assert_eq!(status["follower_observations"], 1, "{status}");
}

#[test]
fn uploads_are_kept_for_the_retention_period() {
    let dir = Dir::new();
    let server = crate::server::Server::start(dir);
    let admin = crate::server::admin(&server);
    let r = admin.upload("/api/v1/imports", &[], &[("a.ndjson", followers_line(2).as_bytes())]);
    assert!(r.status == 200 || r.status == 201, "{}", r.body);
    let kept = uploads(&server.dir.data());
    assert_eq!(kept.len(), 2, "one folder with the file: {kept:?}");
    assert!(kept[1].ends_with("/a.ndjson"), "{kept:?}");
}

#[test]
fn a_note_is_written_while_an_upload_is_still_importing() {
    // Finding 13: a campaign or note write waited 17 s behind an upload.
    let source = Dir::new();
    source.stdout(&["demo", "--write", "w.ndjson", "--channels", "3000", "--seed", "9"]);
    let world = std::fs::read(source.path().join("w.ndjson")).unwrap();
    let dir = Dir::new();
    dir.write("one.ndjson", &crate::util::channel("instagram", "known", 5_000));
    dir.stdout(&["import", "one.ndjson"]);
    let server = crate::server::Server::start(dir);
    let admin = std::sync::Arc::new(crate::server::admin(&server));
    let uploader = admin.clone();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let upload = std::thread::spawn(move || {
        let r = uploader.upload("/api/v1/imports", &[], &[("w.ndjson", &world)]);
        done_tx.send(()).ok();
        r.status
    });
    // Wait until the upload's import has committed a batch, then write a note.
    let started = std::time::Instant::now();
    loop {
        let status = admin.get("/api/v1/status").json();
        if status["runs"].as_array().is_some_and(|r| r.len() == 2 && r[1]["accepted"].as_u64() > Some(0)) {
            break;
        }
        assert!(started.elapsed().as_secs() < 120, "the upload never started importing");
        assert!(done_rx.try_recv().is_err(), "the import ended before a write could overlap it");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let r = admin.json("POST", "/api/v1/creators/instagram/known/notes", serde_json::json!({"body": "called"}));
    assert_eq!(r.status, 201, "{}", r.body);
    let status = admin.get("/api/v1/status").json();
    assert_eq!(status["runs"][1]["status"], "running", "the note waited for the whole import: {status}");
    assert!(upload.join().unwrap() < 300);
}

#[test]
fn the_command_line_writes_while_the_server_runs_and_the_directory_follows() {
    // Finding 13: the CLI could not write at all while `clout serve` ran.
    let dir = Dir::new();
    dir.write("one.ndjson", &crate::util::channel("instagram", "first", 5_000));
    dir.stdout(&["import", "one.ndjson"]);
    let server = crate::server::Server::start(dir);
    let admin = crate::server::admin(&server);
    let search = |q: &str| admin.get(&format!("/api/v1/search?q={q}")).json()["total"].as_u64();
    assert_eq!(search("first"), Some(1));

    // An import and a campaign from the command line, beside the server.
    server.dir.write("two.ndjson", &crate::util::channel("instagram", "second", 6_000));
    let out = server.dir.run(&["import", "two.ndjson"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = server.dir.run(&["campaign", "create", "Spring", "--budget", "5000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The server's Directory picks the new channel up (it looks every second).
    let started = std::time::Instant::now();
    while search("second") != Some(1) {
        assert!(started.elapsed().as_secs() < 30, "the server's Directory never saw the CLI's import");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let campaigns = admin.get("/api/v1/campaigns").json();
    assert!(campaigns.to_string().contains("Spring"), "{campaigns}");

    // A restore needs the store to itself, and says why it cannot have it.
    if server.dir.backup_is_pg_dumps() {
        return;
    }
    let backup = server.dir.path().join("bk");
    server.dir.stdout(&["backup", backup.to_str().unwrap()]);
    let out = server.dir.run(&["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stop it first"), "{}", String::from_utf8_lossy(&out.stderr));
}
