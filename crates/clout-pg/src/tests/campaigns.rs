//! The campaign interface's contract on both backends (see the parent module): briefs,
//! members and their stage history, fees, deliverables, creators' profiles and notes,
//! and read-only links.

use clout_core::Timestamp;
use clout_store::{CreatorProfile, Error, NewCampaign, NewMember};

use super::{backends, t};

/// A member as compared: channel, stage, fee, expected engagements, when added.
type Member = (i64, String, Option<i64>, Option<(f64, f64, f64)>, Timestamp);

/// A deliverable as compared: id, kind, due, status, post, linked by, linked at.
type Deliverable = (i64, String, Option<Timestamp>, String, Option<String>, Option<String>, Option<Timestamp>);

fn brief(name: &str, at: i64) -> NewCampaign<'_> {
    NewCampaign {
        name,
        goal: "engagement",
        niche: Some("food"),
        starts_on: Some(t(100)),
        ends_on: None,
        budget_minor: 500_000,
        currency: "USD",
        key_messages: "fresh",
        disclosure: "#ad",
        created_by: "ada",
        created_at: t(at),
        plan: Some("{}"),
    }
}

fn member(channel_id: i64, stage: &str) -> NewMember<'_> {
    NewMember {
        channel_id,
        stage,
        fee_minor: None,
        planned_minor: Some(9_000),
        expected: Some((1.0, 2.0, 3.0)),
        by: "ada",
    }
}

#[test]
fn a_campaign_keeps_its_brief_members_and_every_stage_change_in_order() {
    for (name, mut s, ids) in backends() {
        let (chef, baker) = (ids[0], ids[1]);
        let spring =
            s.create_campaign_with_members(&brief("Spring", 10), &[member(chef, "shortlisted")], t(10)).unwrap();
        let autumn = s.create_campaign_with_members(&brief("Autumn", 20), &[], t(20)).unwrap();
        assert!(matches!(s.create_campaign_with_members(&brief("SPRING", 30), &[], t(30)), Err(Error::Duplicate(_))));
        assert_eq!(s.campaign_by_name("spring").unwrap().map(|c| c.id), Some(spring), "{name}");
        let order: Vec<i64> = s.campaigns().unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(order, [autumn, spring], "{name}: newest first");

        // Renaming to another campaign's name is refused; the brief changes, not its author or plan.
        assert!(matches!(s.update_campaign(autumn, &brief("spring", 99)), Err(Error::Duplicate(_))), "{name}");
        let mut changed = brief("Spring 2027", 99);
        changed.budget_minor = 700_000;
        changed.created_by = "someone else";
        changed.plan = None;
        assert!(s.update_campaign(spring, &changed).unwrap(), "{name}");
        let c = s.campaign(spring).unwrap().unwrap();
        assert_eq!(
            (c.name.as_str(), c.budget_minor, c.created_by.as_str(), c.created_at, c.plan.as_deref()),
            ("Spring 2027", 700_000, "ada", t(10), Some("{}")),
            "{name}"
        );
        assert!(!s.update_campaign(9_999, &changed).unwrap(), "{name}");

        // The chef is in already: only the baker is new.
        assert_eq!(s.add_members(spring, &[member(chef, "contacted"), member(baker, "contacted")], t(40)).unwrap(), 1);
        assert_eq!(s.set_stage(spring, chef, "shortlisted", "bob", t(50)).unwrap(), Some(false), "{name}");
        assert_eq!(s.set_stage(spring, chef, "contracted", "bob", t(50)).unwrap(), Some(true), "{name}");
        assert_eq!(s.set_stage(autumn, chef, "contracted", "bob", t(50)).unwrap(), None, "{name}: not a member");
        assert!(s.set_fee(spring, chef, Some(25_000)).unwrap(), "{name}");
        assert!(!s.set_fee(autumn, chef, Some(1)).unwrap(), "{name}");
        assert_eq!(s.member_state(spring, chef).unwrap(), Some(("contracted".to_string(), Some(25_000))), "{name}");
        let members: Vec<Member> = s
            .members(spring)
            .unwrap()
            .into_iter()
            .map(|m| (m.channel.id, m.stage, m.fee_minor, m.expected, m.added_at))
            .collect();
        assert_eq!(
            members,
            [
                (chef, "contracted".into(), Some(25_000), Some((1.0, 2.0, 3.0)), t(10)),
                (baker, "contacted".into(), None, Some((1.0, 2.0, 3.0)), t(40)),
            ],
            "{name}"
        );
        let history: Vec<(i64, Option<String>, String, String)> = s
            .stage_changes(spring)
            .unwrap()
            .into_iter()
            .map(|c| (c.channel_id, c.from_stage, c.to_stage, c.changed_by))
            .collect();
        assert_eq!(
            history,
            [
                (chef, None, "shortlisted".into(), "ada".into()),
                (baker, None, "contacted".into(), "ada".into()),
                (chef, Some("shortlisted".into()), "contracted".into(), "bob".into()),
            ],
            "{name}"
        );
        s.add_members(autumn, &[member(chef, "contacted")], t(60)).unwrap();
        let of_chef = s.campaigns_of_channel(chef).unwrap();
        assert_eq!(
            of_chef,
            [("Autumn".to_string(), "contacted".to_string()), ("Spring 2027".into(), "contracted".into())],
            "{name}"
        );
        // Out of the campaign; the history stays.
        assert!(s.remove_member(spring, baker).unwrap(), "{name}");
        assert!(!s.remove_member(spring, baker).unwrap(), "{name}");
        assert_eq!(s.stage_changes(spring).unwrap().len(), 3, "{name}");
        // Deleting a campaign deletes its members and history.
        assert!(s.delete_campaign(spring).unwrap(), "{name}");
        assert!(!s.delete_campaign(spring).unwrap(), "{name}");
        assert_eq!((s.members(spring).unwrap(), s.stage_changes(spring).unwrap()), (vec![], vec![]), "{name}");
        assert_eq!(s.campaigns_of_channel(chef).unwrap().len(), 1, "{name}");
    }
}

#[test]
fn deliverables_are_linked_to_posts_and_go_with_their_campaign() {
    for (name, mut s, ids) in backends() {
        let c = s.create_campaign_with_members(&brief("Launch", 10), &[member(ids[0], "contracted")], t(10)).unwrap();
        let other = s.create_campaign_with_members(&brief("Other", 11), &[], t(11)).unwrap();
        let reel = s.add_deliverable(c, ids[0], "reel", Some(t(500)), t(20)).unwrap();
        let story = s.add_deliverable(c, ids[0], "story", None, t(21)).unwrap();
        assert!(story > reel, "{name}");
        assert!(!s.link_deliverable(other, reel, "p1", "bob", t(30)).unwrap(), "{name}: another campaign's");
        assert!(s.link_deliverable(c, reel, "https://example.com/p/1", "bob", t(30)).unwrap(), "{name}");
        assert!(s.set_deliverable_status(c, story, "cancelled").unwrap(), "{name}");
        assert!(!s.set_deliverable_status(other, story, "planned").unwrap(), "{name}");
        let rows: Vec<Deliverable> = s
            .deliverables(c)
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d.kind, d.due_on, d.status, d.post_ref, d.linked_by, d.linked_at))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    reel,
                    "reel".into(),
                    Some(t(500)),
                    "delivered".into(),
                    Some("https://example.com/p/1".into()),
                    Some("bob".into()),
                    Some(t(30))
                ),
                (story, "story".into(), None, "cancelled".into(), None, None, None),
            ],
            "{name}"
        );
        s.delete_campaign(c).unwrap();
        assert_eq!(s.deliverables(c).unwrap(), [], "{name}");
    }
}

#[test]
fn a_creators_profile_is_replaced_whole_and_notes_come_newest_first() {
    for (name, s, ids) in backends() {
        assert_eq!(s.creator_profile(ids[0]).unwrap(), CreatorProfile::default(), "{name}");
        let p = CreatorProfile {
            email: Some("chef@example.com".into()),
            phone: None,
            agent: Some("Agency".into()),
            tags: vec!["food".into(), "vegan".into()],
        };
        s.put_creator_profile(ids[0], &p).unwrap();
        assert_eq!(s.creator_profile(ids[0]).unwrap(), p, "{name}");
        let replaced = CreatorProfile { email: None, phone: Some("+1 555".into()), agent: None, tags: vec![] };
        s.put_creator_profile(ids[0], &replaced).unwrap();
        assert_eq!(s.creator_profile(ids[0]).unwrap(), replaced, "{name}");
        assert_eq!(s.creator_profile(ids[1]).unwrap(), CreatorProfile::default(), "{name}");
        let first = s.add_creator_note(ids[0], "met at the fair", "ada", t(10)).unwrap();
        let second = s.add_creator_note(ids[0], "sent the brief", "bob", t(20)).unwrap();
        let same_time = s.add_creator_note(ids[0], "signed", "bob", t(20)).unwrap();
        let notes: Vec<(i64, String)> =
            s.creator_notes(ids[0]).unwrap().into_iter().map(|n| (n.id, n.written_by)).collect();
        assert_eq!(notes, [(same_time, "bob".into()), (second, "bob".into()), (first, "ada".into())], "{name}");
        assert_eq!(s.creator_notes(ids[1]).unwrap(), [], "{name}");
    }
}

#[test]
fn a_share_link_opens_the_report_until_it_expires_or_is_revoked() {
    for (name, mut s, _) in backends() {
        let ada = s.create_user("ada", "h", "admin", t(1)).unwrap();
        let c = s.create_campaign_with_members(&brief("Launch", 10), &[], t(10)).unwrap();
        assert_eq!(s.create_share(9_999, "h0", "shr_00", Some(ada), t(20), t(100)).unwrap(), None, "{name}");
        let a = s.create_share(c, "h1", "shr_aa", Some(ada), t(20), t(100)).unwrap().unwrap();
        let b = s.create_share(c, "h2", "shr_bb", None, t(21), t(1_000)).unwrap().unwrap();
        assert!(matches!(s.create_share(c, "h1", "shr_cc", None, t(22), t(100)), Err(Error::Duplicate(_))), "{name}");
        let listed: Vec<(i64, Option<String>)> =
            s.shares_of(c).unwrap().into_iter().map(|l| (l.id, l.created_by)).collect();
        assert_eq!(listed, [(b, None), (a, Some("ada".into()))], "{name}: newest first");
        assert_eq!(s.live_share("h1", t(99)).unwrap().map(|l| l.prefix), Some("shr_aa".into()), "{name}");
        assert_eq!(s.live_share("h1", t(100)).unwrap(), None, "{name}: expired");
        assert!(s.revoke_share(c, b, t(30)).unwrap(), "{name}");
        assert!(!s.revoke_share(c, b, t(31)).unwrap(), "{name}: revoked already");
        assert_eq!(s.live_share("h2", t(40)).unwrap(), None, "{name}");
        assert_eq!(s.shares_of(c).unwrap()[0].revoked_at, Some(t(30)), "{name}");
        s.delete_campaign(c).unwrap();
        assert_eq!(s.shares_of(c).unwrap(), [], "{name}");
    }
}
