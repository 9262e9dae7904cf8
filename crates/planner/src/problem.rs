//! What the planner is asked: the sessions to place, the people, rooms and
//! rules that constrain them. Everything here is plain data (serde), so a
//! problem can be built in code, read from JSON or written to a file to
//! reproduce a plan.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A postponed session (the caller's own session id).
    SessionId
);
id_type!(
    /// A course: its sessions are spaced by the minimum gap and its parts kept in order.
    CourseId
);
id_type!(
    /// A trainer (an outside provider or a staff trainer).
    TrainerId
);
id_type!(
    /// A venue: a room with a number of seats.
    VenueId
);
id_type!(
    /// A regional delegation (or headquarters): venues belong to one, sessions are organised by one.
    DelegationId
);
id_type!(
    /// A period of the training plan, usually a semester.
    PeriodId
);

/// Days from `first` to `last`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub first: Date,
    pub last: Date,
}

impl DateRange {
    pub fn new(first: Date, last: Date) -> Self {
        Self { first, last }
    }

    /// One day.
    pub fn day(day: Date) -> Self {
        Self {
            first: day,
            last: day,
        }
    }

    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

/// A calendar month, written `"2020-09"` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    pub year: i16,
    /// 1 to 12.
    pub month: i8,
}

impl Month {
    pub fn new(year: i16, month: i8) -> Self {
        Self { year, month }
    }

    pub fn of(day: Date) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{text:?} is not a month written YYYY-MM");
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        let year: i16 = year.parse().map_err(|_| bad())?;
        let month: i8 = month.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || year.unsigned_abs() > 9999 {
            return Err(bad());
        }
        Ok(Self { year, month })
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The whole question put to the planner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Nothing is placed before `horizon.first` nor ends after `horizon.last`
    /// (the plan's end).
    pub horizon: DateRange,
    /// The plan's periods (semesters) with their remaining capacity. A session
    /// counts against the period that holds its first day; days outside every
    /// period have no capacity limit. Empty: no limit at all.
    #[serde(default)]
    pub periods: Vec<Period>,
    /// The postponed sessions to place.
    pub sessions: Vec<Session>,
    /// Trainers' stated availability. A trainer named by a session but not
    /// listed here has made no statement and is taken as always available.
    #[serde(default)]
    pub trainers: Vec<Trainer>,
    #[serde(default)]
    pub venues: Vec<Venue>,
    /// Share of a delegation's agents willing to travel, by month (survey T4).
    /// A month with no answer for a delegation counts as willing.
    #[serde(default)]
    pub willingness: Vec<Willingness>,
    #[serde(default)]
    pub rules: Rules,
}

/// A period of the plan (a semester) and what is left of its volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub id: PeriodId,
    pub first: Date,
    pub last: Date,
    /// Remaining capacity in trainee-days: the sum of the `trainee_days` of
    /// the sessions starting in the period may not exceed it.
    pub capacity_trainee_days: u32,
}

/// How a session is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Needs a venue with enough seats, and its delegation's agents willing to travel that month.
    InPerson,
    /// Needs no venue and is not subject to the willingness threshold.
    Online,
}

/// A postponed session to place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub course: CourseId,
    /// Part number within a multi-part course: part k starts after every
    /// session of part k-1 of the same course has ended, and at least the
    /// minimum gap after it started. `None`: not part of a sequence.
    #[serde(default)]
    pub part: Option<u32>,
    /// Length in consecutive calendar days, every one of them a working day
    /// (a 2-day session never spans a weekend).
    pub days: u32,
    /// All of them must be free on every day of the session.
    #[serde(default)]
    pub trainers: Vec<TrainerId>,
    pub delegation: DelegationId,
    /// Seats needed in the venue: the registrants held for it.
    pub seats: u32,
    pub format: Format,
    /// Venues it may use (in person). Empty: any venue of its delegation.
    #[serde(default)]
    pub venues: Vec<VenueId>,
    /// No earlier than this day (for example to give registrants notice).
    #[serde(default)]
    pub earliest: Option<Date>,
    /// The work it carries, in trainee-days: its weight in the objective and
    /// what it takes from its period's capacity.
    pub trainee_days: u32,
}

/// A trainer and what they said about their availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trainer {
    pub id: TrainerId,
    #[serde(flatten)]
    pub availability: Availability,
}

/// A venue and its seats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    pub id: VenueId,
    pub delegation: DelegationId,
    pub seats: u32,
    #[serde(flatten)]
    pub availability: Availability,
}

/// Stated availability. A day is available when it is in one of the
/// `available` ranges (or `available` is absent: no statement) and in none of
/// the `unavailable` ranges.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Vec<DateRange>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<DateRange>,
}

impl Availability {
    /// Available every day.
    pub fn always() -> Self {
        Self::default()
    }

    pub fn is_available(&self, day: Date) -> bool {
        self.available
            .as_ref()
            .is_none_or(|ranges| ranges.iter().any(|range| range.contains(day)))
            && !self.unavailable.iter().any(|range| range.contains(day))
    }
}

/// One survey figure: the share (0 to 1) of a delegation's agents willing to
/// travel in a month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Willingness {
    pub delegation: DelegationId,
    pub month: Month,
    pub share: f64,
}

/// The rules of the house. Every field has a default, so `{}` in JSON is the
/// usual rule set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// Two sessions of one course start at least this many days apart
    /// (default 7). Parts of a course also wait for the previous part to end.
    pub min_gap_days: u32,
    /// No session on Saturdays and Sundays (default true).
    pub exclude_weekends: bool,
    /// No session on French public holidays (default true).
    pub exclude_french_holidays: bool,
    /// Months (1 to 12) with no session at all (default: August).
    pub excluded_months: Vec<i8>,
    /// Other days with no session (an institute closure, a strike day).
    pub closed: Vec<DateRange>,
    /// An in-person session is placed in a month only if the share of its
    /// delegation's agents willing to travel that month is at least this
    /// (default 0.5). Below it, the session is not placed that month: the
    /// officer may turn it online and plan again.
    pub willingness_threshold: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            min_gap_days: 7,
            exclude_weekends: true,
            exclude_french_holidays: true,
            excluded_months: vec![8],
            closed: Vec::new(),
            willingness_threshold: 0.5,
        }
    }
}

/// A problem that cannot be planned because it is malformed (an infeasible
/// problem is not an error: it gets a plan with every session unplaced and
/// the reasons).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InvalidProblem {
    #[error("session {0} appears twice")]
    DuplicateSession(SessionId),
    #[error("session {session}: {reason}")]
    Session { session: SessionId, reason: String },
    #[error("trainer {0} appears twice")]
    DuplicateTrainer(TrainerId),
    #[error("venue {0} appears twice")]
    DuplicateVenue(VenueId),
    #[error("period {period}: {reason}")]
    Period { period: PeriodId, reason: String },
    #[error("the horizon ends ({last}) before it starts ({first})")]
    Horizon { first: Date, last: Date },
    #[error("the horizon is longer than {max} days", max = crate::MAX_HORIZON_DAYS)]
    HorizonTooLong,
    #[error(
        "willingness of delegation {delegation} in {month}: {share} is not a share between 0 and 1"
    )]
    Share {
        delegation: DelegationId,
        month: Month,
        share: f64,
    },
    #[error("rules: {0}")]
    Rules(String),
}
