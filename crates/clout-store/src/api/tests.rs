//! The interfaces used as a caller that knows no backend would: through trait objects.

use clout_core::text::TextQuery;
use clout_core::{FollowerObservation, Handle, Platform, PostObservation, Record, Timestamp};

use super::*;
use crate::{BatchStats, Error, NewCampaign, NewMember, RunStatus, SearchText, Store};

fn records() -> Vec<Record> {
    let handle = Handle::parse("@Chef").unwrap();
    vec![
        Record::Followers(FollowerObservation {
            platform: Platform::Instagram,
            handle: handle.clone(),
            followers: 5_000,
            observed_at: Timestamp::from_unix(900_000),
            extra: None,
        }),
        Record::Post(PostObservation {
            platform: Platform::Instagram,
            handle,
            post_id: "p1".to_string(),
            published_at: Timestamp::from_unix(800_000),
            observed_at: Some(Timestamp::from_unix(900_000)),
            likes: Some(10),
            comments: Some(2),
            shares: None,
            views: None,
            saves: None,
            post_type: None,
            caption: None,
            hashtags: Default::default(),
            mentions: Default::default(),
            url: None,
            sponsored: None,
            extra: None,
        }),
    ]
}

fn import(imports: &mut dyn ImportStore, at: i64) -> (BatchStats, (u64, u64)) {
    let mut run = imports.begin_run(Timestamp::from_unix(at), &["a.ndjson".to_string()]).unwrap();
    let source = run.source_id("a.ndjson").unwrap();
    let stats = run.write_batch(&records(), source, &[]).unwrap();
    let touched = run.touched();
    run.finish(RunStatus::Completed, Timestamp::from_unix(at), None).unwrap();
    (stats, touched)
}

#[test]
fn an_import_through_the_interfaces_writes_once_and_keeps_the_derived_phase() {
    let mut store = Store::open_in_memory().unwrap();
    // A follower count and a post, both new; one channel and one post named.
    assert_eq!(import(&mut store, 1_000_000), (BatchStats { written: 2, unchanged: 0 }, (1, 1)));
    let channels: &dyn ChannelStore = &store;
    assert_eq!(channels.channel_count().unwrap(), 1);
    // The batch made derived state stale from the run's start, and counted one write.
    assert_eq!(channels.derived_stale_since().unwrap(), Some(Timestamp::from_unix(1_000_000)));
    assert_eq!(channels.derived_writes().unwrap(), 1);
    // A recompute that started after that write makes it current.
    assert!(channels.mark_derived_current(1).unwrap());
    assert_eq!((channels.derived_stale_since().unwrap(), channels.derived_generation().unwrap()), (None, 1));

    // The same file again changes nothing, but its batch still counts as a write: a
    // recompute that started before it cannot mark the state current.
    assert_eq!(import(&mut store, 2_000_000), (BatchStats { written: 0, unchanged: 2 }, (1, 1)));
    let channels: &dyn ChannelStore = &store;
    assert!(!channels.mark_derived_current(1).unwrap());
    assert_eq!(channels.derived_stale_since().unwrap(), Some(Timestamp::from_unix(2_000_000)));
    let runs: Vec<(i64, RunStatus)> =
        ImportStore::runs(&store).unwrap().into_iter().map(|r| (r.id, r.status)).collect();
    assert_eq!(runs, [(1, RunStatus::Completed), (2, RunStatus::Completed)]);
}

#[test]
fn text_written_with_the_niches_is_what_text_search_finds() {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, 1_000_000);
    let channels: &mut dyn ChannelStore = &mut store;
    let id = channels.channel_id(Platform::Instagram, "chef").unwrap().unwrap();
    let text = SearchText {
        channel_id: id,
        handle: "chef".to_string(),
        bio: "Sourdough at dawn".to_string(),
        ..SearchText::default()
    };
    channels.replace_niches(&[], &[text]).unwrap();
    let search: &dyn TextSearch = &store;
    let query = |q: &str| TextQuery::parse(q).unwrap().unwrap();
    assert_eq!(search.text_matches(&query("sourdough")).unwrap().into_keys().collect::<Vec<_>>(), [id]);
    assert!(search.text_matches_unranked(&query("rye")).unwrap().is_empty());
}

#[test]
fn accounts_and_campaigns_work_through_trait_objects() {
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, 1_000_000);
    let now = Timestamp::from_unix(1_000_000);

    let accounts: &mut dyn AccountStore = &mut store;
    assert!(accounts.create_first_user("Ada", "hash", now).unwrap());
    assert!(!accounts.create_first_user("Bea", "hash", now).unwrap(), "only the first");
    assert!(matches!(accounts.create_user("ADA", "hash", "viewer", now), Err(Error::Duplicate(_))));
    assert_eq!(accounts.user_by_name("ada").unwrap().map(|u| u.role), Some("admin".to_string()));

    let channel = ChannelStore::channel_id(&store, Platform::Instagram, "chef").unwrap().unwrap();
    let campaigns: &mut dyn CampaignStore = &mut store;
    let brief = NewCampaign {
        name: "Spring",
        goal: "reach",
        niche: None,
        starts_on: None,
        ends_on: None,
        budget_minor: 100_000,
        currency: "USD",
        key_messages: "",
        disclosure: "#ad",
        created_by: "Ada",
        created_at: now,
        plan: None,
    };
    let member = NewMember {
        channel_id: channel,
        stage: "prospect",
        fee_minor: None,
        planned_minor: None,
        expected: None,
        by: "Ada",
    };
    let id = campaigns.create_campaign_with_members(&brief, &[member], now).unwrap();
    assert_eq!(campaigns.set_stage(id, channel, "contacted", "Ada", now).unwrap(), Some(true));
    assert_eq!(campaigns.set_stage(id, channel, "contacted", "Ada", now).unwrap(), Some(false));
    assert_eq!(campaigns.set_stage(id, channel + 1, "contacted", "Ada", now).unwrap(), None);
    let history: Vec<(Option<String>, String)> =
        campaigns.stage_changes(id).unwrap().into_iter().map(|c| (c.from_stage, c.to_stage)).collect();
    assert_eq!(history, [(None, "prospect".to_string()), (Some("prospect".to_string()), "contacted".to_string())]);
    assert!(matches!(
        campaigns.create_campaign_with_members(&NewCampaign { name: "SPRING", ..brief }, &[], now),
        Err(Error::Duplicate(_))
    ));
}
