//! An independent checker of plans (it shares no code with the planner: its
//! own holiday table, its own reading of every rule), random problems, and a
//! brute-force optimum for tiny problems.

#![allow(dead_code)]

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relais_planner::{
    Availability, CourseId, DateRange, DelegationId, Format, Month, Period, PeriodId, Plan,
    Problem, Proposal, Rules, Session, SessionId, Trainer, TrainerId, Venue, VenueId, Willingness,
};

/// Easter Sundays as published, not computed.
const EASTER: &[(i16, i8, i8)] = &[
    (2019, 4, 21),
    (2020, 4, 12),
    (2021, 4, 4),
    (2022, 4, 17),
    (2023, 4, 9),
    (2024, 3, 31),
    (2025, 4, 20),
    (2026, 4, 5),
    (2027, 3, 28),
    (2028, 4, 16),
];

pub fn holiday(day: Date) -> bool {
    let (_, m, d) = *EASTER
        .iter()
        .find(|(y, _, _)| *y == day.year())
        .expect("a year of the table");
    let easter = date(day.year(), m, d);
    let moving = [1, 39, 50].map(|n: i64| easter.checked_add(n.days()).unwrap());
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    moving.contains(&day) || fixed.contains(&(day.month(), day.day()))
}

fn add(day: Date, n: i64) -> Date {
    day.checked_add(n.days()).unwrap()
}

fn offset(from: Date, to: Date) -> i64 {
    i64::from(from.until(to).unwrap().get_days())
}

fn available(availability: &Availability, day: Date) -> bool {
    let inside = |r: &DateRange| r.first <= day && day <= r.last;
    availability
        .available
        .as_ref()
        .is_none_or(|ranges| ranges.iter().any(inside))
        && !availability.unavailable.iter().any(inside)
}

/// One placed session as the checker sees it.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub first: Date,
    pub venue: Option<VenueId>,
}

/// Every rule a session on its own must respect on `slot`.
pub fn own_violations(problem: &Problem, session: &Session, slot: Slot) -> Vec<String> {
    let mut out = Vec::new();
    let rules = &problem.rules;
    let last = add(slot.first, i64::from(session.days) - 1);
    let name = session.id;
    if slot.first < problem.horizon.first || last > problem.horizon.last {
        out.push(format!("{name}: outside the horizon"));
    }
    if session.earliest.is_some_and(|e| slot.first < e) {
        out.push(format!("{name}: before its earliest date"));
    }
    for n in 0..i64::from(session.days) {
        let day = add(slot.first, n);
        if rules.exclude_weekends && matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            out.push(format!("{name}: on a weekend, {day}"));
        }
        if rules.exclude_french_holidays && holiday(day) {
            out.push(format!("{name}: on a public holiday, {day}"));
        }
        if rules.excluded_months.contains(&day.month()) {
            out.push(format!("{name}: in an excluded month, {day}"));
        }
        if rules.closed.iter().any(|r| r.first <= day && day <= r.last) {
            out.push(format!("{name}: on a closed day, {day}"));
        }
        for t in &session.trainers {
            if let Some(trainer) = problem.trainers.iter().find(|x| x.id == *t)
                && !available(&trainer.availability, day)
            {
                out.push(format!("{name}: trainer {t} unavailable on {day}"));
            }
        }
        if let Some(v) = slot.venue
            && let Some(venue) = problem.venues.iter().find(|x| x.id == v)
            && !available(&venue.availability, day)
        {
            out.push(format!("{name}: venue {v} unavailable on {day}"));
        }
    }
    match (session.format, slot.venue) {
        (Format::Online, Some(_)) => out.push(format!("{name}: online with a venue")),
        (Format::InPerson, None) => out.push(format!("{name}: in person without a venue")),
        (Format::InPerson, Some(v)) => {
            match problem.venues.iter().find(|x| x.id == v) {
                None => out.push(format!("{name}: unknown venue {v}")),
                Some(venue) => {
                    let allowed = if session.venues.is_empty() {
                        venue.delegation == session.delegation
                    } else {
                        session.venues.contains(&v)
                    };
                    if !allowed {
                        out.push(format!("{name}: venue {v} not allowed"));
                    }
                    if venue.seats < session.seats {
                        out.push(format!("{name}: venue {v} too small"));
                    }
                }
            }
            let month = Month::of(slot.first);
            if let Some(w) = problem
                .willingness
                .iter()
                .find(|w| w.delegation == session.delegation && w.month == month)
                && w.share < rules.willingness_threshold
            {
                out.push(format!("{name}: agents unwilling to travel in {month}"));
            }
        }
        (Format::Online, None) => {}
    }
    out
}

/// Every rule between two sessions.
pub fn pair_violations(
    problem: &Problem,
    a: &Session,
    slot_a: Slot,
    b: &Session,
    slot_b: Slot,
) -> Vec<String> {
    let mut out = Vec::new();
    let last_a = add(slot_a.first, i64::from(a.days) - 1);
    let last_b = add(slot_b.first, i64::from(b.days) - 1);
    let overlap = slot_a.first <= last_b && slot_b.first <= last_a;
    if overlap && a.trainers.iter().any(|t| b.trainers.contains(t)) {
        out.push(format!("{} and {}: a trainer in two places", a.id, b.id));
    }
    if overlap && slot_a.venue.is_some() && slot_a.venue == slot_b.venue {
        out.push(format!("{} and {}: one venue twice", a.id, b.id));
    }
    if a.course == b.course {
        let gap = i64::from(problem.rules.min_gap_days);
        let apart = offset(slot_a.first, slot_b.first);
        if apart.abs() < gap {
            out.push(format!("{} and {}: closer than the gap", a.id, b.id));
        }
        if let (Some(pa), Some(pb)) = (a.part, b.part) {
            if pa.checked_add(1) == Some(pb) && slot_b.first <= last_a {
                out.push(format!("{} before its previous part {}", b.id, a.id));
            }
            if pb.checked_add(1) == Some(pa) && slot_a.first <= last_b {
                out.push(format!("{} before its previous part {}", a.id, b.id));
            }
        }
    }
    out
}

/// Rules over the whole plan: parts placed only after their previous parts
/// are, and the periods' capacities.
pub fn global_violations(problem: &Problem, slots: &HashMap<SessionId, Slot>) -> Vec<String> {
    let mut out = Vec::new();
    for s in &problem.sessions {
        if !slots.contains_key(&s.id) {
            continue;
        }
        if let Some(part) = s.part {
            for o in &problem.sessions {
                if o.course == s.course
                    && part > 0
                    && o.part == Some(part - 1)
                    && !slots.contains_key(&o.id)
                {
                    out.push(format!(
                        "{} placed while its previous part {} is not",
                        s.id, o.id
                    ));
                }
            }
        }
    }
    for period in &problem.periods {
        let used: u64 = problem
            .sessions
            .iter()
            .filter(|s| {
                slots
                    .get(&s.id)
                    .is_some_and(|slot| period.first <= slot.first && slot.first <= period.last)
            })
            .map(|s| u64::from(s.trainee_days))
            .sum();
        if used > u64::from(period.capacity_trainee_days) {
            out.push(format!("period {} over capacity", period.id));
        }
    }
    out
}

pub fn horizon_days(problem: &Problem) -> i64 {
    offset(problem.horizon.first, problem.horizon.last) + 1
}

/// The objective as documented, recomputed.
pub fn cost(problem: &Problem, slots: &HashMap<SessionId, Slot>) -> u64 {
    let h = horizon_days(problem);
    problem
        .sessions
        .iter()
        .map(|s| {
            let days = slots
                .get(&s.id)
                .map_or(h, |slot| offset(problem.horizon.first, slot.first));
            u64::from(s.trainee_days) * days as u64
        })
        .sum()
}

pub fn slots(plan: &Plan) -> HashMap<SessionId, Slot> {
    plan.placed()
        .map(|p| {
            (
                p.session,
                Slot {
                    first: p.first_day,
                    venue: p.venue,
                },
            )
        })
        .collect()
}

/// Every day and venue a session could take, as the checker sees them.
pub fn candidates(problem: &Problem, session: &Session) -> Vec<Slot> {
    let mut out = Vec::new();
    let venues: Vec<Option<VenueId>> = match session.format {
        Format::Online => vec![None],
        Format::InPerson => problem.venues.iter().map(|v| Some(v.id)).collect(),
    };
    let mut day = problem.horizon.first;
    while day <= problem.horizon.last {
        for &venue in &venues {
            let slot = Slot { first: day, venue };
            if own_violations(problem, session, slot).is_empty() {
                out.push(slot);
            }
        }
        day = add(day, 1);
    }
    out
}

/// Checks a plan against the problem from scratch: every rule, the
/// objective, the bound, and that no unplaced session had a free date left.
/// Returns the violations (empty: the plan is right).
pub fn check(problem: &Problem, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    if plan.proposals.len() != problem.sessions.len()
        || plan
            .proposals
            .iter()
            .zip(&problem.sessions)
            .any(|(p, s)| p.session() != s.id)
    {
        out.push("not one proposal per session in order".to_string());
        return out;
    }
    let slots = slots(plan);
    for (proposal, session) in plan.proposals.iter().zip(&problem.sessions) {
        match proposal {
            Proposal::Placed(p) => {
                if p.last_day != add(p.first_day, i64::from(session.days) - 1) {
                    out.push(format!("{}: wrong last day", session.id));
                }
                out.extend(own_violations(problem, session, slots[&session.id]));
            }
            Proposal::Unplaced(u) => {
                if u.reasons.is_empty() {
                    out.push(format!("{}: unplaced without a reason", session.id));
                }
            }
        }
    }
    for (i, a) in problem.sessions.iter().enumerate() {
        for b in &problem.sessions[i + 1..] {
            if let (Some(&sa), Some(&sb)) = (slots.get(&a.id), slots.get(&b.id)) {
                out.extend(pair_violations(problem, a, sa, b, sb));
            }
        }
    }
    out.extend(global_violations(problem, &slots));
    // Nothing left on the table: no unplaced session fits anywhere as the
    // others are placed.
    for session in problem
        .sessions
        .iter()
        .filter(|s| !slots.contains_key(&s.id))
    {
        for slot in candidates(problem, session) {
            let mut with = slots.clone();
            with.insert(session.id, slot);
            let clean = problem.sessions.iter().all(|o| {
                o.id == session.id
                    || with
                        .get(&o.id)
                        .is_none_or(|&so| pair_violations(problem, session, slot, o, so).is_empty())
            }) && global_violations(problem, &with).is_empty();
            if clean {
                out.push(format!(
                    "{} is unplaced but fits on {} in {:?}",
                    session.id, slot.first, slot.venue
                ));
                break;
            }
        }
    }
    let recomputed = cost(problem, &slots);
    if recomputed != plan.objective {
        out.push(format!(
            "objective {} but the plan costs {recomputed}",
            plan.objective
        ));
    }
    if plan.bound > plan.objective {
        out.push(format!(
            "bound {} above the objective {}",
            plan.bound, plan.objective
        ));
    }
    let gap = if plan.objective == 0 {
        0.0
    } else {
        (plan.objective - plan.bound.min(plan.objective)) as f64 / plan.objective as f64
    };
    if (gap - plan.gap).abs() > 1e-9 || !(0.0..=1.0).contains(&plan.gap) {
        out.push(format!(
            "gap {} but objective and bound give {gap}",
            plan.gap
        ));
    }
    out
}

/// The lowest cost of any plan, by exhaustive search (tiny problems only).
pub fn brute_force_optimum(problem: &Problem) -> u64 {
    let candidates: Vec<Vec<Slot>> = problem
        .sessions
        .iter()
        .map(|s| candidates(problem, s))
        .collect();
    let mut best = u64::MAX;
    let mut slots = HashMap::new();
    search(problem, &candidates, 0, &mut slots, &mut best);
    best
}

fn search(
    problem: &Problem,
    candidates: &[Vec<Slot>],
    i: usize,
    slots: &mut HashMap<SessionId, Slot>,
    best: &mut u64,
) {
    if i == problem.sessions.len() {
        if global_violations(problem, slots).is_empty() {
            *best = (*best).min(cost(problem, slots));
        }
        return;
    }
    let session = &problem.sessions[i];
    // Leave it unplaced, or try each of its slots.
    search(problem, candidates, i + 1, slots, best);
    for &slot in &candidates[i] {
        let fits = problem.sessions[..i].iter().all(|o| {
            slots
                .get(&o.id)
                .is_none_or(|&so| pair_violations(problem, session, slot, o, so).is_empty())
        });
        if fits {
            slots.insert(session.id, slot);
            search(problem, candidates, i + 1, slots, best);
            slots.remove(&session.id);
        }
    }
}

pub fn session(id: i64, course: i64, trainer: i64) -> Session {
    Session {
        id: SessionId(id),
        course: CourseId(course),
        part: None,
        days: 1,
        trainers: vec![TrainerId(trainer)],
        delegation: DelegationId(1),
        seats: 10,
        format: Format::InPerson,
        venues: Vec::new(),
        earliest: None,
        trainee_days: 10,
    }
}

pub fn venue(id: i64, delegation: i64, seats: u32) -> Venue {
    Venue {
        id: VenueId(id),
        delegation: DelegationId(delegation),
        seats,
        availability: Availability::always(),
    }
}

pub fn problem(first: Date, last: Date, sessions: Vec<Session>) -> Problem {
    Problem {
        horizon: DateRange::new(first, last),
        periods: Vec::new(),
        sessions,
        trainers: Vec::new(),
        venues: vec![venue(1, 1, 30)],
        willingness: Vec::new(),
        rules: Rules::default(),
    }
}

/// A random problem exercising every rule. `n` sessions over `weeks` weeks
/// from Monday 4 May 2020 (so May holidays and, for long ones, August fall in).
pub fn random_problem(seed: u64, n: usize, weeks: i64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = date(2020, 5, 4);
    let last = add(first, weeks * 7 - 1);
    let span = weeks * 7;
    let delegations = rng.random_range(1..=3);
    let trainers = rng.random_range(1..=(n as i64 / 2).max(1));
    let mut venues = Vec::new();
    for d in 1..=delegations {
        for _ in 0..rng.random_range(1..=2) {
            let mut v = venue(venues.len() as i64 + 1, d, rng.random_range(8..=30));
            if rng.random_bool(0.3) {
                let from = rng.random_range(0..span);
                v.availability.unavailable.push(DateRange::new(
                    add(first, from),
                    add(first, from + rng.random_range(0..10)),
                ));
            }
            venues.push(v);
        }
    }
    let mut sessions = Vec::new();
    let mut course = 0;
    while sessions.len() < n {
        course += 1;
        let count = rng.random_range(1..=3).min(n - sessions.len());
        let parts = count > 1 && rng.random_bool(0.4);
        let delegation = rng.random_range(1..=delegations);
        let trainer = rng.random_range(1..=trainers);
        let days = rng.random_range(1..=3);
        for k in 0..count {
            let seats = rng.random_range(5..=32);
            sessions.push(Session {
                id: SessionId(sessions.len() as i64 + 100),
                course: CourseId(course),
                part: parts.then_some(k as u32 + 1),
                days,
                trainers: if rng.random_bool(0.2) {
                    vec![
                        TrainerId(trainer),
                        TrainerId(rng.random_range(1..=trainers)),
                    ]
                } else {
                    vec![TrainerId(trainer)]
                },
                delegation: DelegationId(delegation),
                seats,
                format: if rng.random_bool(0.75) {
                    Format::InPerson
                } else {
                    Format::Online
                },
                venues: Vec::new(),
                earliest: rng
                    .random_bool(0.3)
                    .then(|| add(first, rng.random_range(0..span))),
                trainee_days: seats * days,
            });
        }
    }
    let trainers = (1..=trainers)
        .map(|t| {
            let mut availability = Availability::always();
            if rng.random_bool(0.4) {
                let from = rng.random_range(0..span);
                availability.unavailable.push(DateRange::new(
                    add(first, from),
                    add(first, from + rng.random_range(0..14)),
                ));
            }
            if rng.random_bool(0.15) {
                let from = rng.random_range(0..span);
                availability.available = Some(vec![DateRange::new(add(first, from), last)]);
            }
            Trainer {
                id: TrainerId(t),
                availability,
            }
        })
        .collect();
    let mut willingness = Vec::new();
    for d in 1..=delegations {
        let mut month = Month::of(first);
        while month <= Month::of(last) {
            willingness.push(Willingness {
                delegation: DelegationId(d),
                month,
                share: rng.random_range(0.0..1.0),
            });
            month = if month.month == 12 {
                Month::new(month.year + 1, 1)
            } else {
                Month::new(month.year, month.month + 1)
            };
        }
    }
    let total: u32 = sessions.iter().map(|s| s.trainee_days).sum();
    let middle = add(first, span / 2);
    let periods = if rng.random_bool(0.7) {
        vec![
            Period {
                id: PeriodId(1),
                first,
                last: middle,
                capacity_trainee_days: rng.random_range(0..=total),
            },
            Period {
                id: PeriodId(2),
                first: add(middle, 1),
                last,
                capacity_trainee_days: rng.random_range(0..=total),
            },
        ]
    } else {
        Vec::new()
    };
    Problem {
        horizon: DateRange::new(first, last),
        periods,
        sessions,
        trainers,
        venues,
        willingness,
        rules: Rules {
            min_gap_days: rng.random_range(0..=10),
            exclude_weekends: rng.random_bool(0.9),
            exclude_french_holidays: rng.random_bool(0.9),
            excluded_months: vec![8],
            closed: if rng.random_bool(0.2) {
                let day = add(first, rng.random_range(0..span));
                vec![DateRange::day(day)]
            } else {
                Vec::new()
            },
            willingness_threshold: rng.random_range(0.0..0.6),
        },
    }
}
