//! The index's columns: every channel's filterable facts by ordinal, a vector per fact,
//! with the null markers and the dictionary coding of categorical values.

use std::collections::HashMap;

use crate::MAX_NICHES;

/// The filterable facts of every channel, by ordinal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub(crate) followers: Vec<u64>,
    pub(crate) engagement_rate: Vec<f64>,
    /// Read by no filter, only to draw a peer group: four bytes are precision enough.
    pub(crate) median_rate: Vec<f32>,
    pub(crate) engagement_index: Vec<f64>,
    pub(crate) growth: Vec<f64>,
    pub(crate) posts_per_week: Vec<f64>,
    pub(crate) quality: Vec<f64>,
    pub(crate) country: Vec<u16>,
    pub(crate) language: Vec<u16>,
    pub(crate) niches: Vec<[u16; MAX_NICHES]>,
    pub(crate) platform: Vec<u8>,
    pub(crate) tier_scrunch: Vec<u8>,
    pub(crate) tier_industry: Vec<u8>,
    pub(crate) label: Vec<u8>,
    pub(crate) verified: Vec<u8>,
    pub(crate) has_email: Vec<bool>,
    /// When each channel's data was read (Unix seconds; `i64::MIN` when never).
    pub(crate) as_of: Vec<i64>,
}

impl Columns {
    pub(crate) fn push(&mut self, r: Row) {
        self.followers.push(r.followers);
        self.engagement_rate.push(r.engagement_rate);
        self.median_rate.push(r.median_rate);
        self.engagement_index.push(r.engagement_index);
        self.growth.push(r.growth);
        self.posts_per_week.push(r.posts_per_week);
        self.quality.push(r.quality);
        self.country.push(r.country);
        self.language.push(r.language);
        self.niches.push(r.niches);
        self.platform.push(r.platform);
        self.tier_scrunch.push(r.tier_scrunch);
        self.tier_industry.push(r.tier_industry);
        self.label.push(r.label);
        self.verified.push(r.verified);
        self.has_email.push(r.has_email);
        self.as_of.push(r.as_of);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.followers.capacity() * 8
            + self.as_of.capacity() * 8
            + (self.engagement_rate.capacity()
                + self.engagement_index.capacity()
                + self.growth.capacity()
                + self.posts_per_week.capacity()
                + self.quality.capacity())
                * 8
            + self.median_rate.capacity() * 4
            + (self.country.capacity() + self.language.capacity()) * 2
            + self.niches.capacity() * 2 * MAX_NICHES
            + self.platform.capacity()
            + self.tier_scrunch.capacity()
            + self.tier_industry.capacity()
            + self.label.capacity()
            + self.verified.capacity()
            + self.has_email.capacity()
    }
}

/// The filterable facts of one channel, as the index is built.
///
/// `NaN` is null for metrics, `u64::MAX` for followers, `u8::MAX` / `u16::MAX` for codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub(crate) as_of: i64,
    pub(crate) followers: u64,
    pub(crate) engagement_rate: f64,
    pub(crate) median_rate: f32,
    pub(crate) engagement_index: f64,
    pub(crate) growth: f64,
    pub(crate) posts_per_week: f64,
    pub(crate) quality: f64,
    pub(crate) country: u16,
    pub(crate) language: u16,
    pub(crate) niches: [u16; MAX_NICHES],
    pub(crate) platform: u8,
    pub(crate) tier_scrunch: u8,
    pub(crate) tier_industry: u8,
    /// `EngagementLabel::ALL` position.
    pub(crate) label: u8,
    /// 0 false, 1 true, 2 unknown.
    pub(crate) verified: u8,
    pub(crate) has_email: bool,
}

pub(crate) const NONE16: u16 = u16::MAX;
pub(crate) const NONE8: u8 = u8::MAX;

pub(crate) fn code(dict: &mut Vec<String>, lookup: &mut HashMap<String, u16>, value: &str) -> u16 {
    if let Some(&c) = lookup.get(value) {
        return c;
    }
    let c = dict.len() as u16;
    dict.push(value.to_string());
    lookup.insert(value.to_string(), c);
    c
}
