//! The user's deals, and post histories read in bulk for pricing and planning.

use std::collections::HashMap;

use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;
use clout_core::{Platform, PostSnapshot, Timestamp};

use crate::read::platform_col;
use crate::{Error, Result, Store};

/// One stored deal.
#[derive(Debug, Clone, PartialEq)]
pub struct DealRow {
    pub channel_id: i64,
    pub platform: Platform,
    pub handle: String,
    pub deliverable: Deliverable,
    pub fee: Money,
    pub agreed_at: Timestamp,
    /// The file it was imported from.
    pub source: String,
}

impl Store {
    /// Every deal, oldest first.
    pub fn deals(&self) -> Result<Vec<DealRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.channel_id, c.platform, c.handle, d.deliverable, d.fee_minor, d.currency, d.agreed_at, s.path
             FROM deals d JOIN channels c ON c.id = d.channel_id JOIN sources s ON s.id = d.source_id
             ORDER BY d.agreed_at, d.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let deliverable: String = r.get(3)?;
            let currency: String = r.get(5)?;
            out.push(DealRow {
                channel_id: r.get(0)?,
                platform: platform_col(&r.get::<_, String>(1)?)?,
                handle: r.get(2)?,
                deliverable: Deliverable::parse(&deliverable)
                    .ok_or_else(|| Error::Corrupt(format!("deliverable '{deliverable}'")))?,
                fee: Money::new(
                    r.get(4)?,
                    Currency::parse(&currency).map_err(|_| Error::Corrupt(format!("currency '{currency}'")))?,
                ),
                agreed_at: Timestamp::from_unix(r.get(6)?),
                source: r.get(7)?,
            });
        }
        Ok(out)
    }

    /// The current snapshot of every post of these channels.
    pub fn posts_of_many(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<PostSnapshot>>> {
        let mut out: HashMap<i64, Vec<PostSnapshot>> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT channel_id, post_id, published_at, likes, comments, shares, views
                 FROM posts WHERE channel_id IN ({marks})"
            ))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(chunk))?;
            while let Some(r) = rows.next()? {
                let count = |i: usize| -> rusqlite::Result<Option<u64>> {
                    Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
                };
                let snapshot = PostSnapshot {
                    post_id: r.get(1)?,
                    published_at: Timestamp::from_unix(r.get(2)?),
                    likes: count(3)?,
                    comments: count(4)?,
                    shares: count(5)?,
                    views: count(6)?,
                };
                out.entry(r.get(0)?).or_default().push(snapshot);
            }
        }
        Ok(out)
    }
}
