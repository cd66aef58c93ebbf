//! Audience quality, first part: the follower classifier's model file, training it on
//! labelled followers, and checking the follower records of an interchange file.
//!
//! The model lives in `DATA/models/follower.toml` once trained; until then the built-in
//! one (`data/follower_model.toml`, fitted on InstaFake, CC BY-NC 4.0) is used.

use std::path::{Path, PathBuf};

use clout_core::Platform;
use clout_core::Record;
use clout_core::follower::{
    ALL, CrossValidation, FEATURES, FollowerModel, FollowerProfile, N, TRANSFER, Verdict, cross_validate, fit,
};
use serde::{Deserialize, Serialize};

use crate::scores::{PeerComments, comment_stats, inputs, peer_comment_stats, summarise};
use crate::{App, Error, Result};

/// The built-in model.
pub const DEFAULT_FOLLOWER_MODEL: &str = include_str!("../data/follower_model.toml");

/// The model file's format.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    trained_on: String,
    intercept: f64,
    threshold: f64,
    /// Cross-validated at `threshold`; a model file without them cannot correct a
    /// sample's share for its error rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sensitivity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    specificity: Option<f64>,
    feature: Vec<FeatureFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureFile {
    name: String,
    coefficient: f64,
    mean: f64,
    scale: f64,
}

fn parse_model(text: &str, origin: &str) -> Result<FollowerModel> {
    let file: ModelFile = toml::from_str(text).map_err(|e| Error::Invalid(format!("follower model {origin}: {e}")))?;
    if !file.intercept.is_finite() || !(0.0..=1.0).contains(&file.threshold) {
        return Err(Error::Invalid(format!(
            "follower model {origin}: the intercept must be a number and the threshold between 0 and 1"
        )));
    }
    for f in &file.feature {
        if !FEATURES.iter().any(|(name, _)| *name == f.name) {
            return Err(Error::Invalid(format!("follower model {origin}: unknown feature '{}'", f.name)));
        }
        if file.feature.iter().filter(|g| g.name == f.name).count() > 1 {
            return Err(Error::Invalid(format!("follower model {origin}: feature '{}' appears twice", f.name)));
        }
    }
    for rate in [file.sensitivity, file.specificity].into_iter().flatten() {
        if !(0.0..=1.0).contains(&rate) {
            return Err(Error::Invalid(format!(
                "follower model {origin}: sensitivity and specificity are between 0 and 1"
            )));
        }
    }
    let mut model = FollowerModel {
        means: [0.0; N],
        scales: [1.0; N],
        coefficients: [0.0; N],
        intercept: file.intercept,
        threshold: file.threshold,
        sensitivity: file.sensitivity,
        specificity: file.specificity,
    };
    // A feature the file does not list is one the model does not use.
    for (i, (name, _)) in FEATURES.iter().enumerate() {
        let Some(f) = file.feature.iter().find(|f| f.name == *name) else { continue };
        if !(f.scale > 0.0 && f.scale.is_finite() && f.coefficient.is_finite() && f.mean.is_finite()) {
            return Err(Error::Invalid(format!("follower model {origin}: feature '{name}' has scale {}", f.scale)));
        }
        (model.coefficients[i], model.means[i], model.scales[i]) = (f.coefficient, f.mean, f.scale);
    }
    Ok(model)
}

fn render_model(model: &FollowerModel, trained_on: &str) -> Result<String> {
    let file = ModelFile {
        trained_on: trained_on.to_string(),
        intercept: model.intercept,
        threshold: model.threshold,
        sensitivity: model.sensitivity,
        specificity: model.specificity,
        feature: FEATURES
            .iter()
            .enumerate()
            .filter(|(i, _)| model.coefficients[*i] != 0.0)
            .map(|(i, (name, _))| FeatureFile {
                name: name.to_string(),
                coefficient: model.coefficients[i],
                mean: model.means[i],
                scale: model.scales[i],
            })
            .collect(),
    };
    let body = toml::to_string(&file).map_err(|e| Error::Internal(format!("writing the follower model: {e}")))?;
    Ok(format!(
        "# The follower classifier of Clout: a logistic regression over standardised features\n\
         # (see clout_core::follower). Written by `clout quality train`.\n{body}"
    ))
}

/// What training produced.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSummary {
    pub rows: usize,
    pub fakes: usize,
    /// Stratified 5-fold cross-validation at the model's threshold, overall and per type.
    pub cross_validated: CrossValidation,
    /// The features the fitted model uses.
    pub features: Vec<&'static str>,
    /// The platform the model is for, or every platform.
    pub platform: Option<Platform>,
    pub model_file: PathBuf,
}

/// How a model is fitted: the L2 penalty and the share of real training accounts kept
/// below the threshold.
const LAMBDA: f64 = 1.0;
const TRAIN_SPECIFICITY: f64 = 0.97;

/// What `check_followers` found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowerCheck {
    pub followers: Vec<CheckedFollower>,
    /// Lines that are not valid interchange records: `(line, reason)`.
    pub rejects: Vec<(u64, String)>,
}

/// One checked follower.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedFollower {
    pub channel: String,
    pub username: String,
    pub verdict: Verdict,
    /// The cross-validated sensitivity and specificity of the model that judged it.
    pub rates: (Option<f64>, Option<f64>),
}

/// Reads a labels CSV: follower fields (`followers`, `following`, `posts_count`,
/// `has_profile_pic`, `is_private`, `bio_length` or `bio`, `username`) and `is_fake`.
/// InstaFake's column names are accepted too.
fn read_labels(path: &Path) -> Result<Vec<(FollowerProfile, bool)>> {
    let invalid = |line: u64, reason: String| Error::Invalid(format!("{}:{line}: {reason}", path.display()));
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| Error::Invalid(format!("reading the labels {}: {e}", path.display())))?;
    let headers: Vec<String> =
        reader.headers().map_err(|e| invalid(1, e.to_string()))?.iter().map(|h| h.trim().to_string()).collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let label = col(&["is_fake", "isFake"]).ok_or_else(|| invalid(1, "no is_fake column".to_string()))?;
    let cols = [
        col(&["followers", "userFollowerCount"]),
        col(&["following", "userFollowingCount"]),
        col(&["posts_count", "userMediaCount"]),
        col(&["bio_length", "userBiographyLength"]),
        col(&["username_digits", "usernameDigitCount"]),
        col(&["username_length", "usernameLength"]),
    ];
    let (pic, private, username, bio) = (
        col(&["has_profile_pic", "userHasProfilPic"]),
        col(&["is_private", "userIsPrivate"]),
        col(&["username"]),
        col(&["bio"]),
    );
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid(n as u64 + 2, e.to_string()))?;
        let line = record.position().map_or(n as u64 + 2, |p| p.line());
        let count = |i: Option<usize>| -> Result<Option<u64>> {
            match i.map(|i| record.get(i).unwrap_or("").trim()) {
                None | Some("") => Ok(None),
                Some(v) => clout_import::parse_count(v).map(Some).map_err(|e| invalid(line, e)),
            }
        };
        let flag = |i: Option<usize>| -> Result<Option<bool>> {
            match i.map(|i| record.get(i).unwrap_or("").trim().to_ascii_lowercase()) {
                None => Ok(None),
                Some(v) if v.is_empty() => Ok(None),
                Some(v) if ["1", "true", "yes"].contains(&v.as_str()) => Ok(Some(true)),
                Some(v) if ["0", "false", "no"].contains(&v.as_str()) => Ok(Some(false)),
                Some(v) => Err(invalid(line, format!("'{v}' is not a boolean"))),
            }
        };
        let fake = flag(Some(label))?.ok_or_else(|| invalid(line, "is_fake is empty".to_string()))?;
        let name = username.and_then(|i| record.get(i)).map(|u| u.trim().trim_start_matches('@').to_string());
        let mut profile = FollowerProfile {
            followers: count(cols[0])?,
            following: count(cols[1])?,
            posts: count(cols[2])?,
            has_profile_pic: flag(pic)?,
            is_private: flag(private)?,
            bio_length: count(cols[3])?.or_else(|| bio.and_then(|i| record.get(i)).map(|b| b.chars().count() as u64)),
            username_digits: count(cols[4])?,
            username_length: count(cols[5])?,
        };
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            profile.username_length = Some(name.chars().count() as u64);
            profile.username_digits = Some(name.chars().filter(char::is_ascii_digit).count() as u64);
        }
        out.push((profile, fake));
    }
    Ok(out)
}

impl App {
    /// `DATA/models/follower.toml`, or `follower-PLATFORM.toml` for one platform's own.
    fn model_path(&self, platform: Option<Platform>) -> PathBuf {
        let name = match platform {
            None => "follower.toml".to_string(),
            Some(p) => format!("follower-{}.toml", p.as_str()),
        };
        self.config.data_dir.join("models").join(name)
    }

    /// The follower model for a platform's followers: the data directory's model for that
    /// platform, else its model for every platform, else the built-in one.
    pub fn follower_model(&self, platform: Option<Platform>) -> Result<FollowerModel> {
        let (text, origin) = self.follower_model_file(platform)?;
        parse_model(&text, &origin)
    }

    /// [`App::follower_model`] with the fingerprint of its file.
    pub(crate) fn follower_judge(&self, platform: Platform) -> Result<crate::scores::Judge> {
        let (text, origin) = self.follower_model_file(Some(platform))?;
        Ok(crate::scores::Judge::new(parse_model(&text, &origin)?, &text))
    }

    /// The text of the follower model file for a platform, and where it came from.
    fn follower_model_file(&self, platform: Option<Platform>) -> Result<(String, String)> {
        let mut paths = vec![self.model_path(None)];
        if platform.is_some() {
            paths.insert(0, self.model_path(platform));
        }
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => return Ok((text, path.display().to_string())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::Internal(format!("reading {}: {e}", path.display()))),
            }
        }
        Ok((DEFAULT_FOLLOWER_MODEL.to_string(), "(built in)".to_string()))
    }

    /// Fits the follower model on a labels CSV, reports stratified 5-fold cross-validation
    /// (overall and per audience type), and saves the model as this data directory's own,
    /// for one platform or for all. It uses the features that mark bought accounts on every
    /// platform unless `all_features` (for labels drawn from the very population the model
    /// will judge).
    pub fn train_follower_model(
        &mut self,
        labels: &Path,
        platform: Option<Platform>,
        all_features: bool,
    ) -> Result<TrainSummary> {
        let data = read_labels(labels)?;
        let fakes = data.iter().filter(|d| d.1).count();
        if fakes < 5 || data.len() - fakes < 5 {
            return Err(Error::Invalid(format!(
                "{}: {} fake and {} real accounts; training needs at least 5 of each",
                labels.display(),
                fakes,
                data.len() - fakes
            )));
        }
        let use_ = if all_features { &ALL } else { &TRANSFER };
        let cv = cross_validate(&data, LAMBDA, TRAIN_SPECIFICITY, use_, 5).ok_or_else(|| {
            Error::Invalid("the model could not be fitted on a cross-validation fold (degenerate labels?)".to_string())
        })?;
        let mut model = fit(&data, LAMBDA, TRAIN_SPECIFICITY, use_)
            .ok_or_else(|| Error::Invalid("the labels hold only one class".to_string()))?;
        model.sensitivity = Some(cv.scores.recall);
        model.specificity = Some(cv.scores.specificity);
        let path = self.model_path(platform);
        let trained_on = format!(
            "{} ({} accounts, {} fake{})",
            labels.display(),
            data.len(),
            fakes,
            platform.map_or(String::new(), |p| format!("; for {p} followers"))
        );
        let text = render_model(&model, &trained_on)?;
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| Error::Internal(format!("writing {}: {e}", path.display())))?;
        let features =
            FEATURES.iter().enumerate().filter(|(i, _)| model.coefficients[*i] != 0.0).map(|(_, f)| f.0).collect();
        Ok(TrainSummary { rows: data.len(), fakes, cross_validated: cv, features, platform, model_file: path })
    }

    /// Scores every `follower` record of an interchange file (NDJSON or CSV, plain or gzip).
    pub fn check_followers(&self, file: &Path) -> Result<FollowerCheck> {
        let mut models: std::collections::HashMap<Platform, FollowerModel> = std::collections::HashMap::new();
        let mut rejects = Vec::new();
        let mut records: Vec<Record> = Vec::new();
        let fault = crate::import::read_rows(
            file,
            clout_import::Limits::default(),
            None,
            Default::default(),
            &mut crate::import::Answers::default(),
            |_| true,
            |row| {
                match row.parsed {
                    Ok(r) => records.push(r),
                    Err(issues) => {
                        rejects.push((row.line, issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; ")))
                    }
                }
                true
            },
        )
        .map_err(|e| Error::Invalid(format!("reading {}: {e}", file.display())))?;
        if let Some(fault) = fault {
            return Err(Error::Invalid(format!("{}: {fault}", file.display())));
        }
        let mut followers = Vec::new();
        for r in records {
            let Record::Follower(f) = r else { continue };
            let model = match models.entry(f.platform) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(self.follower_model(Some(f.platform))?),
            };
            followers.push(CheckedFollower {
                channel: format!("{}/{}", f.platform, f.handle),
                verdict: model.judge(&f.profile()),
                rates: (model.sensitivity, model.specificity),
                username: f.username,
            });
        }
        Ok(FollowerCheck { followers, rejects })
    }
}

/// A channel's audience-quality score with the channel.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityReport {
    pub view: crate::ChannelView,
    pub score: clout_core::authenticity::QualityScore,
}

impl App {
    /// The audience-quality score of one channel, with its components and evidence, against
    /// the peer statistics kept with the Directory (computed on the first profile after each
    /// rebuild, instead of on every one). Edges call it as [`crate::Reader::quality`].
    pub(crate) fn quality_with_peers(
        &self,
        directory: &crate::Directory,
        reference: &str,
        preset: clout_core::TierPreset,
    ) -> Result<QualityReport> {
        let profile = self.channel_profile(reference, preset)?;
        let peers = match directory.peer_comments.get() {
            Some(p) => p,
            None => {
                let mut all = Vec::new();
                for platform in clout_core::Platform::ALL {
                    all.extend(self.store.comment_rates(platform)?.into_iter().map(|(b, c)| (platform, b, c)));
                }
                let _ = directory.peer_comments.set(comment_stats(all.into_iter()));
                directory
                    .peer_comments
                    .get()
                    .ok_or_else(|| Error::Internal("the peer statistics vanished".to_string()))?
            }
        };
        self.quality_with(profile, peers)
    }

    fn quality_with(&self, profile: crate::ChannelProfile, peers: &PeerComments) -> Result<QualityReport> {
        let samples = self.store.follower_samples_of(profile.view.row.id)?;
        let sample = if samples.is_empty() {
            None
        } else {
            Some(summarise(&self.follower_model(Some(profile.view.row.platform))?, &samples))
        };
        let history: Vec<(clout_core::Timestamp, u64)> =
            profile.history.iter().map(|h| (h.observed_at, h.followers)).collect();
        let posts: Vec<clout_core::PostSnapshot> = profile.posts.iter().map(|p| p.post.snapshot.clone()).collect();
        let comments = self.store.comments_of(profile.view.row.id)?;
        let score = clout_core::authenticity::quality_score(&inputs(
            &profile.view.row,
            &history,
            &posts,
            peers,
            sample,
            (!comments.is_empty()).then_some(&comments),
        ));
        Ok(QualityReport { view: profile.view, score })
    }

    /// Every channel's score, by channel id (follower samples included where imported).
    pub fn quality_all(&self) -> Result<Vec<(i64, clout_core::authenticity::QualityScore)>> {
        let rows = self.store.channels(&clout_store::ChannelFilter::default())?;
        let peers = peer_comment_stats(&rows);
        let by_id: std::collections::HashMap<i64, &clout_store::ChannelRow> = rows.iter().map(|r| (r.id, r)).collect();
        let samples = self.store.follower_samples_by_channel()?;
        let mut models = std::collections::HashMap::new();
        if !samples.is_empty() {
            for platform in Platform::ALL {
                models.insert(platform, self.follower_model(Some(platform))?);
            }
        }
        let comments = self.store.comments_by_channel()?;
        let mut out = Vec::new();
        self.store.for_each_metrics_input(&mut |input| {
            if let Some(row) = by_id.get(&input.channel_id) {
                let sample = match (models.get(&row.platform), samples.get(&input.channel_id)) {
                    (Some(m), Some(s)) => Some(summarise(m, s)),
                    _ => None,
                };
                let x = inputs(row, input.history, input.posts, &peers, sample, comments.get(&input.channel_id));
                out.push((input.channel_id, clout_core::authenticity::quality_score(&x)));
            }
        })?;
        Ok(out)
    }

    /// Recomputes and stores every channel's audience-quality score (for `channels --json`
    /// and the Directory).
    pub fn recompute_quality(&mut self) -> Result<u64> {
        let scores: Vec<(i64, clout_store::QualityRecord)> = self
            .quality_all()?
            .into_iter()
            .map(|(id, q)| {
                (
                    id,
                    clout_store::QualityRecord {
                        score: q.score,
                        low: q.low,
                        high: q.high,
                        enough_evidence: !q.not_enough_evidence,
                    },
                )
            })
            .collect();
        self.store.replace_quality(&scores)?;
        Ok(scores.len() as u64)
    }
}
