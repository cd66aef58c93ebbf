//! The follower samples of a recompute: the models that judge them, and the verdicts to
//! write. The channels read again had their samples judged as they were read (by the
//! scan, on every core); after an import, a channel not read again keeps its stored
//! verdicts unless another model (or other rules) than today's gave them: those are
//! judged again here.

use clout_store::{Channels, FollowerVerdicts};

use super::{Derived, Judges, Scope};
use crate::{App, Result};

/// What judging the samples made.
pub(super) struct Judged {
    /// The channels whose verdicts are to be written (ascending; all of them for
    /// [`Scope::All`])...
    pub(super) ids: Vec<i64>,
    /// ... and their new verdicts (a channel of `ids` without a sample has none).
    pub(super) rows: Vec<(i64, FollowerVerdicts)>,
}

impl App {
    /// Each platform's follower model, or none when the store holds no follower sample
    /// (then no model file is read: a broken one stops only the stores that need it).
    pub(super) fn judges(&self) -> Result<Judges> {
        let mut judges = Judges::new();
        if self.store.has_follower_samples()? {
            for platform in clout_core::Platform::ALL {
                judges.insert(platform, self.follower_judge(platform)?);
            }
        }
        Ok(judges)
    }

    /// Judges again the samples of the channels not read again whose verdicts another
    /// model gave (`derived` is in id order), and gathers the verdicts to write.
    pub(super) fn judge_samples(&self, derived: &mut [Derived], scope: Scope<'_>, judges: &Judges) -> Result<Judged> {
        let all = matches!(scope, Scope::All);
        let current = |d: &Derived| judges.get(&d.platform).map(|j| j.fingerprint.as_str());
        let again: Vec<usize> = (0..derived.len())
            .filter(|&i| {
                let d = &derived[i];
                all || d.fresh || d.verdicts.as_ref().is_some_and(|v| Some(v.model.as_str()) != current(d))
            })
            .collect();
        // Those not read again: their verdicts go (a sample is judged below, if any).
        let mut other_model: Vec<i64> = Vec::new();
        for &i in &again {
            let d = &mut derived[i];
            if !d.fresh {
                d.verdicts = None;
                other_model.push(d.id);
            }
        }
        if !other_model.is_empty() && !judges.is_empty() {
            let mut at = 0;
            self.store.for_each_channel_samples(Channels::Ids(&other_model), &mut |id, samples| {
                at += derived[at..].partition_point(|d| d.id < id);
                if let Some(d) = derived.get_mut(at).filter(|d| d.id == id) {
                    d.verdicts = judges.get(&d.platform).map(|j| Box::new(j.verdicts(samples)));
                }
            })?;
        }
        let rows = again
            .iter()
            .filter_map(|&i| derived[i].verdicts.as_ref().map(|v| (derived[i].id, FollowerVerdicts::clone(v))))
            .collect();
        let ids = again.iter().map(|&i| derived[i].id).collect();
        Ok(Judged { ids, rows })
    }
}
