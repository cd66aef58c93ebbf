//! A channel's `channel` records: an older one for some channels, then the newest with
//! the profile, contact, counts and the `demo_truth` field.

use std::io::{self, Write};

use rand_pcg::Pcg64Mcg;

use super::channel::{Channel, Inactivity};
use super::platform::Platform;
use super::random::{below, chance, lognormal, uniform};
use super::text::bio;
use super::{Writer, push_number};
use crate::json;
use crate::vocab::{COUNTRIES, NICHE_TABLE};

impl<W: Write> Writer<W> {
    pub(super) fn write_channel(&mut self, rng: &mut Pcg64Mcg, ch: &Channel<'_>) -> io::Result<()> {
        let as_of = self.options.as_of;
        let model = ch.platform.model();
        let creator = ch.creator;
        let emitted = self.times.len() as u64;
        let lifetime = (ch.cadence * uniform(rng, 10.0, 250.0) * uniform(rng, 0.4, 1.0)).round() as u64;
        let posts_count = match ch.inactivity {
            Inactivity::Sparse => emitted + below(rng, 3) as u64,
            _ => emitted + lifetime,
        };
        let following = model.following.map(|median| {
            let extra = if ch.bought { uniform(rng, 2.0, 6.0) } else { 1.0 };
            (lognormal(rng, median.ln(), 0.8) * extra).round().max(0.0) as u64
        });
        let verified = {
            let f = ch.followers;
            let p = if f >= 1_000_000 {
                0.7
            } else if f >= 100_000 {
                0.25
            } else if f >= 10_000 {
                0.02
            } else {
                0.002
            };
            chance(rng, p)
        };
        let show_email = chance(
            rng,
            0.25 + if ch.followers >= 50_000 { 0.35 } else { 0.0 } + if ch.followers >= 500_000 { 0.15 } else { 0.0 },
        );
        let email_in_bio = show_email && chance(rng, 0.5);
        let business = model.business.map(|p| chance(rng, p) || ch.followers >= 500_000);
        let category = (model.category && chance(rng, 0.6)).then_some(NICHE_TABLE[creator.niche].category);

        if let Some(days) = ch.old_record {
            let observed = as_of - (days * 86_400.0) as i64;
            let followers = self.observed_followers(rng, ch, days);
            self.line.start("channel");
            self.common(ch);
            self.line.time("observed_at", observed, false);
            self.line.count("followers", followers);
            if let Some(f) = following {
                let older = (f as f64 * uniform(rng, 0.85, 1.05)).round() as u64;
                self.line.count("following", older);
            }
            let since = self.times.iter().filter(|&&t| t > observed).count() as u64;
            self.line.count("posts_count", posts_count.saturating_sub(since));
            self.line.str("name", &creator.name);
            bio(&mut self.text, rng, ch, false);
            self.line.str("bio", &self.text);
            self.profile_tail(ch, None, business, category, verified && chance(rng, 0.8));
            self.emit()?;
        }

        self.line.start("channel");
        self.common(ch);
        self.line.time("observed_at", as_of, false);
        self.line.count("followers", ch.followers);
        if let Some(f) = following {
            self.line.count("following", f);
        }
        self.line.count("posts_count", posts_count);
        self.line.str("name", &creator.name);
        bio(&mut self.text, rng, ch, email_in_bio);
        self.line.str("bio", &self.text);
        let email = show_email.then_some(creator.email.as_str());
        self.profile_tail(ch, email, business, category, verified);

        // The ground truth, which importers keep aside as an unknown field.
        let mut truth = Vec::with_capacity(128);
        truth.extend_from_slice(b"{\"niches\":[");
        for (i, n) in ch.truth_niches.iter().flatten().enumerate() {
            if i > 0 {
                truth.push(b',');
            }
            json::push_string(&mut truth, NICHE_TABLE[*n].name);
        }
        truth.extend_from_slice(b"],\"bought_followers\":");
        truth.extend_from_slice(if ch.bought { b"true" } else { b"false" });
        truth.extend_from_slice(b",\"pod\":");
        truth.extend_from_slice(if ch.pod { b"true" } else { b"false" });
        truth.extend_from_slice(b",\"inactive\":");
        let inactive = ch.inactivity != Inactivity::Active;
        truth.extend_from_slice(if inactive { b"true" } else { b"false" });
        truth.push(b'}');
        self.line.raw("demo_truth", &truth);
        self.emit()
    }

    fn profile_tail(
        &mut self,
        ch: &Channel<'_>,
        email: Option<&str>,
        business: Option<bool>,
        category: Option<&str>,
        verified: bool,
    ) {
        let creator = ch.creator;
        self.text.clear();
        self.text.push_str(match ch.platform {
            Platform::Instagram => "https://www.instagram.com/",
            Platform::Tiktok => "https://www.tiktok.com/@",
            Platform::Youtube => "https://www.youtube.com/@",
            Platform::X => "https://x.com/",
        });
        self.text.push_str(&ch.handle);
        if ch.platform == Platform::Instagram {
            self.text.push('/');
        }
        self.line.str("url", &self.text);
        if let Some(email) = email {
            self.line.str("email", email);
        }
        if let Some(c) = creator.country {
            self.line.str("country", COUNTRIES[c].code);
        }
        if let Some(lang) = creator.language {
            self.line.str("language", lang);
        }
        if let Some(category) = category {
            self.line.str("category", category);
        }
        self.line.bool("verified", verified);
        if let Some(b) = business {
            self.line.bool("is_business", b);
        }
        if ch.with_partner {
            self.text.clear();
            self.text.push_str("creator-");
            push_number(&mut self.text, creator.root);
            self.line.str("creator_id", &self.text);
        }
    }
}
