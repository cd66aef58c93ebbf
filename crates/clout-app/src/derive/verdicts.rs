//! The follower samples of a recompute, judged: every sample when everything is
//! recomputed; after an import, only the samples of the channels it touched and of those
//! judged by another model (or other rules) than today's, every other channel's verdicts
//! read back as stored.

use std::collections::HashMap;

use clout_core::Platform;
use clout_store::FollowerVerdicts;

use super::{Derived, Scope};
use crate::scores::Judge;
use crate::{App, Result};

/// Beyond one channel in this many to judge again, every sample is read in one pass
/// rather than channel by channel (a seek each).
const ONE_BY_ONE: usize = 20;

/// What judging the samples made.
pub(super) struct Judged {
    /// Each platform's model.
    pub(super) judges: HashMap<Platform, Judge>,
    /// The channels whose verdicts are to be written (ascending; all of them for
    /// [`Scope::All`])...
    pub(super) ids: Vec<i64>,
    /// ... and their new verdicts (a channel of `ids` without a sample has none).
    pub(super) rows: Vec<(i64, FollowerVerdicts)>,
}

impl App {
    /// Sets each channel's verdicts (`derived` is in id order).
    pub(super) fn judge_samples(&self, derived: &mut [Derived], scope: Scope<'_>) -> Result<Judged> {
        let all = matches!(scope, Scope::All);
        let stored = derived.iter().any(|d| d.verdicts.is_some());
        // Without a sample anywhere no model is read: a broken model file stops only the
        // stores that need it.
        let everything = if all { Some(self.store.follower_samples_by_channel()?) } else { None };
        let needed = match &everything {
            Some(samples) => !samples.is_empty(),
            None => stored || self.store.follower_sample_count()? > 0,
        };
        let mut judges = HashMap::new();
        if needed {
            for platform in Platform::ALL {
                judges.insert(platform, self.follower_judge(platform)?);
            }
        }
        let current = |d: &Derived| judges.get(&d.platform).map(|j| j.fingerprint.as_str());
        let again: Vec<usize> = (0..derived.len())
            .filter(|&i| {
                let d = &derived[i];
                all || d.fresh || d.verdicts.as_ref().is_some_and(|v| Some(v.model.as_str()) != current(d))
            })
            .collect();
        let mut rows = Vec::new();
        let mut judge = |d: &mut Derived, samples: Option<&[clout_store::SampleRow]>| {
            d.verdicts = match (samples.filter(|s| !s.is_empty()), judges.get(&d.platform)) {
                (Some(s), Some(j)) => Some(Box::new(j.verdicts(s))),
                _ => None,
            };
            if let Some(v) = &d.verdicts {
                rows.push((d.id, FollowerVerdicts::clone(v)));
            }
        };
        let everything = match everything {
            Some(samples) => Some(samples),
            None if needed && again.len() * ONE_BY_ONE > derived.len() => {
                Some(self.store.follower_samples_by_channel()?)
            }
            None => None,
        };
        match &everything {
            Some(samples) => {
                for &i in &again {
                    let d = &mut derived[i];
                    judge(d, samples.get(&d.id).map(Vec::as_slice));
                }
            }
            None if needed => {
                for &i in &again {
                    let d = &mut derived[i];
                    let samples = self.store.follower_samples_of(d.id)?;
                    judge(d, Some(&samples));
                }
            }
            // No sample in the store: no channel has verdicts.
            None => {
                for &i in &again {
                    judge(&mut derived[i], None);
                }
            }
        }
        let ids = again.iter().map(|&i| derived[i].id).collect();
        Ok(Judged { judges, ids, rows })
    }
}
