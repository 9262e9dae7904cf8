//! The search: greedy passes (each session at its earliest free date, in
//! several priority orders) followed by improving moves that take a date
//! from the sessions in the way and put them back elsewhere.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::instance::Instance;

const FREE: u32 = u32::MAX;
/// At most this many sessions are moved aside to make room in one move.
const MAX_BLOCKERS: usize = 6;
/// Dates tried per session and round when sessions are in the way.
const MAX_TRIES: usize = 24;
/// Rounds of shaking after the first local optimum.
const KICKS: usize = 1000;

/// A (partial) plan under construction with the occupancy it implies.
#[derive(Clone)]
pub(crate) struct State {
    pub start: Vec<Option<usize>>,
    pub venue: Vec<Option<usize>>,
    trainer_busy: Vec<Vec<u32>>,
    venue_busy: Vec<Vec<u32>>,
    period_used: Vec<u64>,
    /// Sessions starting on each day.
    starting: Vec<Vec<u32>>,
    pub cost: u64,
}

impl State {
    pub fn empty(inst: &Instance) -> Self {
        let n = inst.sessions.len();
        Self {
            start: vec![None; n],
            venue: vec![None; n],
            trainer_busy: vec![vec![FREE; inst.h]; inst.trainer_ids.len()],
            venue_busy: vec![vec![FREE; inst.h]; inst.venue_free.len()],
            period_used: vec![0; inst.period_cap.len()],
            starting: vec![Vec::new(); inst.h],
            cost: (0..n).map(|s| inst.cost(s, None)).sum(),
        }
    }

    pub fn trainer_free(&self, t: usize, day: usize, len: usize) -> bool {
        self.trainer_busy[t][day..day + len]
            .iter()
            .all(|&o| o == FREE)
    }

    pub fn venue_free(&self, v: usize, day: usize, len: usize) -> bool {
        self.venue_busy[v][day..day + len]
            .iter()
            .all(|&o| o == FREE)
    }

    /// The first venue (smallest first) stated available and free.
    pub fn free_venue(&self, inst: &Instance, s: usize, day: usize) -> Option<usize> {
        let len = inst.sessions[s].len;
        inst.sessions[s]
            .venues
            .iter()
            .copied()
            .find(|&v| inst.venue_free[v].all(day, len) && self.venue_free(v, day, len))
    }

    /// Whether the course rules allow `s` at `day` beside the placed sessions
    /// of its course.
    pub fn course_ok(&self, inst: &Instance, s: usize, day: usize) -> bool {
        let session = &inst.sessions[s];
        if session.preds.iter().any(|&p| self.start[p].is_none()) {
            return false;
        }
        inst.courses[session.course]
            .iter()
            .all(|&o| o == s || self.start[o].is_none_or(|other| inst.pair_ok(s, day, o, other)))
    }

    pub fn period_ok(&self, inst: &Instance, s: usize, day: usize) -> bool {
        inst.period_of_day[day]
            .is_none_or(|p| self.period_used[p] + inst.sessions[s].weight <= inst.period_cap[p])
    }

    /// The venue to use if `s` (not placed) can start on `day` now:
    /// `Some(None)` online, `Some(Some(v))` in person, `None` if it cannot.
    pub fn fits(&self, inst: &Instance, s: usize, day: usize) -> Option<Option<usize>> {
        let session = &inst.sessions[s];
        if !session.start_ok[day]
            || !session
                .trainers
                .iter()
                .all(|&t| self.trainer_free(t, day, session.len))
            || !self.course_ok(inst, s, day)
            || !self.period_ok(inst, s, day)
        {
            return None;
        }
        if session.in_person {
            self.free_venue(inst, s, day).map(Some)
        } else {
            Some(None)
        }
    }

    pub fn earliest_fit(&self, inst: &Instance, s: usize) -> Option<(usize, Option<usize>)> {
        inst.sessions[s].starts.iter().find_map(|&d| {
            let d = usize::from(d);
            self.fits(inst, s, d).map(|v| (d, v))
        })
    }

    pub fn place(&mut self, inst: &Instance, s: usize, day: usize, venue: Option<usize>) {
        debug_assert!(self.start[s].is_none());
        let session = &inst.sessions[s];
        for &t in &session.trainers {
            self.trainer_busy[t][day..day + session.len].fill(s as u32);
        }
        if let Some(v) = venue {
            self.venue_busy[v][day..day + session.len].fill(s as u32);
        }
        if let Some(p) = inst.period_of_day[day] {
            self.period_used[p] += session.weight;
        }
        self.start[s] = Some(day);
        self.venue[s] = venue;
        self.starting[day].push(s as u32);
        self.cost = self.cost - inst.cost(s, None) + inst.cost(s, Some(day));
    }

    pub fn remove(&mut self, inst: &Instance, s: usize) {
        let Some(day) = self.start[s].take() else {
            return;
        };
        self.starting[day].retain(|&o| o != s as u32);
        let session = &inst.sessions[s];
        for &t in &session.trainers {
            self.trainer_busy[t][day..day + session.len].fill(FREE);
        }
        if let Some(v) = self.venue[s].take() {
            self.venue_busy[v][day..day + session.len].fill(FREE);
        }
        if let Some(p) = inst.period_of_day[day] {
            self.period_used[p] -= session.weight;
        }
        self.cost = self.cost - inst.cost(s, Some(day)) + inst.cost(s, None);
    }

    pub fn placed_weight(&self, inst: &Instance) -> u64 {
        (0..self.start.len())
            .filter(|&s| self.start[s].is_some())
            .map(|s| inst.sessions[s].weight)
            .sum()
    }
}

/// Greedy: sessions in priority order (a session's previous parts always
/// first), each at its earliest date that fits.
fn greedy(inst: &Instance, priority: &[u64]) -> State {
    let mut state = State::empty(inst);
    let n = inst.sessions.len();
    let mut waiting: Vec<usize> = inst.sessions.iter().map(|s| s.preds.len()).collect();
    let mut ready: BinaryHeap<(u64, Reverse<usize>)> = (0..n)
        .filter(|&s| waiting[s] == 0)
        .map(|s| (priority[s], Reverse(s)))
        .collect();
    while let Some((_, Reverse(s))) = ready.pop() {
        if let Some((day, venue)) = state.earliest_fit(inst, s) {
            state.place(inst, s, day, venue);
        }
        for &next in &inst.sessions[s].succs {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push((priority[next], Reverse(next)));
            }
        }
    }
    state
}

pub(crate) struct Outcome {
    pub state: State,
    pub iterations: u64,
    pub stopped_by_time_limit: bool,
}

/// Runs the greedy passes, keeps the best, and improves it until no move
/// helps or the deadline passes. Deterministic unless the deadline cuts it.
pub(crate) fn search(inst: &Instance, deadline: Instant) -> Outcome {
    let n = inst.sessions.len();
    let mut iterations = 0;
    let tightness = |s: usize| inst.sessions[s].starts.len() as u64;
    let first_start = |s: usize| {
        inst.sessions[s]
            .starts
            .first()
            .map_or(inst.h as u64, |&d| u64::from(d))
    };
    // Larger key, earlier turn.
    let mut orders: Vec<Vec<u64>> = vec![
        (0..n)
            .map(|s| (inst.sessions[s].weight << 20) + (0xFFFFF - tightness(s).min(0xFFFFF)))
            .collect(),
        (0..n)
            .map(|s| ((0xFFFFF - tightness(s).min(0xFFFFF)) << 24) + inst.sessions[s].weight)
            .collect(),
        (0..n)
            .map(|s| ((0xFFFF - first_start(s).min(0xFFFF)) << 32) + inst.sessions[s].weight)
            .collect(),
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(0x5EED);
    for _ in 0..3 {
        orders.push(
            (0..n)
                .map(|s| {
                    let noise: f64 = rng.random_range(0.5..1.5);
                    (inst.sessions[s].weight as f64 * noise * 1024.0) as u64
                })
                .collect(),
        );
    }
    let mut best: Option<State> = None;
    let mut stopped = false;
    for priority in &orders {
        if best.is_some() && Instant::now() >= deadline {
            stopped = true;
            break;
        }
        iterations += 1;
        let state = greedy(inst, priority);
        if best.as_ref().is_none_or(|b| state.cost < b.cost) {
            best = Some(state);
        }
    }
    let mut state = best.expect("at least one greedy pass runs");
    let mut order: Vec<usize> = (0..n).collect();
    loop {
        if Instant::now() >= deadline {
            stopped = true;
            break;
        }
        let before = state.cost;
        // Unplaced sessions first, then the placed ones whose delay costs most.
        order.shuffle(&mut rng);
        order.sort_by_key(|&s| Reverse(inst.cost(s, state.start[s])));
        order.sort_by_key(|&s| state.start[s].is_some());
        for &s in &order {
            if Instant::now() >= deadline {
                stopped = true;
                break;
            }
            iterations += improve(inst, &mut state, s);
        }
        if stopped || state.cost >= before {
            break;
        }
    }
    // Then shake: take a few sessions out, put them back in another order,
    // improve around them, and keep the result if it is cheaper.
    let mut best = state.clone();
    for _ in 0..KICKS {
        if stopped || Instant::now() >= deadline {
            stopped = true;
            break;
        }
        iterations += kick(inst, &mut state, &mut rng, deadline);
        if state.cost < best.cost {
            best = state.clone();
        } else {
            state = best.clone();
        }
    }
    fill(inst, &mut state);
    Outcome {
        state,
        iterations,
        stopped_by_time_limit: stopped,
    }
}

/// Takes a few placed sessions out (with their later parts), puts them back
/// in random order at their earliest fit, then tries to improve them and the
/// unplaced ones.
fn kick(inst: &Instance, state: &mut State, rng: &mut ChaCha8Rng, deadline: Instant) -> u64 {
    let placed: Vec<usize> = (0..inst.sessions.len())
        .filter(|&s| state.start[s].is_some())
        .collect();
    if placed.is_empty() {
        return 0;
    }
    let count = (placed.len() / 40).clamp(2, 30);
    let mut out: Vec<usize> = placed.choose_multiple(rng, count).copied().collect();
    let mut i = 0;
    while i < out.len() {
        for &next in &inst.sessions[out[i]].succs {
            if state.start[next].is_some() && !out.contains(&next) {
                out.push(next);
            }
        }
        i += 1;
    }
    for &s in &out {
        state.remove(inst, s);
    }
    out.shuffle(rng);
    out.sort_by_key(|&s| inst.sessions[s].part);
    for &s in &out {
        if let Some((day, venue)) = state.earliest_fit(inst, s) {
            state.place(inst, s, day, venue);
        }
    }
    let mut tries = 0;
    let unplaced = (0..inst.sessions.len()).filter(|&s| state.start[s].is_none());
    let mut again: Vec<usize> = out.iter().copied().chain(unplaced).collect();
    again.sort_unstable();
    again.dedup();
    for s in again {
        if Instant::now() >= deadline {
            break;
        }
        tries += improve(inst, state, s);
    }
    tries
}

/// Places every unplaced session that fits somewhere as it is (an unplaced
/// session costs more than any date), so that each session left unplaced
/// really has no free date and its reasons can be told.
pub(crate) fn fill(inst: &Instance, state: &mut State) {
    loop {
        let mut placed_one = false;
        for s in 0..inst.sessions.len() {
            if state.start[s].is_none()
                && let Some((day, venue)) = state.earliest_fit(inst, s)
            {
                state.place(inst, s, day, venue);
                placed_one = true;
            }
        }
        if !placed_one {
            break;
        }
    }
}

/// Tries to bring `s` to an earlier date (or to place it), moving aside the
/// sessions in the way and putting them back at their earliest fit. Keeps the
/// first change that lowers the cost. Returns the number of moves tried.
fn improve(inst: &Instance, state: &mut State, s: usize) -> u64 {
    let current = state.start[s];
    let limit = current.unwrap_or(inst.h);
    let mut tries = 0;
    for &day in &inst.sessions[s].starts {
        let day = usize::from(day);
        if day >= limit || tries >= MAX_TRIES {
            break;
        }
        let Some(blockers) = blockers(inst, state, s, day) else {
            continue;
        };
        tries += 1;
        if try_move(inst, state, s, day, blockers) {
            return tries as u64;
        }
    }
    tries as u64
}

/// The placed sessions to move aside so that `s` fits at `day`, or `None`
/// when that is not possible (or would move too many).
fn blockers(inst: &Instance, state: &State, s: usize, day: usize) -> Option<Vec<usize>> {
    let session = &inst.sessions[s];
    if session.preds.iter().any(|&p| state.start[p].is_none()) {
        return None;
    }
    let mut out: Vec<usize> = Vec::new();
    let add = |o: usize, out: &mut Vec<usize>| {
        if o != s && !out.contains(&o) {
            out.push(o);
        }
    };
    let end = day + session.len;
    for &t in &session.trainers {
        for &o in &state.trainer_busy[t][day..end] {
            if o != FREE {
                add(o as usize, &mut out);
            }
        }
    }
    for &o in &inst.courses[session.course] {
        if o == s {
            continue;
        }
        if let Some(other) = state.start[o]
            && !inst.pair_ok(s, day, o, other)
        {
            add(o, &mut out);
        }
    }
    if session.in_person && state.free_venue(inst, s, day).is_none() {
        // The stated-available venue whose occupants weigh least.
        let (_, occupants) = session
            .venues
            .iter()
            .filter(|&&v| inst.venue_free[v].all(day, session.len))
            .map(|&v| {
                let mut occupants: Vec<usize> = state.venue_busy[v][day..end]
                    .iter()
                    .filter(|&&o| o != FREE)
                    .map(|&o| o as usize)
                    .collect();
                occupants.dedup();
                let weight: u64 = occupants.iter().map(|&o| inst.sessions[o].weight).sum();
                (weight, occupants)
            })
            .min_by_key(|(weight, _)| *weight)?;
        for o in occupants {
            add(o, &mut out);
        }
    }
    if let Some(p) = inst.period_of_day[day] {
        let in_period = |o: usize| state.start[o].is_some_and(|d| inst.period_of_day[d] == Some(p));
        let weight_in_period = |out: &[usize]| -> u64 {
            out.iter()
                .filter(|&&o| in_period(o))
                .map(|&o| inst.sessions[o].weight)
                .sum()
        };
        let own = if in_period(s) { session.weight } else { 0 };
        let needed = state.period_used[p] - own + session.weight;
        if needed > inst.period_cap[p] + weight_in_period(&out) {
            // Make room with the sessions starting last in the period, which
            // lose least by moving on; never with `s`'s earlier parts.
            let mut last = (0..inst.h)
                .rev()
                .filter(|&d| inst.period_of_day[d] == Some(p))
                .flat_map(|d| state.starting[d].iter().map(|&o| o as usize));
            while needed > inst.period_cap[p] + weight_in_period(&out) {
                let o = last.next()?;
                if o == s || session.preds.contains(&o) || out.contains(&o) {
                    continue;
                }
                out.push(o);
                if out.len() > MAX_BLOCKERS {
                    return None;
                }
            }
        }
    }
    // A session moved aside takes its later parts with it.
    let mut i = 0;
    while i < out.len() {
        for &next in &inst.sessions[out[i]].succs {
            if state.start[next].is_some() {
                add(next, &mut out);
            }
        }
        i += 1;
        if out.len() > MAX_BLOCKERS {
            return None;
        }
    }
    if out.contains(&s) || session.preds.iter().any(|p| out.contains(p)) {
        return None;
    }
    Some(out)
}

/// Moves `s` to `day` with `blockers` put back where they fit; keeps it if
/// the cost falls, else restores the state as it was.
fn try_move(
    inst: &Instance,
    state: &mut State,
    s: usize,
    day: usize,
    blockers: Vec<usize>,
) -> bool {
    let before = state.cost;
    let saved: Vec<(usize, Option<usize>, Option<usize>)> = std::iter::once(s)
        .chain(blockers.iter().copied())
        .map(|o| (o, state.start[o], state.venue[o]))
        .collect();
    for &(o, _, _) in &saved {
        state.remove(inst, o);
    }
    let Some(venue) = state.fits(inst, s, day) else {
        restore(inst, state, &saved);
        return false;
    };
    state.place(inst, s, day, venue);
    let mut again = blockers;
    // Earlier parts first, then the heaviest.
    again.sort_by_key(|&o| (inst.sessions[o].part, Reverse(inst.sessions[o].weight)));
    for o in again {
        if let Some((d, v)) = state.earliest_fit(inst, o) {
            state.place(inst, o, d, v);
        }
    }
    if state.cost < before {
        true
    } else {
        restore(inst, state, &saved);
        false
    }
}

fn restore(inst: &Instance, state: &mut State, saved: &[(usize, Option<usize>, Option<usize>)]) {
    for &(o, _, _) in saved {
        state.remove(inst, o);
    }
    for &(o, start, venue) in saved {
        if let Some(day) = start {
            state.place(inst, o, day, venue);
        }
    }
}
