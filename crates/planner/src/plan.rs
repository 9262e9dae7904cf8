//! What the planner answers: a proposal per session, the objective, the
//! bound and the gap, and for each session it could not place the
//! constraints that stopped it.

use std::time::Duration;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::problem::{CourseId, DelegationId, Month, PeriodId, SessionId, TrainerId, VenueId};

/// The planner's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// One proposal per session, in the order of `Problem::sessions`.
    pub proposals: Vec<Proposal>,
    /// The plan's cost (lower is better): for each placed session its
    /// trainee-days times its start's offset in days from the horizon's first
    /// day; for each unplaced session its trainee-days times the horizon's
    /// length in days, as if it started the day after the horizon.
    pub objective: u64,
    /// No plan can cost less than this (a proven lower bound, see `method`).
    pub bound: u64,
    /// How far from optimal this plan can be, relative to its cost:
    /// `(objective - bound) / objective`, 0 when the objective is 0.
    /// 0.04 means the best possible plan costs at most 4 % less than this one.
    pub gap: f64,
    pub placed_sessions: usize,
    pub placed_trainee_days: u64,
    pub total_trainee_days: u64,
    pub method: Method,
    /// Wall time of the whole `plan` call.
    #[serde(with = "seconds")]
    pub solve_time: Duration,
}

impl Plan {
    /// The proposal for a session.
    pub fn proposal(&self, session: SessionId) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.session() == session)
    }

    pub fn placed(&self) -> impl Iterator<Item = &Placement> {
        self.proposals.iter().filter_map(|p| match p {
            Proposal::Placed(placement) => Some(placement),
            Proposal::Unplaced(_) => None,
        })
    }

    pub fn unplaced(&self) -> impl Iterator<Item = &Unplaced> {
        self.proposals.iter().filter_map(|p| match p {
            Proposal::Placed(_) => None,
            Proposal::Unplaced(unplaced) => Some(unplaced),
        })
    }
}

/// What the planner proposes for one session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Proposal {
    Placed(Placement),
    Unplaced(Unplaced),
}

impl Proposal {
    pub fn session(&self) -> SessionId {
        match self {
            Proposal::Placed(placement) => placement.session,
            Proposal::Unplaced(unplaced) => unplaced.session,
        }
    }
}

/// A proposed date (and venue) for a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub session: SessionId,
    pub first_day: Date,
    /// `first_day` plus the session's length minus one.
    pub last_day: Date,
    /// The venue for an in-person session, `None` online.
    pub venue: Option<VenueId>,
}

/// A session the planner could not place, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unplaced {
    pub session: SessionId,
    /// The constraints that leave it no date (see [`Blocking`]). Never empty.
    pub reasons: Vec<Reason>,
    pub blocking: Blocking,
}

impl Unplaced {
    /// One plain English sentence, for logs and the English interface.
    pub fn explain(&self) -> String {
        let reasons: Vec<String> = self.reasons.iter().map(Reason::explain).collect();
        let list = reasons.join("; ");
        match self.blocking {
            Blocking::Alone if reasons.len() == 1 => {
                format!(
                    "Session {} cannot be placed on any date: {list}.",
                    self.session
                )
            }
            Blocking::Alone => format!(
                "Session {} cannot be placed on any date; each of these alone rules out every date: {list}.",
                self.session
            ),
            Blocking::Each if reasons.len() == 1 => format!(
                "Session {} was not placed: {list}; without that, a date would be free.",
                self.session
            ),
            Blocking::Each => format!(
                "Session {} was not placed; lifting any one of these would free a date: {list}.",
                self.session
            ),
            Blocking::Together => format!(
                "Session {} was not placed; on every date at least two of these are in the way: {list}.",
                self.session
            ),
        }
    }
}

/// How the reasons of an unplaced session combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocking {
    /// Each reason alone leaves no date in the horizon (for a reason about
    /// other sessions: as they are planned), or the calendar itself leaves none.
    Alone,
    /// Each reason is the only thing in the way on some date: lifting any one
    /// of them would free a date.
    Each,
    /// No single constraint is to blame: on every date at least two of these
    /// are in the way.
    Together,
}

/// Why a session has no date. The data is there for the caller to word it in
/// its own language; [`Reason::explain`] words it in English.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// The session's earliest date is after the horizon's end.
    EarliestAfterHorizon { earliest: Date, horizon_last: Date },
    /// Between its earliest date and the horizon's end there is no run of
    /// `days` working days (weekends, public holidays, excluded months and
    /// closed days are taken out).
    NoWorkingDays { days: u32 },
    /// The trainer's stated availability leaves no date.
    TrainerUnavailable { trainer: TrainerId },
    /// The trainer is teaching other planned sessions on the dates left.
    TrainerBusy { trainer: TrainerId },
    /// No venue it may use has enough seats; `largest` is the largest of
    /// those venues, `None` when it may use none at all.
    NoVenueLargeEnough {
        seats_needed: u32,
        largest: Option<u32>,
    },
    /// The venues large enough are not available (as stated) on the dates left.
    VenueUnavailable,
    /// The venues large enough are taken by other planned sessions on the dates left.
    VenuesBooked,
    /// Too few of the delegation's agents are willing to travel in these
    /// months (the months where the session could otherwise have been held).
    NotWillingToTravel {
        delegation: DelegationId,
        months: Vec<Month>,
        threshold: f64,
    },
    /// Other sessions of the course are planned closer than the minimum gap.
    CourseGap { course: CourseId, gap_days: u32 },
    /// The previous part of the course is not placed, or placed too late to
    /// leave room for this one.
    PartOrder {
        course: CourseId,
        previous_part: u32,
        previous_placed: bool,
    },
    /// The remaining capacity of these periods is used up by planned sessions
    /// (or is smaller than the session).
    PeriodFull { periods: Vec<PeriodId> },
}

impl Reason {
    /// The reason in plain English, without a final full stop.
    pub fn explain(&self) -> String {
        match self {
            Reason::EarliestAfterHorizon {
                earliest,
                horizon_last,
            } => format!(
                "its earliest date, {earliest}, is after the end of the plan, {horizon_last}"
            ),
            Reason::NoWorkingDays { days } => {
                let run = if *days == 1 {
                    "a single working day".to_string()
                } else {
                    format!("{days} consecutive working days")
                };
                format!(
                    "the calendar (weekends, public holidays, excluded months, closed days) leaves no {run} between its earliest date and the end of the plan"
                )
            }
            Reason::TrainerUnavailable { trainer } => {
                format!("trainer {trainer} said they are not available")
            }
            Reason::TrainerBusy { trainer } => {
                format!("trainer {trainer} is teaching other planned sessions")
            }
            Reason::NoVenueLargeEnough {
                seats_needed,
                largest: Some(largest),
            } => format!(
                "it needs {seats_needed} seats and the largest venue it may use has {largest}"
            ),
            Reason::NoVenueLargeEnough {
                seats_needed,
                largest: None,
            } => format!("it needs a venue for {seats_needed} people and has none to use"),
            Reason::VenueUnavailable => "no venue large enough is available, as stated".to_string(),
            Reason::VenuesBooked => {
                "the venues large enough are booked by other planned sessions".to_string()
            }
            Reason::NotWillingToTravel {
                delegation,
                months,
                threshold,
            } => {
                let months: Vec<String> = months.iter().map(Month::to_string).collect();
                format!(
                    "fewer than {:.0} % of the agents of delegation {delegation} are willing to travel in {}",
                    threshold * 100.0,
                    months.join(", ")
                )
            }
            Reason::CourseGap { course, gap_days } => format!(
                "other sessions of course {course} are planned less than {gap_days} days away"
            ),
            Reason::PartOrder {
                course,
                previous_part,
                previous_placed: false,
            } => format!(
                "part {previous_part} of course {course}, which must come first, is not placed"
            ),
            Reason::PartOrder {
                course,
                previous_part,
                previous_placed: true,
            } => format!(
                "part {previous_part} of course {course} is placed too late to leave room for this part"
            ),
            Reason::PeriodFull { periods } => {
                let periods: Vec<String> = periods.iter().map(PeriodId::to_string).collect();
                format!(
                    "the remaining plan capacity of period {} is used up",
                    periods.join(", ")
                )
            }
        }
    }
}

/// How the plan and the bound were obtained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// The search, in a few words.
    pub search: String,
    /// Greedy passes and improving moves made.
    pub iterations: u64,
    /// True when the search stopped at `Options::time_limit` rather than
    /// because no move improved the plan.
    pub stopped_by_time_limit: bool,
    /// Wall time of the search (the bound is computed beside it).
    #[serde(with = "seconds")]
    pub search_time: Duration,
    pub bound: BoundMethod,
}

/// Where the lower bound comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BoundMethod {
    /// The linear relaxation of an aggregated model (days grouped in
    /// buckets of at most a week, the periods' capacities priced, the
    /// sessions split in blocks), solved with microlp through good_lp. A
    /// block not solved in time counts its sessions alone.
    LpRelaxation {
        buckets: usize,
        blocks: usize,
        blocks_solved: usize,
        /// Summed over the blocks solved.
        variables: usize,
        constraints: usize,
        #[serde(with = "seconds")]
        solve_time: Duration,
    },
    /// Each session at its own earliest possible date, ignoring the others
    /// except through the periods' capacities: used when the LP is not
    /// solved (`why`).
    SessionsAlone { why: String },
}

mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(duration.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let seconds = f64::deserialize(deserializer)?;
        Duration::try_from_secs_f64(seconds).map_err(serde::de::Error::custom)
    }
}
