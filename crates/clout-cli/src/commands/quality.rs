//! What `clout quality train` and `clout quality check` print.

use std::collections::BTreeMap;

use clout_app::{CheckedFollower, TrainSummary};
use clout_core::authenticity::SampleSummary;
use clout_core::follower::AudienceType;

fn pct(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |x| format!("{:.1} %", 100.0 * x))
}

/// The cross-validated figures of a training run and where the model went.
pub(crate) fn trained(s: &TrainSummary, json: bool) -> String {
    let cv = &s.cross_validated;
    let sc = cv.scores;
    if json {
        let by_type: Vec<serde_json::Value> = cv
            .by_type
            .iter()
            .map(|t| {
                serde_json::json!({"type": t.kind.as_str(), "real": t.real, "fake": t.fake,
                    "specificity": t.specificity, "sensitivity": t.sensitivity})
            })
            .collect();
        return format!(
            "{}\n",
            serde_json::json!({"rows": s.rows, "fakes": s.fakes, "folds": cv.folds, "precision": sc.precision,
                "recall": sc.recall, "sensitivity": sc.recall, "f1": sc.f1, "specificity": sc.specificity,
                "accuracy": sc.accuracy, "auc": cv.auc, "features": s.features,
                "platform": s.platform.map(|p| p.as_str()), "by_type": by_type,
                "model_file": s.model_file.display().to_string()})
        );
    }
    let mut out = format!(
        "trained on {} accounts ({} fake) for {}, with {}\n\
         stratified {}-fold cross-validation: sensitivity {}, specificity {}, precision {}, F1 {}, accuracy {}, ROC AUC {}\n\n\
         {:<22} {:>6} {:>6}  {:>12}  {:>12}\n",
        s.rows,
        s.fakes,
        s.platform.map_or("every platform".to_string(), |p| format!("{p} followers")),
        s.features.join(", "),
        cv.folds,
        pct(Some(sc.recall)),
        pct(Some(sc.specificity)),
        pct(Some(sc.precision)),
        pct(Some(sc.f1)),
        pct(Some(sc.accuracy)),
        cv.auc.map_or("-".to_string(), |a| format!("{a:.3}")),
        "accounts by type",
        "real",
        "fake",
        "specificity",
        "sensitivity"
    );
    for t in &cv.by_type {
        out.push_str(&format!(
            "{:<22} {:>6} {:>6}  {:>12}  {:>12}\n",
            t.kind.label(),
            t.real,
            t.fake,
            pct(t.specificity),
            pct(t.sensitivity)
        ));
    }
    out.push_str(&format!("\nmodel saved to {}\n", s.model_file.display()));
    out
}

/// One line per judged follower, then (as text) each channel's audience by type.
pub(crate) fn checked(followers: &[CheckedFollower], json: bool) -> String {
    let mut text = String::new();
    for c in followers {
        let v = &c.verdict;
        let reasons: Vec<&str> = v.reasons.iter().map(|r| r.text.as_str()).collect();
        if json {
            let probabilities: serde_json::Map<String, serde_json::Value> =
                v.probabilities.iter().map(|(t, p)| (t.as_str().to_string(), serde_json::json!(p))).collect();
            text.push_str(&format!(
                "{}\n",
                serde_json::json!({"username": c.username, "channel": c.channel, "type": v.kind.as_str(),
                    "probabilities": probabilities, "fake_probability": v.fake_probability, "fake": v.fake,
                    "reasons": reasons})
            ));
        } else {
            text.push_str(&format!(
                "{:<24} {:<28} {:<14} {:>5.1} % suspicious  {}\n",
                c.username,
                c.channel,
                v.kind.as_str(),
                100.0 * v.fake_probability,
                reasons.join("; ")
            ));
        }
    }
    if json {
        return text;
    }
    let mut by_channel: BTreeMap<&str, Vec<&CheckedFollower>> = BTreeMap::new();
    for c in followers {
        by_channel.entry(&c.channel).or_default().push(c);
    }
    for (channel, list) in by_channel {
        let rates = list[0].rates;
        let summary = SampleSummary::of(list.iter().map(|c| c.verdict.kind), rates.0, rates.1);
        let s = summary.suspicious;
        let n = |k: AudienceType| summary.types[k as usize];
        text.push_str(&format!(
            "\n{channel}: {} followers; an estimated {:.0} % suspicious (95 % range {:.0}–{:.0} %{}), {} called suspicious\n",
            summary.checked,
            100.0 * s.share,
            100.0 * s.low,
            100.0 * s.high,
            if s.corrected { ", corrected for the classifier's error rates" } else { "" },
            n(AudienceType::Suspicious)
        ));
        for t in summary.shares() {
            text.push_str(&format!(
                "  {:<20} {:>4.0} % ({:.0}–{:.0} %)\n",
                t.kind.label(),
                100.0 * t.share,
                100.0 * t.low,
                100.0 * t.high
            ));
        }
    }
    text
}
