//! The kinds that carry money: a `deal` (a fee agreed with a creator) and a `conversion`
//! (orders and revenue tied to a campaign, by code or link). Amounts are read as written,
//! never through a float.

use clout_core::{ConversionRecord, DealRecord, Record};

use super::parse::{amount_text, post_id};
use super::{Check, Field};
use crate::FieldIssue;
use crate::value::{self, Value};

pub(super) fn deal(c: &mut Check<'_, '_>) -> Option<Record> {
    use clout_core::money::{Currency, Money};
    use clout_core::price::Deliverable;
    let (platform, handle) = c.identity();
    let deliverable = c.required("deliverable", |v| {
        value::text(v)?
            .map(|s| {
                Deliverable::parse(&s).ok_or_else(|| {
                    format!("unknown deliverable '{}' (one of post, video, story, short; reel means video)", s.trim())
                })
            })
            .transpose()
    });
    let currency =
        c.required("currency", |v| value::text(v)?.map(|s| Currency::parse(&s).map_err(|e| e.0)).transpose());
    // The fee is read as written: `1250.50` stays 125050 cents, never a rounded float.
    let fee = c.required("fee", amount_text);
    let agreed_at = c.required("agreed_at", value::time);
    let currency = currency?;
    let fee = match Money::parse(&fee?, currency) {
        Ok(m) if m.minor > 0 => m,
        Ok(_) => {
            c.issues.push(FieldIssue::field("fee", "a fee must be more than zero"));
            return None;
        }
        Err(e) => {
            c.issues.push(FieldIssue::field("fee", e.0));
            return None;
        }
    };
    let record = DealRecord {
        platform: platform?,
        handle: handle?,
        deliverable: deliverable?,
        fee,
        agreed_at: agreed_at?,
        extra: None,
    };
    Some(Record::Deal(DealRecord { extra: c.extra(), ..record }))
}

pub(super) fn conversion(c: &mut Check<'_, '_>) -> Option<Record> {
    use clout_core::money::{Currency, Money};
    let text = |v: &Value<'_>| Ok(value::text(v)?.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
    let campaign = c.required("campaign", text);
    let code = c.optional("code", text);
    let link = c.optional("link", text);
    if code.is_none() && link.is_none() {
        c.issues.push(FieldIssue::field("code", "a conversion needs a code or a link"));
    }
    // The creator is optional, but a platform without a handle (or the reverse) is a mistake.
    let has_platform =
        Field::from_name("platform").and_then(|f| c.raw.get(f)).is_some_and(|v| !matches!(v, Value::Null));
    let has_handle = Field::from_name("handle").and_then(|f| c.raw.get(f)).is_some_and(|v| !matches!(v, Value::Null));
    let channel = if has_platform || has_handle {
        let (platform, handle) = c.identity();
        Some((platform, handle))
    } else {
        None
    };
    let orders = c.required("orders", value::count);
    let currency =
        c.required("currency", |v| value::text(v)?.map(|s| Currency::parse(&s).map_err(|e| e.0)).transpose());
    let revenue = c.required("revenue", amount_text);
    let observed_at = c.required("observed_at", value::time);
    let order_id = c.optional("order_id", post_id);
    let currency = currency?;
    let revenue = match Money::parse(&revenue?, currency) {
        Ok(m) if m.minor >= 0 => m,
        Ok(_) => {
            c.issues.push(FieldIssue::field("revenue", "revenue cannot be negative"));
            return None;
        }
        Err(e) => {
            c.issues.push(FieldIssue::field("revenue", e.0));
            return None;
        }
    };
    let channel = match channel {
        Some((platform, handle)) => Some((platform?, handle?)),
        None => None,
    };
    let record = ConversionRecord {
        campaign: campaign?,
        code,
        link,
        channel,
        orders: orders?,
        revenue,
        observed_at: observed_at?,
        order_id,
        extra: None,
    };
    Some(Record::Conversion(ConversionRecord { extra: c.extra(), ..record }))
}
