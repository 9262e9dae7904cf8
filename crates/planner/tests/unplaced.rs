//! Problems with no feasible date get an answer, not an error: the session
//! is unplaced and the reason names the constraint that binds.

mod support;

use jiff::civil::date;
use relais_planner::{
    Availability, Blocking, CourseId, DateRange, DelegationId, Format, Month, Options, Period,
    PeriodId, Plan, Problem, Proposal, Reason, SessionId, Trainer, TrainerId, Willingness, plan,
};
use support::*;

fn planned(problem: &Problem) -> Plan {
    let plan = plan(problem, &Options::default()).expect("an infeasible problem is not an error");
    assert!(
        check(problem, &plan).is_empty(),
        "{:#?}",
        check(problem, &plan)
    );
    plan
}

fn unplaced(plan: &Plan, id: i64) -> (Vec<Reason>, Blocking) {
    match plan.proposal(SessionId(id)).unwrap() {
        Proposal::Unplaced(u) => {
            assert!(!u.explain().is_empty());
            (u.reasons.clone(), u.blocking)
        }
        Proposal::Placed(p) => panic!("session {id} placed on {}", p.first_day),
    }
}

fn autumn(sessions: Vec<relais_planner::Session>) -> Problem {
    problem(date(2020, 9, 1), date(2020, 12, 18), sessions)
}

#[test]
fn a_trainer_unavailable_all_along() {
    let mut problem = autumn(vec![session(1, 10, 7)]);
    problem.trainers = vec![Trainer {
        id: TrainerId(7),
        availability: Availability {
            available: None,
            unavailable: vec![DateRange::new(date(2020, 8, 1), date(2021, 1, 31))],
        },
    }];
    let plan = planned(&problem);
    assert_eq!(plan.placed_sessions, 0);
    assert_eq!(
        unplaced(&plan, 1),
        (
            vec![Reason::TrainerUnavailable {
                trainer: TrainerId(7)
            }],
            Blocking::Alone
        )
    );
    // The objective counts it at the horizon's length: 109 days × 10.
    assert_eq!(plan.objective, 1090);
    assert_eq!(plan.bound, 1090);
    assert_eq!(plan.gap, 0.0);
}

#[test]
fn agents_unwilling_to_travel_every_month() {
    let mut problem = autumn(vec![session(1, 10, 7)]);
    problem.willingness = (9..=12)
        .map(|m| Willingness {
            delegation: DelegationId(1),
            month: Month::new(2020, m),
            share: 0.2,
        })
        .collect();
    let plan = planned(&problem);
    let (reasons, blocking) = unplaced(&plan, 1);
    assert_eq!(blocking, Blocking::Alone);
    assert_eq!(
        reasons,
        vec![Reason::NotWillingToTravel {
            delegation: DelegationId(1),
            months: (9..=12).map(|m| Month::new(2020, m)).collect(),
            threshold: 0.5,
        }]
    );
    // Online, the same session is placed at once.
    problem.sessions[0].format = Format::Online;
    let plan = planned(&problem);
    assert_eq!(plan.placed_sessions, 1);
}

#[test]
fn no_venue_large_enough() {
    let mut problem = autumn(vec![session(1, 10, 7)]);
    problem.sessions[0].seats = 45;
    problem.venues = vec![venue(1, 1, 30), venue(2, 1, 40), venue(3, 2, 60)];
    let plan = planned(&problem);
    assert_eq!(
        unplaced(&plan, 1),
        (
            vec![Reason::NoVenueLargeEnough {
                seats_needed: 45,
                largest: Some(40)
            }],
            Blocking::Alone
        )
    );
    assert!(
        plan.unplaced()
            .next()
            .unwrap()
            .explain()
            .contains("needs 45 seats and the largest venue it may use has 40")
    );
}

#[test]
fn an_earliest_date_after_the_horizon_and_a_horizon_in_august() {
    let mut problem = autumn(vec![session(1, 10, 7), session(2, 20, 8)]);
    problem.sessions[0].earliest = Some(date(2021, 2, 1));
    let plan = planned(&problem);
    assert_eq!(
        unplaced(&plan, 1).0,
        vec![Reason::EarliestAfterHorizon {
            earliest: date(2021, 2, 1),
            horizon_last: date(2020, 12, 18)
        }]
    );
    assert_eq!(plan.placed_sessions, 1);

    let august = problem_in(date(2020, 8, 1), date(2020, 8, 31));
    let plan = planned(&august);
    assert_eq!(
        unplaced(&plan, 1).0,
        vec![Reason::NoWorkingDays { days: 1 }]
    );
}

fn problem_in(first: jiff::civil::Date, last: jiff::civil::Date) -> Problem {
    problem(first, last, vec![session(1, 10, 7)])
}

#[test]
fn a_part_whose_previous_part_cannot_be_placed() {
    let mut problem = autumn(vec![session(1, 10, 7), session(2, 10, 8)]);
    problem.sessions[0].part = Some(1);
    problem.sessions[0].seats = 50;
    problem.sessions[1].part = Some(2);
    let plan = planned(&problem);
    assert!(matches!(
        unplaced(&plan, 1).0[..],
        [Reason::NoVenueLargeEnough { .. }]
    ));
    assert_eq!(
        unplaced(&plan, 2),
        (
            vec![Reason::PartOrder {
                course: CourseId(10),
                previous_part: 1,
                previous_placed: false
            }],
            Blocking::Alone
        )
    );
}

#[test]
fn a_period_with_no_capacity_left() {
    let mut problem = autumn(vec![session(1, 10, 7)]);
    problem.periods = vec![Period {
        id: PeriodId(20202),
        first: date(2020, 7, 1),
        last: date(2020, 12, 31),
        capacity_trainee_days: 5,
    }];
    let plan = planned(&problem);
    assert_eq!(
        unplaced(&plan, 1),
        (
            vec![Reason::PeriodFull {
                periods: vec![PeriodId(20202)]
            }],
            Blocking::Alone
        )
    );
}

#[test]
fn a_trainer_with_one_free_day_for_two_sessions() {
    let mut problem = autumn(vec![session(1, 10, 7), session(2, 20, 7)]);
    problem.sessions[1].trainee_days = 20;
    // Online, so that the venue is not in the way too.
    problem.sessions[0].format = Format::Online;
    problem.trainers = vec![Trainer {
        id: TrainerId(7),
        availability: Availability {
            available: Some(vec![DateRange::day(date(2020, 10, 6))]),
            unavailable: Vec::new(),
        },
    }];
    let plan = planned(&problem);
    // The heavier one gets the day; the other is blocked by the trainer's
    // statement on every other day and by the first session on that one.
    assert_eq!(plan.placed().next().unwrap().session, SessionId(2));
    let (reasons, blocking) = unplaced(&plan, 1);
    assert_eq!(blocking, Blocking::Each);
    assert!(reasons.contains(&Reason::TrainerBusy {
        trainer: TrainerId(7)
    }));
    assert!(reasons.contains(&Reason::TrainerUnavailable {
        trainer: TrainerId(7)
    }));
}

#[test]
fn venues_booked_and_course_gap() {
    // One venue, one working week; two courses of two sessions with a gap
    // of a week.
    let mut problem = problem(
        date(2020, 9, 7),
        date(2020, 9, 11),
        vec![
            session(1, 10, 1),
            session(2, 10, 2),
            session(3, 20, 3),
            session(4, 20, 4),
            session(5, 30, 5),
            session(6, 40, 6),
            session(7, 50, 7),
            session(8, 60, 8),
        ],
    );
    problem.rules.min_gap_days = 7;
    let plan = planned(&problem);
    // Five days, one venue: five sessions at most, and never two of a course.
    assert_eq!(plan.placed_sessions, 5);
    for u in plan.unplaced() {
        assert!(
            u.reasons.contains(&Reason::VenuesBooked)
                || u.reasons.contains(&Reason::CourseGap {
                    course: CourseId(10),
                    gap_days: 7
                })
                || u.reasons.contains(&Reason::CourseGap {
                    course: CourseId(20),
                    gap_days: 7
                }),
            "{}",
            u.explain()
        );
    }
}

#[test]
fn nothing_at_all_can_be_placed() {
    let mut problem = autumn(vec![
        session(1, 10, 7),
        session(2, 20, 8),
        session(3, 30, 9),
    ]);
    problem.venues.clear();
    let plan = planned(&problem);
    assert_eq!(plan.placed_sessions, 0);
    assert_eq!(plan.gap, 0.0);
    for u in plan.unplaced() {
        assert_eq!(
            u.reasons,
            vec![Reason::NoVenueLargeEnough {
                seats_needed: 10,
                largest: None
            }]
        );
    }
}
