//! `clout import --map`: other tools' CSV exports through a map of their columns, with
//! constants, the count syntax (`12.5K`, `3.9M`, `1,204`) and time formats; the built-in
//! maps on files in their layouts.

use serde_json::Value;

use crate::util::Dir;

fn show(dir: &Dir, channel: &str) -> Value {
    serde_json::from_str(&dir.stdout(&["show", channel, "--json"])).unwrap()
}

#[test]
fn a_map_of_my_own_reads_counts_as_people_write_them_and_keeps_other_columns() {
    let dir = Dir::new();
    dir.write(
        "creators.toml",
        "kind = \"channel\"\n[constants]\nplatform = \"tiktok\"\n[columns]\nhandle = \"Creator\"\nfollowers = \"Followers\"\nname = \"Display name\"\nemail = \"Contact\"\n",
    );
    dir.write(
        "creators.csv",
        "Creator,Display name,Followers,Contact,Engagement\n@Maya.Moves,Maya,12.5K,maya@example.test,4.1%\nrunwithraf,Raf,\"1,204\",,2%\nbig.one,Big,3.9M,,1%\nbroken,Broken,lots,,\n",
    );
    let out = dir.run(&[
        "import",
        "--map",
        "creators.toml",
        "creators.csv",
        "--observed-at",
        "2026-12-01T00:00:00Z",
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(3), Some(1)), "{report}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("creators.csv:5: field followers:"), "{stderr}");
    let maya = show(&dir, "tiktok/maya.moves");
    assert_eq!(
        (maya["followers"].as_u64(), maya["email"].as_str()),
        (Some(12_500), Some("maya@example.test")),
        "{maya}"
    );
    assert_eq!(show(&dir, "tiktok/runwithraf")["followers"], 1_204);
    assert_eq!(show(&dir, "tiktok/big.one")["followers"], 3_900_000);
    assert_eq!(maya["provenance"]["followers"]["observed_at"], "2026-12-01T00:00:00Z");
}

#[test]
fn the_built_in_maps_read_their_exports_layouts() {
    let dir = Dir::new();
    // Apify's Instagram Profile Scraper dataset, exported as CSV.
    dir.write(
        "apify.csv",
        "id,username,url,fullName,biography,externalUrl,followersCount,followsCount,postsCount,verified,isBusinessAccount,private,businessCategoryName\n\
         101,olive.grove.kitchen,https://www.instagram.com/olive.grove.kitchen,Olive Grove Kitchen,Home cooking,,8200,412,318,false,true,false,Chef\n",
    );
    dir.stdout(&["import", "--map", "apify-instagram-profiles", "apify.csv", "--observed-at", "2026-12-01T00:00:00Z"]);
    let olive = show(&dir, "instagram/olive.grove.kitchen");
    assert_eq!(
        (olive["followers"].as_u64(), olive["posts_count"].as_u64(), olive["is_business"].as_bool()),
        (Some(8200), Some(318), Some(true))
    );

    // YouTube Studio's "Table data.csv" through a copy of the built-in map with the handle set.
    let map = clout_app::BUILT_IN_MAPS.iter().find(|(n, _)| *n == "youtube-studio-content").unwrap().1;
    dir.write("studio.toml", &map.replace("CHANGE-ME", "loomandlathe"));
    dir.write(
        "Table data.csv",
        "Content,Video title,Video publish time,Duration,Views,Likes,Comments added,Shares\n\
         Total,,,,20100,1200,90,40\n\
         lathe00vid1,Workshop diary 8,\"Jun 28, 2026\",724,4100,210,18,5\n\
         lathe01vid1,Workshop diary 7,\"Jun 5, 2026\",45,9000,640,22,9\n",
    );
    let out = dir.run(&["import", "--map", "studio.toml", "Table data.csv", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["accepted"].as_u64(), report["rejected"].as_u64()), (Some(2), Some(1)), "{report}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Table data.csv:2: field published_at"), "the Total row");
}

#[test]
fn a_map_naming_a_column_the_file_lacks_stops_with_the_columns_name() {
    let dir = Dir::new();
    dir.write(
        "m.toml",
        "[constants]\nplatform = \"x\"\n[columns]\nhandle = \"Handle\"\nfollowers = \"Follower count\"\n",
    );
    dir.write("f.csv", "Handle,Followers\na,10\n");
    let out = dir.run(&["import", "--map", "m.toml", "f.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the map names columns the header row does not have: Follower count"), "{stderr}");
    let out = dir.run(&["import", "--map", "no-such-map", "f.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("built-in maps: apify-instagram-profiles, youtube-studio-content")
    );
}
