//! The one reading of a plan that every edge shares: key/value pairs (the Plan page's URL,
//! `/api/v1/plan`, a campaign's saved plan, or `clout plan`'s flags written as pairs) to a
//! validated [`PlanRequest`]. The keys are the CLI's flag names with `_` for `-`; every
//! Directory filter of [`crate::search_query`] applies to the candidates.
//!
//! The edges differ only in how long they let the optimiser run ([`PlanLimits`]): a server
//! answers within seconds, a terminal may wait.

use clout_core::Tier;
use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;

use crate::plan::{Goal, MAX_CANDIDATES, PlanRequest};
use crate::query::{QueryError, boolean, finite, invalid, number, search_query};

/// The keys of a plan beside the Directory filters.
pub const PLAN_KEYS: &[&str] = &[
    "budget",
    "currency",
    "goal",
    "deliverable",
    "max_share",
    "min_creators",
    "max_creators",
    "exclude",
    "compare",
    "time_limit",
    "candidates",
    "management_cost",
    "list",
];

/// The most creators a plan may ask for (as a minimum or a maximum).
pub const MAX_PLAN_CREATORS: usize = 10_000;

/// What an edge lets a plan do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanLimits {
    /// The longest the optimiser may search, in seconds.
    pub max_seconds: f64,
}

impl PlanLimits {
    /// A server's: 10 seconds.
    pub const SERVER: PlanLimits = PlanLimits { max_seconds: 10.0 };
    /// A terminal's: an hour.
    pub const TERMINAL: PlanLimits = PlanLimits { max_seconds: 3_600.0 };
}

/// A plan to make, and whether to make three side by side.
#[derive(Debug, Clone)]
pub struct PlanQuery {
    pub request: PlanRequest,
    /// Micro creators, a few top-tier ones and no constraint, side by side.
    pub compare: bool,
}

/// A plan from pairs: the plan's own keys plus every search filter (not `limit`, `offset`,
/// `facets` or `sort`: the candidates are the best matches by relevance). Empty values are
/// ignored (an untouched form field). `card_currency` is the budget's when none is given.
///
/// The audience is micro creators unless a `tier` says otherwise (`tier=any`: every tier):
/// Clout plans campaigns of micro-influencers. A comparison (`compare`) sets its own tiers
/// for its micro and top-tier plans, and its unconstrained plan takes every tier unless a
/// `tier` is given.
pub fn plan_query(
    pairs: &[(String, String)],
    card_currency: Currency,
    limits: PlanLimits,
    now: clout_core::Timestamp,
) -> Result<PlanQuery, QueryError> {
    let (own, filters): (Vec<_>, Vec<_>) = pairs.iter().cloned().partition(|(k, _)| PLAN_KEYS.contains(&k.as_str()));
    let own: Vec<(String, String)> = own.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    if let Some((k, _)) = filters.iter().find(|(k, _)| ["limit", "offset", "facets", "sort"].contains(&k.as_str())) {
        return Err(QueryError {
            key: k.clone(),
            unknown: true,
            message: format!("unknown parameter '{k}' for a plan"),
        });
    }
    // `tier=any` is every tier; without a tier a plan is of micro creators.
    let any_tier = filters.iter().any(|(k, v)| k == "tier" && v.trim().eq_ignore_ascii_case("any"));
    let filters: Vec<(String, String)> =
        filters.into_iter().filter(|(k, v)| !(k == "tier" && v.trim().eq_ignore_ascii_case("any"))).collect();
    let mut query = search_query(&filters, true, now)?;
    query.limit = MAX_CANDIDATES;
    let last = |key: &str| own.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let currency = match last("currency") {
        Some(c) => Currency::parse(c).map_err(|e| invalid("currency", e.0))?,
        None => card_currency,
    };
    let budget = match last("budget") {
        Some(b) => Money::parse(b, currency).map_err(|e| invalid("budget", e.0))?,
        None => return Err(invalid("budget", "a plan needs a budget")),
    };
    let goal = match last("goal") {
        Some(g) => Goal::parse(g)
            .ok_or_else(|| invalid("goal", format!("unknown goal '{g}' (engagements, reach, views, value)")))?,
        None => Goal::Engagements,
    };
    let deliverable = match last("deliverable") {
        Some(d) => Deliverable::parse(d)
            .ok_or_else(|| invalid("deliverable", format!("unknown deliverable '{d}' (post, video, story, short)")))?,
        None => Deliverable::Post,
    };
    let time_limit = match last("time_limit") {
        Some(v) => {
            let s = finite("time_limit", v)?;
            if !(s > 0.0 && s <= limits.max_seconds) {
                return Err(invalid(
                    "time_limit",
                    format!("{s} is out of range (above 0, at most {} seconds)", limits.max_seconds),
                ));
            }
            s
        }
        None => 1.0,
    };
    let bounded = |key: &str, range: std::ops::RangeInclusive<usize>| -> Result<Option<usize>, QueryError> {
        let Some(v) = last(key) else { return Ok(None) };
        let n: usize = number(key, v)?;
        if range.contains(&n) {
            Ok(Some(n))
        } else {
            Err(invalid(key, format!("{n} is out of range ({} to {})", range.start(), range.end())))
        }
    };
    let request = PlanRequest {
        query,
        budget,
        goal,
        deliverable,
        max_share: last("max_share").map(|v| finite("max_share", v)).transpose()?,
        min_creators: bounded("min_creators", 0..=MAX_PLAN_CREATORS)?.unwrap_or(0),
        max_creators: bounded("max_creators", 1..=MAX_PLAN_CREATORS)?,
        exclude: own.iter().filter(|(k, _)| k == "exclude").map(|(_, v)| v.clone()).collect(),
        time_limit: std::time::Duration::from_secs_f64(time_limit),
        candidates: bounded("candidates", 1..=MAX_CANDIDATES)?.unwrap_or(MAX_CANDIDATES),
        management_cost: match last("management_cost") {
            None => None,
            Some(v) if v.trim().parse::<f64>().is_ok_and(|x| x == 0.0) => Some(Money::zero(currency)),
            Some(v) => match Money::parse(v, currency).map_err(|e| invalid("management_cost", e.0))? {
                m if m.minor < 0 => return Err(invalid("management_cost", format!("{v} is below zero"))),
                m => Some(m),
            },
        },
        list: match last("list") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| invalid("list", format!("'{v}' is not a list's id")))?,
            ),
        },
    };
    let compare = last("compare").map(|v| boolean("compare", v)).transpose()?.unwrap_or(false);
    let mut request = request;
    if any_tier {
        request.query.tiers = Tier::ALL.to_vec();
    } else if request.query.tiers.is_empty() && !compare {
        request.query.tiers = vec![Tier::Micro];
    }
    Ok(PlanQuery { request, compare })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    #[test]
    fn a_plan_reads_its_keys_and_the_directory_filters() {
        let q = plan_query(
            &pairs(&[
                ("budget", "2500.50"),
                ("goal", "reach"),
                ("max_creators", "4"),
                ("exclude", "instagram/a"),
                ("exclude", "tiktok/b"),
                ("niche", "Fitness"),
                ("compare", "yes"),
                ("currency", ""),
            ]),
            usd(),
            PlanLimits::SERVER,
            clout_core::Timestamp::from_unix(0),
        )
        .unwrap();
        assert_eq!(q.request.budget.minor, 250_050);
        assert_eq!(q.request.budget.currency, usd());
        assert_eq!(q.request.goal, Goal::Reach);
        assert_eq!(q.request.max_creators, Some(4));
        assert_eq!(q.request.min_creators, 0);
        assert_eq!(q.request.exclude, vec!["instagram/a".to_string(), "tiktok/b".to_string()]);
        assert_eq!(q.request.query.niches, vec!["fitness".to_string()]);
        assert_eq!(q.request.candidates, MAX_CANDIDATES);
        assert!(q.compare);
        assert!(q.request.query.tiers.is_empty(), "a comparison's unconstrained plan takes every tier");
    }

    #[test]
    fn a_plan_is_of_micro_creators_unless_a_tier_says_otherwise() {
        let tiers = |s: &[(&str, &str)]| {
            plan_query(&pairs(s), usd(), PlanLimits::SERVER, clout_core::Timestamp::from_unix(0))
                .unwrap()
                .request
                .query
                .tiers
        };
        assert_eq!(tiers(&[("budget", "10")]), vec![Tier::Micro]);
        assert_eq!(tiers(&[("budget", "10"), ("tier", "mid"), ("tier", "macro")]), vec![Tier::Mid, Tier::Macro]);
        assert_eq!(tiers(&[("budget", "10"), ("tier", "Any")]), Tier::ALL.to_vec());
        assert_eq!(tiers(&[("budget", "10"), ("tier", "")]), vec![Tier::Micro], "an untouched form field");
    }

    #[test]
    fn each_bad_key_is_named_with_its_reason() {
        let refused = |s: &[(&str, &str)], limits: PlanLimits| {
            plan_query(&pairs(s), usd(), limits, clout_core::Timestamp::from_unix(0)).unwrap_err()
        };
        let server = PlanLimits::SERVER;
        assert_eq!(refused(&[("goal", "likes")], server).key, "budget", "no budget is the first refusal");
        assert_eq!(refused(&[("budget", "10.001")], server).key, "budget");
        assert_eq!(refused(&[("budget", "10"), ("goal", "likes")], server).key, "goal");
        assert_eq!(refused(&[("budget", "10"), ("max_creators", "0")], server).key, "max_creators");
        assert_eq!(refused(&[("budget", "10"), ("candidates", "20001")], server).key, "candidates");
        assert_eq!(refused(&[("budget", "10"), ("min_er", "abc")], server).key, "min_er");
        assert_eq!(refused(&[("budget", "10"), ("management_cost", "-1")], server).key, "management_cost");
        let management = |v: &str| {
            plan_query(
                &pairs(&[("budget", "10"), ("management_cost", v)]),
                usd(),
                server,
                clout_core::Timestamp::from_unix(0),
            )
            .unwrap()
            .request
            .management_cost
        };
        assert_eq!(management("0"), Some(Money::zero(usd())));
        assert_eq!(management("45.50").map(|m| m.minor), Some(4_550));
        assert_eq!(
            plan_query(&pairs(&[("budget", "10")]), usd(), server, clout_core::Timestamp::from_unix(0))
                .unwrap()
                .request
                .management_cost,
            None
        );
        let sort = refused(&[("budget", "10"), ("sort", "followers")], server);
        assert!(sort.unknown && sort.key == "sort", "{sort:?}");
        // A server answers within seconds; a terminal may wait.
        assert_eq!(refused(&[("budget", "10"), ("time_limit", "60")], server).key, "time_limit");
        let q = plan_query(
            &pairs(&[("budget", "10"), ("time_limit", "60")]),
            usd(),
            PlanLimits::TERMINAL,
            clout_core::Timestamp::from_unix(0),
        )
        .unwrap();
        assert_eq!(q.request.time_limit.as_secs(), 60);
        assert_eq!(refused(&[("budget", "10"), ("time_limit", "0")], PlanLimits::TERMINAL).key, "time_limit");
    }
}
