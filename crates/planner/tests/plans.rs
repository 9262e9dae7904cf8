//! Plans are feasible, as good as a brute force on tiny problems, and their
//! bound is a bound.

mod support;

use std::time::Duration;

use jiff::civil::date;
use relais_planner::{
    Availability, DateRange, Format, Options, Period, PeriodId, Proposal, Rules, SessionId,
    Trainer, TrainerId, plan,
};
use support::*;

fn options() -> Options {
    Options {
        time_limit: Duration::from_secs(30),
        ..Options::default()
    }
}

#[test]
fn random_problems_get_feasible_plans_with_a_true_bound() {
    for seed in 0..60 {
        let problem = random_problem(seed, 12 + (seed as usize % 5) * 8, 10 + seed as i64 % 12);
        let plan = plan(&problem, &options()).unwrap();
        let violations = check(&problem, &plan);
        assert!(violations.is_empty(), "seed {seed}: {violations:#?}");
        assert!(plan.bound <= plan.objective, "seed {seed}");
    }
}

#[test]
fn the_same_problem_gets_the_same_plan() {
    let problem = random_problem(7, 40, 16);
    let a = plan(&problem, &options()).unwrap();
    let b = plan(&problem, &options()).unwrap();
    assert!(!a.method.stopped_by_time_limit);
    assert_eq!(a.proposals, b.proposals);
    assert_eq!((a.objective, a.bound), (b.objective, b.bound));
}

#[test]
fn tiny_problems_reach_the_brute_force_optimum() {
    let mut reached = 0;
    let runs = 40;
    for seed in 0..runs {
        let mut problem = random_problem(1000 + seed, 3 + seed as usize % 2, 2);
        // A short horizon keeps the brute force quick.
        problem.horizon.last = problem
            .horizon
            .first
            .checked_add(jiff::Span::new().days(9))
            .unwrap();
        problem.periods.retain(|p| p.first <= problem.horizon.last);
        for p in &mut problem.periods {
            p.last = p.last.min(problem.horizon.last);
        }
        let plan = plan(&problem, &options()).unwrap();
        assert!(check(&problem, &plan).is_empty(), "seed {seed}");
        let optimum = brute_force_optimum(&problem);
        assert!(
            plan.bound <= optimum && optimum <= plan.objective,
            "seed {seed}: bound {} optimum {optimum} objective {}",
            plan.bound,
            plan.objective
        );
        reached += usize::from(plan.objective == optimum);
    }
    // A heuristic: not always optimal, but on problems this small it should
    // nearly always be.
    assert!(
        reached >= runs as usize * 9 / 10,
        "optimum reached {reached} times out of {runs}"
    );
}

#[test]
fn a_shared_trainer_teaches_on_consecutive_days() {
    // Tuesday 1 September 2020 onwards; one trainer, two courses.
    let mut problem = problem(
        date(2020, 9, 1),
        date(2020, 9, 30),
        vec![session(1, 10, 7), session(2, 20, 7)],
    );
    problem.sessions[1].trainee_days = 30;
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    // The heavier session takes the first day.
    let day = |id| match plan.proposal(SessionId(id)).unwrap() {
        Proposal::Placed(p) => p.first_day,
        Proposal::Unplaced(u) => panic!("{}", u.explain()),
    };
    assert_eq!(day(2), date(2020, 9, 1));
    assert_eq!(day(1), date(2020, 9, 2));
    assert_eq!(plan.objective, 10);
    // Weekly buckets cannot see that two starts in one week are on two
    // different days: the bound is below the optimum here, as it may be.
    assert!(plan.bound <= 10);
}

#[test]
fn sessions_of_a_course_keep_the_gap_and_parts_their_order() {
    let mut problem = problem(
        date(2020, 9, 1),
        date(2020, 12, 18),
        vec![session(1, 10, 7), session(2, 10, 8), session(3, 10, 9)],
    );
    problem.sessions[0].part = Some(2);
    problem.sessions[1].part = Some(1);
    problem.sessions[1].days = 3;
    problem.sessions[2].part = Some(3);
    problem.rules.min_gap_days = 14;
    problem.venues.push(venue(2, 1, 30));
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    let day = |id| match plan.proposal(SessionId(id)).unwrap() {
        Proposal::Placed(p) => p.first_day,
        Proposal::Unplaced(u) => panic!("{}", u.explain()),
    };
    assert_eq!(day(2), date(2020, 9, 1));
    assert_eq!(day(1), date(2020, 9, 15));
    assert_eq!(day(3), date(2020, 9, 29));
}

#[test]
fn a_full_period_sends_the_lighter_session_to_the_next() {
    let mut problem = problem(
        date(2020, 9, 1),
        date(2021, 1, 29),
        vec![session(1, 10, 7), session(2, 20, 8)],
    );
    problem.sessions[1].trainee_days = 25;
    problem.periods = vec![
        Period {
            id: PeriodId(1),
            first: date(2020, 9, 1),
            last: date(2020, 12, 31),
            capacity_trainee_days: 30,
        },
        Period {
            id: PeriodId(2),
            first: date(2021, 1, 1),
            last: date(2021, 6, 30),
            capacity_trainee_days: 100,
        },
    ];
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    let day = |id| match plan.proposal(SessionId(id)).unwrap() {
        Proposal::Placed(p) => p.first_day,
        Proposal::Unplaced(u) => panic!("{}", u.explain()),
    };
    assert_eq!(day(2), date(2020, 9, 1));
    // 4 January 2021: the first working day of the next period.
    assert_eq!(day(1), date(2021, 1, 4));
    // 10 trainee-days × 125 days from 1 September; the LP may put half of
    // the lighter session in the first period, so its bound is half that.
    assert_eq!(plan.objective, 1250);
    assert_eq!(plan.bound, 625);
    assert!((plan.gap - 0.5).abs() < 1e-12);
}

#[test]
fn august_holidays_and_weekends_are_skipped_unless_the_rules_allow_them() {
    // Friday 31 July 2020, then August, then Monday 31 August.
    let base = problem(date(2020, 8, 1), date(2020, 9, 30), vec![session(1, 10, 7)]);
    let first_day = |problem: &relais_planner::Problem| {
        let plan = plan(problem, &options()).unwrap();
        assert!(check(problem, &plan).is_empty());
        plan.placed().next().unwrap().first_day
    };
    assert_eq!(first_day(&base), date(2020, 9, 1));
    let mut no_august = base.clone();
    no_august.rules.excluded_months.clear();
    // Saturday 1 August is a weekend day; Monday 3 August is the first.
    assert_eq!(first_day(&no_august), date(2020, 8, 3));
    let mut anything = no_august.clone();
    anything.rules.exclude_weekends = false;
    assert_eq!(first_day(&anything), date(2020, 8, 1));
    // 14 July 2020 is a Tuesday holiday.
    let mut july = base.clone();
    july.horizon = DateRange::new(date(2020, 7, 14), date(2020, 7, 31));
    assert_eq!(first_day(&july), date(2020, 7, 15));
    july.rules.exclude_french_holidays = false;
    assert_eq!(first_day(&july), date(2020, 7, 14));
}

#[test]
fn online_sessions_need_no_venue_nor_willingness() {
    let mut problem = problem(date(2020, 9, 1), date(2020, 9, 30), vec![session(1, 10, 7)]);
    problem.sessions[0].format = Format::Online;
    problem.venues.clear();
    problem.willingness = vec![relais_planner::Willingness {
        delegation: relais_planner::DelegationId(1),
        month: relais_planner::Month::new(2020, 9),
        share: 0.0,
    }];
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    let placed = plan.placed().next().unwrap();
    assert_eq!((placed.first_day, placed.venue), (date(2020, 9, 1), None));
}

#[test]
fn stated_availability_is_respected() {
    let mut problem = problem(
        date(2020, 9, 1),
        date(2020, 10, 30),
        vec![session(1, 10, 7)],
    );
    problem.trainers = vec![Trainer {
        id: TrainerId(7),
        availability: Availability {
            available: Some(vec![DateRange::new(date(2020, 9, 14), date(2020, 10, 30))]),
            unavailable: vec![DateRange::new(date(2020, 9, 14), date(2020, 9, 20))],
        },
    }];
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    assert_eq!(plan.placed().next().unwrap().first_day, date(2020, 9, 21));
}

#[test]
fn the_lp_bound_is_at_least_the_simple_bound_and_reported() {
    let problem = random_problem(3, 60, 20);
    let with = plan(&problem, &options()).unwrap();
    let without = plan(
        &problem,
        &Options {
            lp_bound: false,
            ..options()
        },
    )
    .unwrap();
    assert!(matches!(
        with.method.bound,
        relais_planner::BoundMethod::LpRelaxation { .. }
    ));
    assert!(matches!(
        without.method.bound,
        relais_planner::BoundMethod::SessionsAlone { .. }
    ));
    assert!(without.bound <= with.bound && with.bound <= with.objective);
}

#[test]
fn problems_read_from_json_take_the_default_rules() {
    let json = r#"{
        "horizon": {"first": "2020-09-01", "last": "2020-09-30"},
        "sessions": [{"id": 1, "course": 10, "days": 2, "trainers": [7], "delegation": 1,
                      "seats": 12, "format": "in_person", "trainee_days": 24}],
        "venues": [{"id": 5, "delegation": 1, "seats": 20}],
        "willingness": [{"delegation": 1, "month": "2020-09", "share": 0.8}]
    }"#;
    let problem: relais_planner::Problem = serde_json::from_str(json).unwrap();
    assert_eq!(problem.rules, Rules::default());
    let plan = plan(&problem, &options()).unwrap();
    assert!(check(&problem, &plan).is_empty());
    let text = serde_json::to_string(&plan).unwrap();
    assert!(text.contains(r#""status":"placed""#), "{text}");
    assert!(text.contains(r#""first_day":"2020-09-01""#), "{text}");
    let back: relais_planner::Plan = serde_json::from_str(&text).unwrap();
    assert_eq!(back.proposals, plan.proposals);
}

#[test]
fn malformed_problems_are_refused() {
    let duplicate = problem(
        date(2020, 9, 1),
        date(2020, 9, 30),
        vec![session(1, 10, 7), session(1, 20, 8)],
    );
    assert_eq!(
        plan(&duplicate, &options()).unwrap_err(),
        relais_planner::InvalidProblem::DuplicateSession(SessionId(1))
    );
    let backwards = problem(date(2020, 9, 30), date(2020, 9, 1), vec![session(1, 10, 7)]);
    assert!(matches!(
        plan(&backwards, &options()),
        Err(relais_planner::InvalidProblem::Horizon { .. })
    ));
    let mut share = problem(date(2020, 9, 1), date(2020, 9, 30), vec![session(1, 10, 7)]);
    share.willingness.push(relais_planner::Willingness {
        delegation: relais_planner::DelegationId(1),
        month: relais_planner::Month::new(2020, 9),
        share: 1.5,
    });
    assert!(matches!(
        plan(&share, &options()),
        Err(relais_planner::InvalidProblem::Share { .. })
    ));
}

#[test]
fn an_empty_problem_and_a_part_number_at_the_limit() {
    let empty = problem(date(2020, 9, 1), date(2020, 9, 30), Vec::new());
    let nothing = plan(&empty, &options()).unwrap();
    assert!(nothing.proposals.is_empty());
    assert_eq!((nothing.objective, nothing.bound, nothing.gap), (0, 0, 0.0));

    let mut odd = problem(
        date(2020, 9, 1),
        date(2020, 9, 30),
        vec![session(1, 10, 7), session(2, 10, 8)],
    );
    odd.sessions[0].part = Some(u32::MAX);
    odd.sessions[1].part = Some(0);
    let plan = plan(&odd, &options()).unwrap();
    assert!(check(&odd, &plan).is_empty());
    assert_eq!(plan.placed_sessions, 2);
}
