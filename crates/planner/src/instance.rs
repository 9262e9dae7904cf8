//! The problem compiled to day indexes: one table per rule, so that the
//! search, the bound and the explanations ask the same questions the same way.

use std::collections::{HashMap, HashSet};

use jiff::civil::{Date, Weekday};

use crate::calendar::french_public_holidays;
use crate::problem::{
    Availability, CourseId, DelegationId, Format, InvalidProblem, Month, PeriodId, Problem,
    SessionId, TrainerId,
};

/// Counts of true values before each index, for O(1) "all days free" checks.
pub(crate) struct DaySet {
    before: Vec<u32>,
}

impl DaySet {
    fn new(days: impl Iterator<Item = bool>) -> Self {
        let mut before = vec![0];
        let mut count = 0;
        for day in days {
            count += u32::from(day);
            before.push(count);
        }
        Self { before }
    }

    /// Whether every day of `[from, from + len)` is in the set (false past the end).
    pub fn all(&self, from: usize, len: usize) -> bool {
        let to = from + len;
        to < self.before.len() && self.before[to] - self.before[from] == len as u32
    }
}

pub(crate) struct Session {
    pub id: SessionId,
    pub len: usize,
    pub weight: u64,
    pub trainers: Vec<usize>,
    pub in_person: bool,
    /// Venues it may use with enough seats, smallest first.
    pub venues: Vec<usize>,
    pub seats: u32,
    /// The largest venue it may use, whatever its seats.
    pub largest_allowed: Option<u32>,
    pub delegation: DelegationId,
    /// Per month index: the willingness rule allows the session that month.
    pub willing: Vec<bool>,
    pub course: usize,
    pub course_id: CourseId,
    pub part: Option<u32>,
    /// Sessions of the previous part of the course; they all come first.
    pub preds: Vec<usize>,
    pub succs: Vec<usize>,
    /// Day index of its earliest date (may be past the horizon).
    pub earliest: usize,
    pub earliest_date: Option<Date>,
    /// Start days allowed by every rule that does not depend on other
    /// sessions, ascending; and the same as a table.
    pub starts: Vec<u16>,
    pub start_ok: Vec<bool>,
}

pub(crate) struct Instance {
    pub h: usize,
    pub days: Vec<Date>,
    pub working: DaySet,
    pub month_of_day: Vec<usize>,
    pub months: Vec<Month>,
    pub period_of_day: Vec<Option<usize>>,
    pub period_ids: Vec<PeriodId>,
    pub period_cap: Vec<u64>,
    pub trainer_ids: Vec<TrainerId>,
    pub trainer_free: Vec<DaySet>,
    pub venue_free: Vec<DaySet>,
    pub sessions: Vec<Session>,
    pub courses: Vec<Vec<usize>>,
    pub gap: usize,
    pub threshold: f64,
    pub horizon_last: Date,
}

impl Instance {
    pub fn base_ok(&self, s: usize, day: usize) -> bool {
        let session = &self.sessions[s];
        day >= session.earliest && self.working.all(day, session.len)
    }

    pub fn trainer_stated_ok(&self, t: usize, day: usize, len: usize) -> bool {
        self.trainer_free[t].all(day, len)
    }

    pub fn venue_stated_ok(&self, s: usize, day: usize) -> bool {
        let session = &self.sessions[s];
        !session.in_person
            || session
                .venues
                .iter()
                .any(|&v| self.venue_free[v].all(day, session.len))
    }

    pub fn willing_ok(&self, s: usize, day: usize) -> bool {
        self.sessions[s].willing[self.month_of_day[day]]
    }

    /// Objective cost of a start day (its offset), or of leaving it unplaced.
    pub fn cost(&self, s: usize, start: Option<usize>) -> u64 {
        self.sessions[s].weight * start.unwrap_or(self.h) as u64
    }

    /// The minimum distance in days from the start of part `a` to the start
    /// of the next part `b`: the gap, and never before `a` has ended.
    pub fn spacing(&self, a: usize) -> usize {
        self.gap.max(self.sessions[a].len)
    }

    /// Whether two sessions of one course may start on `day_a` and `day_b`:
    /// a part after the previous part by its spacing, any other two at least
    /// the gap apart.
    pub fn pair_ok(&self, a: usize, day_a: usize, b: usize, day_b: usize) -> bool {
        if self.sessions[a].preds.contains(&b) {
            day_a >= day_b + self.spacing(b)
        } else if self.sessions[b].preds.contains(&a) {
            day_b >= day_a + self.spacing(a)
        } else {
            day_a.abs_diff(day_b) >= self.gap
        }
    }

    pub fn build(problem: &Problem) -> Result<Self, InvalidProblem> {
        validate(problem)?;
        let rules = &problem.rules;
        let mut days = Vec::new();
        let mut day = problem.horizon.first;
        loop {
            days.push(day);
            if day >= problem.horizon.last {
                break;
            }
            day = day.tomorrow().map_err(|_| InvalidProblem::HorizonTooLong)?;
        }
        let h = days.len();
        let index_of = |date: Date| days.partition_point(|d| *d < date);

        let mut holidays = HashSet::new();
        if rules.exclude_french_holidays {
            for year in days[0].year()..=days[h - 1].year() {
                holidays.extend(french_public_holidays(year));
            }
        }
        let working = DaySet::new(days.iter().map(|&d| {
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let closed = (rules.exclude_weekends && weekend)
                || holidays.contains(&d)
                || rules.excluded_months.contains(&d.month())
                || rules.closed.iter().any(|r| r.contains(d));
            !closed
        }));

        let mut months: Vec<Month> = Vec::new();
        let month_of_day = days
            .iter()
            .map(|&d| {
                let month = Month::of(d);
                if months.last() != Some(&month) {
                    months.push(month);
                }
                months.len() - 1
            })
            .collect();

        let period_of_day = days
            .iter()
            .map(|&d| {
                problem
                    .periods
                    .iter()
                    .position(|p| p.first <= d && d <= p.last)
            })
            .collect();
        let period_ids = problem.periods.iter().map(|p| p.id).collect();
        let period_cap = problem
            .periods
            .iter()
            .map(|p| u64::from(p.capacity_trainee_days))
            .collect();

        let free = |availability: &Availability| {
            DaySet::new(days.iter().map(|&d| availability.is_available(d)))
        };
        let mut trainer_ids: Vec<TrainerId> = problem.trainers.iter().map(|t| t.id).collect();
        let mut trainer_free: Vec<DaySet> = problem
            .trainers
            .iter()
            .map(|t| free(&t.availability))
            .collect();
        let mut trainer_index: HashMap<TrainerId, usize> = trainer_ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i))
            .collect();
        let venue_index: HashMap<_, usize> = problem
            .venues
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id, i))
            .collect();
        let venue_free = problem
            .venues
            .iter()
            .map(|v| free(&v.availability))
            .collect();

        let willingness: HashMap<(DelegationId, Month), f64> = problem
            .willingness
            .iter()
            .map(|w| ((w.delegation, w.month), w.share))
            .collect();

        let mut course_index: HashMap<CourseId, usize> = HashMap::new();
        let mut courses: Vec<Vec<usize>> = Vec::new();
        let mut sessions = Vec::with_capacity(problem.sessions.len());
        for (s, session) in problem.sessions.iter().enumerate() {
            let mut trainers = Vec::new();
            for &id in &session.trainers {
                let t = *trainer_index.entry(id).or_insert_with(|| {
                    trainer_ids.push(id);
                    trainer_free.push(DaySet::new(std::iter::repeat_n(true, h)));
                    trainer_ids.len() - 1
                });
                if !trainers.contains(&t) {
                    trainers.push(t);
                }
            }
            let in_person = session.format == Format::InPerson;
            let allowed: Vec<usize> = if !in_person {
                Vec::new()
            } else if session.venues.is_empty() {
                problem
                    .venues
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.delegation == session.delegation)
                    .map(|(i, _)| i)
                    .collect()
            } else {
                session.venues.iter().map(|id| venue_index[id]).collect()
            };
            let seats_of = |v: usize| problem.venues[v].seats;
            let largest_allowed = allowed.iter().map(|&v| seats_of(v)).max();
            let mut venues: Vec<usize> = allowed
                .into_iter()
                .filter(|&v| seats_of(v) >= session.seats)
                .collect();
            venues.sort_by_key(|&v| (seats_of(v), problem.venues[v].id));
            venues.dedup();
            let willing = months
                .iter()
                .map(|&m| {
                    !in_person
                        || willingness
                            .get(&(session.delegation, m))
                            .is_none_or(|&share| share >= rules.willingness_threshold)
                })
                .collect();
            let course = *course_index.entry(session.course).or_insert_with(|| {
                courses.push(Vec::new());
                courses.len() - 1
            });
            courses[course].push(s);
            let earliest = session
                .earliest
                .map_or(0, |e| if e > days[h - 1] { h } else { index_of(e) });
            sessions.push(Session {
                id: session.id,
                len: session.days as usize,
                weight: u64::from(session.trainee_days),
                trainers,
                in_person,
                venues,
                seats: session.seats,
                largest_allowed,
                delegation: session.delegation,
                willing,
                course,
                course_id: session.course,
                part: session.part,
                preds: Vec::new(),
                succs: Vec::new(),
                earliest,
                earliest_date: session.earliest,
                starts: Vec::new(),
                start_ok: Vec::new(),
            });
        }
        for members in &courses {
            for &a in members {
                for &b in members {
                    if let (Some(pa), Some(pb)) = (sessions[a].part, sessions[b].part)
                        && pa.checked_add(1) == Some(pb)
                    {
                        sessions[b].preds.push(a);
                        sessions[a].succs.push(b);
                    }
                }
            }
        }

        let mut instance = Instance {
            h,
            days,
            working,
            month_of_day,
            months,
            period_of_day,
            period_ids,
            period_cap,
            trainer_ids,
            trainer_free,
            venue_free,
            sessions,
            courses,
            gap: rules.min_gap_days as usize,
            threshold: rules.willingness_threshold,
            horizon_last: problem.horizon.last,
        };
        instance.compute_starts();
        Ok(instance)
    }

    /// The start days allowed by the rules that do not depend on other
    /// sessions, then narrowed along part sequences: part k cannot start
    /// before the earliest start of every part k-1 plus its spacing.
    fn compute_starts(&mut self) {
        for s in 0..self.sessions.len() {
            let len = self.sessions[s].len;
            let start_ok: Vec<bool> = (0..self.h)
                .map(|d| {
                    self.base_ok(s, d)
                        && self.sessions[s]
                            .trainers
                            .iter()
                            .all(|&t| self.trainer_stated_ok(t, d, len))
                        && self.willing_ok(s, d)
                        && self.venue_stated_ok(s, d)
                })
                .collect();
            self.sessions[s].start_ok = start_ok;
        }
        let mut order: Vec<usize> = (0..self.sessions.len()).collect();
        order.sort_by_key(|&s| self.sessions[s].part.unwrap_or(0));
        for s in order {
            let mut min_start = 0;
            for &p in &self.sessions[s].preds {
                let first = self.sessions[p].start_ok.iter().position(|&ok| ok);
                min_start = min_start.max(first.map_or(self.h, |d| d + self.spacing(p)));
            }
            let session = &mut self.sessions[s];
            for ok in session.start_ok.iter_mut().take(min_start) {
                *ok = false;
            }
            session.starts = (0..self.h)
                .filter(|&d| session.start_ok[d])
                .map(|d| d as u16)
                .collect();
        }
    }
}

fn validate(problem: &Problem) -> Result<(), InvalidProblem> {
    let horizon = problem.horizon;
    if horizon.last < horizon.first {
        return Err(InvalidProblem::Horizon {
            first: horizon.first,
            last: horizon.last,
        });
    }
    let length = horizon
        .first
        .until(horizon.last)
        .map_or(i64::MAX, |span| i64::from(span.get_days()));
    if length >= crate::MAX_HORIZON_DAYS as i64 {
        return Err(InvalidProblem::HorizonTooLong);
    }
    let mut seen = HashSet::new();
    for trainer in &problem.trainers {
        if !seen.insert(trainer.id) {
            return Err(InvalidProblem::DuplicateTrainer(trainer.id));
        }
    }
    let mut venues = HashSet::new();
    for venue in &problem.venues {
        if !venues.insert(venue.id) {
            return Err(InvalidProblem::DuplicateVenue(venue.id));
        }
    }
    let mut seen = HashSet::new();
    for session in &problem.sessions {
        if !seen.insert(session.id) {
            return Err(InvalidProblem::DuplicateSession(session.id));
        }
        let invalid = |reason: String| InvalidProblem::Session {
            session: session.id,
            reason,
        };
        if session.days == 0 || session.days as usize > crate::MAX_HORIZON_DAYS {
            return Err(invalid(format!(
                "a length of {} days is not possible",
                session.days
            )));
        }
        if let Some(venue) = session.venues.iter().find(|v| !venues.contains(v)) {
            return Err(invalid(format!("venue {venue} is not among the venues")));
        }
    }
    for (i, period) in problem.periods.iter().enumerate() {
        let invalid = |reason: &str| InvalidProblem::Period {
            period: period.id,
            reason: reason.to_string(),
        };
        if period.last < period.first {
            return Err(invalid("it ends before it starts"));
        }
        if problem.periods[..i]
            .iter()
            .any(|other| other.first <= period.last && period.first <= other.last)
        {
            return Err(invalid("it overlaps another period"));
        }
    }
    for w in &problem.willingness {
        if !(0.0..=1.0).contains(&w.share) {
            return Err(InvalidProblem::Share {
                delegation: w.delegation,
                month: w.month,
                share: w.share,
            });
        }
    }
    let rules = &problem.rules;
    if !(0.0..=1.0).contains(&rules.willingness_threshold) {
        return Err(InvalidProblem::Rules(format!(
            "the willingness threshold {} is not between 0 and 1",
            rules.willingness_threshold
        )));
    }
    if let Some(month) = rules
        .excluded_months
        .iter()
        .find(|m| !(1..=12).contains(*m))
    {
        return Err(InvalidProblem::Rules(format!(
            "{month} is not a month number (1 to 12)"
        )));
    }
    Ok(())
}
