//! The index on disk: a built [`DiscoveryIndex`] written as its columns and lists, so that
//! a server starts by reading one file instead of the store.
//!
//! The format is this version's own (little-endian arrays with their lengths, between a
//! magic number that names the format's version and an end mark): a snapshot written by
//! another version, cut short or damaged reads as `None`, never as an index. The caller
//! gives a stamp (what the index was built from, in its own terms) that is written with it;
//! a snapshot is read only when the caller's stamp is the same, so one built from other
//! data is never used.

use std::io::{self, Write};

use clout_core::lookalike::TOP_HASHTAGS;

use clout_core::{EngagementLabel, Platform, Tier};

use crate::build::Unfiltered;
use crate::columns::{Columns, NONE8, NONE16};
use crate::counts::Counts;
use crate::lookalike::LookRow;
use crate::{DiscoveryIndex, MAX_NICHES};

/// The format's name and version: a change of layout, or of what the build puts in the
/// index (tier bounds, dictionaries, sort orders), changes it. A CRC-32 of the body comes
/// before the end mark; a body that passes it is still checked (lengths, ordinals, codes)
/// before it is used, so no snapshot can make a search index out of bounds.
const MAGIC: &[u8; 8] = b"CLOUTIX1";
const END: &[u8; 8] = b"CLOUTEND";

/// Writes arrays as their length and little-endian items.
struct Out<'a, W: Write>(&'a mut W);

impl<W: Write> Out<'_, W> {
    fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.0.write_all(&(b.len() as u64).to_le_bytes())?;
        self.0.write_all(b)
    }
    fn len(&mut self, n: usize) -> io::Result<()> {
        self.0.write_all(&(n as u64).to_le_bytes())
    }
    fn array<T: Copy, const N: usize>(&mut self, v: &[T], to: impl Fn(T) -> [u8; N]) -> io::Result<()> {
        self.len(v.len())?;
        let mut buf = Vec::with_capacity(v.len() * N);
        for &x in v {
            buf.extend_from_slice(&to(x));
        }
        self.0.write_all(&buf)
    }
    fn u32s(&mut self, v: &[u32]) -> io::Result<()> {
        self.array(v, u32::to_le_bytes)
    }
    fn u64s(&mut self, v: &[u64]) -> io::Result<()> {
        self.array(v, u64::to_le_bytes)
    }
    fn lists(&mut self, v: &[Vec<u32>]) -> io::Result<()> {
        self.len(v.len())?;
        v.iter().try_for_each(|l| self.u32s(l))
    }
    fn strings(&mut self, v: &[String]) -> io::Result<()> {
        self.len(v.len())?;
        v.iter().try_for_each(|s| self.bytes(s.as_bytes()))
    }
    fn counts(&mut self, c: &Counts) -> io::Result<()> {
        for v in [&c.platform, &c.tier, &c.country, &c.language, &c.niche, &c.label] {
            self.u64s(v)?;
        }
        Ok(())
    }
}

/// Reads what [`Out`] wrote; `None` at the first thing out of place.
struct In<'a> {
    data: &'a [u8],
}

impl<'a> In<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.data.len() {
            return None;
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Some(head)
    }
    fn len(&mut self) -> Option<usize> {
        let n = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
        usize::try_from(n).ok()
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }
    fn array<T, const N: usize>(&mut self, from: impl Fn([u8; N]) -> T) -> Option<Vec<T>> {
        let n = self.len()?;
        let raw = self.take(n.checked_mul(N)?)?;
        Some(raw.chunks_exact(N).map(|c| from(c.try_into().unwrap_or([0; N]))).collect())
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        self.array(u32::from_le_bytes)
    }
    fn u64s(&mut self) -> Option<Vec<u64>> {
        self.array(u64::from_le_bytes)
    }
    fn lists(&mut self) -> Option<Vec<Vec<u32>>> {
        let n = self.len()?;
        (0..n).map(|_| self.u32s()).collect()
    }
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| String::from_utf8(self.bytes()?.to_vec()).ok()).collect()
    }
    fn counts(&mut self) -> Option<Counts> {
        Some(Counts {
            platform: self.u64s()?,
            tier: self.u64s()?,
            country: self.u64s()?,
            language: self.u64s()?,
            niche: self.u64s()?,
            label: self.u64s()?,
        })
    }
}

fn niches_bytes(n: [u16; MAX_NICHES]) -> [u8; 2 * MAX_NICHES] {
    let mut out = [0; 2 * MAX_NICHES];
    for (k, v) in n.iter().enumerate() {
        out[2 * k..2 * k + 2].copy_from_slice(&v.to_le_bytes());
    }
    out
}

fn niches_from(b: [u8; 2 * MAX_NICHES]) -> [u16; MAX_NICHES] {
    let mut out = [0; MAX_NICHES];
    for (k, v) in out.iter_mut().enumerate() {
        *v = u16::from_le_bytes([b[2 * k], b[2 * k + 1]]);
    }
    out
}

/// A lookalike row's bytes: followers, confidences, niches, hashtag codes.
const LOOK_BYTES: usize = 8 + 4 * MAX_NICHES + 2 * MAX_NICHES + 4 * TOP_HASHTAGS;

fn look_bytes(r: LookRow) -> [u8; LOOK_BYTES] {
    let mut out = [0; LOOK_BYTES];
    out[..8].copy_from_slice(&r.followers.to_le_bytes());
    let mut at = 8;
    for c in r.conf {
        out[at..at + 4].copy_from_slice(&c.to_le_bytes());
        at += 4;
    }
    out[at..at + 2 * MAX_NICHES].copy_from_slice(&niches_bytes(r.niches));
    at += 2 * MAX_NICHES;
    for t in r.tags {
        out[at..at + 4].copy_from_slice(&t.to_le_bytes());
        at += 4;
    }
    out
}

fn look_from(b: [u8; LOOK_BYTES]) -> LookRow {
    let word = |at: usize| [b[at], b[at + 1], b[at + 2], b[at + 3]];
    let mut conf = [0.0; MAX_NICHES];
    let mut at = 8;
    for c in &mut conf {
        *c = f32::from_le_bytes(word(at));
        at += 4;
    }
    let mut niches = [0; 2 * MAX_NICHES];
    niches.copy_from_slice(&b[at..at + 2 * MAX_NICHES]);
    at += 2 * MAX_NICHES;
    let mut tags = [0; TOP_HASHTAGS];
    for t in &mut tags {
        *t = u32::from_le_bytes(word(at));
        at += 4;
    }
    let mut followers = [0; 8];
    followers.copy_from_slice(&b[..8]);
    LookRow { followers: u64::from_le_bytes(followers), conf, niches: niches_from(niches), tags }
}

impl DiscoveryIndex {
    /// Writes the index with `stamp` (what it was built from, in the caller's terms).
    pub fn write_snapshot(&self, out: &mut impl Write, stamp: &[u8]) -> io::Result<()> {
        let mut body = Vec::new();
        self.write_body(&mut body, stamp)?;
        out.write_all(MAGIC)?;
        out.write_all(&body)?;
        out.write_all(&crc32fast::hash(&body).to_le_bytes())?;
        out.write_all(END)
    }

    fn write_body(&self, out: &mut Vec<u8>, stamp: &[u8]) -> io::Result<()> {
        let mut o = Out(out);
        o.bytes(stamp)?;
        o.array(&self.ids, i64::to_le_bytes)?;
        let c = &self.cols;
        o.u64s(&c.followers)?;
        for v in [&c.engagement_rate, &c.engagement_index, &c.growth, &c.posts_per_week, &c.quality] {
            o.array(v, f64::to_le_bytes)?;
        }
        o.array(&c.median_rate, f32::to_le_bytes)?;
        o.array(&c.country, u16::to_le_bytes)?;
        o.array(&c.language, u16::to_le_bytes)?;
        o.array(&c.niches, niches_bytes)?;
        for v in [&c.platform, &c.tier_scrunch, &c.tier_industry, &c.label, &c.verified] {
            o.bytes(v)?;
        }
        o.array(&c.has_email, |b| [u8::from(b)])?;
        o.array(&c.as_of, i64::to_le_bytes)?;
        o.strings(&self.countries)?;
        o.strings(&self.languages)?;
        o.strings(&self.niche_names)?;
        for l in [
            &self.by_platform,
            &self.by_tier_scrunch,
            &self.by_tier_industry,
            &self.by_country,
            &self.by_language,
            &self.by_niche,
            &self.by_tag,
            &self.by_niche_size,
        ] {
            o.lists(l)?;
        }
        o.array(&self.looks, look_bytes)?;
        let u = &self.unfiltered;
        for v in [&u.by_followers, &u.by_rate, &u.by_index, &u.by_merit, &u.by_growth] {
            o.u32s(v)?;
        }
        o.counts(&u.counts_scrunch)?;
        o.counts(&u.counts_industry)
    }

    /// Reads a snapshot written with the same `stamp`; `None` when it was written with
    /// another stamp or by another version, or is cut short or damaged.
    pub fn read_snapshot(data: &[u8], stamp: &[u8]) -> Option<DiscoveryIndex> {
        let framed = data.strip_prefix(MAGIC)?.strip_suffix(END)?;
        let (body, crc) = framed.split_at_checked(framed.len().checked_sub(4)?)?;
        if crc32fast::hash(body).to_le_bytes() != crc {
            return None;
        }
        let mut i = In { data: body };
        if i.bytes()? != stamp {
            return None;
        }
        let ids = i.array(i64::from_le_bytes)?;
        let followers = i.u64s()?;
        let mut floats = (0..5).map(|_| i.array(f64::from_le_bytes)).collect::<Option<Vec<_>>>()?.into_iter();
        let mut float = || floats.next().unwrap_or_default();
        let (engagement_rate, engagement_index, growth, posts_per_week, quality) =
            (float(), float(), float(), float(), float());
        let median_rate = i.array(f32::from_le_bytes)?;
        let country = i.array(u16::from_le_bytes)?;
        let language = i.array(u16::from_le_bytes)?;
        let niches = i.array(niches_from)?;
        let mut small = (0..5).map(|_| i.bytes().map(<[u8]>::to_vec)).collect::<Option<Vec<_>>>()?.into_iter();
        let mut byte = || small.next().unwrap_or_default();
        let (platform, tier_scrunch, tier_industry, label, verified) = (byte(), byte(), byte(), byte(), byte());
        let has_email = i.array(|[b]: [u8; 1]| b != 0)?;
        let as_of = i.array(i64::from_le_bytes)?;
        let cols = Columns {
            followers,
            engagement_rate,
            median_rate,
            engagement_index,
            growth,
            posts_per_week,
            quality,
            country,
            language,
            niches,
            platform,
            tier_scrunch,
            tier_industry,
            label,
            verified,
            has_email,
            as_of,
        };
        let (countries, languages, niche_names) = (i.strings()?, i.strings()?, i.strings()?);
        let mut lists = (0..8).map(|_| i.lists()).collect::<Option<Vec<_>>>()?.into_iter();
        let mut list = || lists.next().unwrap_or_default();
        let (by_platform, by_tier_scrunch, by_tier_industry, by_country, by_language, by_niche, by_tag, by_niche_size) =
            (list(), list(), list(), list(), list(), list(), list(), list());
        let looks = i.array(look_from)?;
        let mut orders = (0..5).map(|_| i.u32s()).collect::<Option<Vec<_>>>()?.into_iter();
        let mut order = || orders.next().unwrap_or_default();
        let unfiltered = Unfiltered {
            by_followers: order(),
            by_rate: order(),
            by_index: order(),
            by_merit: order(),
            by_growth: order(),
            counts_scrunch: i.counts()?,
            counts_industry: i.counts()?,
        };
        if !i.data.is_empty() {
            return None;
        }
        let n = ids.len();
        let columns_agree = [
            cols.followers.len(),
            cols.engagement_rate.len(),
            cols.median_rate.len(),
            cols.engagement_index.len(),
            cols.growth.len(),
            cols.posts_per_week.len(),
            cols.quality.len(),
            cols.country.len(),
            cols.language.len(),
            cols.niches.len(),
            cols.platform.len(),
            cols.tier_scrunch.len(),
            cols.tier_industry.len(),
            cols.label.len(),
            cols.verified.len(),
            cols.has_email.len(),
            cols.as_of.len(),
        ]
        .iter()
        .all(|&len| len == n);
        let ordinals_fit = [
            &by_platform,
            &by_tier_scrunch,
            &by_tier_industry,
            &by_country,
            &by_language,
            &by_niche,
            &by_tag,
            &by_niche_size,
        ]
        .iter()
        .flat_map(|l| l.iter().flatten())
        .chain(
            [&unfiltered.by_followers, &unfiltered.by_rate, &unfiltered.by_index, &unfiltered.by_merit]
                .into_iter()
                .chain([&unfiltered.by_growth])
                .flatten(),
        )
        .all(|&o| (o as usize) < n);
        // Each sort's order lists every channel (a page is read off it), and posting lists
        // ascend (a run of ordinals is told by its ends).
        let orders_whole = [
            &unfiltered.by_followers,
            &unfiltered.by_rate,
            &unfiltered.by_index,
            &unfiltered.by_merit,
            &unfiltered.by_growth,
        ]
        .iter()
        .all(|o| o.len() == n);
        let lists_ascend = [&by_platform, &by_tier_scrunch, &by_tier_industry, &by_country, &by_language, &by_niche]
            .iter()
            .flat_map(|l| l.iter())
            .all(|l| l.is_sorted_by(|a, b| a < b));
        if !columns_agree || !ordinals_fit || !orders_whole || !lists_ascend || !(looks.is_empty() || looks.len() == n)
        {
            return None;
        }
        // Every code names an entry of its dictionary (or none), and every count vector has
        // one count per entry: a search indexes the dictionaries with them.
        let (platforms, tiers, labels) = (Platform::ALL.len(), Tier::ALL.len(), EngagementLabel::ALL.len());
        let code16 = |c: u16, len: usize| c == NONE16 || (c as usize) < len;
        let code8 = |c: u8, len: usize| c == NONE8 || (c as usize) < len;
        let codes_fit = cols.platform.iter().all(|&c| (c as usize) < platforms)
            && cols.tier_scrunch.iter().chain(&cols.tier_industry).all(|&c| code8(c, tiers))
            && cols.label.iter().all(|&c| code8(c, labels))
            && cols.verified.iter().all(|&c| c <= 2)
            && cols.country.iter().all(|&c| code16(c, countries.len()))
            && cols.language.iter().all(|&c| code16(c, languages.len()))
            && cols
                .niches
                .iter()
                .chain(looks.iter().map(|l| &l.niches))
                .flatten()
                .all(|&c| code16(c, niche_names.len()))
            && looks.iter().flat_map(|l| l.tags).all(|t| t == u32::MAX || (t as usize) < by_tag.len());
        let lists_fit = by_platform.len() <= platforms
            && by_tier_scrunch.len() <= tiers
            && by_tier_industry.len() <= tiers
            && by_country.len() <= countries.len()
            && by_language.len() <= languages.len()
            && by_niche.len() <= niche_names.len()
            && by_niche_size.len() <= niche_names.len();
        let counts_fit = |c: &Counts| {
            c.platform.len() == platforms
                && c.tier.len() == tiers
                && c.country.len() == countries.len()
                && c.language.len() == languages.len()
                && c.niche.len() == niche_names.len()
                && c.label.len() == labels
        };
        if !codes_fit
            || !lists_fit
            || !counts_fit(&unfiltered.counts_scrunch)
            || !counts_fit(&unfiltered.counts_industry)
        {
            return None;
        }
        let (ordinal_by_id, ordinal_of) = crate::build::ordinal_tables(&ids);
        let mut index = DiscoveryIndex {
            ids,
            ordinal_by_id,
            ordinal_of,
            cols,
            countries,
            languages,
            niche_names,
            by_platform,
            by_tier_scrunch,
            by_tier_industry,
            by_country,
            by_language,
            by_niche,
            looks,
            by_tag,
            by_niche_size,
            unfiltered,
            merits: Vec::new(),
        };
        index.merits = index.merits_of_columns();
        Some(index)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::DiscoveryIndex;
    use crate::tests::{arb_query_with, arb_row};

    fn built(rows: Vec<crate::IndexedChannel>, sparse: bool) -> DiscoveryIndex {
        let rows = rows.into_iter().enumerate().map(|(i, mut r)| {
            r.channel_id = if sparse { 1_000_000 * (i as i64 + 1) } else { i as i64 + 1 };
            r
        });
        let mut index = DiscoveryIndex::build(rows);
        let profiles: Vec<_> = index
            .ids
            .iter()
            .map(|&id| (id, vec![("fitness".to_string(), 0.5)], vec![format!("tag{}", id % 5), "gym".to_string()]))
            .collect();
        index.set_lookalike_profiles(profiles);
        index
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn a_snapshot_reads_back_as_the_same_index_and_answers_the_same(
            rows in prop::collection::vec(arb_row(), 0..60),
            sparse in any::<bool>(),
            query in arb_query_with(0.15),
        ) {
            let index = built(rows, sparse);
            let mut bytes = Vec::new();
            index.write_snapshot(&mut bytes, b"stamp 1").unwrap();
            let read = DiscoveryIndex::read_snapshot(&bytes, b"stamp 1").expect("a snapshot reads back");
            // Every field, but the map of sparse ids (a hash map prints in no fixed order).
            let fields = |ix: &DiscoveryIndex| format!("{:?}", DiscoveryIndex { ordinal_of: Default::default(), ..ix.clone() });
            prop_assert_eq!(fields(&read), fields(&index));
            prop_assert_eq!(&read.ordinal_of, &index.ordinal_of);
            prop_assert_eq!(format!("{:?}", read.search(&query, None)), format!("{:?}", index.search(&query, None)));
        }
    }

    #[test]
    fn a_snapshot_with_another_stamp_cut_short_or_damaged_is_not_read() {
        let rows: Vec<_> = (0..40)
            .map(|i| crate::IndexedChannel {
                channel_id: i,
                platform: clout_core::Platform::Instagram,
                followers: Some(1_000 * (i as u64 + 1)),
                country: Some("AU".to_string()),
                language: None,
                niches: vec!["fitness".to_string()],
                engagement_rate: Some(2.5),
                median_rate: Some(2.0),
                label: None,
                engagement_index: Some(1.0),
                growth: None,
                posts_per_week: Some(3.0),
                quality: Some(70.0),
                verified: None,
                has_email: false,
                as_of: Some(5),
            })
            .collect();
        let index = built(rows, false);
        let mut bytes = Vec::new();
        index.write_snapshot(&mut bytes, b"generation 4").unwrap();
        assert!(DiscoveryIndex::read_snapshot(&bytes, b"generation 4").is_some());
        assert!(DiscoveryIndex::read_snapshot(&bytes, b"generation 5").is_none(), "another stamp");
        assert!(DiscoveryIndex::read_snapshot(&bytes[..bytes.len() - 9], b"generation 4").is_none(), "cut short");
        for at in [20, bytes.len() / 2, bytes.len() - 20] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(DiscoveryIndex::read_snapshot(&damaged, b"generation 4").is_none(), "byte {at} flipped");
        }
        assert!(DiscoveryIndex::read_snapshot(b"", b"generation 4").is_none());
        // Whole and checksummed, but naming a country the dictionary lacks, or with a count
        // vector short of its dictionary: not read (a search would index out of bounds).
        let mut wrong = index.clone();
        wrong.cols.country[3] = 7;
        let mut bytes = Vec::new();
        wrong.write_snapshot(&mut bytes, b"generation 4").unwrap();
        assert!(DiscoveryIndex::read_snapshot(&bytes, b"generation 4").is_none(), "a code out of its dictionary");
        let mut short = index.clone();
        short.unfiltered.counts_scrunch.label.pop();
        let mut bytes = Vec::new();
        short.write_snapshot(&mut bytes, b"generation 4").unwrap();
        assert!(DiscoveryIndex::read_snapshot(&bytes, b"generation 4").is_none(), "a count vector too short");
    }
}
