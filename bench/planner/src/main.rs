//! relais-planner-bench: builds a seeded, realistic re-planning problem (the
//! spring-2020 lockdown: 13 delegations, shared trainers with gaps in their
//! availability, venues of all sizes, willingness to travel low in the first
//! months and rising, two semesters of plan) and times the planner on it.
//!
//! `cargo run --release -p relais-planner-bench -- --sessions 300`

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relais_planner::{
    Availability, BoundMethod, CourseId, DateRange, DelegationId, Format, Month, Options, Period,
    PeriodId, Problem, Rules, Session, SessionId, Trainer, TrainerId, Venue, VenueId, Willingness,
    plan,
};

#[derive(Parser)]
#[command(about = "Times the re-planning optimiser on a seeded realistic problem")]
struct Args {
    /// Postponed sessions to place.
    #[arg(long, default_value_t = 300)]
    sessions: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The planner's time limit, in seconds.
    #[arg(long, default_value_t = 15.0)]
    time_limit: f64,
    /// Runs, each on the same problem; the times of all are printed.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Write the problem as JSON to this file.
    #[arg(long)]
    write_problem: Option<std::path::PathBuf>,
    /// Read the problem from this JSON file instead of generating it.
    #[arg(long)]
    read_problem: Option<std::path::PathBuf>,
    /// Print each unplaced session's reasons.
    #[arg(long)]
    reasons: bool,
}

const DELEGATIONS: i64 = 13;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let problem = match &args.read_problem {
        Some(path) => {
            serde_json::from_slice(&std::fs::read(path)?).context("reading the problem")?
        }
        None => generate(args.sessions, args.seed),
    };
    if let Some(path) = &args.write_problem {
        std::fs::write(path, serde_json::to_vec_pretty(&problem)?)?;
    }
    let options = Options {
        time_limit: Duration::from_secs_f64(args.time_limit),
        ..Options::default()
    };
    println!(
        "problem: {} sessions, {} trainers, {} venues, {} delegations, horizon {} to {}, seed {}",
        problem.sessions.len(),
        problem.trainers.len(),
        problem.venues.len(),
        DELEGATIONS,
        problem.horizon.first,
        problem.horizon.last,
        args.seed
    );
    for run in 1..=args.runs {
        let started = Instant::now();
        let plan = plan(&problem, &options)?;
        let wall = started.elapsed();
        let lp = match &plan.method.bound {
            BoundMethod::LpRelaxation {
                buckets,
                blocks,
                blocks_solved,
                variables,
                constraints,
                solve_time,
            } => format!(
                "LP relaxation: {buckets} buckets, {blocks_solved}/{blocks} blocks solved, {variables} variables, {constraints} constraints, {:.3} s",
                solve_time.as_secs_f64()
            ),
            BoundMethod::SessionsAlone { why } => format!("sessions alone ({why})"),
        };
        println!(
            "run {run}: placed {} / {} sessions, {} / {} trainee-days; objective {}, bound {}, gap {:.2} %; \
             search {:.3} s, {} moves{}; bound: {lp}; wall {:.3} s",
            plan.placed_sessions,
            problem.sessions.len(),
            plan.placed_trainee_days,
            plan.total_trainee_days,
            plan.objective,
            plan.bound,
            plan.gap * 100.0,
            plan.method.search_time.as_secs_f64(),
            plan.method.iterations,
            if plan.method.stopped_by_time_limit {
                " (stopped by the time limit)"
            } else {
                ""
            },
            wall.as_secs_f64()
        );
        if args.reasons && run == 1 {
            for unplaced in plan.unplaced() {
                println!("  {}", unplaced.explain());
            }
        }
    }
    Ok(())
}

fn day(first: Date, offset: i64) -> Date {
    first.checked_add(offset.days()).expect("in range")
}

/// A realistic problem: the spring-2020 lockdown postponed `n` sessions,
/// re-planned from June 2020 to the end of June 2021.
fn generate(n: usize, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = date(2020, 6, 1);
    let last = date(2021, 6, 30);
    let horizon_days = first.until(last).expect("dates").get_days() as i64;

    // Trainers: about one for four sessions, each with a few weeks away and
    // some who only said when they are free.
    let trainer_count = (n / 4).max(3);
    let trainers: Vec<Trainer> = (0..trainer_count)
        .map(|t| {
            let mut availability = Availability::always();
            for _ in 0..rng.random_range(0..=3) {
                let from = rng.random_range(0..horizon_days);
                let length = rng.random_range(5..25);
                availability.unavailable.push(DateRange::new(
                    day(first, from),
                    day(first, (from + length).min(horizon_days)),
                ));
            }
            if rng.random_bool(0.2) {
                // Free only from some month on.
                let from = rng.random_range(30..200);
                availability.available = Some(vec![DateRange::new(day(first, from), last)]);
            }
            Trainer {
                id: TrainerId(t as i64 + 1),
                availability,
            }
        })
        .collect();

    // Venues: two to five per delegation, 12 to 40 seats, some closed a while.
    let mut venues = Vec::new();
    for d in 1..=DELEGATIONS {
        for _ in 0..rng.random_range(2..=5) {
            let mut availability = Availability::always();
            if rng.random_bool(0.3) {
                let from = rng.random_range(0..horizon_days);
                availability.unavailable.push(DateRange::new(
                    day(first, from),
                    day(first, (from + 30).min(horizon_days)),
                ));
            }
            venues.push(Venue {
                id: VenueId(venues.len() as i64 + 1),
                delegation: DelegationId(d),
                seats: *[12, 16, 20, 25, 30, 40]
                    .get(rng.random_range(0..6))
                    .expect("in range"),
                availability,
            });
        }
    }

    // Courses of one to four sessions; one in five is a sequence of parts.
    let mut sessions = Vec::with_capacity(n);
    let mut course = 0;
    while sessions.len() < n {
        course += 1;
        let delegation = DelegationId(rng.random_range(1..=DELEGATIONS));
        let count = rng.random_range(1..=4).min(n - sessions.len());
        let in_parts = count > 1 && rng.random_bool(0.2);
        let trainer = TrainerId(rng.random_range(1..=trainer_count as i64));
        let second = rng
            .random_bool(0.15)
            .then(|| TrainerId(rng.random_range(1..=trainer_count as i64)));
        let days = *[1, 1, 1, 2, 2, 3, 5]
            .get(rng.random_range(0..7))
            .expect("in range");
        let format = if rng.random_bool(0.8) {
            Format::InPerson
        } else {
            Format::Online
        };
        for k in 0..count {
            let seats = rng.random_range(6..=30);
            let mut trainers = vec![trainer];
            trainers.extend(second);
            sessions.push(Session {
                id: SessionId(sessions.len() as i64 + 1),
                course: CourseId(course),
                part: in_parts.then_some(k as u32 + 1),
                days,
                trainers,
                delegation,
                seats,
                format,
                venues: Vec::new(),
                earliest: rng
                    .random_bool(0.3)
                    .then(|| day(first, rng.random_range(14..90))),
                trainee_days: seats * days,
            });
        }
    }

    // Willingness: low in June 2020, rising month by month.
    let mut willingness = Vec::new();
    for d in 1..=DELEGATIONS {
        let mut share: f64 = rng.random_range(0.05..0.35);
        let mut month = Month::new(2020, 6);
        for _ in 0..13 {
            willingness.push(Willingness {
                delegation: DelegationId(d),
                month,
                share: share.min(1.0),
            });
            share += rng.random_range(0.03..0.15);
            month = if month.month == 12 {
                Month::new(month.year + 1, 1)
            } else {
                Month::new(month.year, month.month + 1)
            };
        }
    }

    // Two semesters of plan, the first with room for about half the work.
    let total: u32 = sessions.iter().map(|s| s.trainee_days).sum();
    let periods = vec![
        Period {
            id: PeriodId(20202),
            first: date(2020, 6, 1),
            last: date(2020, 12, 31),
            capacity_trainee_days: total / 2,
        },
        Period {
            id: PeriodId(20211),
            first: date(2021, 1, 1),
            last,
            capacity_trainee_days: total * 7 / 10,
        },
    ];

    Problem {
        horizon: DateRange::new(first, last),
        periods,
        sessions,
        trainers,
        venues,
        willingness,
        rules: Rules {
            min_gap_days: 14,
            ..Rules::default()
        },
    }
}
