//! The user's deals: fees agreed with creators, imported, to fit price estimates to.

use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;
use clout_core::{Platform, Timestamp};

use crate::columns::platform_col;
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
    pub(crate) fn deals(&self) -> Result<Vec<DealRow>> {
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
}
