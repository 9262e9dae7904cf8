//! The lower bound: the linear relaxation of an aggregated model where days
//! are grouped in buckets (a week, cut at month and period boundaries), with
//! the periods' capacities priced (Lagrangian relaxation) and the sessions
//! split in blocks solved one by one with microlp through good_lp.
//! docs/planner.md proves it is a bound.

use std::time::{Duration, Instant};

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, WithTimeLimit, microlp, variable,
};
use jiff::civil::Weekday;

use crate::instance::Instance;
use crate::plan::BoundMethod;

/// Blocks are grown up to this many variables: microlp's time grows faster
/// than the size, so several small LPs are much quicker than one large one.
const BLOCK_VARIABLES: usize = 4000;
/// Above this many variables with weekly buckets, buckets are fortnights.
const WEEKLY_VARIABLES: usize = 40_000;

/// Each session at its first allowed start, as if alone: a bound that needs
/// no solver.
pub(crate) fn sessions_alone(inst: &Instance) -> u64 {
    (0..inst.sessions.len())
        .map(|s| {
            let first = inst.sessions[s].starts.first().map(|&d| usize::from(d));
            inst.cost(s, first)
        })
        .sum()
}

struct Bucket {
    first: usize,
    last: usize,
}

/// One variable's place: the share of a session starting in `bucket`, at a
/// cost (beyond leaving it unplaced) of `cost`, taking at least `days` days
/// of that bucket whatever its start in it.
#[derive(Clone, Copy)]
struct Option_ {
    bucket: usize,
    cost: f64,
    days: usize,
}

/// What the blocks share: the buckets and each session's options.
struct Model<'a> {
    inst: &'a Instance,
    buckets: Vec<Bucket>,
    options: Vec<Vec<Option_>>,
}

/// The result of the LP bound.
pub(crate) struct LpBound {
    pub value: u64,
    pub method: BoundMethod,
}

pub(crate) fn lp_bound(inst: &Instance, time_limit: Duration) -> Result<LpBound, String> {
    let started = Instant::now();
    let deadline = started + time_limit;
    let buckets = choose_buckets(inst);
    let mut bucket_of_day = vec![0; inst.h];
    for (b, bucket) in buckets.iter().enumerate() {
        bucket_of_day[bucket.first..=bucket.last].fill(b);
    }
    let h = inst.h as f64;
    // The periods' capacities are priced rather than written as rows (a
    // row over every variable of a semester slows microlp tenfold).
    let (prices, _) = period_prices(inst);
    let mut value: f64 = -(0..prices.len())
        .map(|p| prices[p] * inst.period_cap[p] as f64)
        .sum::<f64>();
    let mut options: Vec<Vec<Option_>> = Vec::with_capacity(inst.sessions.len());
    for session in &inst.sessions {
        let w = session.weight as f64;
        value += w * h;
        let mut own: Vec<Option_> = Vec::new();
        for &day in &session.starts {
            let day = usize::from(day);
            let bucket = bucket_of_day[day];
            let days = session.len.min(buckets[bucket].last + 1 - day);
            if let Some(last) = own.last_mut().filter(|o| o.bucket == bucket) {
                last.days = last.days.min(days);
                continue;
            }
            let price = inst.period_of_day[day].map_or(0.0, |p| prices[p]);
            own.push(Option_ {
                bucket,
                cost: w * (day as f64 + price - h),
                days,
            });
        }
        options.push(own);
    }
    let model = Model {
        inst,
        buckets,
        options,
    };

    let blocks = blocks(&model);
    let mut variables = 0;
    let mut constraints = 0;
    let mut solved = 0;
    let mut failure = None;
    for block in &blocks {
        let alone: f64 = block
            .iter()
            .map(|&s| model.options[s].iter().map(|o| o.cost).fold(0.0, f64::min))
            .sum();
        let remaining = deadline.saturating_duration_since(Instant::now());
        if failure.is_some() || remaining.is_zero() {
            // Out of time: this block counts its sessions alone (still a bound).
            value += alone;
            continue;
        }
        match solve_block(&model, block, remaining) {
            Ok(block_lp) => {
                variables += block_lp.variables;
                constraints += block_lp.constraints;
                solved += 1;
                value += block_lp.value.max(alone);
            }
            Err(why) => {
                failure = Some(why);
                value += alone;
            }
        }
    }
    if solved == 0 && !blocks.is_empty() {
        return Err(failure.unwrap_or_else(|| "no time was left to solve the LP".to_string()));
    }
    // The integer optimum is a whole number at least the relaxation's; the
    // tolerance covers the solver's rounding.
    let tolerance = 1e-6 * value.abs().max(1.0);
    Ok(LpBound {
        value: (value - tolerance).ceil().max(0.0) as u64,
        method: BoundMethod::LpRelaxation {
            buckets: model.buckets.len(),
            blocks: blocks.len(),
            blocks_solved: solved,
            variables,
            constraints,
            solve_time: started.elapsed(),
        },
    })
}

struct BlockLp {
    value: f64,
    variables: usize,
    constraints: usize,
}

/// Sessions that share trainers, venues or a course are put in one block
/// while it stays small; a course is never split (its rows are not all of
/// the same sign). Constraints between blocks are dropped, which relaxes.
fn blocks(model: &Model) -> Vec<Vec<usize>> {
    let inst = model.inst;
    let n = inst.sessions.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut size: Vec<usize> = model.options.iter().map(|o| o.len().max(1)).collect();
    fn root(parent: &mut [usize], mut s: usize) -> usize {
        while parent[s] != s {
            parent[s] = parent[parent[s]];
            s = parent[s];
        }
        s
    }
    let mut union = |a: usize, b: usize, forced: bool| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb && (forced || size[ra] + size[rb] <= BLOCK_VARIABLES) {
            parent[rb] = ra;
            size[ra] += size[rb];
        }
    };
    for members in &inst.courses {
        for pair in members.windows(2) {
            union(pair[0], pair[1], true);
        }
    }
    let mut by_trainer: Vec<Vec<usize>> = vec![Vec::new(); inst.trainer_ids.len()];
    let mut by_venue: Vec<Vec<usize>> = vec![Vec::new(); inst.venue_free.len()];
    for (s, session) in inst.sessions.iter().enumerate() {
        for &t in &session.trainers {
            by_trainer[t].push(s);
        }
        if session.in_person {
            for &v in &session.venues {
                by_venue[v].push(s);
            }
        }
    }
    for members in by_venue.iter().chain(&by_trainer) {
        for pair in members.windows(2) {
            union(pair[0], pair[1], false);
        }
    }
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    let mut block_of_root = vec![usize::MAX; n];
    for s in 0..n {
        let r = root(&mut parent, s);
        if block_of_root[r] == usize::MAX {
            block_of_root[r] = blocks.len();
            blocks.push(Vec::new());
        }
        blocks[block_of_root[r]].push(s);
    }
    blocks
}

/// The LP of one block: its minimum of the options' costs (below leaving
/// every session unplaced).
fn solve_block(model: &Model, block: &[usize], time_limit: Duration) -> Result<BlockLp, String> {
    let inst = model.inst;
    let buckets = &model.buckets;
    let mut problem = ProblemVariables::new();
    let mut objective = Expression::with_capacity(block.len() * 8);
    // Per session of the block (by position): its variables, with buckets.
    let mut vars: Vec<Vec<(usize, Variable)>> = Vec::with_capacity(block.len());
    // Per bucket: the sessions that may start in it, their variable and
    // the days of the bucket they would take.
    let mut in_bucket: Vec<Vec<(usize, Variable, usize)>> = vec![Vec::new(); buckets.len()];
    for &s in block {
        let mut own = Vec::with_capacity(model.options[s].len());
        for option in &model.options[s] {
            let var = problem.add(variable().min(0.0).max(1.0));
            objective.add_mul(option.cost, var);
            in_bucket[option.bucket].push((s, var, option.days));
            own.push((option.bucket, var));
        }
        vars.push(own);
    }
    let position = |s: usize| block.iter().position(|&b| b == s);
    let variables = problem.len();
    let mut rows: Vec<good_lp::Constraint> = Vec::new();

    // A session starts at most once.
    for own in &vars {
        if own.len() > 1 {
            let mut sum = Expression::with_capacity(own.len());
            for &(_, var) in own {
                sum.add_mul(1.0, var);
            }
            rows.push(sum.leq(1.0));
        }
    }

    // The days taken in a bucket by the sessions starting in it. (Days they
    // run over into the next bucket are not counted: that only relaxes.)
    let days_taken = |members: &[(usize, Variable, usize)]| -> (f64, Expression) {
        let mut sum = Expression::with_capacity(members.len());
        let mut total = 0.0;
        for &(_, var, days) in members {
            sum.add_mul(days as f64, var);
            total += days as f64;
        }
        (total, sum)
    };
    let free_days = |b: usize, free: &dyn Fn(usize) -> bool| {
        (buckets[b].first..=buckets[b].last)
            .filter(|&d| inst.working.all(d, 1) && free(d))
            .count()
    };

    // A trainer teaches at most one session a day, on days they are free.
    let mut trainers: Vec<usize> = block
        .iter()
        .flat_map(|&s| inst.sessions[s].trainers.iter().copied())
        .collect();
    trainers.sort_unstable();
    trainers.dedup();
    for &t in &trainers {
        for (b, members) in in_bucket.iter().enumerate() {
            let members: Vec<(usize, Variable, usize)> = members
                .iter()
                .copied()
                .filter(|&(s, _, _)| inst.sessions[s].trainers.contains(&t))
                .collect();
            if members.len() < 2 {
                continue;
            }
            let free = free_days(b, &|d| inst.trainer_free[t].all(d, 1)) as f64;
            let (total, sum) = days_taken(&members);
            if total > free {
                rows.push(sum.leq(free));
            }
        }
    }

    // A venue holds one session a day: sessions that can only use venues of
    // a set share the days those venues are free.
    let mut venue_sets: Vec<&Vec<usize>> = block
        .iter()
        .map(|&s| &inst.sessions[s])
        .filter(|s| s.in_person && !s.venues.is_empty())
        .map(|s| &s.venues)
        .collect();
    venue_sets.sort();
    venue_sets.dedup();
    for set in venue_sets {
        let within = |s: usize| {
            let session = &inst.sessions[s];
            session.in_person && session.venues.iter().all(|v| set.contains(v))
        };
        for (b, members) in in_bucket.iter().enumerate() {
            let members: Vec<(usize, Variable, usize)> = members
                .iter()
                .copied()
                .filter(|&(s, _, _)| within(s))
                .collect();
            if members.len() < 2 {
                continue;
            }
            let free: usize = set
                .iter()
                .map(|&v| free_days(b, &|d| inst.venue_free[v].all(d, 1)))
                .sum();
            let (total, sum) = days_taken(&members);
            if total > free as f64 {
                rows.push(sum.leq(free as f64));
            }
        }
    }

    let mut courses: Vec<usize> = block.iter().map(|&s| inst.sessions[s].course).collect();
    courses.sort_unstable();
    courses.dedup();
    // Sessions of one course: at most one start in any span of fewer than
    // `gap` days.
    if inst.gap >= 2 {
        for &c in &courses {
            let members = &inst.courses[c];
            if members.len() < 2 {
                continue;
            }
            let mut last_end = None;
            for i in 0..buckets.len() {
                let mut j = i;
                while j + 1 < buckets.len() && buckets[j + 1].last - buckets[i].first < inst.gap {
                    j += 1;
                }
                if buckets[j].last - buckets[i].first >= inst.gap || last_end == Some(j) {
                    continue;
                }
                last_end = Some(j);
                let mut sum = Expression::default();
                let mut sessions = 0;
                for &s in members {
                    let own = &vars[position(s).expect("a course is in one block")];
                    let mut any = false;
                    for &(_, var) in own.iter().filter(|(b, _)| (i..=j).contains(b)) {
                        sum.add_mul(1.0, var);
                        any = true;
                    }
                    sessions += usize::from(any);
                }
                if sessions > 1 {
                    rows.push(sum.leq(1.0));
                }
            }
        }
    }

    // Part k is placed only if every part k-1 is, and starts after it by its
    // spacing: by the end of each bucket, no more of part k has started than
    // of part k-1 by that end minus the spacing.
    for (i, &s) in block.iter().enumerate() {
        for &p in &inst.sessions[s].preds {
            let spacing = inst.spacing(p);
            let before = &vars[position(p).expect("a course is in one block")];
            let own = &vars[i];
            let mut total = Expression::default();
            for &(_, var) in own {
                total.add_mul(1.0, var);
            }
            for &(_, var) in before {
                total.add_mul(-1.0, var);
            }
            rows.push(total.leq(0.0));
            for k in 0..own.len().saturating_sub(1) {
                let end = buckets[own[k].0].last;
                let mut sum = Expression::default();
                for &(_, var) in &own[..=k] {
                    sum.add_mul(1.0, var);
                }
                for &(_, var) in before
                    .iter()
                    .filter(|(b, _)| buckets[*b].first + spacing <= end)
                {
                    sum.add_mul(-1.0, var);
                }
                rows.push(sum.leq(0.0));
            }
        }
    }

    let constraints = rows.len();
    let objective_copy = objective.clone();
    let mut lp = problem
        .minimise(objective)
        .using(microlp)
        .with_time_limit(time_limit.as_secs_f64());
    for row in rows {
        lp.add_constraint(row);
    }
    let solution = lp
        .solve()
        .map_err(|e| format!("the LP solver stopped: {e}"))?;
    Ok(BlockLp {
        value: solution.eval(&objective_copy),
        variables,
        constraints,
    })
}

/// Prices per trainee-day for the periods' capacities, chosen to make the
/// bound of the simplest relaxation (each session alone, plus the
/// capacities) as high as possible; and that bound. Any prices ≥ 0 give a
/// valid bound (weak duality); these are a good choice.
pub(crate) fn period_prices(inst: &Instance) -> (Vec<f64>, f64) {
    let periods = inst.period_cap.len();
    let h = inst.h as f64;
    // Per session: its first start in each period, and outside all periods
    // (unplaced counts as the horizon's length).
    let firsts: Vec<(Vec<Option<f64>>, f64)> = inst
        .sessions
        .iter()
        .map(|session| {
            let mut in_period = vec![None; periods];
            let mut outside = h;
            for &day in &session.starts {
                let day = usize::from(day);
                match inst.period_of_day[day] {
                    Some(p) if in_period[p].is_none() => in_period[p] = Some(day as f64),
                    None if outside == h => outside = day as f64,
                    _ => {}
                }
            }
            (in_period, outside)
        })
        .collect();
    let value = |prices: &[f64]| -> f64 {
        let mut total = 0.0;
        for (session, (in_period, outside)) in inst.sessions.iter().zip(&firsts) {
            let best = in_period
                .iter()
                .zip(prices)
                .filter_map(|(first, price)| first.map(|f| f + price))
                .fold(*outside, f64::min);
            total += session.weight as f64 * best;
        }
        total
            - (0..periods)
                .map(|p| prices[p] * inst.period_cap[p] as f64)
                .sum::<f64>()
    };
    let mut prices = vec![0.0; periods];
    // Coordinate ascent: each price set where its period just fills up.
    for _ in 0..20 {
        let mut changed = false;
        for p in 0..periods {
            let mut wanting: Vec<(f64, f64)> = Vec::new();
            for (session, (in_period, outside)) in inst.sessions.iter().zip(&firsts) {
                let Some(first) = in_period[p] else { continue };
                let other = (0..periods)
                    .filter(|&q| q != p)
                    .filter_map(|q| in_period[q].map(|f| f + prices[q]))
                    .fold(*outside, f64::min);
                // It prefers this period while the price is below this.
                let threshold = other - first;
                if threshold > 0.0 {
                    wanting.push((threshold, session.weight as f64));
                }
            }
            wanting.sort_by(|a, b| b.0.total_cmp(&a.0));
            let cap = inst.period_cap[p] as f64;
            let mut filled = 0.0;
            let mut price = 0.0;
            for (threshold, weight) in wanting {
                filled += weight;
                if filled > cap {
                    price = threshold;
                    break;
                }
            }
            if (price - prices[p]).abs() > 1e-9 {
                prices[p] = price;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let bound = value(&prices);
    (prices, bound)
}

/// The bound without a solver: the capacities priced, each session at its
/// best priced option as if alone (at least `sessions_alone`).
pub(crate) fn priced_alone(inst: &Instance) -> u64 {
    let (_, value) = period_prices(inst);
    let tolerance = 1e-6 * value.abs().max(1.0);
    ((value - tolerance).ceil().max(0.0) as u64).max(sessions_alone(inst))
}

/// Runs of `weeks` weeks (from Monday), cut where a month or a period changes.
fn make_buckets(inst: &Instance, weeks: usize) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut mondays = 0;
    for d in 0..inst.h {
        let monday = inst.days[d].weekday() == Weekday::Monday;
        if monday {
            mondays += 1;
        }
        let new = d == 0
            || (monday && mondays % weeks == 0)
            || inst.month_of_day[d] != inst.month_of_day[d - 1]
            || inst.period_of_day[d] != inst.period_of_day[d - 1];
        if new {
            buckets.push(Bucket { first: d, last: d });
        } else if let Some(last) = buckets.last_mut() {
            last.last = d;
        }
    }
    buckets
}

/// Weekly buckets, or fortnights when weeks would make more than
/// `WEEKLY_VARIABLES` variables (the LP would not be solved in time).
fn choose_buckets(inst: &Instance) -> Vec<Bucket> {
    let weekly = make_buckets(inst, 1);
    let mut bucket_of_day = vec![0; inst.h];
    for (b, bucket) in weekly.iter().enumerate() {
        bucket_of_day[bucket.first..=bucket.last].fill(b);
    }
    let variables: usize = inst
        .sessions
        .iter()
        .map(|s| {
            let mut buckets: Vec<usize> = s
                .starts
                .iter()
                .map(|&d| bucket_of_day[usize::from(d)])
                .collect();
            buckets.dedup();
            buckets.len()
        })
        .sum();
    if variables > WEEKLY_VARIABLES {
        make_buckets(inst, 2)
    } else {
        weekly
    }
}
