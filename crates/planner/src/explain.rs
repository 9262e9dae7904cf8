//! Why a session is unplaced: every date the calendar allows is checked
//! against each family of constraints, given the plan as it stands. A family
//! that fails on every date rules the session out alone; otherwise a family
//! that is the only one failing on some date is what stands in the way;
//! otherwise the families fail together.

use std::collections::BTreeSet;

use crate::instance::Instance;
use crate::plan::{Blocking, Reason, Unplaced};
use crate::problem::Month;
use crate::search::State;

/// A family of constraints, as tested on one date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    TrainerStated(usize),
    TrainerBusy(usize),
    VenueStated,
    VenueBooked,
    Willingness,
    PartMissing,
    PartLate,
    CourseGap,
    Period,
}

pub(crate) fn explain(inst: &Instance, state: &State, s: usize) -> Unplaced {
    let session = &inst.sessions[s];
    let unplaced = |reasons: Vec<Reason>, blocking| Unplaced {
        session: session.id,
        reasons,
        blocking,
    };
    if session.earliest >= inst.h {
        let earliest = session
            .earliest_date
            .expect("only a stated date is past the horizon");
        return unplaced(
            vec![Reason::EarliestAfterHorizon {
                earliest,
                horizon_last: inst.horizon_last,
            }],
            Blocking::Alone,
        );
    }
    let days: Vec<usize> = (0..inst.h).filter(|&d| inst.base_ok(s, d)).collect();
    if days.is_empty() {
        return unplaced(
            vec![Reason::NoWorkingDays {
                days: session.len as u32,
            }],
            Blocking::Alone,
        );
    }
    if session.in_person && session.venues.is_empty() {
        return unplaced(
            vec![Reason::NoVenueLargeEnough {
                seats_needed: session.seats,
                largest: session.largest_allowed,
            }],
            Blocking::Alone,
        );
    }

    let failing: Vec<Vec<Family>> = days.iter().map(|&d| failing(inst, state, s, d)).collect();
    let mut families: BTreeSet<Family> = BTreeSet::new();
    for f in &failing {
        families.extend(f.iter().copied());
    }
    let alone: Vec<Family> = families
        .iter()
        .copied()
        .filter(|family| failing.iter().all(|f| f.contains(family)))
        .collect();
    let each: Vec<Family> = families
        .iter()
        .copied()
        .filter(|family| failing.iter().any(|f| f.as_slice() == [*family]))
        .collect();
    let (chosen, blocking) = if !alone.is_empty() {
        (alone, Blocking::Alone)
    } else if !each.is_empty() {
        (each, Blocking::Each)
    } else {
        // Most days blocked first.
        let mut all: Vec<Family> = families.into_iter().collect();
        all.sort_by_key(|family| {
            std::cmp::Reverse(failing.iter().filter(|f| f.contains(family)).count())
        });
        (all, Blocking::Together)
    };
    debug_assert!(!chosen.is_empty(), "an unplaced session has a free date");
    let reasons = chosen
        .into_iter()
        .map(|family| reason(inst, state, s, &days, family))
        .collect();
    unplaced(reasons, blocking)
}

fn failing(inst: &Instance, state: &State, s: usize, day: usize) -> Vec<Family> {
    let session = &inst.sessions[s];
    let mut out = Vec::new();
    for &t in &session.trainers {
        if !inst.trainer_stated_ok(t, day, session.len) {
            out.push(Family::TrainerStated(t));
        } else if !state.trainer_free(t, day, session.len) {
            out.push(Family::TrainerBusy(t));
        }
    }
    if session.in_person && state.free_venue(inst, s, day).is_none() {
        out.push(if inst.venue_stated_ok(s, day) {
            Family::VenueBooked
        } else {
            Family::VenueStated
        });
    }
    if !inst.willing_ok(s, day) {
        out.push(Family::Willingness);
    }
    let mut gap = false;
    for &o in &inst.courses[session.course] {
        if o == s {
            continue;
        }
        match state.start[o] {
            None if session.preds.contains(&o) => out.push(Family::PartMissing),
            Some(other) if !inst.pair_ok(s, day, o, other) => {
                if session.preds.contains(&o) {
                    out.push(Family::PartLate);
                } else {
                    gap = true;
                }
            }
            _ => {}
        }
    }
    if gap {
        out.push(Family::CourseGap);
    }
    if !state.period_ok(inst, s, day) {
        out.push(Family::Period);
    }
    out.sort();
    out.dedup();
    out
}

fn reason(inst: &Instance, state: &State, s: usize, days: &[usize], family: Family) -> Reason {
    let session = &inst.sessions[s];
    match family {
        Family::TrainerStated(t) => Reason::TrainerUnavailable {
            trainer: inst.trainer_ids[t],
        },
        Family::TrainerBusy(t) => Reason::TrainerBusy {
            trainer: inst.trainer_ids[t],
        },
        Family::VenueStated => Reason::VenueUnavailable,
        Family::VenueBooked => Reason::VenuesBooked,
        Family::Willingness => {
            let months: BTreeSet<Month> = days
                .iter()
                .filter(|&&d| !inst.willing_ok(s, d))
                .map(|&d| inst.months[inst.month_of_day[d]])
                .collect();
            Reason::NotWillingToTravel {
                delegation: session.delegation,
                months: months.into_iter().collect(),
                threshold: inst.threshold,
            }
        }
        Family::PartMissing | Family::PartLate => Reason::PartOrder {
            course: session.course_id,
            previous_part: session.part.unwrap_or(1).saturating_sub(1),
            previous_placed: family == Family::PartLate,
        },
        Family::CourseGap => Reason::CourseGap {
            course: session.course_id,
            gap_days: inst.gap as u32,
        },
        Family::Period => {
            let periods: BTreeSet<usize> = days
                .iter()
                .filter(|&&d| !state.period_ok(inst, s, d))
                .filter_map(|&d| inst.period_of_day[d])
                .collect();
            Reason::PeriodFull {
                periods: periods.into_iter().map(|p| inst.period_ids[p]).collect(),
            }
        }
    }
}
