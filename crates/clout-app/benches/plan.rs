//! The planner at the size: 10,000 candidates and a $50,000 budget
//! (not a test; `cargo bench -p clout-app --bench plan`).
//!
//! Builds a demo store (CLOUT_BENCH_CHANNELS channels, default 12,000) and plans over the
//! first CLOUT_BENCH_CANDIDATES matches (default 10,000; every demo channel has the 5
//! window posts a candidate needs), then prints, for each goal: the whole plan's
//! time (search, prices, expected results, optimisation, joint simulation), the
//! optimiser's own time, nodes, whether it proved optimality and the gap, and the
//! greedy value-per-cost plan's value beside it. The last two rows cap the number of
//! creators (50, and 3 as in the comparison's top tier), where the search prices a slot
//! (Lagrangian relaxation). The time limit is the CLI's default, 1 s,
//! covering finding, pricing and optimising.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use clout_app::{AppConfig, Catalogue, CatalogueOptions, Goal, ImportOptions, PlanRequest, Silent};
use clout_core::Timestamp;
use clout_core::discovery::DiscoveryQuery;
use clout_core::money::{Currency, Money};
use clout_core::price::Deliverable;

fn main() {
    let channels: usize = std::env::var("CLOUT_BENCH_CHANNELS").ok().and_then(|s| s.parse().ok()).unwrap_or(12_000);
    let candidates: usize = std::env::var("CLOUT_BENCH_CANDIDATES").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let as_of = Timestamp::from_unix(1_795_176_000);
    let tmp = tempfile::tempdir().unwrap();
    let world = tmp.path().join("world.ndjson");
    clout_app::write_demo_world(std::fs::File::create(&world).unwrap(), 42, channels, as_of).unwrap();
    let catalogue = Catalogue::open(
        AppConfig {
            data_dir: tmp.path().join("data"),
            niches_file: None,
            rate_card_file: None,
            vectors_file: None,
            store: None,
        },
        CatalogueOptions { readers: 1, ..CatalogueOptions::write("bench") },
    )
    .unwrap();
    let started = Instant::now();
    catalogue
        .import(|app| {
            app.import(
                &[world],
                &ImportOptions {
                    clock: || Timestamp::from_unix(1_795_176_000),
                    strict: false,
                    batch_size: 50_000,
                    limits: Default::default(),
                    max_decompressed_bytes: None,
                    answers_observed_at: None,
                    csv_map: None,
                },
                &mut Silent,
            )
        })
        .unwrap();
    println!("demo store: {channels} channels imported in {:.1} s", started.elapsed().as_secs_f64());
    // The Directory is built here, outside the timings, as the server builds it at start.
    catalogue.directory().unwrap();

    let budget = Money::parse("50000", Currency::USD).unwrap();
    println!(
        "{:<16} {:>10} {:>9} {:>9} {:>10} {:>8} {:>10} {:>7} {:>14} {:>14}",
        "goal", "candidates", "picks", "plan ms", "solve ms", "optimal", "nodes", "gap %", "value", "greedy value"
    );
    let cases: [(Goal, Option<usize>); 6] = [
        (Goal::Engagements, None),
        (Goal::Reach, None),
        (Goal::Views, None),
        (Goal::Value, None),
        (Goal::Engagements, Some(50)),
        (Goal::Engagements, Some(3)),
    ];
    for (goal, max_creators) in cases {
        let request = PlanRequest {
            query: DiscoveryQuery::everything(),
            budget,
            goal,
            deliverable: Deliverable::Post,
            max_share: None,
            min_creators: 0,
            max_creators,
            exclude: Vec::new(),
            time_limit: Duration::from_secs(1),
            candidates,
            management_cost: None,
            list: None,
        };
        let started = Instant::now();
        let p = catalogue.read(|r| r.plan(&request)).unwrap();
        let plan_ms = started.elapsed().as_secs_f64() * 1000.0;
        let value: f64 = p.picks.iter().map(|x| goal_of(goal, x)).sum();
        let greedy_value = p.greedy_value.unwrap_or(0.0);
        let label = match max_creators {
            Some(m) => format!("{} ≤{m}", goal.as_str()),
            None => goal.as_str().to_string(),
        };
        println!(
            "{:<16} {:>10} {:>9} {:>9.0} {:>10.1} {:>8} {:>10} {:>7.4} {:>14.0} {:>14.0}",
            label,
            p.candidates,
            p.picks.len(),
            plan_ms,
            p.solve_time.as_secs_f64() * 1000.0,
            p.optimal,
            p.nodes,
            p.gap * 100.0,
            value,
            greedy_value
        );
    }
    println!(
        "target: under 1 s over 10,000 candidates with a $50,000 budget; the 1 s limit covers finding, pricing and optimising, and a plan it stops reports its gap"
    );
}

fn goal_of(goal: Goal, p: &clout_app::Pick) -> f64 {
    match goal {
        Goal::Engagements => p.expected.engagements.mean,
        Goal::Reach | Goal::UniqueReach => p.expected.reach.mean,
        Goal::Views => p.expected.views.mean,
        Goal::Value => p.expected.value.mean,
    }
}
