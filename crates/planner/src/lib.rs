//! # relais-planner: re-planning postponed training sessions
//!
//! A pure library (no database, no I/O): given the sessions a crisis
//! postponed, the trainers' and venues' availability, the plan's remaining
//! capacity per period, the agents' willingness to travel by month and the
//! house rules, [`plan`] proposes dates that place as much of the postponed
//! work as possible, as early as possible. It answers how far from optimal
//! the proposal can be (a proven lower bound from a linear relaxation solved
//! with microlp) and, for each session it could not place, which constraints
//! stand in the way.
//!
//! ```
//! use jiff::civil::date;
//! use relais_planner::*;
//!
//! let problem = Problem {
//!     horizon: DateRange::new(date(2020, 9, 1), date(2021, 6, 30)),
//!     periods: vec![],
//!     sessions: vec![Session {
//!         id: SessionId(1), course: CourseId(10), part: None, days: 2,
//!         trainers: vec![TrainerId(7)], delegation: DelegationId(3), seats: 12,
//!         format: Format::InPerson, venues: vec![], earliest: None, trainee_days: 24,
//!     }],
//!     trainers: vec![],
//!     venues: vec![Venue { id: VenueId(5), delegation: DelegationId(3), seats: 20,
//!                          availability: Availability::always() }],
//!     willingness: vec![],
//!     rules: Rules::default(),
//! };
//! let plan = plan(&problem, &Options::default()).unwrap();
//! match &plan.proposals[0] {
//!     Proposal::Placed(p) => assert_eq!(p.first_day, date(2020, 9, 1)),
//!     Proposal::Unplaced(u) => panic!("{}", u.explain()),
//! }
//! assert!(plan.bound <= plan.objective);
//! ```
//!
//! The model, the bound and why they are what they are: `docs/planner.md`.

mod bound;
mod calendar;
mod explain;
mod instance;
mod plan;
mod problem;
mod search;

use std::time::{Duration, Instant};

pub use calendar::{easter_sunday, french_public_holidays, is_french_public_holiday};
pub use plan::{Blocking, BoundMethod, Method, Placement, Plan, Proposal, Reason, Unplaced};
pub use problem::{
    Availability, CourseId, DateRange, DelegationId, Format, InvalidProblem, Month, Period,
    PeriodId, Problem, Rules, Session, SessionId, Trainer, TrainerId, Venue, VenueId, Willingness,
};

/// The longest horizon accepted, in days (three years).
pub const MAX_HORIZON_DAYS: usize = 1096;

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Options {
    /// The search and the LP stop by then (they run side by side); the plan
    /// found so far and the best bound known are answered. Default 15 s.
    pub time_limit: Duration,
    /// Solve the LP relaxation for the bound (default). Without it the bound
    /// is each session at its own earliest date, which is weaker.
    pub lp_bound: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(15),
            lp_bound: true,
        }
    }
}

/// Proposes dates for the postponed sessions of `problem`.
///
/// Fails only on a malformed problem (duplicate ids, a horizon that ends
/// before it starts, a share outside 0..1, ...). An infeasible problem gets a
/// plan whose sessions are all [`Proposal::Unplaced`] with their reasons.
/// The result is the same for the same problem unless the time limit cuts
/// the search short (`plan.method.stopped_by_time_limit`).
pub fn plan(problem: &Problem, options: &Options) -> Result<Plan, InvalidProblem> {
    let started = Instant::now();
    let inst = instance::Instance::build(problem)?;
    let deadline = started + options.time_limit;
    let (outcome, search_time, lp) = std::thread::scope(|scope| {
        let lp = options.lp_bound.then(|| {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let inst = &inst;
            scope.spawn(move || bound::lp_bound(inst, remaining))
        });
        let search_started = Instant::now();
        let outcome = search::search(&inst, deadline);
        let search_time = search_started.elapsed();
        let lp = lp.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err("the LP solver failed".to_string()))
        });
        (outcome, search_time, lp)
    });
    let alone = bound::priced_alone(&inst);
    let (bound, bound_method) = match lp {
        Some(Ok(lp)) => (lp.value.max(alone), lp.method),
        Some(Err(why)) => (alone, BoundMethod::SessionsAlone { why }),
        None => (
            alone,
            BoundMethod::SessionsAlone {
                why: "the LP bound was not asked for".to_string(),
            },
        ),
    };

    let state = &outcome.state;
    let proposals = (0..inst.sessions.len())
        .map(|s| match state.start[s] {
            Some(day) => Proposal::Placed(Placement {
                session: inst.sessions[s].id,
                first_day: inst.days[day],
                last_day: inst.days[day + inst.sessions[s].len - 1],
                venue: state.venue[s].map(|v| problem.venues[v].id),
            }),
            None => Proposal::Unplaced(explain::explain(&inst, state, s)),
        })
        .collect();
    let objective = state.cost;
    let gap = if objective == 0 {
        0.0
    } else {
        (objective as f64 - bound as f64) / objective as f64
    };
    Ok(Plan {
        proposals,
        objective,
        bound,
        gap,
        placed_sessions: state.start.iter().filter(|s| s.is_some()).count(),
        placed_trainee_days: state.placed_weight(&inst),
        total_trainee_days: inst.sessions.iter().map(|s| s.weight).sum(),
        method: Method {
            search: "greedy earliest-fit in six priority orders, then moves that bring a session \
                     earlier or place it by moving up to six others aside"
                .to_string(),
            iterations: outcome.iterations,
            stopped_by_time_limit: outcome.stopped_by_time_limit,
            search_time,
            bound: bound_method,
        },
        solve_time: started.elapsed(),
    })
}
